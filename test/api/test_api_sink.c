/*
 * test_api_sink.c - API tier: k6c/sink.h through the public headers only,
 * against the local httpbin. A recording sink checks the contract from the
 * inside: one callback at a time (an atomic flag set for the length of
 * each callback), all on one thread, start/add.../stop/free in that order
 * and once each, batches never empty, sample times never going back across
 * batches, and per-metric counts equal to the summary's. Then the failure
 * paths: failed and aborted runs still stopping every sink with their exit
 * code, a sink blocking while the VUs get on, start() failing, a sink aborting from its own thread, add_samples
 * errors logged once, every way k6c_test_add_sink fails still freeing the
 * payload, and named outputs (factories, their arg and env, unknown names).
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <k6c.h>

#include "api_run.h"
#include "tcapture.h"
#include "tjson.h"

/* ---- a recording sink ----------------------------------------------------- */

enum fail_mode {
	FAIL_NONE,
	FAIL_START,         /* start() fails with a reason */
	FAIL_ADD,           /* every add_samples() fails with the same message */
	FAIL_ABORT_THREAD,  /* a thread of the sink's own aborts after the first batch */
};

typedef struct metric_count {
	char name[64];
	long samples;
	double sum;
} metric_count;

typedef struct rec {
	enum fail_mode mode;
	const char *desc;
	atomic_int in_cb;
	atomic_int overlaps;        /* a callback began while another ran */
	pthread_mutex_t mu;
	char seq[64];               /* S start, A add (runs of them once), P stop, F free */
	size_t nseq;
	pthread_t cb_thread;
	int thread_changes;
	int empty_batches;
	int order_breaks;
	int64_t last_time;
	long nsamples;
	int stop_code;
	int stop_summary;            /* stop() saw a summary naming http_reqs */
	int summary_outside_stop;    /* add_samples() saw a summary (it must not) */
	metric_count per[64];
	size_t nper;
	/* What start() saw. */
	int start_has_http_reqs;
	int64_t start_us;
	char script_path[64];
	/* FAIL_ABORT_THREAD */
	pthread_t aborter;
	int aborter_started;
	pthread_cond_t cv;
	int first_batch;
	k6c_sink *sink;
	/* A tag check: an http_reqs sample with method GET, tags sorted. */
	int get_tags_seen;
	int unsorted_tags;
	int sample_metric_ids_bad;
} rec;

static void rec_init(rec *r, enum fail_mode mode)
{
	memset(r, 0, sizeof(*r));
	r->mode = mode;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->last_time = INT64_MIN;
	r->stop_code = -1;
}

static void rec_mark(rec *r, char c)
{
	pthread_mutex_lock(&r->mu);
	if (r->nseq + 1 < sizeof(r->seq) && !(c == 'A' && r->nseq > 0 && r->seq[r->nseq - 1] == 'A'))
		r->seq[r->nseq++] = c;
	pthread_mutex_unlock(&r->mu);
}

/* Enters a callback: counts an overlap if another one is running, and a
 * thread change if it is not the thread of the callbacks before. */
static void cb_enter(rec *r)
{
	if (atomic_exchange(&r->in_cb, 1) != 0)
		atomic_fetch_add(&r->overlaps, 1);
	if (r->nseq > 0 && !pthread_equal(r->cb_thread, pthread_self()))
		r->thread_changes++;
	r->cb_thread = pthread_self();
}

static void cb_leave(rec *r)
{
	atomic_store(&r->in_cb, 0);
}

static const char *rec_description(k6c_sink *sink, void *payload)
{
	(void)sink;
	return ((rec *)payload)->desc;
}

static void *aborter_main(void *arg)
{
	rec *r = arg;

	pthread_mutex_lock(&r->mu);
	while (!r->first_batch)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
	k6c_sink_fail(r->sink, 1, "remote storage is full");
	return NULL;
}

