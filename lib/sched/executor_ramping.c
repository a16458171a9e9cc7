/*
 * executor_ramping.c - ramping-vus: the number of VUs follows stages,
 * linearly interpolated, as k6 plans it. The test-wide VU count at time t is
 * the number of whole VUs under the line (rounded down while ramping up, up
 * while ramping down: VU j starts when the line reaches j and stops when it
 * falls to j - 1); a segment runs its stripe's share of that count. VUs above
 * the count finish their iteration but start no new one; a VU that has been
 * above the count for gracefulRampDown is interrupted. The controller ticks
 * at every change of the count (and every 10 ms while VUs ramp down), wakes
 * VUs the count reaches and interrupts the ones past their ramp-down grace.
 */
#include "sched/executor_int.h"

#include <math.h>

#define EPS 1e-9
#define RAMP_DOWN_POLL_MS 10.0
#define DEFAULT_GRACEFUL_RAMP_DOWN_MS (30.0 * 1000)

typedef struct ramp_impl {
	double grd_ms;                  /* gracefulRampDown */
	atomic_uint target;             /* local VUs allowed to start iterations */
	atomic_uint active;             /* for the gauge: target + VUs finishing above it */
	unsigned cur_target, cur_glimit;   /* controller */
} ramp_impl;

/* The stages' whole-VU count at t ms (test-wide, unscaled). */
double k6c__ramp_count_at(double start, const k6c__stage *stages, size_t n, double t)
{
	double st = 0, cur = start;
	for (size_t i = 0; i < n; i++) {
		double d = stages[i].duration_ms, tg = stages[i].target;
		if (t < st + d) {
			double line = cur + (tg - cur) * (t - st) / d;
			if (tg > cur)
				return floor(line + EPS);
			if (tg < cur)
				return ceil(line - EPS);
			return cur;
		}
		cur = tg;
		st += d;
	}
	return cur;
}

/* The next time after t at which the count may change; negative: never. */
static double next_change(double start, const k6c__stage *stages, size_t n, double t)
{
	double st = 0, cur = start;
	for (size_t i = 0; i < n; i++) {
		double d = stages[i].duration_ms, tg = stages[i].target;
		if (t < st + d) {
			double line = cur + (tg - cur) * (t - st) / d;
			double at = st + d;
			if (tg > cur) {
				double next = floor(line + EPS) + 1;
				if (next <= tg)
					at = st + d * (next - cur) / (tg - cur);
			} else if (tg < cur) {
				double next = ceil(line - EPS) - 1;
				if (next >= tg)
					at = st + d * (next - cur) / (tg - cur);
			}
			return at;
		}
		cur = tg;
		st += d;
	}
	return -1;
}

/* The most VUs counted at any time in [a, b]: the count is monotonic within
 * a stage, so the maximum is at an end of the window or at a stage end. */
static double window_max(double start, const k6c__stage *stages, size_t n, double a, double b)
{
	if (a < 0)
		a = 0;
	double m = fmax(k6c__ramp_count_at(start, stages, n, a), k6c__ramp_count_at(start, stages, n, b));
	double st = 0;
	for (size_t i = 0; i < n; i++) {
		st += stages[i].duration_ms;
		if (st > b)
			break;
		if (st >= a)
			m = fmax(m, stages[i].target);
	}
	return m;
}

int k6c__exec_validate_stages(const k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;
	if (sc->nstages == 0 || sc->stages == NULL)
		return k6c__exec_config_error(e, "at least one stage has to be specified");
	for (size_t i = 0; i < sc->nstages; i++) {
		if (!(sc->stages[i].duration_ms >= 0) || isinf(sc->stages[i].duration_ms))
			return k6c__exec_config_error(e, "the duration for stage %zu can't be negative", i + 1);
		if (!(sc->stages[i].target >= 0) || isinf(sc->stages[i].target))
			return k6c__exec_config_error(e, "the target for stage %zu can't be negative", i + 1);
	}
	return 0;
}

double k6c__exec_stages_duration(const k6c__scenario *sc)
{
	double sum = 0;
	for (size_t i = 0; i < sc->nstages; i++)
		sum += sc->stages[i].duration_ms;
	return sum;
}

static int ramp_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;
	int rc = k6c__exec_validate_stages(e);
	if (rc != 0)
		return rc;
	k6c__exec_init_common(e);
	ramp_impl *im = k6c__calloc(1, sizeof(*im));
	if (im == NULL)
		return K6C_ENOMEM;
	e->impl = im;
	im->grd_ms = sc->graceful_ramp_down_ms >= 0 ? sc->graceful_ramp_down_ms : DEFAULT_GRACEFUL_RAMP_DOWN_MS;
	double peak = sc->start_vus;
	for (size_t i = 0; i < sc->nstages; i++)
		peak = fmax(peak, floor(sc->stages[i].target));
	e->plan_vus = e->max_vus = (unsigned)k6c__exec_scale(e, (uint64_t)peak);
	e->run_ms = k6c__exec_stages_duration(sc);
	return 0;
}

static k6c__exec_next ramp_next(k6c__exec *e, k6c__vu *vu)
{
	ramp_impl *im = e->impl;
	return vu->exec_index < atomic_load_explicit(&im->target, memory_order_acquire) ?
		K6C__NEXT_ITERATE : K6C__NEXT_PARK;
}

static double ramp_tick(k6c__exec *e, double t)
{
	ramp_impl *im = e->impl;
	const k6c__scenario *sc = e->sc;
	double raw = k6c__ramp_count_at(sc->start_vus, sc->stages, sc->nstages, t);
	double win = window_max(sc->start_vus, sc->stages, sc->nstages, t - im->grd_ms, t);
	unsigned target = (unsigned)k6c__exec_scale(e, (uint64_t)raw);
	unsigned glimit = (unsigned)k6c__exec_scale(e, (uint64_t)win);
	if (target > e->nvus)
		target = e->nvus;
	if (glimit > e->nvus)
		glimit = e->nvus;
	if (glimit < target)
		glimit = target;

	/* The new count is published before the wakes and interrupts, so a
	 * VU that asks next after either sees it. */
	atomic_store_explicit(&im->target, target, memory_order_release);
	for (unsigned i = im->cur_target; i < target; i++)
		k6c__exec_wake_vu(e, e->vus[i]);
	for (unsigned i = glimit; i < im->cur_glimit; i++)
		k6c__exec_interrupt_vu(e, e->vus[i]);
	im->cur_target = target;
	im->cur_glimit = glimit;

	unsigned active = target;
	for (unsigned i = target; i < glimit; i++)
		active += atomic_load_explicit(&e->vus[i]->iterating, memory_order_relaxed);
	atomic_store_explicit(&im->active, active, memory_order_relaxed);

	double at = next_change(sc->start_vus, sc->stages, sc->nstages, t);
	double d = at >= 0 ? at - t : -1;
	if (glimit > target)
		d = d < 0 ? RAMP_DOWN_POLL_MS : fmin(d, RAMP_DOWN_POLL_MS);
	if (d >= 0 && d < 0.1)
		d = 0.1;
	return d;
}

static unsigned ramp_active(const k6c__exec *e)
{
	const ramp_impl *im = e->impl;
	return atomic_load_explicit(&im->active, memory_order_relaxed);
}

static void ramp_free(k6c__exec *e)
{
	k6c__free(e->impl);
	e->impl = NULL;
}

const k6c__executor k6c__exec_ramping_vus = {
	.name = "ramping-vus",
	.init = ramp_init,
	.next = ramp_next,
	.tick = ramp_tick,
	.active_vus = ramp_active,
	.free = ramp_free,
};
