/*
 * test_output_flusher.c - unit tests of lib/output/flusher.c: every sample
 * added by concurrent producers reaches the flush callback once, with its
 * tags and metadata copied; the queue's bound drops and counts what does
 * not fit; the final flush at stop gets what was queued and a deadline
 * within the timeout; failed flushes are counted; errors and the drop
 * warning are logged with the output's name through a real output. Run
 * under ThreadSanitizer in CI (its name starts with "output").
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/flusher.h"
#include "output/output.h"

static const k6c_metric_info g_metric = { 1, "http_reqs", K6C_METRIC_COUNTER,
	K6C_CONTAINS_DEFAULT };

/* What the flush callback saw. Written by the flusher thread only, read
 * after stop has joined it. */
typedef struct seen {
	size_t n;
	double sum;
	int calls, finals, bad_tags, fail;
	bool deadline_ok;
	unsigned timeout_ms;
} seen;

static int on_flush(void *arg, const k6c_sample *s, size_t n, uint64_t deadline_ns, bool final)
{
	seen *sn = arg;
	uint64_t now = k6c__now_ns();

	sn->calls++;
	if (final)
		sn->finals++;
	if (deadline_ns > now && deadline_ns <= now + (uint64_t)sn->timeout_ms * 1000000u)
		sn->deadline_ok = true;
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "v%.0f", s[i].value);
		if (s[i].ntags != 2 || strcmp(s[i].tags[0].key, "name") ||
		    strcmp(s[i].tags[0].value, want) || strcmp(s[i].tags[1].key, "status") ||
		    strcmp(s[i].tags[1].value, "200") || s[i].nmetadata != 1 ||
		    strcmp(s[i].metadata[0].key, "vu") || strcmp(s[i].metadata[0].value, want) ||
		    s[i].metric != &g_metric)
			sn->bad_tags++;
		sn->sum += s[i].value;
	}
	sn->n += n;
	return sn->fail;
}

/* Adds samples with values from..from+n-1, their tags built on the stack
 * and overwritten afterwards, so only a copy can pass on_flush's check. */
static size_t add_range(k6c__flusher *f, int from, int n)
{
	size_t dropped = 0;

	for (int i = from; i < from + n; i++) {
		char v[32];
		k6c_tag tags[2], md[1];
		k6c_sample s;
		snprintf(v, sizeof(v), "v%d", i);
		tags[0].key = "name";
		tags[0].value = v;
		tags[1].key = "status";
		tags[1].value = "200";
		md[0].key = "vu";
		md[0].value = v;
		memset(&s, 0, sizeof(s));
		s.metric = &g_metric;
		s.time_us = i;
		s.value = i;
		s.tags = tags;
		s.ntags = 2;
		s.metadata = md;
		s.nmetadata = 1;
		dropped += k6c__flusher_add(f, &s, 1);
		memset(v, 'x', sizeof(v) - 1);
	}
	return dropped;
}

typedef struct producer {
	k6c__flusher *f;
	int from, n;
	size_t dropped;
} producer;

static void *produce(void *arg)
{
	producer *p = arg;
	p->dropped = add_range(p->f, p->from, p->n);
	return NULL;
}

