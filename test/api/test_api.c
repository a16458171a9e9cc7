/*
 * test_api.c - API tier: the k6c_test life cycle through the public headers
 * only (k6c.h), linked against the shared library as an embedder links it.
 * Argument checking and error codes, the thread-local last error, options
 * and environment, running small in-memory scripts (no HTTP) and reading
 * their results, aborting, and the exit codes of k6 run.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>

#include "tcapture.h"
#include "tjson.h"

/* ---- helpers ------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) < 0)
		;
}

/* A test with an in-memory script, optional options and the log captured. */
static k6c_test *make_test(tcap *cap, const char *name, const char *src, const char *options)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(k6c_test_set_script_source(t, name, src, strlen(src)), 0);
	if (options)
		ck_assert_int_eq(k6c_test_set_options(t, options), 0);
	if (cap)
		ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, cap, NULL), 0);
	return t;
}

/* Fails with the log and the text summary printed when the verdict differs. */
static void expect_exit(k6c_test *t, tcap *cap, int want)
{
	int got = k6c_test_exit_code(t);

	if (got != want) {
		fprintf(stderr, "exit code %d, expected %d; log:\n", got, want);
		if (cap)
			tcap_dump(cap, stderr);
		if (k6c_test_summary_text(t))
			fprintf(stderr, "summary:\n%s\n", k6c_test_summary_text(t));
	}
	ck_assert_int_eq(got, want);
}

static tj *summary(const k6c_test *t)
{
	char err[128];
	const char *json = k6c_test_summary_json(t);
	tj *doc;

	ck_assert_msg(json != NULL, "no summary JSON");
	doc = tj_parse(json, err, sizeof(err));
	ck_assert_msg(doc != NULL, "summary is not valid JSON: %s\n%s", err, json);
	ck_assert_msg(doc->type == TJ_OBJ, "summary is not an object");
	return doc;
}

/* metrics.<name>.values.<field>, NAN if absent. */
static double metric(const tj *doc, const char *name, const char *field)
{
	return tj_num(tj_getv(doc, "metrics", name, "values", field, NULL), NAN);
}

#define ck_assert_metric_eq(doc, name, field, want) do { \
	double got_ = metric((doc), (name), (field)); \
	ck_assert_msg(got_ == (double)(want), "metrics.%s.values.%s is %g, expected %g", \
		(name), (field), got_, (double)(want)); \
} while (0)

static const char *SCRIPT_NOP =
	"import { check } from 'k6';\n"
	"export default function () {\n"
	"  check(__VU, { 'vu is positive': (v) => v > 0 });\n"
	"}\n";

/* A script that keeps running until aborted (a duration of 30 s). */
static const char *SCRIPT_SLEEPY =
	"import { sleep } from 'k6';\n"
	"export default function () { if (__ITER === 0) console.log('iterating'); sleep(0.1); }\n";

/* Waits until the script logged that it iterates: a cold lowering under a
 * sanitizer can take longer than any fixed delay. */
static void wait_iterating(tcap *cap)
{
	for (int i = 0; i < 1200 && !tcap_find(cap, K6C_LOG_INFO, "iterating"); i++)
		sleep_s(0.1);
	ck_assert_msg(tcap_find(cap, K6C_LOG_INFO, "iterating") != NULL, "the script never iterated");
	sleep_s(0.3);
}
static const char *OPTS_30S = "{\"vus\":2,\"duration\":\"30s\"}";

/* ---- creation, errors ---------------------------------------------------- */

START_TEST(test_api_test__new_null)
{
	const k6c_error *e;

	k6c_error_clear();
	ck_assert_int_eq(k6c_test_new(NULL), K6C_EINVAL);
	e = k6c_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, K6C_EINVAL);
	ck_assert_ptr_nonnull(e->message);
	ck_assert_msg(e->message[0] != '\0', "empty error message");
}
END_TEST

START_TEST(test_api_test__new_free)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_ptr_nonnull(t);
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_test__free_null)
{
	k6c_test_free(NULL);
}
END_TEST

