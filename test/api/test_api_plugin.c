/*
 * test_api_plugin.c - API tier: k6c_test_load_plugin() through the public
 * headers (k6c.h, k6c/plugin.h) with real shared objects built by
 * test/api/meson.build: load errors (a missing file, no k6c_plugin_abi, the
 * next ABI version, no k6c_plugin_init, an init that fails with a message, a
 * registration that fails), a good plugin whose module and named output a
 * script uses, and the k6c-sql plugin (samples/modules/sql) used by a script
 * against a real SQLite file.
 *
 * Environment (set by meson): K6C_TEST_PLUGIN_DIR, where the test plugins
 * are built; K6C_SQL_PLUGIN, the path of k6c-sql.so.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <k6c.h>
#include <k6c/plugin.h>

#include "tcapture.h"
#include "tjson.h"

/* Short enough that every path built from it fits in PATH_MAX. */
static char g_tmpdir[512];

/* The path of test plugin `name` (tplug_<name>.so). */
static const char *plugin_path(char *buf, size_t cap, const char *name)
{
	const char *dir = getenv("K6C_TEST_PLUGIN_DIR");

	ck_assert_msg(dir != NULL, "K6C_TEST_PLUGIN_DIR is not set");
	snprintf(buf, cap, "%s/tplug_%s.so", dir, name);
	ck_assert_msg(access(buf, R_OK) == 0, "%s is missing", buf);
	return buf;
}

static k6c_test *new_test(tcap *cap, const char *src, const char *options)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_source(t, "plugin.js", src, strlen(src)), 0);
	ck_assert_int_eq(k6c_test_set_options(t, options ? options : "{\"vus\":1,\"iterations\":1}"), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, cap, NULL), 0);
	return t;
}

/* Loading spec fails with code, and the message has every needle. */
static void expect_load_error(const char *spec, int code, const char *n1, const char *n2,
	const char *n3)
{
	k6c_test *t = NULL;
	const k6c_error *e;
	int rc;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	k6c_error_clear();
	rc = k6c_test_load_plugin(t, spec);
	e = k6c_error_last();
	ck_assert_msg(rc == code, "%s: got %s, expected %s (%s)", spec, k6c_error_name(rc),
		k6c_error_name(code), e ? e->message : "no message");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, code);
	fprintf(stderr, "%s -> %s: %s\n", spec, k6c_error_name(rc), e->message);
	ck_assert_msg(!n1 || strstr(e->message, n1), "'%s' lacks '%s'", e->message, n1);
	ck_assert_msg(!n2 || strstr(e->message, n2), "'%s' lacks '%s'", e->message, n2);
	ck_assert_msg(!n3 || strstr(e->message, n3), "'%s' lacks '%s'", e->message, n3);
	k6c_test_free(t);
}

/* Runs t; its summary must show `checks` passes and no failures. */
static void expect_checks(k6c_test *t, tcap *cap, double passes)
{
	char err[128];
	const char *json;
	tj *doc;
	int rc = k6c_test_run(t);
	double p, f;

	if (rc != 0 || k6c_test_exit_code(t) != 0) {
		tcap_dump(cap, stderr);
		ck_abort_msg("run returned %d, exit code %d", rc, k6c_test_exit_code(t));
	}
	json = k6c_test_summary_json(t);
	ck_assert_ptr_nonnull(json);
	doc = tj_parse(json, err, sizeof(err));
	ck_assert_msg(doc != NULL, "summary: %s", err);
	p = tj_num(tj_getv(doc, "metrics", "checks", "values", "passes", NULL), NAN);
	f = tj_num(tj_getv(doc, "metrics", "checks", "values", "fails", NULL), NAN);
	if (p != passes || f != 0)
		tcap_dump(cap, stderr);
	ck_assert_msg(p == passes && f == 0, "%g checks passed, %g failed; expected %g passes", p,
		f, passes);
	tj_free(doc);
}

/* ---- load errors ------------------------------------------------------------- */

