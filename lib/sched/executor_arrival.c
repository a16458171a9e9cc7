/*
 * executor_arrival.c - constant-arrival-rate and ramping-arrival-rate, the
 * open model: iteration k of the scenario starts at its own time whether or
 * not earlier ones finished. The controller's tick hands each due iteration
 * to a free VU of the scenario; when none is free the iteration is dropped
 * (dropped_iterations) and one more VU is requested in the background, up to
 * maxVUs, one at a time, as k6 does.
 *
 * Times: constant rate r per timeUnit u puts test-wide iteration g at
 * g * u / r. A ramping rate puts it where the area under the piecewise-linear
 * rate curve reaches g + 1 (k6's convention), solving the quadratic of a
 * ramping stage exactly. With an execution segment the rate is not scaled:
 * this instance runs the test-wide indices of its stripe, built (as k6 does)
 * from the shares of maxVUs the segments get.
 *
 * The iteration numbers (exec.scenario.iterationInInstance and
 * iterationInTest) count iterations as they start, as k6's do, so a dropped
 * iteration takes no number.
 *
 * Hand-over (k6c__vu.arr_state): a VU that has nothing to do marks itself
 * FREE and pushes itself on the scenario's lock-free stack, then parks; the
 * controller pops it, writes the iteration's index and due time, marks it
 * ASSIGNED and wakes it.
 */
#include "sched/executor_int.h"

#include <math.h>

typedef struct arr_impl {
	bool ramping;
	double unit_ms;                 /* timeUnit */
	double period_ms;               /* constant: ms between test-wide iterations */
	bool no_work;                   /* this segment gets no VUs */

	/* Controller: the next iteration to hand out. */
	uint64_t next_local;
	double next_t;                  /* its time (ms from the start); INFINITY: none */

	/* Ramping: the stage that holds the next iteration. */
	size_t stage;
	double stage_start_ms;          /* when it starts */
	double from, to;                /* its rates in iterations per ms */
	double area_before, area_end;   /* iterations due before it and up to its end */
} arr_impl;

/* Ramping: enters stage i (its start rate is the previous target). */
static void ramp_enter(arr_impl *im, const k6c__scenario *sc, size_t i)
{
	im->stage = i;
	if (i >= sc->nstages)
		return;
	im->to = sc->stages[i].target / im->unit_ms;
	im->area_before = im->area_end;
	im->area_end += sc->stages[i].duration_ms * (im->from + im->to) / 2;
}

/* The time (ms) at which the area under the rate curve reaches a, or
 * INFINITY after the last stage. Only moves forward. */
static double ramp_time_for(arr_impl *im, const k6c__scenario *sc, double a)
{
	while (im->stage < sc->nstages && a > im->area_end + 1e-9) {
		im->stage_start_ms += sc->stages[im->stage].duration_ms;
		im->from = im->to;
		ramp_enter(im, sc, im->stage + 1);
	}
	if (im->stage >= sc->nstages)
		return INFINITY;
	double d = sc->stages[im->stage].duration_ms;
	double r = a - im->area_before;
	if (r < 0)
		r = 0;
	double t;
	if (fabs(im->to - im->from) < 1e-15) {
		t = im->from > 0 ? r / im->from : 0;
	} else {
		/* from * t + (to - from) t^2 / (2d) = r, in the form that stays
		 * accurate when from is near 0 or the rate falls. */
		double disc = im->from * im->from + 2 * (im->to - im->from) * r / d;
		double den = im->from + sqrt(disc > 0 ? disc : 0);
		t = den > 0 ? 2 * r / den : d;
	}
	if (t > d)
		t = d;
	return im->stage_start_ms + t;
}

/* Moves next_t to the time of local iteration next_local. */
static void arr_compute_next(k6c__exec *e)
{
	arr_impl *im = e->impl;
	if (im->no_work) {
		im->next_t = INFINITY;
		return;
	}
	uint64_t g = k6c__stripe_global(e->iter_stripe, im->next_local);
	double t;
	if (g == UINT64_MAX)
		t = INFINITY;
	else if (im->ramping)
		t = ramp_time_for(im, e->sc, (double)g + 1);
	else
		t = (double)g * im->period_ms;
	/* Constant rate: the regular duration is a half-open window; ramping
	 * includes an iteration due exactly at the end, as k6 computes it. */
	if (im->ramping ? t > e->run_ms + 1e-6 : t >= e->run_ms)
		t = INFINITY;
	im->next_t = t;
}