static int rec_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
{
	rec *r = payload;
	int rc = 0;

	cb_enter(r);
	rec_mark(r, 'S');
	r->start_us = info->start_us;
	snprintf(r->script_path, sizeof(r->script_path), "%s", info->script_path);
	for (size_t i = 0; i < info->nmetrics; i++) {
		if (info->metrics[i].id != (int)i)
			r->sample_metric_ids_bad++;
		if (!strcmp(info->metrics[i].name, "http_reqs") &&
		    info->metrics[i].type == K6C_METRIC_COUNTER)
			r->start_has_http_reqs = 1;
	}
	if (r->mode == FAIL_START) {
		k6c_sink_fail(sink, 0, "no route to the moon");
		rc = 1;
	} else if (r->mode == FAIL_ABORT_THREAD) {
		r->sink = sink;
		r->aborter_started = pthread_create(&r->aborter, NULL, aborter_main, r) == 0;
	}
	cb_leave(r);
	return rc;
}

static void count_metric(rec *r, const k6c_sample *s)
{
	size_t i;

	for (i = 0; i < r->nper; i++) {
		if (!strcmp(r->per[i].name, s->metric->name))
			break;
	}
	if (i == r->nper) {
		if (r->nper == sizeof(r->per) / sizeof(r->per[0]))
			return;
		snprintf(r->per[r->nper++].name, sizeof(r->per[0].name), "%s", s->metric->name);
	}
	r->per[i].samples++;
	r->per[i].sum += s->value;
}

static int rec_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	rec *r = payload;
	int rc = 0;

	cb_enter(r);
	rec_mark(r, 'A');
	if (k6c_sink_summary_json(sink) != NULL)
		r->summary_outside_stop = 1;
	if (n == 0)
		r->empty_batches++;
	for (size_t i = 0; i < n; i++) {
		const k6c_sample *s = &samples[i];
		if (s->time_us < r->last_time)
			r->order_breaks++;
		r->last_time = s->time_us;
		r->nsamples++;
		count_metric(r, s);
		for (size_t k = 1; k < s->ntags; k++) {
			if (strcmp(s->tags[k - 1].key, s->tags[k].key) >= 0)
				r->unsorted_tags++;
		}
		if (!strcmp(s->metric->name, "http_reqs")) {
			for (size_t k = 0; k < s->ntags; k++) {
				if (!strcmp(s->tags[k].key, "method") && !strcmp(s->tags[k].value, "GET"))
					r->get_tags_seen++;
			}
		}
	}
	if (r->mode == FAIL_ADD) {
		k6c_sink_fail(sink, 0, "disk full");
		rc = -1;
	} else if (r->mode == FAIL_ABORT_THREAD) {
		pthread_mutex_lock(&r->mu);
		r->first_batch = 1;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	cb_leave(r);
	return rc;
}

static int rec_stop(k6c_sink *sink, void *payload, int exit_code)
{
	rec *r = payload;
	const char *sum = k6c_sink_summary_json(sink);

	cb_enter(r);
	rec_mark(r, 'P');
	r->stop_code = exit_code;
	r->stop_summary = sum != NULL && strstr(sum, "\"metrics\"") != NULL &&
		strstr(sum, "\"http_reqs\"") != NULL;
	if (r->aborter_started) {
		/* The sink's own thread is done before stop() returns. */
		pthread_mutex_lock(&r->mu);
		r->first_batch = 1;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->aborter, NULL);
		r->aborter_started = 0;
	}
	cb_leave(r);
	return 0;
}

static void rec_free(void *payload)
{
	rec_mark(payload, 'F');
}

static const k6c_sink_vtable rec_vt = {
	K6C_SINK_VERSION, rec_description, rec_start, rec_add, rec_stop, rec_free
};

static const metric_count *rec_metric(const rec *r, const char *name)
{
	for (size_t i = 0; i < r->nper; i++) {
		if (!strcmp(r->per[i].name, name))
			return &r->per[i];
	}
	return NULL;
}

/* The contract as seen from inside, for a sink that ran. */
static void assert_contract(const rec *r, const char *want_seq)
{
	ck_assert_msg(!strcmp(r->seq, want_seq), "callback sequence %s, expected %s", r->seq, want_seq);
	ck_assert_int_eq(atomic_load(&r->overlaps), 0);
	ck_assert_int_eq(r->thread_changes, 0);
	ck_assert_int_eq(r->empty_batches, 0);
	ck_assert_msg(r->order_breaks == 0, "%d samples older than the one before", r->order_breaks);
	ck_assert_int_eq(r->unsorted_tags, 0);
	ck_assert_int_eq(r->sample_metric_ids_bad, 0);
}

