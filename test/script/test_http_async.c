/*
 * test_http_async.c - script tier for concurrency inside one VU: http.batch
 * (its forms, its limits, its errors), http.asyncRequest on the VU's event
 * loop, k6/timers, errors on the event loop and a hard stop while timers and
 * requests are pending; the scripts of test/script/async against one local
 * httpbin (gunicorn with 16 threads, so four /delay/1 calls can overlap).
 *
 * Only two assertions involve time, both with wide margins: a batch of four
 * /delay/1 requests must take less than 2.5 s (about 1 s when they overlap,
 * 4 s when they do not), and with one request per host at a time it must
 * take more than 3 s. The times are measured by the scripts themselves, so
 * lowering a script on a cold cache does not count. Each run prints its log
 * and summary to help find the cause of a failure.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <k6c.h>

#include "script_run.h"
#include "server.h"

static char closed_port[16];

typedef struct arun {
	const char *file;
	k6c_test *t;
	tcap cap;
	tj *doc;       /* the summary JSON, parsed; NULL if there is none */
	int rc;
	int exit_code;
	double elapsed;
} arun;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* test/script/async/<file> with the log captured, BASE_URL and CLOSED_PORT
 * in __ENV, and options (JSON, API tier) if not NULL. */
static void ar_new(arun *r, const char *file, const char *options)
{
	char path[PATH_MAX];

	memset(r, 0, sizeof(*r));
	r->file = file;
	tcap_init(&r->cap);
	snprintf(path, sizeof(path), "%s/script/async/%s", ts_srcdir(), file);
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "BASE_URL", sr_base_url()), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "CLOSED_PORT", closed_port), 0);
	if (options)
		ck_assert_int_eq(k6c_test_set_options(r->t, options), 0);
}

static void ar_run(arun *r)
{
	const char *json, *text;
	double t0 = now_s();
	char err[128];

	r->rc = k6c_test_run(r->t);
	r->elapsed = now_s() - t0;
	r->exit_code = k6c_test_exit_code(r->t);
	text = k6c_test_summary_text(r->t);
	fprintf(stderr, "---- %s: run returned %d, exit code %d, %.2f s, %zu log lines\n", r->file,
		r->rc, r->exit_code, r->elapsed, r->cap.n);
	tcap_dump(&r->cap, stderr);
	if (text)
		fprintf(stderr, "---- %s summary:\n%s\n", r->file, text);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "%s: summary is not valid JSON: %s", r->file, err);
	}
	ck_assert_msg(r->rc == 0, "%s: the run returned %d (%s)", r->file, r->rc,
		k6c_error_last() ? k6c_error_last()->message : "");
}

static void ar_free(arun *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

static double metric(const arun *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

#define ck_assert_metric_eq(r, name, field, want) do { \
	double got_ = metric((r), (name), (field)); \
	ck_assert_msg(got_ == (double)(want), "metrics[\"%s\"].values.%s is %g, expected %g", \
		(name), (field), got_, (double)(want)); \
} while (0)

/* The log line that starts with prefix (NULL if none). */
static const char *line(arun *r, const char *prefix)
{
	for (size_t i = 0; i < r->cap.n; i++) {
		if (!strncmp(r->cap.lines[i].msg, prefix, strlen(prefix)))
			return r->cap.lines[i].msg;
	}
	return NULL;
}

/* How many log lines contain needle. */
static size_t count(arun *r, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < r->cap.n; i++)
		n += strstr(r->cap.lines[i].msg, needle) != NULL;
	return n;
}

/* The number after key in the line starting with prefix, or -1. */
static double number_in(arun *r, const char *prefix, const char *key)
{
	const char *l = line(r, prefix), *p;

	if (l == NULL || (p = strstr(l, key)) == NULL)
		return -1;
	return strtod(p + strlen(key), NULL);
}

/* "case <name>: <outcome>" from batch_errors.js contains want. */
static void assert_case(arun *r, const char *name, const char *want)
{
	char prefix[128];
	const char *l;

	snprintf(prefix, sizeof(prefix), "case %s: ", name);
	l = line(r, prefix);
	ck_assert_msg(l != NULL, "no outcome logged for case %s", name);
	ck_assert_msg(strstr(l, want) != NULL, "case %s: got \"%s\", expected it to contain \"%s\"",
		name, l, want);
}

/* ---- http.batch --------------------------------------------------------------- */

