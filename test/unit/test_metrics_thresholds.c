/*
 * test_metrics_thresholds.c - k6 thresholds: the expression grammar (valid
 * and invalid, with the messages), Go's float syntax, the aggregations each
 * metric type allows, the option's JSON shape, validation against the
 * registry (unknown metrics, submetrics with quotes and spaces), evaluation
 * on known samples, empty sinks and absent aggregates, abortOnFail with
 * delayAbortEval, and the periodic evaluation on the aggregation thread.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"
#include "metrics/thresholds.h"
#include "util/util.h"

static k6c__metrics *new_metrics(const k6c__metrics_config *cfg)
{
	k6c__metrics *m = NULL;
	ck_assert_int_eq(k6c__metrics_new(&m, cfg), 0);
	return m;
}

static k6c__thresholds *parse_ok(const char *json)
{
	k6c__thresholds *th = NULL;
	int rc = k6c__thresholds_parse(&th, json, strlen(json));
	ck_assert_msg(rc == 0, "parse %s: %s", json, rc ? k6c_error_last()->message : "");
	ck_assert_ptr_nonnull(th);
	return th;
}

/* Parses json, which must fail with code and a message holding every
 * fragment given (NULL-terminated). */
static void parse_fails(const char *json, int code, ...)
{
	/* Not NULL, to see that a failed parse clears it. */
	k6c__thresholds *th = (k6c__thresholds *)&th;
	va_list ap;
	const char *want;

	int rc = k6c__thresholds_parse(&th, json, strlen(json));
	ck_assert_msg(rc == code, "parse %s returned %d, expected %d", json, rc, code);
	ck_assert_ptr_null(th);
	va_start(ap, code);
	while ((want = va_arg(ap, const char *)) != NULL)
		ck_assert_msg(strstr(k6c_error_last()->message, want) != NULL,
			"parse %s: message \"%s\" lacks \"%s\"", json, k6c_error_last()->message,
			want);
	va_end(ap);
}

/* Adds samples that share one tag set: tags as key, value, ..., NULL. */
static void add_tagged(k6c__samples *s, int metric, const double *values, size_t n, ...)
{
	k6c__tag tags[4];
	size_t nt = 0;
	const char *k;
	va_list ap;

	va_start(ap, n);
	while ((k = va_arg(ap, const char *)) != NULL && nt < 4) {
		tags[nt].key = k;
		tags[nt].value = va_arg(ap, const char *);
		nt++;
	}
	va_end(ap);
	for (size_t i = 0; i < n; i++)
		k6c__samples_add(s, k6c__wall_us(), tags, nt, &metric, &values[i], 1);
}

static const k6c__summary_threshold *result(const k6c__thresholds *th, size_t i)
{
	size_t n;
	const k6c__summary_threshold *r = k6c__thresholds_results(th, &n);
	ck_assert_uint_lt(i, n);
	return &r[i];
}

/* ---- the grammar ------------------------------------------------------- */

START_TEST(test_metrics_thresholds_expr__valid)
{
	static const struct {
		const char *src;
		k6c__threshold_agg agg;
		double pct;
		k6c__threshold_op op;
		double value;
	} cases[] = {
		{ "count>10", K6C__AGG_COUNT, 0, K6C__OP_GT, 10 },
		{ "rate<0.01", K6C__AGG_RATE, 0, K6C__OP_LT, 0.01 },
		{ "value!=0", K6C__AGG_VALUE, 0, K6C__OP_NE, 0 },
		{ "avg===5", K6C__AGG_AVG, 0, K6C__OP_EQ, 5 },
		{ "avg==5", K6C__AGG_AVG, 0, K6C__OP_EQ, 5 },
		{ "min>=-3", K6C__AGG_MIN, 0, K6C__OP_GE, -3 },
		{ "max<=7", K6C__AGG_MAX, 0, K6C__OP_LE, 7 },
		{ "med>1.5e2", K6C__AGG_MED, 0, K6C__OP_GT, 150 },
		{ " p(95) < 500 ", K6C__AGG_PERCENTILE, 95, K6C__OP_LT, 500 },
		{ "p(99.9)<=300", K6C__AGG_PERCENTILE, 99.9, K6C__OP_LE, 300 },
		{ "p(0)>=0", K6C__AGG_PERCENTILE, 0, K6C__OP_GE, 0 },
		{ "p(100)<1", K6C__AGG_PERCENTILE, 100, K6C__OP_LT, 1 },
		{ "p(1e1)<1", K6C__AGG_PERCENTILE, 10, K6C__OP_LT, 1 },
		{ "\tavg\n<\r2", K6C__AGG_AVG, 0, K6C__OP_LT, 2 },
		/* Go's TrimSpace also trims Unicode spaces (here U+00A0, U+3000). */
		{ "avg\xc2\xa0<\xe3\x80\x80\x32", K6C__AGG_AVG, 0, K6C__OP_LT, 2 },
		/* Go's ParseFloat syntax. */
		{ "avg<.5", K6C__AGG_AVG, 0, K6C__OP_LT, 0.5 },
		{ "avg<5.", K6C__AGG_AVG, 0, K6C__OP_LT, 5 },
		{ "avg<+5", K6C__AGG_AVG, 0, K6C__OP_LT, 5 },
		{ "avg<1_000", K6C__AGG_AVG, 0, K6C__OP_LT, 1000 },
		{ "avg<0x1p4", K6C__AGG_AVG, 0, K6C__OP_LT, 16 },
		{ "avg<0x_1.8p1", K6C__AGG_AVG, 0, K6C__OP_LT, 3 },
		{ "avg<1e-400", K6C__AGG_AVG, 0, K6C__OP_LT, 0 },
		{ "avg>-Inf", K6C__AGG_AVG, 0, K6C__OP_GT, -INFINITY },
		{ "avg<infinity", K6C__AGG_AVG, 0, K6C__OP_LT, INFINITY },
		/* The first operator in k6's order wins: "<=" before "<". */
		{ "avg<=5", K6C__AGG_AVG, 0, K6C__OP_LE, 5 },
		{ "avg>=5", K6C__AGG_AVG, 0, K6C__OP_GE, 5 },
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		k6c__threshold_expr e;
		int rc = k6c__threshold_expr_parse(cases[i].src, &e);
		ck_assert_msg(rc == 0, "\"%s\": %s", cases[i].src,
			rc ? k6c_error_last()->message : "");
		ck_assert_msg(e.agg == cases[i].agg, "\"%s\": agg %d", cases[i].src, e.agg);
		ck_assert_msg(e.op == cases[i].op, "\"%s\": op %d", cases[i].src, e.op);
		ck_assert_msg(e.value == cases[i].value, "\"%s\": value %g", cases[i].src, e.value);
		if (e.agg == K6C__AGG_PERCENTILE)
			ck_assert_msg(e.percentile == cases[i].pct, "\"%s\": p %g", cases[i].src,
				e.percentile);
	}

	/* "nan" is a number to Go (unsigned only), and compares false. */
	k6c__threshold_expr e;
	ck_assert_int_eq(k6c__threshold_expr_parse("avg<NaN", &e), 0);
	ck_assert(isnan(e.value));
}
END_TEST

