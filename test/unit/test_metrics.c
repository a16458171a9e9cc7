/*
 * test_metrics.c - the metrics layer: registry and submetric rules,
 * concurrent producers with exact totals, per-type aggregation, the check
 * tree, the summary text (golden) and JSON, systemTags filtering and
 * metadata.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"
#include "util/json.h"
#include "util/util.h"

static k6c__metrics *new_metrics(const k6c__metrics_config *cfg)
{
	k6c__metrics *m = NULL;
	ck_assert_int_eq(k6c__metrics_new(&m, cfg), 0);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* Adds one sample with up to four tags given as key, value, ..., NULL. */
static void add1(k6c__samples *s, int metric, double value, ...)
{
	k6c__tag tags[4];
	size_t n = 0;
	va_list ap;
	va_start(ap, value);
	const char *k;
	while ((k = va_arg(ap, const char *)) != NULL && n < 4) {
		tags[n].key = k;
		tags[n].value = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	k6c__samples_add(s, k6c__wall_us(), tags, n, &metric, &value, 1);
}

static double stat(k6c__metrics *m, int id, const char *name, double duration_ms)
{
	double v = -12345;
	ck_assert_msg(k6c__metrics_stat(m, id, name, duration_ms, &v) == 0, "stat %s: %s", name,
		k6c_error_last()->message);
	return v;
}

/* ---- registry ---------------------------------------------------------- */

START_TEST(test_metrics_registry__builtins)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__metric_info info;

	ck_assert_int_eq(k6c__metrics_find(m, "vus"), K6C__M_VUS);
	ck_assert_int_eq(k6c__metrics_find(m, "http_req_duration"), K6C__M_HTTP_REQ_DURATION);
	ck_assert_int_eq(k6c__metrics_find(m, "http_req_receiving"), K6C__M_HTTP_REQ_RECEIVING);
	ck_assert_int_eq(k6c__metrics_find(m, "nope"), -1);
	ck_assert_int_eq(k6c__metrics_info(m, K6C__M_DATA_SENT, &info), 0);
	ck_assert_str_eq(info.name, "data_sent");
	ck_assert_int_eq(info.type, K6C__COUNTER);
	ck_assert_int_eq(info.contains, K6C__CONTAINS_DATA);
	ck_assert_int_eq(info.parent, -1);
	ck_assert_int_eq(k6c__metrics_info(m, K6C__M_CHECKS, &info), 0);
	ck_assert_int_eq(info.type, K6C__RATE);
	ck_assert_int_eq(k6c__metrics_info(m, K6C__M_ITERATION_DURATION, &info), 0);
	ck_assert_int_eq(info.contains, K6C__CONTAINS_TIME);

	/* The expected_response submetric exists from the start. */
	int sub = k6c__metrics_find(m, "http_req_duration{expected_response:true}");
	ck_assert_int_ge(sub, K6C__M_BUILTIN_COUNT);
	ck_assert_int_eq(k6c__metrics_info(m, sub, &info), 0);
	ck_assert_int_eq(info.parent, K6C__M_HTTP_REQ_DURATION);
	ck_assert_int_eq(info.type, K6C__TREND);
	ck_assert_int_eq(k6c__metrics_count(m), sub + 1);
	ck_assert_int_eq(k6c__metrics_info(m, 9999, &info), K6C_ENOTFOUND);
	ck_assert_str_eq(k6c__metric_type_name(K6C__GAUGE), "gauge");
	ck_assert_str_eq(k6c__metric_contains_name(K6C__CONTAINS_TIME), "time");
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_registry__custom)
{
	k6c__metrics *m = new_metrics(NULL);
	int a = -1, b = -1;

	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__TREND, K6C__CONTAINS_TIME, &a), 0);
	ck_assert_int_ge(a, K6C__M_BUILTIN_COUNT);
	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__TREND, K6C__CONTAINS_TIME, &b), 0);
	ck_assert_int_eq(a, b);
	ck_assert_int_eq(k6c__metrics_find(m, "my_trend"), a);

	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &b),
		K6C_EINVAL);
	ck_assert_str_eq(k6c_error_last()->message,
		"metric 'my_trend' already exists but with type trend, instead of counter");
	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__TREND, K6C__CONTAINS_DEFAULT, &b),
		K6C_EINVAL);
	ck_assert_str_eq(k6c_error_last()->message,
		"metric 'my_trend' already exists but with a value type time, instead of default");
	/* Built-ins share the namespace. */
	ck_assert_int_eq(k6c__metrics_register(m, "http_reqs", K6C__TREND, K6C__CONTAINS_DEFAULT, &b),
		K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_register(m, "http_reqs", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &b),
		0);
	ck_assert_int_eq(b, K6C__M_HTTP_REQS);

	/* k6's ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$ needs two characters at least. */
	const char *bad[] = { "", "a", "_", "1abc", "a-b", "a b", "é", "a.b", "a{b:c}" };
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		ck_assert_int_eq(k6c__metrics_register(m, bad[i], K6C__COUNTER, K6C__CONTAINS_DEFAULT, &b),
			K6C_EINVAL);
		ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "Invalid metric name: '"));
	}
	/* ... and allows 129: one, then up to 128 more. */
	char name[131];
	memset(name, 'x', 129);
	name[129] = '\0';
	ck_assert_int_eq(k6c__metrics_register(m, name, K6C__COUNTER, K6C__CONTAINS_DEFAULT, &b), 0);
	name[129] = 'x';
	name[130] = '\0';
	ck_assert_int_eq(k6c__metrics_register(m, name, K6C__COUNTER, K6C__CONTAINS_DEFAULT, &b),
		K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_register(m, "_ok_1", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &b), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "ab", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &b), 0);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_registry__submetric_syntax)
{
	k6c__metrics *m = new_metrics(NULL);
	int a = -1, b = -1;

	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_req_duration{status:200}", &a), 0);
	ck_assert_int_eq(k6c__metrics_find(m, "http_req_duration{status:200}"), a);
	/* Same criteria, other spelling: the same submetric. */
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_req_duration{ 'status' : \"200\" }", &b),
		0);
	ck_assert_int_eq(a, b);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_req_duration{expected_response:true}",
		&b), 0);
	ck_assert_int_eq(b, k6c__metrics_find(m, "http_req_duration{expected_response:true}"));
	/* Order of criteria does not matter either. */
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{method:GET,status:200}", &a), 0);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{status:200,method:GET}", &b), 0);
	ck_assert_int_eq(a, b);
	ck_assert_int_eq(k6c__metrics_find(m, "http_reqs{method:GET,status:200}"), a);
	/* A value may hold a colon. */
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{url:http://x/}", &a), 0);

	ck_assert_int_eq(k6c__metrics_add_submetric(m, "nope{a:b}", &a), K6C_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "nope"));
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{a:b", &a), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "unmatched opening/close curly brace"));
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs}a:b{", &a), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "closing curly brace appears before"));
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{a:b}x", &a), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "lacks a closing curly brace"));
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{a}", &a), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "tag expression is malformed"));
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{a:}", &a), K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{}", &a), K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs", &a), K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "{a:b}", &a), K6C_ENOTFOUND);
	/* As in k6, the criteria run from the first '{' to the last '}'. */
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{a:b}{c:d}", &a), 0);
	ck_assert_int_eq(k6c__metrics_find(m, "http_reqs{a:b}{c:d}"), a);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_registry__check_stat)
{
	const char *good[] = { "avg", "min", "med", "max", "count", "p(0)", "p(90)", "p(99.9)",
		"p(100)" };
	for (size_t i = 0; i < K6C__ARRAY_LEN(good); i++)
		ck_assert_msg(k6c__summary_check_stat(good[i]) == 0, "%s", good[i]);
	ck_assert_int_eq(k6c__summary_check_stat("mean"), K6C_EINVAL);
	ck_assert_str_eq(k6c_error_last()->message, "invalid trend stat 'mean', unknown format");
	const char *bad[] = { "p(101)", "p(-1)", "p(abc)", "p()", "p(NaN)", "p( 5)", "p(5x)" };
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		ck_assert_msg(k6c__summary_check_stat(bad[i]) == K6C_EINVAL, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "provide a number between 0 and 100"));
	}
	ck_assert_int_eq(k6c__summary_check_stat("p90"), K6C_EINVAL);
}
END_TEST

