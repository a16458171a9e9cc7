/*
 * test_sched_executors.c - the ramping, arrival-rate and
 * externally-controlled executors, pause, the lifecycle (timeouts,
 * handleSummary, exec.test.abort/fail) and execution segments, with fake VU
 * operations written in C (no JavaScript). Timing checks are loose: the
 * machine may be a noisy 2-core one.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"
#include "sched/sched.h"
#include "sched/segment.h"
#include "util/util.h"

#define MAX_VU 64
#define MAX_EV 4096

/* One iteration as the fake saw it. */
typedef struct ev {
	uint64_t start_ns, end_ns, due_ns;
	uint64_t iter_test, iter_inst;
	int vu;
	int scen;                    /* k6c__vu_scenario_index */
	uint64_t vu_test;
	bool aborted;
} ev;

typedef struct fake {
	double sleep_ms;             /* per iteration; <0: spin until should_stop */
	double setup_sleep_ms;       /* <0: spin */
	double teardown_sleep_ms;
	double summary_sleep_ms;
	int fail_init_vu;            /* -1: none */
	int abort_after;             /* abort the test in iteration number n (1-based; 0: never) */
	bool fail_test;              /* call k6c__vu_fail_test in the first iteration */
	atomic_int inits, frees, iterates, setups, teardowns, summaries;
	atomic_int per_vu[MAX_VU + 1];
	atomic_int nev;
	ev evs[MAX_EV];
	/* Order of events (a shared counter). */
	atomic_int seq;
	atomic_int setup_seq, teardown_seq, summary_seq, summary_data_seq;
	atomic_int first_iter_seq, last_iter_seq;
	atomic_llong setup_ns;
	atomic_int setup_rc_seen, teardown_rc_seen;
	char summary_in[64];
} fake;

typedef struct vu_state {
	fake *f;
	int id;
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
	atomic_fetch_add(&f->inits, 1);
	*out = st;
	return 0;
}

/* Sleeps ms (or spins until told to stop when ms < 0). */
static int wait_or_spin(k6c__vu *vu, double ms)
{
	if (ms < 0) {
		while (!k6c__vu_should_stop(vu))
			;
		return K6C_EABORTED;
	}
	if (ms == 0)
		return 0;
	return k6c__vu_sleep(vu, ms);
}

static int fake_iterate(void *state, k6c__vu *vu)
{
	vu_state *st = state;
	fake *f = st->f;
	int n = atomic_fetch_add(&f->iterates, 1) + 1;
	int s = atomic_fetch_add(&f->seq, 1);
	int expect = -1;
	atomic_compare_exchange_strong(&f->first_iter_seq, &expect, s);
	atomic_store(&f->last_iter_seq, s);
	if (st->id >= 0 && st->id <= MAX_VU)
		atomic_fetch_add(&f->per_vu[st->id], 1);
	int i = atomic_fetch_add(&f->nev, 1);
	ev *e = i < MAX_EV ? &f->evs[i] : NULL;
	if (e != NULL) {
		e->start_ns = k6c__now_ns();
		e->due_ns = k6c__vu_scheduled_ns(vu);
		e->iter_test = k6c__vu_scenario_iter_in_test(vu);
		e->iter_inst = k6c__vu_scenario_iter_global(vu);
		e->vu = st->id;
		e->scen = k6c__vu_scenario_index(vu);
		e->vu_test = k6c__vu_id_in_test(vu);
	}
	if (f->fail_test && n == 1)
		k6c__vu_fail_test(vu);
	if (f->abort_after > 0 && n == f->abort_after)
		k6c__vu_abort_test(vu, "enough");
	int rc = wait_or_spin(vu, f->sleep_ms);
	if (e != NULL) {
		e->end_ns = k6c__now_ns();
		e->aborted = rc == K6C_EABORTED;
	}
	return rc == K6C_EABORTED ? K6C_EABORTED : 0;
}

static int fake_setup(void *state, k6c__vu *vu)
{
	vu_state *st = state;
	fake *f = st->f;
	atomic_store(&f->setup_ns, (long long)k6c__now_ns());
	atomic_store(&f->setup_seq, atomic_fetch_add(&f->seq, 1));
	atomic_fetch_add(&f->setups, 1);
	int rc = wait_or_spin(vu, f->setup_sleep_ms);
	atomic_store(&f->setup_rc_seen, rc);
	return rc;
}

static int fake_teardown(void *state, k6c__vu *vu)
{
	vu_state *st = state;
	fake *f = st->f;
	atomic_store(&f->teardown_seq, atomic_fetch_add(&f->seq, 1));
	atomic_fetch_add(&f->teardowns, 1);
	int rc = wait_or_spin(vu, f->teardown_sleep_ms);
	atomic_store(&f->teardown_rc_seen, rc);
	return 0;
}

static int fake_summary(void *state, k6c__vu *vu, const char *data_json, k6c__summary_output **out, size_t *nout)
{
	vu_state *st = state;
	fake *f = st->f;
	atomic_store(&f->summary_seq, atomic_fetch_add(&f->seq, 1));
	atomic_fetch_add(&f->summaries, 1);
	snprintf(f->summary_in, sizeof(f->summary_in), "%s", data_json);
	int rc = wait_or_spin(vu, f->summary_sleep_ms);
	if (rc != 0)
		return K6C_EABORTED;
	k6c__summary_output *o = k6c__calloc(1, sizeof(*o));
	ck_assert_ptr_nonnull(o);
	o->key = k6c__strdup("stdout");
	o->data = k6c__strdup("summary!");
	o->len = 8;
	*out = o;
	*nout = 1;
	return 0;
}

static void fake_free(void *state)
{
	vu_state *st = state;
	atomic_fetch_add(&st->f->frees, 1);
	free(st);
}

static const k6c__vu_ops fake_ops = {
	.init = fake_init,
	.iterate = fake_iterate,
	.setup = fake_setup,
	.teardown = fake_teardown,
	.handle_summary = fake_summary,
	.free = fake_free,
};

