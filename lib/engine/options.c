/*
 * options.c - consolidates k6 options from three tiers (script, K6_* env,
 * API/CLI overrides) and derives the scenario list, following k6's rules:
 * each tier overwrites only what it sets, the execution group (duration,
 * iterations, stages, scenarios) is replaced as a whole by the highest tier
 * that sets any of it, and shortcuts become a scenario named "default".
 */
#include "engine/options.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define DEFAULT_GRACEFUL_STOP_MS 30000.0
#define DEFAULT_MAX_DURATION_MS 600000.0

/* One tier's view of the options that matter to this release. "has_" flags
 * mark what the tier set, so a higher tier only overwrites those. */
typedef struct tier {
	bool has_vus, has_duration, has_iterations, has_stages, has_scenarios;
	double vus, iterations, duration_ms;
	const k6c__json *scenarios;
	bool has_trend_stats, has_time_unit, has_user_agent, has_no_setup, has_no_teardown;
	const k6c__json *trend_stats;   /* array of strings */
	char *trend_stats_csv;          /* from env: "avg,p(99)" */
	const char *time_unit, *user_agent;
	bool no_setup, no_teardown;
	bool has_no_color, no_color;
	bool has_thresholds;            /* replaced wholesale by a higher tier */
	const k6c__json *thresholds;    /* an object */
	k6c__json *thresholds_owned;    /* parsed from K6_THRESHOLDS */
	bool has_no_thresholds, no_thresholds;
} tier;

static int bad(const char *name, const char *value, const char *why)
{
	return k6c__error(K6C_ECONFIG, "invalid option \"%s\": \"%s\": %s", name, value, why);
}

static int json_value_text(const k6c__json *v, k6c__buf *b)
{
	if (v->type == K6C__JSON_STRING)
		return k6c__buf_puts(b, v->string);
	return k6c__json_write(b, v);
}

/* Reads a duration given as a string or a number of milliseconds. */
static int get_duration(const char *name, const k6c__json *v, double *out)
{
	int rc;

	if (v->type == K6C__JSON_NUMBER) {
		if (!(v->number >= 0) || !isfinite(v->number)) {
			k6c__buf b = K6C__BUF_INIT;
			k6c__json_write(&b, v);
			rc = bad(name, b.ptr ? b.ptr : "", "must be a non-negative duration");
			k6c__buf_free(&b);
			return rc;
		}
		*out = v->number;
		return 0;
	}
	if (v->type != K6C__JSON_STRING) {
		k6c__buf b = K6C__BUF_INIT;
		json_value_text(v, &b);
		rc = bad(name, b.ptr ? b.ptr : "", "expected a duration such as \"30s\"");
		k6c__buf_free(&b);
		return rc;
	}
	if (k6c__duration_parse(v->string, out) != 0)
		return bad(name, v->string, "expected a duration such as \"30s\" or \"1m30s\"");
	return 0;
}

/* Reads a non-negative integer given as a number or a numeric string. */
static int get_count(const char *name, const k6c__json *v, double *out)
{
	double d;
	char *end = NULL;

	if (v->type == K6C__JSON_NUMBER) {
		d = v->number;
	} else if (v->type == K6C__JSON_STRING) {
		d = strtod(v->string, &end);
		if (end == v->string || *end != '\0')
			return bad(name, v->string, "expected a non-negative integer");
	} else {
		k6c__buf b = K6C__BUF_INIT;
		json_value_text(v, &b);
		int rc = bad(name, b.ptr ? b.ptr : "", "expected a non-negative integer");
		k6c__buf_free(&b);
		return rc;
	}
	if (!(d >= 0) || d != floor(d) || d > 1e12) {
		k6c__buf b = K6C__BUF_INIT;
		json_value_text(v, &b);
		int rc = bad(name, b.ptr ? b.ptr : "", "expected a non-negative integer");
		k6c__buf_free(&b);
		return rc;
	}
	*out = d;
	return 0;
}