/* ---- concurrent producers --------------------------------------------- */

enum { PRODUCERS = 4, PER_PRODUCER = 100000 };

typedef struct producer_arg {
	k6c__metrics *m;
	int custom;
	int index;
} producer_arg;

typedef struct seen {
	uint64_t samples;
	uint64_t unsorted;
	uint64_t ticks;
} seen;

static void count_samples(const k6c__sample_view *v, size_t n, void *arg)
{
	seen *s = arg;
	s->samples += n;
	for (size_t i = 0; i < n; i++)
		for (size_t t = 1; t < v[i].ntags; t++)
			if (strcmp(v[i].tags[t - 1].key, v[i].tags[t].key) >= 0)
				s->unsorted++;
}

static void count_ticks(k6c__metrics *m, void *arg)
{
	seen *s = arg;
	(void)m;
	__atomic_fetch_add(&s->ticks, 1, __ATOMIC_RELAXED);
}

static void *producer(void *p)
{
	producer_arg *a = p;
	k6c__samples *s = NULL;
	char name[16];

	ck_assert_int_eq(k6c__samples_new(a->m, &s), 0);
	snprintf(name, sizeof(name), "t%d", a->index);
	int ids[3] = { K6C__M_HTTP_REQS, K6C__M_DATA_SENT, a->custom };
	double vals[3] = { 1, 10, a->index + 1 };
	/* Two orders of the same tags: both intern to one tag set. */
	k6c__tag t1[3] = { { "scenario", "default" }, { "name", name }, { "group", "" } };
	k6c__tag t2[3] = { { "group", "" }, { "name", name }, { "scenario", "default" } };
	for (int k = 0; k < PER_PRODUCER; k++) {
		k6c__samples_add(s, k6c__wall_us(), (k & 1) ? t1 : t2, 3, ids, vals, 3);
		if (k % 512 == 0)
			k6c__samples_tick(s, k6c__now_ns());
	}
	k6c__samples_free(s);   /* flushes */
	return NULL;
}

