/*
 * options.h - k6 option consolidation: the script's `export const options`,
 * then K6_* environment variables, then API/CLI overrides, each tier
 * overwriting only what it sets, with k6's rules for the execution shortcuts
 * (vus, duration, iterations, stages, scenarios).
 */
#ifndef K6C_ENGINE_OPTIONS_H
#define K6C_ENGINE_OPTIONS_H

#include "sched/sched.h"
#include "util/util.h"

typedef struct k6c__options {
	k6c__scenario *scenarios;       /* owned, with owned strings */
	size_t nscenarios;
	char **trend_stats;             /* owned; NULL/0: k6's default list */
	size_t ntrend_stats;
	char *time_unit;                /* owned; NULL: automatic */
	char *user_agent;               /* owned; NULL: the library default */
	bool no_setup, no_teardown;
	bool color;                     /* colour the summary text: noColor false (default off in the library) */
	char *thresholds_json;          /* owned; the highest tier's `thresholds` object as JSON, or NULL */
	bool no_thresholds;             /* noThresholds: thresholds are not evaluated */
	unsigned max_vus;               /* peak VUs over all scenarios */
	double max_duration_ms;         /* the longest a scenario may run incl. graceful stop */
} k6c__options;

/* A tier of options as JSON text; NULL or "" is an empty tier. env_pairs are
 * the process environment (key, value, key, value, ...) from which K6_*
 * variables are read. On failure returns K6C_ECONFIG with a message naming
 * the option and the value (the k6 exit code 104), or K6C_ENOTSUP naming a
 * feature this release does not implement yet. */
int k6c__options_consolidate(k6c__options *out, const char *script_json,
	const char *const *env_pairs, size_t nenv, const char *override_json);
void k6c__options_free(k6c__options *o);

/* k6's description of a scenario for the run header, e.g.
 * "10 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)". */
int k6c__options_describe_scenario(const k6c__scenario *sc, k6c__buf *out);

#endif /* K6C_ENGINE_OPTIONS_H */
