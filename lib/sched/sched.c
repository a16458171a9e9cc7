/*
 * sched.c - the run controller. On the caller's thread it starts the
 * workers, has them initialise the planned VUs in parallel, waits while the
 * test starts paused, runs setup on VU 0, runs the scenarios on their
 * timeline (start time, end of regular duration, gracefulStop, hard stop) in
 * test time, which stands still while the test is paused, runs teardown and
 * handleSummary on VU 0 (each with its timeout), then stops the workers,
 * which free the VU states on their own threads. It also emits the `vus`,
 * `vus_max` and `dropped_iterations` samples, and gives scenarios VUs during
 * the run (from the free pool, or new ones initialised on a worker while the
 * others keep running). The controller sleeps in its own event loop and is
 * woken by workers (a VU left a scenario, a task or an init finished) and by
 * the any-thread calls (abort, pause, scale); it never busy-waits.
 */
#include "sched/executor_int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GAUGE_INTERVAL_NS 1000000000ull
#define DEFAULT_SETUP_TIMEOUT_MS (60.0 * 1000)
#define DEFAULT_TEARDOWN_TIMEOUT_MS (60.0 * 1000)
#define DEFAULT_SUMMARY_TIMEOUT_MS (120.0 * 1000)
/* Extra HTTP connections per worker beyond its planned VUs, for VUs added
 * during the run. */
#define CONN_HEADROOM 64

/* k6c__sched_abort may run in a signal handler: its atomics must not be
 * emulated with a lock. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_uint must be lock-free");

static uint64_t ms_to_ns(double ms)
{
	if (!(ms > 0))
		return 0;
	if (ms > 1e12)
		ms = 1e12;
	return (uint64_t)(ms * 1e6);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- construction ---- */

static double start_ms(const k6c__scenario *sc)
{
	return sc->start_time_ms > 0 ? sc->start_time_ms : 0;
}

/* The most VUs that scenarios plan to hold at the same time, taking each
 * one's whole possible span (start .. start + regular duration +
 * gracefulStop), as k6 sizes its pre-initialised VU pool. The peak is at
 * some start. VUs an arrival-rate scenario may add are not planned. */
static unsigned plan_peak_vus(const k6c__sched *s)
{
	unsigned peak = 0;
	for (size_t i = 0; i < s->nscenarios; i++) {
		double t = start_ms(&s->scenarios[i]);
		unsigned sum = 0;
		for (size_t j = 0; j < s->nscenarios; j++) {
			const k6c__exec *e = &s->execs[j];
			double st = start_ms(e->sc);
			if (st <= t && t < st + e->run_ms + e->graceful_ms)
				sum += e->plan_vus;
		}
		if (sum > peak)
			peak = sum;
	}
	return peak;
}

/* Grows the controller's VU arrays to hold id n. */
static int vus_reserve(k6c__sched *s, unsigned n)
{
	if (n < s->capvus)
		return 0;
	unsigned cap = s->capvus ? s->capvus : 16;
	while (cap <= n)
		cap *= 2;
	k6c__vu **v = k6c__realloc(s->vus, (size_t)cap * sizeof(*v));
	if (v == NULL)
		return K6C_ENOMEM;
	s->vus = v;
	bool *b = k6c__realloc(s->vu_busy, (size_t)cap * sizeof(*b));
	if (b == NULL)
		return K6C_ENOMEM;
	s->vu_busy = b;
	for (unsigned i = s->capvus; i < cap; i++) {
		s->vus[i] = NULL;
		s->vu_busy[i] = false;
	}
	s->capvus = cap;
	return 0;
}

static k6c__vu *vu_alloc(k6c__sched *s, unsigned id)
{
	k6c__vu *vu = k6c__calloc(1, sizeof(*vu));
	if (vu == NULL)
		return NULL;
	vu->s = s;
	vu->id = (int)id;
	/* VU 0 shares worker 0; VUs 1..N go round-robin, so the lowest ids a
	 * scenario takes are spread over all workers. */
	vu->w = &s->workers[id == 0 ? 0 : (id - 1) % s->nworkers];
	s->vus[id] = vu;
	return vu;
}

static int create_vus(k6c__sched *s, bool need_vu0)
{
	if (vus_reserve(s, s->planned_vus) != 0)
		return K6C_ENOMEM;
	s->nvus = s->planned_vus;
	for (unsigned id = need_vu0 ? 0 : 1; id <= s->nvus; id++) {
		k6c__vu *vu = vu_alloc(s, id);
		if (vu == NULL)
			return K6C_ENOMEM;
		vu->w->nvus++;
	}
	for (unsigned i = 0; i < s->nworkers; i++) {
		k6c__worker *w = &s->workers[i];
		w->capvus = w->nvus ? w->nvus : 1;
		w->capcmds = w->capwork = w->nvus + 1;
		w->vus = k6c__calloc(w->capvus, sizeof(*w->vus));
		w->cmds = k6c__calloc(w->capcmds, sizeof(*w->cmds));
		w->cmds_work = k6c__calloc(w->capwork, sizeof(*w->cmds_work));
		if (w->vus == NULL || w->cmds == NULL || w->cmds_work == NULL)
			return K6C_ENOMEM;
		w->max_connections = (long)w->nvus + CONN_HEADROOM;
		w->nvus = 0;
	}
	for (unsigned id = 0; id <= s->nvus; id++) {
		k6c__vu *vu = s->vus[id];
		if (vu != NULL)
			vu->w->vus[vu->w->nvus++] = vu;
	}
	return 0;
}