START_TEST(test_metrics_thresholds_expr__invalid)
{
	static const struct {
		const char *src;
		const char *want1, *want2;
	} cases[] = {
		{ "count=10", "failed parsing threshold expression \"count=10\"",
			"malformed threshold expression" },
		{ "", "malformed threshold expression", NULL },
		{ "p(95) 500", "malformed threshold expression", NULL },
		{ "foo<10", "\"foo<10\" left hand side",
			"malformed threshold aggregation method \"foo\"" },
		{ "AVG<10", "aggregation method \"AVG\"", NULL },
		{ "<10", "aggregation method \"\"", NULL },
		{ "p(95<1", "aggregation method \"p(95\"", NULL },
		{ "p 95<1", "aggregation method \"p 95\"", NULL },
		{ "p(101)<1", "left hand side", "101 is not between 0 and 100" },
		{ "p(-1)<1", "-1 is not between 0 and 100", NULL },
		{ "p(NaN)<1", "NaN is not between 0 and 100", NULL },
		{ "p(Inf)<1", "Inf is not between 0 and 100", NULL },
		{ "p(abc)<1", "malformed percentile value", "parsing \"abc\": invalid syntax" },
		{ "p()<1", "parsing \"\": invalid syntax", NULL },
		{ "p( 95)<1", "parsing \" 95\": invalid syntax", NULL },
		{ "avg<", "\"avg<\" right hand side", "parsing \"\": invalid syntax" },
		{ "avg<abc", "right hand side", "invalid syntax" },
		{ "avg>>5", "parsing \">5\": invalid syntax", NULL },
		{ "avg<=<5", "parsing \"<5\": invalid syntax", NULL },
		{ "p(95) < 5 < 6", "parsing \"5 < 6\": invalid syntax", NULL },
		{ "avg<1e400", "right hand side", "value out of range" },
		{ "avg<0x10", "invalid syntax", NULL },
		{ "avg<1__0", "invalid syntax", NULL },
		{ "avg<_1", "invalid syntax", NULL },
		{ "avg<1_", "invalid syntax", NULL },
		{ "avg<1e", "invalid syntax", NULL },
		{ "avg<1.2.3", "invalid syntax", NULL },
		{ "avg<+nan", "invalid syntax", NULL },
		{ "avg<infin", "invalid syntax", NULL },
		{ "avg<5ms", "invalid syntax", NULL },
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		k6c__threshold_expr e;
		int rc = k6c__threshold_expr_parse(cases[i].src, &e);
		ck_assert_msg(rc == K6C_EINVAL, "\"%s\" parsed (%d)", cases[i].src, rc);
		const char *msg = k6c_error_last()->message;
		ck_assert_msg(strstr(msg, cases[i].want1) != NULL,
			"\"%s\": message \"%s\" lacks \"%s\"", cases[i].src, msg, cases[i].want1);
		if (cases[i].want2)
			ck_assert_msg(strstr(msg, cases[i].want2) != NULL,
				"\"%s\": message \"%s\" lacks \"%s\"", cases[i].src, msg,
				cases[i].want2);
	}
}
END_TEST

START_TEST(test_metrics_thresholds_expr__holds)
{
	k6c__threshold_expr e;

	ck_assert_int_eq(k6c__threshold_expr_parse("avg<5", &e), 0);
	ck_assert(k6c__threshold_expr_holds(&e, 4.99));
	ck_assert(!k6c__threshold_expr_holds(&e, 5));
	ck_assert(!k6c__threshold_expr_holds(&e, NAN));
	ck_assert_int_eq(k6c__threshold_expr_parse("avg<=5", &e), 0);
	ck_assert(k6c__threshold_expr_holds(&e, 5));
	ck_assert(!k6c__threshold_expr_holds(&e, 5.01));
	ck_assert_int_eq(k6c__threshold_expr_parse("avg>5", &e), 0);
	ck_assert(!k6c__threshold_expr_holds(&e, 5));
	ck_assert(k6c__threshold_expr_holds(&e, 6));
	ck_assert_int_eq(k6c__threshold_expr_parse("avg>=5", &e), 0);
	ck_assert(k6c__threshold_expr_holds(&e, 5));
	ck_assert(!k6c__threshold_expr_holds(&e, 4));
	ck_assert_int_eq(k6c__threshold_expr_parse("avg===5", &e), 0);
	ck_assert(k6c__threshold_expr_holds(&e, 5));
	ck_assert(!k6c__threshold_expr_holds(&e, 5.5));
	ck_assert_int_eq(k6c__threshold_expr_parse("avg!=5", &e), 0);
	ck_assert(!k6c__threshold_expr_holds(&e, 5));
	ck_assert(k6c__threshold_expr_holds(&e, NAN));
}
END_TEST