static int get_bool(const char *name, const k6c__json *v, bool *out)
{
	if (v->type == K6C__JSON_BOOL) {
		*out = v->boolean;
		return 0;
	}
	if (v->type == K6C__JSON_STRING) {
		if (!strcmp(v->string, "true") || !strcmp(v->string, "1")) {
			*out = true;
			return 0;
		}
		if (!strcmp(v->string, "false") || !strcmp(v->string, "0") || !*v->string) {
			*out = false;
			return 0;
		}
		return bad(name, v->string, "expected true or false");
	}
	return bad(name, "?", "expected true or false");
}

static int get_string(const char *name, const k6c__json *v, const char **out)
{
	if (v->type != K6C__JSON_STRING) {
		k6c__buf b = K6C__BUF_INIT;
		json_value_text(v, &b);
		int rc = bad(name, b.ptr ? b.ptr : "", "expected a string");
		k6c__buf_free(&b);
		return rc;
	}
	*out = v->string;
	return 0;
}

/* Fills a tier from a parsed JSON object of k6 options. Unknown options are
 * ignored, as k6 ignores them. */
static int tier_from_json(tier *t, const k6c__json *o)
{
	const k6c__json *v;
	int rc;

	if ((v = k6c__json_get(o, "vus")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_count("vus", v, &t->vus)))
			return rc;
		t->has_vus = true;
	}
	if ((v = k6c__json_get(o, "duration")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_duration("duration", v, &t->duration_ms)))
			return rc;
		t->has_duration = true;
	}
	if ((v = k6c__json_get(o, "iterations")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_count("iterations", v, &t->iterations)))
			return rc;
		t->has_iterations = true;
	}
	if ((v = k6c__json_get(o, "stages")) && v->type != K6C__JSON_NULL) {
		if (v->type != K6C__JSON_ARRAY)
			return bad("stages", "?", "expected an array of {duration, target}");
		t->has_stages = true;
	}
	if ((v = k6c__json_get(o, "scenarios")) && v->type != K6C__JSON_NULL) {
		if (v->type != K6C__JSON_OBJECT)
			return bad("scenarios", "?", "expected an object of named scenarios");
		t->scenarios = v;
		t->has_scenarios = true;
	}
	if ((v = k6c__json_get(o, "summaryTrendStats")) && v->type != K6C__JSON_NULL) {
		if (v->type != K6C__JSON_ARRAY)
			return bad("summaryTrendStats", "?", "expected an array of strings");
		for (size_t i = 0; i < v->len; i++) {
			if (v->items[i]->type != K6C__JSON_STRING)
				return bad("summaryTrendStats", "?", "expected an array of strings");
		}
		t->trend_stats = v;
		t->has_trend_stats = true;
	}
	if ((v = k6c__json_get(o, "summaryTimeUnit")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_string("summaryTimeUnit", v, &t->time_unit)))
			return rc;
		t->has_time_unit = true;
	}
	if ((v = k6c__json_get(o, "userAgent")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_string("userAgent", v, &t->user_agent)))
			return rc;
		t->has_user_agent = true;
	}
	if ((v = k6c__json_get(o, "noSetup")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_bool("noSetup", v, &t->no_setup)))
			return rc;
		t->has_no_setup = true;
	}
	if ((v = k6c__json_get(o, "noTeardown")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_bool("noTeardown", v, &t->no_teardown)))
			return rc;
		t->has_no_teardown = true;
	}
	if ((v = k6c__json_get(o, "noColor")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_bool("noColor", v, &t->no_color)))
			return rc;
		t->has_no_color = true;
	}
	if ((v = k6c__json_get(o, "thresholds")) && v->type != K6C__JSON_NULL) {
		if (v->type != K6C__JSON_OBJECT)
			return bad("thresholds", "?", "expected an object of metric names to arrays of thresholds");
		t->thresholds = v;
		t->has_thresholds = true;
	}
	if ((v = k6c__json_get(o, "noThresholds")) && v->type != K6C__JSON_NULL) {
		if ((rc = get_bool("noThresholds", v, &t->no_thresholds)))
			return rc;
		t->has_no_thresholds = true;
	}
	return 0;
}

