/*
 * test_sched.c - unit tests of the run controller, workers and executors
 * (lib/sched) with fake VU operations written in C: no JavaScript. HTTP
 * cases talk to httpbin on 127.0.0.1 (test/support/server.h).
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "metrics/metrics.h"
#include "sched/coro.h"
#include "sched/sched.h"
#include "server.h"
#include "util/util.h"

#define MAX_VU 600

enum mode {
	MODE_NOOP,       /* return at once */
	MODE_SLEEP,      /* k6c__vu_sleep(sleep_ms) */
	MODE_BUSY,       /* spin until k6c__vu_should_stop (JS busy loop) */
	MODE_MIXED,      /* odd VUs spin, even VUs sleep sleep_ms */
	MODE_HTTP,       /* GET url (recycling the response if recycle is set) */
	MODE_THROW       /* "throws": returns 1 */
};

typedef struct fake {
	enum mode mode;
	double sleep_ms;
	int fail_init_vu;            /* this VU's init fails (-1: none) */
	int setup_rc;
	const char *url;
	bool recycle;                /* MODE_HTTP: k6c__vu_http_recycle, not k6c__http_resp_free */
	atomic_int http_reused, http_not_zeroed;
	atomic_int inits, setups, teardowns, frees, frees_other_thread;
	atomic_int iterates, aborted_calls, stack_low_seen;
	atomic_int http_ok, http_hops, http_finals;
	atomic_int bad_iter;         /* __ITER / scenario counters out of order */
	atomic_int per_vu[MAX_VU + 1];
	atomic_int scenario_a, scenario_b;
	atomic_int setup_vu_id;      /* id seen by setup (expected 0) */
	atomic_int teardown_stopped; /* should_stop was true in teardown */
	atomic_llong teardown_ns;
} fake;

typedef struct vu_state {
	fake *f;
	int id;
	pthread_t thread;
	uint64_t expect_iter;
	const char *last_body;       /* the body buffer last recycled by this VU */
} vu_state;

static int fake_init(void *ctx, k6c__vu *vu, void **out)
{
	fake *f = ctx;
	if (k6c__vu_id(vu) == f->fail_init_vu)
		return k6c__error(K6C_ESCRIPT, "init of VU %d threw", k6c__vu_id(vu));
	vu_state *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return K6C_ENOMEM;
	st->f = f;
	st->id = k6c__vu_id(vu);
	st->thread = pthread_self();
	/* Init runs on the VU's coroutine with a fresh stack. */
	if (k6c__coro_current() == NULL || k6c__coro_stack_low())
		atomic_fetch_add(&f->stack_low_seen, 1);
	atomic_fetch_add(&f->inits, 1);
	*out = st;
	return 0;
}

static void http_hop(k6c__http_conn *conn, k6c__http_resp *resp, bool is_final, void *arg)
{
	fake *f = arg;
	atomic_fetch_add(is_final ? &f->http_finals : &f->http_hops, 1);
}

static int fake_iterate(void *state, k6c__vu *vu)
{
	vu_state *st = state;
	fake *f = st->f;
	int rc = 0;

	atomic_fetch_add(&f->iterates, 1);
	if (st->id >= 1 && st->id <= MAX_VU)
		atomic_fetch_add(&f->per_vu[st->id], 1);
	if (k6c__vu_iteration(vu) != st->expect_iter++)
		atomic_fetch_add(&f->bad_iter, 1);
	if (strcmp(k6c__vu_scenario(vu), "a") == 0)
		atomic_fetch_add(&f->scenario_a, 1);
	else if (strcmp(k6c__vu_scenario(vu), "b") == 0)
		atomic_fetch_add(&f->scenario_b, 1);

	enum mode m = f->mode;
	if (m == MODE_MIXED)
		m = st->id % 2 ? MODE_BUSY : MODE_SLEEP;
	switch (m) {
	case MODE_NOOP:
		break;
	case MODE_THROW:
		return 1;
	case MODE_SLEEP:
		rc = k6c__vu_sleep(vu, f->sleep_ms);
		break;
	case MODE_BUSY:
		while (!k6c__vu_should_stop(vu))
			;
		rc = K6C_EABORTED;
		break;
	case MODE_HTTP: {
		k6c__http_req req = { .method = "GET", .url = f->url, .max_redirects = -1 };
		k6c__http_resp resp;
		memset(&resp, 0, sizeof(resp));
		rc = k6c__vu_http(vu, &req, &resp, http_hop, f);
		if (rc == 0 && resp.status == 200)
			atomic_fetch_add(&f->http_ok, 1);
		if (!f->recycle) {
			k6c__http_resp_free(&resp);
			break;
		}
		/* The same answer again fits the recycled buffer exactly. */
		if (resp.body.ptr != NULL && resp.body.ptr == st->last_body)
			atomic_fetch_add(&f->http_reused, 1);
		st->last_body = resp.body.ptr;
		k6c__vu_http_recycle(vu, &resp);
		if (resp.body.ptr != NULL || resp.headers.ptr != NULL || resp.url != NULL)
			atomic_fetch_add(&f->http_not_zeroed, 1);
		break;
	}
	default:
		break;
	}
	if (rc == K6C_EABORTED) {
		atomic_fetch_add(&f->aborted_calls, 1);
		return K6C_EABORTED;
	}
	return rc;
}