START_TEST(test_api_errors__strerror_and_name)
{
	char name[64];

#define CHECK_CODE(n, value, msg) \
	ck_assert_int_eq(K6C_E##n, (value)); \
	ck_assert_str_eq(k6c_strerror(value), (msg)); \
	snprintf(name, sizeof(name), "K6C_E%s", #n); \
	ck_assert_str_eq(k6c_error_name(value), name);
	K6C_ERRNO_MAP(CHECK_CODE)
#undef CHECK_CODE
	ck_assert_ptr_nonnull(k6c_strerror(K6C_OK));
	ck_assert_ptr_nonnull(k6c_error_name(K6C_OK));
}
END_TEST

START_TEST(test_api_errors__unknown_code)
{
	static const int codes[] = { K6C__ERRNO_LAST, -12, -1000, 1, 42 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_str_eq(k6c_strerror(codes[i]), "unknown error");
		ck_assert_str_eq(k6c_error_name(codes[i]), "K6C_EUNKNOWN");
	}
}
END_TEST

static void *fail_on_thread(void *arg)
{
	const k6c_error *e;
	int *ok = arg;

	/* A fresh thread has no error until it fails itself. */
	*ok = k6c_error_last() == NULL;
	*ok = *ok && k6c_test_set_options(NULL, "{}") == K6C_EINVAL;
	e = k6c_error_last();
	*ok = *ok && e && e->code == K6C_EINVAL;
	return NULL;
}

START_TEST(test_api_errors__thread_local_and_clear)
{
	k6c_test *t = NULL;
	pthread_t th;
	int ok = 0;
	const k6c_error *e;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_options(t, "{not json"), K6C_EINVAL);
	ck_assert_int_eq(pthread_create(&th, NULL, fail_on_thread, &ok), 0);
	pthread_join(th, NULL);
	ck_assert_msg(ok, "last error leaked across threads or was not set on the other thread");
	e = k6c_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, K6C_EINVAL);
	/* Successful calls do not clear it. */
	ck_assert_int_eq(k6c_test_set_options(t, "{}"), 0);
	e = k6c_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, K6C_EINVAL);
	k6c_error_clear();
	ck_assert_ptr_null(k6c_error_last());
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_args__invalid)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(NULL, "x.js"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_script_file(t, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_script_source(NULL, "x.js", "x", 1), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_script_source(t, "x.js", NULL, 1), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_options(NULL, "{}"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_options(t, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_env(NULL, "A", "b"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_env(t, NULL, "b"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_system_env(NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_log_callback(NULL, tcap_cb, NULL, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_workers(NULL, 1), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_cache_dir(NULL, ""), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_run(NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_start(NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_error_last()->code, K6C_EINVAL);
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_workers__range)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_workers(t, 1025), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_workers(t, 1024), 0);
	ck_assert_int_eq(k6c_test_set_workers(t, 1), 0);
	ck_assert_int_eq(k6c_test_set_workers(t, 0), 0);
	k6c_test_free(t);
}
END_TEST

/* ---- options -------------------------------------------------------------- */

START_TEST(test_api_options__invalid_json)
{
	static const char *bad[] = { "", "{", "{\"vus\":}", "{'vus':1}", "{\"vus\":1}}",
		"{\"vus\":1,}", "{\"a\":\"\\x\"}" };
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const k6c_error *e;
		k6c_error_clear();
		ck_assert_msg(k6c_test_set_options(t, bad[i]) == K6C_EINVAL,
			"set_options accepted %s", bad[i]);
		e = k6c_error_last();
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(e->code, K6C_EINVAL);
		ck_assert_msg(e->message && e->message[0], "no message for %s", bad[i]);
	}
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_options__not_object)
{
	static const char *bad[] = { "[1,2]", "42", "\"vus\"", "null", "true" };
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(k6c_test_set_options(t, bad[i]) == K6C_EINVAL,
			"set_options accepted %s", bad[i]);
	ck_assert_int_eq(k6c_test_set_options(t, "{}"), 0);
	ck_assert_int_eq(k6c_test_set_options(t, " {\"vus\": 1, \"tags\": {\"a\": \"b\"}} \n"), 0);
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_options__precedence)
{
	static const char *src =
		"export const options = { iterations: 2 };\n"
		"export default function () {}\n";
	tcap cap;
	k6c_test *t;
	tj *doc;

	tcap_init(&cap);
	/* The script's own options alone. */
	t = make_test(&cap, "precedence.js", src, NULL);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 2);
	tj_free(doc);
	k6c_test_free(t);

	/* K6_* environment variables win over the script... */
	setenv("K6_ITERATIONS", "3", 1);
	t = make_test(&cap, "precedence.js", src, NULL);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 3);
	tj_free(doc);

	/* ...and set_options wins over both; a second call replaces the first. */
	ck_assert_int_eq(k6c_test_set_options(t, "{\"iterations\":7}"), 0);
	ck_assert_int_eq(k6c_test_set_options(t, "{\"iterations\":4}"), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 4);
	tj_free(doc);
	k6c_test_free(t);
	unsetenv("K6_ITERATIONS");
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_options__invalid_value)
{
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "badopt.js", SCRIPT_NOP, "{\"duration\":\"abc\"}");
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 104);
	ck_assert_msg(tcap_find(&cap, -1, "duration") != NULL,
		"no log line names the invalid option");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- version, results before a run ---------------------------------------- */

START_TEST(test_api_version__matches_headers)
{
	char hdr[32];

	ck_assert_str_eq(k6c_version_string(), K6C_VERSION_STRING);
	ck_assert_uint_eq(k6c_version_hex(), K6C_VERSION_HEX);
	snprintf(hdr, sizeof(hdr), "%d.%d.%d", K6C_VERSION_MAJOR, K6C_VERSION_MINOR,
		K6C_VERSION_PATCH);
	ck_assert_str_eq(hdr, K6C_VERSION_STRING);
	ck_assert(K6C_VERSION_CHECK(0, 0, 1));
	ck_assert(K6C_VERSION_CHECK(K6C_VERSION_MAJOR, K6C_VERSION_MINOR, K6C_VERSION_PATCH));
	ck_assert(!K6C_VERSION_CHECK(K6C_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

START_TEST(test_api_results__before_run)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_exit_code(t), -1);
	ck_assert_ptr_null(k6c_test_summary_json(t));
	ck_assert_ptr_null(k6c_test_summary_text(t));
	ck_assert_int_eq(k6c_test_set_script_source(t, "x.js", SCRIPT_NOP, strlen(SCRIPT_NOP)), 0);
	ck_assert_int_eq(k6c_test_exit_code(t), -1);
	/* Abort of a test that is not running is a no-op. */
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_exit_code(t), -1);
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_run__no_script)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	k6c_error_clear();
	ck_assert_int_eq(k6c_test_run(t), K6C_EINVAL);
	ck_assert_ptr_nonnull(k6c_error_last());
	ck_assert_int_eq(k6c_error_last()->code, K6C_EINVAL);
	ck_assert_int_eq(k6c_test_start(t), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_wait(t), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_exit_code(t), -1);
	k6c_test_free(t);
}
END_TEST

/* ---- running scripts ------------------------------------------------------- */

START_TEST(test_api_run__iterations)
{
	tcap cap;
	k6c_test *t;
	tj *doc;
	const tj *checks;
	const char *text;

	tcap_init(&cap);
	t = make_test(&cap, "iterations.js", SCRIPT_NOP, "{\"vus\":2,\"iterations\":5}");
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 5);
	ck_assert_metric_eq(doc, "checks", "passes", 5);
	ck_assert_metric_eq(doc, "checks", "fails", 0);
	ck_assert_metric_eq(doc, "checks", "rate", 1);
	ck_assert_metric_eq(doc, "vus_max", "value", 2);
	ck_assert_str_eq(tj_str(tj_getv(doc, "metrics", "iterations", "type", NULL)), "counter");
	ck_assert_str_eq(tj_str(tj_getv(doc, "metrics", "checks", "type", NULL)), "rate");
	ck_assert_str_eq(tj_str(tj_getv(doc, "metrics", "iteration_duration", "type", NULL)), "trend");
	ck_assert_str_eq(tj_str(tj_getv(doc, "metrics", "iteration_duration", "contains", NULL)), "time");
	ck_assert_msg(metric(doc, "iteration_duration", "avg") >= 0, "no iteration_duration avg");
	/* The handleSummary() shape: root_group with its checks. */
	ck_assert_str_eq(tj_str(tj_getv(doc, "root_group", "path", NULL)), "");
	checks = tj_getv(doc, "root_group", "checks", NULL);
	ck_assert_msg(checks && checks->type == TJ_ARR && checks->len == 1, "root_group.checks");
	ck_assert_str_eq(tj_str(tj_getv(checks, "0", "name", NULL)), "vu is positive");
	ck_assert_str_eq(tj_str(tj_getv(checks, "0", "path", NULL)), "::vu is positive");
	ck_assert_int_eq((int)tj_num(tj_getv(checks, "0", "passes", NULL), -1), 5);
	ck_assert_int_eq((int)tj_num(tj_getv(checks, "0", "fails", NULL), -1), 0);
	ck_assert_msg(tj_getv(doc, "state", "testRunDurationMs", NULL) != NULL, "no state");
	ck_assert_msg(tj_getv(doc, "options", "summaryTrendStats", NULL) != NULL, "no options");
	text = k6c_test_summary_text(t);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "iterations") && strstr(text, "checks") &&
		strstr(text, "vu is positive"), "text summary:\n%s", text);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__twice)
{
	tcap cap;
	k6c_test *t;
	tj *doc;

	tcap_init(&cap);
	t = make_test(&cap, "twice.js", SCRIPT_NOP, "{\"iterations\":3}");
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(k6c_test_run(t), 0);
		expect_exit(t, &cap, 0);
		doc = summary(t);
		/* Each run starts from zero. */
		ck_assert_metric_eq(doc, "iterations", "count", 3);
		tj_free(doc);
	}
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__source_length)
{
	/* The source need not be NUL-terminated: only len bytes count. */
	static const char buf[] =
		"export default function () { console.log('only this'); }\n"
		"THIS IS NOT JAVASCRIPT";
	size_t len = strlen(buf) - strlen("THIS IS NOT JAVASCRIPT");
	tcap cap;
	k6c_test *t = NULL;

	tcap_init(&cap);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_source(t, "len.js", buf, len), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, &cap, NULL), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_INFO, "only this"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__syntax_error)
{
	/* The stray ';' is on line 3, column 11 (1-based). */
	static const char *src =
		"import { check } from 'k6';\n"
		"export default function () {\n"
		"  let x = ;\n"
		"}\n";
	tcap cap;
	k6c_test *t;
	const char *line;

	tcap_init(&cap);
	t = make_test(&cap, "bad.js", src, NULL);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 107);
	line = tcap_find(&cap, K6C_LOG_ERROR, "bad.js:3:");
	if (!line)
		tcap_dump(&cap, stderr);
	ck_assert_msg(line != NULL, "no error log line names bad.js:3:<col>");
	ck_assert_msg(strstr(line, "bad.js:3:11") != NULL, "wrong column: %s", line);
	ck_assert_msg(strstr(line, "SyntaxError") != NULL, "not called a SyntaxError: %s", line);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__init_exception)
{
	static const char *src =
		"const x = 1;\n"
		"throw new Error('init boom');\n"
		"export default function () {}\n";
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "initerr.js", src, NULL);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 107);
	ck_assert_msg(tcap_find_all(&cap, K6C_LOG_ERROR, "init boom", "initerr.js:2", NULL) != NULL,
		"the init exception is not logged with its place");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__missing_file)
{
	tcap cap;
	k6c_test *t = NULL;
	int rc;

	tcap_init(&cap);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, &cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_script_file(t, "/nonexistent/k6c/none.js"), 0);
	rc = k6c_test_run(t);
	/* k6 run exits 255 when the script cannot be read; an API error code is
	 * also acceptable, but never a successful run. */
	if (rc == 0)
		expect_exit(t, &cap, 255);
	else
		ck_assert_int_lt(rc, 0);
	ck_assert_msg(rc != 0 || tcap_find(&cap, K6C_LOG_ERROR, "none.js") != NULL ||
		(k6c_error_last() && strstr(k6c_error_last()->message, "none.js")),
		"the unreadable file is not named");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__threshold_fail)
{
	tcap cap;
	k6c_test *t;
	tj *doc;
	const tj *ok;

	tcap_init(&cap);
	t = make_test(&cap, "thresh.js", SCRIPT_NOP,
		"{\"iterations\":2,\"thresholds\":{\"iterations\":[\"count>10\"],"
		"\"checks\":[\"rate==1\"]}}");
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 99);
	doc = summary(t);
	ok = tj_getv(doc, "metrics", "iterations", "thresholds", "count>10", "ok", NULL);
	ck_assert_msg(ok && ok->type == TJ_BOOL && ok->num == 0, "iterations threshold not failed");
	ok = tj_getv(doc, "metrics", "checks", "thresholds", "rate==1", "ok", NULL);
	ck_assert_msg(ok && ok->type == TJ_BOOL && ok->num == 1, "checks threshold not passed");
	ck_assert_msg(tcap_find(&cap, K6C_LOG_ERROR, "thresholds on metrics 'iterations' have been "
		"crossed") != NULL, "the crossed thresholds are not logged");
	ck_assert_ptr_nonnull(strstr(k6c_test_summary_text(t), "THRESHOLDS"));
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* Thresholds may name the script's custom metrics and their submetrics
 * (declared in init, so they exist when thresholds are validated); an
 * unknown metric or a bad expression is an invalid configuration. */
