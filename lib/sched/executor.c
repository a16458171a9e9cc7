/*
 * executor.c - the closed-model executors with a fixed set of VUs
 * (shared-iterations, per-vu-iterations, constant-vus), plus the helpers
 * every executor uses that need no controller state. The controller's side
 * of a scenario (timeline, graceful and hard stop, VU pool) is in sched.c;
 * see executor.h for the division of labour.
 */
#include "sched/executor_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

int k6c__exec_config_error(const k6c__exec *e, const char *fmt, ...)
{
	/* The same wording as k6's "There were problems with the specified
	 * script configuration" list. */
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return k6c__error(K6C_ECONFIG, "scenario %s has configuration errors: %s", e->sc->name, msg);
}

void k6c__exec_init_common(k6c__exec *e)
{
	e->graceful_ms = e->sc->graceful_stop_ms >= 0 ? e->sc->graceful_stop_ms : K6C__DEFAULT_GRACEFUL_STOP_MS;
	e->iter_stripe = e->sched->cfg.stripe;
}

uint64_t k6c__exec_scale(const k6c__exec *e, uint64_t v)
{
	return k6c__stripe_scale(e->sched->cfg.stripe, v);
}

int k6c__exec_stripe_from_value(const k6c__exec *e, uint64_t value, k6c__stripe **out)
{
	const k6c__stripe *st = e->sched->cfg.stripe;
	int rc = 0;

	*out = NULL;
	if (k6c__stripe_is_full(st))
		return 0;
	if (value == 0)
		return K6C_ENOTFOUND;
	size_t nseq = 0;
	const k6c__rat *seq = k6c__stripe_sequence(st, &nseq);
	const k6c__segment *mine = k6c__stripe_segment(st);
	k6c__rat *cuts = k6c__calloc(nseq, sizeof(*cuts));
	if (cuts == NULL)
		return K6C_ENOMEM;

	/* Each segment's share of value, in sequence order; a segment with
	 * no share disappears. This run's segment becomes (lo, hi]. */
	size_t ncuts = 0;
	uint64_t prev = 0;
	k6c__segment seg = { { 0, 1 }, { 0, 1 } };
	bool found = false;
	cuts[ncuts++] = (k6c__rat){ 0, 1 };
	for (size_t i = 0; i + 1 < nseq; i++) {
		k6c__segment si = { seq[i], seq[i + 1] };
		k6c__stripe *sj = NULL;
		rc = k6c__stripe_new(&sj, &si, seq, nseq);
		if (rc != 0)
			goto out;
		uint64_t share = k6c__stripe_scale(sj, value);
		k6c__stripe_free(sj);
		if (share == 0)
			continue;
		k6c__rat lo = { prev, value };
		prev += share;
		k6c__rat hi = { prev, value };
		if (si.from.num * mine->from.den == mine->from.num * si.from.den &&
		    si.to.num * mine->to.den == mine->to.num * si.to.den) {
			seg.from = lo;
			seg.to = hi;
			found = true;
		}
		cuts[ncuts++] = hi;
	}
	if (!found) {
		rc = K6C_ENOTFOUND;
		goto out;
	}
	/* k6c__stripe_new reduces the fractions itself. */
	rc = k6c__stripe_new(out, &seg, cuts, ncuts);
out:
	k6c__free(cuts);
	return rc;
}

void k6c__exec_log(k6c__exec *e, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	k6c__sched_vlog(e->sched, level, fmt, ap);
	va_end(ap);
}

double k6c__exec_iter_progress(const k6c__exec *e, uint64_t total)
{
	if (total == 0)
		return 1;
	uint64_t done = atomic_load_explicit(&e->complete, memory_order_relaxed) +
		atomic_load_explicit(&e->interrupted, memory_order_relaxed);
	return done >= total ? 1 : (double)done / (double)total;
}

/* ---- shared-iterations: a fixed total shared by all VUs ---- */

typedef struct shared_impl {
	uint64_t iterations;            /* this instance's share */
} shared_impl;

static int shared_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;

	if (sc->vus == 0)
		return k6c__exec_config_error(e, "the number of VUs must be more than 0");
	if (sc->iterations < sc->vus)
		return k6c__exec_config_error(e, "the number of iterations (%llu) can't be less than the number of VUs (%u)",
			(unsigned long long)sc->iterations, sc->vus);
	if (sc->max_duration_ms < 0)
		return k6c__exec_config_error(e, "the maxDuration must be more than 0");
	k6c__exec_init_common(e);
	shared_impl *im = k6c__calloc(1, sizeof(*im));
	if (im == NULL)
		return K6C_ENOMEM;
	e->impl = im;
	e->plan_vus = e->max_vus = (unsigned)k6c__exec_scale(e, sc->vus);
	/* As k6: the iterations are split in proportion to the VUs each
	 * segment received, and so are the iteration numbers. */
	im->iterations = sc->iterations;
	if (e->plan_vus == 0) {
		im->iterations = 0;
	} else {
		int rc = k6c__exec_stripe_from_value(e, sc->vus, &e->own_stripe);
		if (rc != 0)
			return rc == K6C_ENOMEM ? rc : k6c__error(rc, "scenario %s: cannot split the iterations", sc->name);
		if (e->own_stripe != NULL) {
			e->iter_stripe = e->own_stripe;
			im->iterations = k6c__stripe_scale(e->own_stripe, sc->iterations);
		}
	}
	e->run_ms = sc->max_duration_ms > 0 ? sc->max_duration_ms : K6C__DEFAULT_MAX_DURATION_MS;
	return 0;
}