static int fake_setup(void *state, k6c__vu *vu)
{
	vu_state *st = state;
	atomic_store(&st->f->setup_vu_id, k6c__vu_id(vu));
	atomic_fetch_add(&st->f->setups, 1);
	return st->f->setup_rc;
}

static int fake_teardown(void *state, k6c__vu *vu)
{
	vu_state *st = state;
	/* Teardown may sleep even after an abort. */
	if (k6c__vu_sleep(vu, 1) != 0 || k6c__vu_should_stop(vu))
		atomic_fetch_add(&st->f->teardown_stopped, 1);
	atomic_store(&st->f->teardown_ns, (long long)k6c__now_ns());
	atomic_fetch_add(&st->f->teardowns, 1);
	return 0;
}

static void fake_free(void *state)
{
	vu_state *st = state;
	atomic_fetch_add(&st->f->frees, 1);
	if (!pthread_equal(st->thread, pthread_self()))
		atomic_fetch_add(&st->f->frees_other_thread, 1);
	free(st);
}

static const k6c__vu_ops fake_ops = {
	.init = fake_init,
	.iterate = fake_iterate,
	.setup = fake_setup,
	.teardown = fake_teardown,
	.free = fake_free,
};

static fake *fake_new(enum mode mode, double sleep_ms)
{
	fake *f = calloc(1, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	f->mode = mode;
	f->sleep_ms = sleep_ms;
	f->fail_init_vu = -1;
	atomic_store(&f->setup_vu_id, -1);
	return f;
}

/* ---- metrics: what the aggregation thread saw ---- */

typedef struct seen {
	atomic_int iter_samples, iter_bad_tags, gauge_samples, gauge_tagged;
	atomic_int vus_max_seen, vus_seen_max;
	atomic_int dropped;
} seen;

static void on_samples(const k6c__sample_view *v, size_t n, void *arg)
{
	seen *s = arg;
	for (size_t i = 0; i < n; i++) {
		if (v[i].metric == K6C__M_ITERATIONS) {
			atomic_fetch_add(&s->iter_samples, 1);
			if (v[i].ntags != 2 || strcmp(v[i].tags[0].key, "group") != 0 ||
			    strcmp(v[i].tags[0].value, "") != 0 ||
			    strcmp(v[i].tags[1].key, "scenario") != 0)
				atomic_fetch_add(&s->iter_bad_tags, 1);
		} else if (v[i].metric == K6C__M_VUS || v[i].metric == K6C__M_VUS_MAX) {
			atomic_fetch_add(&s->gauge_samples, 1);
			if (v[i].ntags != 0)
				atomic_fetch_add(&s->gauge_tagged, 1);
			if (v[i].metric == K6C__M_VUS_MAX)
				atomic_store(&s->vus_max_seen, (int)v[i].value);
			else if ((int)v[i].value > atomic_load(&s->vus_seen_max))
				atomic_store(&s->vus_seen_max, (int)v[i].value);
		} else if (v[i].metric == K6C__M_DROPPED_ITERATIONS) {
			atomic_fetch_add(&s->dropped, (int)v[i].value);
		}
	}
}

typedef struct run {
	k6c__sched_config cfg;
	k6c__scenario sc[2];
	k6c__sched *s;
	k6c__sched_result res;
	k6c__metrics *m;
	seen seen;
	double wall_ms;
	int rc;
} run;

static void run_init(run *r, fake *f, unsigned workers)
{
	memset(r, 0, sizeof(*r));
	r->cfg.workers = workers;
	r->cfg.ops = &fake_ops;
	r->cfg.ops_ctx = f;
	r->cfg.scenarios = r->sc;
	r->cfg.nscenarios = 1;
	for (int i = 0; i < 2; i++) {
		r->sc[i].name = "default";
		r->sc[i].graceful_stop_ms = -1;
	}
}

static void run_go(run *r, bool with_metrics)
{
	if (with_metrics) {
		k6c__metrics_config mc = { .on_samples = on_samples, .on_samples_arg = &r->seen };
		ck_assert_int_eq(k6c__metrics_new(&r->m, &mc), 0);
		ck_assert_int_eq(k6c__metrics_start(r->m), 0);
		r->cfg.metrics = r->m;
	}
	ck_assert_int_eq(k6c__sched_new(&r->s, &r->cfg), 0);
	uint64_t t0 = k6c__now_ns();
	r->rc = k6c__sched_run(r->s, &r->res);
	r->wall_ms = (double)(k6c__now_ns() - t0) / 1e6;
	if (with_metrics)
		k6c__metrics_stop(r->m);
}

static double metric_count(run *r, int id)
{
	double v = -1;
	ck_assert_int_eq(k6c__metrics_stat(r->m, id, "count", r->res.duration_ms, &v), 0);
	return v;
}

static void run_end(run *r, fake *f)
{
	k6c__sched_free(r->s);
	if (r->m != NULL)
		k6c__metrics_free(r->m);
	/* Every state created was freed, on the thread that created it. */
	ck_assert_int_eq(atomic_load(&f->frees), atomic_load(&f->inits));
	ck_assert_int_eq(atomic_load(&f->frees_other_thread), 0);
	ck_assert_int_eq(atomic_load(&f->stack_low_seen), 0);
	free(f);
}

/* ---- executors ---- */

START_TEST(test_sched_exec_constant_vus__sleeping)
{
	fake *f = fake_new(MODE_SLEEP, 100);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 10;
	r.sc[0].duration_ms = 1000;
	run_go(&r, true);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, 0);
	/* 10 VUs x ~10 iterations of 100 ms; the ones in flight at 1 s finish
	 * within gracefulStop. */
	ck_assert_uint_ge(r.res.iterations_complete, 60);
	ck_assert_uint_le(r.res.iterations_complete, 120);
	ck_assert_uint_eq(r.res.iterations_interrupted, 0);
	for (int id = 1; id <= 10; id++)
		ck_assert_int_ge(atomic_load(&f->per_vu[id]), 5);
	ck_assert_int_eq(atomic_load(&f->per_vu[11]), 0);
	ck_assert_int_eq(atomic_load(&f->bad_iter), 0);
	ck_assert(r.res.duration_ms >= 1000 && r.res.duration_ms < 5000);
	/* 10 VUs + the setup/teardown VU. */
	ck_assert_int_eq(atomic_load(&f->inits), 11);
	ck_assert_int_eq(atomic_load(&f->setups), 1);
	ck_assert_int_eq(atomic_load(&f->setup_vu_id), 0);
	ck_assert_int_eq(atomic_load(&f->teardowns), 1);
	ck_assert_int_eq(atomic_load(&f->teardown_stopped), 0);

	/* The aggregator counted exactly the completed iterations. */
	ck_assert_int_eq((int)metric_count(&r, K6C__M_ITERATIONS), (int)r.res.iterations_complete);
	ck_assert_int_eq(atomic_load(&r.seen.iter_samples), (int)r.res.iterations_complete);
	ck_assert_int_eq(atomic_load(&r.seen.iter_bad_tags), 0);
	/* Gauges at start, ~each second and at the end, untagged. */
	ck_assert_int_ge(atomic_load(&r.seen.gauge_samples), 4);
	ck_assert_int_eq(atomic_load(&r.seen.gauge_tagged), 0);
	ck_assert_int_eq(atomic_load(&r.seen.vus_max_seen), 10);
	ck_assert_int_eq(atomic_load(&r.seen.vus_seen_max), 10);
	double vmin = -1;
	ck_assert_int_eq(k6c__metrics_stat(r.m, K6C__M_VUS, "min", r.res.duration_ms, &vmin), 0);
	ck_assert(vmin == 10);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_shared_iterations__exact)
{
	fake *f = fake_new(MODE_SLEEP, 1);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_SHARED_ITERATIONS;
	r.sc[0].vus = 5;
	r.sc[0].iterations = 50;
	run_go(&r, true);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates), 50);
	ck_assert_uint_eq(r.res.iterations_complete, 50);
	ck_assert_int_eq(atomic_load(&r.seen.dropped), 0);
	ck_assert_int_eq((int)metric_count(&r, K6C__M_ITERATIONS), 50);
	ck_assert_int_eq(atomic_load(&f->bad_iter), 0);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_shared_iterations__no_sleep)
{
	/* Iterations that never block: the VUs still share the work and the
	 * total is exact. */
	fake *f = fake_new(MODE_NOOP, 0);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_SHARED_ITERATIONS;
	r.sc[0].vus = 3;
	r.sc[0].iterations = 20000;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates), 20000);
	ck_assert_uint_eq(r.res.iterations_complete, 20000);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_shared_iterations__max_duration_drops)
{
	fake *f = fake_new(MODE_SLEEP, 100);
	run r;
	run_init(&r, f, 1);
	r.sc[0].executor = K6C__EXEC_SHARED_ITERATIONS;
	r.sc[0].vus = 1;
	r.sc[0].iterations = 100;
	r.sc[0].max_duration_ms = 350;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	uint64_t started = (uint64_t)atomic_load(&f->iterates);
	ck_assert_uint_ge(started, 2);
	ck_assert_uint_le(started, 6);
	/* The one in flight at 350 ms finishes within gracefulStop. */
	ck_assert_uint_eq(r.res.iterations_complete, started);
	ck_assert_int_eq(atomic_load(&r.seen.dropped), (int)(100 - started));
	ck_assert_int_eq((int)metric_count(&r, K6C__M_DROPPED_ITERATIONS), (int)(100 - started));
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_per_vu_iterations__each)
{
	fake *f = fake_new(MODE_SLEEP, 5);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 4;
	r.sc[0].iterations = 3;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	ck_assert_uint_eq(r.res.iterations_complete, 12);
	for (int id = 1; id <= 4; id++)
		ck_assert_int_eq(atomic_load(&f->per_vu[id]), 3);
	ck_assert_int_eq(atomic_load(&f->bad_iter), 0);
	ck_assert_int_eq(atomic_load(&r.seen.dropped), 0);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_throwing__counted)
{
	/* An iteration that threw still counts as complete (k6). */
	fake *f = fake_new(MODE_THROW, 0);
	run r;
	run_init(&r, f, 1);
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 2;
	r.sc[0].iterations = 5;
	run_go(&r, true);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_uint_eq(r.res.iterations_complete, 10);
	ck_assert_int_eq((int)metric_count(&r, K6C__M_ITERATIONS), 10);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_graceful_stop__finishes)
{
	/* Iterations of 300 ms, a 100 ms scenario and 2 s of gracefulStop:
	 * the first iterations finish, no new one starts. */
	fake *f = fake_new(MODE_SLEEP, 300);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 3;
	r.sc[0].duration_ms = 100;
	r.sc[0].graceful_stop_ms = 2000;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_uint_eq(r.res.iterations_complete, 3);
	ck_assert_uint_eq(r.res.iterations_interrupted, 0);
	ck_assert(r.wall_ms < 2000);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_hard_stop__interrupts)
{
	/* Odd VUs spin until should_stop, even VUs sleep 10 s: both are
	 * interrupted by the hard stop after gracefulStop. */
	fake *f = fake_new(MODE_MIXED, 10000);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 2;
	r.sc[0].duration_ms = 200;
	r.sc[0].graceful_stop_ms = 100;
	run_go(&r, true);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_uint_eq(r.res.iterations_complete, 0);
	ck_assert_uint_eq(r.res.iterations_interrupted, 2);
	ck_assert_int_eq(atomic_load(&f->aborted_calls), 2);
	ck_assert_int_eq(atomic_load(&r.seen.iter_samples), 0);
	ck_assert(r.wall_ms >= 300 && r.wall_ms < 5000);
	ck_assert_int_eq(atomic_load(&f->teardowns), 1);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_many_vus__one_worker)
{
	/* 500 VUs on one worker, each sleeping 50 ms per iteration for 1 s:
	 * every VU makes progress. */
	fake *f = fake_new(MODE_SLEEP, 50);
	run r;
	run_init(&r, f, 1);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 500;
	r.sc[0].duration_ms = 1000;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	for (int id = 1; id <= 500; id++)
		ck_assert_int_ge(atomic_load(&f->per_vu[id]), 5);
	ck_assert_uint_ge(r.res.iterations_complete, 2500);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_exec_scenarios__start_time)
{
	/* Scenario a: 2 VUs x 2 iterations now; b: 3 VUs for 200 ms from
	 * 300 ms. Both run, under their own names. */
	fake *f = fake_new(MODE_SLEEP, 20);
	run r;
	run_init(&r, f, 2);
	r.cfg.nscenarios = 2;
	r.sc[0].name = "a";
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 2;
	r.sc[0].iterations = 2;
	r.sc[1].name = "b";
	r.sc[1].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[1].vus = 3;
	r.sc[1].duration_ms = 200;
	r.sc[1].start_time_ms = 300;
	run_go(&r, true);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->scenario_a), 4);
	ck_assert_int_ge(atomic_load(&f->scenario_b), 3 * 5);
	ck_assert(r.res.duration_ms >= 500);
	ck_assert_int_eq(atomic_load(&r.seen.iter_bad_tags), 0);
	/* a's planned span (10m30s) overlaps b's start: 5 VUs. */
	ck_assert_int_eq(atomic_load(&r.seen.vus_max_seen), 5);
	run_end(&r, f);
}
END_TEST