/* ---- helpers -------------------------------------------------------------- */

/* Requests from 3 VUs, checks, and a counter that the init code of VUs 1
 * and up registers while the test runs (VU 0's init, before the sinks
 * start, does not). */
static const char *SCRIPT_HTTP =
	"import http from 'k6/http';\n"
	"import { check, sleep } from 'k6';\n"
	"import { Counter } from 'k6/metrics';\n"
	"const late = __VU > 0 ? new Counter('late_counter') : null;\n"
	"export default function () {\n"
	"  const r = http.get(`${__ENV.BASE_URL}/get`);\n"
	"  check(r, { 'status is 200': (x) => x.status === 200 });\n"
	"  if (late) late.add(2);\n"
	"  sleep(0.01);\n"
	"}\n";

static const char *SCRIPT_SLEEPY =
	"import { sleep } from 'k6';\n"
	"export default function () { sleep(0.05); }\n";

static const char *SCRIPT_NOP = "export default function () {}\n";

/* ---- the contract --------------------------------------------------------- */

START_TEST(test_api_sink__contract)
{
	tcap cap;
	rec ok, failing;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_HTTP, "{\"vus\":3,\"iterations\":90}");
	const metric_count *mc;
	tj *doc;

	rec_init(&ok, FAIL_NONE);
	rec_init(&failing, FAIL_ADD);
	ok.desc = "recorder (all of it)";
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &ok), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &failing), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);

	assert_contract(&ok, "SAP");
	assert_contract(&failing, "SAP");
	ck_assert_int_eq(ok.stop_code, 0);
	ck_assert(ok.stop_summary);
	ck_assert(!ok.summary_outside_stop);
	ck_assert_ptr_null(k6c_sink_summary_json(NULL));
	ck_assert(ok.start_has_http_reqs);
	ck_assert(ok.start_us > 0);
	ck_assert_str_eq(ok.script_path, "sink.js");
	ck_assert(ok.get_tags_seen > 0);

	/* Every sample of the summary reached both sinks. */
	ck_assert(ar_metric(doc, "http_reqs", "count") == 90);
	mc = rec_metric(&ok, "http_reqs");
	ck_assert_ptr_nonnull(mc);
	ck_assert_int_eq(mc->samples, (long)ar_metric(doc, "http_reqs", "count"));
	mc = rec_metric(&ok, "iterations");
	ck_assert_ptr_nonnull(mc);
	ck_assert_int_eq(mc->samples, (long)ar_metric(doc, "iterations", "count"));
	mc = rec_metric(&ok, "checks");
	ck_assert_ptr_nonnull(mc);
	ck_assert_int_eq(mc->samples,
		(long)(ar_metric(doc, "checks", "passes") + ar_metric(doc, "checks", "fails")));
	mc = rec_metric(&ok, "late_counter");
	ck_assert_ptr_nonnull(mc);
	ck_assert(mc->sum == ar_metric(doc, "late_counter", "count"));
	ck_assert(mc->sum == 180);
	ck_assert_int_eq(ok.nsamples, failing.nsamples);
	for (size_t i = 0; i < ok.nper; i++) {
		const metric_count *f = rec_metric(&failing, ok.per[i].name);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->samples, ok.per[i].samples);
	}

	/* The failing sink's error: logged once, the test went on. */
	ck_assert_int_eq(tcap_count(&cap, K6C_LOG_ERROR, "output \"sink 2\": disk full"), 1);
	/* The run header's output line: descriptions, else the name. */
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, "output: recorder (all of it), sink 2"));

	tj_free(doc);
	k6c_test_free(t);
	ck_assert_str_eq(ok.seq, "SAPF");
	ck_assert_str_eq(failing.seq, "SAPF");
	tcap_free(&cap);
}
END_TEST

/* A sink stays with the test: every run starts and stops it again, and it
 * is freed with the test. */