static fake *fake_new(double sleep_ms)
{
	fake *f = calloc(1, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	f->sleep_ms = sleep_ms;
	f->fail_init_vu = -1;
	atomic_store(&f->first_iter_seq, -1);
	atomic_store(&f->setup_seq, -1);
	atomic_store(&f->teardown_seq, -1);
	atomic_store(&f->summary_seq, -1);
	atomic_store(&f->summary_data_seq, -1);
	return f;
}

static const char *summary_data(void *arg, const k6c__sched_result *r)
{
	fake *f = arg;
	atomic_store(&f->summary_data_seq, atomic_fetch_add(&f->seq, 1));
	return r->status == K6C_EABORTED ? "{\"aborted\":true}" : "{\"ok\":true}";
}

/* ---- metrics: dropped_iterations and the gauges ---- */

typedef struct seen {
	atomic_int dropped, vus_max_last, vus_peak;
	/* iterations samples, iteration_duration_from_schedule samples, those
	 * shorter than their iteration_duration, and the largest excess of
	 * the first over the second (ms). */
	atomic_int iters, from_sched, from_sched_short;
	double max_wait_ms;
} seen;

static void on_samples(const k6c__sample_view *v, size_t n, void *arg)
{
	seen *s = arg;
	for (size_t i = 0; i < n; i++) {
		if (v[i].metric == K6C__M_DROPPED_ITERATIONS)
			atomic_fetch_add(&s->dropped, (int)v[i].value);
		else if (v[i].metric == K6C__M_VUS_MAX)
			atomic_store(&s->vus_max_last, (int)v[i].value);
		else if (v[i].metric == K6C__M_VUS && (int)v[i].value > atomic_load(&s->vus_peak))
			atomic_store(&s->vus_peak, (int)v[i].value);
		else if (v[i].metric == K6C__M_ITERATIONS)
			atomic_fetch_add(&s->iters, 1);
		/* One add() puts the trend right after iteration_duration. */
		if (v[i].metric == K6C__M_ITERATION_DURATION_FROM_SCHEDULE) {
			atomic_fetch_add(&s->from_sched, 1);
			ck_assert(i > 0 && v[i - 1].metric == K6C__M_ITERATION_DURATION);
			double wait = v[i].value - v[i - 1].value;
			if (wait < -1e-6)
				atomic_fetch_add(&s->from_sched_short, 1);
			if (wait > s->max_wait_ms)
				s->max_wait_ms = wait;
		}
	}
}

typedef struct run {
	k6c__sched_config cfg;
	k6c__scenario sc[2];
	k6c__stage stages[8];
	k6c__sched *s;
	k6c__sched_result res;
	k6c__metrics *m;
	seen seen;
	fake *f;
	uint64_t t0;
	double wall_ms;
	int rc;
} run;

static void run_init(run *r, fake *f, unsigned workers, k6c__executor_kind kind)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->cfg.workers = workers;
	r->cfg.ops = &fake_ops;
	r->cfg.ops_ctx = f;
	r->cfg.scenarios = r->sc;
	r->cfg.nscenarios = 1;
	for (int i = 0; i < 2; i++) {
		r->sc[i].name = "default";
		r->sc[i].graceful_stop_ms = -1;
		r->sc[i].graceful_ramp_down_ms = -1;
	}
	r->sc[0].executor = kind;
	r->sc[0].stages = r->stages;
}

static void run_new(run *r, bool with_metrics)
{
	if (with_metrics) {
		k6c__metrics_config mc = { .on_samples = on_samples, .on_samples_arg = &r->seen };
		ck_assert_int_eq(k6c__metrics_new(&r->m, &mc), 0);
		ck_assert_int_eq(k6c__metrics_start(r->m), 0);
		r->cfg.metrics = r->m;
	}
	ck_assert_int_eq(k6c__sched_new(&r->s, &r->cfg), 0);
}

static void run_exec(run *r)
{
	r->t0 = k6c__now_ns();
	r->rc = k6c__sched_run(r->s, &r->res);
	r->wall_ms = (double)(k6c__now_ns() - r->t0) / 1e6;
	if (r->m != NULL)
		k6c__metrics_stop(r->m);
}

static void run_go(run *r, bool with_metrics)
{
	run_new(r, with_metrics);
	run_exec(r);
}