static const char *env_get(const char *const *env, size_t n, const char *key)
{
	const char *found = NULL;

	for (size_t i = 0; i + 1 < 2 * n; i += 2) {
		if (!strcmp(env[i], key))
			found = env[i + 1];
	}
	return found;
}

/* Environment variables carry strings; wrap each in a JSON string node so
 * the same validation as for script options applies. */
static int tier_from_env(tier *t, const char *const *env, size_t n, k6c__json *scratch, size_t nscratch)
{
	static const struct {
		const char *env, *opt;
	} map[] = {
		{ "K6_VUS", "vus" },
		{ "K6_DURATION", "duration" },
		{ "K6_ITERATIONS", "iterations" },
		{ "K6_SUMMARY_TIME_UNIT", "summaryTimeUnit" },
		{ "K6_USER_AGENT", "userAgent" },
		{ "K6_NO_SETUP", "noSetup" },
		{ "K6_NO_TEARDOWN", "noTeardown" },
		{ "K6_NO_COLOR", "noColor" },
		{ "K6_NO_THRESHOLDS", "noThresholds" },
	};
	k6c__json obj;
	k6c__json *items[K6C__ARRAY_LEN(map)];
	char *keys[K6C__ARRAY_LEN(map)];
	size_t used = 0;
	const char *v;

	if (nscratch < K6C__ARRAY_LEN(map))
		return K6C_EINTERNAL;
	for (size_t i = 0; i < K6C__ARRAY_LEN(map); i++) {
		if (!(v = env_get(env, n, map[i].env)))
			continue;
		memset(&scratch[used], 0, sizeof(scratch[used]));
		scratch[used].type = K6C__JSON_STRING;
		scratch[used].string = (char *)v;
		scratch[used].len = strlen(v);
		items[used] = &scratch[used];
		keys[used] = (char *)map[i].opt;
		used++;
	}
	memset(&obj, 0, sizeof(obj));
	obj.type = K6C__JSON_OBJECT;
	obj.items = items;
	obj.keys = keys;
	obj.len = used;
	if ((v = env_get(env, n, "K6_STAGES")) && *v)
		t->has_stages = true;
	if ((v = env_get(env, n, "K6_SUMMARY_TREND_STATS")) && *v) {
		if (!(t->trend_stats_csv = k6c__strdup(v)))
			return K6C_ENOMEM;
		t->has_trend_stats = true;
	}
	/* K6_THRESHOLDS holds the same JSON object as the option. */
	if ((v = env_get(env, n, "K6_THRESHOLDS")) && *v) {
		if (k6c__json_parse(&t->thresholds_owned, v, strlen(v)) != 0 ||
		    t->thresholds_owned->type != K6C__JSON_OBJECT)
			return bad("thresholds", v, "K6_THRESHOLDS must be a JSON object of metric names to arrays of thresholds");
		t->thresholds = t->thresholds_owned;
		t->has_thresholds = true;
	}
	return tier_from_json(t, &obj);
}

static int check_exec_group(const tier *t, const char *where)
{
	if (t->has_scenarios && (t->has_duration || t->has_iterations || t->has_stages))
		return k6c__error(K6C_ECONFIG,
			"%s: using an execution configuration shortcut (%s) and \"scenarios\" simultaneously is not allowed",
			where, t->has_duration ? "duration" : t->has_iterations ? "iterations" : "stages");
	if (t->has_stages && (t->has_duration || t->has_iterations))
		return k6c__error(K6C_ECONFIG,
			"%s: using multiple execution config shortcuts (%s and stages) simultaneously is not allowed",
			where, t->has_duration ? "duration" : "iterations");
	return 0;
}

static bool tier_sets_exec(const tier *t)
{
	return t->has_duration || t->has_iterations || t->has_stages || t->has_scenarios;
}

static void scenario_free_strings(k6c__scenario *sc)
{
	k6c__free((char *)sc->name);
	k6c__free((char *)sc->exec);
}

void k6c__options_free(k6c__options *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nscenarios; i++)
		scenario_free_strings(&o->scenarios[i]);
	k6c__free(o->scenarios);
	for (size_t i = 0; i < o->ntrend_stats; i++)
		k6c__free(o->trend_stats[i]);
	k6c__free(o->trend_stats);
	k6c__free(o->time_unit);
	k6c__free(o->user_agent);
	k6c__free(o->thresholds_json);
	memset(o, 0, sizeof(*o));
}