START_TEST(test_api_run__threshold_validation)
{
	static const char *src =
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('my_counter');\n"
		"export default function () { c.add(2, { kind: 'a' }); c.add(1); }\n";
	static const struct {
		const char *thresholds, *want;
	} bad[] = {
		{ "{\"nope\":[\"count>0\"]}", "no metric name \"nope\" found" },
		{ "{\"my_counter\":[\"avg>0\"]}", "unsupported aggregation method avg" },
		{ "{\"my_counter\":[\"count=>0\"]}", "\"count=>0\"" },
		{ "{\"nope{kind:a}\":[\"count>0\"]}", "no metric name \"nope\" found" },
	};
	char opts[256];
	tcap cap;
	k6c_test *t;
	tj *doc;

	tcap_init(&cap);
	t = make_test(&cap, "custom.js", src, "{\"iterations\":3,\"thresholds\":{"
		"\"my_counter\":[\"count==9\"],\"my_counter{kind: 'a'}\":[\"count==6\"]}}");
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "my_counter{kind: 'a'}", "count", 6);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tcap_init(&cap);
		snprintf(opts, sizeof(opts), "{\"iterations\":1,\"thresholds\":%s}", bad[i].thresholds);
		t = make_test(&cap, "custom.js", src, opts);
		ck_assert_int_eq(k6c_test_run(t), 0);
		expect_exit(t, &cap, 104);
		ck_assert_msg(tcap_find(&cap, K6C_LOG_ERROR, bad[i].want) != NULL,
			"%s: no error naming %s", bad[i].thresholds, bad[i].want);
		k6c_test_free(t);
		tcap_free(&cap);
	}

	/* noThresholds: the same mistake is only a warning. */
	tcap_init(&cap);
	t = make_test(&cap, "custom.js", src,
		"{\"iterations\":1,\"noThresholds\":true,\"thresholds\":{\"nope\":[\"count>0\"]}}");
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_WARN, "no metric name \"nope\" found"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* abortOnFail stops the run at the first evaluation (every 2 s) that fails;
 * teardown and the summary still happen, and the exit code is 99. */