static void run_end(run *r)
{
	k6c__sched_free(r->s);
	k6c__sched_result_free(&r->res);
	if (r->m != NULL)
		k6c__metrics_free(r->m);
	ck_assert_int_eq(atomic_load(&r->f->frees), atomic_load(&r->f->inits));
	free(r->f);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int nev(const fake *f)
{
	int n = atomic_load(&f->nev);
	return n < MAX_EV ? n : MAX_EV;
}

/* The earliest due time among the iterations (the scenario's start for an
 * arrival-rate scenario whose first iteration is due at 0). */
static uint64_t min_due(const fake *f)
{
	uint64_t m = UINT64_MAX;
	for (int i = 0; i < nev(f); i++)
		if (f->evs[i].due_ns < m)
			m = f->evs[i].due_ns;
	return m;
}

/* ---- constant-arrival-rate ---- */

START_TEST(test_sched_arrival_constant__count_and_times)
{
	/* 20 per second for 1 s: exactly 20 iterations, due every 50 ms. */
	fake *f = fake_new(5);
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.sc[0].rate = 20;
	r.sc[0].time_unit_ms = 1000;
	r.sc[0].duration_ms = 1000;
	r.sc[0].pre_allocated_vus = 4;
	run_go(&r, true);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates), 20);
	ck_assert_uint_eq(r.res.iterations_complete, 20);
	ck_assert_int_eq(atomic_load(&r.seen.dropped), 0);
	uint64_t base = min_due(f);
	bool seen_idx[20] = { false }, seen_slot[20] = { false };
	for (int i = 0; i < nev(f); i++) {
		const ev *e = &f->evs[i];
		/* Numbered as they start, 0..19. */
		ck_assert_uint_lt(e->iter_inst, 20);
		ck_assert(!seen_idx[e->iter_inst]);
		seen_idx[e->iter_inst] = true;
		ck_assert_uint_eq(e->iter_test, e->iter_inst);
		/* Due at k * 50 ms exactly (float rounding aside), each k once. */
		double off = (double)(e->due_ns - base) / 1e6;
		long k = lround(off / 50.0);
		ck_assert_msg(k >= 0 && k < 20 && fabs(off - 50.0 * (double)k) < 0.01, "an iteration due at %.3f ms", off);
		ck_assert(!seen_slot[k]);
		seen_slot[k] = true;
		/* Started at its time, not before; late by a scheduling delay. */
		ck_assert_uint_ge(e->start_ns + 1000000, e->due_ns);
		ck_assert_uint_lt(e->start_ns, e->due_ns + 300000000ull);
	}
	ck_assert(r.wall_ms >= 950 && r.wall_ms < 5000);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_arrival_constant__dropped)
{
	/* One VU, iterations of 130 ms, one due every 50 ms: most are
	 * dropped; started + dropped is exactly the 20 that were due. */
	fake *f = fake_new(130);
	run r;
	run_init(&r, f, 1, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.sc[0].rate = 20;
	r.sc[0].duration_ms = 1000;
	r.sc[0].pre_allocated_vus = 1;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	int started = atomic_load(&f->iterates);
	ck_assert_int_ge(started, 4);
	ck_assert_int_le(started, 10);
	ck_assert_int_eq(started + atomic_load(&r.seen.dropped), 20);
	k6c__scenario_progress p;
	ck_assert_int_eq(k6c__sched_progress(r.s, 0, &p), 0);
	ck_assert_uint_eq(p.iterations_dropped, (uint64_t)(20 - started));
	ck_assert_int_eq(p.state, K6C__SC_DONE);
	/* No VU beyond maxVUs. */
	ck_assert_int_eq(atomic_load(&f->inits), 2);
	run_end(&r);
}
END_TEST

/* A fake iteration that holds its worker thread (a busy script does) for
 * ms, without yielding to the other VUs of that thread. */
static int hold_thread_iterate(void *state, k6c__vu *vu)
{
	(void)vu;
	vu_state *st = state;
	atomic_fetch_add(&st->f->iterates, 1);
	sleep_ms((int)st->f->sleep_ms);
	return 0;
}

START_TEST(test_sched_arrival_constant__from_schedule)
{
	/* Four VUs on one worker thread, iterations that hold the thread for
	 * 80 ms, one due every 50 ms: iterations handed to the other VUs wait
	 * for the thread, and iteration_duration_from_schedule shows that
	 * wait on top of iteration_duration; each complete iteration has one
	 * such sample, never shorter than its iteration_duration. */
	static const k6c__vu_ops ops = {
		.init = fake_init,
		.iterate = hold_thread_iterate,
		.free = fake_free,
	};
	fake *f = fake_new(80);
	run r;
	run_init(&r, f, 1, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.cfg.ops = &ops;
	r.sc[0].rate = 20;
	r.sc[0].duration_ms = 1000;
	r.sc[0].pre_allocated_vus = 4;
	r.sc[0].max_vus = 4;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	int iters = atomic_load(&r.seen.iters);
	ck_assert_int_ge(iters, 5);
	ck_assert_int_eq(atomic_load(&r.seen.from_sched), iters);
	ck_assert_int_eq(atomic_load(&r.seen.from_sched_short), 0);
	ck_assert_msg(r.seen.max_wait_ms > 20, "largest wait for the thread %.1f ms", r.seen.max_wait_ms);
	run_end(&r);
}
END_TEST

/* Closed executors have no due times: no such samples. */
START_TEST(test_sched_shared_iterations__no_from_schedule)
{
	fake *f = fake_new(1);
	run r;
	run_init(&r, f, 2, K6C__EXEC_SHARED_ITERATIONS);
	r.sc[0].vus = 3;
	r.sc[0].iterations = 12;
	run_go(&r, true);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&r.seen.iters), 12);
	ck_assert_int_eq(atomic_load(&r.seen.from_sched), 0);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_arrival_constant__max_vus_growth)
{
	/* One pre-allocated VU, up to 4: drops make the scheduler initialise
	 * VUs 2..4 during the run, which then take iterations. */
	fake *f = fake_new(160);
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.sc[0].rate = 20;
	r.sc[0].duration_ms = 1000;
	r.sc[0].pre_allocated_vus = 1;
	r.sc[0].max_vus = 4;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	int started = atomic_load(&f->iterates);
	int dropped = atomic_load(&r.seen.dropped);
	ck_assert_int_eq(started + dropped, 20);
	ck_assert_int_ge(dropped, 1);
	/* VU 0, the planned VU 1, and three added during the run. */
	ck_assert_int_eq(atomic_load(&f->inits), 5);
	for (int id = 2; id <= 4; id++)
		ck_assert_int_ge(atomic_load(&f->per_vu[id]), 1);
	ck_assert_int_eq(atomic_load(&f->per_vu[5]), 0);
	ck_assert_int_eq(atomic_load(&r.seen.vus_max_last), 4);
	/* With 4 VUs of 160 ms at 50 ms intervals, the later ones fit. */
	ck_assert_int_ge(started, 12);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_arrival_constant__no_preallocated)
{
	/* No VU planned: the first due iterations are dropped while VUs are
	 * initialised, then they run; the scenario lasts its duration. */
	fake *f = fake_new(5);
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.sc[0].rate = 20;
	r.sc[0].duration_ms = 1000;
	r.sc[0].pre_allocated_vus = 0;
	r.sc[0].max_vus = 2;
	r.cfg.no_setup = r.cfg.no_teardown = true;
	run_go(&r, true);
	ck_assert_int_eq(r.res.status, 0);
	int started = atomic_load(&f->iterates);
	ck_assert_int_ge(started, 15);
	ck_assert_int_ge(atomic_load(&r.seen.dropped), 1);
	ck_assert_int_eq(started + atomic_load(&r.seen.dropped), 20);
	ck_assert(r.wall_ms >= 950);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_arrival_constant__init_failure_during_run)
{
	/* VU 2 is created during the run and its init throws: the run ends
	 * as an init failure. */
	fake *f = fake_new(200);
	f->fail_init_vu = 2;
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.sc[0].rate = 20;
	r.sc[0].duration_ms = 3000;
	r.sc[0].pre_allocated_vus = 1;
	r.sc[0].max_vus = 3;
	run_go(&r, false);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.res.status, K6C_ESCRIPT);
	ck_assert(r.wall_ms < 2500);
	run_end(&r);
}
END_TEST

/* ---- ramping-arrival-rate ---- */

START_TEST(test_sched_arrival_ramping__times)
{
	/* From 0 to 20/s over 1 s: the area under the rate reaches n at
	 * t = sqrt(n / 10) s, n = 1..10 (the last one at the end). */
	fake *f = fake_new(2);
	run r;
	run_init(&r, f, 2, K6C__EXEC_RAMPING_ARRIVAL_RATE);
	r.sc[0].start_rate = 0;
	r.stages[0] = (k6c__stage){ 1000, 20 };
	r.sc[0].nstages = 1;
	r.sc[0].pre_allocated_vus = 3;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates), 10);
	ck_assert_int_eq(atomic_load(&r.seen.dropped), 0);
	uint64_t base = min_due(f);   /* the first, at sqrt(0.1) s */
	bool seen_slot[10] = { false };
	for (int i = 0; i < nev(f); i++) {
		const ev *e = &f->evs[i];
		double off = (double)(e->due_ns - base) / 1e6;
		int k = -1;
		for (int n = 1; n <= 10; n++) {
			double want = 1000.0 * (sqrt((double)n / 10.0) - sqrt(0.1));
			if (fabs(off - want) < 0.05)
				k = n - 1;
		}
		ck_assert_msg(k >= 0, "an iteration due at %.3f ms", off);
		ck_assert(!seen_slot[k]);
		seen_slot[k] = true;
	}
	run_end(&r);
}
END_TEST

