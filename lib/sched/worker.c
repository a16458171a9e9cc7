/*
 * worker.c - worker threads and the VUs that live on them.
 *
 * A worker owns one event loop, one HTTP client, one sample buffer and the
 * coroutines of its VUs. Its thread runs the ready coroutines until none is
 * ready, then waits in k6c__loop_run_once (bounded by the next timer); that
 * wait is the only place a worker blocks. A VU's blocking calls (sleep, HTTP,
 * waiting for its next task) arm something on the loop and switch the VU's
 * coroutine out; the callback that completes them queues the VU again.
 *
 * The controller talks to a worker through a small mutex-protected command
 * queue plus a loop wakeup, and stops VUs through atomics (abort count,
 * per-scenario flags) that the worker checks after every wakeup, so
 * k6c__sched_abort needs no lock.
 */
#include "sched/sched_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A VU that ran this long without blocking yields at its next iteration
 * boundary, so the loop (timers, sockets, commands) and the other VUs on the
 * worker get their turn even when iterations never wait. */
#define SLICE_NS 2000000u

/* How long an idle worker waits at most, so its sample buffer is handed to
 * the aggregator within about one flush interval even when no VU wakes. */
#define IDLE_WAIT_MS 50

/* Extra connections per client beyond one per VU (redirects to other hosts,
 * connections being closed). */
#define CONN_MARGIN 8

/* ---- run queue and blocking ---- */

static void rq_push(k6c__worker *w, k6c__vu *vu)
{
	if (vu->queued)
		return;
	vu->queued = true;
	vu->rq_next = NULL;
	if (w->rq_tail != NULL)
		w->rq_tail->rq_next = vu;
	else
		w->rq_head = vu;
	w->rq_tail = vu;
}

/* Completes whatever vu is blocked on; it returns rc from the blocking call.
 * Loop thread. A VU that is not blocked is left alone, so a late timer or a
 * second completion is harmless. */
static void vu_wake(k6c__vu *vu, int rc)
{
	if (vu->blk == VU_BLK_NONE)
		return;
	vu->blk = VU_BLK_NONE;
	vu->wake_rc = rc;
	if (vu->waiting)
		rq_push(vu->w, vu);
}

/* Switches the VU out until vu_wake (vu->blk is already set). Returns at
 * once if it completed before we got here (a synchronous callback). */
static int vu_wait(k6c__vu *vu)
{
	if (vu->blk != VU_BLK_NONE) {
		vu->waiting = true;
		k6c__coro_yield();
		vu->waiting = false;
	}
	return vu->wake_rc;
}

/* Gives the other VUs and the loop a turn; the VU is runnable throughout. */
static void vu_yield_now(k6c__vu *vu)
{
	rq_push(vu->w, vu);
	vu->waiting = true;
	k6c__coro_yield();
	vu->waiting = false;
}

static int vu_check_coro(const k6c__vu *vu, const char *what)
{
	if (vu == NULL || vu->coro == NULL || k6c__coro_current() != vu->coro)
		return k6c__error(K6C_ESTATE, "%s: not called on the VU's own coroutine", what);
	return 0;
}

/* ---- stop checks ---- */

/* The abort or the scenario's hard stop: the VU leaves what it does. */
static bool vu_hard_stopped(const k6c__vu *vu)
{
	if (atomic_load_explicit(&vu->s->abort_seq, memory_order_acquire) != vu->abort_base)
		return true;
	const k6c__exec *e = vu->exec;
	return e != NULL && atomic_load_explicit(&e->hard_stop, memory_order_acquire);
}

bool k6c__vu_stopped(const k6c__vu *vu)
{
	if (vu_hard_stopped(vu))
		return true;
	/* An interrupt of this iteration or task only (gracefulRampDown,
	 * scaling down, a setup/teardown timeout). */
	return vu->in_task && atomic_load_explicit(&vu->intr_seq, memory_order_acquire) != vu->intr_base;
}

bool k6c__vu_should_stop(const k6c__vu *vu)
{
	return k6c__vu_stopped(vu);
}

static void vu_interrupt(k6c__vu *vu)
{
	switch (vu->blk) {
	case VU_BLK_SLEEP:
		k6c__timer_stop(vu->w->loop, &vu->timer);
		break;
	case VU_BLK_HTTP:
		k6c__http_cancel(vu->conn);
		break;
	case VU_BLK_SUSPEND:
		break;
	default:
		return;
	}
	vu_wake(vu, K6C_EABORTED);
}