START_TEST(test_metrics_aggregate__concurrent_producers)
{
	seen sn = { 0, 0, 0 };
	k6c__metrics_config cfg = { 0 };
	cfg.on_samples = count_samples;
	cfg.on_samples_arg = &sn;
	cfg.on_tick = count_ticks;
	cfg.on_tick_arg = &sn;
	cfg.flush_interval_ms = 5;
	k6c__metrics *m = new_metrics(&cfg);
	int custom;
	ck_assert_int_eq(k6c__metrics_register(m, "work", K6C__COUNTER, K6C__CONTAINS_DEFAULT,
		&custom), 0);
	ck_assert_int_eq(k6c__metrics_start(m), 0);
	ck_assert_int_eq(k6c__metrics_start(m), K6C_ESTATE);

	pthread_t th[PRODUCERS];
	producer_arg args[PRODUCERS];
	for (int i = 0; i < PRODUCERS; i++) {
		args[i] = (producer_arg){ m, custom, i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, producer, &args[i]), 0);
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(th[i], NULL);
	k6c__metrics_stop(m);
	k6c__metrics_stop(m);   /* idempotent */

	ck_assert_uint_eq(k6c__metrics_dropped(m), 0);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, K6C__M_HTTP_REQS), PRODUCERS * PER_PRODUCER);
	ck_assert(stat(m, K6C__M_HTTP_REQS, "count", 0) == PRODUCERS * PER_PRODUCER);
	ck_assert(stat(m, K6C__M_DATA_SENT, "count", 0) == 10.0 * PRODUCERS * PER_PRODUCER);
	ck_assert(stat(m, custom, "count", 0) == (1 + 2 + 3 + 4) * (double)PER_PRODUCER);
	ck_assert(stat(m, K6C__M_HTTP_REQS, "rate", 4000) == PRODUCERS * PER_PRODUCER / 4.0);
	ck_assert_uint_eq(sn.samples, 3u * PRODUCERS * PER_PRODUCER);
	ck_assert_uint_eq(sn.unsorted, 0);
	ck_assert_uint_gt(sn.ticks, 0);
	ck_assert_int_eq(k6c__metrics_start(m), K6C_ESTATE);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_aggregate__flush_contract)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s = NULL, *late = NULL;

	/* Before start, hand-offs wait; stop without start folds them. */
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	ck_assert_int_eq(k6c__samples_new(m, &late), 0);
	add1(s, K6C__M_ITERATIONS, 1, NULL);
	k6c__samples_flush(s);
	add1(s, K6C__M_ITERATIONS, 1, NULL);
	/* Not flushed: a tick with a time before the interval keeps it. */
	k6c__samples_tick(s, 0);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, K6C__M_ITERATIONS), 0);
	k6c__samples_flush(s);
	k6c__metrics_stop(m);
	ck_assert(stat(m, K6C__M_ITERATIONS, "count", 0) == 2);

	/* After stop, a late flush is folded by the flushing thread. */
	add1(late, K6C__M_ITERATIONS, 5, NULL);
	k6c__samples_free(late);
	ck_assert(stat(m, K6C__M_ITERATIONS, "count", 0) == 7);
	add1(s, K6C__M_ITERATIONS, 1, NULL);
	k6c__samples_tick(s, UINT64_MAX / 2);   /* old enough: handed off */
	ck_assert(stat(m, K6C__M_ITERATIONS, "count", 0) == 8);

	/* Unknown ids and submetric ids are dropped, not folded. */
	int sub = k6c__metrics_find(m, "http_req_duration{expected_response:true}");
	add1(s, 9999, 1, NULL);
	add1(s, sub, 1, NULL);
	k6c__samples_flush(s);
	ck_assert_uint_eq(k6c__metrics_dropped(m), 2);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, sub), 0);
	k6c__samples_free(s);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_aggregate__types)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s = NULL;
	int g, r, t;
	ck_assert_int_eq(k6c__metrics_register(m, "gg", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &g), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "rr", K6C__RATE, K6C__CONTAINS_DEFAULT, &r), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "tt", K6C__TREND, K6C__CONTAINS_DEFAULT, &t), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);

	/* Empty metrics read as 0, as in k6. */
	ck_assert(stat(m, g, "value", 0) == 0);
	ck_assert(stat(m, r, "rate", 0) == 0);
	ck_assert(stat(m, t, "p(95)", 0) == 0);

	double gv[] = { 3, -1, 2 };
	for (size_t i = 0; i < 3; i++)
		add1(s, g, gv[i], NULL);
	double rv[] = { 1, 0, 1, 1, 0.5, 0 };
	for (size_t i = 0; i < 6; i++)
		add1(s, r, rv[i], NULL);
	add1(s, t, 100, NULL);
	add1(s, t, 300, NULL);
	add1(s, K6C__M_DATA_RECEIVED, 1500, NULL);
	add1(s, K6C__M_DATA_RECEIVED, 500, NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	ck_assert(stat(m, g, "value", 0) == 2);
	ck_assert(stat(m, g, "min", 0) == -1);
	ck_assert(stat(m, g, "max", 0) == 3);
	ck_assert(stat(m, r, "rate", 0) == 4.0 / 6.0);
	ck_assert(stat(m, r, "passes", 0) == 4);
	ck_assert(stat(m, r, "fails", 0) == 2);
	ck_assert(stat(m, t, "avg", 0) == 200);
	ck_assert(stat(m, t, "min", 0) == 100);
	ck_assert(stat(m, t, "max", 0) == 300);
	ck_assert(stat(m, t, "med", 0) == 200);
	ck_assert(stat(m, t, "count", 0) == 2);
	ck_assert(stat(m, t, "p(90)", 0) == 100 + 200 * 0.9);
	ck_assert(stat(m, K6C__M_DATA_RECEIVED, "count", 0) == 2000);
	ck_assert(stat(m, K6C__M_DATA_RECEIVED, "rate", 500) == 4000);
	ck_assert(stat(m, K6C__M_DATA_RECEIVED, "rate", 0) == 0);

	double v;
	ck_assert_int_eq(k6c__metrics_stat(m, K6C__M_DATA_RECEIVED, "p(95)", 0, &v), K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_stat(m, g, "rate", 0, &v), K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_stat(m, t, "value", 0, &v), K6C_EINVAL);
	ck_assert_int_eq(k6c__metrics_stat(m, 9999, "count", 0, &v), K6C_ENOTFOUND);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_aggregate__submetrics)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s = NULL;
	int both;
	ck_assert_int_eq(k6c__metrics_add_submetric(m,
		"http_req_duration{status:200,method:'GET'}", &both), 0);
	int expected = k6c__metrics_find(m, "http_req_duration{expected_response:true}");
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	ck_assert_int_eq(k6c__metrics_start(m), 0);

	add1(s, K6C__M_HTTP_REQ_DURATION, 10, "expected_response", "true", "status", "200",
		"method", "GET", NULL);
	add1(s, K6C__M_HTTP_REQ_DURATION, 20, "method", "POST", "status", "200",
		"expected_response", "true", NULL);
	add1(s, K6C__M_HTTP_REQ_DURATION, 30, "expected_response", "true", NULL);
	add1(s, K6C__M_HTTP_REQ_DURATION, 100, "expected_response", "false", "status", "500",
		"method", "GET", NULL);
	add1(s, K6C__M_HTTP_REQ_DURATION, 200, "status", "200", "method", "GET", NULL);
	/* The tag on another metric does not feed this submetric. */
	add1(s, K6C__M_HTTP_REQ_WAITING, 1000, "expected_response", "true", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	ck_assert_uint_eq(k6c__metrics_sample_count(m, K6C__M_HTTP_REQ_DURATION), 5);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, expected), 3);
	ck_assert(stat(m, expected, "avg", 0) == 20);
	ck_assert(stat(m, expected, "max", 0) == 30);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, both), 2);
	ck_assert(stat(m, both, "min", 0) == 10);
	ck_assert(stat(m, both, "max", 0) == 200);
	k6c__metrics_free(m);
}
END_TEST

/* ---- the summary ------------------------------------------------------- */

/* The samples behind the golden summary: 10 s of a small test. */
static k6c__metrics *summary_fixture(void)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s = NULL;
	int mc, mg, mr, mt;

	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__TREND, K6C__CONTAINS_DEFAULT, &mt), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_counter", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &mc), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_gauge", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &mg), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_rate", K6C__RATE, K6C__CONTAINS_DEFAULT, &mr), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);

	for (int i = 0; i < 40; i++)
		add1(s, K6C__M_CHECKS, 1, "check", "status is 200", "group", "", NULL);
	for (int i = 0; i < 40; i++)
		add1(s, K6C__M_CHECKS, i % 20 == 7 ? 0 : 1, "group", "::api", "check", "body has token",
			NULL);
	add1(s, K6C__M_GROUP_DURATION, 12, "group", "::api::nested", NULL);
	add1(s, K6C__M_GROUP_DURATION, 50, "group", "::api", NULL);

	add1(s, mt, 10, NULL);
	add1(s, mt, 20, NULL);
	add1(s, mc, 3.5, NULL);
	add1(s, mc, 1.5, NULL);
	add1(s, mg, 3, NULL);
	add1(s, mg, 1, NULL);
	add1(s, mg, 2, NULL);
	add1(s, mr, 1, NULL);
	add1(s, mr, 0, NULL);
	add1(s, mr, 1, NULL);
	add1(s, mr, 1, NULL);

	/* One request that met expectations and one that did not. */
	int ids[4] = { K6C__M_HTTP_REQS, K6C__M_HTTP_REQ_FAILED, K6C__M_HTTP_REQ_DURATION,
		K6C__M_HTTP_REQ_WAITING };
	double ok[4] = { 1, 0, 98.1, 90 }, bad[4] = { 1, 1, 480.9, 470 };
	k6c__tag tok[2] = { { "status", "200" }, { "expected_response", "true" } };
	k6c__tag tbad[2] = { { "status", "503" }, { "expected_response", "false" } };
	k6c__samples_add(s, k6c__wall_us(), tok, 2, ids, ok, 4);
	k6c__samples_add(s, k6c__wall_us(), tbad, 2, ids, bad, 4);

	add1(s, K6C__M_ITERATION_DURATION, 1090, NULL);
	add1(s, K6C__M_ITERATION_DURATION, 1480, NULL);
	add1(s, K6C__M_ITERATIONS, 1, NULL);
	add1(s, K6C__M_ITERATIONS, 1, NULL);
	add1(s, K6C__M_VUS, 5, NULL);
	add1(s, K6C__M_VUS, 5, NULL);
	add1(s, K6C__M_VUS_MAX, 5, NULL);
	add1(s, K6C__M_DATA_RECEIVED, 512000, NULL);
	add1(s, K6C__M_DATA_SENT, 4200, NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	return m;
}

