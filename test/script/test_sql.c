/*
 * test_sql.c - script tier: k6/x/sql (samples/modules/sql, registered for
 * the process with k6c_sql_register() as the k6c CLI does) running the
 * scripts of test/script/sql/ against real SQLite files in a temporary
 * directory: the seed's script verbatim on several VUs (exactly one row per
 * iteration), the API on one VU (api.js: types, bound parameters, exec
 * results, errors, close), and one shared connection per data source name
 * across VUs (shared.js). The rows are counted here with SQLite directly.
 *
 * No HTTP: these scripts need no server.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <k6c.h>

#include "sql.h"
#include "tcapture.h"
#include "tjson.h"

/* Short enough that every path built from it fits in PATH_MAX. */
static char g_tmpdir[512];

typedef struct run {
	k6c_test *t;
	tcap cap;
	tj *doc;
	int exit_code;
} run;

/* Runs test/script/sql/<file> with options and __ENV.DB=db (if not NULL);
 * prints the log to help find the cause of a failure. */
static void run_script(run *r, const char *file, const char *options, const char *db)
{
	const char *src = getenv("K6C_TEST_SRCDIR");
	char path[PATH_MAX], err[128];
	const char *json;
	int rc;

	memset(r, 0, sizeof(*r));
	tcap_init(&r->cap);
	ck_assert_msg(src != NULL, "K6C_TEST_SRCDIR is not set");
	snprintf(path, sizeof(path), "%s/script/sql/%s", src, file);
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_options(r->t, options), 0);
	if (db)
		ck_assert_int_eq(k6c_test_set_env(r->t, "DB", db), 0);
	rc = k6c_test_run(r->t);
	r->exit_code = k6c_test_exit_code(r->t);
	fprintf(stderr, "---- %s: run returned %d, exit code %d\n", file, rc, r->exit_code);
	tcap_dump(&r->cap, stderr);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "%s: summary is not JSON: %s", file, err);
	}
}

static void run_free(run *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

static double metric(const run *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

/* Exit code 0 and exactly `passes` checks, none failed. */
static void assert_checks(const run *r, double passes)
{
	double p = metric(r, "checks", "passes"), f = metric(r, "checks", "fails");

	ck_assert_int_eq(r->exit_code, 0);
	ck_assert_msg(f == 0, "%g checks failed (see the log above)", f);
	ck_assert_msg(p == passes, "%g checks passed, expected %g", p, passes);
}

/* A path in the temporary directory, the file removed. */
static const char *tmp_file(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", g_tmpdir, name);
	unlink(buf);
	return buf;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql,
		msg ? msg : "?");
	sqlite3_close(db);
}

/* The first column of the first row of a query, as an integer. */
static long long sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The seed's script, verbatim: `./test.db` is relative to the working
 * directory (as with k6), so the test runs in the temporary directory
 * (Check runs each test in a child process: the chdir stays there). 40
 * iterations over 4 VUs make exactly 40 rows. */
START_TEST(test_sql__seed_script)
{
	char dir[PATH_MAX], db[PATH_MAX + 16];
	run r;

	snprintf(dir, sizeof(dir), "%s/seed", g_tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chdir(dir), 0);
	snprintf(db, sizeof(db), "%s/test.db", dir);
	sql_exec(db, "CREATE TABLE keyvalues (id INTEGER PRIMARY KEY AUTOINCREMENT, "
		"key VARCHAR NOT NULL, value VARCHAR)");
	run_script(&r, "seed.js", "{\"vus\":4,\"iterations\":40}", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_double_eq(metric(&r, "iterations", "count"), 40);
	run_free(&r);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM keyvalues"), 40);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM keyvalues WHERE key = 'lorem' AND "
		"value = 'ipsum'"), 40);
}
END_TEST

START_TEST(test_sql__api)
{
	char db[PATH_MAX];
	run r;

	run_script(&r, "api.js", "{\"vus\":1,\"iterations\":1}", tmp_file(db, sizeof(db), "api.db"));
	assert_checks(&r, 41);
	run_free(&r);
	/* What the script left, read back by SQLite itself. */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM people WHERE name = "
		"'O''Brien''); DROP TABLE people; --'"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM people"), 2);
}
END_TEST

START_TEST(test_sql__shared_connection)
{
	char db[PATH_MAX];
	run r;

	run_script(&r, "shared.js", "{\"scenarios\":{\"s\":{\"executor\":\"per-vu-iterations\","
		"\"vus\":10,\"iterations\":5}}}", tmp_file(db, sizeof(db), "shared.db"));
	/* 50 "one connection" checks and VU 1's closed handle. */
	assert_checks(&r, 51);
	run_free(&r);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM hits"), 50);
	ck_assert_int_eq(sql_int(db, "SELECT count(DISTINCT vu) FROM hits"), 10);
}
END_TEST

/* An error in the init code (a driver that does not exist) is an init
 * error: exit code 107, the message logged. */
START_TEST(test_sql__open_error_in_init)
{
	static const char src[] = "import sql from 'k6/x/sql';\n"
		"const db = sql.open('mysql', 'user@/db');\n"
		"export default function () {}\n";
	tcap cap;
	k6c_test *t = NULL;

	tcap_init(&cap);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_source(t, "bad.js", src, strlen(src)), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, &cap, NULL), 0);
	k6c_test_run(t);
	tcap_dump(&cap, stderr);
	ck_assert_int_eq(k6c_test_exit_code(t), 107);
	ck_assert_ptr_nonnull(tcap_find(&cap, -1, "unsupported driver \"mysql\""));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

int main(void)
{
	char cmd[PATH_MAX + 16];
	Suite *s = suite_create("script_sql");
	TCase *tc = tcase_create("sql");
	SRunner *sr;
	int failed;

	snprintf(g_tmpdir, sizeof(g_tmpdir), "%s/k6c-sql-XXXXXX",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(g_tmpdir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	if (k6c_sql_register() != 0) {
		fprintf(stderr, "k6c_sql_register: %s\n", k6c_error_last()->message);
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sql__seed_script);
	tcase_add_test(tc, test_sql__api);
	tcase_add_test(tc, test_sql__shared_connection);
	tcase_add_test(tc, test_sql__open_error_in_init);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", g_tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