START_TEST(test_api_run__threshold_abort_on_fail)
{
	static const char *src =
		"import { sleep } from 'k6';\n"
		"export default function () { sleep(0.1); }\n"
		"export function teardown() { console.log('teardown ran'); }\n";
	tcap cap;
	k6c_test *t;
	double t0, elapsed;
	tj *doc;
	const tj *ok;

	tcap_init(&cap);
	t = make_test(&cap, "abortonfail.js", src, "{\"vus\":2,\"duration\":\"30s\",\"thresholds\":"
		"{\"iterations\":[{\"threshold\":\"count<2\",\"abortOnFail\":true}]}}");
	t0 = now_s();
	ck_assert_int_eq(k6c_test_run(t), 0);
	elapsed = now_s() - t0;
	expect_exit(t, &cap, 99);
	ck_assert_msg(elapsed < 25, "the run took %.1f s: thresholds did not abort it", elapsed);
	ck_assert_msg(tcap_find(&cap, K6C_LOG_ERROR, "thresholds on metrics 'iterations' were "
		"crossed; at least one has abortOnFail enabled") != NULL, "the abort is not logged");
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "teardown ran") != NULL,
		"teardown did not run after the abort");
	doc = summary(t);
	ok = tj_getv(doc, "metrics", "iterations", "thresholds", "count<2", "ok", NULL);
	ck_assert_msg(ok && ok->type == TJ_BOOL && ok->num == 0, "iterations threshold not failed");
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_run__cache_disabled)
{
	tcap cap;
	k6c_test *t;
	tj *doc;

	tcap_init(&cap);
	t = make_test(&cap, "nocache.js", SCRIPT_NOP, "{\"iterations\":1}");
	ck_assert_int_eq(k6c_test_set_cache_dir(t, ""), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 1);
	tj_free(doc);
	ck_assert_int_eq(k6c_test_set_cache_dir(t, NULL), 0);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_workers__one)
{
	tcap cap;
	k6c_test *t;
	tj *doc;

	tcap_init(&cap);
	t = make_test(&cap, "workers.js", SCRIPT_NOP, "{\"vus\":4,\"iterations\":8}");
	ck_assert_int_eq(k6c_test_set_workers(t, 1), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 8);
	ck_assert_metric_eq(doc, "checks", "passes", 8);
	ck_assert_metric_eq(doc, "vus_max", "value", 4);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- abort, state ---------------------------------------------------------- */

START_TEST(test_api_abort__start_wait)
{
	tcap cap;
	k6c_test *t;
	double t0, elapsed;
	tj *doc;

	tcap_init(&cap);
	t = make_test(&cap, "abort.js", SCRIPT_SLEEPY, OPTS_30S);
	ck_assert_int_eq(k6c_test_start(t), 0);
	wait_iterating(&cap);
	t0 = now_s();
	k6c_test_abort(t);
	k6c_test_abort(t); /* a second abort is harmless */
	ck_assert_int_eq(k6c_test_wait(t), 0);
	elapsed = now_s() - t0;
	ck_assert_msg(elapsed < 15, "abort took the run %.1f s", elapsed);
	expect_exit(t, &cap, 105);
	doc = summary(t);
	ck_assert_msg(metric(doc, "iterations", "count") >= 1, "no iterations before the abort");
	tj_free(doc);
	ck_assert_ptr_nonnull(k6c_test_summary_text(t));
	/* Waiting again: the test is no longer started. */
	ck_assert_int_eq(k6c_test_wait(t), K6C_ESTATE);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static void *abort_later(void *arg)
{
	sleep_s(1.5);
	k6c_test_abort(arg);
	return NULL;
}

START_TEST(test_api_abort__from_thread)
{
	tcap cap;
	k6c_test *t;
	pthread_t th;
	double t0, elapsed;

	tcap_init(&cap);
	t = make_test(&cap, "abort2.js", SCRIPT_SLEEPY, OPTS_30S);
	ck_assert_int_eq(pthread_create(&th, NULL, abort_later, t), 0);
	t0 = now_s();
	ck_assert_int_eq(k6c_test_run(t), 0);
	elapsed = now_s() - t0;
	pthread_join(th, NULL);
	ck_assert_msg(elapsed < 15, "abort took the run %.1f s", elapsed);
	expect_exit(t, &cap, 105);
	ck_assert_ptr_nonnull(k6c_test_summary_json(t));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_abort__teardown_runs)
{
	static const char *src =
		"import { sleep } from 'k6';\n"
		"export function setup() { return { v: 'kept' }; }\n"
		"export default function () { if (__ITER === 0) console.log('iterating'); sleep(0.1); }\n"
		"export function teardown(data) { console.log('teardown ' + data.v); }\n";
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "abort3.js", src, OPTS_30S);
	ck_assert_int_eq(k6c_test_start(t), 0);
	wait_iterating(&cap);
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	expect_exit(t, &cap, 105);
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "teardown kept") != NULL,
		"teardown did not run after the abort");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_state__while_running)
{
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "state.js", SCRIPT_SLEEPY, OPTS_30S);
	ck_assert_int_eq(k6c_test_start(t), 0);
	ck_assert_int_eq(k6c_test_start(t), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_run(t), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_options(t, "{}"), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_env(t, "A", "b"), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_system_env(t), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_script_file(t, "x.js"), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_script_source(t, "x.js", "x", 1), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_log_callback(t, NULL, NULL, NULL), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_workers(t, 1), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_set_cache_dir(t, ""), K6C_ESTATE);
	ck_assert_int_eq(k6c_error_last()->code, K6C_ESTATE);
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	expect_exit(t, &cap, 105);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_free__while_running)
{
	tcap cap;
	k6c_test *t;
	double t0, elapsed;

	tcap_init(&cap);
	t = make_test(&cap, "freerun.js", SCRIPT_SLEEPY, OPTS_30S);
	ck_assert_int_eq(k6c_test_start(t), 0);
	sleep_s(1.0);
	t0 = now_s();
	k6c_test_free(t); /* aborts and waits */
	elapsed = now_s() - t0;
	ck_assert_msg(elapsed < 15, "free of a running test took %.1f s", elapsed);
	tcap_free(&cap);
}
END_TEST