int k6c__sched_new(k6c__sched **out, const k6c__sched_config *cfg)
{
	int rc;

	*out = NULL;
	if (cfg == NULL || cfg->ops == NULL || cfg->ops->init == NULL || cfg->ops->iterate == NULL)
		return k6c__error(K6C_EINVAL, "scheduler: the VU operations init and iterate are required");
	if (cfg->nscenarios > 0 && cfg->scenarios == NULL)
		return k6c__error(K6C_EINVAL, "scheduler: scenarios is NULL");

	k6c__sched *s = k6c__calloc(1, sizeof(*s));
	if (s == NULL)
		return k6c__error(K6C_ENOMEM, "scheduler: out of memory");
	s->cfg = *cfg;
	pthread_mutex_init(&s->err_mu, NULL);
	pthread_mutex_init(&s->clk_mu, NULL);
	pthread_mutex_init(&s->scale_mu, NULL);
	atomic_store_explicit(&s->paused, cfg->paused, memory_order_relaxed);

	/* Own copies of the scenarios, so the caller's may go away. */
	s->nscenarios = cfg->nscenarios;
	s->scenarios = k6c__calloc(s->nscenarios ? s->nscenarios : 1, sizeof(*s->scenarios));
	s->execs = k6c__calloc(s->nscenarios ? s->nscenarios : 1, sizeof(*s->execs));
	if (s->scenarios == NULL || s->execs == NULL)
		goto nomem;
	for (size_t i = 0; i < s->nscenarios; i++) {
		if (k6c__scenario_copy(&s->scenarios[i], &cfg->scenarios[i]) != 0)
			goto nomem;
	}
	s->cfg.scenarios = s->scenarios;
	unsigned possible = 0;
	for (size_t i = 0; i < s->nscenarios; i++) {
		k6c__exec *e = &s->execs[i];
		e->sc = &s->scenarios[i];
		e->sched = s;
		e->index = i;
		e->vt = k6c__executor_for(e->sc->executor);
		if (e->vt == NULL) {
			rc = k6c__error(K6C_ECONFIG, "scenario %s: unknown executor", e->sc->name);
			goto fail;
		}
		rc = e->vt->init(e);
		if (rc != 0) {
			/* Its free still runs: init may have allocated. */
			if (rc == K6C_ENOMEM)
				goto nomem;
			goto fail;
		}
		if (e->max_vus < e->plan_vus)
			e->max_vus = e->plan_vus;
		e->capvus = e->plan_vus ? e->plan_vus : 1;
		e->vus = k6c__calloc(e->capvus, sizeof(*e->vus));
		if (e->vus == NULL)
			goto nomem;
		possible += e->max_vus - e->plan_vus;
	}

	s->planned_vus = plan_peak_vus(s);
	possible += s->planned_vus;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nw = cfg->workers > 0 ? cfg->workers : (ncpu > 0 ? (unsigned)ncpu : 1);
	/* More workers than VUs would only idle. */
	if (nw > possible)
		nw = possible > 0 ? possible : 1;
	s->nworkers = nw;
	s->workers = k6c__calloc(nw, sizeof(*s->workers));
	if (s->workers == NULL)
		goto nomem;
	for (unsigned i = 0; i < nw; i++) {
		k6c__worker *w = &s->workers[i];
		w->s = s;
		w->index = i;
		pthread_mutex_init(&w->mu, NULL);
	}
	rc = k6c__loop_new(&s->ctl_loop);
	if (rc != 0)
		goto fail;
	for (unsigned i = 0; i < nw; i++) {
		rc = k6c__loop_new(&s->workers[i].loop);
		if (rc != 0)
			goto fail;
	}

	const k6c__vu_ops *ops = cfg->ops;
	bool need_vu0 = (!cfg->no_setup && ops->setup != NULL) || (!cfg->no_teardown && ops->teardown != NULL) ||
		(cfg->summary_data != NULL && ops->handle_summary != NULL);
	if (create_vus(s, need_vu0) != 0)
		goto nomem;
	*out = s;
	return 0;

nomem:
	rc = k6c__error(K6C_ENOMEM, "scheduler: out of memory");
fail:
	k6c__sched_free(s);
	return rc;
}

void k6c__sched_free(k6c__sched *s)
{
	if (s == NULL)
		return;
	/* k6c__sched_run joined the workers before returning. */
	if (s->vus != NULL) {
		for (unsigned id = 0; id <= s->nvus && id < s->capvus; id++)
			k6c__free(s->vus[id]);
	}
	k6c__free(s->vus);
	k6c__free(s->vu_busy);
	if (s->workers != NULL) {
		for (unsigned i = 0; i < s->nworkers; i++) {
			k6c__worker *w = &s->workers[i];
			k6c__loop_free(w->loop);
			k6c__free(w->vus);
			k6c__free(w->cmds);
			k6c__free(w->cmds_work);
			pthread_mutex_destroy(&w->mu);
		}
		k6c__free(s->workers);
	}
	k6c__loop_free(s->ctl_loop);
	if (s->execs != NULL) {
		for (size_t i = 0; i < s->nscenarios; i++) {
			k6c__exec *e = &s->execs[i];
			if (e->vt != NULL && e->vt->free != NULL)
				e->vt->free(e);
			k6c__stripe_free(e->own_stripe);
			k6c__free(e->vus);
		}
		k6c__free(s->execs);
	}
	if (s->scenarios != NULL) {
		for (size_t i = 0; i < s->nscenarios; i++)
			k6c__scenario_free(&s->scenarios[i]);
		k6c__free(s->scenarios);
	}
	k6c__summary_outputs_free(s->summary_out, s->nsummary_out);
	k6c__free(s->init_msg);
	k6c__free(s->abort_reason);
	pthread_mutex_destroy(&s->err_mu);
	pthread_mutex_destroy(&s->clk_mu);
	pthread_mutex_destroy(&s->scale_mu);
	k6c__free(s);
}