static int add_scenario(k6c__options *o, const k6c__scenario *sc)
{
	k6c__scenario *n = k6c__realloc(o->scenarios, (o->nscenarios + 1) * sizeof(*n));

	if (!n)
		return K6C_ENOMEM;
	o->scenarios = n;
	n[o->nscenarios] = *sc;
	n[o->nscenarios].name = k6c__strdup(sc->name);
	n[o->nscenarios].exec = sc->exec ? k6c__strdup(sc->exec) : NULL;
	if (!n[o->nscenarios].name || (sc->exec && !n[o->nscenarios].exec)) {
		scenario_free_strings(&n[o->nscenarios]);
		return K6C_ENOMEM;
	}
	o->nscenarios++;
	return 0;
}

static int scenario_field_duration(const char *sname, const k6c__json *s, const char *field,
	double *out, bool required)
{
	const k6c__json *v = k6c__json_get(s, field);
	char name[256];

	snprintf(name, sizeof(name), "scenarios.%s.%s", sname, field);
	if (!v || v->type == K6C__JSON_NULL) {
		if (required)
			return k6c__error(K6C_ECONFIG, "invalid option \"%s\": it is required", name);
		return 0;
	}
	return get_duration(name, v, out);
}

static int scenario_field_count(const char *sname, const k6c__json *s, const char *field, double *out)
{
	const k6c__json *v = k6c__json_get(s, field);
	char name[256];

	snprintf(name, sizeof(name), "scenarios.%s.%s", sname, field);
	if (!v || v->type == K6C__JSON_NULL)
		return 0;
	return get_count(name, v, out);
}

/* Scenarios with the executors this release implements; the others fail
 * loudly rather than run with the wrong semantics. */