/* After a stop, interrupt or pause flag changed (the controller bumps
 * stop_gen or abort_seq and wakes us): interrupt the VUs that must stop,
 * and let parked VUs ask their executor again (they may have to leave, or
 * the pause ended). */
static void check_stops(k6c__worker *w)
{
	k6c__sched *s = w->s;
	unsigned a = atomic_load_explicit(&s->abort_seq, memory_order_acquire);
	unsigned g = atomic_load_explicit(&s->stop_gen, memory_order_acquire);

	if (a == w->seen_abort && g == w->seen_stop)
		return;
	w->seen_abort = a;
	w->seen_stop = g;
	for (size_t i = 0; i < w->nvus; i++) {
		k6c__vu *vu = w->vus[i];
		if (vu->blk == VU_BLK_PARK)
			vu_wake(vu, 0);
		else if (vu->blk >= VU_BLK_SLEEP && k6c__vu_stopped(vu))
			vu_interrupt(vu);
	}
}

/* Delivers k6c__exec_wake_vu calls: a parked VU asks its executor again;
 * one that is busy will when it next would park. */
static void drain_wakes(k6c__worker *w)
{
	k6c__vu *vu = atomic_exchange_explicit(&w->wake_head, NULL, memory_order_acquire);
	while (vu != NULL) {
		k6c__vu *next = vu->wake_next;
		atomic_store_explicit(&vu->wake_req, false, memory_order_release);
		if (vu->blk == VU_BLK_PARK)
			vu_wake(vu, 0);
		else
			vu->wake_pending = true;
		vu = next;
	}
}

void k6c__exec_wake_vu(k6c__exec *e, k6c__vu *vu)
{
	/* A flag and a lock-free stack instead of a queued command, so waking
	 * never allocates and may come from any thread; the flag keeps a VU on
	 * the stack at most once. */
	(void)e;
	k6c__worker *w = vu->w;
	if (!atomic_exchange_explicit(&vu->wake_req, true, memory_order_acq_rel)) {
		k6c__vu *old = atomic_load_explicit(&w->wake_head, memory_order_relaxed);
		do {
			vu->wake_next = old;
		} while (!atomic_compare_exchange_weak_explicit(&w->wake_head, &old, vu,
			memory_order_release, memory_order_relaxed));
	}
	k6c__loop_wakeup(w->loop);
}

/* ---- commands from the controller ---- */

int k6c__worker_post(k6c__worker *w, const worker_cmd *cmds, size_t n)
{
	pthread_mutex_lock(&w->mu);
	if (w->ncmds + n > w->capcmds) {
		size_t cap = w->capcmds ? w->capcmds : 8;
		while (cap < w->ncmds + n)
			cap *= 2;
		worker_cmd *c = k6c__realloc(w->cmds, cap * sizeof(*c));
		if (c == NULL) {
			pthread_mutex_unlock(&w->mu);
			return k6c__error(K6C_ENOMEM, "worker %u: out of memory queueing a command", w->index);
		}
		w->cmds = c;
		w->capcmds = cap;
	}
	memcpy(w->cmds + w->ncmds, cmds, n * sizeof(*cmds));
	w->ncmds += n;
	atomic_store_explicit(&w->has_cmds, true, memory_order_release);
	pthread_mutex_unlock(&w->mu);
	k6c__loop_wakeup(w->loop);
	return 0;
}

static void vu_take_task(k6c__vu *vu, const worker_cmd_task *t)
{
	vu->task = t->task;
	vu->exec = t->exec;
	vu->abort_base = t->abort_base;
	vu->exec_index = t->exec_index;
}

static void report_to_controller(k6c__sched *s)
{
	k6c__loop_wakeup(s->ctl_loop);
}

/* A scenario task the VU will never run (it has no coroutine): the
 * scenario must not wait for it. */
static void drop_scenario_task(k6c__vu *vu, k6c__exec *e)
{
	if (vu->owes_initing) {
		vu->owes_initing = false;
		atomic_fetch_sub_explicit(&e->initing, 1, memory_order_acq_rel);
	}
	if (atomic_fetch_sub_explicit(&e->active, 1, memory_order_acq_rel) == 1)
		report_to_controller(vu->s);
}

static void vu_main(void *arg);
static void vu_timer_cb(k6c__loop *loop, k6c__timer *t);
static void init_done(k6c__sched *s, k6c__vu *vu, bool ok);