void k6c__sched_abort(k6c__sched *s)
{
	/* Async-signal-safe: lock-free atomics and eventfd writes only (and
	 * errno kept for the interrupted code). The workers and the controller
	 * notice the new count after waking. */
	int saved_errno = errno;
	atomic_fetch_add_explicit(&s->abort_seq, 1, memory_order_acq_rel);
	for (unsigned i = 0; i < s->nworkers; i++)
		k6c__loop_wakeup(s->workers[i].loop);
	k6c__loop_wakeup(s->ctl_loop);
	errno = saved_errno;
}

/* ---- controller helpers ---- */

static bool is_aborted(k6c__sched *s)
{
	return atomic_load_explicit(&s->abort_seq, memory_order_acquire) != 0;
}

/* Sleeps until a worker or an abort wakes the controller, or until
 * deadline_ns (UINT64_MAX: no deadline). Callers re-check their condition. */
static void ctl_wait(k6c__sched *s, uint64_t deadline_ns)
{
	int ms = -1;
	if (deadline_ns != UINT64_MAX) {
		uint64_t now = k6c__now_ns();
		uint64_t d = deadline_ns > now ? (deadline_ns - now + 999999) / 1000000 : 0;
		ms = d > INT_MAX ? INT_MAX : (int)d;
	}
	k6c__loop_run_once(s->ctl_loop, ms);
}

/* Test time without the lock: the controller's own view. */
static uint64_t test_ns_unlocked(const k6c__sched *s, uint64_t now)
{
	if (s->clk_t0 == 0)
		return 0;
	uint64_t at = s->clk_pause_start != 0 ? s->clk_pause_start : now;
	uint64_t t = at > s->clk_t0 ? at - s->clk_t0 : 0;
	return t > s->clk_paused_ns ? t - s->clk_paused_ns : 0;
}

uint64_t k6c__sched_test_ns(k6c__sched *s, uint64_t mono_ns)
{
	pthread_mutex_lock(&s->clk_mu);
	uint64_t t = test_ns_unlocked(s, mono_ns);
	pthread_mutex_unlock(&s->clk_mu);
	return t;
}

/* Runs a task on VU 0 and waits for it; after timeout_ms its work is
 * interrupted as a hard stop would (*timed_out then). */
static int run_vu0_task(k6c__sched *s, int task, unsigned abort_base, double timeout_ms,
	int *out_rc, bool *timed_out)
{
	k6c__vu *vu = s->vus[0];
	atomic_store_explicit(&s->task_done, false, memory_order_relaxed);
	worker_cmd c = { vu, { task, NULL, abort_base, 0 } };
	int rc = k6c__worker_post(vu->w, &c, 1);
	if (rc != 0)
		return rc;
	uint64_t deadline = add_sat(k6c__now_ns(), ms_to_ns(timeout_ms));
	*timed_out = false;
	while (!atomic_load_explicit(&s->task_done, memory_order_acquire)) {
		if (!*timed_out && k6c__now_ns() >= deadline) {
			*timed_out = true;
			atomic_fetch_add_explicit(&vu->intr_seq, 1, memory_order_acq_rel);
			atomic_fetch_add_explicit(&s->stop_gen, 1, memory_order_acq_rel);
			k6c__loop_wakeup(vu->w->loop);
		}
		ctl_wait(s, *timed_out ? UINT64_MAX : deadline);
	}
	*out_rc = atomic_load_explicit(&s->task_rc, memory_order_relaxed);
	return 0;
}

static bool exec_live(int st)
{
	return st == EXEC_RUNNING || st == EXEC_STOPPING || st == EXEC_HARD;
}

static unsigned exec_active_vus(const k6c__exec *e)
{
	if (e->vt->active_vus != NULL)
		return e->vt->active_vus(e);
	return atomic_load_explicit(&e->held, memory_order_acquire) -
		atomic_load_explicit(&e->initing, memory_order_acquire);
}

static unsigned running_vus(const k6c__sched *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nscenarios; i++) {
		const k6c__exec *e = &s->execs[i];
		if (exec_live(atomic_load_explicit(&e->state, memory_order_acquire)))
			n += exec_active_vus(e);
	}
	return n;
}

static void emit_gauges(k6c__sched *s)
{
	k6c__samples *ctl = s->ctl_samples;
	if (ctl == NULL)
		return;
	const int ids[2] = { K6C__M_VUS, K6C__M_VUS_MAX };
	const double vals[2] = {
		(double)running_vus(s),
		(double)atomic_load_explicit(&s->vus_ready, memory_order_acquire),
	};
	k6c__samples_add(ctl, k6c__wall_us(), NULL, 0, ids, vals, 2);
	/* Rare samples: hand them over now instead of ticking this buffer. */
	k6c__samples_flush(ctl);
}

static void emit_dropped(k6c__sched *s, k6c__exec *e)
{
	uint64_t d = atomic_load_explicit(&e->dropped, memory_order_relaxed);
	if (d == e->dropped_emitted)
		return;
	k6c__samples *ctl = s->ctl_samples;
	if (ctl != NULL) {
		const k6c__tag tags[1] = { { "scenario", e->sc->name } };
		const int id = K6C__M_DROPPED_ITERATIONS;
		const double v = (double)(d - e->dropped_emitted);
		k6c__samples_add(ctl, k6c__wall_us(), tags, 1, &id, &v, 1);
		k6c__samples_flush(ctl);
	}
	e->dropped_emitted = d;
}