/* ---- abort ---- */

typedef struct aborter {
	k6c__sched *s;
	int delay_ms;
} aborter;

static void *abort_thread(void *arg)
{
	aborter *a = arg;
	struct timespec ts = { 0, (long)a->delay_ms * 1000000L };
	nanosleep(&ts, NULL);
	k6c__sched_abort(a->s);
	return NULL;
}

START_TEST(test_sched_abort__from_thread)
{
	fake *f = fake_new(MODE_SLEEP, 5000);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 20;
	r.sc[0].duration_ms = 30000;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), 0);
	aborter a = { r.s, 300 };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, abort_thread, &a), 0);
	uint64_t t0 = k6c__now_ns();
	r.rc = k6c__sched_run(r.s, &r.res);
	double ms = (double)(k6c__now_ns() - t0) / 1e6;
	pthread_join(t, NULL);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, K6C_EABORTED);
	ck_assert(ms < 3000);
	ck_assert_uint_eq(r.res.iterations_interrupted, 20);
	ck_assert_uint_eq(r.res.iterations_complete, 0);
	/* Teardown ran after the abort, and its sleep was not interrupted. */
	ck_assert_int_eq(atomic_load(&f->teardowns), 1);
	ck_assert_int_eq(atomic_load(&f->teardown_stopped), 0);
	run_end(&r, f);
}
END_TEST

