/*
 * test_http_cookies.c - script tier for k6/http's cookies, redirects,
 * response callback, URL grouping and authentication (issue 4): the
 * scripts test/script/cookies/{cookies,cookies_iter,redirects,
 * max_redirects,expected,auth,async}.js run through the public API against one
 * local httpbin,
 * and the runner checks what k6 would report: every check passing, the
 * request counts (one per redirect hop and per digest hop), the per-hop
 * tags through the scripts' thresholds on submetrics, http_req_failed and
 * the log lines (k6's warning when the default redirect limit stops a
 * chain). Each run prints its log and summary to help find a failure.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script_run.h"

/* Runs test/script/cookies/<file> with the options (JSON), BASE_URL in
 * __ENV and the extra env pair (name may be NULL); a name starting with K6_
 * goes into the process environment too, where k6 reads options (each case
 * runs in a process of its own: Check forks). */
static void run_script(sr_run *r, const char *file, const char *options, const char *env_name,
	const char *env_value)
{
	int sysenv = env_name != NULL && strncmp(env_name, "K6_", 3) == 0;

	if (sysenv)
		ck_assert_int_eq(setenv(env_name, env_value, 1), 0);
	sr_run_script(r, "cookies", file, env_name, env_value, options, sysenv);
}

#define ck_assert_metric_eq(r, name, field, want) do { \
	double got_ = sr_metric((r), (name), (field)); \
	ck_assert_msg(got_ == (double)(want), "metrics[\"%s\"].values.%s is %g, expected %g", \
		(name), (field), got_, (double)(want)); \
} while (0)

/* Every threshold in the summary passed, and there are exactly want. */
static void assert_thresholds_ok(const sr_run *r, int want)
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

/* Every check passed, and there were exactly passes of them. */
static void assert_checks(const sr_run *r, int passes)
{
	ck_assert_metric_eq(r, "checks", "fails", 0);
	ck_assert_metric_eq(r, "checks", "passes", passes);
}

/* ---- cookies ------------------------------------------------------------------- */

/* Each iteration starts with an empty jar; a jar object kept from an
 * earlier iteration is that iteration's. 3 x (2 requests, 2 hops + 1). */
START_TEST(test_http_cookies_iter__reset)
{
	sr_run r;

	run_script(&r, "cookies_iter.js", "{\"vus\":1,\"iterations\":3}", NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 15);
	ck_assert_metric_eq(&r, "http_reqs", "count", 9);
	ck_assert_metric_eq(&r, "iterations", "count", 3);
	sr_run_free(&r);
}
END_TEST

/* noCookiesReset: the VU keeps one jar for all its iterations. */
START_TEST(test_http_cookies_iter__no_cookies_reset)
{
	sr_run r;

	run_script(&r, "cookies_iter.js", "{\"vus\":1,\"iterations\":3,\"noCookiesReset\":true}",
		"EXPECT_KEEP", "1");
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 15);
	ck_assert_metric_eq(&r, "http_reqs", "count", 9);
	sr_run_free(&r);
}
END_TEST

/* K6_NO_COOKIES_RESET=true does what the option does. */
START_TEST(test_http_cookies_iter__no_cookies_reset_env)
{
	sr_run r;

	/* The expectation comes from the system environment too. */
	ck_assert_int_eq(setenv("EXPECT_KEEP", "1", 1), 0);
	run_script(&r, "cookies_iter.js", "{\"vus\":1,\"iterations\":3}",
		"K6_NO_COOKIES_RESET", "true");
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 15);
	sr_run_free(&r);
}
END_TEST

/* Two VUs have jars of their own. */
START_TEST(test_http_cookies_iter__per_vu)
{
	sr_run r;

	run_script(&r, "cookies_iter.js",
		"{\"scenarios\":{\"s\":{\"executor\":\"per-vu-iterations\",\"vus\":2,\"iterations\":3}}}",
		NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 30);
	ck_assert_metric_eq(&r, "http_reqs", "count", 18);
	sr_run_free(&r);
}
END_TEST

START_TEST(test_http_cookies__jar_api_and_params)
{
	sr_run r;

	run_script(&r, "cookies.js", "{\"vus\":1,\"iterations\":1}", NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 30);
	/* 14 requests, the /cookies/set one of 2 hops. */
	ck_assert_metric_eq(&r, "http_reqs", "count", 15);
	ck_assert_metric_eq(&r, "http_req_failed", "passes", 0);
	sr_run_free(&r);
}
END_TEST

/* ---- redirects ----------------------------------------------------------------- */