/* ---- VUs for scenarios ---- */

static int exec_push_vu(k6c__exec *e, k6c__vu *vu)
{
	if (e->nvus == e->capvus) {
		unsigned cap = e->capvus ? e->capvus * 2 : 4;
		k6c__vu **v = k6c__realloc(e->vus, (size_t)cap * sizeof(*v));
		if (v == NULL)
			return K6C_ENOMEM;
		e->vus = v;
		e->capvus = cap;
	}
	e->vus[e->nvus++] = vu;
	atomic_store_explicit(&e->held, e->nvus, memory_order_release);
	return 0;
}

int k6c__exec_add_vu(k6c__exec *e)
{
	k6c__sched *s = e->sched;
	k6c__vu *vu = NULL;
	int rc;

	/* A VU of the pool that no scenario holds (k6 reuses those before it
	 * initialises a new one). */
	for (unsigned id = 1; id <= s->nvus; id++) {
		if (!s->vu_busy[id]) {
			vu = s->vus[id];
			break;
		}
	}
	worker_cmd cmds[2];
	size_t n = 0;
	if (vu == NULL) {
		if (vus_reserve(s, s->nvus + 1) != 0)
			return K6C_ENOMEM;
		vu = vu_alloc(s, s->nvus + 1);
		if (vu == NULL)
			return K6C_ENOMEM;
		s->nvus++;
		vu->dynamic = true;
		vu->owes_initing = true;
		atomic_fetch_add_explicit(&e->initing, 1, memory_order_acq_rel);
		cmds[n++] = (worker_cmd){ vu, { VU_TASK_ADOPT, e, 0, 0 } };
	}
	rc = exec_push_vu(e, vu);
	if (rc != 0) {
		if (vu->dynamic && n > 0) {
			/* Never posted: it stays in the list, idle and unused. */
			atomic_fetch_sub_explicit(&e->initing, 1, memory_order_acq_rel);
			s->vu_busy[vu->id] = true;
		}
		return rc;
	}
	s->vu_busy[vu->id] = true;
	atomic_store_explicit(&vu->arr_state, ARR_BUSY, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->active, 1, memory_order_acq_rel);
	cmds[n++] = (worker_cmd){ vu, { VU_TASK_SCENARIO, e, 0, e->nvus - 1 } };
	rc = k6c__worker_post(vu->w, cmds, n);
	if (rc != 0) {
		/* The VU never runs the scenario: the scenario must not wait. */
		atomic_fetch_sub_explicit(&e->active, 1, memory_order_acq_rel);
		if (vu->owes_initing) {
			vu->owes_initing = false;
			atomic_fetch_sub_explicit(&e->initing, 1, memory_order_acq_rel);
		}
	}
	return rc;
}

k6c__vu *k6c__exec_pop_free(k6c__exec *e)
{
	if (e->ctl_free == NULL)
		e->ctl_free = atomic_exchange_explicit(&e->free_stack, NULL, memory_order_acquire);
	k6c__vu *vu = e->ctl_free;
	if (vu != NULL)
		e->ctl_free = vu->pool_next;
	return vu;
}

void k6c__exec_assign(k6c__exec *e, k6c__vu *vu, uint64_t due_ns)
{
	vu->arr_ns = due_ns;
	atomic_store_explicit(&vu->arr_state, ARR_ASSIGNED, memory_order_release);
	k6c__exec_wake_vu(e, vu);
}

void k6c__exec_interrupt_vu(k6c__exec *e, k6c__vu *vu)
{
	atomic_fetch_add_explicit(&vu->intr_seq, 1, memory_order_acq_rel);
	atomic_fetch_add_explicit(&e->sched->stop_gen, 1, memory_order_acq_rel);
	k6c__loop_wakeup(vu->w->loop);
}

/* ---- scenarios ---- */

typedef struct run_state {
	worker_cmd *cmd_tmp;        /* planned_vus + 1 entries */
	size_t left;                /* scenarios not done */
	int api_rc;
} run_state;

static void exec_call_tick(k6c__exec *e, uint64_t tnow, uint64_t now)
{
	uint64_t start = atomic_load_explicit(&e->start_test_ns, memory_order_relaxed);
	e->now_ns = now;
	double d = e->vt->tick(e, (double)(tnow - start) / 1e6);
	e->tick_test_ns = d >= 0 ? add_sat(tnow, ms_to_ns(d) > 0 ? ms_to_ns(d) : 1) : UINT64_MAX;
}

/* Reserves the scenario's planned VUs (the lowest free ids, spread over
 * the workers) and hands each its task. False while too few VUs are free (a
 * scenario that overlaps the previous one's graceful stop waits for it). */