/* A VU created during the run joins this worker: its coroutine starts with
 * its init while the others keep running. */
static void adopt_vu(k6c__worker *w, k6c__vu *vu)
{
	if (w->nvus == w->capvus) {
		size_t cap = w->capvus ? w->capvus * 2 : 8;
		k6c__vu **v = k6c__realloc(w->vus, cap * sizeof(*v));
		if (v == NULL) {
			k6c__sched_record_init_error(w->s, k6c__error(K6C_ENOMEM, "out of memory adding a VU"));
			init_done(w->s, vu, false);
			return;
		}
		w->vus = v;
		w->capvus = cap;
	}
	k6c__timer_init(&vu->timer, vu_timer_cb, vu);
	int rc = k6c__coro_new(&vu->coro, w->s->cfg.stack_size, vu_main, vu);
	if (rc != 0) {
		k6c__sched_record_init_error(w->s, rc);
		init_done(w->s, vu, false);
		return;
	}
	w->vus[w->nvus++] = vu;
	w->live++;
	rq_push(w, vu);
}

static void apply_cmd(k6c__worker *w, const worker_cmd *c)
{
	k6c__vu *vu = c->vu;

	if (vu == NULL) {
		/* Idle VUs exit now; busy ones when they next go idle. */
		w->quit = true;
		for (size_t i = 0; i < w->nvus; i++) {
			k6c__vu *v = w->vus[i];
			if (v->coro != NULL && v->blk == VU_BLK_IDLE)
				vu_wake(v, 0);
		}
		return;
	}
	if (c->t.task == VU_TASK_ADOPT) {
		adopt_vu(w, vu);
		return;
	}
	if (vu->coro == NULL) {
		if (c->t.task == VU_TASK_SCENARIO)
			drop_scenario_task(vu, c->t.exec);
		return;
	}
	/* The controller gives a VU its next task only after the previous one
	 * was reported done, and a VU reports and goes idle without switching
	 * out in between; still, a task that finds the VU busy (a new VU still
	 * in its init) waits for it. */
	if (vu->blk == VU_BLK_IDLE) {
		vu_take_task(vu, &c->t);
		vu_wake(vu, 0);
	} else {
		vu->pending = c->t;
		vu->has_pending = true;
	}
}

static void drain_cmds(k6c__worker *w)
{
	if (!atomic_load_explicit(&w->has_cmds, memory_order_acquire))
		return;
	/* Swap the buffers: the batch is applied without the lock, and the
	 * controller may queue more meanwhile. */
	pthread_mutex_lock(&w->mu);
	size_t n = w->ncmds;
	worker_cmd *batch = w->cmds;
	size_t cap = w->capcmds;
	w->cmds = w->cmds_work;
	w->capcmds = w->capwork;
	w->cmds_work = batch;
	w->capwork = cap;
	w->ncmds = 0;
	atomic_store_explicit(&w->has_cmds, false, memory_order_relaxed);
	pthread_mutex_unlock(&w->mu);
	for (size_t i = 0; i < n; i++)
		apply_cmd(w, &batch[i]);
}

/* ---- the VU coroutine ---- */

static void vu_timer_cb(k6c__loop *loop, k6c__timer *t)
{
	k6c__vu *vu = t->arg;
	if (vu->blk == VU_BLK_SLEEP)
		vu_wake(vu, 0);
}

void k6c__sched_record_init_error(k6c__sched *s, int rc)
{
	const k6c_error *e = k6c_error_last();
	pthread_mutex_lock(&s->err_mu);
	if (s->init_rc == 0) {
		s->init_rc = rc;
		s->init_msg = k6c__strdup(e != NULL && e->code == rc ? e->message : k6c_strerror(rc));
	}
	pthread_mutex_unlock(&s->err_mu);
	atomic_store_explicit(&s->init_failed, true, memory_order_release);
}

static void init_done(k6c__sched *s, k6c__vu *vu, bool ok)
{
	vu->init_ok = ok;
	if (ok && vu->id >= 1)
		atomic_fetch_add_explicit(&s->vus_ready, 1, memory_order_acq_rel);
	if (!vu->dynamic)
		atomic_fetch_add_explicit(&s->inits_done, 1, memory_order_acq_rel);
	report_to_controller(s);
}

/* Tags an iterations sample may carry; more are dropped. */
#define ITERATION_TAGS_MAX 32