START_TEST(test_http_batch__requests_overlap)
{
	arun r;
	double ms;

	ar_new(&r, "batch_timing.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(line(&r, "batch ms="));
	ck_assert_msg(strstr(line(&r, "batch ms="), "n=4 statuses=200,200,200,200") != NULL,
		"unexpected results: %s", line(&r, "batch ms="));
	ms = number_in(&r, "batch ms=", "ms=");
	/* About 1000 ms when the four overlap, 4000 when they do not. */
	ck_assert_msg(ms >= 900 && ms < 2500, "a batch of 4 x /delay/1 took %g ms", ms);
	ck_assert_metric_eq(&r, "http_reqs", "count", 4);
	ar_free(&r);
}
END_TEST

/* batchPerHost 1 (loop 0) or batch 1 (loop 1): one request at a time. */
START_TEST(test_http_batch__limits_serialise)
{
	static const char *const opts[] = { "{\"batchPerHost\":1}", "{\"batch\":1}" };
	arun r;
	double ms;

	ar_new(&r, "batch_timing.js", opts[_i]);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(strstr(line(&r, "batch ms="), "statuses=200,200,200,200") != NULL,
		"unexpected results: %s", line(&r, "batch ms="));
	ms = number_in(&r, "batch ms=", "ms=");
	ck_assert_msg(ms > 3000, "with %s a batch of 4 x /delay/1 took only %g ms", opts[_i], ms);
	ck_assert_metric_eq(&r, "http_reqs", "count", 4);
	ar_free(&r);
}
END_TEST

/* K6_BATCH_PER_HOST reaches the VUs too; a value that is no count is a
 * configuration error naming the option. */
START_TEST(test_http_batch__options_env_and_invalid)
{
	arun r;
	const k6c_error *e;

	ar_new(&r, "batch_timing.js", NULL);
	ck_assert_int_eq(setenv("K6_BATCH_PER_HOST", "1", 1), 0);
	ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
	unsetenv("K6_BATCH_PER_HOST");
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(number_in(&r, "batch ms=", "ms=") > 3000, "K6_BATCH_PER_HOST=1 was not applied");
	ar_free(&r);

	ar_new(&r, "batch_timing.js", "{\"batch\":-2}");
	r.rc = k6c_test_run(r.t);
	r.exit_code = k6c_test_exit_code(r.t);
	tcap_dump(&r.cap, stderr);
	ck_assert_int_eq(r.exit_code, 104);
	e = k6c_error_last();
	ck_assert_msg(tcap_find_all(&r.cap, -1, "batch", "-2", NULL) != NULL ||
		(e && e->message && strstr(e->message, "batch") && strstr(e->message, "-2")),
		"no message names the option and its value");
	ar_free(&r);
}
END_TEST

START_TEST(test_http_batch__forms_keys_and_samples)
{
	arun r;

	ar_new(&r, "batch_forms.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(count(&r, "Uncaught") == 0 && count(&r, "Error") == 0, "the script threw");
	ck_assert_metric_eq(&r, "checks", "rate", 1);
	ck_assert_metric_eq(&r, "checks", "passes", 10);
	/* 5 + 3 + 2 requests, each with its own samples. */
	ck_assert_metric_eq(&r, "http_reqs", "count", 10);
	ck_assert_metric_eq(&r, "http_req_failed", "passes", 2);   /* the 404 and the refused one */
	ck_assert_msg(count(&r, "Request Failed") == 1, "expected one Request Failed warning");
	ar_free(&r);
}
END_TEST

START_TEST(test_http_batch__errors)
{
	arun r;

	ar_new(&r, "batch_errors.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	assert_case(&r, "no argument", "no argument was provided to http.batch()");
	assert_case(&r, "two arguments", "accepts only an array or an object");
	assert_case(&r, "number", "invalid http.batch() argument type number");
	assert_case(&r, "string", "invalid http.batch() argument type string");
	assert_case(&r, "no url key", "batch request x doesn't have a url key");
	assert_case(&r, "short array", "invalid batch request 0");
	assert_case(&r, "method type", "invalid method type of batch request 0: number");
	assert_case(&r, "bad params", "the request params must be an object");
	assert_case(&r, "failed, no throw", "no exception");
	assert_case(&r, "failed, throw", "connection refused");
	assert_case(&r, "bad url", "no exception");
	ck_assert_msg(number_in(&r, "bad url error_code=", "=") == 1020, "a bad URL is not error 1020");
	/* Nothing is sent for a batch that throws before it starts: 2 + 2,
	 * and the bad URL, which curl rejects (counted as request() counts
	 * it). */
	ck_assert_metric_eq(&r, "http_reqs", "count", 5);
	ar_free(&r);
}
END_TEST

/* ---- http.asyncRequest and the event loop ---------------------------------------- */

START_TEST(test_http_async__requests_overlap)
{
	arun r;
	double ms;

	ar_new(&r, "async.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(line(&r, "async ms="));
	ck_assert_msg(strstr(line(&r, "async ms="), "ids=1,2,3") != NULL, "%s", line(&r, "async ms="));
	ms = number_in(&r, "async ms=", "ms=");
	ck_assert_msg(ms >= 900 && ms < 2500, "three awaited /delay/1 requests took %g ms", ms);
	ck_assert_msg(line(&r, "rejected=Error: ") != NULL && strstr(line(&r, "rejected="), "refused"),
		"throw: true did not reject with the error");
	ck_assert_msg(number_in(&r, "failed error_code=", "=") == 1212, "a refused request is not 1212");
	ck_assert_ptr_nonnull(line(&r, "late status=200"));
	ck_assert_metric_eq(&r, "checks", "rate", 1);
	ck_assert_metric_eq(&r, "http_reqs", "count", 7);
	ck_assert_metric_eq(&r, "iterations", "count", 1);
	ar_free(&r);
}
END_TEST

START_TEST(test_timers__order_and_clear)
{
	arun r;
	const char *l;

	ar_new(&r, "timers.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	l = line(&r, "order ");
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l, "order t0a t0b iv2 i0 t10(x,2) self this=true i1 i2 t200");
	ck_assert_ptr_nonnull(line(&r, "init=init same=true ids=number"));
	ck_assert_metric_eq(&r, "iterations", "count", 1);
	/* The iteration waited for its timers. */
	ck_assert_msg(metric(&r, "iteration_duration", "min") >= 290,
		"the iteration took %g ms, its last timer fires at 300", metric(&r, "iteration_duration", "min"));
	ar_free(&r);
}
END_TEST

START_TEST(test_timers__loop_errors)
{
	arun r;

	ar_new(&r, "loop_errors.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(tcap_find(&r.cap, K6C_LOG_ERROR, "boom in a timer"));
	ck_assert_msg(count(&r, "after the boom") == 0, "a timer ran after the iteration threw");
	ck_assert_ptr_nonnull(tcap_find_all(&r.cap, K6C_LOG_WARN, "setTimeout 2",
		"was stopped because the VU iteration was interrupted", NULL));
	ck_assert_ptr_nonnull(tcap_find(&r.cap, K6C_LOG_ERROR,
		"Uncaught (in promise) Error: nobody handles this"));
	ck_assert_msg(count(&r, "Uncaught (in promise) Error: handled") == 0,
		"a handled rejection was reported");
	ck_assert_ptr_nonnull(line(&r, "caught it"));
	/* An iteration that threw still counts, as in k6. */
	ck_assert_metric_eq(&r, "iterations", "count", 3);
	ar_free(&r);
}
END_TEST

/* A hard stop with timers, intervals, asynchronous requests and a batch
 * pending ends the run at once; under AddressSanitizer nothing leaks and
 * nothing is used after it is freed. */
START_TEST(test_event_loop__hard_stop_is_clean)
{
	arun r;
	double dur;

	ar_new(&r, "hard_stop.js", NULL);
	ar_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(count(&r, "never ran") == 0 && count(&r, "never finished") == 0,
		"a callback ran after the hard stop");
	/* Every VU had its 10 s timer and its interval dropped. */
	ck_assert_msg(count(&r, "was stopped because the VU iteration was interrupted") >= 6,
		"expected a warning per dropped timer");
	/* Well before the 5 s requests or the 8 s timer could end. */
	dur = tj_num(tj_getv(r.doc, "state", "testRunDurationMs", NULL), NAN);
	ck_assert_msg(dur < 4500, "the test ran for %g ms", dur);
	ck_assert_msg(metric(&r, "vus_max", "value") == 3, "vus_max");
	ar_free(&r);
}
END_TEST

static Suite *async_suite(void)
{
	const sr_case cases[] = {
		{ "batch_overlap", test_http_batch__requests_overlap },
		{ "batch_env_invalid", test_http_batch__options_env_and_invalid },
		{ "batch_forms", test_http_batch__forms_keys_and_samples },
		{ "batch_errors", test_http_batch__errors },
		{ "async_overlap", test_http_async__requests_overlap },
		{ "timers", test_timers__order_and_clear },
		{ "loop_errors", test_timers__loop_errors },
		{ "hard_stop", test_event_loop__hard_stop_is_clean },
	};
	Suite *s = sr_suite("http_async", cases, sizeof(cases) / sizeof(cases[0]));
	TCase *tc = tcase_create("batch_limits");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_http_batch__limits_serialise, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	snprintf(closed_port, sizeof(closed_port), "%d", ts_closed_port());
	return sr_main("test_http_async", async_suite());
}
