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

#include "script_run.h"

typedef sr_run brun;

/* Runs test/script/bodies/<file>; see sr_run_script(). */
static void run(brun *r, const char *file, const char *key, const char *value,
	const char *options, int sysenv)
{
	sr_run_script(r, "bodies", file, key, value, options, sysenv);
}

#define run_free sr_run_free
#define metric sr_metric
#define assert_all_pass sr_assert_all_pass

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
	const sr_case cases[] = {
		{ "bodies", test_http_bodies__files_multipart_types },
		{ "text_default", test_http_bodies__text_by_default },
		{ "discard_option", test_http_bodies__discard_option },
		{ "discard_env", test_http_bodies__discard_env },
		{ "none_data_received", test_http_bodies__none_counts_data_received },
	};

	return sr_suite("http_bodies", cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	return sr_main("test_http_bodies", bodies_suite());
}