static const char golden_total[] =
	"\n"
	"  █ TOTAL RESULTS \n"
	"\n"
	"    checks_total.......: 80     8/s\n"
	"    checks_succeeded...: 97.50% 78 out of 80\n"
	"    checks_failed......: 2.50%  2 out of 80\n"
	"\n"
	"    ✓ status is 200\n"
	"    ✗ body has token\n"
	"      ↳  95% — ✓ 38 / ✗ 2\n"
	"\n"
	"    CUSTOM\n"
	"    my_counter.....................: 5      0.5/s\n"
	"    my_gauge.......................: 2      min=1      max=3\n"
	"    my_rate........................: 75.00% 3 out of 4\n"
	"    my_trend.......................: avg=15      min=10     med=15      max=20      p(90)=19       p(95)=19.5    \n"
	"\n"
	"    HTTP\n"
	"    http_req_duration..............: avg=289.5ms min=98.1ms med=289.5ms max=480.9ms p(90)=442.62ms p(95)=461.76ms\n"
	"      { expected_response:true }...: avg=98.1ms  min=98.1ms med=98.1ms  max=98.1ms  p(90)=98.1ms   p(95)=98.1ms  \n"
	"    http_req_failed................: 50.00% 1 out of 2\n"
	"    http_reqs......................: 2      0.2/s\n"
	"\n"
	"    EXECUTION\n"
	"    iteration_duration.............: avg=1.28s   min=1.09s  med=1.28s   max=1.48s   p(90)=1.44s    p(95)=1.46s   \n"
	"    iterations.....................: 2      0.2/s\n"
	"    vus............................: 5      min=5      max=5\n"
	"    vus_max........................: 5      min=5      max=5\n"
	"\n"
	"    NETWORK\n"
	"    data_received..................: 512 kB 51 kB/s\n"
	"    data_sent......................: 4.2 kB 420 B/s\n"
	"\n";

/* ---- tag-set cardinality ------------------------------------------------ */

typedef struct warn_log {
	int n;
	char last[512];
} warn_log;

static void capture_log(int level, const char *msg, void *arg)
{
	warn_log *w = arg;
	ck_assert_int_eq(level, 2 /* K6C_LOG_WARN */);
	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

/* Distinct tag sets are counted per metric, whatever the tags' order or
 * repeats; the warning comes once, for the metric that passed the limit,
 * and never with the counting off. */
START_TEST(test_metrics_tag_sets__count_and_warn_once)
{
	warn_log w = { 0, "" };
	k6c__metrics_config cfg = { .log = capture_log, .log_arg = &w };
	k6c__metrics *m = new_metrics(&cfg);
	k6c__samples *s;
	char url[32];
	int mine;

	ck_assert_int_eq(k6c__metrics_register(m, "mine", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &mine), 0);
	k6c__metrics_set_tag_sets_warn(m, 5);
	ck_assert_int_eq(k6c__metrics_start(m), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 12; i++) {
			snprintf(url, sizeof(url), "/item/%d", i);
			/* Same set, other order every other round. */
			if (round % 2)
				add1(s, K6C__M_HTTP_REQS, 1, "url", url, "method", "GET", NULL);
			else
				add1(s, K6C__M_HTTP_REQS, 1, "method", "GET", "url", url, NULL);
		}
		for (int i = 0; i < 4; i++)
			add1(s, mine, 1, "k", i % 2 ? "a" : "b", NULL);
		k6c__samples_flush(s);
	}
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	ck_assert_uint_eq(k6c__metrics_tag_sets(m, K6C__M_HTTP_REQS), 12);
	ck_assert_uint_eq(k6c__metrics_tag_sets(m, mine), 2);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, K6C__M_HTTP_REQS), 36);
	ck_assert_int_eq(w.n, 1);
	ck_assert_msg(strstr(w.last, "metric 'http_reqs' has passed 5 distinct tag sets") != NULL,
		"warning: %s", w.last);
	k6c__metrics_free(m);

	/* Off: nothing counted, nothing said. */
	memset(&w, 0, sizeof(w));
	m = new_metrics(&cfg);
	ck_assert_int_eq(k6c__metrics_start(m), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	for (int i = 0; i < 12; i++) {
		snprintf(url, sizeof(url), "/item/%d", i);
		add1(s, K6C__M_HTTP_REQS, 1, "url", url, NULL);
	}
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	ck_assert_uint_eq(k6c__metrics_tag_sets(m, K6C__M_HTTP_REQS), 0);
	ck_assert_int_eq(w.n, 0);
	k6c__metrics_free(m);
}
END_TEST