START_TEST(test_api_plugin__bad_arguments)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_load_plugin(NULL, "x.so"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_load_plugin(t, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_load_plugin(t, ""), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_load_plugin(t, "=arg"), K6C_EINVAL);
	ck_assert_int_eq(k6c_plugin_add_module(NULL, NULL, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_plugin_add_output(NULL, "x", NULL, NULL), K6C_EINVAL);
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_plugin__missing_file)
{
	char spec[PATH_MAX + 8];

	snprintf(spec, sizeof(spec), "%s/no-such-plugin.so=arg", g_tmpdir);
	expect_load_error(spec, K6C_EIO, g_tmpdir, "no-such-plugin.so", "cannot load plugin");
}
END_TEST

START_TEST(test_api_plugin__not_a_shared_object)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/text.so", g_tmpdir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("not an ELF file\n", f);
	fclose(f);
	expect_load_error(path, K6C_EIO, path, "cannot load plugin", NULL);
}
END_TEST

START_TEST(test_api_plugin__no_abi_symbol)
{
	char p[PATH_MAX];

	expect_load_error(plugin_path(p, sizeof(p), "noabi"), K6C_ENOTFOUND, p,
		"not a libk6c plugin", "k6c_plugin_abi");
}
END_TEST

START_TEST(test_api_plugin__wrong_abi)
{
	char p[PATH_MAX], want_theirs[64], want_ours[64];

	snprintf(want_theirs, sizeof(want_theirs), "ABI %u,", (unsigned)K6C_MODULE_ABI + 1);
	snprintf(want_ours, sizeof(want_ours), "has ABI %u", (unsigned)K6C_MODULE_ABI);
	expect_load_error(plugin_path(p, sizeof(p), "badabi"), K6C_ENOTSUP, p, want_theirs,
		want_ours);
}
END_TEST

START_TEST(test_api_plugin__no_init_symbol)
{
	char p[PATH_MAX];

	expect_load_error(plugin_path(p, sizeof(p), "noinit"), K6C_ENOTFOUND, p,
		"k6c_plugin_init", NULL);
}
END_TEST

START_TEST(test_api_plugin__init_fails_with_message)
{
	char p[PATH_MAX], spec[PATH_MAX + 16];

	snprintf(spec, sizeof(spec), "%s=xyz", plugin_path(p, sizeof(p), "initfail"));
	expect_load_error(spec, K6C_ESCRIPT, p, "initfail refuses to start", "(arg \"xyz\")");
}
END_TEST

/* A second load of the same plugin into one test registers `k6/x/plugtest`
 * again: the registration's own error comes back, naming the file. */
START_TEST(test_api_plugin__registration_error)
{
	char p[PATH_MAX];
	k6c_test *t = NULL;
	const k6c_error *e;
	int rc;

	plugin_path(p, sizeof(p), "good");
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_load_plugin(t, p), 0);
	rc = k6c_test_load_plugin(t, p);
	e = k6c_error_last();
	ck_assert_msg(rc == K6C_ECONFIG, "got %s: %s", k6c_error_name(rc), e ? e->message : "");
	ck_assert_ptr_nonnull(strstr(e->message, p));
	ck_assert_ptr_nonnull(strstr(e->message, "k6/x/plugtest"));
	k6c_test_free(t);
}
END_TEST

/* ---- good plugins -------------------------------------------------------------- */

/* The module gets the plugin's argument; the output it registered is
 * selected with -o and its sink, code of the plugin, runs to the end (the
 * object is unloaded only when the test is freed). */
START_TEST(test_api_plugin__module_and_output)
{
	static const char src[] =
		"import { check } from 'k6';\n"
		"import pt from 'k6/x/plugtest';\n"
		"export default function () {\n"
		"  check(pt, { 'arg': (m) => m.arg() === 'hello=world',\n"
		"              'add': (m) => m.add(2, 3) === 5 });\n"
		"}\n";
	char p[PATH_MAX], spec[PATH_MAX + 32], out[PATH_MAX], outspec[PATH_MAX + 16];
	unsigned long count = 0;
	tcap cap;
	k6c_test *t;
	FILE *f;

	tcap_init(&cap);
	snprintf(spec, sizeof(spec), "%s=hello=world", plugin_path(p, sizeof(p), "good"));
	snprintf(out, sizeof(out), "%s/plugtest.count", g_tmpdir);
	snprintf(outspec, sizeof(outspec), "plugtest=%s", out);
	unlink(out);
	t = new_test(&cap, src, "{\"vus\":1,\"iterations\":3}");
	ck_assert_int_eq(k6c_test_load_plugin(t, spec), 0);
	ck_assert_int_eq(k6c_test_add_output(t, outspec), 0);
	expect_checks(t, &cap, 6);
	k6c_test_free(t);
	ck_assert_ptr_nonnull(f = fopen(out, "r"));
	ck_assert_int_eq(fscanf(f, "%lu", &count), 1);
	fclose(f);
	/* 6 checks, 3 iterations and their durations at least. */
	ck_assert_msg(count >= 12, "the plugin's sink saw %lu samples", count);
	tcap_free(&cap);
}
END_TEST

