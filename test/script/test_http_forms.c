/*
 * test_http_forms.c - script tier for Response.submitForm() and
 * Response.clickLink() of k6/http (issue 4): test/script/forms/forms.js run
 * through the public API against a local httpbin; each run prints its log
 * and summary to help find the cause of a failure.
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

/* Runs test/script/forms/<file>; see sr_run_script(). */
static void run(brun *r, const char *file, const char *key, const char *value,
	const char *options, int sysenv)
{
	sr_run_script(r, "forms", file, key, value, options, sysenv);
}

#define run_free sr_run_free
#define metric sr_metric
#define assert_all_pass sr_assert_all_pass

START_TEST(test_http_forms__submit_and_click)
{
	brun r;

	run(&r, "forms.js", NULL, NULL, NULL, 0);
	assert_all_pass(&r, 26);
	run_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http_forms");
	TCase *tc = tcase_create("forms");

	/* Lowering a script with Babel on a cold cache takes seconds. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_http_forms__submit_and_click);
	suite_add_tcase(s, tc);
	return sr_main("test_http_forms", s);
}