START_TEST(test_metrics_summary__text_golden)
{
	k6c__metrics *m = summary_fixture();
	k6c__summary_opts opts = { 0 };
	k6c__buf out = K6C__BUF_INIT;

	opts.test_duration_ms = 10000;
	opts.no_color = true;
	ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &out), 0);
	ck_assert_msg(strcmp(out.ptr, golden_total) == 0, "got:\n%s\nwant:\n%s", out.ptr, golden_total);

	/* With thresholds: the block comes first, submetrics under their parent. */
	k6c__summary_threshold th[] = {
		{ "http_req_failed", "rate<0.01", false },
		{ "http_req_duration", "p(95)<500", true },
		{ "http_req_duration{expected_response:true}", " p(99) < 300 ", true },
		{ "http_reqs", "count>1", true },
		{ "http_reqs", "rate>1", false },
		{ "dropped_iterations", "count<1", true },
	};
	opts.thresholds = th;
	opts.nthresholds = K6C__ARRAY_LEN(th);
	k6c__buf_clear(&out);
	ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &out), 0);
	static const char golden_thresholds[] =
		"\n"
		"  █ THRESHOLDS \n"
		"\n"
		"    dropped_iterations\n"
		"    ✓ 'count<1' count=0\n"
		"\n"
		"    http_req_duration\n"
		"    ✓ 'p(95)<500' p(95)=461.76ms\n"
		"\n"
		"      {expected_response:true}\n"
		"      ✓ 'p(99) < 300' p(99)=98.1ms\n"
		"\n"
		"    http_req_failed\n"
		"    ✗ 'rate<0.01' rate=50.00%\n"
		"\n"
		"    http_reqs\n"
		"    ✓ 'count>1' count=2\n"
		"    ✗ 'rate>1' rate=0.2/s\n"
		"\n"
		"\n"
		"  █ TOTAL RESULTS \n";
	ck_assert_msg(strncmp(out.ptr, golden_thresholds, strlen(golden_thresholds)) == 0,
		"got:\n%s", out.ptr);
	/* A thresholded metric without samples shows up in its section. */
	ck_assert_ptr_nonnull(strstr(out.ptr, "    dropped_iterations.............: 0      0/s\n"));

	/* Colours unless no_color. */
	opts.no_color = false;
	opts.thresholds = NULL;
	opts.nthresholds = 0;
	k6c__buf_clear(&out);
	ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.ptr, "  █ \x1b[1mTOTAL RESULTS\x1b[0m \n"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "\x1b[32m✓ status is 200\x1b[0m"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "    http_reqs\x1b[2;37m......................:\x1b[0m "
		"\x1b[36m2\x1b[0m      \x1b[2;36m0.2/s\x1b[0m\n"));

	/* Bad options. */
	const char *stats[] = { "avg", "p(200)" };
	opts.trend_stats = stats;
	opts.ntrend_stats = 2;
	ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &out), K6C_EINVAL);
	opts.ntrend_stats = 1;
	opts.time_unit = "h";
	ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &out), K6C_EINVAL);
	k6c__buf_free(&out);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_summary__humanize)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s = NULL;
	static const struct { const char *name; double v; const char *autounit, *ms, *sec, *us; } t[] = {
		{ "t_zero", 0, "avg=0s", "avg=0.00ms", "avg=0.00s", "avg=0.00µs" },
		{ "t_ns", 0.0005, "avg=500ns", "avg=0.00ms", "avg=0.00s", "avg=0.50µs" },
		{ "t_us", 0.5, "avg=500µs", "avg=0.50ms", "avg=0.00s", "avg=500.00µs" },
		{ "t_frac_us", 0.12345, "avg=123.45µs", "avg=0.12ms", "avg=0.00s", "avg=123.45µs" },
		{ "t_ms", 12.3456, "avg=12.34ms", "avg=12.35ms", "avg=0.01s", "avg=12345.60µs" },
		{ "t_tie", 0.125, "avg=125µs", "avg=0.13ms", "avg=0.00s", "avg=125.00µs" },
		{ "t_s", 1234.5, "avg=1.23s", "avg=1234.50ms", "avg=1.23s", "avg=1234500.00µs" },
		{ "t_min", 90500, "avg=1m30s", "avg=90500.00ms", "avg=90.50s", "avg=90500000.00µs" },
		{ "t_hour", 3723000, "avg=1h2m3s", "avg=3723000.00ms", "avg=3723.00s",
			"avg=3723000000.00µs" },
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(t); i++) {
		int id;
		ck_assert_int_eq(k6c__metrics_register(m, t[i].name, K6C__TREND, K6C__CONTAINS_TIME, &id), 0);
		ck_assert_int_eq(k6c__samples_new(m, &s), 0);
		add1(s, id, t[i].v, NULL);
		k6c__samples_free(s);
	}
	int small, big, plain, frac;
	ck_assert_int_eq(k6c__metrics_register(m, "d_small", K6C__COUNTER, K6C__CONTAINS_DATA, &small), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "d_big", K6C__COUNTER, K6C__CONTAINS_DATA, &big), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "plain", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &plain), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "frac", K6C__RATE, K6C__CONTAINS_DEFAULT, &frac), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add1(s, small, 5, NULL);
	add1(s, big, 2500000, NULL);
	add1(s, plain, 1.0 / 3.0, NULL);
	add1(s, frac, 1, NULL);
	add1(s, frac, 0, NULL);
	add1(s, frac, 0, NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	const char *stats[] = { "avg" };
	const char *units[] = { NULL, "ms", "s", "us" };
	for (size_t u = 0; u < 4; u++) {
		k6c__summary_opts opts = { 0 };
		k6c__buf out = K6C__BUF_INIT;
		opts.trend_stats = stats;
		opts.ntrend_stats = 1;
		opts.time_unit = units[u];
		opts.test_duration_ms = 1000;
		opts.no_color = true;
		ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &out), 0);
		for (size_t i = 0; i < K6C__ARRAY_LEN(t); i++) {
			const char *want = u == 0 ? t[i].autounit : u == 1 ? t[i].ms : u == 2 ? t[i].sec : t[i].us;
			char line[200];
			snprintf(line, sizeof(line), "%s.", t[i].name);
			const char *at = strstr(out.ptr, line);
			ck_assert_ptr_nonnull(at);
			const char *val = strstr(at, ": ");
			ck_assert_msg(val != NULL && strncmp(val + 2, want, strlen(want)) == 0 &&
				(val[2 + strlen(want)] == ' ' || val[2 + strlen(want)] == '\n'),
				"%s with unit %s: want %s in %.60s", t[i].name, units[u] ? units[u] : "auto",
				want, at);
		}
		/* Values pad to the widest one ("0.333333"). */
		ck_assert_ptr_nonnull(strstr(out.ptr, ": 5 B      5 B/s\n"));
		ck_assert_ptr_nonnull(strstr(out.ptr, ": 2.5 MB   2.5 MB/s\n"));
		ck_assert_ptr_nonnull(strstr(out.ptr, ": 0.333333 min=0.333333 max=0.333333\n"));
		/* Percentages are truncated, not rounded. */
		ck_assert_ptr_nonnull(strstr(out.ptr, ": 33.33%   1 out of 3\n"));
		k6c__buf_free(&out);
	}
	k6c__metrics_free(m);
}
END_TEST

static const k6c__json *jget(const k6c__json *o, const char *key)
{
	const k6c__json *v = k6c__json_get(o, key);
	ck_assert_msg(v != NULL, "missing key %s", key);
	return v;
}

static double jnum(const k6c__json *o, const char *key)
{
	const k6c__json *v = jget(o, key);
	ck_assert_int_eq(v->type, K6C__JSON_NUMBER);
	return v->number;
}

static const char *jstr(const k6c__json *o, const char *key)
{
	const k6c__json *v = jget(o, key);
	ck_assert_int_eq(v->type, K6C__JSON_STRING);
	return v->string;
}