START_TEST(test_sched_arrival_ramping__stages_count)
{
	/* 10/s for 0.5 s (5), then 10 -> 30/s over 0.5 s (10): 15. */
	fake *f = fake_new(2);
	run r;
	run_init(&r, f, 2, K6C__EXEC_RAMPING_ARRIVAL_RATE);
	r.sc[0].start_rate = 10;
	r.stages[0] = (k6c__stage){ 500, 10 };
	r.stages[1] = (k6c__stage){ 500, 30 };
	r.sc[0].nstages = 2;
	r.sc[0].pre_allocated_vus = 2;
	run_go(&r, true);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates) + atomic_load(&r.seen.dropped), 15);
	ck_assert_int_eq(atomic_load(&r.seen.dropped), 0);
	run_end(&r);
}
END_TEST

/* ---- ramping-vus ---- */

typedef struct sampler {
	k6c__sched *s;
	int every_ms, n;
	double t[64];
	unsigned vus[64];
	uint64_t t0;
	atomic_bool stop;
} sampler;

static void *sample_thread(void *arg)
{
	sampler *sp = arg;
	while (!atomic_load(&sp->stop) && sp->n < 64) {
		k6c__scenario_progress p;
		if (k6c__sched_progress(sp->s, 0, &p) == 0 && p.state == K6C__SC_RUNNING) {
			sp->t[sp->n] = p.elapsed_ms;
			sp->vus[sp->n] = p.vus_active;
			sp->n++;
		}
		sleep_ms(sp->every_ms);
	}
	return NULL;
}

START_TEST(test_sched_ramping_vus__curve)
{
	/* 0 -> 10 VUs over 1 s, hold 0.5 s, 10 -> 0 over 1 s: the active
	 * VUs sampled from another thread follow the line. */
	fake *f = fake_new(20);
	run r;
	run_init(&r, f, 2, K6C__EXEC_RAMPING_VUS);
	r.sc[0].start_vus = 0;
	r.stages[0] = (k6c__stage){ 1000, 10 };
	r.stages[1] = (k6c__stage){ 500, 10 };
	r.stages[2] = (k6c__stage){ 1000, 0 };
	r.sc[0].nstages = 3;
	r.sc[0].graceful_ramp_down_ms = 0;
	run_new(&r, true);
	sampler sp = { .s = r.s, .every_ms = 50 };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, sample_thread, &sp), 0);
	run_exec(&r);
	atomic_store(&sp.stop, true);
	pthread_join(th, NULL);

	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_ge(sp.n, 15);
	int bad = 0;
	for (int i = 0; i < sp.n; i++) {
		double t = sp.t[i];
		double want = t < 1000 ? t / 100 : t < 1500 ? 10 : (2500 - t) / 100;
		/* A sample is taken a little before or after the read time,
		 * and a ramped-down VU may still finish its 20 ms iteration. */
		if (fabs((double)sp.vus[i] - want) > 2.0)
			bad++;
	}
	ck_assert_msg(bad <= 2, "%d of %d samples off the curve", bad, sp.n);
	/* All ten VUs ran; none beyond. */
	for (int id = 1; id <= 10; id++)
		ck_assert_int_ge(atomic_load(&f->per_vu[id]), 1);
	ck_assert_int_eq(atomic_load(&f->per_vu[11]), 0);
	ck_assert_int_eq(atomic_load(&r.seen.vus_peak), 10);
	ck_assert_int_eq(atomic_load(&r.seen.vus_max_last), 10);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_ramping_vus__graceful_ramp_down)
{
	/* 4 VUs in iterations of 10 s; at 200 ms the target drops to 1. The
	 * three VUs above it are interrupted after gracefulRampDown (300 ms);
	 * VU 1 after the end (1 s) plus gracefulStop (200 ms). */
	fake *f = fake_new(10000);
	run r;
	run_init(&r, f, 2, K6C__EXEC_RAMPING_VUS);
	r.sc[0].start_vus = 4;
	r.stages[0] = (k6c__stage){ 200, 4 };
	r.stages[1] = (k6c__stage){ 0, 1 };
	r.stages[2] = (k6c__stage){ 800, 1 };
	r.sc[0].nstages = 3;
	r.sc[0].graceful_ramp_down_ms = 300;
	r.sc[0].graceful_stop_ms = 200;
	run_go(&r, true);

	ck_assert_int_eq(r.res.status, 0);
	ck_assert_uint_eq(r.res.iterations_complete, 0);
	ck_assert_uint_eq(r.res.iterations_interrupted, 4);
	ck_assert_int_eq(nev(f), 4);
	uint64_t t0 = UINT64_MAX;
	for (int i = 0; i < 4; i++)
		t0 = f->evs[i].start_ns < t0 ? f->evs[i].start_ns : t0;
	for (int i = 0; i < 4; i++) {
		const ev *e = &f->evs[i];
		double end = (double)(e->end_ns - t0) / 1e6;
		ck_assert(e->aborted);
		if (e->vu == 1)
			ck_assert_msg(end > 1150 && end < 1700, "VU 1 ended at %.0f ms", end);
		else
			ck_assert_msg(end > 450 && end < 900, "VU %d ended at %.0f ms", e->vu, end);
	}
	run_end(&r);
}
END_TEST