static k6c__sched *g_signal_sched;

static void on_alarm(int sig)
{
	k6c__sched_abort(g_signal_sched);
}

START_TEST(test_sched_abort__from_signal_handler)
{
	fake *f = fake_new(MODE_MIXED, 5000);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	/* VU 1 spins (and would starve any other VU on its worker), VU 2
	 * sleeps; one worker each. */
	r.sc[0].vus = 2;
	r.sc[0].duration_ms = 30000;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), 0);
	g_signal_sched = r.s;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = { { 0, 0 }, { 0, 300000 } };
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	uint64_t t0 = k6c__now_ns();
	r.rc = k6c__sched_run(r.s, &r.res);
	double ms = (double)(k6c__now_ns() - t0) / 1e6;
	signal(SIGALRM, SIG_DFL);

	ck_assert_int_eq(r.res.status, K6C_EABORTED);
	ck_assert(ms < 3000);
	ck_assert_uint_eq(r.res.iterations_interrupted, 2);
	ck_assert_int_eq(atomic_load(&f->teardowns), 1);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_abort__before_run)
{
	fake *f = fake_new(MODE_SLEEP, 10);
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 3;
	r.sc[0].duration_ms = 10000;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), 0);
	k6c__sched_abort(r.s);
	ck_assert_int_eq(k6c__sched_run(r.s, &r.res), 0);
	ck_assert_int_eq(r.res.status, K6C_EABORTED);
	ck_assert_int_eq(atomic_load(&f->iterates), 0);
	ck_assert_int_eq(atomic_load(&f->setups), 0);
	/* A second run is refused. */
	ck_assert_int_eq(k6c__sched_run(r.s, &r.res), K6C_ESTATE);
	run_end(&r, f);
}
END_TEST