static bool exec_start(k6c__sched *s, k6c__exec *e, run_state *rs, uint64_t tnow, uint64_t now)
{
	unsigned nfree = 0;
	for (unsigned id = 1; id <= s->nvus && nfree < e->plan_vus; id++)
		nfree += !s->vu_busy[id];
	if (nfree < e->plan_vus)
		return false;
	e->nvus = 0;
	for (unsigned id = 1; id <= s->nvus && e->nvus < e->plan_vus; id++) {
		if (!s->vu_busy[id]) {
			s->vu_busy[id] = true;
			e->vus[e->nvus++] = s->vus[id];
		}
	}
	atomic_store_explicit(&e->held, e->nvus, memory_order_release);
	/* Arrival-rate: every planned VU starts free, lowest id on top. */
	e->ctl_free = NULL;
	atomic_store_explicit(&e->free_stack, NULL, memory_order_relaxed);
	for (unsigned j = e->nvus; j-- > 0;) {
		k6c__vu *vu = e->vus[j];
		atomic_store_explicit(&vu->arr_state, e->vt->open ? ARR_FREE : ARR_BUSY, memory_order_relaxed);
		if (e->vt->open) {
			vu->pool_next = e->ctl_free;
			e->ctl_free = vu;
		}
	}
	atomic_store_explicit(&e->active, e->nvus, memory_order_release);
	atomic_store_explicit(&e->start_test_ns, tnow, memory_order_release);
	atomic_store_explicit(&e->start_epoch_ms, (double)k6c__wall_us() / 1e3, memory_order_release);
	e->stop_test_ns = add_sat(tnow, ms_to_ns(e->run_ms));
	e->tick_test_ns = UINT64_MAX;
	atomic_store_explicit(&e->state, EXEC_RUNNING, memory_order_release);
	/* The first tick before the tasks: the VUs' first question to the
	 * executor then finds its initial plan (VU count, first arrival).
	 * VUs it adds got their task already. */
	unsigned planned = e->nvus;
	if (e->vt->tick != NULL)
		exec_call_tick(e, tnow, now);
	for (unsigned i = 0; i < s->nworkers; i++) {
		k6c__worker *w = &s->workers[i];
		size_t n = 0;
		for (unsigned j = 0; j < planned; j++) {
			if (e->vus[j]->w == w)
				rs->cmd_tmp[n++] = (worker_cmd){ e->vus[j], { VU_TASK_SCENARIO, e, 0, j } };
		}
		if (n > 0) {
			int rc = k6c__worker_post(w, rs->cmd_tmp, n);
			if (rc != 0) {
				/* Only a bookkeeping bug or no memory gets here;
				 * stop the run rather than wait for VUs that never
				 * start. */
				atomic_fetch_sub_explicit(&e->active, (unsigned)n, memory_order_acq_rel);
				if (rs->api_rc == 0)
					rs->api_rc = rc;
				k6c__sched_abort(s);
			}
		}
	}
	return true;
}

static void exec_set_stop(k6c__sched *s, k6c__exec *e, bool hard)
{
	atomic_store_explicit(&e->stopping, true, memory_order_release);
	if (hard)
		atomic_store_explicit(&e->hard_stop, true, memory_order_release);
	atomic_fetch_add_explicit(&s->stop_gen, 1, memory_order_acq_rel);
	k6c__sched_wake_workers(s);
}

static void exec_done(k6c__sched *s, k6c__exec *e, run_state *rs, uint64_t tnow)
{
	/* The end-of-test gauge sample, taken while the last scenario's VUs
	 * still count as active (as k6's summary shows them). */
	if (rs->left == 1)
		emit_gauges(s);
	if (e->vt->finish != NULL)
		e->vt->finish(e);
	emit_dropped(s, e);
	for (unsigned j = 0; j < e->nvus; j++)
		s->vu_busy[e->vus[j]->id] = false;
	e->ctl_free = NULL;
	atomic_store_explicit(&e->free_stack, NULL, memory_order_relaxed);
	atomic_store_explicit(&e->end_test_ns, tnow > 0 ? tnow : 1, memory_order_release);
	atomic_store_explicit(&e->state, EXEC_DONE, memory_order_release);
	rs->left--;
}

/* Advances one scenario along its timeline (in test time); true if its
 * state changed. *deadline is a monotonic time to wake up at. */
static bool exec_step(k6c__sched *s, k6c__exec *e, run_state *rs, uint64_t tnow, uint64_t now,
	bool aborted, bool paused, uint64_t *deadline)
{
	int before = atomic_load_explicit(&e->state, memory_order_relaxed);
	int state = before;

#define WAKE_AT(test_at) \
	do { \
		if (!paused && (test_at) != UINT64_MAX) \
			*deadline = min_u64(*deadline, add_sat(now, (test_at) > tnow ? (test_at) - tnow : 0)); \
	} while (0)

	if (state == EXEC_PENDING) {
		uint64_t at = ms_to_ns(start_ms(e->sc));
		if (paused || tnow < at) {
			WAKE_AT(at);
			return false;
		}
		if (!exec_start(s, e, rs, tnow, now))
			return false;   /* a scenario finishing wakes us */
		state = EXEC_RUNNING;
	}
	bool idle = atomic_load_explicit(&e->active, memory_order_acquire) == 0;
	bool poked = e->vt->poked != NULL && e->vt->poked(e);
	if (state == EXEC_RUNNING) {
		/* A scenario ends early when every VU left, unless more may
		 * come; one with no work in this segment ends at once. */
		if (idle && (!e->vt->lives_without_vus || (e->vt->open && e->max_vus == 0))) {
			exec_done(s, e, rs, tnow);
			return true;
		}
		if (aborted) {
			exec_set_stop(s, e, true);
			state = EXEC_HARD;
		} else if (!paused && tnow >= e->stop_test_ns) {
			/* End of the regular duration: what is due up to it is
			 * handed out, then no new iterations; running ones get
			 * gracefulStop to finish. */
			if (e->vt->tick != NULL) {
				uint64_t late = tnow - e->stop_test_ns;
				exec_call_tick(e, e->stop_test_ns, now > late ? now - late : now);
			}
			exec_set_stop(s, e, false);
			state = EXEC_STOPPING;
			e->hard_test_ns = add_sat(e->stop_test_ns, ms_to_ns(e->graceful_ms));
		} else {
			if (e->vt->tick != NULL && (poked || (!paused && e->tick_test_ns <= tnow)))
				exec_call_tick(e, tnow, now);
			WAKE_AT(min_u64(e->stop_test_ns, e->tick_test_ns));
		}
	}
	if (state == EXEC_STOPPING) {
		if (idle) {
			atomic_store_explicit(&e->state, state, memory_order_release);
			exec_done(s, e, rs, tnow);
			return true;
		}
		if (aborted || (!paused && tnow >= e->hard_test_ns)) {
			exec_set_stop(s, e, true);
			state = EXEC_HARD;
		} else {
			/* ramping-vus still interrupts VUs past their
			 * gracefulRampDown while the scenario stops. */
			if (e->vt->tick != NULL && !paused && e->tick_test_ns <= tnow)
				exec_call_tick(e, tnow, now);
			WAKE_AT(min_u64(e->hard_test_ns, e->tick_test_ns));
		}
	}
	atomic_store_explicit(&e->state, state, memory_order_release);
	if (state == EXEC_HARD && idle)
		exec_done(s, e, rs, tnow);
#undef WAKE_AT
	return atomic_load_explicit(&e->state, memory_order_relaxed) != before;
}