static int arr_init(k6c__exec *e, bool ramping)
{
	const k6c__scenario *sc = e->sc;
	int rc;

	if (ramping) {
		if (!(sc->start_rate >= 0))
			return k6c__exec_config_error(e, "the startRate value can't be negative");
		rc = k6c__exec_validate_stages(e);
		if (rc != 0)
			return rc;
	} else {
		if (!(sc->rate > 0) || isinf(sc->rate))
			return k6c__exec_config_error(e, "the iteration rate must be more than 0");
		if (!(sc->duration_ms > 0))
			return k6c__exec_config_error(e, "the duration must be more than 0");
	}
	if (sc->time_unit_ms < 0)
		return k6c__exec_config_error(e, "the timeUnit must be more than 0");
	unsigned maxv = sc->max_vus > 0 ? sc->max_vus : sc->pre_allocated_vus;
	if (maxv < sc->pre_allocated_vus)
		return k6c__exec_config_error(e, "maxVUs can't be less than preAllocatedVUs");
	if (maxv == 0)
		return k6c__exec_config_error(e, "the number of maxVUs must be more than 0");
	k6c__exec_init_common(e);
	arr_impl *im = k6c__calloc(1, sizeof(*im));
	if (im == NULL)
		return K6C_ENOMEM;
	e->impl = im;
	im->ramping = ramping;
	im->unit_ms = sc->time_unit_ms > 0 ? sc->time_unit_ms : K6C__DEFAULT_TIME_UNIT_MS;
	e->plan_vus = (unsigned)k6c__exec_scale(e, sc->pre_allocated_vus);
	e->max_vus = (unsigned)k6c__exec_scale(e, maxv);
	if (ramping) {
		e->run_ms = k6c__exec_stages_duration(sc);
		im->from = sc->start_rate / im->unit_ms;
		ramp_enter(im, sc, 0);
	} else {
		e->run_ms = sc->duration_ms;
		im->period_ms = im->unit_ms / sc->rate;
	}
	rc = k6c__exec_stripe_from_value(e, maxv, &e->own_stripe);
	if (rc == K6C_ENOTFOUND || e->max_vus == 0) {
		im->no_work = true;
	} else if (rc != 0) {
		return rc;
	} else if (e->own_stripe != NULL) {
		e->iter_stripe = e->own_stripe;
	}
	arr_compute_next(e);
	return 0;
}

static int constant_arr_init(k6c__exec *e)
{
	return arr_init(e, false);
}

static int ramping_arr_init(k6c__exec *e)
{
	return arr_init(e, true);
}

static k6c__exec_next arr_next(k6c__exec *e, k6c__vu *vu)
{
	/* stopping first: the controller hands out its last iterations before
	 * it sets stopping, so seeing stopping means seeing those too. */
	bool stopping = atomic_load_explicit(&e->stopping, memory_order_acquire);
	int st = atomic_load_explicit(&vu->arr_state, memory_order_acquire);
	if (st == ARR_ASSIGNED) {
		atomic_store_explicit(&vu->arr_state, ARR_BUSY, memory_order_relaxed);
		vu->sched_ns = vu->arr_ns;
		vu->has_due = true;
		return K6C__NEXT_ITERATE;
	}
	if (stopping)
		return K6C__NEXT_LEAVE;
	if (st == ARR_BUSY) {
		atomic_store_explicit(&vu->arr_state, ARR_FREE, memory_order_relaxed);
		k6c__vu *old = atomic_load_explicit(&e->free_stack, memory_order_relaxed);
		do {
			vu->pool_next = old;
		} while (!atomic_compare_exchange_weak_explicit(&e->free_stack, &old, vu,
			memory_order_release, memory_order_relaxed));
	}
	return K6C__NEXT_PARK;
}

static double arr_tick(k6c__exec *e, double t)
{
	arr_impl *im = e->impl;

	while (im->next_t <= t) {
		k6c__vu *vu = k6c__exec_pop_free(e);
		if (vu != NULL) {
			double late_ms = t - im->next_t;
			uint64_t late = late_ms > 0 ? (uint64_t)(late_ms * 1e6) : 0;
			k6c__exec_assign(e, vu, e->now_ns > late ? e->now_ns - late : e->now_ns);
		} else {
			atomic_fetch_add_explicit(&e->dropped, 1, memory_order_relaxed);
			if (e->nvus < e->max_vus) {
				/* One VU at a time, as k6: the next drop asks
				 * again once this one joined. */
				if (atomic_load_explicit(&e->initing, memory_order_acquire) == 0 &&
				    k6c__exec_add_vu(e) != 0)
					k6c__exec_log(e, K6C_LOG_ERROR, "scenario %s: out of memory adding a VU", e->sc->name);
			} else if (!e->warned) {
				e->warned = true;
				k6c__exec_log(e, K6C_LOG_WARN,
					"Insufficient VUs, reached %u active VUs and cannot initialize more", e->max_vus);
			}
		}
		im->next_local++;
		arr_compute_next(e);
	}
	return isinf(im->next_t) ? -1 : im->next_t - t;
}

static void arr_free(k6c__exec *e)
{
	k6c__free(e->impl);
	e->impl = NULL;
}

const k6c__executor k6c__exec_constant_arrival_rate = {
	.name = "constant-arrival-rate",
	.open = true,
	.lives_without_vus = true,
	.init = constant_arr_init,
	.next = arr_next,
	.tick = arr_tick,
	.free = arr_free,
};

const k6c__executor k6c__exec_ramping_arrival_rate = {
	.name = "ramping-arrival-rate",
	.open = true,
	.lives_without_vus = true,
	.init = ramping_arr_init,
	.next = arr_next,
	.tick = arr_tick,
	.free = arr_free,
};