START_TEST(test_metrics_thresholds_agg__per_type)
{
	/* Rows: counter, gauge, rate, trend; columns in k6c__threshold_agg order:
	 * count rate value avg min max med p(N). */
	static const bool allowed[4][8] = {
		{ 1, 1, 0, 0, 0, 0, 0, 0 },
		{ 0, 0, 1, 0, 0, 0, 0, 0 },
		{ 0, 1, 0, 0, 0, 0, 0, 0 },
		{ 0, 0, 0, 1, 1, 1, 1, 1 },
	};

	for (int t = 0; t < 4; t++)
		for (int a = 0; a < 8; a++)
			ck_assert_msg(k6c__threshold_agg_allowed((k6c__metric_type)t,
					      (k6c__threshold_agg)a) == allowed[t][a],
				"type %d agg %d", t, a);

	/* Through bind, with k6's message listing what the type supports. */
	static const struct {
		const char *json, *want;
	} bad[] = {
		{ "{\"iterations\":[\"avg<5\"]}",
			"supported aggregation methods for this metric are: "
			"[count rate]" },
		{ "{\"vus\":[\"max<5\"]}",
			"unsupported aggregation method max on metric of type gauge" },
		{ "{\"checks\":[\"count>5\"]}", "[rate]" },
		{ "{\"http_req_duration\":[\"count>5\"]}", "[avg min max med p(N)]" },
		{ "{\"http_req_duration\":[\"rate>5\"]}", "method rate on metric of type trend" },
		{ "{\"vus\":[\"value<5\", \"p(95) < 5\"]}",
			"invalid threshold \"p(95) < 5\" applied on "
			"metric vus; reason: unsupported aggregation method p(95)" },
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		k6c__metrics *m = new_metrics(NULL);
		k6c__thresholds *th = parse_ok(bad[i].json);
		ck_assert_int_eq(k6c__thresholds_bind(th, m), K6C_ECONFIG);
		ck_assert_msg(strstr(k6c_error_last()->message, bad[i].want) != NULL,
			"%s: message \"%s\" lacks \"%s\"", bad[i].json, k6c_error_last()->message,
			bad[i].want);
		k6c__thresholds_free(th);
		k6c__metrics_free(m);
	}
}
END_TEST

/* ---- the option -------------------------------------------------------- */

START_TEST(test_metrics_thresholds_option__shapes)
{
	k6c__thresholds *th = parse_ok(
		"{\"http_req_duration\":[\"p(95)<500\",{\"threshold\":"
		"\"p(99)<1000\",\"abortOnFail\":true,\"delayAbortEval\":\"10s\"}],"
		"\"checks\":[{\"threshold\":\"rate>0.9\"}],\"vus\":[],\"iterations\":null}");
	ck_assert_uint_eq(k6c__thresholds_count(th), 3);
	ck_assert_str_eq(result(th, 0)->metric, "http_req_duration");
	ck_assert_str_eq(result(th, 0)->source, "p(95)<500");
	ck_assert_str_eq(result(th, 1)->source, "p(99)<1000");
	ck_assert_str_eq(result(th, 2)->metric, "checks");
	ck_assert(result(th, 0)->ok && result(th, 1)->ok && result(th, 2)->ok);
	ck_assert(!k6c__thresholds_failed(th));
	k6c__thresholds_free(th);

	/* A key given twice: the later one wins, as in a Go map. */
	th = parse_ok("{\"checks\":[\"rate>0\"],\"checks\":[\"rate<1\",\"rate<2\"]}");
	ck_assert_uint_eq(k6c__thresholds_count(th), 2);
	ck_assert_str_eq(result(th, 0)->source, "rate<1");
	k6c__thresholds_free(th);

	th = parse_ok("{}");
	ck_assert_uint_eq(k6c__thresholds_count(th), 0);
	k6c__thresholds_free(th);

	parse_fails("[]", K6C_ECONFIG, "invalid option \"thresholds\"", "expected an object", NULL);
	parse_fails("{\"checks\":", K6C_ECONFIG, "invalid option \"thresholds\"", NULL);
	parse_fails("{\"checks\":\"rate>0\"}", K6C_ECONFIG, "defined on checks",
		"expected an array", NULL);
	parse_fails("{\"checks\":[5]}", K6C_ECONFIG, "defined on checks", "expression string",
		NULL);
	parse_fails("{\"checks\":[{\"threshold\":5}]}", K6C_ECONFIG,
		"\"threshold\" must be a string", NULL);
	parse_fails("{\"checks\":[{\"abortOnFail\":true}]}", K6C_ECONFIG, "defined on checks",
		"malformed threshold expression", NULL);
	parse_fails("{\"checks\":[{\"threshold\":\"rate>0\",\"abortOnFail\":\"yes\"}]}",
		K6C_ECONFIG, "\"rate>0\" defined on checks", "abortOnFail", NULL);
	parse_fails("{\"checks\":[{\"threshold\":\"rate>0\",\"delayAbortEval\":\"soon\"}]}",
		K6C_ECONFIG, "delayAbortEval", NULL);
	parse_fails("{\"checks\":[{\"threshold\":\"rate>0\",\"delayAbortEval\":true}]}",
		K6C_ECONFIG, "delayAbortEval", NULL);
	/* The message names the metric and the expression. */
	parse_fails("{\"http_req_duration\":[\"p(95)<500\",\"p(95)<<500\"]}", K6C_ECONFIG,
		"invalid threshold defined on http_req_duration", "\"p(95)<<500\" right hand side",
		NULL);
	parse_fails("{\"my_trend{a:b}\":[\"mean<5\"]}", K6C_ECONFIG, "defined on my_trend{a:b}",
		"aggregation method \"mean\"", NULL);
}
END_TEST