START_TEST(test_metrics_summary__json)
{
	k6c__metrics *m = summary_fixture();
	k6c__summary_opts opts = { 0 };
	k6c__buf out = K6C__BUF_INIT;
	k6c__json *doc = NULL;
	k6c__summary_threshold th[] = { { "http_req_failed", "rate<0.01", false },
		{ "http_req_failed", "rate<0.9", true } };

	opts.test_duration_ms = 10000;
	opts.thresholds = th;
	opts.nthresholds = 2;
	ck_assert_int_eq(k6c__metrics_summary_json(m, &opts, &out), 0);
	ck_assert_msg(k6c__json_parse(&doc, out.ptr, out.len) == 0, "%s", out.ptr);

	const k6c__json *root = jget(doc, "root_group");
	ck_assert_str_eq(jstr(root, "name"), "");
	ck_assert_str_eq(jstr(root, "path"), "");
	ck_assert_str_eq(jstr(root, "id"), "d41d8cd98f00b204e9800998ecf8427e");
	const k6c__json *checks = jget(root, "checks");
	ck_assert_uint_eq(checks->len, 1);
	ck_assert_str_eq(jstr(checks->items[0], "name"), "status is 200");
	ck_assert_str_eq(jstr(checks->items[0], "path"), "::status is 200");
	ck_assert_str_eq(jstr(checks->items[0], "id"), "6210a8cd14cd70477eba5c5e4cb3fb5f");
	ck_assert(jnum(checks->items[0], "passes") == 40);
	ck_assert(jnum(checks->items[0], "fails") == 0);
	const k6c__json *groups = jget(root, "groups");
	ck_assert_uint_eq(groups->len, 1);
	const k6c__json *api = groups->items[0];
	ck_assert_str_eq(jstr(api, "name"), "api");
	ck_assert_str_eq(jstr(api, "path"), "::api");
	ck_assert_str_eq(jstr(api, "id"), "e6550cde192dbabccfbb3b1bac03a92a");
	const k6c__json *ac = jget(api, "checks");
	ck_assert_uint_eq(ac->len, 1);
	ck_assert_str_eq(jstr(ac->items[0], "path"), "::api::body has token");
	ck_assert_str_eq(jstr(ac->items[0], "id"), "1964a2971b66f45ba2b0a0e1c40e8e50");
	ck_assert(jnum(ac->items[0], "passes") == 38);
	ck_assert(jnum(ac->items[0], "fails") == 2);
	const k6c__json *nested = jget(api, "groups");
	ck_assert_uint_eq(nested->len, 1);
	ck_assert_str_eq(jstr(nested->items[0], "name"), "nested");
	ck_assert_str_eq(jstr(nested->items[0], "id"), "7bc7ae5cf327bfe67ba39c0598361516");
	ck_assert_uint_eq(jget(nested->items[0], "checks")->len, 0);

	const k6c__json *o = jget(doc, "options");
	ck_assert_uint_eq(jget(o, "summaryTrendStats")->len, 6);
	ck_assert_str_eq(jget(o, "summaryTrendStats")->items[4]->string, "p(90)");
	ck_assert_str_eq(jstr(o, "summaryTimeUnit"), "");
	ck_assert_int_eq(jget(o, "noColor")->type, K6C__JSON_BOOL);
	const k6c__json *st = jget(doc, "state");
	ck_assert(jget(st, "isStdOutTTY")->boolean == false);
	ck_assert(jnum(st, "testRunDurationMs") == 10000);

	const k6c__json *ms = jget(doc, "metrics");
	const k6c__json *reqs = jget(ms, "http_reqs");
	ck_assert_str_eq(jstr(reqs, "type"), "counter");
	ck_assert_str_eq(jstr(reqs, "contains"), "default");
	ck_assert(jnum(jget(reqs, "values"), "count") == 2);
	ck_assert(jnum(jget(reqs, "values"), "rate") == 0.2);
	ck_assert_ptr_null(k6c__json_get(reqs, "thresholds"));
	const k6c__json *sub = jget(ms, "http_req_duration{expected_response:true}");
	ck_assert_str_eq(jstr(sub, "contains"), "time");
	ck_assert(jnum(jget(sub, "values"), "p(95)") == 98.1);
	ck_assert(jnum(jget(sub, "values"), "avg") == 98.1);
	const k6c__json *dur = jget(jget(ms, "http_req_duration"), "values");
	ck_assert(jnum(dur, "med") == 289.5);
	ck_assert(jnum(dur, "min") == 98.1);
	ck_assert(jnum(dur, "max") == 480.9);
	const k6c__json *rate = jget(jget(ms, "my_rate"), "values");
	ck_assert(jnum(rate, "rate") == 0.75);
	ck_assert(jnum(rate, "passes") == 3);
	ck_assert(jnum(rate, "fails") == 1);
	const k6c__json *gauge = jget(jget(ms, "my_gauge"), "values");
	ck_assert(jnum(gauge, "value") == 2);
	ck_assert(jnum(gauge, "min") == 1);
	ck_assert(jnum(gauge, "max") == 3);
	ck_assert(jnum(jget(jget(ms, "checks"), "values"), "rate") == 78.0 / 80.0);
	ck_assert(jnum(jget(jget(ms, "data_received"), "values"), "count") == 512000);
	ck_assert_str_eq(jstr(jget(ms, "data_received"), "contains"), "data");
	/* Everything with samples is there, even what the text leaves out. */
	ck_assert(jnum(jget(jget(ms, "group_duration"), "values"), "max") == 50);
	ck_assert(jnum(jget(jget(ms, "http_req_waiting"), "values"), "max") == 470);
	ck_assert_ptr_null(k6c__json_get(ms, "dropped_iterations"));
	const k6c__json *failed = jget(ms, "http_req_failed");
	const k6c__json *ths = jget(failed, "thresholds");
	ck_assert(jget(jget(ths, "rate<0.01"), "ok")->boolean == false);
	ck_assert(jget(jget(ths, "rate<0.9"), "ok")->boolean == true);

	k6c__json_free(doc);
	k6c__buf_free(&out);
	k6c__metrics_free(m);
}
END_TEST

/* ---- system tags and metadata ------------------------------------------ */

/* What on_samples saw: one line per sample, "metric|k=v,...|k=v,...", and
 * the tag and metadata arrays' addresses (interned tag sets are shared). */
#define SEEN_MAX 64
typedef struct seen_views {
	char lines[SEEN_MAX][256];
	const k6c__tag *tags[SEEN_MAX];
	const k6c__tag *md[SEEN_MAX];
	size_t n;
} seen_views;