/* Follows k6c__sched_pause: freezes or resumes the test clock. */
static void update_clock(k6c__sched *s, uint64_t now, bool paused)
{
	if (paused == (s->clk_pause_start != 0))
		return;
	pthread_mutex_lock(&s->clk_mu);
	if (paused) {
		s->clk_pause_start = now;
	} else {
		s->clk_paused_ns += now - s->clk_pause_start;
		s->clk_pause_start = 0;
	}
	pthread_mutex_unlock(&s->clk_mu);
}

static int run_scenarios(k6c__sched *s, bool *dyn_init_failed)
{
	run_state rs = { .left = s->nscenarios };
	rs.cmd_tmp = k6c__calloc((size_t)s->planned_vus + 1, sizeof(*rs.cmd_tmp));
	if (rs.cmd_tmp == NULL)
		return k6c__error(K6C_ENOMEM, "scheduler: out of memory");

	uint64_t t0 = k6c__now_ns(), now = t0;
	pthread_mutex_lock(&s->clk_mu);
	s->clk_t0 = t0;
	if (atomic_load_explicit(&s->paused, memory_order_acquire))
		s->clk_pause_start = t0;
	pthread_mutex_unlock(&s->clk_mu);
	atomic_store_explicit(&s->running, true, memory_order_release);

	uint64_t next_gauge = t0;
	while (rs.left > 0) {
		now = k6c__now_ns();
		s->ctl_now_ns = now;
		if (!*dyn_init_failed && atomic_load_explicit(&s->init_failed, memory_order_acquire)) {
			/* A VU initialised during the run failed: the run ends
			 * as an init failure would have ended it. */
			*dyn_init_failed = true;
			k6c__sched_abort(s);
		}
		bool aborted = is_aborted(s);
		bool paused = atomic_load_explicit(&s->paused, memory_order_acquire) && !aborted;
		update_clock(s, now, paused);
		uint64_t tnow = test_ns_unlocked(s, now);
		bool progress = false;
		uint64_t deadline = UINT64_MAX;

		if (aborted) {
			/* Scenarios that have not started never will. */
			for (size_t i = 0; i < s->nscenarios; i++) {
				k6c__exec *e = &s->execs[i];
				if (atomic_load_explicit(&e->state, memory_order_relaxed) == EXEC_PENDING) {
					atomic_store_explicit(&e->state, EXEC_DONE, memory_order_release);
					rs.left--;
				}
			}
		}
		for (size_t i = 0; i < s->nscenarios; i++) {
			k6c__exec *e = &s->execs[i];
			if (atomic_load_explicit(&e->state, memory_order_relaxed) == EXEC_DONE)
				continue;
			if (exec_step(s, e, &rs, tnow, now, aborted, paused, &deadline))
				progress = true;
			emit_dropped(s, e);
		}
		if (rs.left == 0)
			break;
		if (now >= next_gauge) {
			/* The first pass emits right after the first starts. */
			emit_gauges(s);
			while (next_gauge <= now)
				next_gauge += GAUGE_INTERVAL_NS;
		}
		if (!progress)
			ctl_wait(s, min_u64(deadline, next_gauge));
	}
	k6c__free(rs.cmd_tmp);
	return rs.api_rc;
}

/* ---- the run ---- */

static int fail_status(int rc, bool aborted, int *status)
{
	/* A phase failed with rc: the run's verdict, or an API error. */
	if (aborted) {
		*status = K6C_EABORTED;
		return 0;
	}
	if (rc == K6C_ESCRIPT || rc == K6C_EABORTED || rc > 0) {
		*status = K6C_ESCRIPT;
		return 0;
	}
	return rc;
}

static double timeout_or(double ms, double dflt)
{
	return ms > 0 ? ms : dflt;
}