START_TEST(test_metrics_thresholds_bind__metrics)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__thresholds *th;
	int id;

	/* A metric the registry does not know. */
	th = parse_ok("{\"checks\":[\"rate>0\"],\"my_counter\":[\"count>0\"]}");
	ck_assert_int_eq(k6c__thresholds_bind(th, m), K6C_ECONFIG);
	ck_assert_str_eq(k6c_error_last()->message,
		"invalid threshold defined on my_counter; "
		"reason: no metric name \"my_counter\" found");
	/* Not bound: nothing can be evaluated. */
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 1000, true), K6C_ESTATE);
	/* Once the script's init registered it, the same thresholds bind. */
	ck_assert_int_eq(
		k6c__metrics_register(m, "my_counter", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &id),
		0);
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	ck_assert_str_eq(result(th, 1)->metric, "my_counter");
	k6c__thresholds_free(th);

	/* Submetrics: of an unknown parent, and malformed ones. */
	static const struct {
		const char *json, *want;
	} bad[] = {
		{ "{\"nope{a:b}\":[\"count>0\"]}",
			"invalid threshold defined on nope{a:b}; reason: "
			"no metric name \"nope\" found" },
		{ "{\"http_reqs{status}\":[\"count>0\"]}",
			"invalid metric 'http_reqs{status}' in "
			"threshold definitions" },
		{ "{\"http_reqs{}\":[\"count>0\"]}", "tag expression is malformed" },
		{ "{\"http_reqs{a:b}x\":[\"count>0\"]}",
			"closing curly brace in its last position" },
		{ "{\"http_reqs}\":[\"count>0\"]}", "unmatched" },
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		th = parse_ok(bad[i].json);
		ck_assert_int_eq(k6c__thresholds_bind(th, m), K6C_ECONFIG);
		ck_assert_msg(strstr(k6c_error_last()->message, bad[i].want) != NULL,
			"%s: message \"%s\" lacks \"%s\"", bad[i].json, k6c_error_last()->message,
			bad[i].want);
		k6c__thresholds_free(th);
	}
	k6c__metrics_free(m);
}
END_TEST

/* A submetric key with spaces and quotes registers the submetric under its
 * canonical name; its aggregates fold exactly the matching samples. */
START_TEST(test_metrics_thresholds_bind__submetric_quotes)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s;
	k6c__thresholds *th;
	static const double one[] = { 1 }, two[] = { 1, 1 };
	int n0 = k6c__metrics_count(m);

	th = parse_ok(
		"{\"http_reqs{ status : '200' , method:\\\"GET\\\" }\":[\"count==2\"],"
		"\"http_reqs{method:GET,status:200}\":[\"count<3\"],"
		"\"http_req_duration{expected_response:true}\":[\"p(95)<500\"],"
		"\"http_reqs{group:::a::b}\":[\"count==1\"]}");
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	/* The first two keys are the same criteria (quotes and spaces are
	 * trimmed, order does not matter): one submetric, plus the group one;
	 * the expected_response submetric already existed. */
	ck_assert_int_eq(k6c__metrics_count(m), n0 + 2);
	ck_assert_str_eq(result(th, 0)->metric, "http_reqs{status : '200' , method:\"GET\"}");
	ck_assert_str_eq(result(th, 1)->metric, "http_reqs{status : '200' , method:\"GET\"}");
	ck_assert_str_eq(result(th, 2)->metric, "http_req_duration{expected_response:true}");
	ck_assert_str_eq(result(th, 3)->metric, "http_reqs{group:::a::b}");
	ck_assert_int_ge(k6c__metrics_find(m, result(th, 0)->metric), 0);
	ck_assert_int_ge(k6c__metrics_find(m, "http_reqs{group:::a::b}"), 0);

	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add_tagged(s, K6C__M_HTTP_REQS, two, 2, "status", "200", "method", "GET", "name", "x",
		NULL);
	add_tagged(s, K6C__M_HTTP_REQS, one, 1, "status", "200", "method", "POST", NULL);
	add_tagged(s, K6C__M_HTTP_REQS, one, 1, "status", "404", "method", "GET", NULL);
	add_tagged(s, K6C__M_HTTP_REQS, one, 1, "group", "::a::b", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 1000, true), 0);
	ck_assert_uint_eq(k6c__metrics_sample_count(m, k6c__metrics_find(m, result(th, 0)->metric)),
		2);
	for (size_t i = 0; i < 4; i++)
		ck_assert_msg(result(th, i)->ok, "threshold %zu failed", i);
	k6c__thresholds_free(th);
	k6c__metrics_free(m);
}
END_TEST

/* ---- evaluation -------------------------------------------------------- */

