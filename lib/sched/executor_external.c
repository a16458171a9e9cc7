/*
 * executor_external.c - externally-controlled: a number of active VUs
 * (vus) out of the VUs the scenario holds (maxVUs), both changed while the
 * test runs by k6c__sched_scale from any thread, for a duration or (0) until
 * the test is stopped. The request is stored under the scheduler's scale
 * mutex and the controller applies it on its next pass: more maxVUs become
 * VUs initialised in the background, more vus wake parked VUs, fewer vus
 * interrupt the iterations of the VUs above the new count (k6 hard-stops
 * them too). Counts are the test's; a segment applies its share.
 */
#include "sched/executor_int.h"

#include <math.h>
#include <string.h>

typedef struct ext_impl {
	atomic_uint target;             /* local VUs allowed to iterate */
	atomic_bool poke;               /* a request waits for the controller */
	unsigned cur_target;            /* controller */

	/* The scheduler's scale_mu. */
	unsigned cfg_vus, cfg_max;      /* the test-wide values in force or requested */
	unsigned start_max;             /* maxVUs can't go below the configured one */
	bool pending;
} ext_impl;

static int ext_init(k6c__exec *e)
{
	const k6c__scenario *sc = e->sc;
	unsigned maxv = sc->max_vus > 0 ? sc->max_vus : sc->vus;

	if (maxv < sc->vus)
		return k6c__exec_config_error(e, "the number of active VUs (%u) must be less than or equal to the number of maxVUs (%u)",
			sc->vus, maxv);
	if (!(sc->duration_ms >= 0))
		return k6c__exec_config_error(e, "the duration can't be negative");
	k6c__exec_init_common(e);
	ext_impl *im = k6c__calloc(1, sizeof(*im));
	if (im == NULL)
		return K6C_ENOMEM;
	e->impl = im;
	im->cfg_vus = sc->vus;
	im->cfg_max = im->start_max = maxv;
	im->pending = true;             /* applied by the first tick */
	e->plan_vus = e->max_vus = (unsigned)k6c__exec_scale(e, maxv);
	e->run_ms = sc->duration_ms > 0 ? sc->duration_ms : INFINITY;
	return 0;
}

static k6c__exec_next ext_next(k6c__exec *e, k6c__vu *vu)
{
	ext_impl *im = e->impl;
	return vu->exec_index < atomic_load_explicit(&im->target, memory_order_acquire) ?
		K6C__NEXT_ITERATE : K6C__NEXT_PARK;
}

static double ext_tick(k6c__exec *e, double t)
{
	ext_impl *im = e->impl;
	k6c__sched *s = e->sched;

	atomic_store_explicit(&im->poke, false, memory_order_relaxed);
	pthread_mutex_lock(&s->scale_mu);
	bool pending = im->pending;
	unsigned vus = im->cfg_vus, maxv = im->cfg_max;
	im->pending = false;
	pthread_mutex_unlock(&s->scale_mu);
	if (!pending || atomic_load_explicit(&e->stopping, memory_order_acquire))
		return -1;

	unsigned local_max = (unsigned)k6c__exec_scale(e, maxv);
	if (local_max > e->max_vus)
		e->max_vus = local_max;
	while (e->nvus < local_max) {
		if (k6c__exec_add_vu(e) != 0) {
			k6c__exec_log(e, K6C_LOG_ERROR, "scenario %s: out of memory adding VUs", e->sc->name);
			break;
		}
	}
	unsigned target = (unsigned)k6c__exec_scale(e, vus);
	if (target > e->nvus)
		target = e->nvus;
	atomic_store_explicit(&im->target, target, memory_order_release);
	for (unsigned i = im->cur_target; i < target; i++)
		k6c__exec_wake_vu(e, e->vus[i]);
	for (unsigned i = target; i < im->cur_target; i++)
		k6c__exec_interrupt_vu(e, e->vus[i]);
	im->cur_target = target;
	return -1;
}

static bool ext_poked(k6c__exec *e)
{
	ext_impl *im = e->impl;
	return atomic_load_explicit(&im->poke, memory_order_acquire);
}

static unsigned ext_active(const k6c__exec *e)
{
	const ext_impl *im = e->impl;
	unsigned t = atomic_load_explicit(&im->target, memory_order_acquire);
	unsigned ready = atomic_load_explicit(&e->held, memory_order_acquire) -
		atomic_load_explicit(&e->initing, memory_order_acquire);
	return t < ready ? t : ready;
}

static double ext_progress(const k6c__exec *e, double elapsed_ms)
{
	if (isinf(e->run_ms))
		return 0;
	return elapsed_ms >= e->run_ms ? 1 : elapsed_ms / e->run_ms;
}

static void ext_free(k6c__exec *e)
{
	k6c__free(e->impl);
	e->impl = NULL;
}

const k6c__executor k6c__exec_externally_controlled = {
	.name = "externally-controlled",
	.lives_without_vus = true,
	.init = ext_init,
	.next = ext_next,
	.tick = ext_tick,
	.poked = ext_poked,
	.active_vus = ext_active,
	.progress = ext_progress,
	.free = ext_free,
};

int k6c__sched_scale(k6c__sched *s, const char *scenario, unsigned vus, unsigned max_vus)
{
	k6c__exec *e = NULL;
	size_t nfound = 0;

	for (size_t i = 0; i < s->nscenarios; i++) {
		k6c__exec *x = &s->execs[i];
		if (scenario != NULL && strcmp(x->sc->name, scenario) != 0)
			continue;
		if (scenario != NULL && x->sc->executor != K6C__EXEC_EXTERNALLY_CONTROLLED)
			return k6c__error(K6C_ENOTFOUND, "scale: scenario %s is not externally-controlled (it is %s)",
				scenario, k6c__executor_name(x->sc->executor));
		if (x->sc->executor == K6C__EXEC_EXTERNALLY_CONTROLLED) {
			e = x;
			nfound++;
		}
	}
	if (e == NULL)
		return scenario != NULL ?
			k6c__error(K6C_ENOTFOUND, "scale: no scenario named %s", scenario) :
			k6c__error(K6C_ENOTFOUND, "scale: the test has no externally-controlled scenario");
	if (nfound > 1)
		return k6c__error(K6C_ENOTFOUND, "scale: the test has %zu externally-controlled scenarios; name one", nfound);

	ext_impl *im = e->impl;
	int st = atomic_load_explicit(&e->state, memory_order_acquire);
	if (st != EXEC_PENDING && st != EXEC_RUNNING)
		return k6c__error(K6C_ESTATE, "scale: scenario %s has ended", e->sc->name);
	pthread_mutex_lock(&s->scale_mu);
	unsigned maxv = max_vus > 0 ? max_vus : im->cfg_max;
	int rc = 0;
	if (maxv < im->start_max)
		rc = k6c__error(K6C_EINVAL, "scale: the new number of max VUs (%u) cannot be lower than the starting number of max VUs (%u)",
			maxv, im->start_max);
	else if (vus > maxv)
		rc = k6c__error(K6C_EINVAL, "scale: the number of active VUs (%u) can't be more than the number of max VUs (%u)",
			vus, maxv);
	if (rc == 0) {
		im->cfg_vus = vus;
		if (maxv > im->cfg_max)
			im->cfg_max = maxv;
		im->pending = true;
	}
	pthread_mutex_unlock(&s->scale_mu);
	if (rc == 0) {
		atomic_store_explicit(&im->poke, true, memory_order_release);
		k6c__loop_wakeup(s->ctl_loop);
	}
	return rc;
}
