/*
 * test_html.c - script tier for k6/html and Response.html(): runs html.js
 * (a fixed document queried with every selector form and every Selection,
 * Element and form method, plus httpbin's /html and /links pages through
 * response.html()) against a local httpbin, once on one VU and then on
 * several VUs over two workers at the same time (documents are parsed on
 * every worker thread at once). Every expect() check of the script must
 * pass on every iteration and nothing may be logged as an
 * error. Run under the ASan build, the 50 documents each iteration makes
 * and drops also prove that they are freed.
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

typedef struct hrun {
	k6c_test *t;
	tcap cap;
	tj *doc;
	int rc;
} hrun;

static void script_path(char *out, size_t len, const char *file)
{
	snprintf(out, len, "%s/script/%s", ts_srcdir(), file);
}

static void run_html(hrun *r, const char *options, unsigned workers)
{
	char path[PATH_MAX], err[128];
	const char *json, *text;

	memset(r, 0, sizeof(*r));
	tcap_init(&r->cap);
	ck_assert_msg(httpbin_up, "httpbin did not start");
	script_path(path, sizeof(path), "html.js");
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_options(r->t, options), 0);
	if (workers)
		ck_assert_int_eq(k6c_test_set_workers(r->t, workers), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "BASE_URL", httpbin.base_url), 0);
	r->rc = k6c_test_run(r->t);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "summary is not valid JSON: %s", err);
	}
	fprintf(stderr, "---- html.js %s: run returned %d, %zu log lines\n", options, r->rc, r->cap.n);
	tcap_dump(&r->cap, stderr);
	text = k6c_test_summary_text(r->t);
	if (text)
		fprintf(stderr, "%s\n", text);
	ck_assert_msg(r->rc == 0, "k6c_test_run returned %d (%s)", r->rc,
		k6c_error_last() ? k6c_error_last()->message : "");
	ck_assert_int_eq(k6c_test_exit_code(r->t), 0);
	ck_assert_ptr_nonnull(r->doc);
}

static void run_free(hrun *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

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

/* Every expect() check of html.js passed `passes` times; the table
 * of selectors (one check per row, named at run time) is counted through
 * the checks metric. Returns the number of names found. */
static size_t assert_expects(const hrun *r, int passes)
{
	static char text[1 << 17];
	char path[PATH_MAX], name[160];
	const tj *root = tj_get(r->doc, "root_group");
	size_t len, n = 0;
	const char *p;
	FILE *f;

	script_path(path, sizeof(path), "html.js");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	for (p = text; (p = strstr(p, "expect('")) != NULL;) {
		const char *end;
		const tj *c;

		p += strlen("expect('");
		end = strchr(p, '\'');
		ck_assert_ptr_nonnull(end);
		ck_assert_int_lt(end - p, (long)sizeof(name));
		memcpy(name, p, (size_t)(end - p));
		name[end - p] = '\0';
		p = end;
		c = find_check(root, name);
		ck_assert_msg(c != NULL, "check \"%s\" is not in the summary", name);
		ck_assert_msg(tj_num(tj_get(c, "passes"), -1) == passes && tj_num(tj_get(c, "fails"), -1) == 0,
			"check \"%s\": %g passes, %g fails; expected %d, 0", name,
			tj_num(tj_get(c, "passes"), -1), tj_num(tj_get(c, "fails"), -1), passes);
		n++;
	}
	return n;
}

static double metric(const hrun *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

START_TEST(test_script_html__one_vu)
{
	hrun r;
	size_t n;

	run_html(&r, "{\"vus\":1,\"iterations\":1}", 0);
	n = assert_expects(&r, 1);
	ck_assert_msg(n >= 60, "only %zu expect() checks found in html.js", n);
	/* The selector table adds one check per row. */
	ck_assert_msg(metric(&r, "checks", "passes") >= (double)n + 30, "%g checks passed",
		metric(&r, "checks", "passes"));
	ck_assert_msg(metric(&r, "checks", "fails") == 0, "%g checks failed",
		metric(&r, "checks", "fails"));
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_ERROR, NULL), 0);
	ck_assert_msg(metric(&r, "http_reqs", "count") == 4, "%g requests",
		metric(&r, "http_reqs", "count"));
	run_free(&r);
}
END_TEST

START_TEST(test_script_html__vus_on_two_workers)
{
	hrun r;

	run_html(&r, "{\"vus\":4,\"iterations\":8}", 2);
	ck_assert_msg(assert_expects(&r, 8) >= 60, "too few expect() checks");
	ck_assert_msg(metric(&r, "checks", "fails") == 0, "%g checks failed",
		metric(&r, "checks", "fails"));
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_ERROR, NULL), 0);
	run_free(&r);
}
END_TEST

static Suite *html_suite(void)
{
	Suite *s = suite_create("script_html");
	TCase *tc = tcase_create("html");

	/* Lowering a script with Babel on a cold cache takes seconds. */
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_script_html__one_vu);
	tcase_add_test(tc, test_script_html__vus_on_two_workers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (ts_httpbin_start(&httpbin) == 0)
		httpbin_up = 1;
	else
		fprintf(stderr, "test_html: httpbin did not start; every case will fail\n");
	sr = srunner_create(html_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (httpbin_up)
		ts_server_stop(&httpbin);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
