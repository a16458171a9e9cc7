/*
 * sched.c - the run controller. On the caller's thread it starts the
 * workers, has them initialise the VUs in parallel, runs setup on VU 0, runs
 * the scenarios on their timeline (start time, end of regular duration,
 * gracefulStop, hard stop), runs teardown, then stops the workers, which
 * free the VU states on their own threads. It also emits the `vus` and
 * `vus_max` gauges. The controller sleeps in its own event loop and is woken
 * by workers (a VU left a scenario, a task or init finished) and by
 * k6c__sched_abort; it never busy-waits.
 */
#include "sched/sched_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GAUGE_INTERVAL_NS 1000000000ull

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

/* ---- construction ---- */

static double start_ms(const k6c__scenario *sc)
{
	return sc->start_time_ms > 0 ? sc->start_time_ms : 0;
}

/* The most VUs that scenarios need at the same time, taking each one's
 * whole possible span (start .. start + regular duration + gracefulStop),
 * as k6 sizes its pre-initialised VU pool. The peak is at some start. */
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
				sum += e->max_vus;
		}
		if (sum > peak)
			peak = sum;
	}
	return peak;
}

static int create_vus(k6c__sched *s, bool need_vu0)
{
	s->vus = k6c__calloc((size_t)s->nvus + 1, sizeof(*s->vus));
	if (s->vus == NULL)
		return K6C_ENOMEM;
	for (unsigned id = need_vu0 ? 0 : 1; id <= s->nvus; id++) {
		k6c__vu *vu = k6c__calloc(1, sizeof(*vu));
		if (vu == NULL)
			return K6C_ENOMEM;
		vu->s = s;
		vu->id = (int)id;
		/* VU 0 shares worker 0; VUs 1..N go round-robin, so the lowest
		 * ids a scenario takes are spread over all workers. */
		vu->w = &s->workers[id == 0 ? 0 : (id - 1) % s->nworkers];
		vu->w->nvus++;
		s->vus[id] = vu;
	}
	for (unsigned i = 0; i < s->nworkers; i++) {
		k6c__worker *w = &s->workers[i];
		w->capcmds = w->nvus + 1;
		w->vus = k6c__calloc(w->nvus ? w->nvus : 1, sizeof(*w->vus));
		w->cmds = k6c__calloc(w->capcmds, sizeof(*w->cmds));
		w->cmds_work = k6c__calloc(w->capcmds, sizeof(*w->cmds_work));
		if (w->vus == NULL || w->cmds == NULL || w->cmds_work == NULL)
			return K6C_ENOMEM;
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
	for (size_t i = 0; i < s->nscenarios; i++) {
		k6c__exec *e = &s->execs[i];
		e->sc = &s->scenarios[i];
		e->sched = s;
		e->vt = k6c__executor_for(e->sc->executor);
		if (e->vt == NULL) {
			rc = k6c__error(K6C_ECONFIG, "scenario %s: unknown executor", e->sc->name);
			goto fail;
		}
		rc = e->vt->init(e);
		if (rc != 0) {
			e->vt = NULL;
			goto fail;
		}
		e->vus = k6c__calloc(e->max_vus ? e->max_vus : 1, sizeof(*e->vus));
		if (e->vus == NULL)
			goto nomem;
	}

	s->nvus = plan_peak_vus(s);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nw = cfg->workers > 0 ? cfg->workers : (ncpu > 0 ? (unsigned)ncpu : 1);
	/* More workers than VUs would only idle. */
	if (nw > s->nvus)
		nw = s->nvus > 0 ? s->nvus : 1;
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
	bool need_vu0 = (!cfg->no_setup && ops->setup != NULL) || (!cfg->no_teardown && ops->teardown != NULL);
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
		for (unsigned id = 0; id <= s->nvus; id++)
			k6c__free(s->vus[id]);
		k6c__free(s->vus);
	}
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
			k6c__free(e->vus);
		}
		k6c__free(s->execs);
	}
	if (s->scenarios != NULL) {
		for (size_t i = 0; i < s->nscenarios; i++)
			k6c__scenario_free(&s->scenarios[i]);
		k6c__free(s->scenarios);
	}
	k6c__free(s->init_msg);
	k6c__free(s->abort_reason);
	pthread_mutex_destroy(&s->err_mu);
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