START_TEST(test_sched_ramping_vus__vu_comes_back)
{
	/* 2 VUs, 1 from 300 ms to 600 ms, then 2 again: VU 2 stops starting
	 * iterations in the dip and starts again after it. */
	fake *f = fake_new(20);
	run r;
	run_init(&r, f, 2, K6C__EXEC_RAMPING_VUS);
	r.sc[0].start_vus = 2;
	r.stages[0] = (k6c__stage){ 300, 2 };
	r.stages[1] = (k6c__stage){ 0, 1 };
	r.stages[2] = (k6c__stage){ 300, 1 };
	r.stages[3] = (k6c__stage){ 0, 2 };
	r.stages[4] = (k6c__stage){ 300, 2 };
	r.sc[0].nstages = 5;
	r.sc[0].graceful_ramp_down_ms = 0;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	uint64_t t0 = UINT64_MAX;
	for (int i = 0; i < nev(f); i++)
		t0 = f->evs[i].start_ns < t0 ? f->evs[i].start_ns : t0;
	int before = 0, in_dip = 0, after = 0;
	for (int i = 0; i < nev(f); i++) {
		const ev *e = &f->evs[i];
		if (e->vu != 2)
			continue;
		double t = (double)(e->start_ns - t0) / 1e6;
		if (t < 250)
			before++;
		else if (t > 360 && t < 560)
			in_dip++;
		else if (t > 650)
			after++;
	}
	ck_assert_int_ge(before, 3);
	ck_assert_int_eq(in_dip, 0);
	ck_assert_int_ge(after, 3);
	ck_assert_int_ge(atomic_load(&f->per_vu[1]), 20);
	run_end(&r);
}
END_TEST

/* ---- externally-controlled and pause ---- */

typedef struct controller {
	k6c__sched *s;
	fake *f;
	int rc_up, rc_bad, rc_name, rc_low_max, rc_raise;
	unsigned active_after_up, active_after_down, max_after_raise;
	int iters_at_pause, iters_at_resume;
	k6c__sched_stats stats;
} controller;

static void wait_running(k6c__sched *s, size_t idx)
{
	for (int i = 0; i < 500; i++) {
		k6c__scenario_progress p;
		if (k6c__sched_progress(s, idx, &p) == 0 && p.state == K6C__SC_RUNNING)
			return;
		sleep_ms(5);
	}
}

static void *external_thread(void *arg)
{
	controller *c = arg;
	k6c__scenario_progress p;
	wait_running(c->s, 0);
	sleep_ms(200);
	c->rc_up = k6c__sched_scale(c->s, NULL, 4, 0);
	c->rc_bad = k6c__sched_scale(c->s, NULL, 5, 0);           /* more than max */
	c->rc_name = k6c__sched_scale(c->s, "nope", 1, 0);
	c->rc_low_max = k6c__sched_scale(c->s, "ext", 1, 2);      /* below the start max */
	sleep_ms(200);
	k6c__sched_progress(c->s, 0, &p);
	c->active_after_up = p.vus_active;
	c->rc_raise = k6c__sched_scale(c->s, "ext", 1, 6);
	sleep_ms(300);
	k6c__sched_progress(c->s, 0, &p);
	c->active_after_down = p.vus_active;
	c->max_after_raise = p.vus_max;
	k6c__sched_pause(c->s, true);
	sleep_ms(100);
	c->iters_at_pause = atomic_load(&c->f->iterates);
	sleep_ms(300);
	c->iters_at_resume = atomic_load(&c->f->iterates);
	k6c__sched_stats_get(c->s, &c->stats);
	k6c__sched_pause(c->s, false);
	sleep_ms(200);
	k6c__sched_abort(c->s);
	return NULL;
}

START_TEST(test_sched_external__scale_and_pause)
{
	fake *f = fake_new(10);
	run r;
	run_init(&r, f, 2, K6C__EXEC_EXTERNALLY_CONTROLLED);
	r.sc[0].name = "ext";
	r.sc[0].vus = 2;
	r.sc[0].max_vus = 4;
	r.sc[0].duration_ms = 0;   /* until stopped */
	r.cfg.summary_data = summary_data;
	r.cfg.summary_data_arg = f;
	run_new(&r, true);
	controller c = { .s = r.s, .f = f };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, external_thread, &c), 0);
	run_exec(&r);
	pthread_join(th, NULL);

	ck_assert_int_eq(r.res.status, K6C_EABORTED);
	ck_assert_int_eq(c.rc_up, 0);
	ck_assert_int_eq(c.rc_bad, K6C_EINVAL);
	ck_assert_int_eq(c.rc_name, K6C_ENOTFOUND);
	ck_assert_int_eq(c.rc_low_max, K6C_EINVAL);
	ck_assert_int_eq(c.rc_raise, 0);
	ck_assert_uint_eq(c.active_after_up, 4);
	ck_assert_uint_eq(c.active_after_down, 1);
	ck_assert_uint_eq(c.max_after_raise, 6);
	/* VUs 3 and 4 iterated after the scale-up; 5 and 6 were initialised
	 * during the run (VU 0 + 4 + 2). */
	ck_assert_int_ge(atomic_load(&f->per_vu[3]), 1);
	ck_assert_int_ge(atomic_load(&f->per_vu[4]), 1);
	ck_assert_int_eq(atomic_load(&f->inits), 7);
	/* Nothing started while paused (the in-flight iterations finish
	 * within 10 ms of the pause). */
	ck_assert_int_eq(c.iters_at_pause, c.iters_at_resume);
	ck_assert_uint_eq(c.stats.vus_initialized, 6);
	/* It ran again after the resume. */
	ck_assert_int_gt(atomic_load(&f->iterates), c.iters_at_resume);
	/* Teardown and handleSummary after the abort. */
	ck_assert_int_eq(atomic_load(&f->teardowns), 1);
	ck_assert(r.res.summary_ran);
	ck_assert_str_eq(f->summary_in, "{\"aborted\":true}");
	/* Scaling after the end is refused. */
	ck_assert_int_eq(k6c__sched_scale(r.s, NULL, 1, 0), K6C_ESTATE);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_external__duration)
{
	fake *f = fake_new(10);
	run r;
	run_init(&r, f, 1, K6C__EXEC_EXTERNALLY_CONTROLLED);
	r.sc[0].vus = 1;
	r.sc[0].duration_ms = 300;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_ge(atomic_load(&f->iterates), 5);
	ck_assert(r.wall_ms >= 300 && r.wall_ms < 3000);
	run_end(&r);
}
END_TEST

typedef struct pauser {
	k6c__sched *s;
	int at_ms, for_ms;
	uint64_t paused_ns, resumed_ns;
} pauser;

static void *pause_thread(void *arg)
{
	pauser *p = arg;
	wait_running(p->s, 0);
	sleep_ms(p->at_ms);
	p->paused_ns = k6c__now_ns();
	k6c__sched_pause(p->s, true);
	ck_assert(k6c__sched_paused(p->s));
	sleep_ms(p->for_ms);
	p->resumed_ns = k6c__now_ns();
	k6c__sched_pause(p->s, false);
	return NULL;
}