/* Without the plugin, the import fails: the module really came from it. */
START_TEST(test_api_plugin__module_absent_without_plugin)
{
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = new_test(&cap, "import pt from 'k6/x/plugtest';\nexport default function () {}\n",
		NULL);
	k6c_test_run(t);
	ck_assert_int_eq(k6c_test_exit_code(t), 107);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* The k6c-sql plugin: a script opens a SQLite file, writes and reads it. */
START_TEST(test_api_plugin__sql_plugin)
{
	static const char src[] =
		"import { check } from 'k6';\n"
		"import sql from 'k6/x/sql';\n"
		"import driver from 'k6/x/sql/driver/sqlite3';\n"
		"const db = sql.open(driver, __ENV.DB);\n"
		"export function setup() {\n"
		"  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, vu INTEGER)');\n"
		"}\n"
		"export default function () {\n"
		"  const r = db.exec('INSERT INTO t (vu) VALUES ($1)', __VU);\n"
		"  check(r, { 'one row': (x) => x.rowsAffected() === 1 });\n"
		"}\n"
		"export function teardown() {\n"
		"  const rows = db.query('SELECT count(*) AS n FROM t');\n"
		"  check(rows, { 'all rows': (x) => x[0].n === 8 });\n"
		"}\n";
	const char *so = getenv("K6C_SQL_PLUGIN");
	char db[PATH_MAX];
	tcap cap;
	k6c_test *t;

	ck_assert_msg(so && access(so, R_OK) == 0, "K6C_SQL_PLUGIN (%s) is missing",
		so ? so : "unset");
	snprintf(db, sizeof(db), "%s/plugin.db", g_tmpdir);
	unlink(db);
	tcap_init(&cap);
	t = new_test(&cap, src, "{\"vus\":2,\"iterations\":8}");
	ck_assert_int_eq(k6c_test_set_env(t, "DB", db), 0);
	ck_assert_int_eq(k6c_test_load_plugin(t, so), 0);
	expect_checks(t, &cap, 9);
	k6c_test_free(t);
	tcap_free(&cap);
	ck_assert_int_eq(access(db, R_OK), 0);
}
END_TEST

/* Loading into a running test is refused. */
START_TEST(test_api_plugin__running_test)
{
	char p[PATH_MAX];
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = new_test(&cap, "import { sleep } from 'k6';\nexport default function () { sleep(0.05); }\n",
		"{\"vus\":1,\"duration\":\"30s\"}");
	ck_assert_int_eq(k6c_test_start(t), 0);
	ck_assert_int_eq(k6c_test_load_plugin(t, plugin_path(p, sizeof(p), "good")), K6C_ESTATE);
	k6c_test_abort(t);
	k6c_test_wait(t);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static Suite *plugin_suite(void)
{
	Suite *s = suite_create("api_plugin");
	TCase *tc = tcase_create("plugin");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_api_plugin__bad_arguments);
	tcase_add_test(tc, test_api_plugin__missing_file);
	tcase_add_test(tc, test_api_plugin__not_a_shared_object);
	tcase_add_test(tc, test_api_plugin__no_abi_symbol);
	tcase_add_test(tc, test_api_plugin__wrong_abi);
	tcase_add_test(tc, test_api_plugin__no_init_symbol);
	tcase_add_test(tc, test_api_plugin__init_fails_with_message);
	tcase_add_test(tc, test_api_plugin__registration_error);
	tcase_add_test(tc, test_api_plugin__module_and_output);
	tcase_add_test(tc, test_api_plugin__module_absent_without_plugin);
	tcase_add_test(tc, test_api_plugin__sql_plugin);
	tcase_add_test(tc, test_api_plugin__running_test);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	char cmd[PATH_MAX + 16];
	SRunner *sr;
	int failed;

	snprintf(g_tmpdir, sizeof(g_tmpdir), "%s/k6c-plugin-XXXXXX",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(g_tmpdir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(plugin_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", g_tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
