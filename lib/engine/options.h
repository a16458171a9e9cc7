/*
 * options.h - k6 option consolidation (k6-compat.md section 2.1): defaults,
 * then a --config JSON file, then the script's `export const options`, then
 * K6_* environment variables, then API/CLI overrides, each tier overwriting
 * only what it sets, with k6's rules for the execution group (duration,
 * iterations, stages, scenarios are replaced as a whole by the highest tier
 * that sets any of them; two in one tier is an error) and the shortcuts
 * becoming a scenario named "default".
 */
#ifndef K6C_ENGINE_OPTIONS_H
#define K6C_ENGINE_OPTIONS_H

#include "engine/options_http.h"
#include "metrics/metrics.h"
#include "sched/sched.h"
#include "sched/segment.h"
#include "util/util.h"

typedef struct k6c__options {
	k6c__scenario *scenarios;       /* owned (k6c__scenario_copy) */
	size_t nscenarios;
	char **trend_stats;             /* owned; NULL/0: k6's default list */
	size_t ntrend_stats;
	char *time_unit;                /* owned; NULL: automatic */
	char *user_agent;               /* owned; NULL: the library default */
	bool no_setup, no_teardown;
	bool color;                     /* colour the summary text: noColor false (default off in the library) */
	char *thresholds_json;          /* owned; the highest tier's `thresholds` object as JSON, or NULL */
	bool no_thresholds;             /* noThresholds: thresholds are not evaluated */
	bool paused;                    /* paused: start paused */
	double setup_timeout_ms;        /* setupTimeout (default 60 s) */
	double teardown_timeout_ms;     /* teardownTimeout (default 60 s) */
	double summary_timeout_ms;      /* handleSummaryTimeout (default 120 s) */
	char *summary_export;           /* owned; summaryExport / K6_SUMMARY_EXPORT path, or NULL */
	/* summaryMode / K6_SUMMARY_MODE / --summary-mode: which end-of-test
	 * summary (compact by default; k6's runtime option, so it is not in
	 * the consolidated JSON). */
	k6c__summary_mode summary_mode;
	/* tagSetsWarn (ours; K6C_TAG_SETS_WARN, --tag-sets-warn): warn once a
	 * metric has this many distinct tag sets; 0 never (default 10000). */
	uint64_t tag_sets_warn;
	/* systemTags: enum k6c__system_tag bits (metrics.h); k6's default set
	 * (K6C__SYSTEM_TAGS_DEFAULT) when no tier sets it. */
	uint32_t system_tags;
	/* executionSegment / executionSegmentSequence (the override and config
	 * tiers only, as in k6: env cannot set them). NULL: the whole test. */
	k6c__stripe *stripe;            /* owned */
	/* What k6's run header shows, from its execution plan: the peak of the
	 * VUs all scenarios may hold at once (overlapping scenarios add up;
	 * arrival-rate counts maxVUs; ramping-vus keeps ramped-down VUs for
	 * gracefulRampDown), this segment's share; and when the last scenario
	 * ends, startTime + its duration + gracefulStop. */
	unsigned max_vus;
	double max_duration_ms;
	/* The consolidated options as one JSON object in k6's shape (what
	 * `k6 inspect` prints and exec.test.options holds): the shortcuts are
	 * folded into "scenarios" with every field of each scenario filled in
	 * with its default, plus every other option with its final value. */
	char *json;                     /* owned */
	/* k6's transport options, read from json (options_http.h). */
	k6c__transport_opts transport;
} k6c__options;

/* Each tier is JSON text; NULL or "" is an empty tier. config_json is the
 * --config file's content, script_json the script's `options`,
 * override_json the API/CLI tier. env_pairs are the process environment
 * (key, value, key, value, ...; nenv counts pairs) from which K6_*
 * variables are read. On failure returns K6C_ECONFIG with a message naming
 * the option and the value (the k6 exit code 104), or K6C_ENOMEM; out is
 * then empty. */
int k6c__options_consolidate(k6c__options *out, const char *config_json, const char *script_json,
	const char *const *env_pairs, size_t nenv, const char *override_json);
void k6c__options_free(k6c__options *o);

/* Reads a boolean option given as a JSON boolean or as the strings "true",
 * "1", "false", "0" or "" (environment variables). Return 0 or K6C_ECONFIG
 * naming the option and the value. */
struct k6c__json;
int k6c__options_get_bool(const char *name, const struct k6c__json *v, bool *out);

/* K6C_ECONFIG with the message every bad option value gets: invalid
 * option "name": "value": why. The _json form quotes a JSON value (a
 * string as it is). Both return K6C_ECONFIG. */
int k6c__options_bad(const char *name, const char *value, const char *why);
int k6c__options_bad_json(const char *name, const struct k6c__json *v, const char *why);

/* Calls fn for each item of a list option given either as a JSON array of
 * strings (each item as it is) or as one comma-separated string, as
 * environment variables and flags give it (each piece trimmed of blanks,
 * empty pieces skipped). A non-string item is K6C_ECONFIG quoting it with
 * item_why, any other type quoting v with type_why. Stops at, and returns,
 * the first non-zero result of fn; 0 otherwise. */
typedef int (*k6c__options_item_fn)(const char *s, size_t n, void *arg);
int k6c__options_each_item(const char *name, const struct k6c__json *v, const char *item_why,
	const char *type_why, k6c__options_item_fn fn, void *arg);

/* k6's description of a scenario for the run header, e.g.
 * "10 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)".
 * The counts are the scenario's own (the whole test's): k6 shows this
 * segment's share there when a segment is set. */
int k6c__options_describe_scenario(const k6c__scenario *sc, k6c__buf *out);

/* Parses k6's --stage/K6_STAGES syntax "30s:10,1m:0" into a JSON array of
 * {"duration":"30s","target":10} appended to out. Return 0, K6C_ECONFIG
 * (quoting text) or K6C_ENOMEM. */
int k6c__options_stages_json(const char *text, k6c__buf *out);

#endif /* K6C_ENGINE_OPTIONS_H */