static void *resume_thread(void *arg)
{
	pauser *p = arg;
	sleep_ms(p->for_ms);
	p->resumed_ns = k6c__now_ns();
	k6c__sched_pause(p->s, false);
	return NULL;
}

START_TEST(test_sched_pause__arrival_schedule_resumes)
{
	/* 20/s for 1 s, paused 300 ms in for 500 ms: still exactly 20
	 * iterations, none started in the pause, and the run lasts ~1.5 s. */
	fake *f = fake_new(5);
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.sc[0].rate = 20;
	r.sc[0].duration_ms = 1000;
	r.sc[0].pre_allocated_vus = 2;
	run_new(&r, false);
	pauser p = { .s = r.s, .at_ms = 300, .for_ms = 500 };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, pause_thread, &p), 0);
	run_exec(&r);
	pthread_join(th, NULL);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates), 20);
	ck_assert(r.wall_ms >= 1400);
	for (int i = 0; i < nev(f); i++) {
		const ev *e = &f->evs[i];
		ck_assert(!(e->start_ns > p.paused_ns + 20000000ull && e->start_ns < p.resumed_ns));
	}
	k6c__scenario_progress pr;
	ck_assert_int_eq(k6c__sched_progress(r.s, 0, &pr), 0);
	/* Test time excludes the pause. */
	ck_assert_msg(pr.elapsed_ms >= 950 && pr.elapsed_ms < 1400, "elapsed %.0f", pr.elapsed_ms);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_pause__before_start)
{
	/* --paused: VUs are initialised, setup waits for the resume. */
	fake *f = fake_new(1);
	run r;
	run_init(&r, f, 1, K6C__EXEC_PER_VU_ITERATIONS);
	r.sc[0].vus = 2;
	r.sc[0].iterations = 2;
	r.cfg.paused = true;
	run_new(&r, false);
	ck_assert(k6c__sched_paused(r.s));
	pauser p = { .s = r.s, .for_ms = 400 };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, resume_thread, &p), 0);
	run_exec(&r);
	pthread_join(th, NULL);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert_int_eq(atomic_load(&f->iterates), 4);
	ck_assert_int_eq(atomic_load(&f->setups), 1);
	ck_assert_uint_ge((uint64_t)atomic_load(&f->setup_ns), p.resumed_ns);
	run_end(&r);
}
END_TEST

/* ---- lifecycle ---- */

START_TEST(test_sched_lifecycle__order_and_summary)
{
	fake *f = fake_new(1);
	run r;
	run_init(&r, f, 2, K6C__EXEC_SHARED_ITERATIONS);
	r.sc[0].vus = 3;
	r.sc[0].iterations = 30;
	r.cfg.summary_data = summary_data;
	r.cfg.summary_data_arg = f;
	run_new(&r, false);
	k6c__scenario_progress p;
	ck_assert_int_eq(k6c__sched_scenario_count(r.s), 1);
	ck_assert_int_eq(k6c__sched_progress(r.s, 1, &p), K6C_ENOTFOUND);
	ck_assert_int_eq(k6c__sched_progress(r.s, 0, &p), 0);
	ck_assert_int_eq(p.state, K6C__SC_PENDING);
	run_exec(&r);

	ck_assert_int_eq(r.res.status, 0);
	int setup = atomic_load(&f->setup_seq), first = atomic_load(&f->first_iter_seq);
	int last = atomic_load(&f->last_iter_seq), td = atomic_load(&f->teardown_seq);
	int sd = atomic_load(&f->summary_data_seq), hs = atomic_load(&f->summary_seq);
	ck_assert_int_ge(setup, 0);
	ck_assert_int_lt(setup, first);
	ck_assert_int_lt(last, td);
	ck_assert_int_lt(td, sd);
	ck_assert_int_lt(sd, hs);
	ck_assert(r.res.summary_ran);
	ck_assert_int_eq(r.res.summary_rc, 0);
	ck_assert_uint_eq(r.res.nsummary_out, 1);
	ck_assert_str_eq(r.res.summary_out[0].key, "stdout");
	ck_assert_str_eq(f->summary_in, "{\"ok\":true}");
	ck_assert(!r.res.setup_timed_out && !r.res.teardown_timed_out);
	ck_assert(!r.res.script_aborted && !r.res.marked_failed);
	ck_assert_int_eq(k6c__sched_progress(r.s, 0, &p), 0);
	ck_assert_int_eq(p.state, K6C__SC_DONE);
	ck_assert(p.progress == 1.0);
	ck_assert_uint_eq(p.iterations_complete, 30);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_lifecycle__setup_timeout)
{
	for (int spin = 0; spin < 2; spin++) {
		/* Setup sleeping 10 s, or spinning in "JS", with a 200 ms
		 * timeout: interrupted, no scenario, no teardown. */
		fake *f = fake_new(1);
		f->setup_sleep_ms = spin ? -1 : 10000;
		run r;
		run_init(&r, f, 1, K6C__EXEC_PER_VU_ITERATIONS);
		r.sc[0].vus = 1;
		r.sc[0].iterations = 1;
		r.cfg.setup_timeout_ms = 200;
		r.cfg.summary_data = summary_data;
		r.cfg.summary_data_arg = f;
		run_go(&r, false);
		ck_assert_int_eq(r.rc, 0);
		ck_assert_int_eq(r.res.status, K6C_EABORTED);
		ck_assert(r.res.setup_timed_out);
		ck_assert_int_eq(atomic_load(&f->setup_rc_seen), K6C_EABORTED);
		ck_assert_int_eq(atomic_load(&f->iterates), 0);
		ck_assert_int_eq(atomic_load(&f->teardowns), 0);
		ck_assert(r.res.summary_ran);
		ck_assert(r.wall_ms >= 190 && r.wall_ms < 3000);
		run_end(&r);
	}
}
END_TEST