/* ---- log, env -------------------------------------------------------------- */

START_TEST(test_api_log__console)
{
	static const char *src =
		"export default function () {\n"
		"  console.log('plain', 42, true);\n"
		"  console.info('info line');\n"
		"  console.warn('warn line');\n"
		"  console.error('error line');\n"
		"  console.log({ a: 1, b: [2, 'x'] });\n"
		"}\n";
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "console.js", src, NULL);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "plain 42 true") != NULL, "console.log");
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "info line") != NULL, "console.info");
	ck_assert_msg(tcap_find(&cap, K6C_LOG_WARN, "warn line") != NULL, "console.warn");
	ck_assert_msg(tcap_find(&cap, K6C_LOG_ERROR, "error line") != NULL, "console.error");
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "{\"a\":1,\"b\":[2,\"x\"]}") != NULL,
		"console.log of an object is not its JSON");
	/* Each call is one line: exactly the text, without a trailing newline. */
	ck_assert_int_eq(tcap_count(&cap, -1, "plain 42 true"), 1);
	ck_assert_str_eq(tcap_find(&cap, K6C_LOG_INFO, "plain 42 true"), "plain 42 true");
	ck_assert_str_eq(tcap_find(&cap, K6C_LOG_WARN, "warn line"), "warn line");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static int freed_count;
