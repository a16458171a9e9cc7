/*
 * test_output_net.c - unit tests of the network outputs' formats, without
 * a server: InfluxDB line protocol (escaping of measurement, tag keys and
 * values, string fields; empty tags left out; metadata as tags and
 * tagsAsFields with their types; fields sorted; precision), Go's
 * shortest-'f' float format, the URL argument's settings, and the StatsD
 * lines (types, checks, truncated counters, tags and the blocklist).
 * Factories are called with no test, so every K6_* variable is unset.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/out_net.h"
#include "output/output.h"

static const k6c_metric_info m_reqs = { 1, "http_reqs", K6C_METRIC_COUNTER, K6C_CONTAINS_DEFAULT };
static const k6c_metric_info m_dur = { 2, "http_req_duration", K6C_METRIC_TREND, K6C_CONTAINS_TIME };
static const k6c_metric_info m_checks = { 3, "checks", K6C_METRIC_RATE, K6C_CONTAINS_DEFAULT };
static const k6c_metric_info m_vus = { 4, "vus", K6C_METRIC_GAUGE, K6C_CONTAINS_DEFAULT };
static const k6c_metric_info m_odd = { 5, "my metric,x", K6C_METRIC_COUNTER, K6C_CONTAINS_DEFAULT };

static void *make(k6c_output_factory fn, const char *arg, const k6c_sink_vtable **vt, char *err)
{
	k6c_output_params p;
	void *payload = NULL;

	memset(&p, 0, sizeof(p));
	p.name = "x";
	p.arg = arg;
	err[0] = '\0';
	if (fn(&p, NULL, vt, &payload, err, 256) != 0)
		return NULL;
	return payload;
}

static char *float_text(double v)
{
	static char out[64];
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__output_put_float(&b, v), 0);
	snprintf(out, sizeof(out), "%s", b.ptr);
	k6c__buf_free(&b);
	return out;
}

START_TEST(test_output_net__go_float)
{
	ck_assert_str_eq(float_text(1), "1");
	ck_assert_str_eq(float_text(0), "0");
	ck_assert_str_eq(float_text(1.5), "1.5");
	ck_assert_str_eq(float_text(-2.25), "-2.25");
	ck_assert_str_eq(float_text(0.1), "0.1");
	ck_assert_str_eq(float_text(104.293), "104.293");
	ck_assert_str_eq(float_text(0.000012), "0.000012");
	ck_assert_str_eq(float_text(1e21), "1000000000000000000000");
	ck_assert_str_eq(float_text(123456789.125), "123456789.125");
	ck_assert_str_eq(float_text(1.0 / 3), "0.3333333333333333");
}
END_TEST

static char *influx_lines(void *x, const k6c_sample *s, size_t n)
{
	static char out[4096];
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__influxdb_lines(x, &b, s, n), 0);
	snprintf(out, sizeof(out), "%s", b.len ? b.ptr : "");
	k6c__buf_free(&b);
	return out;
}

START_TEST(test_output_net__influx_lines)
{
	const k6c_sink_vtable *vt;
	char err[256];
	void *x = make(k6c__out_influxdb_factory, "", &vt, err);
	const k6c_tag tags[] = { { "group", "" }, { "method", "GET" },
		{ "name", "a b,c=d" }, { "url", "http://h/x?q=\"1\"\\y" } };
	const k6c_tag md[] = { { "vu", "3" }, { "iter", "7" } };
	const k6c_tag odd_tags[] = { { "tag key", "v=1" } };
	k6c_sample s[2];

	ck_assert_msg(x != NULL, "%s", err);
	ck_assert_str_eq(vt->description(NULL, x), "InfluxDBv1 (http://localhost:8086)");
	memset(s, 0, sizeof(s));
	s[0].metric = &m_reqs;
	s[0].time_us = 1700000000123456;
	s[0].value = 1;
	s[0].tags = tags;
	s[0].ntags = 4;
	s[0].metadata = md;
	s[0].nmetadata = 2;
	s[1].metric = &m_odd;
	s[1].time_us = 1;
	s[1].value = 0.5;
	s[1].tags = odd_tags;
	s[1].ntags = 1;
	ck_assert_str_eq(influx_lines(x, s, 2),
		"http_reqs,method=GET,name=a\\ b\\,c\\=d "
		"iter=7i,url=\"http://h/x?q=\\\"1\\\"\\\\y\",value=1,vu=3i 1700000000123456000\n"
		"my\\ metric\\,x,tag\\ key=v\\=1 value=0.5 1000\n");
	/* NaN is not written. */
	s[1].value = NAN;
	ck_assert_str_eq(influx_lines(x, &s[1], 1), "");
	vt->free(x);

	/* The URL argument: user info, a path prefix, precision and fields. */
	x = make(k6c__out_influxdb_factory, "https://u:p%40ss@example.test:8443/pre/fix/mydb?"
		"precision=ms&tagsAsFields=method:bool&tagsAsFields=vu:float&payload_size=5", &vt, err);
	ck_assert_msg(x != NULL, "%s", err);
	ck_assert_str_eq(vt->description(NULL, x), "InfluxDBv1 (https://example.test:8443/pre/fix)");
	s[0].nmetadata = 1;
	ck_assert_str_eq(influx_lines(x, s, 1),
		"http_reqs,name=a\\ b\\,c\\=d,url=http://h/x?q\\=\"1\"\\y "
		"method=false,value=1,vu=3 1700000000123\n");
	vt->free(x);

	ck_assert_ptr_null(make(k6c__out_influxdb_factory, "http://h/db?x=1", &vt, err));
	ck_assert_str_eq(err, "unknown query parameter 'x' in 'http://h/db?x=1'");
	ck_assert_ptr_null(make(k6c__out_influxdb_factory, "http://h/db?concurrentWrites=0", &vt, err));
	ck_assert_ptr_null(make(k6c__out_influxdb_factory, "http://h/db?tagsAsFields=vu:long", &vt,
		err));
	ck_assert_ptr_nonnull(strstr(err, "invalid type (long)"));
	ck_assert_ptr_null(make(k6c__out_influxdb_factory, "http:///db", &vt, err));
	ck_assert_ptr_nonnull(strstr(err, "no host"));
}
END_TEST

