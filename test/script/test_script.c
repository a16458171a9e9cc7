/*
 * test_script.c - script tier: runs each .js file of test/script through the
 * public API against one local httpbin and asserts what k6 would report:
 * the summary JSON (metric counts, rates, per-check passes, thresholds), the
 * log lines and the exit code. One Check test case per script, plus one for
 * the tagged submetrics of each script that sets thresholds, so a failure
 * names the script; each run's log is printed to help find the cause.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <k6c.h>

#include "server.h"
#include "tcapture.h"
#include "tjson.h"

static ts_server httpbin;
static int httpbin_up;

typedef struct run {
	k6c_test *t;
	tcap cap;
	tj *doc;       /* the parsed summary, NULL if there is none */
	int rc;        /* what k6c_test_run returned */
	int exit_code;
	double elapsed;
} run;

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

static void script_path(char *out, size_t len, const char *file)
{
	snprintf(out, len, "%s/script/%s", ts_srcdir(), file);
}

static void *abort_after(void *arg)
{
	run *r = arg;
	sleep_s(2.0);
	k6c_test_abort(r->t);
	return NULL;
}

/* Runs test/script/<file> with the options (JSON) and BASE_URL/CLOSED_PORT in
 * __ENV; workers 0 keeps the default. abort: call k6c_test_abort() from
 * another thread 2 s after the start. */
static void run_script(run *r, const char *file, const char *options, unsigned workers, int abort)
{
	char path[PATH_MAX], port[16], err[128];
	const char *json;
	pthread_t th;
	double t0;

	memset(r, 0, sizeof(*r));
	tcap_init(&r->cap);
	ck_assert_msg(httpbin_up, "httpbin did not start");
	script_path(path, sizeof(path), file);
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	if (options)
		ck_assert_int_eq(k6c_test_set_options(r->t, options), 0);
	if (workers)
		ck_assert_int_eq(k6c_test_set_workers(r->t, workers), 0);
	snprintf(port, sizeof(port), "%d", ts_closed_port());
	ck_assert_int_eq(k6c_test_set_env(r->t, "BASE_URL", httpbin.base_url), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "CLOSED_PORT", port), 0);

	t0 = now_s();
	if (abort)
		ck_assert_int_eq(pthread_create(&th, NULL, abort_after, r), 0);
	r->rc = k6c_test_run(r->t);
	r->elapsed = now_s() - t0;
	if (abort)
		pthread_join(th, NULL);
	r->exit_code = k6c_test_exit_code(r->t);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "%s: summary is not valid JSON: %s", file, err);
	}
	fprintf(stderr, "%s: run returned %d, exit code %d, %.1f s, %zu log lines\n", file,
		r->rc, r->exit_code, r->elapsed, r->cap.n);
	ck_assert_msg(r->rc == 0, "%s: k6c_test_run returned %d (%s)", file, r->rc,
		k6c_error_last() ? k6c_error_last()->message : "");
}

/* Prints the log and the text summary: called before asserting on a run so
 * that a failure can be diagnosed from the test output alone. */
static void show(run *r, const char *file)
{
	const char *text = k6c_test_summary_text(r->t);
	fprintf(stderr, "---- %s log:\n", file);
	tcap_dump(&r->cap, stderr);
	if (text)
		fprintf(stderr, "---- %s summary:\n%s\n", file, text);
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

#define ck_assert_metric_eq(r, name, field, want) do { \
	double got_ = metric((r), (name), (field)); \
	ck_assert_msg(got_ == (double)(want), "metrics[\"%s\"].values.%s is %g, expected %g", \
		(name), (field), got_, (double)(want)); \
} while (0)

#define ck_assert_metric_ge(r, name, field, want) do { \
	double got_ = metric((r), (name), (field)); \
	ck_assert_msg(got_ >= (double)(want), "metrics[\"%s\"].values.%s is %g, expected >= %g", \
		(name), (field), got_, (double)(want)); \
} while (0)

/* A check by name anywhere in the group tree of root_group. */
static const tj *find_check(const tj *group, const char *name)
{
	const tj *c, *found;

	for (c = tj_get(group, "checks") ? tj_get(group, "checks")->child : NULL; c; c = c->next) {
		const char *n = tj_str(tj_get(c, "name"));
		if (n && !strcmp(n, name))
			return c;
	}
	for (c = tj_get(group, "groups") ? tj_get(group, "groups")->child : NULL; c; c = c->next)
		if ((found = find_check(c, name)) != NULL)
			return found;
	return NULL;
}

