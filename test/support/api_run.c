/*
 * api_run.c - the API-tier tests' run and summary helpers (see api_run.h).
 */
#include "api_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

k6c_test *ar_make_test(tcap *cap, const char *path, const char *src, const char *options)
{
	k6c_test *t = NULL;

	tcap_init(cap);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_source(t, path, src, strlen(src)), 0);
	ck_assert_int_eq(k6c_test_set_options(t, options), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "BASE_URL", sr_base_url()), 0);
	return t;
}

void ar_run(k6c_test *t, tcap *cap, int want_exit)
{
	int rc = k6c_test_run(t), got = k6c_test_exit_code(t);

	if (rc != 0 || got != want_exit) {
		fprintf(stderr, "run returned %d, exit code %d (expected %d); log:\n", rc, got, want_exit);
		tcap_dump(cap, stderr);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(got, want_exit);
}

tj *ar_summary(const k6c_test *t)
{
	char err[128];
	const char *json = k6c_test_summary_json(t);
	tj *doc;

	ck_assert_msg(json != NULL, "no summary JSON");
	doc = tj_parse(json, err, sizeof(err));
	ck_assert_msg(doc != NULL, "summary is not JSON: %s", err);
	return doc;
}

double ar_metric(const tj *doc, const char *name, const char *field)
{
	return tj_num(tj_getv(doc, "metrics", name, "values", field, NULL), NAN);
}

double ar_summary_value(const k6c_test *t, const char *name, const char *field)
{
	tj *doc = ar_summary(t);
	double v = ar_metric(doc, name, field);

	tj_free(doc);
	return v;
}

void ar_assert_bad_outputs(const char *path, const char *src, const char *output,
	const ar_bad_output *cases, size_t n)
{
	char what[128];

	snprintf(what, sizeof(what), "could not create the '%s' output", output);
	for (size_t i = 0; i < n; i++) {
		tcap cap;
		k6c_test *t = ar_make_test(&cap, path, src, "{\"vus\":1,\"iterations\":1}");
		if (cases[i].env)
			ck_assert_int_eq(setenv(cases[i].env, cases[i].value, 1), 0);
		ck_assert_int_eq(k6c_test_set_system_env(t), 0);
		if (cases[i].env)
			unsetenv(cases[i].env);
		ck_assert_int_eq(k6c_test_add_output(t, cases[i].spec), 0);
		ar_run(t, &cap, 104);
		ck_assert_msg(tcap_find_all(&cap, K6C_LOG_ERROR, what, cases[i].msg, NULL) != NULL,
			"case %zu: no error with \"%s\"", i, cases[i].msg);
		k6c_test_free(t);
		tcap_free(&cap);
	}
}

static int count_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	(void)sink;
	(void)samples;
	*(long *)payload += (long)n;
	return 0;
}

const k6c_sink_vtable ar_count_vt = { K6C_SINK_VERSION, NULL, NULL, count_add, NULL, NULL };
