/*
 * executor.c - the closed-model executors: shared-iterations,
 * per-vu-iterations and constant-vus, plus helpers every executor uses.
 * The controller's side of a scenario (timeline, graceful and hard stop) is
 * in sched.c; see executor.h for the division of labour.
 */
#include "sched/sched_int.h"

#include <stdio.h>

#define DEFAULT_MAX_DURATION_MS (10.0 * 60 * 1000)
#define DEFAULT_GRACEFUL_STOP_MS (30.0 * 1000)

static int config_error(const k6c__exec *e, const char *msg)
{
	/* The same wording as k6's "There were problems with the specified
	 * script configuration" list. */
	return k6c__error(K6C_ECONFIG, "scenario %s has configuration errors: %s", e->sc->name, msg);
}

static void init_common(k6c__exec *e)
{
	e->graceful_ms = e->sc->graceful_stop_ms >= 0 ? e->sc->graceful_stop_ms : DEFAULT_GRACEFUL_STOP_MS;
}

void k6c__exec_emit_dropped(k6c__exec *e, k6c__samples *samples, uint64_t n)
{
	if (samples == NULL || n == 0)
		return;
	const k6c__tag tags[1] = { { "scenario", e->sc->name } };
	const int id = K6C__M_DROPPED_ITERATIONS;
	const double v = (double)n;
	k6c__samples_add(samples, k6c__wall_us(), tags, 1, &id, &v, 1);
}

void k6c__exec_wake_vu(k6c__exec *e, k6c__vu *vu)
{
	/* A flag and a generation bump instead of a queued command, so waking
	 * never allocates and may come from any thread. */
	atomic_store_explicit(&vu->wake_req, true, memory_order_release);
	atomic_fetch_add_explicit(&e->sched->wake_gen, 1, memory_order_acq_rel);
	k6c__loop_wakeup(vu->w->loop);
}

/* ---- shared-iterations: a fixed total shared by all VUs ---- */

static int shared_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;
	char msg[160];

	if (sc->vus == 0)
		return config_error(e, "the number of VUs must be more than 0");
	if (sc->iterations < sc->vus) {
		snprintf(msg, sizeof(msg), "the number of iterations (%llu) can't be less than the number of VUs (%u)",
			(unsigned long long)sc->iterations, sc->vus);
		return config_error(e, msg);
	}
	init_common(e);
	e->max_vus = sc->vus;
	e->run_ms = sc->max_duration_ms > 0 ? sc->max_duration_ms : DEFAULT_MAX_DURATION_MS;
	return 0;
}

static k6c__exec_next shared_next(k6c__exec *e, k6c__vu *vu)
{
	/* One fetch-add claims an iteration; claims past the total just tell
	 * the VU to leave. */
	uint64_t n = atomic_fetch_add_explicit(&e->counter, 1, memory_order_relaxed);
	return n < e->sc->iterations ? K6C__NEXT_ITERATE : K6C__NEXT_LEAVE;
}

static void shared_finish(k6c__exec *e, k6c__samples *samples)
{
	uint64_t started = atomic_load_explicit(&e->started, memory_order_acquire);
	if (started < e->sc->iterations)
		k6c__exec_emit_dropped(e, samples, e->sc->iterations - started);
}

static const k6c__executor shared_iterations = {
	.name = "shared-iterations",
	.init = shared_init,
	.next = shared_next,
	.finish = shared_finish,
};

/* ---- per-vu-iterations: each VU runs the same number ---- */

static int per_vu_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;

	if (sc->vus == 0)
		return config_error(e, "the number of VUs must be more than 0");
	if (sc->iterations == 0)
		return config_error(e, "the number of iterations must be more than 0");
	init_common(e);
	e->max_vus = sc->vus;
	e->run_ms = sc->max_duration_ms > 0 ? sc->max_duration_ms : DEFAULT_MAX_DURATION_MS;
	return 0;
}

static k6c__exec_next per_vu_next(k6c__exec *e, k6c__vu *vu)
{
	return k6c__vu_scenario_iter(vu) < e->sc->iterations ? K6C__NEXT_ITERATE : K6C__NEXT_LEAVE;
}

static void per_vu_finish(k6c__exec *e, k6c__samples *samples)
{
	uint64_t planned = (uint64_t)e->sc->vus * e->sc->iterations;
	uint64_t started = atomic_load_explicit(&e->started, memory_order_acquire);
	if (started < planned)
		k6c__exec_emit_dropped(e, samples, planned - started);
}

static const k6c__executor per_vu_iterations = {
	.name = "per-vu-iterations",
	.init = per_vu_init,
	.next = per_vu_next,
	.finish = per_vu_finish,
};

/* ---- constant-vus: a fixed number of VUs loop for a duration ---- */

static int constant_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;

	if (sc->vus == 0)
		return config_error(e, "the number of VUs must be more than 0");
	if (!(sc->duration_ms > 0))
		return config_error(e, "the duration must be more than 0");
	init_common(e);
	e->max_vus = sc->vus;
	e->run_ms = sc->duration_ms;
	return 0;
}

static k6c__exec_next constant_next(k6c__exec *e, k6c__vu *vu)
{
	/* The controller's stop flag ends it; nothing else to decide. */
	return K6C__NEXT_ITERATE;
}

static const k6c__executor constant_vus = {
	.name = "constant-vus",
	.init = constant_init,
	.next = constant_next,
};

const k6c__executor *k6c__executor_for(k6c__executor_kind kind)
{
	switch (kind) {
	case K6C__EXEC_SHARED_ITERATIONS:
		return &shared_iterations;
	case K6C__EXEC_PER_VU_ITERATIONS:
		return &per_vu_iterations;
	case K6C__EXEC_CONSTANT_VUS:
		return &constant_vus;
	default:
		break;
	}
	return NULL;
}