/* from_sched_ms < 0: the iteration had no due time (not arrival-rate). */
static void emit_iteration(k6c__vu *vu, const k6c__exec *e, double ms, double from_sched_ms)
{
	k6c__samples *smp = vu->w->samples;
	if (smp == NULL)
		return;
	/* k6 tags iteration samples with the (root) group, the scenario and
	 * the VU's other tags (run, scenario and exec.vu.tags), which the
	 * engine knows; without it, the scenario name alone. */
	k6c__tag tags[ITERATION_TAGS_MAX];
	size_t n = 0;
	const k6c__vu_ops *ops = vu->s->cfg.ops;
	if (ops->sample_tags != NULL && vu->state != NULL)
		n = ops->sample_tags(vu->state, vu, tags + 1, ITERATION_TAGS_MAX - 1);
	else
		tags[1 + n++] = (k6c__tag){ "scenario", e->sc->name };
	tags[0] = (k6c__tag){ "group", "" };
	k6c__tag md[ITERATION_TAGS_MAX];
	size_t nmd = 0;
	if (ops->sample_metadata != NULL && vu->state != NULL)
		nmd = ops->sample_metadata(vu->state, vu, md, ITERATION_TAGS_MAX);
	/* An arrival-rate iteration is also measured from when it was due:
	 * a start delayed by a busy worker thread then shows in the latency
	 * instead of being hidden (coordinated omission; doc/metrics.md). */
	const int ids[3] = { K6C__M_ITERATIONS, K6C__M_ITERATION_DURATION,
		K6C__M_ITERATION_DURATION_FROM_SCHEDULE };
	const double vals[3] = { 1.0, ms, from_sched_ms };
	k6c__samples_add_md(smp, k6c__wall_us(), tags, n + 1, md, nmd, ids, vals,
		from_sched_ms >= 0 ? 3 : 2);
}

/* Parks the VU until a wake (executor, pause change, stop). */
static void vu_park(k6c__vu *vu)
{
	if (vu->wake_pending) {
		vu->wake_pending = false;
		return;
	}
	vu->blk = VU_BLK_PARK;
	vu->wake_rc = 0;
	vu_wait(vu);
}

static void run_scenario(k6c__vu *vu)
{
	k6c__sched *s = vu->s;
	k6c__exec *e = vu->exec;
	const k6c__vu_ops *ops = s->cfg.ops;

	/* The end of one iteration is the start of the next unless the VU
	 * waited in between (0: read the clock). */
	uint64_t t_end = 0;

	if (vu->owes_initing) {
		/* Created for this scenario: its init is over now. */
		vu->owes_initing = false;
		atomic_fetch_sub_explicit(&e->initing, 1, memory_order_acq_rel);
	}
	vu->scen_iter = 0;
	vu->scen_iter_global = 0;
	vu->has_due = false;
	vu->wake_pending = false;
	if (!vu->init_ok)
		goto leave;
	atomic_fetch_add_explicit(&e->joined, 1, memory_order_relaxed);
	for (;;) {
		if (vu_hard_stopped(vu))
			break;
		if (!e->vt->open) {
			if (atomic_load_explicit(&e->stopping, memory_order_acquire))
				break;
			if (atomic_load_explicit(&s->paused, memory_order_acquire)) {
				t_end = 0;
				vu_park(vu);
				continue;
			}
		}
		/* Read before asking: an interrupt the controller sends after
		 * changing the executor's plan is never missed (executor.h). */
		vu->intr_base = atomic_load_explicit(&vu->intr_seq, memory_order_acquire);
		k6c__exec_next nx = e->vt->next(e, vu);
		if (nx == K6C__NEXT_LEAVE)
			break;
		if (nx == K6C__NEXT_PARK) {
			t_end = 0;
			vu_park(vu);
			continue;
		}
		vu->scen_iter_global = atomic_fetch_add_explicit(&e->started, 1, memory_order_relaxed);
		if (vu->has_due)
			vu->has_due = false;
		else
			vu->sched_ns = 0;
		uint64_t t0 = t_end != 0 ? t_end : k6c__now_ns();
		if (vu->w->slice_start_ns == 0)
			vu->w->slice_start_ns = t0;
		vu->in_task = true;
		atomic_store_explicit(&vu->iterating, true, memory_order_relaxed);
		int rc = ops->iterate(vu->state, vu);
		atomic_store_explicit(&vu->iterating, false, memory_order_relaxed);
		/* noVUConnectionReuse: no connection outlives its iteration
		 * (http.batch's and asyncRequest's are back among the spares). */
		k6c__http_conn_iteration_end(vu->conn);
		for (size_t i = 0; i < vu->nspare; i++)
			k6c__http_conn_iteration_end(vu->spare[i]);
		vu->in_task = false;
		uint64_t t1 = k6c__now_ns();
		t_end = t1;
		/* Resumed inside the iteration: its slice counts from here. */
		if (vu->w->slice_start_ns == 0)
			vu->w->slice_start_ns = t1;
		if (rc == 0 || rc == 1) {
			atomic_fetch_add_explicit(&e->complete, 1, memory_order_relaxed);
			/* A due time is never later than the start (the
			 * controller hands an iteration out once it is due).
			 * Emitted before the count moves on: its iter metadata
			 * is the number of the iteration that ended. */
			uint64_t due = vu->sched_ns != 0 && vu->sched_ns <= t0 ? vu->sched_ns : t0;
			emit_iteration(vu, e, (double)(t1 - t0) / 1e6,
				vu->sched_ns != 0 ? (double)(t1 - due) / 1e6 : -1.0);
		} else {
			atomic_fetch_add_explicit(&e->interrupted, 1, memory_order_relaxed);
		}
		vu->iter++;
		vu->scen_iter++;
		if (e->vt->done != NULL)
			e->vt->done(e, vu, rc);
		if (t1 - vu->w->slice_start_ns >= SLICE_NS) {
			vu_yield_now(vu);
			t_end = 0;
		}
	}
	atomic_fetch_sub_explicit(&e->joined, 1, memory_order_relaxed);
leave:
	vu->exec = NULL;
	/* Hand the VU's samples over before the controller can see the
	 * scenario end: the end-of-test summary (handleSummary's data) is made
	 * as soon as every task is reported done, and a worker that goes idle
	 * would otherwise keep its last batch until it exits. */
	if (vu->w->samples != NULL)
		k6c__samples_flush(vu->w->samples);
	if (atomic_fetch_sub_explicit(&e->active, 1, memory_order_acq_rel) == 1)
		report_to_controller(s);
}

