/*
 * script_run.c - the harness shared by the script-tier test executables
 * (see script_run.h).
 */
#include "script_run.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static ts_server httpbin;
static int httpbin_up;

void sr_run_script(sr_run *r, const char *dir, const char *file, const char *key,
	const char *value, const char *options, int sysenv)
{
	char path[PATH_MAX], err[128];
	const char *json, *text;
	int rc;

	memset(r, 0, sizeof(*r));
	r->file = file;
	tcap_init(&r->cap);
	ck_assert_msg(httpbin_up, "httpbin did not start");
	snprintf(path, sizeof(path), "%s/script/%s/%s", ts_srcdir(), dir, file);
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

const char *sr_base_url(void)
{
	return httpbin.base_url;
}

void sr_run_free(sr_run *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

double sr_metric(const sr_run *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

void sr_assert_all_pass(const sr_run *r, double min_checks)
{
	double passes = sr_metric(r, "checks", "passes"), fails = sr_metric(r, "checks", "fails");

	ck_assert_int_eq(r->exit_code, 0);
	ck_assert_msg(fails == 0, "%s: %g checks failed (see the ERROR lines above)", r->file, fails);
	ck_assert_msg(passes >= min_checks, "%s: %g checks passed, expected at least %g", r->file,
		passes, min_checks);
}

Suite *sr_suite(const char *name, const sr_case *cases, size_t n)
{
	Suite *s = suite_create(name);

	for (size_t i = 0; i < n; i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
	return s;
}

int sr_main(const char *prog, Suite *s)
{
	SRunner *sr;
	int failed;

	if (ts_httpbin_start(&httpbin) == 0)
		httpbin_up = 1;
	else
		fprintf(stderr, "%s: httpbin did not start; every case will fail\n", prog);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (httpbin_up)
		ts_server_stop(&httpbin);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