static char *statsd_lines(void *x, const k6c_sample *s, size_t n)
{
	static char out[4096];
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__statsd_lines(x, &b, s, n), 0);
	snprintf(out, sizeof(out), "%s", b.len ? b.ptr : "");
	k6c__buf_free(&b);
	return out;
}

START_TEST(test_output_net__statsd_lines)
{
	const k6c_sink_vtable *vt;
	char err[256];
	void *x = make(k6c__out_statsd_factory, "", &vt, err);
	const k6c_tag tags[] = { { "method", "GET" }, { "status", "200" }, { "url", "http://h/" } };
	const k6c_tag ctags[] = { { "check", "is ok" }, { "scenario", "default" } };
	k6c_sample s[5];

	ck_assert_msg(x != NULL, "%s", err);
	ck_assert_str_eq(vt->description(NULL, x), "statsd (localhost:8125)");
	memset(s, 0, sizeof(s));
	s[0].metric = &m_reqs;
	s[0].value = 2.9;
	s[0].tags = tags;
	s[0].ntags = 3;
	s[1].metric = &m_dur;
	s[1].value = 12.5;
	s[2].metric = &m_checks;
	s[2].value = 1;
	s[2].tags = ctags;
	s[2].ntags = 2;
	s[3] = s[2];
	s[3].value = 0;
	s[4].metric = &m_vus;
	s[4].value = 10;
	ck_assert_str_eq(statsd_lines(x, s, 5),
		"k6.http_reqs:2|c\n"
		"k6.http_req_duration:12.5|ms\n"
		"k6.check.is ok.pass:1|c\n"
		"k6.check.is ok.fail:1|c\n"
		"k6.vus:10|g\n");
	vt->free(x);
	ck_assert_ptr_null(make(k6c__out_statsd_factory, "x", &vt, err));
	ck_assert_ptr_nonnull(strstr(err, "takes no argument"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output_net");
	TCase *tc = tcase_create("formats");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_output_net__go_float);
	tcase_add_test(tc, test_output_net__influx_lines);
	tcase_add_test(tc, test_output_net__statsd_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