static void count_free(void *p)
{
	ck_assert_ptr_eq(p, &freed_count);
	freed_count++;
}

START_TEST(test_api_log__free_payload)
{
	k6c_test *t = NULL;

	freed_count = 0;
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, &freed_count, count_free), 0);
	ck_assert_int_eq(freed_count, 0);
	/* Replacing the callback frees the old payload. */
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, &freed_count, count_free), 0);
	ck_assert_int_eq(freed_count, 1);
	k6c_test_free(t);
	ck_assert_int_eq(freed_count, 2);
}
END_TEST

START_TEST(test_api_env__set_env)
{
	static const char *src =
		"export default function () {\n"
		"  console.log(`FOO=${__ENV.FOO} GONE=${__ENV.GONE} EMPTY=[${__ENV.EMPTY}]`);\n"
		"  console.log(`PROC=${__ENV.K6C_API_TEST_PROC}`);\n"
		"}\n";
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	setenv("K6C_API_TEST_PROC", "from-process", 1);
	t = make_test(&cap, "env.js", src, NULL);
	ck_assert_int_eq(k6c_test_set_env(t, "FOO", "first"), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "FOO", "bar baz"), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "GONE", "x"), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "GONE", NULL), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "EMPTY", ""), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "FOO=bar baz GONE=undefined EMPTY=[]") != NULL,
		"__ENV does not hold what set_env set");
	/* The process environment is not visible without set_system_env. */
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "PROC=undefined") != NULL,
		"the process environment leaked into __ENV");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_env__system_env)
{
	static const char *src =
		"export default function () {\n"
		"  console.log(`PROC=${__ENV.K6C_API_TEST_PROC} OVER=${__ENV.K6C_API_TEST_OVER}`);\n"
		"}\n";
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	setenv("K6C_API_TEST_PROC", "from-process", 1);
	setenv("K6C_API_TEST_OVER", "from-process", 1);
	t = make_test(&cap, "sysenv.js", src, NULL);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "K6C_API_TEST_OVER", "from-api"), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_msg(tcap_find(&cap, K6C_LOG_INFO, "PROC=from-process OVER=from-api") != NULL,
		"system env or its override missing from __ENV");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- 0.1 additions: config file, inspect, pause, scale, progress -------- */

START_TEST(test_api_lifecycle__args)
{
	k6c_test *t = make_test(NULL, "a.js", SCRIPT_NOP, NULL);
	k6c_scenario_progress p;

	ck_assert_int_eq(k6c_test_set_paused(NULL, 1), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_scale(NULL, NULL, 1, 1), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_progress(NULL, 0, &p), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_progress(t, 0, NULL), K6C_EINVAL);
	/* Nothing has run: no scenario to report, nothing to scale. */
	ck_assert_int_eq(k6c_test_progress(t, 0, &p), K6C_ENOTFOUND);
	ck_assert_int_eq(k6c_test_scale(t, NULL, 1, 1), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_inspect(NULL), K6C_EINVAL);
	ck_assert_ptr_null(k6c_test_options_json(t));
	ck_assert_ptr_null(k6c_test_options_json(NULL));
	ck_assert_ptr_null(k6c_test_summary_stderr(t));
	ck_assert_int_eq(k6c_test_set_config_file(t, ""), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_set_config_file(t, NULL), 0);
	k6c_test_free(t);
}
END_TEST