/* ---- failures ---- */

START_TEST(test_sched_fail__init)
{
	fake *f = fake_new(MODE_SLEEP, 10);
	f->fail_init_vu = 3;
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 8;
	r.sc[0].duration_ms = 10000;
	run_go(&r, false);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, K6C_ESCRIPT);
	ck_assert_int_eq(atomic_load(&f->iterates), 0);
	ck_assert_int_eq(atomic_load(&f->setups), 0);
	ck_assert_int_eq(atomic_load(&f->teardowns), 0);
	ck_assert(r.wall_ms < 3000);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_fail__setup)
{
	fake *f = fake_new(MODE_SLEEP, 10);
	f->setup_rc = K6C_ESCRIPT;
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 2;
	r.sc[0].duration_ms = 10000;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, K6C_ESCRIPT);
	ck_assert_int_eq(atomic_load(&f->setups), 1);
	ck_assert_int_eq(atomic_load(&f->iterates), 0);
	/* As in k6: no teardown when setup failed. */
	ck_assert_int_eq(atomic_load(&f->teardowns), 0);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_fail__no_setup_teardown_flags)
{
	fake *f = fake_new(MODE_NOOP, 0);
	run r;
	run_init(&r, f, 1);
	r.cfg.no_setup = true;
	r.cfg.no_teardown = true;
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 1;
	r.sc[0].iterations = 1;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->setups), 0);
	ck_assert_int_eq(atomic_load(&f->teardowns), 0);
	/* No setup/teardown VU either. */
	ck_assert_int_eq(atomic_load(&f->inits), 1);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_fail__config)
{
	fake *f = fake_new(MODE_NOOP, 0);
	run r;
	run_init(&r, f, 1);
	r.sc[0].executor = K6C__EXEC_SHARED_ITERATIONS;
	r.sc[0].vus = 5;
	r.sc[0].iterations = 3;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_ECONFIG);
	ck_assert_ptr_null(r.s);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message,
		"the number of iterations (3) can't be less than the number of VUs (5)"));
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].duration_ms = 0;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_ECONFIG);
	r.cfg.ops = NULL;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_EINVAL);
	free(f);
}
END_TEST