/* Asserts the check exists with these counts; path, if not NULL, too. */
static void assert_check(const run *r, const char *name, int passes, int fails, const char *path)
{
	const tj *root = tj_get(r->doc, "root_group");
	const tj *c = find_check(root, name);

	ck_assert_msg(c != NULL, "check \"%s\" is not in the summary", name);
	ck_assert_msg(tj_num(tj_get(c, "passes"), -1) == passes &&
		tj_num(tj_get(c, "fails"), -1) == fails,
		"check \"%s\": %g passes, %g fails; expected %d, %d", name,
		tj_num(tj_get(c, "passes"), -1), tj_num(tj_get(c, "fails"), -1), passes, fails);
	if (path)
		ck_assert_msg(tj_str(tj_get(c, "path")) && !strcmp(tj_str(tj_get(c, "path")), path),
			"check \"%s\" has path %s, expected %s", name,
			tj_str(tj_get(c, "path")) ? tj_str(tj_get(c, "path")) : "(none)", path);
}

/* Every threshold in the summary passed, and there are exactly @want. */
static void assert_thresholds_ok(const run *r, int want)
{
	const tj *metrics = tj_get(r->doc, "metrics");
	int n = 0;

	ck_assert_ptr_nonnull(metrics);
	for (const tj *m = metrics->child; m; m = m->next) {
		const tj *th = tj_get(m, "thresholds");
		for (const tj *x = th ? th->child : NULL; x; x = x->next) {
			const tj *ok = tj_get(x, "ok");
			ck_assert_msg(ok && ok->type == TJ_BOOL && ok->num == 1,
				"threshold %s on %s failed", x->key, m->key);
			n++;
		}
	}
	ck_assert_msg(n == want, "%d thresholds in the summary, expected %d", n, want);
}

/* The names of the expect('<name>', ...) checks a script makes. */
static size_t expect_names(const char *file, char names[][96], size_t max)
{
	char path[PATH_MAX];
	static char text[1 << 16];
	size_t len, n = 0;
	FILE *f;
	const char *p;

	script_path(path, sizeof(path), file);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	for (p = text; (p = strstr(p, "expect('")) != NULL && n < max; ) {
		const char *end;
		p += strlen("expect('");
		end = strchr(p, '\'');
		ck_assert_ptr_nonnull(end);
		ck_assert_int_lt(end - p, 96);
		memcpy(names[n], p, (size_t)(end - p));
		names[n][end - p] = '\0';
		n++;
		p = end;
	}
	return n;
}

static void assert_expects_pass(const run *r, const char *file, int passes, size_t at_least)
{
	static char names[256][96];
	size_t n = expect_names(file, names, 256);

	ck_assert_msg(n >= at_least, "only %zu expect() checks found in %s", n, file);
	for (size_t i = 0; i < n; i++)
		assert_check(r, names[i], passes, 0, NULL);
}

/* ---- the scripts ----------------------------------------------------------- */

START_TEST(test_script_syntax__every_feature)
{
	run r;

	run_script(&r, "syntax.js", "{\"vus\":1,\"iterations\":2}", 0, 0);
	show(&r, "syntax.js");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_metric_eq(&r, "iterations", "count", 2);
	ck_assert_metric_eq(&r, "checks", "rate", 1);
	ck_assert_metric_eq(&r, "checks", "fails", 0);
	ck_assert_metric_eq(&r, "http_reqs", "count", 4);
	assert_expects_pass(&r, "syntax.js", 2, 85);
	assert_check(&r, "http get in group", 2, 0, "::http::http get in group");
	assert_check(&r, "http get in nested group", 2, 0, "::http::nested::http get in nested group");
	/* 85+ expect() checks plus the two in groups, twice. */
	ck_assert_metric_ge(&r, "checks", "passes", 2 * 87);
	run_free(&r);
}
END_TEST

/* Request tags and group tags reach the metrics: the script's thresholds on
 * tagged submetrics make them appear in the summary. */