/* Runs setup or teardown on VU 0 and waits for it. */
static int run_vu0_task(k6c__sched *s, int task, unsigned abort_base, int *out_rc)
{
	atomic_store_explicit(&s->task_done, false, memory_order_relaxed);
	worker_cmd c = { s->vus[0], { task, NULL, abort_base } };
	int rc = k6c__worker_post(s->vus[0]->w, &c, 1);
	if (rc != 0)
		return rc;
	while (!atomic_load_explicit(&s->task_done, memory_order_acquire))
		ctl_wait(s, UINT64_MAX);
	*out_rc = atomic_load_explicit(&s->task_rc, memory_order_relaxed);
	return 0;
}

static unsigned exec_gauge_vus(const k6c__exec *e)
{
	return e->vt->active_vus != NULL ? e->vt->active_vus(e) : e->max_vus;
}

static unsigned running_vus(const k6c__sched *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nscenarios; i++) {
		const k6c__exec *e = &s->execs[i];
		if (e->state != EXEC_PENDING && e->state != EXEC_DONE)
			n += exec_gauge_vus(e);
	}
	return n;
}

static void emit_gauges(k6c__sched *s, k6c__samples *ctl)
{
	if (ctl == NULL)
		return;
	const int ids[2] = { K6C__M_VUS, K6C__M_VUS_MAX };
	const double vals[2] = { (double)running_vus(s), (double)s->nvus };
	k6c__samples_add(ctl, k6c__wall_us(), NULL, 0, ids, vals, 2);
	/* Rare samples: hand them over now instead of ticking this buffer. */
	k6c__samples_flush(ctl);
}

/* ---- scenarios ---- */

typedef struct run_state {
	k6c__samples *ctl;
	bool *busy;                 /* [id]: the VU is reserved by a scenario */
	worker_cmd *cmd_tmp;        /* nvus entries */
	size_t left;                /* scenarios not done */
	int api_rc;
} run_state;

/* Reserves the scenario's VUs (the lowest free ids, spread over the
 * workers) and hands each its task. False while too few VUs are free (a
 * scenario that overlaps the previous one's graceful stop waits for it). */