/* Runs setup, teardown or handleSummary; interruptible through intr_seq. */
static int run_vu0_task(k6c__vu *vu, int task)
{
	k6c__sched *s = vu->s;
	const k6c__vu_ops *ops = s->cfg.ops;
	int rc = 0;

	vu->intr_base = atomic_load_explicit(&vu->intr_seq, memory_order_acquire);
	vu->in_task = true;
	if (!vu->init_ok)
		rc = K6C_ESCRIPT;
	else if (task == VU_TASK_SETUP)
		rc = ops->setup != NULL ? ops->setup(vu->state, vu) : 0;
	else if (task == VU_TASK_TEARDOWN)
		rc = ops->teardown != NULL ? ops->teardown(vu->state, vu) : 0;
	else if (ops->handle_summary != NULL)
		rc = ops->handle_summary(vu->state, vu, s->summary_json, &s->summary_out, &s->nsummary_out);
	else
		rc = K6C_ENOTFOUND;
	vu->in_task = false;
	return rc;
}

static void vu_main(void *arg)
{
	k6c__vu *vu = arg;
	k6c__sched *s = vu->s;
	const k6c__vu_ops *ops = s->cfg.ops;
	int rc;

	/* Once one VU failed (or the run was aborted) the others skip their
	 * init: the run is over either way. */
	if (atomic_load_explicit(&s->init_failed, memory_order_acquire) ||
	    atomic_load_explicit(&s->abort_seq, memory_order_acquire) != 0) {
		init_done(s, vu, false);
	} else {
		rc = ops->init(s->cfg.ops_ctx, vu, &vu->state);
		if (rc != 0 && atomic_load_explicit(&s->abort_seq, memory_order_acquire) == 0)
			k6c__sched_record_init_error(s, rc < 0 ? rc : K6C_ESCRIPT);
		init_done(s, vu, rc == 0);
	}

	for (;;) {
		vu->task = VU_TASK_NONE;
		if (vu->has_pending) {
			vu->has_pending = false;
			vu_take_task(vu, &vu->pending);
		} else if (!vu->w->quit) {
			vu->blk = VU_BLK_IDLE;
			vu_wait(vu);
		}
		if (vu->task == VU_TASK_NONE && vu->w->quit)
			vu->task = VU_TASK_EXIT;
		switch (vu->task) {
		case VU_TASK_SETUP:
		case VU_TASK_TEARDOWN:
		case VU_TASK_SUMMARY:
			rc = run_vu0_task(vu, vu->task);
			if (vu->w->samples != NULL)
				k6c__samples_flush(vu->w->samples);   /* as at the end of a scenario */
			atomic_store_explicit(&s->task_rc, rc, memory_order_relaxed);
			atomic_store_explicit(&s->task_done, true, memory_order_release);
			report_to_controller(s);
			break;
		case VU_TASK_SCENARIO:
			run_scenario(vu);
			break;
		case VU_TASK_EXIT:
			if (vu->state != NULL && ops->free != NULL)
				ops->free(vu->state);
			vu->state = NULL;
			if (vu->conn != NULL)
				k6c__http_conn_free(vu->conn);
			vu->conn = NULL;
			while (vu->nspare > 0)
				k6c__http_conn_free(vu->spare[--vu->nspare]);
			k6c__free(vu->spare);
			vu->spare = NULL;
			vu->capspare = 0;
			return;
		default:
			break;
		}
	}
}