START_TEST(test_metrics_thresholds_evaluate__known_samples)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s;
	k6c__thresholds *th;
	double trend[100], counter[10], gauge[] = { 3, 9, 4 }, rate[] = { 1, 0, 1, 1 };
	int my_gauge;
	k6c__buf names = K6C__BUF_INIT;

	for (int i = 0; i < 100; i++)
		trend[i] = i + 1;
	for (int i = 0; i < 10; i++)
		counter[i] = 1;
	ck_assert_int_eq(
		k6c__metrics_register(m, "my_gauge", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &my_gauge),
		0);
	th = parse_ok(
		"{"
		"\"iteration_duration\":[\"avg==50.5\",\"min==1\",\"max==100\",\"med>49\",\"med<52\","
		"\"p(95)>94\",\"p(95)<96.5\",\"p(100)==100\",\"p(0)==1\",\"avg<50\"],"
		"\"iterations\":[\"count==10\",\"rate==5\",\"count>10\",\"count!=11\"],"
		"\"my_gauge\":[\"value==4\",\"value>5\"],"
		"\"checks\":[\"rate==0.75\",\"rate>0.8\"]}");
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);

	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add_tagged(s, K6C__M_ITERATION_DURATION, trend, 100, NULL);
	add_tagged(s, K6C__M_ITERATIONS, counter, 10, NULL);
	add_tagged(s, my_gauge, gauge, 3, NULL);
	add_tagged(s, K6C__M_CHECKS, rate, 4, "check", "c", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	/* 2 s of test: the counter's rate is 5/s. */
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 2000, true), 0);
	static const bool want[] = {
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		1,
		0,
		1,
		1,
		0,
		1,
		1,
		0,
		1,
		0,
	};
	ck_assert_uint_eq(k6c__thresholds_count(th), K6C__ARRAY_LEN(want));
	for (size_t i = 0; i < K6C__ARRAY_LEN(want); i++)
		ck_assert_msg(result(th, i)->ok == want[i], "'%s' on %s: ok is %d",
			result(th, i)->source, result(th, i)->metric, result(th, i)->ok);
	ck_assert(k6c__thresholds_failed(th));
	ck_assert_int_eq(k6c__thresholds_crossed(th, &names), 0);
	ck_assert_str_eq(names.ptr, "checks, iteration_duration, iterations, my_gauge");
	ck_assert(!k6c__thresholds_aborted(th, NULL));

	/* The summary shows them: THRESHOLDS block and JSON ok flags. */
	k6c__summary_opts so;
	k6c__buf text = K6C__BUF_INIT, json = K6C__BUF_INIT;
	memset(&so, 0, sizeof(so));
	so.no_color = true;
	so.test_duration_ms = 2000;
	so.thresholds = k6c__thresholds_results(th, &so.nthresholds);
	ck_assert_int_eq(k6c__metrics_summary_text(m, &so, &text), 0);
	ck_assert_ptr_nonnull(strstr(text.ptr, "THRESHOLDS"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "✗ 'count>10' count=10"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "✓ 'count==10' count=10"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "✓ 'count!=11' count=10"));
	ck_assert_int_eq(k6c__metrics_summary_json(m, &so, &json), 0);
	ck_assert_ptr_nonnull(strstr(json.ptr, "\"count>10\":{\"ok\":false}"));
	ck_assert_ptr_nonnull(strstr(json.ptr, "\"rate==0.75\":{\"ok\":true}"));
	k6c__buf_free(&text);
	k6c__buf_free(&json);
	k6c__buf_free(&names);
	k6c__thresholds_free(th);
	k6c__metrics_free(m);
}
END_TEST

/* Empty sinks: skipped during the run; at the end they give 0, except an
 * empty Rate, whose missing aggregate passes. */
START_TEST(test_metrics_thresholds_evaluate__empty_sinks)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__thresholds *th = parse_ok(
		"{"
		"\"checks\":[\"rate>0.5\",\"rate<0.1\"],"
		"\"http_req_duration\":[\"avg>0\",\"p(95)<1\"],"
		"\"iterations\":[\"count>0\"],"
		"\"vus\":[\"value==0\"],"
		"\"http_reqs{status:500}\":[\"count==0\"]}");
	k6c__buf names = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	k6c__metrics_stop(m);
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 4000, false), 0);
	ck_assert(!k6c__thresholds_failed(th));
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 4000, true), 0);
	static const bool want[] = { 1, 1, 0, 1, 0, 1, 1 };
	for (size_t i = 0; i < K6C__ARRAY_LEN(want); i++)
		ck_assert_msg(result(th, i)->ok == want[i], "'%s' on %s: ok is %d",
			result(th, i)->source, result(th, i)->metric, result(th, i)->ok);
	ck_assert_int_eq(k6c__thresholds_crossed(th, &names), 0);
	ck_assert_str_eq(names.ptr, "http_req_duration, iterations");
	k6c__buf_free(&names);
	k6c__thresholds_free(th);
	k6c__metrics_free(m);
}
END_TEST

/* ---- every aggregation with every operator ----------------------------- */

/* One aggregation of the table: the metric, the expression's left-hand side,
 * the exact value over the known samples, and whether the histogram only
 * estimates it (within its 1% bound). */
typedef struct agg_row {
	const char *metric, *agg;
	double exact;
	bool estimated;
} agg_row;

static const char *const all_ops[] = { "<", "<=", ">", ">=", "==", "===", "!=" };

static bool op_holds(const char *op, double lhs, double rhs)
{
	if (strcmp(op, "<") == 0)
		return lhs < rhs;
	if (strcmp(op, "<=") == 0)
		return lhs <= rhs;
	if (strcmp(op, ">") == 0)
		return lhs > rhs;
	if (strcmp(op, ">=") == 0)
		return lhs >= rhs;
	if (strcmp(op, "!=") == 0)
		return lhs != rhs;
	return lhs == rhs; /* == and === */
}

/* Each of the four custom metric types with its allowed aggregations, each
 * aggregation against each operator with a right-hand side below, equal to
 * and above its value: 7 x 3 thresholds per aggregation, several per metric,
 * all bound and evaluated together. The counter got 1+2+3+4 over a 2 s test;
 * the gauge 3, 9, 4; the rate 1, 0, 1, 1; the trend 1..100, whose exact k6
 * percentiles are 1 + N/100 * 99. */