/* handleSummary on VU 0 with the data the caller builds now. */
static int run_summary(k6c__sched *s, k6c__sched_result *out)
{
	const char *json = s->cfg.summary_data(s->cfg.summary_data_arg, out);
	if (json == NULL)
		return 0;
	s->summary_json = json;
	int trc = 0;
	bool timed_out = false;
	unsigned base = atomic_load_explicit(&s->abort_seq, memory_order_acquire);
	int rc = run_vu0_task(s, VU_TASK_SUMMARY, base,
		timeout_or(s->cfg.summary_timeout_ms, DEFAULT_SUMMARY_TIMEOUT_MS), &trc, &timed_out);
	if (rc != 0)
		return rc;
	out->summary_ran = true;
	out->summary_rc = timed_out && trc == 0 ? K6C_EABORTED : trc;
	out->summary_out = s->summary_out;
	out->nsummary_out = s->nsummary_out;
	s->summary_out = NULL;
	s->nsummary_out = 0;
	return 0;
}

int k6c__sched_run(k6c__sched *s, k6c__sched_result *out)
{
	const k6c__vu_ops *ops = s->cfg.ops;
	int status = 0, api_rc = 0, rc;
	unsigned expected = 0;
	bool can_teardown = false, inited = false, dyn_init_failed = false;
	uint64_t run_t0 = 0;

	memset(out, 0, sizeof(*out));
	if (s->ran)
		return k6c__error(K6C_ESTATE, "scheduler: a scheduler runs only once");
	s->ran = true;

	rc = k6c__http_global_init();
	if (rc != 0)
		return rc;
	if (s->cfg.metrics != NULL) {
		rc = k6c__samples_new(s->cfg.metrics, &s->ctl_samples);
		if (rc != 0) {
			k6c__http_global_cleanup();
			return rc;
		}
	}

	/* Init: every worker starts by initialising its planned VUs. */
	for (unsigned i = 0; i < s->nworkers; i++) {
		rc = k6c__worker_start(&s->workers[i]);
		if (rc != 0) {
			api_rc = rc;
			/* The started workers' VUs skip their init. */
			atomic_store_explicit(&s->init_failed, true, memory_order_release);
			break;
		}
		expected += (unsigned)s->workers[i].nvus;
	}
	while (atomic_load_explicit(&s->inits_done, memory_order_acquire) < expected)
		ctl_wait(s, UINT64_MAX);
	if (api_rc != 0)
		goto shutdown;
	if (is_aborted(s)) {
		status = K6C_EABORTED;
		goto shutdown;
	}
	if (atomic_load_explicit(&s->init_failed, memory_order_acquire)) {
		pthread_mutex_lock(&s->err_mu);
		int irc = s->init_rc;
		pthread_mutex_unlock(&s->err_mu);
		api_rc = fail_status(irc, false, &status);
		goto shutdown;
	}
	inited = true;

	/* --paused: the VUs are ready; nothing else happens until resumed. */
	while (atomic_load_explicit(&s->paused, memory_order_acquire) && !is_aborted(s))
		ctl_wait(s, UINT64_MAX);
	if (is_aborted(s)) {
		status = K6C_EABORTED;
		goto shutdown;
	}

	/* k6's test run duration (counter rates, testRunDurationMs) spans
	 * setup, the scenarios and teardown. */
	run_t0 = k6c__now_ns();
	atomic_store_explicit(&s->run_t0_ns, run_t0, memory_order_release);

	/* Setup. A failure (or an abort) skips the scenarios and teardown,
	 * as in k6: teardown would get no data. */
	if (!s->cfg.no_setup && ops->setup != NULL) {
		int trc = 0;
		bool timed_out = false;
		rc = run_vu0_task(s, VU_TASK_SETUP, 0, timeout_or(s->cfg.setup_timeout_ms, DEFAULT_SETUP_TIMEOUT_MS),
			&trc, &timed_out);
		if (rc != 0) {
			api_rc = rc;
			goto shutdown;
		}
		if (timed_out) {
			out->setup_timed_out = true;
			status = K6C_EABORTED;
			goto shutdown;
		}
		if (trc != 0 || is_aborted(s)) {
			api_rc = fail_status(trc, is_aborted(s), &status);
			goto shutdown;
		}
	}
	can_teardown = true;

	rc = run_scenarios(s, &dyn_init_failed);
	if (rc != 0)
		api_rc = rc;
	if (is_aborted(s))
		status = K6C_EABORTED;
	if (dyn_init_failed) {
		pthread_mutex_lock(&s->err_mu);
		int irc = s->init_rc;
		pthread_mutex_unlock(&s->err_mu);
		rc = fail_status(irc, false, &status);
		if (rc != 0 && api_rc == 0)
			api_rc = rc;
	}

shutdown:
	/* Teardown runs after the scenarios even when they were aborted; an
	 * abort during teardown (a later k6c__sched_abort) interrupts it. */
	if (can_teardown && api_rc == 0 && !s->cfg.no_teardown && ops->teardown != NULL) {
		int trc = 0;
		bool timed_out = false;
		unsigned base = atomic_load_explicit(&s->abort_seq, memory_order_acquire);
		rc = run_vu0_task(s, VU_TASK_TEARDOWN, base,
			timeout_or(s->cfg.teardown_timeout_ms, DEFAULT_TEARDOWN_TIMEOUT_MS), &trc, &timed_out);
		if (rc != 0) {
			api_rc = rc;
		} else if (timed_out) {
			out->teardown_timed_out = true;
		} else if (trc != 0) {
			bool again = atomic_load_explicit(&s->abort_seq, memory_order_acquire) != base;
			int st = 0;
			api_rc = fail_status(trc, again, &st);
			if (status == 0)
				status = st;
		}
	}

	if (run_t0 != 0)
		out->duration_ms = (double)(k6c__now_ns() - run_t0) / 1e6;
	for (size_t i = 0; i < s->nscenarios; i++) {
		out->iterations_complete += atomic_load_explicit(&s->execs[i].complete, memory_order_relaxed);
		out->iterations_interrupted += atomic_load_explicit(&s->execs[i].interrupted, memory_order_relaxed);
	}
	out->status = status;
	out->script_aborted = atomic_load_explicit(&s->script_aborted, memory_order_acquire);
	out->marked_failed = atomic_load_explicit(&s->marked_failed, memory_order_acquire);
	pthread_mutex_lock(&s->err_mu);
	out->abort_reason = s->abort_reason;
	s->abort_reason = NULL;
	pthread_mutex_unlock(&s->err_mu);

	/* handleSummary after every ending but a failed init or an API
	 * error: aborts (signals, test.abort, thresholds) included. */
	if (inited && api_rc == 0 && s->vus[0] != NULL && s->cfg.summary_data != NULL &&
	    ops->handle_summary != NULL) {
		rc = run_summary(s, out);
		if (rc != 0)
			api_rc = rc;
	}

	for (unsigned i = 0; i < s->nworkers; i++)
		k6c__worker_join(&s->workers[i]);
	if (s->ctl_samples != NULL)
		k6c__samples_free(s->ctl_samples);
	s->ctl_samples = NULL;
	k6c__http_global_cleanup();

	if (api_rc != 0) {
		k6c__sched_result_free(out);
		/* Re-raise on this thread: the message may come from a worker. */
		pthread_mutex_lock(&s->err_mu);
		if (s->init_rc == api_rc && s->init_msg != NULL)
			k6c__error(api_rc, "%s", s->init_msg);
		pthread_mutex_unlock(&s->err_mu);
		return api_rc;
	}
	return 0;
}