START_TEST(test_script_syntax__tag_submetrics)
{
	run r;

	run_script(&r, "syntax.js", "{\"vus\":1,\"iterations\":2}", 0, 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_metric_eq(&r, "http_reqs{feature:tagged}", "count", 2);
	ck_assert_metric_eq(&r, "checks{feature:tagged}", "passes", 2);
	ck_assert_metric_eq(&r, "http_reqs{group:::http::nested}", "count", 2);
	assert_thresholds_ok(&r, 4);
	run_free(&r);
}
END_TEST

START_TEST(test_script_syntax_error__position)
{
	run r;
	const char *line;

	run_script(&r, "syntax_error.js", NULL, 0, 0);
	show(&r, "syntax_error.js");
	ck_assert_int_eq(r.exit_code, 107);
	line = tcap_find(&r.cap, K6C_LOG_ERROR, "syntax_error.js:7:");
	ck_assert_msg(line != NULL, "no error line names syntax_error.js:7:<col>");
	ck_assert_msg(strstr(line, "syntax_error.js:7:16") != NULL, "wrong column: %s", line);
	ck_assert_msg(strstr(line, "SyntaxError") != NULL, "not a SyntaxError: %s", line);
	ck_assert_msg(tcap_find(&r.cap, -1, "never runs") == NULL, "the script ran");
	run_free(&r);
}
END_TEST

START_TEST(test_script_exception__logged_and_counted)
{
	run r;
	char want[64];

	run_script(&r, "exception.js",
		"{\"vus\":1,\"iterations\":6,\"summaryTrendStats\":[\"avg\",\"min\",\"max\",\"count\"]}",
		0, 0);
	show(&r, "exception.js");
	ck_assert_int_eq(r.exit_code, 0);
	for (int i = 0; i < 6; i += 2) {
		const char *line;
		snprintf(want, sizeof(want), "boom at iteration %d", i);
		line = tcap_find_all(&r.cap, K6C_LOG_ERROR, want, "exception.js:7", NULL);
		ck_assert_msg(line != NULL, "\"%s\" not logged with exception.js:7", want);
		ck_assert_msg(strstr(line, "explode") != NULL, "no stack in: %s", line);
	}
	ck_assert_int_eq(tcap_count(&r.cap, K6C_LOG_ERROR, "boom at iteration"), 3);
	for (int i = 1; i < 6; i += 2) {
		snprintf(want, sizeof(want), "survived iteration %d", i);
		ck_assert_msg(tcap_find(&r.cap, K6C_LOG_INFO, want) != NULL, "missing: %s", want);
	}
	ck_assert_int_eq(tcap_count(&r.cap, -1, "survived iteration"), 3);
	ck_assert_metric_eq(&r, "iterations", "count", 6);
	ck_assert_metric_eq(&r, "iteration_duration", "count", 6);
	assert_check(&r, "odd iteration survives", 3, 0, "::odd iteration survives");
	run_free(&r);
}
END_TEST

START_TEST(test_script_errors__transport_errors)
{
	run r;

	run_script(&r, "errors.js", "{\"vus\":1,\"iterations\":1}", 0, 0);
	show(&r, "errors.js");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_metric_eq(&r, "checks", "fails", 0);
	ck_assert_metric_eq(&r, "checks", "passes", 11);
	ck_assert_metric_eq(&r, "http_reqs", "count", 4);
	/* http_req_failed is a rate of failures: 3 of 4 requests failed. */
	ck_assert_metric_eq(&r, "http_req_failed", "passes", 3);
	ck_assert_metric_eq(&r, "http_req_failed", "fails", 1);
	ck_assert_metric_eq(&r, "http_req_failed", "rate", 0.75);
	assert_check(&r, "refused: error_code 1212", 1, 0, NULL);
	assert_check(&r, "timeout string: error_code 1050", 1, 0, NULL);
	assert_check(&r, "timeout ms: error_code 1050", 1, 0, NULL);
	run_free(&r);
}
END_TEST

/* The status and error_code tags of failed requests, through the script's
 * thresholds on submetrics. */
START_TEST(test_script_errors__tag_submetrics)
{
	run r;

	run_script(&r, "errors.js", "{\"vus\":1,\"iterations\":1}", 0, 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_metric_eq(&r, "http_reqs{error_code:1212}", "count", 1);
	ck_assert_metric_eq(&r, "http_reqs{error_code:1050}", "count", 2);
	ck_assert_metric_eq(&r, "http_reqs{status:0}", "count", 3);
	ck_assert_metric_eq(&r, "http_reqs{status:200}", "count", 1);
	assert_thresholds_ok(&r, 4);
	run_free(&r);
}
END_TEST

START_TEST(test_script_many_vus__one_worker)
{
	run r;
	double iters;

	run_script(&r, "many_vus.js", "{\"vus\":500,\"duration\":\"3s\"}", 1, 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	iters = metric(&r, "iterations", "count");
	ck_assert_msg(iters >= 1000, "only %g iterations by 500 VUs sleeping 0.5 s for 3 s", iters);
	ck_assert_metric_eq(&r, "vus_max", "value", 500);
	ck_assert_metric_eq(&r, "vus_max", "max", 500);
	ck_assert_metric_eq(&r, "vus", "max", 500);
	/* Every one of the 500 VUs started (each counts its first iteration once)
	 * and they are distinct: their ids sum to 1 + 2 + ... + 500. */
	ck_assert_metric_eq(&r, "vu_first_iterations", "count", 500);
	ck_assert_metric_eq(&r, "vu_id_sum", "count", 500 * 501 / 2);
	/* One check per finished iteration. */
	ck_assert_metric_eq(&r, "checks", "passes", iters);
	ck_assert_metric_eq(&r, "checks", "fails", 0);
	run_free(&r);
}
END_TEST

START_TEST(test_script_http_basic__requests)
{
	run r;

	run_script(&r, "http_basic.js", "{\"vus\":1,\"iterations\":1}", 0, 0);
	show(&r, "http_basic.js");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_metric_eq(&r, "checks", "fails", 0);
	assert_expects_pass(&r, "http_basic.js", 1, 29);
	assert_check(&r, "check with tags", 1, 0, "::check with tags");
	ck_assert_metric_eq(&r, "http_reqs", "count", 15);
	ck_assert_metric_eq(&r, "http_req_failed", "passes", 1);
	ck_assert_metric_eq(&r, "http_req_failed", "fails", 14);
	ck_assert_msg(metric(&r, "data_received", "count") > 0, "no data_received");
	ck_assert_msg(metric(&r, "data_sent", "count") > 0, "no data_sent");
	ck_assert_msg(metric(&r, "http_req_duration", "max") >= 0, "no http_req_duration");
	run_free(&r);
}
END_TEST

/* params.tags, the name tag and check() tags, through the script's
 * thresholds on submetrics. */
START_TEST(test_script_http_basic__tag_submetrics)
{
	run r;

	run_script(&r, "http_basic.js", "{\"vus\":1,\"iterations\":1}", 0, 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_metric_eq(&r, "http_reqs{mytag:custom}", "count", 2);
	ck_assert_metric_eq(&r, "http_reqs{name:named-request}", "count", 1);
	ck_assert_metric_eq(&r, "http_reqs{method:PATCH}", "count", 2);
	ck_assert_metric_eq(&r, "checks{kind:tagged-check}", "passes", 1);
	assert_thresholds_ok(&r, 4);
	run_free(&r);
}
END_TEST

START_TEST(test_script_lifecycle__stages)
{
	run r;
	char want[64];

	run_script(&r, "lifecycle.js", "{\"vus\":1,\"iterations\":3}", 0, 0);
	show(&r, "lifecycle.js");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_INFO, "setup __VU=0") != NULL, "setup line");
	for (int i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "iteration vu=1 iter=%d", i);
		ck_assert_msg(tcap_find(&r.cap, K6C_LOG_INFO, want) != NULL, "missing: %s", want);
	}
	ck_assert_int_eq(tcap_count(&r.cap, -1, "iteration vu="), 3);
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_INFO, "teardown token=abc list=1,2,3") != NULL,
		"teardown did not receive the setup data");
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_INFO, "info level line") != NULL, "console.info");
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_WARN, "warn level line") != NULL, "console.warn");
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_ERROR, "error level line") != NULL, "console.error");
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_ERROR, "fail() on iteration 1") != NULL,
		"fail() message not logged as an error");
	ck_assert_metric_eq(&r, "iterations", "count", 3);
	assert_check(&r, "setup data token", 3, 0, NULL);
	assert_check(&r, "setup data nested", 3, 0, NULL);
	assert_check(&r, "open text fixture", 3, 0, NULL);
	assert_check(&r, "open binary fixture", 3, 0, NULL);
	assert_check(&r, "nested group check", 3, 0, "::outer::inner::nested group check");
	assert_check(&r, "group returns value", 3, 0, "::group returns value");
	/* fail() ended iteration 1 before its last check. */
	assert_check(&r, "after fail", 2, 0, "::after fail");
	ck_assert_metric_eq(&r, "checks", "fails", 0);
	run_free(&r);
}
END_TEST

