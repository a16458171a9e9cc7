/*
 * scenario.c - executor names and the deep copy of scenario definitions
 * that the options layer and the scheduler both keep.
 */
#include "sched/sched.h"

#include <string.h>

static const char *const executor_names[] = {
	[K6C__EXEC_SHARED_ITERATIONS] = "shared-iterations",
	[K6C__EXEC_PER_VU_ITERATIONS] = "per-vu-iterations",
	[K6C__EXEC_CONSTANT_VUS] = "constant-vus",
	[K6C__EXEC_RAMPING_VUS] = "ramping-vus",
	[K6C__EXEC_CONSTANT_ARRIVAL_RATE] = "constant-arrival-rate",
	[K6C__EXEC_RAMPING_ARRIVAL_RATE] = "ramping-arrival-rate",
	[K6C__EXEC_EXTERNALLY_CONTROLLED] = "externally-controlled",
};

const char *k6c__executor_name(k6c__executor_kind kind)
{
	if ((size_t)kind >= K6C__ARRAY_LEN(executor_names))
		return "";
	return executor_names[kind];
}

int k6c__executor_kind_parse(const char *name, k6c__executor_kind *out)
{
	for (size_t i = 0; i < K6C__ARRAY_LEN(executor_names); i++) {
		if (name != NULL && strcmp(name, executor_names[i]) == 0) {
			*out = (k6c__executor_kind)i;
			return 0;
		}
	}
	return K6C_ENOTFOUND;
}

/* Copies n key/value pairs; NULL values are kept as empty strings so a
 * reader never meets a NULL. */
static int copy_pairs(const char *const **dst, const char *const *src, size_t n)
{
	*dst = NULL;
	if (n == 0)
		return 0;
	char **p = k6c__calloc(2 * n, sizeof(*p));
	if (p == NULL)
		return K6C_ENOMEM;
	*dst = (const char *const *)p;
	for (size_t i = 0; i < 2 * n; i++) {
		p[i] = k6c__strdup(src[i] != NULL ? src[i] : "");
		if (p[i] == NULL)
			return K6C_ENOMEM;
	}
	return 0;
}

static void free_pairs(const char *const *pairs, size_t n)
{
	if (pairs == NULL)
		return;
	for (size_t i = 0; i < 2 * n; i++)
		k6c__free((char *)pairs[i]);
	k6c__free((void *)pairs);
}

int k6c__scenario_copy(k6c__scenario *dst, const k6c__scenario *src)
{
	*dst = *src;
	dst->name = NULL;
	dst->exec = NULL;
	dst->stages = NULL;
	dst->env = NULL;
	dst->tags = NULL;
	dst->name = k6c__strdup(src->name != NULL ? src->name : "default");
	if (dst->name == NULL)
		goto nomem;
	if (src->exec != NULL && (dst->exec = k6c__strdup(src->exec)) == NULL)
		goto nomem;
	if (src->nstages > 0) {
		k6c__stage *st = k6c__calloc(src->nstages, sizeof(*st));
		if (st == NULL)
			goto nomem;
		memcpy(st, src->stages, src->nstages * sizeof(*st));
		dst->stages = st;
	}
	if (copy_pairs(&dst->env, src->env, src->nenv) != 0 ||
	    copy_pairs(&dst->tags, src->tags, src->ntags) != 0)
		goto nomem;
	return 0;
nomem:
	k6c__scenario_free(dst);
	return K6C_ENOMEM;
}

void k6c__scenario_free(k6c__scenario *sc)
{
	if (sc == NULL)
		return;
	k6c__free((char *)sc->name);
	k6c__free((char *)sc->exec);
	k6c__free((void *)sc->stages);
	free_pairs(sc->env, sc->nenv);
	free_pairs(sc->tags, sc->ntags);
	memset(sc, 0, sizeof(*sc));
}

void k6c__summary_outputs_free(k6c__summary_output *outs, size_t n)
{
	if (outs == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		k6c__free(outs[i].key);
		k6c__free(outs[i].data);
	}
	k6c__free(outs);
}

void k6c__sched_result_free(k6c__sched_result *r)
{
	if (r == NULL)
		return;
	k6c__free(r->abort_reason);
	r->abort_reason = NULL;
	k6c__summary_outputs_free(r->summary_out, r->nsummary_out);
	r->summary_out = NULL;
	r->nsummary_out = 0;
}