START_TEST(test_api_sink__every_run)
{
	tcap cap;
	rec r;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_NOP, "{\"vus\":1,\"iterations\":3}");

	rec_init(&r, FAIL_NONE);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &r), 0);
	ar_run(t, &cap, 0);
	ar_run(t, &cap, 0);
	ck_assert_str_eq(r.seq, "SAPSAP");
	ck_assert_int_eq(rec_metric(&r, "iterations")->samples, 6);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, "output: sink 1"));
	k6c_test_free(t);
	ck_assert_str_eq(r.seq, "SAPSAPF");
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_sink__no_sink_header)
{
	tcap cap;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_NOP, "{\"vus\":1,\"iterations\":1}");

	ar_run(t, &cap, 0);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, "output: -"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- failures ------------------------------------------------------------- */

START_TEST(test_api_sink__start_fails)
{
	tcap cap;
	rec a, b, c;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_NOP, "{\"vus\":1,\"iterations\":1}");

	rec_init(&a, FAIL_NONE);
	rec_init(&b, FAIL_START);
	rec_init(&c, FAIL_NONE);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &a), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &b), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &c), 0);
	ar_run(t, &cap, 255);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR,
		"could not start output \"sink 2\": no route to the moon"));
	/* The run stopped before executing: the one started before is
	 * stopped, the failed one is not, the one after never started. */
	ck_assert_str_eq(a.seq, "SP");
	ck_assert_int_eq(a.stop_code, 255);
	ck_assert_str_eq(b.seq, "S");
	ck_assert_str_eq(c.seq, "");
	ck_assert_int_eq(a.nsamples, 0);
	ck_assert_ptr_null(k6c_test_summary_json(t));
	k6c_test_free(t);
	ck_assert_str_eq(a.seq, "SPF");
	ck_assert_str_eq(b.seq, "SF");
	ck_assert_str_eq(c.seq, "F");
	tcap_free(&cap);
}
END_TEST

/* k6c_sink_fail(abort=1) from a thread of the sink's own: the test stops
 * like an abort, exits 255, and the summary (and the sink) still get
 * everything measured. */
START_TEST(test_api_sink__abort)
{
	tcap cap;
	rec r;
	k6c_test *t =
		ar_make_test(&cap, "sink.js", SCRIPT_SLEEPY, "{\"vus\":2,\"duration\":\"60s\"}");
	tj *doc;

	rec_init(&r, FAIL_ABORT_THREAD);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &r), 0);
	ar_run(t, &cap, 255);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR,
		"test run aborted by output \"sink 1\": remote storage is full"));
	doc = ar_summary(t);
	assert_contract(&r, "SAP");
	ck_assert_int_eq(r.stop_code, 255);
	ck_assert_ptr_nonnull(rec_metric(&r, "iterations"));
	ck_assert_int_eq(rec_metric(&r, "iterations")->samples,
		(long)ar_metric(doc, "iterations", "count"));
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* A failed run and an aborted one still stop every sink once, with the
 * run's exit code. */
START_TEST(test_api_sink__failed_runs)
{
	static const char *SCRIPT_SETUP_THROWS =
		"export function setup() { throw new Error('no fixtures'); }\n"
		"export default function () {}\n";
	static const char *SCRIPT_LOGS =
		"import { sleep } from 'k6';\n"
		"export default function () { if (__ITER === 0) console.log('iterating'); sleep(0.05); }\n";
	tcap cap;
	rec r;
	k6c_test *t =
		ar_make_test(&cap, "sink.js", SCRIPT_SETUP_THROWS, "{\"vus\":1,\"iterations\":1}");

	rec_init(&r, FAIL_NONE);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &r), 0);
	ar_run(t, &cap, 107);
	ck_assert_int_eq(r.stop_code, 107);
	ck_assert_msg(r.nseq >= 2 && r.seq[0] == 'S' && r.seq[r.nseq - 1] == 'P', "sequence %s", r.seq);
	ck_assert_int_eq(atomic_load(&r.overlaps), 0);
	k6c_test_free(t);
	tcap_free(&cap);

	t = ar_make_test(&cap, "sink.js", SCRIPT_LOGS, "{\"vus\":2,\"duration\":\"60s\"}");
	rec_init(&r, FAIL_NONE);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &r), 0);
	ck_assert_int_eq(k6c_test_start(t), 0);
	for (int i = 0; i < 1200 && !tcap_find(&cap, K6C_LOG_INFO, "iterating"); i++) {
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_INFO, "iterating"));
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	ck_assert_int_eq(k6c_test_exit_code(t), 105);
	ck_assert_int_eq(r.stop_code, 105);
	assert_contract(&r, "SAP");
	k6c_test_free(t);
	ck_assert_str_eq(r.seq, "SAPF");
	tcap_free(&cap);
}
END_TEST