static bool exec_start(k6c__sched *s, k6c__exec *e, run_state *rs, uint64_t now)
{
	unsigned nfree = 0;
	for (unsigned id = 1; id <= s->nvus; id++)
		nfree += !rs->busy[id];
	if (nfree < e->max_vus)
		return false;
	unsigned k = 0;
	for (unsigned id = 1; id <= s->nvus && k < e->max_vus; id++) {
		if (!rs->busy[id]) {
			rs->busy[id] = true;
			e->vus[k++] = s->vus[id];
		}
	}
	atomic_store_explicit(&e->active, e->max_vus, memory_order_release);
	e->start_ns = now;
	e->start_epoch_ms = (double)k6c__wall_us() / 1e3;
	e->stop_ns = now + ms_to_ns(e->run_ms);
	e->tick_ns = UINT64_MAX;
	e->state = EXEC_RUNNING;
	for (unsigned i = 0; i < s->nworkers; i++) {
		k6c__worker *w = &s->workers[i];
		size_t n = 0;
		for (unsigned j = 0; j < e->max_vus; j++) {
			if (e->vus[j]->w == w)
				rs->cmd_tmp[n++] = (worker_cmd){ e->vus[j], { VU_TASK_SCENARIO, e, 0 } };
		}
		if (n > 0) {
			int rc = k6c__worker_post(w, rs->cmd_tmp, n);
			if (rc != 0) {
				/* Only a bookkeeping bug gets here; stop the run
				 * rather than wait for VUs that never start. */
				atomic_fetch_sub_explicit(&e->active, (unsigned)n, memory_order_acq_rel);
				if (rs->api_rc == 0)
					rs->api_rc = rc;
				k6c__sched_abort(s);
			}
		}
	}
	if (e->vt->tick != NULL) {
		double d = e->vt->tick(e, 0);
		e->tick_ns = d >= 0 ? now + ms_to_ns(d) : UINT64_MAX;
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

static void exec_done(k6c__sched *s, k6c__exec *e, run_state *rs)
{
	/* The end-of-test gauge sample, taken while the last scenario's VUs
	 * still count as active (as k6's summary shows them). */
	if (rs->left == 1)
		emit_gauges(s, rs->ctl);
	if (e->vt->finish != NULL) {
		e->vt->finish(e, rs->ctl);
		if (rs->ctl != NULL)
			k6c__samples_flush(rs->ctl);
	}
	for (unsigned j = 0; j < e->max_vus; j++)
		rs->busy[e->vus[j]->id] = false;
	e->state = EXEC_DONE;
	rs->left--;
}

/* Advances one scenario along its timeline; true if its state changed. */
static bool exec_step(k6c__sched *s, k6c__exec *e, run_state *rs, uint64_t t0, uint64_t now,
	bool aborted, uint64_t *deadline)
{
	int before = e->state;

	if (e->state == EXEC_PENDING) {
		uint64_t at = t0 + ms_to_ns(e->sc->start_time_ms);
		if (now < at) {
			*deadline = min_u64(*deadline, at);
			return false;
		}
		if (!exec_start(s, e, rs, now))
			return false;   /* a scenario finishing wakes us */
	}
	bool idle = atomic_load_explicit(&e->active, memory_order_acquire) == 0;
	if (e->state == EXEC_RUNNING) {
		if (idle) {
			exec_done(s, e, rs);
			return true;
		}
		if (aborted) {
			exec_set_stop(s, e, true);
			e->state = EXEC_HARD;
		} else if (now >= e->stop_ns) {
			/* End of the regular duration: no new iterations;
			 * running ones get gracefulStop to finish. */
			exec_set_stop(s, e, false);
			e->state = EXEC_STOPPING;
			e->hard_ns = now + ms_to_ns(e->graceful_ms);
		} else {
			if (e->tick_ns <= now) {
				double d = e->vt->tick(e, (double)(now - e->start_ns) / 1e6);
				e->tick_ns = d >= 0 ? now + ms_to_ns(d) : UINT64_MAX;
			}
			*deadline = min_u64(*deadline, min_u64(e->stop_ns, e->tick_ns));
		}
	}
	if (e->state == EXEC_STOPPING) {
		if (idle) {
			exec_done(s, e, rs);
			return true;
		}
		if (aborted || now >= e->hard_ns) {
			exec_set_stop(s, e, true);
			e->state = EXEC_HARD;
		} else {
			*deadline = min_u64(*deadline, e->hard_ns);
		}
	}
	if (e->state == EXEC_HARD && idle)
		exec_done(s, e, rs);
	return e->state != before;
}

static int run_scenarios(k6c__sched *s, k6c__samples *ctl, double *out_ms)
{
	run_state rs = { .ctl = ctl, .left = s->nscenarios };
	rs.busy = k6c__calloc((size_t)s->nvus + 1, sizeof(*rs.busy));
	rs.cmd_tmp = k6c__calloc((size_t)s->nvus + 1, sizeof(*rs.cmd_tmp));
	if (rs.busy == NULL || rs.cmd_tmp == NULL) {
		k6c__free(rs.busy);
		k6c__free(rs.cmd_tmp);
		return k6c__error(K6C_ENOMEM, "scheduler: out of memory");
	}

	uint64_t t0 = k6c__now_ns(), now = t0;
	uint64_t next_gauge = t0;
	while (rs.left > 0) {
		now = k6c__now_ns();
		bool aborted = is_aborted(s);
		bool progress = false;
		uint64_t deadline = UINT64_MAX;

		if (aborted) {
			/* Scenarios that have not started never will. */
			for (size_t i = 0; i < s->nscenarios; i++) {
				if (s->execs[i].state == EXEC_PENDING) {
					s->execs[i].state = EXEC_DONE;
					rs.left--;
				}
			}
		}
		for (size_t i = 0; i < s->nscenarios; i++) {
			k6c__exec *e = &s->execs[i];
			if (e->state != EXEC_DONE && exec_step(s, e, &rs, t0, now, aborted, &deadline))
				progress = true;
		}
		if (rs.left == 0)
			break;
		if (now >= next_gauge) {
			/* The first pass emits right after the first starts. */
			emit_gauges(s, ctl);
			while (next_gauge <= now)
				next_gauge += GAUGE_INTERVAL_NS;
		}
		if (!progress)
			ctl_wait(s, min_u64(deadline, next_gauge));
	}
	*out_ms = (double)(k6c__now_ns() - t0) / 1e6;
	k6c__free(rs.busy);
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

int k6c__sched_run(k6c__sched *s, k6c__sched_result *out)
{
	const k6c__vu_ops *ops = s->cfg.ops;
	k6c__samples *ctl = NULL;
	int status = 0, api_rc = 0, rc;
	unsigned expected = 0;
	bool can_teardown = false;
	uint64_t run_t0 = 0;

	memset(out, 0, sizeof(*out));
	if (s->ran)
		return k6c__error(K6C_ESTATE, "scheduler: a scheduler runs only once");
	s->ran = true;

	rc = k6c__http_global_init();
	if (rc != 0)
		return rc;
	if (s->cfg.metrics != NULL) {
		rc = k6c__samples_new(s->cfg.metrics, &ctl);
		if (rc != 0) {
			k6c__http_global_cleanup();
			return rc;
		}
	}

	/* Init: every worker starts by initialising its VUs. */
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
		rc = run_vu0_task(s, VU_TASK_SETUP, 0, &trc);
		if (rc != 0) {
			api_rc = rc;
			goto shutdown;
		}
		if (trc != 0 || is_aborted(s)) {
			api_rc = fail_status(trc, is_aborted(s), &status);
			goto shutdown;
		}
	}
	can_teardown = true;

	rc = run_scenarios(s, ctl, &out->duration_ms);
	if (rc != 0)
		api_rc = rc;
	if (is_aborted(s))
		status = K6C_EABORTED;

shutdown:
	/* Teardown runs after the scenarios even when they were aborted; an
	 * abort during teardown (a later k6c__sched_abort) interrupts it. */
	if (can_teardown && api_rc == 0 && !s->cfg.no_teardown && ops->teardown != NULL) {
		int trc = 0;
		unsigned base = atomic_load_explicit(&s->abort_seq, memory_order_acquire);
		rc = run_vu0_task(s, VU_TASK_TEARDOWN, base, &trc);
		if (rc != 0) {
			api_rc = rc;
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
	for (unsigned i = 0; i < s->nworkers; i++)
		k6c__worker_join(&s->workers[i]);
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
	if (ctl != NULL)
		k6c__samples_free(ctl);
	k6c__http_global_cleanup();

	if (api_rc != 0) {
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
	atomic_fetch_add_explicit(&s->stop_gen, 1, memory_order_acq_rel);
	k6c__sched_wake_workers(s);
	k6c__loop_wakeup(s->ctl_loop);
}

bool k6c__sched_paused(const k6c__sched *s)
{
	return atomic_load_explicit(&s->paused, memory_order_acquire);
}

int k6c__sched_scale(k6c__sched *s, const char *scenario, unsigned vus, unsigned max_vus)
{
	(void)s;
	(void)vus;
	(void)max_vus;
	return k6c__error(K6C_ENOTFOUND, "scale: no externally-controlled scenario%s%s",
		scenario != NULL ? " named " : "", scenario != NULL ? scenario : "");
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
	uint64_t start = atomic_load_explicit(&e->start_ns, memory_order_acquire);
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
	if (st != EXEC_PENDING && start != 0) {
		out->elapsed_ms = (double)(k6c__now_ns() - start) / 1e6;
		out->start_epoch_ms = atomic_load_explicit(&e->start_epoch_ms, memory_order_acquire);
	}
	out->iterations_complete = atomic_load_explicit(&e->complete, memory_order_relaxed);
	out->iterations_interrupted = atomic_load_explicit(&e->interrupted, memory_order_relaxed);
	out->vus_max = e->max_vus;
	if (st == EXEC_RUNNING || st == EXEC_STOPPING || st == EXEC_HARD)
		out->vus_active = atomic_load_explicit(&e->active, memory_order_acquire);
	if (st == EXEC_DONE)
		out->progress = 1;
	else if (st != EXEC_PENDING && e->run_ms > 0)
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
		int st = atomic_load_explicit(&e->state, memory_order_acquire);
		if (st == EXEC_RUNNING || st == EXEC_STOPPING || st == EXEC_HARD)
			out->vus_active += atomic_load_explicit(&e->active, memory_order_acquire);
	}
	out->vus_initialized = atomic_load_explicit(&s->inits_ok, memory_order_acquire);
	uint64_t t0 = atomic_load_explicit(&s->run_t0_ns, memory_order_acquire);
	if (t0 != 0)
		out->elapsed_ms = (double)(k6c__now_ns() - t0) / 1e6;
}