START_TEST(test_sched_vu__off_coroutine)
{
	/* The blocking calls refuse to run off the VU's coroutine. */
	ck_assert_int_eq(k6c__vu_sleep(NULL, 1), K6C_ESTATE);
	ck_assert_int_eq(k6c__coro_stack_low(), 0);
}
END_TEST

/* ---- HTTP ---- */

static ts_server httpbin;
static bool httpbin_ok;
static char url_get[128], url_redirect[128], url_delay[128];

static void httpbin_setup(void)
{
	httpbin_ok = ts_httpbin_start(&httpbin) == 0;
	snprintf(url_get, sizeof(url_get), "%s/get", httpbin.base_url);
	snprintf(url_redirect, sizeof(url_redirect), "%s/redirect/2", httpbin.base_url);
	snprintf(url_delay, sizeof(url_delay), "%s/delay/3", httpbin.base_url);
}

static void httpbin_teardown(void)
{
	if (httpbin_ok)
		ts_server_stop(&httpbin);
}

START_TEST(test_sched_http__get)
{
	ck_assert(httpbin_ok);
	fake *f = fake_new(MODE_HTTP, 0);
	f->url = url_get;
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 3;
	r.sc[0].iterations = 2;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->http_ok), 6);
	ck_assert_int_eq(atomic_load(&f->http_finals), 6);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_http__recycle)
{
	ck_assert(httpbin_ok);
	fake *f = fake_new(MODE_HTTP, 0);
	f->url = url_get;
	f->recycle = true;
	run r;
	run_init(&r, f, 2);
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 3;
	r.sc[0].iterations = 2;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->http_ok), 6);
	ck_assert_int_eq(atomic_load(&f->http_not_zeroed), 0);
	/* Each VU's second response lives in its first one's memory. */
	ck_assert_int_eq(atomic_load(&f->http_reused), 3);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_http__redirect_hops)
{
	ck_assert(httpbin_ok);
	fake *f = fake_new(MODE_HTTP, 0);
	f->url = url_redirect;
	run r;
	run_init(&r, f, 1);
	r.sc[0].executor = K6C__EXEC_PER_VU_ITERATIONS;
	r.sc[0].vus = 1;
	r.sc[0].iterations = 1;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->http_ok), 1);
	/* Two redirect hops forwarded to the caller's callback, then the
	 * final response. */
	ck_assert_int_eq(atomic_load(&f->http_hops), 2);
	ck_assert_int_eq(atomic_load(&f->http_finals), 1);
	run_end(&r, f);
}
END_TEST