/* A sink that blocks in its first add_samples() until the VUs have done
 * most of the test's iterations: they can only get there if nothing waits
 * for the sink. */
typedef struct slow_sink {
	k6c_test *t;
	int calls;
	int waited_ok;
	long iterations;
} slow_sink;

static int slow_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	slow_sink *s = payload;

	(void)sink;
	if (s->calls++ == 0) {
		for (int i = 0; i < 1200 && !s->waited_ok; i++) {
			k6c_scenario_progress p;
			struct timespec ts = { 0, 50000000L };
			if (k6c_test_progress(s->t, 0, &p) == 0 && p.iterations_complete >= 100)
				s->waited_ok = 1;
			else
				nanosleep(&ts, NULL);
		}
	}
	for (size_t i = 0; i < n; i++)
		s->iterations += !strcmp(samples[i].metric->name, "iterations");
	return 0;
}

START_TEST(test_api_sink__slow_sink)
{
	static const k6c_sink_vtable slow_vt = { K6C_SINK_VERSION, NULL, NULL, slow_add, NULL, NULL };
	tcap cap;
	slow_sink s;
	k6c_test *t = ar_make_test(&cap, "sink.js",
		"import { sleep } from 'k6';\n"
		"export default function () { sleep(0.01); }\n",
		"{\"vus\":2,\"iterations\":150}");
	tj *doc;

	memset(&s, 0, sizeof(s));
	s.t = t;
	ck_assert_int_eq(k6c_test_add_sink(t, &slow_vt, &s), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	ck_assert_msg(s.waited_ok, "the VUs did not get on while the sink blocked");
	ck_assert_int_eq(s.iterations, 150);
	ck_assert(ar_metric(doc, "iterations", "count") == 150);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static int free_calls;

static void count_free(void *payload)
{
	(void)payload;
	free_calls++;
}

static int nop_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	(void)sink, (void)payload, (void)samples, (void)n;
	return 0;
}

/* Every failure of k6c_test_add_sink still frees the payload, once. */
START_TEST(test_api_sink__add_sink_errors)
{
	k6c_sink_vtable vt = { K6C_SINK_VERSION, NULL, NULL, nop_add, NULL, count_free };
	k6c_sink_vtable no_add = { K6C_SINK_VERSION, NULL, NULL, NULL, NULL, count_free };
	k6c_sink_vtable future = { 99, NULL, NULL, nop_add, NULL, count_free };
	k6c_test *t = NULL;
	tcap cap;

	free_calls = 0;
	ck_assert_int_eq(k6c_test_add_sink(NULL, &vt, NULL), K6C_EINVAL);
	ck_assert_int_eq(free_calls, 1);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, NULL, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_add_sink(t, &no_add, NULL), K6C_EINVAL);
	ck_assert_int_eq(free_calls, 2);
	ck_assert_int_eq(k6c_test_add_sink(t, &future, NULL), K6C_ENOTSUP);
	ck_assert_int_eq(free_calls, 3);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "version 99"));
	/* Added, never run: freed with the test, with no other callback. */
	ck_assert_int_eq(k6c_test_add_sink(t, &vt, NULL), 0);
	k6c_test_free(t);
	ck_assert_int_eq(free_calls, 4);

	/* While the test runs: K6C_ESTATE, and freed all the same. */
	t = ar_make_test(&cap, "sink.js", SCRIPT_SLEEPY, "{\"vus\":1,\"duration\":\"60s\"}");
	ck_assert_int_eq(k6c_test_start(t), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, &vt, NULL), K6C_ESTATE);
	ck_assert_int_eq(free_calls, 5);
	ck_assert_int_eq(k6c_test_add_output(t, "x"), K6C_ESTATE);
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	k6c_test_free(t);
	ck_assert_int_eq(free_calls, 5);
	tcap_free(&cap);

	ck_assert_int_eq(k6c_sink_fail(NULL, 1, "x"), K6C_EINVAL);
}
END_TEST

/* ---- named outputs -------------------------------------------------------- */