/* ---- control and progress from any thread ---- */

void k6c__sched_pause(k6c__sched *s, bool paused)
{
	atomic_store_explicit(&s->paused, paused, memory_order_release);
	/* Parked VUs look again (resuming wakes them); the controller
	 * freezes or restarts the clock. */
	atomic_fetch_add_explicit(&s->stop_gen, 1, memory_order_acq_rel);
	k6c__sched_wake_workers(s);
	k6c__loop_wakeup(s->ctl_loop);
}

bool k6c__sched_paused(const k6c__sched *s)
{
	return atomic_load_explicit(&s->paused, memory_order_acquire);
}

size_t k6c__sched_scenario_count(const k6c__sched *s)
{
	return s->nscenarios;
}

int k6c__sched_progress(k6c__sched *s, size_t index, k6c__scenario_progress *out)
{
	memset(out, 0, sizeof(*out));
	if (index >= s->nscenarios)
		return k6c__error(K6C_ENOTFOUND, "scenario index %zu past the end (%zu scenarios)", index, s->nscenarios);
	k6c__exec *e = &s->execs[index];
	out->name = e->sc->name;
	out->executor = e->sc->executor;
	int st = atomic_load_explicit(&e->state, memory_order_acquire);
	switch (st) {
	case EXEC_PENDING:
		out->state = K6C__SC_PENDING;
		break;
	case EXEC_RUNNING:
		out->state = K6C__SC_RUNNING;
		break;
	case EXEC_STOPPING:
	case EXEC_HARD:
		out->state = K6C__SC_STOPPING;
		break;
	default:
		out->state = K6C__SC_DONE;
		break;
	}
	uint64_t end = atomic_load_explicit(&e->end_test_ns, memory_order_acquire);
	if (st != EXEC_PENDING && (st != EXEC_DONE || end != 0)) {
		uint64_t start = atomic_load_explicit(&e->start_test_ns, memory_order_acquire);
		uint64_t t = end != 0 ? end : k6c__sched_test_ns(s, k6c__now_ns());
		out->elapsed_ms = t > start ? (double)(t - start) / 1e6 : 0;
		out->start_epoch_ms = atomic_load_explicit(&e->start_epoch_ms, memory_order_acquire);
	}
	out->iterations_complete = atomic_load_explicit(&e->complete, memory_order_relaxed);
	out->iterations_interrupted = atomic_load_explicit(&e->interrupted, memory_order_relaxed);
	out->iterations_dropped = atomic_load_explicit(&e->dropped, memory_order_relaxed);
	out->vus_max = atomic_load_explicit(&e->held, memory_order_acquire) -
		atomic_load_explicit(&e->initing, memory_order_acquire);
	if (exec_live(st))
		out->vus_active = exec_active_vus(e);
	if (e->vt->progress != NULL)
		out->progress = e->vt->progress(e, out->elapsed_ms);
	else if (st == EXEC_DONE && end != 0)
		out->progress = 1;
	else if (e->run_ms > 0 && !isinf(e->run_ms))
		out->progress = out->elapsed_ms >= e->run_ms ? 1 : out->elapsed_ms / e->run_ms;
	return 0;
}

void k6c__sched_stats_get(k6c__sched *s, k6c__sched_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->nscenarios; i++) {
		k6c__exec *e = &s->execs[i];
		out->iterations_complete += atomic_load_explicit(&e->complete, memory_order_relaxed);
		out->iterations_interrupted += atomic_load_explicit(&e->interrupted, memory_order_relaxed);
		if (exec_live(atomic_load_explicit(&e->state, memory_order_acquire)))
			out->vus_active += exec_active_vus(e);
	}
	out->vus_initialized = atomic_load_explicit(&s->vus_ready, memory_order_acquire);
	uint64_t t0 = atomic_load_explicit(&s->run_t0_ns, memory_order_acquire);
	if (t0 != 0)
		out->elapsed_ms = (double)(k6c__now_ns() - t0) / 1e6;
}