START_TEST(test_sched_lifecycle__teardown_and_summary_timeouts)
{
	fake *f = fake_new(1);
	f->teardown_sleep_ms = 10000;
	f->summary_sleep_ms = 10000;
	run r;
	run_init(&r, f, 1, K6C__EXEC_PER_VU_ITERATIONS);
	r.sc[0].vus = 1;
	r.sc[0].iterations = 1;
	r.cfg.teardown_timeout_ms = 200;
	r.cfg.summary_timeout_ms = 200;
	r.cfg.summary_data = summary_data;
	r.cfg.summary_data_arg = f;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert(r.res.teardown_timed_out);
	ck_assert_int_eq(atomic_load(&f->teardown_rc_seen), K6C_EABORTED);
	ck_assert(r.res.summary_ran);
	ck_assert_int_eq(r.res.summary_rc, K6C_EABORTED);
	ck_assert(r.wall_ms < 3000);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_lifecycle__test_abort)
{
	/* exec.test.abort() in the 5th iteration: the run stops as an abort,
	 * with the reason; teardown and handleSummary still run. */
	fake *f = fake_new(20);
	f->abort_after = 5;
	f->fail_test = true;
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_VUS);
	r.sc[0].vus = 2;
	r.sc[0].duration_ms = 10000;
	r.cfg.summary_data = summary_data;
	r.cfg.summary_data_arg = f;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, K6C_EABORTED);
	ck_assert(r.res.script_aborted);
	ck_assert_ptr_nonnull(r.res.abort_reason);
	ck_assert_str_eq(r.res.abort_reason, "enough");
	ck_assert(r.res.marked_failed);
	ck_assert_int_eq(atomic_load(&f->teardowns), 1);
	ck_assert(r.res.summary_ran);
	ck_assert(r.wall_ms < 3000);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_lifecycle__fail_only)
{
	fake *f = fake_new(1);
	f->fail_test = true;
	run r;
	run_init(&r, f, 1, K6C__EXEC_PER_VU_ITERATIONS);
	r.sc[0].vus = 1;
	r.sc[0].iterations = 3;
	run_go(&r, false);
	ck_assert_int_eq(r.res.status, 0);
	ck_assert(r.res.marked_failed);
	ck_assert(!r.res.script_aborted);
	ck_assert_uint_eq(r.res.iterations_complete, 3);
	run_end(&r);
}
END_TEST

/* ---- execution segments ---- */

/* Runs the scenario once per segment of "0,1/2,3/4,1". */
static void run_segments(const k6c__scenario *sc, fake *fs[3], run *rs[3], k6c__stripe *st[3])
{
	k6c__rat *seq = NULL;
	size_t n = 0;
	ck_assert_int_eq(k6c__segment_seq_parse("0,1/2,3/4,1", &seq, &n), 0);
	ck_assert_uint_eq(n, 4);
	for (int i = 0; i < 3; i++) {
		k6c__segment seg = { seq[i], seq[i + 1] };
		ck_assert_int_eq(k6c__stripe_new(&st[i], &seg, seq, n), 0);
		fs[i] = fake_new(2);
		rs[i] = calloc(1, sizeof(run));
		ck_assert_ptr_nonnull(rs[i]);
		run_init(rs[i], fs[i], 2, sc->executor);
		rs[i]->sc[0] = *sc;
		rs[i]->cfg.stripe = st[i];
		run_go(rs[i], false);
		ck_assert_int_eq(rs[i]->res.status, 0);
	}
	k6c__free(seq);
}

static void free_segments(fake *fs[3], run *rs[3], k6c__stripe *st[3])
{
	for (int i = 0; i < 3; i++) {
		run_end(rs[i]);
		free(rs[i]);
		k6c__stripe_free(st[i]);
	}
}

START_TEST(test_sched_segments__shared_iterations)
{
	k6c__scenario sc = { .name = "default", .executor = K6C__EXEC_SHARED_ITERATIONS,
		.vus = 10, .iterations = 101, .graceful_stop_ms = -1 };
	fake *fs[3];
	run *rs[3];
	k6c__stripe *st[3];
	run_segments(&sc, fs, rs, st);

	/* VUs 5/3/2 with test-wide ids 1..10, each once. */
	int vus_seen[11] = { 0 };
	int iters_seen[101] = { 0 };
	int total = 0;
	const int want_vus[3] = { 5, 3, 2 };
	for (int i = 0; i < 3; i++) {
		int local_vus = 0;
		for (int id = 1; id <= MAX_VU; id++)
			local_vus += atomic_load(&fs[i]->per_vu[id]) > 0;
		ck_assert_int_eq(local_vus, want_vus[i]);
		uint64_t seen_vu[MAX_VU + 1] = { 0 };
		for (int k = 0; k < nev(fs[i]); k++) {
			const ev *e = &fs[i]->evs[k];
			ck_assert_uint_le(e->vu_test, 10);
			ck_assert_uint_lt(e->iter_test, 101);
			iters_seen[e->iter_test]++;
			if (!seen_vu[e->vu]) {
				seen_vu[e->vu] = e->vu_test;
				vus_seen[e->vu_test]++;
			}
		}
		total += atomic_load(&fs[i]->iterates);
	}
	/* The same total as one full run, every iteration number once. */
	ck_assert_int_eq(total, 101);
	for (int g = 0; g < 101; g++)
		ck_assert_int_eq(iters_seen[g], 1);
	for (int id = 1; id <= 10; id++)
		ck_assert_int_eq(vus_seen[id], 1);
	/* A (0:1/2) got 5 of the 10 VUs, so half the iterations and the
	 * first of the odd one out. */
	ck_assert_uint_eq(rs[0]->res.iterations_complete, 51);
	free_segments(fs, rs, st);
}
END_TEST

START_TEST(test_sched_segments__constant_arrival_rate)
{
	/* 10/s for 1 s over three instances: together exactly iterations
	 * 0..9, each at its test-wide time g * 100 ms. */
	k6c__scenario sc = { .name = "default", .executor = K6C__EXEC_CONSTANT_ARRIVAL_RATE,
		.rate = 10, .time_unit_ms = 1000, .duration_ms = 1000, .pre_allocated_vus = 10,
		.graceful_stop_ms = -1 };
	fake *fs[3];
	run *rs[3];
	k6c__stripe *st[3];
	run_segments(&sc, fs, rs, st);

	/* Each instance's first due iteration is its stripe's first index,
	 * and its first iteration number; the others follow at g * 100 ms. */
	int seen_g[10] = { 0 }, seen_t[10] = { 0 };
	int total = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t base = min_due(fs[i]), gmin = UINT64_MAX;
		for (int k = 0; k < nev(fs[i]); k++)
			if (fs[i]->evs[k].iter_test < gmin)
				gmin = fs[i]->evs[k].iter_test;
		for (int k = 0; k < nev(fs[i]); k++) {
			const ev *e = &fs[i]->evs[k];
			ck_assert_uint_lt(e->iter_test, 10);
			seen_g[e->iter_test]++;
			double off = (double)(e->due_ns - base) / 1e6 + 100.0 * (double)gmin;
			long g = lround(off / 100.0);
			ck_assert_msg(g >= 0 && g < 10 && fabs(off - 100.0 * (double)g) < 0.05,
				"instance %d: an iteration due at %.3f ms of the test", i, off);
			seen_t[g]++;
		}
		total += atomic_load(&fs[i]->iterates);
	}
	ck_assert_int_eq(total, 10);
	for (int g = 0; g < 10; g++) {
		ck_assert_int_eq(seen_g[g], 1);
		ck_assert_int_eq(seen_t[g], 1);
	}
	/* A = 0:1/2 runs half of them. */
	ck_assert_int_eq(atomic_load(&fs[0]->iterates), 5);
	free_segments(fs, rs, st);
}
END_TEST