typedef struct factory_state {
	int calls;
	char args[4][64];
	char urls[4][64];
	char names[4][64];
	int frees;
	rec recs[4];
	int fail;                   /* 1: fail with a message; 2: a bad vtable */
} factory_state;

static void named_free(void *payload)
{
	rec *r = payload;
	rec_mark(r, 'F');
}

static const k6c_sink_vtable named_vt = {
	K6C_SINK_VERSION, rec_description, rec_start, rec_add, rec_stop, named_free
};
static const k6c_sink_vtable bad_vt = {
	7, NULL, NULL, rec_add, NULL, named_free
};

/* Stands in for a remote-write output: configured by its arg and the
 * environment, as `K6_PROMETHEUS_REMOTE_URL=... k6c run -o
 * output-prometheus-remote` configures the built-in one (whose names a
 * host cannot take, hence "my-remote"). */
static int prom_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	factory_state *fs = factory_payload;
	const char *url = k6c_output_env(params, "K6_PROMETHEUS_REMOTE_URL");
	int i = fs->calls++;
	rec *r;

	if (i >= 4 || fs->fail == 1) {
		snprintf(err, errlen, "bad arg '%s'", params->arg);
		return 1;
	}
	snprintf(fs->args[i], sizeof(fs->args[i]), "%s", params->arg);
	snprintf(fs->urls[i], sizeof(fs->urls[i]), "%s", url ? url : "(unset)");
	snprintf(fs->names[i], sizeof(fs->names[i]), "%s", params->name);
	r = &fs->recs[i];
	rec_init(r, FAIL_NONE);
	r->desc = fs->urls[i];
	*vt = fs->fail == 2 ? &bad_vt : &named_vt;
	*payload = r;
	return 0;
}