static void capture_views(const k6c__sample_view *v, size_t n, void *arg)
{
	seen_views *sv = arg;

	for (size_t i = 0; i < n && sv->n < SEEN_MAX; i++) {
		char *l = sv->lines[sv->n];
		size_t len = (size_t)snprintf(l, 256, "%d|", v[i].metric);
		for (size_t k = 0; k < v[i].ntags; k++)
			len += (size_t)snprintf(l + len, 256 - len, "%s%s=%s", k ? "," : "",
				v[i].tags[k].key, v[i].tags[k].value);
		len += (size_t)snprintf(l + len, 256 - len, "|");
		for (size_t k = 0; k < v[i].nmetadata; k++)
			len += (size_t)snprintf(l + len, 256 - len, "%s%s=%s", k ? "," : "",
				v[i].metadata[k].key, v[i].metadata[k].value);
		ck_assert_uint_lt(len, 256);
		ck_assert((v[i].metadata == NULL) == (v[i].nmetadata == 0));
		sv->tags[sv->n] = v[i].tags;
		sv->md[sv->n] = v[i].metadata;
		sv->n++;
	}
}

START_TEST(test_metrics_systags__names)
{
	ck_assert_uint_eq(k6c__system_tag_bit("proto"), K6C__TAG_PROTO);
	ck_assert_uint_eq(k6c__system_tag_bit("expected_response"), K6C__TAG_EXPECTED_RESPONSE);
	ck_assert_uint_eq(k6c__system_tag_bit("ocsp_status"), K6C__TAG_OCSP_STATUS);
	ck_assert_uint_eq(k6c__system_tag_bit("Status"), 0);
	ck_assert_uint_eq(k6c__system_tag_bit("mine"), 0);
	ck_assert_uint_eq(k6c__system_tag_bit(NULL), 0);
	uint32_t all = 0;
	for (unsigned i = 0; k6c__system_tag_name(i) != NULL; i++) {
		ck_assert_uint_eq(k6c__system_tag_bit(k6c__system_tag_name(i)), 1u << i);
		all |= 1u << i;
	}
	ck_assert_uint_eq(all, (1u << K6C__SYSTEM_TAG_COUNT) - 1);
	/* k6's default set: everything but vu, iter, ip and ocsp_status. */
	ck_assert_uint_eq(K6C__SYSTEM_TAGS_DEFAULT & (K6C__TAG_VU | K6C__TAG_ITER | K6C__TAG_IP |
		K6C__TAG_OCSP_STATUS), 0);
	ck_assert(K6C__SYSTEM_TAGS_DEFAULT & K6C__TAG_SERVICE);
	k6c__metrics *m = new_metrics(NULL);
	ck_assert_uint_eq(k6c__metrics_system_tags(m), K6C__SYSTEM_TAGS_DEFAULT);
	ck_assert(!k6c__metrics_wants_metadata(m));
	k6c__metrics_set_system_tags(m, K6C__TAG_URL);
	ck_assert_uint_eq(k6c__metrics_system_tags(m), K6C__TAG_URL);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_systags__filtered_once_per_tag_set)
{
	seen_views sv;
	k6c__metrics_config cfg = { 0 };
	k6c__samples *s = NULL;
	int by_status, by_method;

	memset(&sv, 0, sizeof(sv));
	cfg.on_samples = capture_views;
	cfg.on_samples_arg = &sv;
	k6c__metrics *m = new_metrics(&cfg);
	ck_assert(k6c__metrics_wants_metadata(m));
	k6c__metrics_set_system_tags(m, K6C__SYSTEM_TAGS_DEFAULT & ~(K6C__TAG_STATUS | K6C__TAG_URL));
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{status:200}", &by_status), 0);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "http_reqs{method:GET}", &by_method), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);

	add1(s, K6C__M_HTTP_REQS, 1, "status", "200", "method", "GET", "url", "http://a/1",
		"mine", "x", NULL);
	add1(s, K6C__M_HTTP_REQS, 1, "url", "http://a/2", "status", "404", "method", "GET",
		"mine", "x", NULL);
	add1(s, K6C__M_HTTP_REQS, 1, "status", "200", "method", "POST", NULL);
	/* Opt-in names are not filtered: producers gate those themselves. */
	add1(s, K6C__M_HTTP_REQS, 1, "vu", "7", "ip", "127.0.0.1", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	ck_assert_uint_eq(sv.n, 4);
	ck_assert_str_eq(sv.lines[0], "9|method=GET,mine=x|");
	ck_assert_str_eq(sv.lines[1], "9|method=GET,mine=x|");
	ck_assert_str_eq(sv.lines[2], "9|method=POST|");
	ck_assert_str_eq(sv.lines[3], "9|ip=127.0.0.1,vu=7|");
	/* The first two differ only in disabled tags: one interned set. */
	ck_assert_ptr_eq(sv.tags[0], sv.tags[1]);
	ck_assert_ptr_ne(sv.tags[0], sv.tags[2]);
	/* As in k6, a submetric on a disabled tag never matches. */
	ck_assert_uint_eq(k6c__metrics_sample_count(m, K6C__M_HTTP_REQS), 4);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, by_status), 0);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, by_method), 2);
	k6c__metrics_free(m);

	/* The default mask filters nothing. */
	memset(&sv, 0, sizeof(sv));
	m = new_metrics(&cfg);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add1(s, K6C__M_HTTP_REQS, 1, "status", "200", "url", "http://a/1", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	ck_assert_uint_eq(sv.n, 1);
	ck_assert_str_eq(sv.lines[0], "9|status=200,url=http://a/1|");
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_systags__checks_and_groups_without_their_tags)
{
	seen_views sv;
	k6c__metrics_config cfg = { 0 };
	k6c__samples *s = NULL;
	k6c__buf out = K6C__BUF_INIT;
	k6c__json *doc = NULL;
	k6c__summary_opts opts = { 0 };

	memset(&sv, 0, sizeof(sv));
	cfg.on_samples = capture_views;
	cfg.on_samples_arg = &sv;
	k6c__metrics *m = new_metrics(&cfg);
	k6c__metrics_set_system_tags(m, K6C__TAG_SCENARIO);
	k6c__metrics_set_breakdown(m, true);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add1(s, K6C__M_CHECKS, 1, "group", "", "check", "root ok", "scenario", "default", NULL);
	add1(s, K6C__M_CHECKS, 1, "group", "::api", "check", "api ok", "scenario", "default", NULL);
	add1(s, K6C__M_CHECKS, 0, "group", "::api", "check", "api ok", "scenario", "default", NULL);
	add1(s, K6C__M_CHECKS, 1, "group", "::api::inner", "check", "api ok", "scenario", "default",
		NULL);
	add1(s, K6C__M_GROUP_DURATION, 5, "group", "::api", "scenario", "default", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	/* Outputs see neither tag... */
	ck_assert_uint_eq(sv.n, 5);
	for (size_t i = 0; i < sv.n; i++)
		ck_assert_msg(strstr(sv.lines[i], "|scenario=default|") != NULL, "%s", sv.lines[i]);
	/* ...but sets of different groups or checks stay apart. */
	ck_assert_ptr_ne(sv.tags[0], sv.tags[1]);
	ck_assert_ptr_eq(sv.tags[1], sv.tags[2]);
	ck_assert_ptr_ne(sv.tags[2], sv.tags[3]);

	/* The summary's tree and checks are k6's, from the full tags. */
	opts.test_duration_ms = 1000;
	ck_assert_int_eq(k6c__metrics_summary_json(m, &opts, &out), 0);
	ck_assert_msg(k6c__json_parse(&doc, out.ptr, out.len) == 0, "%s", out.ptr);
	const k6c__json *root = jget(doc, "root_group");
	const k6c__json *checks = jget(root, "checks");
	ck_assert_uint_eq(checks->len, 1);
	ck_assert_str_eq(jstr(checks->items[0], "path"), "::root ok");
	ck_assert(jnum(checks->items[0], "passes") == 1);
	const k6c__json *api = jget(root, "groups")->items[0];
	ck_assert_str_eq(jstr(api, "path"), "::api");
	const k6c__json *ac = jget(api, "checks");
	ck_assert_uint_eq(ac->len, 1);
	ck_assert_str_eq(jstr(ac->items[0], "path"), "::api::api ok");
	ck_assert(jnum(ac->items[0], "passes") == 1);
	ck_assert(jnum(ac->items[0], "fails") == 1);
	const k6c__json *inner = jget(api, "groups")->items[0];
	ck_assert_str_eq(jstr(inner, "path"), "::api::inner");
	ck_assert_uint_eq(jget(inner, "checks")->len, 1);
	ck_assert(jnum(jget(jget(jget(doc, "metrics"), "checks"), "values"), "rate") == 0.75);
	k6c__json_free(doc);
	doc = NULL;
	/* So are the full summary's group blocks. */
	k6c__buf_clear(&out);
	ck_assert_int_eq(k6c__metrics_summary_breakdown_json(m, &opts, &out), 0);
	ck_assert_msg(k6c__json_parse(&doc, out.ptr, out.len) == 0, "%s", out.ptr);
	const k6c__json *bapi = jget(jget(doc, "groups"), "api");
	ck_assert_str_eq(jstr(jget(bapi, "checks")->items[0], "name"), "api ok");
	ck_assert(jnum(jget(bapi, "checks")->items[0], "fails") == 1);
	ck_assert_ptr_nonnull(k6c__json_get(jget(bapi, "groups"), "inner"));
	k6c__json_free(doc);
	k6c__buf_free(&out);
	k6c__metrics_free(m);
}
END_TEST

START_TEST(test_metrics_systags__metadata_passes_through)
{
	seen_views sv;
	k6c__metrics_config cfg = { 0 };
	k6c__samples *s = NULL;
	const int ids[2] = { K6C__M_ITERATIONS, K6C__M_ITERATION_DURATION };
	const double vals[2] = { 1, 12.5 };
	const k6c__tag tags[1] = { { "scenario", "default" } };
	const k6c__tag md1[3] = { { "vu", "1" }, { "iter", "0" }, { "trace_id", "abc" } };
	const k6c__tag md2[2] = { { "vu", "2" }, { "iter", "41" } };

	memset(&sv, 0, sizeof(sv));
	cfg.on_samples = capture_views;
	cfg.on_samples_arg = &sv;
	k6c__metrics *m = new_metrics(&cfg);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	k6c__samples_add_md(s, k6c__wall_us(), tags, 1, md1, 3, ids, vals, 2);
	k6c__samples_add_md(s, k6c__wall_us(), tags, 1, md2, 2, ids, vals, 2);
	k6c__samples_add(s, k6c__wall_us(), tags, 1, ids, vals, 1);
	k6c__samples_add_md(s, k6c__wall_us(), tags, 1, NULL, 5, ids, vals, 1);
	/* Two batches: the views' metadata array is reused. */
	k6c__samples_flush(s);
	k6c__samples_add_md(s, k6c__wall_us(), tags, 1, md2, 1, ids, vals, 1);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	ck_assert_uint_eq(sv.n, 7);
	ck_assert_str_eq(sv.lines[0], "2|scenario=default|vu=1,iter=0,trace_id=abc");
	ck_assert_str_eq(sv.lines[1], "3|scenario=default|vu=1,iter=0,trace_id=abc");
	ck_assert_str_eq(sv.lines[2], "2|scenario=default|vu=2,iter=41");
	ck_assert_str_eq(sv.lines[3], "3|scenario=default|vu=2,iter=41");
	ck_assert_str_eq(sv.lines[4], "2|scenario=default|");
	ck_assert_str_eq(sv.lines[5], "2|scenario=default|");
	ck_assert_str_eq(sv.lines[6], "2|scenario=default|vu=2");
	ck_assert_ptr_eq(sv.md[0], sv.md[1]);
	ck_assert_ptr_ne(sv.md[1], sv.md[2]);
	/* Metadata makes no tag sets: every sample shares one. */
	for (size_t i = 1; i < sv.n; i++)
		ck_assert_ptr_eq(sv.tags[i], sv.tags[0]);
	/* ...and is not aggregated. */
	ck_assert(stat(m, K6C__M_ITERATIONS, "count", 0) == 5);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, K6C__M_ITERATION_DURATION), 2);
	ck_assert_uint_eq(k6c__metrics_dropped(m), 0);
	k6c__metrics_free(m);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_metrics_registry__builtins);
	tcase_add_test(tc, test_metrics_registry__custom);
	tcase_add_test(tc, test_metrics_registry__submetric_syntax);
	tcase_add_test(tc, test_metrics_registry__check_stat);
	tcase_add_test(tc, test_metrics_aggregate__concurrent_producers);
	tcase_add_test(tc, test_metrics_aggregate__flush_contract);
	tcase_add_test(tc, test_metrics_aggregate__types);
	tcase_add_test(tc, test_metrics_aggregate__submetrics);
	tcase_add_test(tc, test_metrics_tag_sets__count_and_warn_once);
	tcase_add_test(tc, test_metrics_summary__text_golden);
	tcase_add_test(tc, test_metrics_summary__humanize);
	tcase_add_test(tc, test_metrics_summary__json);
	tcase_add_test(tc, test_metrics_systags__names);
	tcase_add_test(tc, test_metrics_systags__filtered_once_per_tag_set);
	tcase_add_test(tc, test_metrics_systags__checks_and_groups_without_their_tags);
	tcase_add_test(tc, test_metrics_systags__metadata_passes_through);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