START_TEST(test_script_busy_loop__abort)
{
	run r;
	double iters;

	run_script(&r, "busy_loop.js", "{\"vus\":1,\"duration\":\"1s\"}", 0, 1);
	show(&r, "busy_loop.js");
	ck_assert_msg(r.elapsed < 10, "the aborted busy loop ran for %.1f s", r.elapsed);
	ck_assert_int_eq(r.exit_code, 105);
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_INFO, "entering busy loop") != NULL,
		"the iteration did not start");
	ck_assert_msg(tcap_find(&r.cap, -1, "interrupt") || tcap_find(&r.cap, -1, "Interrupt") ||
		tcap_find(&r.cap, -1, "abort") || tcap_find(&r.cap, -1, "Abort"),
		"no log line mentions the interruption");
	/* The interrupted iteration is not a finished one. */
	ck_assert_ptr_nonnull(r.doc);
	iters = metric(&r, "iterations", "count");
	ck_assert_msg(isnan(iters) || iters == 0, "%g iterations counted", iters);
	run_free(&r);
}
END_TEST

/* systemTags from the script, then replaced by the API tier: submetrics
 * match only enabled tags; checks and groups are whole either way. */
START_TEST(test_script_system_tags__filter_and_precedence)
{
	run r;

	run_script(&r, "system_tags.js", NULL, 0, 0);
	show(&r, "system_tags.js");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_metric_eq(&r, "http_reqs", "count", 4);
	ck_assert_metric_eq(&r, "http_reqs{status:200}", "count", 4);
	ck_assert_metric_eq(&r, "http_reqs{scenario:default}", "count", 4);
	ck_assert_metric_eq(&r, "http_reqs{method:GET}", "count", 0);
	assert_check(&r, "status is 200", 2, 0, "::g::status is 200");
	ck_assert_metric_ge(&r, "group_duration", "min", 0);
	assert_thresholds_ok(&r, 3);
	run_free(&r);

	run_script(&r, "system_tags.js", "{\"systemTags\":\"method,group\"}", 0, 0);
	show(&r, "system_tags.js");
	ck_assert_int_eq(r.exit_code, 99);
	ck_assert_metric_eq(&r, "http_reqs{method:GET}", "count", 4);
	ck_assert_metric_eq(&r, "http_reqs{status:200}", "count", 0);
	ck_assert_metric_eq(&r, "http_reqs{scenario:default}", "count", 0);
	assert_check(&r, "status is 200", 2, 0, "::g::status is 200");
	run_free(&r);

	/* An unknown name is a configuration error naming it. */
	run_script(&r, "system_tags.js", "{\"systemTags\":[\"status\",\"methd\"]}", 0, 0);
	ck_assert_int_eq(r.exit_code, 104);
	ck_assert_msg(tcap_find(&r.cap, -1, "\"systemTags\": \"methd\"") != NULL, "no message naming the value");
	run_free(&r);
}
END_TEST