START_TEST(test_output_flusher__concurrent_producers)
{
	k6c__flusher_config cfg;
	k6c__flusher_stats st;
	k6c__flusher *f;
	seen sn;
	producer p[2];
	pthread_t t[2];
	const int per = 20000;
	double want = 0;

	memset(&sn, 0, sizeof(sn));
	sn.timeout_ms = 5000;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "test";
	cfg.interval_ms = 1;
	cfg.timeout_ms = sn.timeout_ms;
	cfg.flush = on_flush;
	cfg.arg = &sn;
	ck_assert_int_eq(k6c__flusher_new(&f, &cfg), 0);
	ck_assert_int_eq(k6c__flusher_start(f), 0);
	ck_assert_int_eq(k6c__flusher_start(f), K6C_ESTATE);
	for (int i = 0; i < 2; i++) {
		p[i].f = f;
		p[i].from = i * per;
		p[i].n = per;
		ck_assert_int_eq(pthread_create(&t[i], NULL, produce, &p[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(k6c__flusher_stop(f), 0);
	ck_assert_int_eq(k6c__flusher_stop(f), 0);
	k6c__flusher_stats_get(f, &st);
	for (int i = 0; i < 2 * per; i++)
		want += i;
	ck_assert_uint_eq(p[0].dropped + p[1].dropped, 0);
	ck_assert_uint_eq(sn.n, 2 * per);
	ck_assert(sn.sum == want);
	ck_assert_int_eq(sn.bad_tags, 0);
	ck_assert_int_eq(sn.finals, 1);
	ck_assert_int_ge(sn.calls, 1);
	ck_assert(sn.deadline_ok);
	ck_assert_uint_eq(st.queued, 2 * per);
	ck_assert_uint_eq(st.flushed, 2 * per);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.failed, 0);
	/* Nothing is taken after stop. */
	ck_assert_uint_eq(add_range(f, 0, 3), 3);
	k6c__flusher_free(f);
}
END_TEST

START_TEST(test_output_flusher__bound_drops)
{
	k6c__flusher_config cfg;
	k6c__flusher_stats st;
	k6c__flusher *f;
	seen sn;

	memset(&sn, 0, sizeof(sn));
	sn.timeout_ms = 1000;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "test";
	/* No tick during the test: only the final flush empties the queue. */
	cfg.interval_ms = 3600000;
	cfg.timeout_ms = sn.timeout_ms;
	cfg.max_samples = 10;
	cfg.flush = on_flush;
	cfg.arg = &sn;
	ck_assert_int_eq(k6c__flusher_new(&f, &cfg), 0);
	/* Before start: dropped. */
	ck_assert_uint_eq(add_range(f, 100, 2), 2);
	ck_assert_int_eq(k6c__flusher_start(f), 0);
	ck_assert_uint_eq(add_range(f, 0, 15), 5);
	ck_assert_int_eq(k6c__flusher_stop(f), 0);
	k6c__flusher_stats_get(f, &st);
	ck_assert_uint_eq(sn.n, 10);
	ck_assert(sn.sum == 45);      /* the first ten: 0..9 */
	ck_assert_int_eq(sn.calls, 1);
	ck_assert_int_eq(sn.finals, 1);
	ck_assert(sn.deadline_ok);
	ck_assert_uint_eq(st.dropped, 7);
	ck_assert_uint_eq(st.queued, 10);
	ck_assert_uint_eq(st.flushed, 10);
	k6c__flusher_free(f);
}
END_TEST

START_TEST(test_output_flusher__failed_flush)
{
	k6c__flusher_config cfg;
	k6c__flusher_stats st;
	k6c__flusher *f;
	seen sn;

	memset(&sn, 0, sizeof(sn));
	sn.timeout_ms = 1000;
	sn.fail = 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.interval_ms = 3600000;
	cfg.flush = on_flush;
	cfg.arg = &sn;
	ck_assert_int_eq(k6c__flusher_new(&f, &cfg), 0);
	ck_assert_int_eq(k6c__flusher_start(f), 0);
	ck_assert_uint_eq(add_range(f, 0, 4), 0);
	ck_assert_int_eq(k6c__flusher_stop(f), K6C_EIO);
	k6c__flusher_stats_get(f, &st);
	ck_assert_uint_eq(st.failed, 4);
	ck_assert_uint_eq(st.flushed, 0);
	ck_assert_uint_eq(st.flushes, 1);
	k6c__flusher_free(f);
	/* Never started: stop and free are fine, and nothing is called. */
	ck_assert_int_eq(k6c__flusher_new(&f, &cfg), 0);
	ck_assert_int_eq(k6c__flusher_stop(f), 0);
	k6c__flusher_free(f);
	ck_assert_int_eq(k6c__flusher_new(&f, &cfg), 0);
	k6c__flusher_free(f);
	k6c__flusher_free(NULL);
	cfg.flush = NULL;
	ck_assert_int_eq(k6c__flusher_new(&f, &cfg), K6C_EINVAL);
}
END_TEST

/* ---- through a real output: a sink built on the flusher -------------------- */

typedef struct net_sink {
	k6c__flusher *f;
	int fail_every;        /* the flush reports an error */
	size_t sent;
} net_sink;

static int ns_flush(void *arg, const k6c_sample *s, size_t n, uint64_t deadline_ns, bool final)
{
	net_sink *ns = arg;
	(void)s;
	(void)deadline_ns;
	(void)final;
	if (ns->fail_every) {
		k6c__flusher_error(ns->f, "POST http://127.0.0.1:1/write: connection refused");
		return 1;
	}
	ns->sent += n;
	return 0;
}

static int ns_start(k6c_sink *sink, void *p, const k6c_sink_start_info *info)
{
	net_sink *ns = p;
	k6c__flusher_config cfg;
	(void)info;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "net";
	cfg.sink = sink;
	cfg.interval_ms = 5;
	cfg.max_samples = 1000000;
	cfg.flush = ns_flush;
	cfg.arg = ns;
	if (k6c__flusher_new(&ns->f, &cfg) || k6c__flusher_start(ns->f))
		return 1;
	return 0;
}

static int ns_add(k6c_sink *sink, void *p, const k6c_sample *s, size_t n)
{
	net_sink *ns = p;
	(void)sink;
	k6c__flusher_add(ns->f, s, n);
	return 0;
}

static int ns_stop(k6c_sink *sink, void *p, int code)
{
	net_sink *ns = p;
	(void)sink;
	(void)code;
	/* A sample that comes after stop is dropped and counted. */
	return k6c__flusher_stop(ns->f);
}

static const k6c_sink_vtable ns_vt = { K6C_SINK_VERSION, NULL, ns_start, ns_add, ns_stop, NULL };

typedef struct logs {
	pthread_mutex_t mu;
	char text[8192];
	int errors, warnings;
} logs;

static void on_log(int level, const char *msg, void *arg)
{
	logs *l = arg;
	pthread_mutex_lock(&l->mu);
	if (level == K6C_LOG_ERROR)
		l->errors++;
	if (level == K6C_LOG_WARN)
		l->warnings++;
	strncat(l->text, msg, sizeof(l->text) - strlen(l->text) - 2);
	strcat(l->text, "\n");
	pthread_mutex_unlock(&l->mu);
}

static void run_output(net_sink *ns, logs *lg, int nsamples)
{
	k6c__output_config oc;
	k6c_sink_start_info info;
	k6c__output *o;
	k6c_sink *sink;
	k6c_sample s;

	memset(&oc, 0, sizeof(oc));
	oc.flush_interval_ms = 5;
	oc.log = on_log;
	oc.log_arg = lg;
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(k6c__sink_new(&sink, &ns_vt, ns, "influxdb"), 0);
	ck_assert_int_eq(k6c__output_new(&o, &oc, &sink, 1), 0);
	ck_assert_int_eq(k6c__output_start(o, &info), 0);
	memset(&s, 0, sizeof(s));
	s.metric = &g_metric;
	s.value = 1;
	for (int i = 0; i < nsamples; i++) {
		s.time_us = k6c__wall_us() - 1000000;
		k6c__output_push(o, &s, 1);
	}
	k6c__output_stop(o, 0, NULL);
	k6c__output_free(o);
	k6c__sink_free(sink);
}

START_TEST(test_output_flusher__logged_with_name)
{
	net_sink ns;
	logs lg;

	memset(&lg, 0, sizeof(lg));
	pthread_mutex_init(&lg.mu, NULL);
	memset(&ns, 0, sizeof(ns));
	run_output(&ns, &lg, 300);
	ck_assert_uint_eq(ns.sent, 300);
	ck_assert_int_eq(lg.errors, 0);
	ck_assert_int_eq(lg.warnings, 0);
	k6c__flusher_free(ns.f);

	/* A dead backend: every flush fails; the error is logged once with
	 * the output's name, and the unsent count is a warning at the end. */
	memset(&ns, 0, sizeof(ns));
	ns.fail_every = 1;
	run_output(&ns, &lg, 300);
	ck_assert_int_eq(lg.errors, 1);
	ck_assert_ptr_nonnull(strstr(lg.text,
		"output \"influxdb\": POST http://127.0.0.1:1/write: connection refused\n"));
	ck_assert_ptr_nonnull(strstr(lg.text, "output \"influxdb\": 300 samples could not be sent"));
	ck_assert_int_eq(lg.warnings, 1);
	k6c__flusher_free(ns.f);
	pthread_mutex_destroy(&lg.mu);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output_flusher");
	TCase *tc = tcase_create("flusher");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_output_flusher__concurrent_producers);
	tcase_add_test(tc, test_output_flusher__bound_drops);
	tcase_add_test(tc, test_output_flusher__failed_flush);
	tcase_add_test(tc, test_output_flusher__logged_with_name);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