START_TEST(test_api_sink__named_output)
{
	factory_state fs;
	tcap cap;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_HTTP, "{\"vus\":2,\"iterations\":10}");
	tj *doc;

	memset(&fs, 0, sizeof(fs));
	ck_assert_int_eq(setenv("K6_PROMETHEUS_REMOTE_URL", "http://127.0.0.1:1/x", 1), 0);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_register_output(t, "my-remote", prom_factory, &fs), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "my-remote"), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "my-remote=push=1,x"), 0);
	/* Factories run when the test does. */
	ck_assert_int_eq(fs.calls, 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	ck_assert_int_eq(fs.calls, 2);
	ck_assert_str_eq(fs.names[0], "my-remote");
	ck_assert_str_eq(fs.args[0], "");
	ck_assert_str_eq(fs.args[1], "push=1,x");
	ck_assert_str_eq(fs.urls[0], "http://127.0.0.1:1/x");
	ck_assert_str_eq(fs.urls[1], "http://127.0.0.1:1/x");
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG,
		"output: http://127.0.0.1:1/x, http://127.0.0.1:1/x"));
	for (int i = 0; i < 2; i++) {
		/* Made for the run, so freed at its end. */
		assert_contract(&fs.recs[i], "SAPF");
		ck_assert_int_eq(rec_metric(&fs.recs[i], "http_reqs")->samples,
			(long)ar_metric(doc, "http_reqs", "count"));
	}
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_sink__unknown_output)
{
	factory_state fs;
	tcap cap;
	rec host;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_NOP, "{\"vus\":1,\"iterations\":1}");

	memset(&fs, 0, sizeof(fs));
	rec_init(&host, FAIL_NONE);
	ck_assert_int_eq(k6c_test_add_sink(t, &rec_vt, &host), 0);
	ck_assert_int_eq(k6c_test_register_output(t, "mine", prom_factory, &fs), 0);
	ck_assert_int_eq(k6c_test_register_output(t, "zzz-other", prom_factory, &fs), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "mine"), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "nope=1"), 0);
	ar_run(t, &cap, 104);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR,
		"invalid output type 'nope', available types are: "));
	/* Sorted, with the built-ins. */
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_ERROR, "influxdb, json, mine, ", "statsd",
		", zzz-other", "experimental-prometheus-rw, ", NULL));
	/* Nothing started; the factory's sink is freed with the run, the
	 * host's with the test. */
	ck_assert_int_eq(fs.calls, 1);
	ck_assert_str_eq(fs.recs[0].seq, "F");
	ck_assert_str_eq(host.seq, "");
	k6c_test_free(t);
	ck_assert_str_eq(host.seq, "F");
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_sink__factory_fails)
{
	factory_state fs;
	tcap cap;
	k6c_test *t = ar_make_test(&cap, "sink.js", SCRIPT_NOP, "{\"vus\":1,\"iterations\":1}");

	memset(&fs, 0, sizeof(fs));
	fs.fail = 1;
	ck_assert_int_eq(k6c_test_register_output(t, "failing", prom_factory, &fs), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "failing=x"), 0);
	ar_run(t, &cap, 104);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR,
		"could not create the 'failing' output: bad arg 'x'"));

	/* A factory handing over a vtable of an unknown version: the same,
	 * and its payload is freed. */
	fs.fail = 2;
	fs.calls = 0;
	tcap_clear(&cap);
	ar_run(t, &cap, 104);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR, "could not create the 'failing' output: "));
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR, "version 7"));
	ck_assert_str_eq(fs.recs[0].seq, "F");
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_sink__register_errors)
{
	factory_state fs;
	k6c_test *t = NULL;
	k6c_output_params params;

	memset(&fs, 0, sizeof(fs));
	ck_assert_int_eq(k6c_output_register("api-sink-global", prom_factory, &fs), 0);
	ck_assert_int_eq(k6c_output_register("api-sink-global", prom_factory, &fs), K6C_ECONFIG);
	ck_assert_int_eq(k6c_output_register("bad name", prom_factory, &fs), K6C_EINVAL);
	ck_assert_int_eq(k6c_output_register("", prom_factory, &fs), K6C_EINVAL);
	ck_assert_int_eq(k6c_output_register(NULL, prom_factory, &fs), K6C_EINVAL);
	ck_assert_int_eq(k6c_output_register("no-factory", NULL, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_output_register(
		"a123456789a123456789a123456789a123456789a123456789a123456789abcde", prom_factory, &fs),
		K6C_EINVAL);

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_register_output(t, "api-sink-global", prom_factory, &fs), K6C_ECONFIG);
	ck_assert_int_eq(k6c_test_register_output(t, "mine", prom_factory, &fs), 0);
	ck_assert_int_eq(k6c_test_register_output(t, "mine", prom_factory, &fs), K6C_ECONFIG);
	ck_assert_int_eq(k6c_test_register_output(t, "x/y", prom_factory, &fs), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_register_output(NULL, "z", prom_factory, &fs), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_add_output(t, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_add_output(t, ""), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_add_output(t, "=arg"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_add_output(NULL, "json"), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_add_output(t, "mine=1"), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "mine=1"), 0);

	memset(&params, 0, sizeof(params));
	ck_assert_ptr_null(k6c_output_env(NULL, "HOME"));
	ck_assert_ptr_null(k6c_output_env(&params, "HOME"));
	params.test = t;
	ck_assert_ptr_null(k6c_output_env(&params, NULL));
	/* Only the environment given to the test counts. */
	ck_assert_int_eq(setenv("K6C_SINK_TEST_VAR", "v1", 1), 0);
	ck_assert_ptr_null(k6c_output_env(&params, "K6C_SINK_TEST_VAR"));
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_str_eq(k6c_output_env(&params, "K6C_SINK_TEST_VAR"), "v1");
	k6c_test_free(t);
	ck_assert_int_eq(fs.calls, 0);
}
END_TEST

int main(void)
{
	const sr_case cases[] = {
		{ "contract", test_api_sink__contract },
		{ "every_run", test_api_sink__every_run },
		{ "no_sink_header", test_api_sink__no_sink_header },
		{ "start_fails", test_api_sink__start_fails },
		{ "abort", test_api_sink__abort },
		{ "failed_runs", test_api_sink__failed_runs },
		{ "slow_sink", test_api_sink__slow_sink },
		{ "add_sink_errors", test_api_sink__add_sink_errors },
		{ "named_output", test_api_sink__named_output },
		{ "unknown_output", test_api_sink__unknown_output },
		{ "factory_fails", test_api_sink__factory_fails },
		{ "register_errors", test_api_sink__register_errors },
	};

	return sr_main("test_api_sink", sr_suite("api_sink", cases, sizeof(cases) / sizeof(cases[0])));
}