static Suite *script_suite(void)
{
	Suite *s = suite_create("script");
	struct {
		const char *name;
		const TTest *test;
	} cases[] = {
		{ "syntax", test_script_syntax__every_feature },
		{ "syntax_tags", test_script_syntax__tag_submetrics },
		{ "syntax_error", test_script_syntax_error__position },
		{ "exception", test_script_exception__logged_and_counted },
		{ "errors", test_script_errors__transport_errors },
		{ "errors_tags", test_script_errors__tag_submetrics },
		{ "many_vus", test_script_many_vus__one_worker },
		{ "http_basic", test_script_http_basic__requests },
		{ "http_basic_tags", test_script_http_basic__tag_submetrics },
		{ "lifecycle", test_script_lifecycle__stages },
		{ "busy_loop", test_script_busy_loop__abort },
		{ "system_tags", test_script_system_tags__filter_and_precedence },
	};

	/* One TCase per script, so CK_RUN_CASE=<name> runs just one. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		/* Lowering a script with Babel on a cold cache takes seconds. */
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (ts_httpbin_start(&httpbin) == 0)
		httpbin_up = 1;
	else
		fprintf(stderr, "test_script: httpbin did not start; every case will fail\n");
	sr = srunner_create(script_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (httpbin_up)
		ts_server_stop(&httpbin);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