START_TEST(test_metrics_thresholds_evaluate__every_agg_every_op)
{
	static const agg_row rows[] = {
		{ "my_counter", "count", 10, false },
		{ "my_counter", "rate", 5, false },
		{ "my_gauge", "value", 4, false },
		{ "my_rate", "rate", 0.75, false },
		{ "my_trend", "avg", 50.5, false },
		{ "my_trend", "min", 1, false },
		{ "my_trend", "max", 100, false },
		{ "my_trend", "med", 50.5, true },
		{ "my_trend", "p(0)", 1, false },
		{ "my_trend", "p(100)", 100, false },
		{ "my_trend", "p(90)", 90.1, true },
		{ "my_trend", "p(99.9)", 99.901, true },
		{ "my_trend", "p(12.5)", 13.375, true },
	};
	static const double counter[] = { 1, 2, 3, 4 }, gauge[] = { 3, 9, 4 },
			    rate[] = { 1, 0, 1, 1 };
	double trend[100];
	struct {
		const char *metric;
		char expr[64];
		bool want;
	} cases[K6C__ARRAY_LEN(rows) * 7 * 3];
	size_t ncases = 0;
	k6c__metrics *m = new_metrics(NULL);
	k6c__buf json = K6C__BUF_INIT;
	k6c__thresholds *th;
	k6c__samples *s;
	int id[4];

	for (int i = 0; i < 100; i++)
		trend[i] = i + 1;
	ck_assert_int_eq(k6c__metrics_register(m, "my_counter", K6C__COUNTER,
				 K6C__CONTAINS_DEFAULT, &id[0]), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_gauge", K6C__GAUGE, K6C__CONTAINS_DEFAULT,
				 &id[1]), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_rate", K6C__RATE, K6C__CONTAINS_DEFAULT,
				 &id[2]), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__TREND, K6C__CONTAINS_TIME,
				 &id[3]), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add_tagged(s, id[0], counter, 4, NULL);
	add_tagged(s, id[1], gauge, 3, NULL);
	add_tagged(s, id[2], rate, 4, NULL);
	add_tagged(s, id[3], trend, 100, NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	for (size_t r = 0; r < K6C__ARRAY_LEN(rows); r++) {
		const agg_row *row = &rows[r];
		const char *stat = strcmp(row->agg, "med") == 0 ? "p(50)" : row->agg;
		double got, rhs[3];

		ck_assert_int_eq(k6c__metrics_stat(m, k6c__metrics_find(m, row->metric), stat, 2000,
					 &got), 0);
		/* Exact aggregations are exact; estimated ones are within 1%. */
		if (row->estimated)
			ck_assert_msg(fabs(got - row->exact) <= 0.01 * fabs(row->exact),
				"%s %s: %.17g is not within 1%% of %.17g", row->metric, row->agg,
				got, row->exact);
		else
			ck_assert_msg(got == row->exact, "%s %s: %.17g, expected %.17g",
				row->metric, row->agg, got, row->exact);
		/* Below and above by more than the estimate's error, so the outcome
		 * is that of the exact value; equal is the value the threshold
		 * actually sees (the exact one, or the estimate checked above). */
		rhs[0] = row->exact * 0.97;
		rhs[1] = got;
		rhs[2] = row->exact * 1.03;
		for (size_t o = 0; o < K6C__ARRAY_LEN(all_ops); o++) {
			for (int k = 0; k < 3; k++) {
				cases[ncases].metric = row->metric;
				snprintf(cases[ncases].expr, sizeof(cases[ncases].expr), "%s%s%.17g",
					row->agg, all_ops[o], rhs[k]);
				cases[ncases].want = op_holds(all_ops[o], k == 1 ? got : row->exact,
					rhs[k]);
				ncases++;
			}
		}
	}

	/* One key per metric, its expressions in table order. */
	static const char *const names[] = { "my_counter", "my_gauge", "my_rate", "my_trend" };
	k6c__buf_puts(&json, "{");
	for (size_t n = 0; n < K6C__ARRAY_LEN(names); n++) {
		bool first = true;
		k6c__buf_printf(&json, "%s\"%s\":[", n ? "," : "", names[n]);
		for (size_t c = 0; c < ncases; c++) {
			if (strcmp(cases[c].metric, names[n]) != 0)
				continue;
			k6c__buf_printf(&json, "%s\"%s\"", first ? "" : ",", cases[c].expr);
			first = false;
		}
		k6c__buf_puts(&json, "]");
	}
	k6c__buf_puts(&json, "}");
	th = parse_ok(json.ptr);
	ck_assert_uint_eq(k6c__thresholds_count(th), ncases);
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 2000, true), 0);

	/* The results come in option order: metric by metric, which is the
	 * order of the table's rows within each metric. */
	size_t k = 0;
	for (size_t n = 0; n < K6C__ARRAY_LEN(names); n++) {
		for (size_t c = 0; c < ncases; c++) {
			if (strcmp(cases[c].metric, names[n]) != 0)
				continue;
			const k6c__summary_threshold *res = result(th, k++);
			ck_assert_str_eq(res->metric, cases[c].metric);
			ck_assert_str_eq(res->source, cases[c].expr);
			ck_assert_msg(res->ok == cases[c].want, "%s '%s': ok is %d, expected %d",
				cases[c].metric, cases[c].expr, res->ok, cases[c].want);
		}
	}
	ck_assert_uint_eq(k, ncases);
	k6c__buf_free(&json);
	k6c__thresholds_free(th);
	k6c__metrics_free(m);
}
END_TEST

/* Every aggregation a type does not allow fails to bind, on a custom metric
 * of each type, with k6's message. */