START_TEST(test_http_redirects__per_hop_samples)
{
	sr_run r;
	char want[2048];

	run_script(&r, "redirects.js", "{\"vus\":1,\"iterations\":1}", NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 14);
	/* 4 + 3 + 2 + 1 + 11 + 6 + 4 + 2 + 3 + 3 + 2 hops. */
	ck_assert_metric_eq(&r, "http_reqs", "count", 41);
	assert_thresholds_ok(&r, 11);
	ck_assert_metric_eq(&r, "http_reqs{status:307}", "count", 1);
	ck_assert_metric_eq(&r, "http_reqs{method:POST}", "count", 7);
	snprintf(want, sizeof(want), "http_reqs{url:%s/relative-redirect/1}", sr_base_url());
	ck_assert_metric_eq(&r, want, "count", 4);
	/* k6's warning, once: only /redirect/11 hit the default limit. */
	snprintf(want, sizeof(want), "url=%s/redirect/11", sr_base_url());
	ck_assert_int_eq(tcap_count(&r.cap, K6C_LOG_WARN, "Stopped after 10 redirects"), 1);
	ck_assert_ptr_nonnull(tcap_find_all(&r.cap, K6C_LOG_WARN, "Stopped after 10 redirects and "
		"returned the redirection", want, NULL));
	sr_run_free(&r);
}
END_TEST

START_TEST(test_http_redirects__max_redirects_option)
{
	sr_run r;

	run_script(&r, "max_redirects.js", "{\"vus\":1,\"iterations\":1,\"maxRedirects\":2}",
		NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 2);
	ck_assert_metric_eq(&r, "http_reqs", "count", 9);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "Stopped after"), 0);
	sr_run_free(&r);
}
END_TEST

START_TEST(test_http_redirects__max_redirects_env)
{
	sr_run r;

	run_script(&r, "max_redirects.js", "{\"vus\":1,\"iterations\":1}",
		"K6_MAX_REDIRECTS", "2");
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 2);
	ck_assert_metric_eq(&r, "http_reqs", "count", 9);
	sr_run_free(&r);
}
END_TEST

/* ---- response callback ---------------------------------------------------------- */

START_TEST(test_http_expected__response_callback)
{
	sr_run r;

	run_script(&r, "expected.js", "{\"vus\":1,\"iterations\":1}", NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 9);
	ck_assert_metric_eq(&r, "http_reqs", "count", 8);
	/* 6 samples (2 requests had no callback), 3 of them failures. */
	ck_assert_metric_eq(&r, "http_req_failed", "passes", 3);
	ck_assert_metric_eq(&r, "http_req_failed", "fails", 3);
	assert_thresholds_ok(&r, 3);
	sr_run_free(&r);
}
END_TEST

/* ---- batch and asyncRequest ------------------------------------------------------ */

START_TEST(test_http_cookies__batch_and_async)
{
	sr_run r;

	run_script(&r, "async.js", "{\"vus\":1,\"iterations\":1}", NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 6);
	ck_assert_metric_eq(&r, "http_reqs", "count", 6);
	assert_thresholds_ok(&r, 2);
	sr_run_free(&r);
}
END_TEST

/* ---- authentication and URL grouping --------------------------------------------- */

START_TEST(test_http_auth__basic_digest_ntlm_and_names)
{
	sr_run r;
	char want[2048];

	run_script(&r, "auth.js", "{\"vus\":1,\"iterations\":1}", NULL, NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_checks(&r, 16);
	/* 3 basic, 4 digest of 2 hops, 1 ntlm, 4 named. */
	ck_assert_metric_eq(&r, "http_reqs", "count", 16);
	assert_thresholds_ok(&r, 5);
	ck_assert_metric_eq(&r, "http_reqs{status:401}", "count", 6);
	/* No tag shows the password. */
	snprintf(want, sizeof(want), "http_reqs{url:http://****:****@%s/basic-auth/user/passwd}",
		sr_base_url() + strlen("http://"));
	ck_assert_metric_eq(&r, want, "count", 3);
	sr_run_free(&r);
}
END_TEST

static Suite *http_cookies_suite(void)
{
	const sr_case cases[] = {
		{ "cookies_reset", test_http_cookies_iter__reset },
		{ "cookies_no_reset", test_http_cookies_iter__no_cookies_reset },
		{ "cookies_no_reset_env", test_http_cookies_iter__no_cookies_reset_env },
		{ "cookies_per_vu", test_http_cookies_iter__per_vu },
		{ "cookies_api", test_http_cookies__jar_api_and_params },
		{ "redirects", test_http_redirects__per_hop_samples },
		{ "max_redirects", test_http_redirects__max_redirects_option },
		{ "max_redirects_env", test_http_redirects__max_redirects_env },
		{ "expected", test_http_expected__response_callback },
		{ "auth", test_http_auth__basic_digest_ntlm_and_names },
		{ "batch_async", test_http_cookies__batch_and_async },
	};

	return sr_suite("http_cookies", cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	return sr_main("test_http_cookies", http_cookies_suite());
}