START_TEST(test_sched_http__hard_stop_cancels)
{
	ck_assert(httpbin_ok);
	fake *f = fake_new(MODE_HTTP, 0);
	f->url = url_delay;
	run r;
	run_init(&r, f, 1);
	r.sc[0].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[0].vus = 2;
	r.sc[0].duration_ms = 200;
	r.sc[0].graceful_stop_ms = 100;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_uint_eq(r.res.iterations_interrupted, 2);
	ck_assert_int_eq(atomic_load(&f->aborted_calls), 2);
	ck_assert_int_eq(atomic_load(&f->http_finals), 0);
	ck_assert(r.wall_ms < 5000);
	run_end(&r, f);
}
END_TEST

static Suite *sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("exec");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_exec_constant_vus__sleeping);
	tcase_add_test(tc, test_sched_exec_shared_iterations__exact);
	tcase_add_test(tc, test_sched_exec_shared_iterations__no_sleep);
	tcase_add_test(tc, test_sched_exec_shared_iterations__max_duration_drops);
	tcase_add_test(tc, test_sched_exec_per_vu_iterations__each);
	tcase_add_test(tc, test_sched_exec_throwing__counted);
	tcase_add_test(tc, test_sched_exec_graceful_stop__finishes);
	tcase_add_test(tc, test_sched_exec_hard_stop__interrupts);
	tcase_add_test(tc, test_sched_exec_many_vus__one_worker);
	tcase_add_test(tc, test_sched_exec_scenarios__start_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("abort");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_abort__from_thread);
	tcase_add_test(tc, test_sched_abort__from_signal_handler);
	tcase_add_test(tc, test_sched_abort__before_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("fail");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_fail__init);
	tcase_add_test(tc, test_sched_fail__setup);
	tcase_add_test(tc, test_sched_fail__no_setup_teardown_flags);
	tcase_add_test(tc, test_sched_fail__config);
	tcase_add_test(tc, test_sched_vu__off_coroutine);
	suite_add_tcase(s, tc);

	tc = tcase_create("http");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, httpbin_setup, httpbin_teardown);
	tcase_add_test(tc, test_sched_http__get);
	tcase_add_test(tc, test_sched_http__recycle);
	tcase_add_test(tc, test_sched_http__redirect_hops);
	tcase_add_test(tc, test_sched_http__hard_stop_cancels);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sched_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