static int scenarios_from_json(k6c__options *o, const k6c__json *scs)
{
	int rc;

	if (scs->len == 0)
		return k6c__error(K6C_ECONFIG, "invalid option \"scenarios\": no scenario is defined");
	for (size_t i = 0; i < scs->len; i++) {
		const char *sname = scs->keys[i];
		const k6c__json *s = scs->items[i], *v;
		k6c__scenario sc;
		double vus = 1, iters = 1;
		const char *executor;

		memset(&sc, 0, sizeof(sc));
		sc.name = sname;
		sc.graceful_stop_ms = DEFAULT_GRACEFUL_STOP_MS;
		if (s->type != K6C__JSON_OBJECT)
			return k6c__error(K6C_ECONFIG, "invalid option \"scenarios.%s\": expected an object", sname);
		v = k6c__json_get(s, "executor");
		if (!v || v->type != K6C__JSON_STRING)
			return k6c__error(K6C_ECONFIG, "invalid option \"scenarios.%s.executor\": it is required", sname);
		executor = v->string;
		if ((rc = scenario_field_count(sname, s, "vus", &vus)) ||
		    (rc = scenario_field_duration(sname, s, "gracefulStop", &sc.graceful_stop_ms, false)) ||
		    (rc = scenario_field_duration(sname, s, "startTime", &sc.start_time_ms, false)))
			return rc;
		if ((v = k6c__json_get(s, "exec")) && v->type != K6C__JSON_NULL) {
			char name[256];
			snprintf(name, sizeof(name), "scenarios.%s.exec", sname);
			if ((rc = get_string(name, v, &sc.exec)))
				return rc;
		}
		if ((v = k6c__json_get(s, "env")) && v->type == K6C__JSON_OBJECT && v->len > 0)
			return k6c__error(K6C_ENOTSUP, "scenarios.%s.env: per-scenario env is not implemented yet", sname);
		if ((v = k6c__json_get(s, "tags")) && v->type == K6C__JSON_OBJECT && v->len > 0)
			return k6c__error(K6C_ENOTSUP, "scenarios.%s.tags: per-scenario tags are not implemented yet", sname);
		if (!strcmp(executor, "shared-iterations") || !strcmp(executor, "per-vu-iterations")) {
			sc.executor = executor[0] == 's' ? K6C__EXEC_SHARED_ITERATIONS : K6C__EXEC_PER_VU_ITERATIONS;
			sc.max_duration_ms = DEFAULT_MAX_DURATION_MS;
			if ((rc = scenario_field_count(sname, s, "iterations", &iters)) ||
			    (rc = scenario_field_duration(sname, s, "maxDuration", &sc.max_duration_ms, false)))
				return rc;
			sc.iterations = (uint64_t)iters;
		} else if (!strcmp(executor, "constant-vus")) {
			sc.executor = K6C__EXEC_CONSTANT_VUS;
			if ((rc = scenario_field_duration(sname, s, "duration", &sc.duration_ms, true)))
				return rc;
			if (sc.duration_ms <= 0)
				return k6c__error(K6C_ECONFIG, "invalid option \"scenarios.%s.duration\": it must be more than 0", sname);
		} else if (!strcmp(executor, "ramping-vus") || !strcmp(executor, "constant-arrival-rate") ||
			   !strcmp(executor, "ramping-arrival-rate") || !strcmp(executor, "externally-controlled")) {
			return k6c__error(K6C_ENOTSUP, "scenarios.%s: the %s executor is not implemented yet", sname, executor);
		} else {
			return k6c__error(K6C_ECONFIG, "invalid option \"scenarios.%s.executor\": \"%s\": unknown executor", sname, executor);
		}
		if (vus < 1 && sc.executor != K6C__EXEC_SHARED_ITERATIONS)
			return k6c__error(K6C_ECONFIG, "invalid option \"scenarios.%s.vus\": it must be at least 1", sname);
		sc.vus = (unsigned)vus;
		if (sc.executor == K6C__EXEC_SHARED_ITERATIONS && sc.iterations < sc.vus)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"scenarios.%s\": the number of iterations (%llu) can't be less than the number of VUs (%u)",
				sname, (unsigned long long)sc.iterations, sc.vus);
		if ((rc = add_scenario(o, &sc)))
			return rc;
	}
	return 0;
}

static int split_trend_stats(k6c__options *o, const char *csv)
{
	const char *p = csv;

	while (*p) {
		const char *e = p;
		int depth = 0;
		/* Commas inside p(...) do not split, though k6 allows none there. */
		while (*e && (*e != ',' || depth > 0)) {
			depth += (*e == '(') - (*e == ')');
			e++;
		}
		while (p < e && *p == ' ')
			p++;
		size_t n = (size_t)(e - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 0) {
			char **ts = k6c__realloc(o->trend_stats, (o->ntrend_stats + 1) * sizeof(*ts));
			if (!ts)
				return K6C_ENOMEM;
			o->trend_stats = ts;
			if (!(ts[o->ntrend_stats] = k6c__strndup(p, n)))
				return K6C_ENOMEM;
			o->ntrend_stats++;
		}
		p = *e ? e + 1 : e;
	}
	return 0;
}

