/*
 * test_http_bodies.c - script tier for k6/http bodies (issue 4): http.file()
 * and multipart/form-data, ArrayBuffer, typed array, string and object
 * request bodies, responseType text/binary/none, discardResponseBodies from
 * each options tier, and data_received for bodies that are not kept. The
 * scripts are the .js files of test/script/bodies, run through the public
 * API against one local httpbin; each run prints its log and summary to
 * help find the cause of a failure.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <k6c.h>

#include "server.h"
#include "tcapture.h"
#include "tjson.h"

static ts_server httpbin;
static int httpbin_up;

typedef struct brun {
	const char *file;
	k6c_test *t;
	tcap cap;
	tj *doc;
	int exit_code;
} brun;

/* Runs test/script/bodies/<file>, 1 VU and 1 iteration, with BASE_URL and
 * the extra __ENV pair key=value (key may be NULL); options (API tier) if
 * not NULL; the process environment as K6_* options if sysenv. */
static void run(brun *r, const char *file, const char *key, const char *value,
	const char *options, int sysenv)
{
	char path[PATH_MAX], err[128];
	const char *json, *text;
	int rc;

	memset(r, 0, sizeof(*r));
	r->file = file;
	tcap_init(&r->cap);
	ck_assert_msg(httpbin_up, "httpbin did not start");
	snprintf(path, sizeof(path), "%s/script/bodies/%s", ts_srcdir(), file);
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	if (sysenv)
		ck_assert_int_eq(k6c_test_set_system_env(r->t), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "BASE_URL", httpbin.base_url), 0);
	if (key)
		ck_assert_int_eq(k6c_test_set_env(r->t, key, value), 0);
	ck_assert_int_eq(k6c_test_set_options(r->t,
		options ? options : "{\"vus\":1,\"iterations\":1}"), 0);
	rc = k6c_test_run(r->t);
	r->exit_code = k6c_test_exit_code(r->t);
	fprintf(stderr, "---- %s (%s=%s): run returned %d, exit code %d\n", file,
		key ? key : "-", value ? value : "-", rc, r->exit_code);
	tcap_dump(&r->cap, stderr);
	text = k6c_test_summary_text(r->t);
	if (text)
		fprintf(stderr, "---- summary:\n%s\n", text);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "%s: summary is not valid JSON: %s", file, err);
	}
	ck_assert_msg(rc == 0, "%s: k6c_test_run returned %d", file, rc);
	ck_assert_ptr_nonnull(r->doc);
}

static void run_free(brun *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

static double metric(const brun *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

/* Every check passed, and there were at least min_checks. */
static void assert_all_pass(const brun *r, double min_checks)
{
	double passes = metric(r, "checks", "passes"), fails = metric(r, "checks", "fails");

	ck_assert_int_eq(r->exit_code, 0);
	ck_assert_msg(fails == 0, "%s: %g checks failed (see the ERROR lines above)", r->file, fails);
	ck_assert_msg(passes >= min_checks, "%s: %g checks passed, expected at least %g", r->file,
		passes, min_checks);
}

START_TEST(test_http_bodies__files_multipart_types)
{
	brun r;
	double made, reqs;

	run(&r, "bodies.js", NULL, NULL, NULL, 0);
	assert_all_pass(&r, 45);
	/* The bodies k6 cannot send made no request, and so no sample. */
	made = metric(&r, "requests_made", "count");
	reqs = metric(&r, "http_reqs", "count");
	ck_assert_msg(made >= 20 && reqs == made, "http_reqs %g, the script made %g", reqs, made);
	ck_assert_msg(tcap_find(&r.cap, K6C_LOG_WARN,
		"Request Failed error=\"unknown request body type: a number\"") != NULL,
		"no warning for the number body");
	run_free(&r);
}
END_TEST

START_TEST(test_http_bodies__text_by_default)
{
	brun r;

	run(&r, "discard.js", "EXPECT", "text", NULL, 0);
	assert_all_pass(&r, 5);
	run_free(&r);
}
END_TEST

START_TEST(test_http_bodies__discard_option)
{
	brun r;

	run(&r, "discard.js", "EXPECT", "none",
		"{\"vus\":1,\"iterations\":1,\"discardResponseBodies\":true}", 0);
	assert_all_pass(&r, 5);
	run_free(&r);
}
END_TEST

/* K6_DISCARD_RESPONSE_BODIES, read from the process environment (each
 * test runs in its own process, so setenv stays local). */
START_TEST(test_http_bodies__discard_env)
{
	brun r;

	ck_assert_int_eq(setenv("K6_DISCARD_RESPONSE_BODIES", "true", 1), 0);
	run(&r, "discard.js", "EXPECT", "none", NULL, 1);
	assert_all_pass(&r, 5);
	run_free(&r);
	unsetenv("K6_DISCARD_RESPONSE_BODIES");
}
END_TEST

/* A body that is not kept is still received and counted: three 50,000-byte
 * downloads count as many bytes with responseType none as with binary. */
START_TEST(test_http_bodies__none_counts_data_received)
{
	brun none, bin;
	double a, b;

	run(&none, "discard.js", "RT", "none", NULL, 0);
	assert_all_pass(&none, 3);
	run(&bin, "discard.js", "RT", "binary", NULL, 0);
	assert_all_pass(&bin, 3);
	a = metric(&none, "data_received", "count");
	b = metric(&bin, "data_received", "count");
	ck_assert_msg(a >= 150000, "data_received with responseType none: %g", a);
	ck_assert_msg(fabs(a - b) < 100, "data_received: %g with none, %g with binary", a, b);
	run_free(&none);
	run_free(&bin);
}
END_TEST

static Suite *bodies_suite(void)
{
	Suite *s = suite_create("http_bodies");
	struct {
		const char *name;
		const TTest *test;
	} cases[] = {
		{ "bodies", test_http_bodies__files_multipart_types },
		{ "text_default", test_http_bodies__text_by_default },
		{ "discard_option", test_http_bodies__discard_option },
		{ "discard_env", test_http_bodies__discard_env },
		{ "none_data_received", test_http_bodies__none_counts_data_received },
	};

	/* One TCase per test, so CK_RUN_CASE=<name> runs just one. */
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
		fprintf(stderr, "test_http_bodies: httpbin did not start; every case will fail\n");
	sr = srunner_create(bodies_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (httpbin_up)
		ts_server_stop(&httpbin);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