START_TEST(test_metrics_thresholds_bind__disallowed_per_type)
{
	static const char *const aggs[] = { "count", "rate", "value", "avg", "min", "max", "med",
		"p(95)" };
	static const struct {
		const char *name, *type, *supported;
		k6c__metric_type t;
		const char *allowed[5];
	} types[] = {
		{ "my_counter", "counter", "[count rate]", K6C__COUNTER, { "count", "rate" } },
		{ "my_gauge", "gauge", "[value]", K6C__GAUGE, { "value" } },
		{ "my_rate", "rate", "[rate]", K6C__RATE, { "rate" } },
		{ "my_trend", "trend", "[avg min max med p(N)]", K6C__TREND,
			{ "avg", "min", "max", "med", "p(95)" } },
	};
	int checked = 0;

	for (size_t t = 0; t < K6C__ARRAY_LEN(types); t++) {
		for (size_t a = 0; a < K6C__ARRAY_LEN(aggs); a++) {
			k6c__metrics *m = new_metrics(NULL);
			char json[256], want[256];
			bool allowed = false;
			int id;

			for (size_t k = 0; k < 5 && types[t].allowed[k]; k++)
				allowed |= strcmp(types[t].allowed[k], aggs[a]) == 0;
			ck_assert_int_eq(k6c__metrics_register(m, types[t].name, types[t].t,
						 K6C__CONTAINS_DEFAULT, &id), 0);
			/* A valid threshold first, and the submetric too: the bad
			 * one is found wherever it is. */
			snprintf(json, sizeof(json), "{\"%s{x:y}\":[\"%s>0\", \"%s <1\"]}",
				types[t].name, types[t].allowed[0], aggs[a]);
			k6c__thresholds *th = parse_ok(json);
			int rc = k6c__thresholds_bind(th, m);
			if (allowed) {
				ck_assert_msg(rc == 0, "%s: %s", json, k6c_error_last()->message);
			} else {
				ck_assert_msg(rc == K6C_ECONFIG, "%s bound", json);
				snprintf(want, sizeof(want),
					"invalid threshold \"%s <1\" applied on metric %s{x:y}; reason: "
					"unsupported aggregation method %s on metric of type %s. "
					"supported aggregation methods for this metric are: %s",
					aggs[a], types[t].name, aggs[a], types[t].type,
					types[t].supported);
				ck_assert_str_eq(k6c_error_last()->message, want);
				checked++;
			}
			k6c__thresholds_free(th);
			k6c__metrics_free(m);
		}
	}
	/* 8 aggregations: 6 refused on a counter, 7 on a gauge and a rate, 3
	 * on a trend. */
	ck_assert_int_eq(checked, 6 + 7 + 7 + 3);
}
END_TEST

/* Thresholds on submetrics of each custom type, several per submetric,
 * evaluated on tagged samples whose aggregates are known; the parent and a
 * submetric no sample matches are evaluated alongside. */
START_TEST(test_metrics_thresholds_evaluate__submetrics_known_data)
{
	static const double c_a[] = { 1, 1, 1 }, c_b[] = { 5 }, t_a[] = { 10, 20, 30 },
			    t_b[] = { 100, 200 }, r_a[] = { 1, 1, 0, 1 }, r_b[] = { 0, 0 },
			    g_a[] = { 7, 2 }, g_b[] = { 42 };
	k6c__metrics *m = new_metrics(NULL);
	k6c__buf names = K6C__BUF_INIT;
	k6c__thresholds *th;
	k6c__samples *s;
	int c, t, r, g;

	ck_assert_int_eq(k6c__metrics_register(m, "cc", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &c),
		0);
	ck_assert_int_eq(k6c__metrics_register(m, "tt", K6C__TREND, K6C__CONTAINS_DEFAULT, &t), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "rr", K6C__RATE, K6C__CONTAINS_DEFAULT, &r), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "gg", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &g), 0);
	th = parse_ok("{"
		      "\"cc{kind:a}\":[\"count==3\",\"count<3\",\"rate==1.5\"],"
		      "\"cc{kind:b}\":[\"count==5\",\"count>5\"],"
		      "\"cc\":[\"count==8\"],"
		      "\"cc{kind:a,zone:eu}\":[\"count==1\"],"
		      "\"cc{kind:none}\":[\"count==0\",\"count>0\"],"
		      "\"tt{kind:a}\":[\"avg==20\",\"min==10\",\"max==30\",\"p(0)==10\",\"p(100)==30\","
		      "\"avg>20\"],"
		      "\"tt{kind:b}\":[\"avg==150\",\"max<200\"],"
		      "\"tt\":[\"min==10\",\"max==200\",\"avg==72\"],"
		      "\"rr{kind:a}\":[\"rate==0.75\",\"rate>0.75\"],"
		      "\"rr{kind:b}\":[\"rate==0\"],"
		      "\"rr{kind:none}\":[\"rate>0.5\"],"
		      "\"gg{kind:a}\":[\"value==2\",\"value==7\"],"
		      "\"gg{kind:b}\":[\"value==42\"]"
		      "}");
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add_tagged(s, c, c_a, 2, "kind", "a", NULL);
	add_tagged(s, c, c_a, 1, "kind", "a", "zone", "eu", NULL);
	add_tagged(s, c, c_b, 1, "kind", "b", NULL);
	add_tagged(s, t, t_a, 3, "kind", "a", NULL);
	add_tagged(s, t, t_b, 2, "kind", "b", "other", "x", NULL);
	add_tagged(s, r, r_a, 4, "kind", "a", NULL);
	add_tagged(s, r, r_b, 2, "kind", "b", NULL);
	add_tagged(s, g, g_a, 2, "kind", "a", NULL);
	add_tagged(s, g, g_b, 1, "kind", "b", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 2000, true), 0);
	static const bool want[] = {
		1, 0, 1,          /* cc{kind:a} */
		1, 0,             /* cc{kind:b} */
		1,                /* c */
		1,                /* cc{kind:a,zone:eu} */
		1, 0,             /* cc{kind:none}: an empty counter counts 0 */
		1, 1, 1, 1, 1, 0, /* tt{kind:a} */
		1, 0,             /* tt{kind:b} */
		1, 1, 1,          /* tt: (10+20+30+100+200)/5 */
		1, 0,             /* rr{kind:a} */
		1,                /* rr{kind:b} */
		1,                /* rr{kind:none}: no rate, passes */
		1, 0,             /* gg{kind:a}: the last value */
		1,                /* gg{kind:b} */
	};
	ck_assert_uint_eq(k6c__thresholds_count(th), K6C__ARRAY_LEN(want));
	for (size_t i = 0; i < K6C__ARRAY_LEN(want); i++)
		ck_assert_msg(result(th, i)->ok == want[i], "'%s' on %s: ok is %d",
			result(th, i)->source, result(th, i)->metric, result(th, i)->ok);
	ck_assert_int_eq(k6c__thresholds_crossed(th, &names), 0);
	ck_assert_str_eq(names.ptr, "cc{kind:a}, cc{kind:b}, cc{kind:none}, gg{kind:a}, rr{kind:a}, "
				    "tt{kind:a}, tt{kind:b}");
	k6c__buf_free(&names);
	k6c__thresholds_free(th);
	k6c__metrics_free(m);
}
END_TEST