static int derive(k6c__options *o, const tier *exec, const tier *all[3])
{
	k6c__scenario sc;
	double vus = 1;
	int rc;

	/* vus is not part of the execution group: the highest tier that sets it wins. */
	for (int i = 0; i < 3; i++) {
		if (all[i]->has_vus)
			vus = all[i]->vus;
	}
	memset(&sc, 0, sizeof(sc));
	sc.name = "default";
	sc.graceful_stop_ms = DEFAULT_GRACEFUL_STOP_MS;
	if (exec && exec->has_scenarios)
		return scenarios_from_json(o, exec->scenarios);
	if (exec && exec->has_stages)
		return k6c__error(K6C_ENOTSUP, "stages: the ramping-vus executor is not implemented yet");
	if (exec && exec->has_iterations) {
		sc.executor = K6C__EXEC_SHARED_ITERATIONS;
		sc.iterations = (uint64_t)exec->iterations;
		sc.max_duration_ms = exec->has_duration ? exec->duration_ms : DEFAULT_MAX_DURATION_MS;
		if (vus < 1)
			return k6c__error(K6C_ECONFIG, "invalid option \"vus\": it must be at least 1 with iterations");
		if (sc.iterations < vus)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"iterations\": the number of iterations (%llu) can't be less than the number of VUs (%.0f)",
				(unsigned long long)sc.iterations, vus);
	} else if (exec && exec->has_duration) {
		if (exec->duration_ms <= 0)
			return k6c__error(K6C_ECONFIG, "invalid option \"duration\": it must be more than 0");
		if (vus < 1)
			return k6c__error(K6C_ECONFIG, "invalid option \"vus\": it must be at least 1 with a duration");
		sc.executor = K6C__EXEC_CONSTANT_VUS;
		sc.duration_ms = exec->duration_ms;
	} else if (vus > 1) {
		/* k6 v2: vus alone runs that many iterations shared among the VUs. */
		sc.executor = K6C__EXEC_SHARED_ITERATIONS;
		sc.iterations = (uint64_t)vus;
		sc.max_duration_ms = DEFAULT_MAX_DURATION_MS;
	} else {
		sc.executor = K6C__EXEC_PER_VU_ITERATIONS;
		sc.iterations = 1;
		vus = 1;
		sc.max_duration_ms = DEFAULT_MAX_DURATION_MS;
	}
	sc.vus = (unsigned)vus;
	if ((rc = add_scenario(o, &sc)))
		return rc;
	return 0;
}

static int parse_tier_json(const char *json, k6c__json **out, const char *what)
{
	int rc;

	*out = NULL;
	if (!json || !*json)
		return 0;
	if ((rc = k6c__json_parse(out, json, strlen(json))))
		return k6c__error(K6C_ECONFIG, "%s options: %s", what, k6c_error_last() ? k6c_error_last()->message : "invalid JSON");
	if ((*out)->type != K6C__JSON_OBJECT) {
		k6c__json_free(*out);
		*out = NULL;
		return k6c__error(K6C_ECONFIG, "%s options: expected a JSON object", what);
	}
	return 0;
}