START_TEST(test_api_inspect__options_json)
{
	tcap cap;
	tj *doc;
	char err[128];
	const char *src =
		"export const options = { stages: [{ duration: '2s', target: 3 }] };\n"
		"export default function () {}\n";
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "inspect.js", src, NULL);
	ck_assert_int_eq(k6c_test_inspect(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_ptr_nonnull(k6c_test_options_json(t));
	doc = tj_parse(k6c_test_options_json(t), err, sizeof(err));
	ck_assert_msg(doc != NULL, "options JSON: %s", err);
	/* The shortcut is folded into a ramping-vus scenario named default. */
	ck_assert_pstr_eq(tj_str(tj_getv(doc, "scenarios", "default", "executor", NULL)), "ramping-vus");
	ck_assert_ptr_null(tj_get(doc, "stages"));
	ck_assert_ptr_null(tj_get(doc, "vus"));
	/* Nothing ran: no summary. */
	ck_assert_ptr_null(k6c_test_summary_json(t));
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_inspect__invalid)
{
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "bad.js", SCRIPT_NOP, "{\"duration\":\"10s\",\"stages\":[{\"duration\":\"1s\",\"target\":1}]}");
	ck_assert_int_eq(k6c_test_inspect(t), 0);
	expect_exit(t, &cap, 104);
	ck_assert_ptr_null(k6c_test_options_json(t));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_config__file_tier)
{
	tcap cap;
	tj *doc;
	char path[] = "/tmp/k6c-config-XXXXXX", err[128];
	int fd = mkstemp(path);
	const char *cfg = "{\"vus\":3,\"iterations\":6,\"userAgent\":\"from-config\"}";
	const char *src = "export const options = { vus: 2 };\nexport default function () {}\n";
	k6c_test *t;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq((int)write(fd, cfg, strlen(cfg)), (int)strlen(cfg));
	close(fd);
	tcap_init(&cap);
	t = make_test(&cap, "cfg.js", src, NULL);
	ck_assert_int_eq(k6c_test_set_config_file(t, path), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	/* The script's vus (2) beats the file's 3; the file's iterations stay. */
	doc = tj_parse(k6c_test_options_json(t), err, sizeof(err));
	ck_assert_msg(doc != NULL, "options JSON: %s", err);
	ck_assert_double_eq(tj_num(tj_getv(doc, "scenarios", "default", "vus", NULL), -1), 2);
	ck_assert_double_eq(tj_num(tj_getv(doc, "scenarios", "default", "iterations", NULL), -1), 6);
	tj_free(doc);
	doc = summary(t);
	ck_assert_metric_eq(doc, "iterations", "count", 6);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);

	/* A missing file is an invalid configuration. */
	unlink(path);
	tcap_init(&cap);
	t = make_test(&cap, "cfg.js", src, NULL);
	ck_assert_int_eq(k6c_test_set_config_file(t, path), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 104);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR, path));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_progress__running)
{
	tcap cap;
	k6c_scenario_progress p;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, "sleepy.js", SCRIPT_SLEEPY,
		"{\"scenarios\":{\"loop\":{\"executor\":\"constant-vus\",\"vus\":2,\"duration\":\"30s\"}}}");
	ck_assert_int_eq(k6c_test_start(t), 0);
	wait_iterating(&cap);
	ck_assert_int_eq(k6c_test_progress(t, 0, &p), 0);
	ck_assert_str_eq(p.name, "loop");
	ck_assert_str_eq(p.executor, "constant-vus");
	ck_assert_int_eq(p.state, K6C_SCENARIO_RUNNING);
	ck_assert_uint_eq(p.vus_max, 2);
	ck_assert(p.progress > 0 && p.progress < 1);
	ck_assert_int_eq(k6c_test_progress(t, 1, &p), K6C_ENOTFOUND);
	/* Not externally controlled: nothing to scale. */
	ck_assert_int_eq(k6c_test_scale(t, "loop", 1, 2), K6C_ENOTFOUND);
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	expect_exit(t, &cap, 105);
	/* After the run the final state is still readable. */
	ck_assert_int_eq(k6c_test_progress(t, 0, &p), 0);
	ck_assert_int_eq(p.state, K6C_SCENARIO_DONE);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_pause__before_start)
{
	tcap cap;
	k6c_scenario_progress p;
	k6c_test *t;
	const char *src =
		"export function setup() { console.log('setup ran'); }\n"
		"export default function () { console.log('iterating'); }\n";

	tcap_init(&cap);
	t = make_test(&cap, "paused.js", src, "{\"vus\":1,\"iterations\":2}");
	ck_assert_int_eq(k6c_test_set_paused(t, 1), 0);
	ck_assert_int_eq(k6c_test_start(t), 0);
	/* Paused: VUs initialise, but not even setup runs. Long enough for a
	 * cold start under a sanitizer to reach the pause. */
	for (int i = 0; i < 100 && k6c_test_progress(t, 0, &p) != 0; i++)
		sleep_s(0.1);
	sleep_s(1.0);
	ck_assert_ptr_null(tcap_find(&cap, K6C_LOG_INFO, "setup ran"));
	ck_assert_ptr_null(tcap_find(&cap, K6C_LOG_INFO, "iterating"));
	ck_assert_int_eq(k6c_test_set_paused(t, 0), 0);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_INFO, "setup ran"));
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_INFO, "iterating"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_exit__script_codes)
{
	static const struct {
		const char *src;
		int code;
	} cases[] = {
		{ "import exec from 'k6/execution';\n"
		  "export default function () { exec.test.abort('enough'); }\n", 108 },
		{ "import exec from 'k6/execution';\n"
		  "export default function () { exec.test.fail('bad'); }\n", 110 },
		{ "import { sleep } from 'k6';\n"
		  "export const options = { setupTimeout: '1s' };\n"
		  "export function setup() { sleep(5); }\n"
		  "export default function () {}\n", 100 },
		{ "import { sleep } from 'k6';\n"
		  "export const options = { teardownTimeout: '1s' };\n"
		  "export function teardown() { sleep(5); }\n"
		  "export default function () {}\n", 101 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tcap cap;
		k6c_test *t;
		tcap_init(&cap);
		t = make_test(&cap, "codes.js", cases[i].src, NULL);
		ck_assert_int_eq(k6c_test_run(t), 0);
		expect_exit(t, &cap, cases[i].code);
		/* Every verdict still comes with a summary. */
		ck_assert_ptr_nonnull(k6c_test_summary_json(t));
		k6c_test_free(t);
		tcap_free(&cap);
	}
}
END_TEST

START_TEST(test_api_summary__handle_summary)
{
	tcap cap;
	k6c_test *t;
	const char *src =
		"export default function () {}\n"
		"export function handleSummary(data) {\n"
		"  return { stdout: 'iters=' + data.metrics.iterations.values.count + '\\n',\n"
		"           stderr: 'to stderr' };\n"
		"}\n";

	tcap_init(&cap);
	t = make_test(&cap, "hs.js", src, "{\"iterations\":3}");
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_ptr_nonnull(k6c_test_summary_text(t));
	ck_assert_str_eq(k6c_test_summary_text(t), "iters=3\n");
	ck_assert_ptr_nonnull(k6c_test_summary_stderr(t));
	ck_assert_str_eq(k6c_test_summary_stderr(t), "to stderr");
	/* The data is still available as JSON. */
	ck_assert_ptr_nonnull(k6c_test_summary_json(t));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("basic");
	TCase *run = tcase_create("run");

	tcase_add_test(tc, test_api_test__new_null);
	tcase_add_test(tc, test_api_test__new_free);
	tcase_add_test(tc, test_api_test__free_null);
	tcase_add_test(tc, test_api_errors__strerror_and_name);
	tcase_add_test(tc, test_api_errors__unknown_code);
	tcase_add_test(tc, test_api_errors__thread_local_and_clear);
	tcase_add_test(tc, test_api_args__invalid);
	tcase_add_test(tc, test_api_workers__range);
	tcase_add_test(tc, test_api_options__invalid_json);
	tcase_add_test(tc, test_api_options__not_object);
	tcase_add_test(tc, test_api_version__matches_headers);
	tcase_add_test(tc, test_api_results__before_run);
	tcase_add_test(tc, test_api_run__no_script);
	tcase_add_test(tc, test_api_log__free_payload);
	tcase_add_test(tc, test_api_lifecycle__args);
	suite_add_tcase(s, tc);

	/* The first run of each script lowers it with Babel (seconds). */
	tcase_set_timeout(run, 120);
	tcase_add_test(run, test_api_run__iterations);
	tcase_add_test(run, test_api_run__twice);
	tcase_add_test(run, test_api_run__source_length);
	tcase_add_test(run, test_api_run__syntax_error);
	tcase_add_test(run, test_api_run__init_exception);
	tcase_add_test(run, test_api_run__missing_file);
	tcase_add_test(run, test_api_run__threshold_fail);
	tcase_add_test(run, test_api_run__threshold_validation);
	tcase_add_test(run, test_api_run__threshold_abort_on_fail);
	tcase_add_test(run, test_api_run__cache_disabled);
	tcase_add_test(run, test_api_options__precedence);
	tcase_add_test(run, test_api_options__invalid_value);
	tcase_add_test(run, test_api_workers__one);
	tcase_add_test(run, test_api_abort__start_wait);
	tcase_add_test(run, test_api_abort__from_thread);
	tcase_add_test(run, test_api_abort__teardown_runs);
	tcase_add_test(run, test_api_state__while_running);
	tcase_add_test(run, test_api_free__while_running);
	tcase_add_test(run, test_api_log__console);
	tcase_add_test(run, test_api_env__set_env);
	tcase_add_test(run, test_api_env__system_env);
	tcase_add_test(run, test_api_inspect__options_json);
	tcase_add_test(run, test_api_inspect__invalid);
	tcase_add_test(run, test_api_config__file_tier);
	tcase_add_test(run, test_api_progress__running);
	tcase_add_test(run, test_api_pause__before_start);
	tcase_add_test(run, test_api_exit__script_codes);
	tcase_add_test(run, test_api_summary__handle_summary);
	suite_add_tcase(s, run);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(api_suite());
	int failed;

	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