static int aborts;

static void count_abort(void *arg)
{
	ck_assert_ptr_eq(arg, &aborts);
	aborts++;
}

START_TEST(test_metrics_thresholds_evaluate__abort_on_fail)
{
	k6c__metrics *m = new_metrics(NULL);
	k6c__samples *s;
	static const double ten[] = { 10 };
	const char *which;
	k6c__thresholds *th = parse_ok(
		"{"
		"\"iterations\":[{\"threshold\":\"count<5\",\"abortOnFail\":true,"
		"\"delayAbortEval\":\"10s\"}],"
		"\"checks\":[{\"threshold\":\"rate>0.5\",\"abortOnFail\":false}],"
		"\"vus\":[\"value<5\"]}");

	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	aborts = 0;
	k6c__thresholds_set_abort(th, count_abort, &aborts);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	add_tagged(s, K6C__M_ITERATIONS, ten, 1, NULL);
	add_tagged(s, K6C__M_VUS, ten, 1, NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);

	/* Failing, but within delayAbortEval: no abort yet. */
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 2000, false), 0);
	ck_assert(!result(th, 0)->ok && !result(th, 2)->ok);
	ck_assert_int_eq(aborts, 0);
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 10000, false), 0);
	ck_assert_int_eq(aborts, 0);
	/* Past it: one abort, however many evaluations follow. */
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 10001, false), 0);
	ck_assert_int_eq(aborts, 1);
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 12000, false), 0);
	ck_assert_int_eq(aborts, 1);
	ck_assert(k6c__thresholds_aborted(th, &which));
	ck_assert_str_eq(which, "iterations, vus");
	k6c__thresholds_free(th);

	/* Without abortOnFail a failure never aborts; the final evaluation
	 * never does either. */
	th = parse_ok(
		"{\"iterations\":[\"count<5\"],\"vus\":[{\"threshold\":\"value<5\","
		"\"abortOnFail\":true}]}");
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	k6c__thresholds_set_abort(th, count_abort, &aborts);
	aborts = 0;
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 60000, true), 0);
	ck_assert_int_eq(aborts, 0);
	ck_assert(!k6c__thresholds_aborted(th, &which));
	ck_assert_ptr_null(which);
	/* abortOnFail without a delay aborts at the first failing evaluation. */
	ck_assert_int_eq(k6c__thresholds_evaluate(th, m, 1, false), 0);
	ck_assert_int_eq(aborts, 1);
	k6c__thresholds_free(th);
	k6c__metrics_free(m);
}
END_TEST

static atomic_int tick_aborts;

static void tick_abort(void *arg)
{
	(void)arg;
	atomic_fetch_add(&tick_aborts, 1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The registry's on_tick evaluates on the aggregation thread every 2 s and
 * aborts through the callback; producers keep adding meanwhile. */
START_TEST(test_metrics_thresholds_tick__aggregation_thread)
{
	k6c__metrics_config cfg;
	k6c__thresholds *th = parse_ok(
		"{\"iterations\":[{\"threshold\":\"count<3\","
		"\"abortOnFail\":true}],\"http_req_duration\":[\"p(99)<1\"]}");
	static const double one[] = { 1 };
	k6c__samples *s;
	k6c__metrics *m;
	int waited = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flush_interval_ms = 10;
	cfg.on_tick = k6c__thresholds_tick;
	cfg.on_tick_arg = th;
	m = new_metrics(&cfg);
	ck_assert_int_eq(k6c__thresholds_bind(th, m), 0);
	atomic_store(&tick_aborts, 0);
	k6c__thresholds_set_abort(th, tick_abort, NULL);
	k6c__thresholds_start(th);
	ck_assert_int_eq(k6c__metrics_start(m), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	/* Generous bound: the first evaluation is due 2 s after the start. */
	while (atomic_load(&tick_aborts) == 0 && waited < 15000) {
		add_tagged(s, K6C__M_ITERATIONS, one, 1, NULL);
		k6c__samples_flush(s);
		sleep_ms(50);
		waited += 50;
	}
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	ck_assert_int_eq(atomic_load(&tick_aborts), 1);
	ck_assert(k6c__thresholds_aborted(th, NULL));
	/* The trend had no samples, so the periodic evaluation skipped it. */
	ck_assert(!result(th, 0)->ok);
	ck_assert(result(th, 1)->ok);
	k6c__metrics_free(m);
	k6c__thresholds_free(th);
}
END_TEST

static Suite *thresholds_suite(void)
{
	Suite *s = suite_create("metrics_thresholds");
	TCase *tc = tcase_create("thresholds");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_metrics_thresholds_expr__valid);
	tcase_add_test(tc, test_metrics_thresholds_expr__invalid);
	tcase_add_test(tc, test_metrics_thresholds_expr__holds);
	tcase_add_test(tc, test_metrics_thresholds_agg__per_type);
	tcase_add_test(tc, test_metrics_thresholds_option__shapes);
	tcase_add_test(tc, test_metrics_thresholds_bind__metrics);
	tcase_add_test(tc, test_metrics_thresholds_bind__submetric_quotes);
	tcase_add_test(tc, test_metrics_thresholds_evaluate__known_samples);
	tcase_add_test(tc, test_metrics_thresholds_evaluate__every_agg_every_op);
	tcase_add_test(tc, test_metrics_thresholds_bind__disallowed_per_type);
	tcase_add_test(tc, test_metrics_thresholds_evaluate__submetrics_known_data);
	tcase_add_test(tc, test_metrics_thresholds_evaluate__empty_sinks);
	tcase_add_test(tc, test_metrics_thresholds_evaluate__abort_on_fail);
	tcase_add_test(tc, test_metrics_thresholds_tick__aggregation_thread);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(thresholds_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