START_TEST(test_sched_segments__per_vu_iterations)
{
	k6c__scenario sc = { .name = "default", .executor = K6C__EXEC_PER_VU_ITERATIONS,
		.vus = 10, .iterations = 3, .graceful_stop_ms = -1 };
	fake *fs[3];
	run *rs[3];
	k6c__stripe *st[3];
	run_segments(&sc, fs, rs, st);
	const int want[3] = { 15, 9, 6 };
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(atomic_load(&fs[i]->iterates), want[i]);
	/* B = 1/2:3/4 holds test-wide VUs 2, 6 and 10. */
	int got = 0;
	for (int k = 0; k < nev(fs[1]); k++) {
		uint64_t id = fs[1]->evs[k].vu_test;
		ck_assert(id == 2 || id == 6 || id == 10);
		got++;
	}
	ck_assert_int_eq(got, 9);
	free_segments(fs, rs, st);
}
END_TEST

START_TEST(test_sched_scenarios__own_pools)
{
	/* An arrival-rate scenario and a constant-vus one at the same time:
	 * each uses its own VUs, and the plan initialises both pools. */
	fake *f = fake_new(10);
	run r;
	run_init(&r, f, 2, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	r.cfg.nscenarios = 2;
	r.sc[0].name = "arrivals";
	r.sc[0].rate = 10;
	r.sc[0].duration_ms = 600;
	r.sc[0].pre_allocated_vus = 2;
	r.sc[1].name = "loop";
	r.sc[1].executor = K6C__EXEC_CONSTANT_VUS;
	r.sc[1].vus = 3;
	r.sc[1].duration_ms = 600;
	run_go(&r, true);
	ck_assert_int_eq(r.res.status, 0);
	int owner[MAX_VU + 1];
	for (int i = 0; i <= MAX_VU; i++)
		owner[i] = -1;
	int arrivals = 0;
	for (int i = 0; i < nev(f); i++) {
		const ev *e = &f->evs[i];
		ck_assert(e->scen == 0 || e->scen == 1);
		ck_assert(owner[e->vu] == -1 || owner[e->vu] == e->scen);
		owner[e->vu] = e->scen;
		arrivals += e->scen == 0;
	}
	ck_assert_int_eq(arrivals, 6);
	ck_assert_int_eq(atomic_load(&r.seen.vus_max_last), 5);
	ck_assert_int_eq(atomic_load(&r.seen.vus_peak), 5);
	k6c__scenario_progress p;
	ck_assert_int_eq(k6c__sched_progress(r.s, 1, &p), 0);
	ck_assert_str_eq(p.name, "loop");
	ck_assert_int_eq(p.executor, K6C__EXEC_CONSTANT_VUS);
	ck_assert(p.progress == 1.0);
	ck_assert_uint_eq(p.vus_max, 3);
	run_end(&r);
}
END_TEST

START_TEST(test_sched_config__errors)
{
	fake *f = fake_new(1);
	run r;
	run_init(&r, f, 1, K6C__EXEC_RAMPING_VUS);
	r.sc[0].nstages = 0;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "at least one stage"));
	r.sc[0].executor = K6C__EXEC_CONSTANT_ARRIVAL_RATE;
	r.sc[0].rate = 0;
	r.sc[0].duration_ms = 1000;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "rate must be more than 0"));
	r.sc[0].rate = 1;
	r.sc[0].pre_allocated_vus = 5;
	r.sc[0].max_vus = 2;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "maxVUs can't be less than preAllocatedVUs"));
	r.sc[0].executor = K6C__EXEC_EXTERNALLY_CONTROLLED;
	r.sc[0].vus = 5;
	r.sc[0].max_vus = 2;
	ck_assert_int_eq(k6c__sched_new(&r.s, &r.cfg), K6C_ECONFIG);
	ck_assert_ptr_null(r.s);
	free(f);
}
END_TEST

static Suite *sched_executors_suite(void)
{
	Suite *s = suite_create("sched_executors");
	TCase *tc = tcase_create("arrival");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_arrival_constant__count_and_times);
	tcase_add_test(tc, test_sched_arrival_constant__dropped);
	tcase_add_test(tc, test_sched_arrival_constant__max_vus_growth);
	tcase_add_test(tc, test_sched_arrival_constant__from_schedule);
	tcase_add_test(tc, test_sched_shared_iterations__no_from_schedule);
	tcase_add_test(tc, test_sched_arrival_constant__no_preallocated);
	tcase_add_test(tc, test_sched_arrival_constant__init_failure_during_run);
	tcase_add_test(tc, test_sched_arrival_ramping__times);
	tcase_add_test(tc, test_sched_arrival_ramping__stages_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("ramping");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_ramping_vus__curve);
	tcase_add_test(tc, test_sched_ramping_vus__graceful_ramp_down);
	tcase_add_test(tc, test_sched_ramping_vus__vu_comes_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("external");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_external__scale_and_pause);
	tcase_add_test(tc, test_sched_external__duration);
	tcase_add_test(tc, test_sched_pause__arrival_schedule_resumes);
	tcase_add_test(tc, test_sched_pause__before_start);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_lifecycle__order_and_summary);
	tcase_add_test(tc, test_sched_lifecycle__setup_timeout);
	tcase_add_test(tc, test_sched_lifecycle__teardown_and_summary_timeouts);
	tcase_add_test(tc, test_sched_lifecycle__test_abort);
	tcase_add_test(tc, test_sched_lifecycle__fail_only);
	tcase_add_test(tc, test_sched_config__errors);
	tcase_add_test(tc, test_sched_scenarios__own_pools);
	suite_add_tcase(s, tc);

	tc = tcase_create("segments");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sched_segments__shared_iterations);
	tcase_add_test(tc, test_sched_segments__constant_arrival_rate);
	tcase_add_test(tc, test_sched_segments__per_vu_iterations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sched_executors_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