/* ---- the worker thread ---- */

static void run_ready(k6c__worker *w)
{
	/* Only the VUs ready now: one that re-queues itself runs again after
	 * the loop had its turn. */
	k6c__vu *list = w->rq_head;
	w->rq_head = w->rq_tail = NULL;
	while (list != NULL) {
		k6c__vu *vu = list;
		list = vu->rq_next;
		vu->rq_next = NULL;
		vu->queued = false;
		/* Set at the VU's next clock read (see run_scenario): a VU
		 * resumed from a wait is mostly about to block again. */
		w->slice_start_ns = 0;
		if (!k6c__coro_resume(vu->coro)) {
			k6c__coro_free(vu->coro);
			vu->coro = NULL;
			w->live--;
		}
	}
}

static int worker_open(k6c__worker *w)
{
	k6c__sched *s = w->s;
	int rc;

	k6c__http_client_opts hopts;

	if (s->cfg.http != NULL)
		hopts = *s->cfg.http;
	else
		memset(&hopts, 0, sizeof(hopts));
	hopts.max_connections = w->max_connections + CONN_MARGIN;
	hopts.user_agent = s->cfg.user_agent;
	rc = k6c__http_client_new(&w->http, w->loop, &hopts);
	if (rc != 0)
		return rc;
	if (s->cfg.metrics != NULL) {
		rc = k6c__samples_new(s->cfg.metrics, &w->samples);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	k6c__worker *w = arg;
	k6c__sched *s = w->s;
	char name[16];

	snprintf(name, sizeof(name), "k6c-worker-%u", w->index);
	pthread_setname_np(pthread_self(), name);

	int rc = worker_open(w);
	for (size_t i = 0; i < w->nvus; i++) {
		k6c__vu *vu = w->vus[i];
		k6c__timer_init(&vu->timer, vu_timer_cb, vu);
		if (rc == 0)
			rc = k6c__coro_new(&vu->coro, s->cfg.stack_size, vu_main, vu);
		if (rc != 0) {
			/* This VU cannot run: count its init as failed. */
			k6c__sched_record_init_error(s, rc);
			init_done(s, vu, false);
			continue;
		}
		w->live++;
		rq_push(w, vu);
	}

	for (;;) {
		drain_cmds(w);
		check_stops(w);
		drain_wakes(w);
		run_ready(w);
		if (w->quit && w->live == 0)
			break;
		if (w->samples != NULL)
			k6c__samples_tick(w->samples, k6c__now_ns());
		k6c__loop_run_once(w->loop, w->rq_head != NULL ? 0 : IDLE_WAIT_MS);
	}

	if (w->samples != NULL)
		k6c__samples_free(w->samples);   /* flushes */
	w->samples = NULL;
	k6c__http_client_free(w->http);
	w->http = NULL;
	return NULL;
}

int k6c__worker_start(k6c__worker *w)
{
	int err = pthread_create(&w->thread, NULL, worker_main, w);
	if (err != 0)
		return k6c__error(K6C_EINTERNAL, "cannot start worker thread %u: %s", w->index, strerror(err));
	w->thread_started = true;
	return 0;
}

void k6c__worker_join(k6c__worker *w)
{
	if (!w->thread_started)
		return;
	worker_cmd quit = { NULL, { VU_TASK_EXIT, NULL, 0, 0 } };
	k6c__worker_post(w, &quit, 1);
	pthread_join(w->thread, NULL);
	w->thread_started = false;
}

void k6c__sched_wake_workers(k6c__sched *s)
{
	for (unsigned i = 0; i < s->nworkers; i++)
		k6c__loop_wakeup(s->workers[i].loop);
}

/* ---- the k6c__vu_* API (VU coroutine, worker thread) ---- */

int k6c__vu_id(const k6c__vu *vu)
{
	return vu->id;
}

uint64_t k6c__vu_iteration(const k6c__vu *vu)
{
	return vu->iter;
}

uint64_t k6c__vu_scenario_iter(const k6c__vu *vu)
{
	return vu->scen_iter;
}

uint64_t k6c__vu_scenario_iter_global(const k6c__vu *vu)
{
	return vu->scen_iter_global;
}

const k6c__scenario *k6c__vu_scenario_def(const k6c__vu *vu)
{
	return vu->exec != NULL ? vu->exec->sc : NULL;
}

const char *k6c__vu_scenario(const k6c__vu *vu)
{
	return vu->exec != NULL ? vu->exec->sc->name : "";
}

const char *k6c__vu_exec(const k6c__vu *vu)
{
	if (vu->exec != NULL && vu->exec->sc->exec != NULL)
		return vu->exec->sc->exec;
	return "default";
}

k6c__samples *k6c__vu_samples(k6c__vu *vu)
{
	return vu->w->samples;
}

k6c__metrics *k6c__vu_metrics(k6c__vu *vu)
{
	return vu->s->cfg.metrics;
}

k6c__loop *k6c__vu_loop(k6c__vu *vu)
{
	return vu->w->loop;
}

void k6c__sched_vlog(const k6c__sched *s, int level, const char *fmt, va_list ap)
{
	if (s->cfg.log == NULL)
		return;
	k6c__buf b = K6C__BUF_INIT;
	if (k6c__buf_vprintf(&b, fmt, ap) == 0)
		s->cfg.log(level, b.ptr, s->cfg.log_arg);
	k6c__buf_free(&b);
}

void k6c__vu_log(k6c__vu *vu, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	k6c__sched_vlog(vu->s, level, fmt, ap);
	va_end(ap);
}

int k6c__vu_sleep(k6c__vu *vu, double ms)
{
	int rc = vu_check_coro(vu, "k6c__vu_sleep");
	if (rc != 0)
		return rc;
	if (k6c__vu_stopped(vu))
		return k6c__error(K6C_EABORTED, "sleep interrupted: the VU is stopping");
	if (!(ms > 0)) {
		/* sleep(0) still lets the other VUs run, as a goroutine would. */
		vu_yield_now(vu);
	} else {
		if (ms > 1e12)
			ms = 1e12;   /* ~30 years; keeps the nanoseconds in range */
		k6c__timer_start(vu->w->loop, &vu->timer, k6c__now_ns() + (uint64_t)(ms * 1e6));
		vu->blk = VU_BLK_SLEEP;
		vu->wake_rc = 0;
		vu_wait(vu);
	}
	if (vu->wake_rc == K6C_EABORTED || k6c__vu_stopped(vu))
		return k6c__error(K6C_EABORTED, "sleep interrupted: the VU is stopping");
	return 0;
}

int k6c__vu_suspend(k6c__vu *vu)
{
	int rc = vu_check_coro(vu, "k6c__vu_suspend");
	if (rc != 0)
		return rc;
	if (k6c__vu_stopped(vu))
		return k6c__error(K6C_EABORTED, "wait interrupted: the VU is stopping");
	vu->blk = VU_BLK_SUSPEND;
	vu->wake_rc = 0;
	if (vu_wait(vu) == K6C_EABORTED)
		return k6c__error(K6C_EABORTED, "wait interrupted: the VU is stopping");
	return 0;
}

void k6c__vu_resume(k6c__vu *vu)
{
	if (vu->blk == VU_BLK_SUSPEND)
		vu_wake(vu, 0);
}

static void vu_http_cb(k6c__http_conn *conn, k6c__http_resp *resp, bool is_final, void *arg)
{
	k6c__vu *vu = arg;
	if (vu->user_cb != NULL)
		vu->user_cb(conn, resp, is_final, vu->user_arg);
	if (is_final && vu->blk == VU_BLK_HTTP)
		vu_wake(vu, 0);
}

int k6c__vu_http(k6c__vu *vu, const k6c__http_req *req, k6c__http_resp *resp,
	k6c__http_cb cb, void *arg)
{
	int rc = vu_check_coro(vu, "k6c__vu_http");
	if (rc != 0)
		return rc;
	if (k6c__vu_stopped(vu))
		return k6c__error(K6C_EABORTED, "request not sent: the VU is stopping");
	if (vu->conn == NULL) {
		rc = k6c__http_conn_new(vu->w->http, &vu->conn);
		if (rc != 0)
			return rc;
		k6c__http_conn_set_vu(vu->conn, k6c__vu_id_in_test(vu));
	}
	vu->user_cb = cb;
	vu->user_arg = arg;
	/* Blocked before the start, in case the transfer completes inside
	 * k6c__http_start; vu_wait then returns at once. */
	vu->blk = VU_BLK_HTTP;
	vu->wake_rc = 0;
	rc = k6c__http_start(vu->conn, req, resp, vu_http_cb, vu);
	if (rc != 0) {
		vu->blk = VU_BLK_NONE;
	} else {
		rc = vu_wait(vu);
		if (rc == K6C_EABORTED)
			rc = k6c__error(K6C_EABORTED, "request interrupted: the VU is stopping");
	}
	vu->user_cb = NULL;
	vu->user_arg = NULL;
	return rc;
}

/* Idle extra connections a VU keeps; more are freed when given back. */
#define SPARE_CONNS_MAX 32

int k6c__vu_conn_take(k6c__vu *vu, k6c__http_conn **out)
{
	*out = NULL;
	if (vu->nspare > 0) {
		*out = vu->spare[--vu->nspare];
		return 0;
	}
	int rc = k6c__http_conn_new(vu->w->http, out);
	if (rc == 0)
		k6c__http_conn_set_vu(*out, k6c__vu_id_in_test(vu));   /* localIPs */
	return rc;
}

void k6c__vu_conn_give(k6c__vu *vu, k6c__http_conn *conn)
{
	if (conn == NULL)
		return;
	k6c__http_cancel(conn);
	if (vu->nspare == vu->capspare && vu->capspare < SPARE_CONNS_MAX) {
		size_t cap = vu->capspare ? vu->capspare * 2 : 4;
		k6c__http_conn **a = k6c__realloc(vu->spare, cap * sizeof(*a));

		if (a != NULL) {
			vu->spare = a;
			vu->capspare = cap;
		}
	}
	if (vu->nspare < vu->capspare)
		vu->spare[vu->nspare++] = conn;
	else
		k6c__http_conn_free(conn);
}

void k6c__vu_http_recycle(k6c__vu *vu, k6c__http_resp *resp)
{
	if (vu != NULL && vu->conn != NULL)
		k6c__http_conn_recycle(vu->conn, resp);
	else
		k6c__http_resp_free(resp);
}

/* ---- k6/execution helpers ---- */

uint64_t k6c__vu_id_in_test(const k6c__vu *vu)
{
	/* VU n of this instance is the n-th element of its stripe; ids are
	 * 1-based, VU 0 stays 0. */
	if (vu->id <= 0)
		return 0;
	return k6c__stripe_global(vu->s->cfg.stripe, (uint64_t)vu->id - 1) + 1;
}

k6c__sched *k6c__vu_sched(k6c__vu *vu)
{
	return vu->s;
}

uint64_t k6c__vu_scenario_iter_in_test(const k6c__vu *vu)
{
	if (vu->exec == NULL)
		return vu->scen_iter_global;
	return k6c__stripe_global(vu->exec->iter_stripe, vu->scen_iter_global);
}

int k6c__vu_scenario_index(const k6c__vu *vu)
{
	return vu->exec != NULL ? (int)vu->exec->index : -1;
}

uint64_t k6c__vu_scheduled_ns(const k6c__vu *vu)
{
	return vu->exec != NULL ? vu->sched_ns : 0;
}

void k6c__vu_abort_test(k6c__vu *vu, const char *reason)
{
	k6c__sched *s = vu->s;
	pthread_mutex_lock(&s->err_mu);
	if (!atomic_load_explicit(&s->script_aborted, memory_order_relaxed)) {
		k6c__free(s->abort_reason);
		s->abort_reason = reason != NULL ? k6c__strdup(reason) : NULL;
		atomic_store_explicit(&s->script_aborted, true, memory_order_release);
	}
	pthread_mutex_unlock(&s->err_mu);
	k6c__sched_abort(s);
}

void k6c__vu_fail_test(k6c__vu *vu)
{
	atomic_store_explicit(&vu->s->marked_failed, true, memory_order_release);
}