int k6c__options_consolidate(k6c__options *out, const char *config_json, const char *script_json,
	const char *const *env_pairs, size_t nenv, const char *override_json)
{
	k6c__json *script = NULL, *over = NULL;
	k6c__json scratch[16];
	tier ts, te, to;
	const tier *all[3] = { &ts, &te, &to };
	const tier *exec = NULL;
	static const char *names[3] = { "script", "environment", "command-line" };
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&ts, 0, sizeof(ts));
	memset(&te, 0, sizeof(te));
	memset(&to, 0, sizeof(to));
	if ((rc = parse_tier_json(script_json, &script, "script")) ||
	    (rc = parse_tier_json(override_json, &over, "override")))
		goto done;
	if ((script && (rc = tier_from_json(&ts, script))) ||
	    (rc = tier_from_env(&te, env_pairs, nenv, scratch, K6C__ARRAY_LEN(scratch))) ||
	    (over && (rc = tier_from_json(&to, over))))
		goto done;
	for (int i = 0; i < 3; i++) {
		if ((rc = check_exec_group(all[i], names[i])))
			goto done;
		if (tier_sets_exec(all[i]))
			exec = all[i];
	}
	if ((rc = derive(out, exec, all)))
		goto done;
	for (int i = 0; i < 3; i++) {
		const tier *t = all[i];
		if (t->has_trend_stats) {
			for (size_t k = 0; k < out->ntrend_stats; k++)
				k6c__free(out->trend_stats[k]);
			out->ntrend_stats = 0;
			if (t->trend_stats_csv) {
				if ((rc = split_trend_stats(out, t->trend_stats_csv)))
					goto done;
			} else {
				for (size_t k = 0; k < t->trend_stats->len; k++) {
					if ((rc = split_trend_stats(out, t->trend_stats->items[k]->string)))
						goto done;
				}
			}
		}
		if (t->has_time_unit) {
			k6c__free(out->time_unit);
			if (!(out->time_unit = k6c__strdup(t->time_unit))) {
				rc = K6C_ENOMEM;
				goto done;
			}
		}
		if (t->has_user_agent) {
			k6c__free(out->user_agent);
			if (!(out->user_agent = k6c__strdup(t->user_agent))) {
				rc = K6C_ENOMEM;
				goto done;
			}
		}
		if (t->has_no_setup)
			out->no_setup = t->no_setup;
		if (t->has_no_teardown)
			out->no_teardown = t->no_teardown;
		if (t->has_no_color)
			out->color = !t->no_color;
		if (t->has_thresholds) {
			k6c__buf b = K6C__BUF_INIT;
			if ((rc = k6c__json_write(&b, t->thresholds))) {
				k6c__buf_free(&b);
				goto done;
			}
			k6c__free(out->thresholds_json);
			out->thresholds_json = k6c__buf_detach(&b);
		}
		if (t->has_no_thresholds)
			out->no_thresholds = t->no_thresholds;
	}
	for (size_t k = 0; k < out->ntrend_stats; k++) {
		if (k6c__summary_check_stat(out->trend_stats[k]) != 0) {
			rc = k6c__error(K6C_ECONFIG, "invalid option \"summaryTrendStats\": \"%s\": not a valid stat "
				"(avg, min, med, max, count or p(N) with 0 <= N <= 100)", out->trend_stats[k]);
			goto done;
		}
	}
	if (out->time_unit && *out->time_unit && strcmp(out->time_unit, "s") &&
	    strcmp(out->time_unit, "ms") && strcmp(out->time_unit, "us")) {
		rc = bad("summaryTimeUnit", out->time_unit, "expected one of s, ms or us");
		goto done;
	}
	for (size_t i = 0; i < out->nscenarios; i++) {
		const k6c__scenario *sc = &out->scenarios[i];
		double end = sc->start_time_ms + sc->graceful_stop_ms +
			(sc->executor == K6C__EXEC_CONSTANT_VUS ? sc->duration_ms : sc->max_duration_ms);
		if (sc->vus > out->max_vus)
			out->max_vus = sc->vus;
		if (end > out->max_duration_ms)
			out->max_duration_ms = end;
	}
done:
	k6c__free(ts.trend_stats_csv);
	k6c__free(te.trend_stats_csv);
	k6c__free(to.trend_stats_csv);
	k6c__json_free(te.thresholds_owned);
	k6c__json_free(script);
	k6c__json_free(over);
	if (rc)
		k6c__options_free(out);
	return rc;
}

int k6c__options_describe_scenario(const k6c__scenario *sc, k6c__buf *out)
{
	k6c__buf d1 = K6C__BUF_INIT, d2 = K6C__BUF_INIT;
	int rc;

	if ((rc = k6c__duration_format(&d2, sc->graceful_stop_ms)))
		goto done;
	switch (sc->executor) {
	case K6C__EXEC_SHARED_ITERATIONS:
		if ((rc = k6c__duration_format(&d1, sc->max_duration_ms)))
			goto done;
		rc = k6c__buf_printf(out, "%llu iterations shared among %u VUs (maxDuration: %s, gracefulStop: %s)",
			(unsigned long long)sc->iterations, sc->vus, d1.ptr, d2.ptr);
		break;
	case K6C__EXEC_PER_VU_ITERATIONS:
		if ((rc = k6c__duration_format(&d1, sc->max_duration_ms)))
			goto done;
		rc = k6c__buf_printf(out, "%llu iterations for each of %u VUs (maxDuration: %s, gracefulStop: %s)",
			(unsigned long long)sc->iterations, sc->vus, d1.ptr, d2.ptr);
		break;
	case K6C__EXEC_CONSTANT_VUS:
		if ((rc = k6c__duration_format(&d1, sc->duration_ms)))
			goto done;
		rc = k6c__buf_printf(out, "%u looping VUs for %s (gracefulStop: %s)", sc->vus, d1.ptr, d2.ptr);
		break;
	default:
		rc = k6c__buf_puts(out, k6c__executor_name(sc->executor));
		break;
	}
done:
	k6c__buf_free(&d1);
	k6c__buf_free(&d2);
	return rc;
}