static k6c__exec_next shared_next(k6c__exec *e, k6c__vu *vu)
{
	/* One fetch-add claims an iteration; claims past the total just tell
	 * the VU to leave. */
	const shared_impl *im = e->impl;
	uint64_t n = atomic_fetch_add_explicit(&e->counter, 1, memory_order_relaxed);
	return n < im->iterations ? K6C__NEXT_ITERATE : K6C__NEXT_LEAVE;
}

static double shared_progress(const k6c__exec *e, double elapsed_ms)
{
	const shared_impl *im = e->impl;
	return k6c__exec_iter_progress(e, im->iterations);
}

static void shared_finish(k6c__exec *e)
{
	const shared_impl *im = e->impl;
	uint64_t started = atomic_load_explicit(&e->started, memory_order_acquire);
	if (started < im->iterations)
		atomic_fetch_add_explicit(&e->dropped, im->iterations - started, memory_order_relaxed);
}

static void impl_free(k6c__exec *e)
{
	k6c__free(e->impl);
	e->impl = NULL;
}

static const k6c__executor shared_iterations = {
	.name = "shared-iterations",
	.init = shared_init,
	.next = shared_next,
	.progress = shared_progress,
	.finish = shared_finish,
	.free = impl_free,
};

/* ---- per-vu-iterations: each VU runs the same number ---- */

static int per_vu_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;

	if (sc->vus == 0)
		return k6c__exec_config_error(e, "the number of VUs must be more than 0");
	if (sc->iterations == 0)
		return k6c__exec_config_error(e, "the number of iterations must be more than 0");
	if (sc->max_duration_ms < 0)
		return k6c__exec_config_error(e, "the maxDuration must be more than 0");
	k6c__exec_init_common(e);
	e->plan_vus = e->max_vus = (unsigned)k6c__exec_scale(e, sc->vus);
	e->run_ms = sc->max_duration_ms > 0 ? sc->max_duration_ms : K6C__DEFAULT_MAX_DURATION_MS;
	return 0;
}

static k6c__exec_next per_vu_next(k6c__exec *e, k6c__vu *vu)
{
	return k6c__vu_scenario_iter(vu) < e->sc->iterations ? K6C__NEXT_ITERATE : K6C__NEXT_LEAVE;
}

static double per_vu_progress(const k6c__exec *e, double elapsed_ms)
{
	return k6c__exec_iter_progress(e, (uint64_t)e->plan_vus * e->sc->iterations);
}

static void per_vu_finish(k6c__exec *e)
{
	uint64_t planned = (uint64_t)e->plan_vus * e->sc->iterations;
	uint64_t started = atomic_load_explicit(&e->started, memory_order_acquire);
	if (started < planned)
		atomic_fetch_add_explicit(&e->dropped, planned - started, memory_order_relaxed);
}

static const k6c__executor per_vu_iterations = {
	.name = "per-vu-iterations",
	.init = per_vu_init,
	.next = per_vu_next,
	.progress = per_vu_progress,
	.finish = per_vu_finish,
};

/* ---- constant-vus: a fixed number of VUs loop for a duration ---- */

static int constant_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;

	if (sc->vus == 0)
		return k6c__exec_config_error(e, "the number of VUs must be more than 0");
	if (!(sc->duration_ms > 0))
		return k6c__exec_config_error(e, "the duration must be more than 0");
	k6c__exec_init_common(e);
	e->plan_vus = e->max_vus = (unsigned)k6c__exec_scale(e, sc->vus);
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
	case K6C__EXEC_RAMPING_VUS:
		return &k6c__exec_ramping_vus;
	case K6C__EXEC_CONSTANT_ARRIVAL_RATE:
		return &k6c__exec_constant_arrival_rate;
	case K6C__EXEC_RAMPING_ARRIVAL_RATE:
		return &k6c__exec_ramping_arrival_rate;
	case K6C__EXEC_EXTERNALLY_CONTROLLED:
		return &k6c__exec_externally_controlled;
	default:
		break;
	}
	return NULL;
}
