/*
 * options.c - consolidates k6 options from four tiers (a --config file, the
 * script's `options`, K6_* environment variables, API/CLI overrides) and
 * derives the scenario list, following k6's rules (k6-compat.md section 2):
 * each tier overwrites only what it sets; the execution group (duration,
 * iterations, stages, scenarios) is replaced as a whole by the highest tier
 * that sets any of it; shortcuts become a scenario named "default"; every
 * executor's fields get k6's defaults and validation. It also computes what
 * the run header shows (peak VUs, longest duration) from the execution plan
 * as k6 does, and the consolidated options as JSON in k6's shape.
 */
#include "engine/options.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define DEFAULT_GRACEFUL_STOP_MS 30000.0
#define DEFAULT_MAX_DURATION_MS 600000.0
#define DEFAULT_TIME_UNIT_MS 1000.0
#define DEFAULT_SETUP_TIMEOUT_MS 60000.0
/* tagSetsWarn: a metric's distinct tag sets before the warning (ours). */
#define DEFAULT_TAG_SETS_WARN 10000
#define DEFAULT_SUMMARY_TIMEOUT_MS 120000.0
/* k6's sanity limit on concurrent VUs (maxConcurrentVUs); it also keeps
 * every count within our unsigned fields. */
#define MAX_VUS 100000000.0
/* Past this many VU changes a ramping-vus plan is not walked step by step
 * for the header's peak (which then assumes the scenario's peak for its
 * whole run); the header is informational, a huge walk is not worth it. */
#define MAX_PLAN_STEPS 2000000u

static const char *const default_trend_stats[] = { "avg", "min", "med", "max", "p(90)", "p(95)" };

/* ---- Reading JSON values ------------------------------------------------ */

int k6c__options_bad(const char *name, const char *value, const char *why)
{
	return k6c__error(K6C_ECONFIG, "invalid option \"%s\": \"%s\": %s", name, value, why);
}

static int json_value_text(const k6c__json *v, k6c__buf *b)
{
	if (v->type == K6C__JSON_STRING)
		return k6c__buf_puts(b, v->string);
	return k6c__json_write(b, v);
}

int k6c__options_bad_json(const char *name, const k6c__json *v, const char *why)
{
	k6c__buf b = K6C__BUF_INIT;
	int rc;

	json_value_text(v, &b);
	rc = k6c__options_bad(name, b.ptr ? b.ptr : "", why);
	k6c__buf_free(&b);
	return rc;
}

/* The short names this file and options_http.c use. */
#define bad k6c__options_bad
#define bad_json k6c__options_bad_json

int k6c__options_each_item(const char *name, const k6c__json *v, const char *item_why,
	const char *type_why, k6c__options_item_fn fn, void *arg)
{
	int rc = 0;

	if (v->type == K6C__JSON_ARRAY) {
		for (size_t i = 0; rc == 0 && i < v->len; i++) {
			const k6c__json *it = v->items[i];

			if (it->type != K6C__JSON_STRING)
				return bad_json(name, it, item_why);
			rc = fn(it->string, it->len, arg);
		}
		return rc;
	}
	if (v->type != K6C__JSON_STRING)
		return bad_json(name, v, type_why);
	for (const char *p = v->string; rc == 0 && *p;) {
		size_t n = strcspn(p, ",");
		const char *next = p + n + (p[n] == ',');

		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0)
			rc = fn(p, n, arg);
		p = next;
	}
	return rc;
}

/* bad() for a number we hold rather than a JSON node. */
static int bad_num(const char *name, double value, const char *why)
{
	char text[64];

	snprintf(text, sizeof(text), "%.15g", value);
	return bad(name, text, why);
}

static int bad_ms(const char *name, double ms, const char *why)
{
	k6c__buf b = K6C__BUF_INIT;
	int rc;

	k6c__duration_format(&b, ms);
	rc = bad(name, b.ptr ? b.ptr : "", why);
	k6c__buf_free(&b);
	return rc;
}

/* Reads a duration given as a string or a number of milliseconds. */
static int get_duration(const char *name, const k6c__json *v, double *out)
{
	if (v->type == K6C__JSON_NUMBER) {
		if (!(v->number >= 0) || !isfinite(v->number))
			return bad_json(name, v, "must be a non-negative duration");
		*out = v->number;
		return 0;
	}
	if (v->type != K6C__JSON_STRING)
		return bad_json(name, v, "expected a duration such as \"30s\"");
	if (k6c__duration_parse(v->string, out) != 0)
		return bad(name, v->string, "expected a non-negative duration such as \"30s\" or \"1m30s\"");
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
		return bad_json(name, v, "expected a non-negative integer");
	}
	if (!(d >= 0) || d != floor(d) || d > 1e12)
		return bad_json(name, v, "expected a non-negative integer");
	*out = d;
	return 0;
}

int k6c__options_get_bool(const char *name, const k6c__json *v, bool *out)
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
	return bad_json(name, v, "expected true or false");
}

static int get_string(const char *name, const k6c__json *v, const char **out)
{
	if (v->type != K6C__JSON_STRING)
		return bad_json(name, v, "expected a string");
	*out = v->string;
	return 0;
}

/* The value of key in obj unless absent or null (k6: null means unset). */
static const k6c__json *get_set(const k6c__json *obj, const char *key)
{
	const k6c__json *v = obj ? k6c__json_get(obj, key) : NULL;

	return v && v->type != K6C__JSON_NULL ? v : NULL;
}

/* Parses [{duration, target}, ...] at path (e.g. "stages" or
 * "scenarios.ramp.stages"). *out is allocated (k6c__free) even when empty. */
static int get_stages(const char *path, const k6c__json *v, k6c__stage **out, size_t *n)
{
	char name[600];
	k6c__stage *st;
	int rc;

	*out = NULL;
	*n = 0;
	if (v->type != K6C__JSON_ARRAY)
		return bad_json(path, v, "expected an array of {duration, target}");
	st = k6c__calloc(v->len + 1, sizeof(*st));
	if (st == NULL)
		return K6C_ENOMEM;
	for (size_t i = 0; i < v->len; i++) {
		const k6c__json *item = v->items[i], *f;

		snprintf(name, sizeof(name), "%s[%zu]", path, i);
		if (item->type != K6C__JSON_OBJECT) {
			rc = bad_json(name, item, "expected an object {duration, target}");
			goto fail;
		}
		for (size_t k = 0; k < item->len; k++) {
			if (strcmp(item->keys[k], "duration") && strcmp(item->keys[k], "target")) {
				rc = k6c__error(K6C_ECONFIG, "invalid option \"%s.%s\": unknown field of a stage",
					name, item->keys[k]);
				goto fail;
			}
		}
		snprintf(name, sizeof(name), "%s[%zu].duration", path, i);
		if (!(f = get_set(item, "duration"))) {
			rc = k6c__error(K6C_ECONFIG, "invalid option \"%s\": it is required", name);
			goto fail;
		}
		if ((rc = get_duration(name, f, &st[i].duration_ms)))
			goto fail;
		snprintf(name, sizeof(name), "%s[%zu].target", path, i);
		if (!(f = get_set(item, "target"))) {
			rc = k6c__error(K6C_ECONFIG, "invalid option \"%s\": it is required", name);
			goto fail;
		}
		if (f->type == K6C__JSON_NUMBER && f->number < 0) {
			rc = bad_json(name, f, "the target can't be negative");
			goto fail;
		}
		if ((rc = get_count(name, f, &st[i].target)))
			goto fail;
	}
	*out = st;
	*n = v->len;
	return 0;
fail:
	k6c__free(st);
	return rc;
}

/* The error for a name in systemTags that is not a system tag. */
static int bad_system_tag(const char *name, size_t len)
{
	return k6c__error(K6C_ECONFIG, "invalid option \"systemTags\": \"%.*s\": not a system tag "
		"(proto, subproto, status, method, url, name, group, check, error, error_code, "
		"tls_version, scenario, service, expected_response, vu, iter, ip, ocsp_status)",
		(int)len, name);
}

/* The bit of the system tag named [s, s + len), 0 if none. */
static uint32_t system_tag_bit(const char *s, size_t len)
{
	char name[32];

	if (len >= sizeof(name))
		return 0;
	memcpy(name, s, len);
	name[len] = '\0';
	return k6c__system_tag_bit(name);
}

/* systemTags: an array of tag names as in k6's JSON, or one
 * comma-separated string (K6_SYSTEM_TAGS, --system-tags; blanks around
 * names are ignored). k6 drops names it does not know; we reject them, as
 * a typo would otherwise silently turn a tag off. An empty list enables
 * none. */
static int add_system_tag(const char *s, size_t n, void *arg)
{
	uint32_t bit = system_tag_bit(s, n);

	if (bit == 0)
		return bad_system_tag(s, n);
	*(uint32_t *)arg |= bit;
	return 0;
}

static int get_system_tags(const k6c__json *v, uint32_t *out)
{
	uint32_t mask = 0;
	int rc = k6c__options_each_item("systemTags", v, "expected an array of system tag names",
		"expected an array of system tag names", add_system_tag, &mask);

	if (rc == 0)
		*out = mask;
	return rc;
}

/* ---- Tiers -------------------------------------------------------------- */

/* One tier's options. "has_" flags mark what the tier set, so a higher tier
 * only overwrites those. */
typedef struct tier {
	const char *name;                /* for messages */
	const k6c__json *obj;            /* the tier's object, or NULL */
	bool has_vus, has_duration, has_iterations, has_stages, has_scenarios;
	double vus, iterations, duration_ms;
	k6c__stage *stages;              /* owned */
	size_t nstages;
	const k6c__json *scenarios;
	bool has_trend_stats, has_time_unit, has_user_agent, has_no_setup, has_no_teardown;
	const k6c__json *trend_stats;    /* an array of strings or one "avg,p(99)" string */
	const char *time_unit, *user_agent;
	bool no_setup, no_teardown;
	bool has_no_color, no_color;
	bool has_thresholds;             /* replaced wholesale by a higher tier */
	const k6c__json *thresholds;     /* an object */
	bool has_no_thresholds, no_thresholds;
	bool has_paused, paused;
	bool has_setup_timeout, has_teardown_timeout, has_summary_timeout;
	double setup_timeout_ms, teardown_timeout_ms, summary_timeout_ms;
	bool has_summary_export;
	const char *summary_export;
	const char *summary_mode;        /* summaryMode as given; checked after consolidation */
	bool has_tag_sets_warn;
	double tag_sets_warn;
	bool has_system_tags;
	uint32_t system_tags;
	const char *segment, *sequence;  /* executionSegment(Sequence): config and override only */
} tier;

/* Fills a tier from a parsed JSON object of k6 options. Options this layer
 * does not model are left for the JSON pass-through (as k6 keeps them). */
static int tier_from_json(tier *t, const k6c__json *o, bool segments)
{
	const k6c__json *v;
	int rc;

	t->obj = o;
	/* Checked here, applied by the VUs from the consolidated JSON. */
	for (size_t i = 0; i < 3; i++) {
		static const char *const counts[] = { "batch", "batchPerHost", "maxRedirects" };
		double d;

		if ((v = get_set(o, counts[i])) && (rc = get_count(counts[i], v, &d)))
			return rc;
	}
	if ((v = get_set(o, "vus"))) {
		if ((rc = get_count("vus", v, &t->vus)))
			return rc;
		t->has_vus = true;
	}
	if ((v = get_set(o, "duration"))) {
		if ((rc = get_duration("duration", v, &t->duration_ms)))
			return rc;
		t->has_duration = true;
	}
	if ((v = get_set(o, "iterations"))) {
		if ((rc = get_count("iterations", v, &t->iterations)))
			return rc;
		t->has_iterations = true;
	}
	if ((v = get_set(o, "stages"))) {
		if ((rc = get_stages("stages", v, &t->stages, &t->nstages)))
			return rc;
		t->has_stages = true;
	}
	if ((v = get_set(o, "scenarios"))) {
		if (v->type != K6C__JSON_OBJECT)
			return bad_json("scenarios", v, "expected an object of named scenarios");
		t->scenarios = v;
		t->has_scenarios = true;
	}
	if ((v = get_set(o, "summaryTrendStats"))) {
		bool ok = v->type == K6C__JSON_STRING || v->type == K6C__JSON_ARRAY;
		for (size_t i = 0; ok && v->type == K6C__JSON_ARRAY && i < v->len; i++)
			ok = v->items[i]->type == K6C__JSON_STRING;
		if (!ok)
			return bad_json("summaryTrendStats", v, "expected an array of strings");
		t->trend_stats = v;
		t->has_trend_stats = true;
	}
	if ((v = get_set(o, "systemTags"))) {
		if ((rc = get_system_tags(v, &t->system_tags)))
			return rc;
		t->has_system_tags = true;
	}
	if ((v = get_set(o, "summaryTimeUnit"))) {
		if ((rc = get_string("summaryTimeUnit", v, &t->time_unit)))
			return rc;
		t->has_time_unit = true;
	}
	if ((v = get_set(o, "userAgent"))) {
		if ((rc = get_string("userAgent", v, &t->user_agent)))
			return rc;
		t->has_user_agent = true;
	}
	if ((v = get_set(o, "noSetup"))) {
		if ((rc = k6c__options_get_bool("noSetup", v, &t->no_setup)))
			return rc;
		t->has_no_setup = true;
	}
	if ((v = get_set(o, "noTeardown"))) {
		if ((rc = k6c__options_get_bool("noTeardown", v, &t->no_teardown)))
			return rc;
		t->has_no_teardown = true;
	}
	if ((v = get_set(o, "noColor"))) {
		if ((rc = k6c__options_get_bool("noColor", v, &t->no_color)))
			return rc;
		t->has_no_color = true;
	}
	if ((v = get_set(o, "thresholds"))) {
		if (v->type != K6C__JSON_OBJECT)
			return bad_json("thresholds", v, "expected an object of metric names to arrays of thresholds");
		t->thresholds = v;
		t->has_thresholds = true;
	}
	if ((v = get_set(o, "noThresholds"))) {
		if ((rc = k6c__options_get_bool("noThresholds", v, &t->no_thresholds)))
			return rc;
		t->has_no_thresholds = true;
	}
	if ((v = get_set(o, "paused"))) {
		if ((rc = k6c__options_get_bool("paused", v, &t->paused)))
			return rc;
		t->has_paused = true;
	}
	if ((v = get_set(o, "setupTimeout"))) {
		if ((rc = get_duration("setupTimeout", v, &t->setup_timeout_ms)))
			return rc;
		t->has_setup_timeout = true;
	}
	if ((v = get_set(o, "teardownTimeout"))) {
		if ((rc = get_duration("teardownTimeout", v, &t->teardown_timeout_ms)))
			return rc;
		t->has_teardown_timeout = true;
	}
	if ((v = get_set(o, "handleSummaryTimeout"))) {
		if ((rc = get_duration("handleSummaryTimeout", v, &t->summary_timeout_ms)))
			return rc;
		t->has_summary_timeout = true;
	}
	if ((v = get_set(o, "tagSetsWarn"))) {
		if ((rc = get_count("tagSetsWarn", v, &t->tag_sets_warn)))
			return rc;
		t->has_tag_sets_warn = true;
	}
	if ((v = get_set(o, "summaryExport"))) {
		if ((rc = get_string("summaryExport", v, &t->summary_export)))
			return rc;
		t->has_summary_export = true;
	}
	if ((v = get_set(o, "summaryMode")) && (rc = get_string("summaryMode", v, &t->summary_mode)))
		return rc;
	/* k6's --no-summary / K6_NO_SUMMARY: the same as summaryMode
	 * "disabled" (no text, no handleSummary(), no export), unless the
	 * tier names a mode itself. */
	if ((v = get_set(o, "noSummary"))) {
		bool off;

		if ((rc = k6c__options_get_bool("noSummary", v, &off)))
			return rc;
		if (off && t->summary_mode == NULL)
			t->summary_mode = "disabled";
	}
	if (segments) {
		if ((v = get_set(o, "executionSegment")) &&
		    (rc = get_string("executionSegment", v, &t->segment)))
			return rc;
		if ((v = get_set(o, "executionSegmentSequence")) &&
		    (rc = get_string("executionSegmentSequence", v, &t->sequence)))
			return rc;
	}
	return 0;
}

static const char *env_get(const char *const *env, size_t n, const char *key)
{
	const char *found = NULL;

	for (size_t i = 0; env != NULL && i < n; i++) {
		if (env[2 * i] != NULL && !strcmp(env[2 * i], key))
			found = env[2 * i + 1];
	}
	return found;
}

/* Environment variables carry strings. They are turned into a JSON object
 * of k6 options (strings, which the readers accept for numbers, booleans
 * and durations) so one validation serves every tier. K6_STAGES and
 * K6_THRESHOLDS become the JSON values they describe. */
static int env_to_json(const char *const *env, size_t n, k6c__buf *b)
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
		{ "K6_PAUSED", "paused" },
		{ "K6_SETUP_TIMEOUT", "setupTimeout" },
		{ "K6_TEARDOWN_TIMEOUT", "teardownTimeout" },
		{ "K6_HANDLE_SUMMARY_TIMEOUT", "handleSummaryTimeout" },
		{ "K6_SUMMARY_EXPORT", "summaryExport" },
		{ "K6_SUMMARY_MODE", "summaryMode" },
		{ "K6_NO_SUMMARY", "noSummary" },
		{ "K6C_TAG_SETS_WARN", "tagSetsWarn" },
		{ "K6_SYSTEM_TAGS", "systemTags" },
		{ "K6_DISCARD_RESPONSE_BODIES", "discardResponseBodies" },
		{ "K6_BATCH", "batch" },
		{ "K6_BATCH_PER_HOST", "batchPerHost" },
		/* The transport options (options_http.c reads their strings). */
		{ "K6_INSECURE_SKIP_TLS_VERIFY", "insecureSkipTLSVerify" },
		{ "K6_TLS_VERSION", "tlsVersion" },
		{ "K6_TLS_CIPHER_SUITES", "tlsCipherSuites" },
		{ "K6_TLSAUTH", "tlsAuth" },
		{ "K6_HOSTS", "hosts" },
		{ "K6_DNS", "dns" },
		{ "K6_NO_CONNECTION_REUSE", "noConnectionReuse" },
		{ "K6_NO_VU_CONNECTION_REUSE", "noVUConnectionReuse" },
		{ "K6_HTTP_DEBUG", "httpDebug" },
		{ "K6_LOCAL_IPS", "localIPs" },
		{ "K6_NO_COOKIES_RESET", "noCookiesReset" },
		{ "K6_MAX_REDIRECTS", "maxRedirects" },
	};
	const char *v;
	bool first = true;
	int rc;

	if ((rc = k6c__buf_putc(b, '{')))
		return rc;
	for (size_t i = 0; i < K6C__ARRAY_LEN(map); i++) {
		if (!(v = env_get(env, n, map[i].env)))
			continue;
		if ((rc = k6c__buf_printf(b, "%s\"%s\":", first ? "" : ",", map[i].opt)) ||
		    (rc = k6c__json_write_string(b, v, strlen(v))))
			return rc;
		first = false;
	}
	if ((v = env_get(env, n, "K6_SUMMARY_TREND_STATS")) && *v) {
		if ((rc = k6c__buf_printf(b, "%s\"summaryTrendStats\":", first ? "" : ",")) ||
		    (rc = k6c__json_write_string(b, v, strlen(v))))
			return rc;
		first = false;
	}
	if ((v = env_get(env, n, "K6_STAGES")) && *v) {
		if ((rc = k6c__buf_printf(b, "%s\"stages\":", first ? "" : ",")))
			return rc;
		if ((rc = k6c__options_stages_json(v, b))) {
			if (rc == K6C_ECONFIG)
				return k6c__error(K6C_ECONFIG, "K6_STAGES: %s", k6c_error_last()->message);
			return rc;
		}
		first = false;
	}
	/* K6_THRESHOLDS holds the same JSON object as the option. */
	if ((v = env_get(env, n, "K6_THRESHOLDS")) && *v) {
		k6c__json *th = NULL;
		bool ok = k6c__json_parse(&th, v, strlen(v)) == 0 && th->type == K6C__JSON_OBJECT;

		k6c__json_free(th);
		if (!ok)
			return bad("thresholds", v,
				"K6_THRESHOLDS must be a JSON object of metric names to arrays of thresholds");
		if ((rc = k6c__buf_printf(b, "%s\"thresholds\":%s", first ? "" : ",", v)))
			return rc;
	}
	return k6c__buf_putc(b, '}');
}

static int check_exec_group(const tier *t)
{
	if (t->has_scenarios && (t->has_duration || t->has_iterations || t->has_stages))
		return k6c__error(K6C_ECONFIG,
			"%s options: using an execution configuration shortcut (%s) and \"scenarios\" simultaneously is not allowed",
			t->name, t->has_duration ? "duration" : t->has_iterations ? "iterations" : "stages");
	if (t->has_stages && t->nstages > 0 && (t->has_duration || t->has_iterations))
		return k6c__error(K6C_ECONFIG,
			"%s options: using multiple execution config shortcuts (%s and stages) simultaneously is not allowed",
			t->name, t->has_iterations ? "iterations" : "duration");
	return 0;
}

static bool tier_sets_exec(const tier *t)
{
	return t->has_duration || t->has_iterations || t->has_stages || t->has_scenarios;
}

/* ---- Scenarios ---------------------------------------------------------- */

void k6c__options_free(k6c__options *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nscenarios; i++)
		k6c__scenario_free(&o->scenarios[i]);
	k6c__free(o->scenarios);
	for (size_t i = 0; i < o->ntrend_stats; i++)
		k6c__free(o->trend_stats[i]);
	k6c__free(o->trend_stats);
	k6c__free(o->time_unit);
	k6c__free(o->user_agent);
	k6c__free(o->thresholds_json);
	k6c__free(o->summary_export);
	k6c__stripe_free(o->stripe);
	k6c__free(o->json);
	k6c__transport_opts_free(&o->transport);
	memset(o, 0, sizeof(*o));
}

static int add_scenario(k6c__options *o, const k6c__scenario *sc)
{
	k6c__scenario *n = k6c__realloc(o->scenarios, (o->nscenarios + 1) * sizeof(*n));
	int rc;

	if (!n)
		return K6C_ENOMEM;
	o->scenarios = n;
	if ((rc = k6c__scenario_copy(&n[o->nscenarios], sc)))
		return rc;
	o->nscenarios++;
	return 0;
}

/* Reads one scenario's fields: the JSON object, its name, the executor,
 * and the path prefix for messages. Borrowed strings point into the JSON;
 * the arrays are owned until the scenario is copied. */
typedef struct sc_reader {
	const char *sname;
	const k6c__json *s;
	k6c__scenario sc;
	k6c__stage *stages;
	const char **env, **tags;
	char path[300];
} sc_reader;

static const char *rd_path(sc_reader *r, const char *field)
{
	snprintf(r->path, sizeof(r->path), "scenarios.%.200s.%s", r->sname, field);
	return r->path;
}

/* An optional count; *set tells whether it was given. */
static int rd_count(sc_reader *r, const char *field, double *out, bool *set)
{
	const k6c__json *v = get_set(r->s, field);

	if (set)
		*set = v != NULL;
	return v ? get_count(rd_path(r, field), v, out) : 0;
}

/* A VU count: a count within k6's limit. */
static int rd_vus(sc_reader *r, const char *field, double *out, bool *set)
{
	int rc = rd_count(r, field, out, set);

	if (rc == 0 && *out > MAX_VUS)
		return bad_json(rd_path(r, field), get_set(r->s, field), "exceeds the limit of 100000000 VUs");
	return rc;
}

static int rd_duration(sc_reader *r, const char *field, double *out, bool *set)
{
	const k6c__json *v = get_set(r->s, field);

	if (set)
		*set = v != NULL;
	return v ? get_duration(rd_path(r, field), v, out) : 0;
}

static int required(sc_reader *r, const char *field)
{
	return k6c__error(K6C_ECONFIG, "invalid option \"%s\": it is required for the %s executor",
		rd_path(r, field), k6c__executor_name(r->sc.executor));
}

/* env and tags: an object of strings into key/value pairs. */
static int rd_pairs(sc_reader *r, const char *field, const char ***out, size_t *n)
{
	const k6c__json *v = get_set(r->s, field);

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (v->type != K6C__JSON_OBJECT)
		return bad_json(rd_path(r, field), v, "expected an object of strings");
	if (v->len == 0)
		return 0;
	*out = k6c__calloc(2 * v->len, sizeof(**out));
	if (*out == NULL)
		return K6C_ENOMEM;
	for (size_t i = 0; i < v->len; i++) {
		if (v->items[i]->type != K6C__JSON_STRING) {
			char name[900];
			snprintf(name, sizeof(name), "%s.%.200s", rd_path(r, field), v->keys[i]);
			return bad_json(name, v->items[i], "expected a string");
		}
		(*out)[2 * i] = v->keys[i];
		(*out)[2 * i + 1] = v->items[i]->string;
	}
	*n = v->len;
	return 0;
}

static bool name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      *p == '_' || *p == '-'))
			return false;
	}
	return true;
}

/* The fields each executor accepts besides the common ones; k6 rejects
 * unknown fields (strict JSON), which catches typos such as "duraton". */
static bool field_known(k6c__executor_kind kind, const char *f)
{
	static const char *const common[] = {
		"executor", "startTime", "gracefulStop", "exec", "env", "tags", "options",
	};
	static const char *const specific[][6] = {
		[K6C__EXEC_SHARED_ITERATIONS] = { "vus", "iterations", "maxDuration" },
		[K6C__EXEC_PER_VU_ITERATIONS] = { "vus", "iterations", "maxDuration" },
		[K6C__EXEC_CONSTANT_VUS] = { "vus", "duration" },
		[K6C__EXEC_RAMPING_VUS] = { "startVUs", "stages", "gracefulRampDown" },
		[K6C__EXEC_CONSTANT_ARRIVAL_RATE] = { "rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs" },
		[K6C__EXEC_RAMPING_ARRIVAL_RATE] = { "startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs" },
		[K6C__EXEC_EXTERNALLY_CONTROLLED] = { "vus", "maxVUs", "duration" },
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(common); i++) {
		if (!strcmp(f, common[i]))
			return true;
	}
	for (size_t i = 0; i < K6C__ARRAY_LEN(specific[kind]) && specific[kind][i]; i++) {
		if (!strcmp(f, specific[kind][i]))
			return true;
	}
	return false;
}

static double stages_max_target(double start, const k6c__stage *st, size_t n)
{
	double m = start;

	for (size_t i = 0; i < n; i++)
		m = st[i].target > m ? st[i].target : m;
	return m;
}

/* The executor-specific fields, with k6's defaults and validation. */
static int read_specific(sc_reader *r)
{
	k6c__scenario *sc = &r->sc;
	double vus = 1, iters = 1, start_vus = 1, pre = 0, max = 0, rate = 0, start_rate = 0;
	bool set, pre_set, max_set;
	const k6c__json *v;
	int rc;

	switch (sc->executor) {
	case K6C__EXEC_SHARED_ITERATIONS:
	case K6C__EXEC_PER_VU_ITERATIONS:
		sc->max_duration_ms = DEFAULT_MAX_DURATION_MS;
		if ((rc = rd_vus(r, "vus", &vus, NULL)) || (rc = rd_count(r, "iterations", &iters, NULL)) ||
		    (rc = rd_duration(r, "maxDuration", &sc->max_duration_ms, NULL)))
			return rc;
		if (vus <= 0)
			return bad_num(rd_path(r, "vus"), vus, "the number of VUs must be more than 0");
		if (sc->executor == K6C__EXEC_SHARED_ITERATIONS && iters < vus)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"%s\": \"%.0f\": the number of iterations (%.0f) can't be less than the number of VUs (%.0f)",
				rd_path(r, "iterations"), iters, iters, vus);
		if (iters <= 0)
			return bad_num(rd_path(r, "iterations"), iters, "the number of iterations must be more than 0");
		if (sc->max_duration_ms <= 0)
			return bad_ms(rd_path(r, "maxDuration"), sc->max_duration_ms, "the maxDuration must be more than 0");
		sc->vus = (unsigned)vus;
		sc->iterations = (uint64_t)iters;
		return 0;
	case K6C__EXEC_CONSTANT_VUS:
		if ((rc = rd_vus(r, "vus", &vus, NULL)) || (rc = rd_duration(r, "duration", &sc->duration_ms, &set)))
			return rc;
		if (vus <= 0)
			return bad_num(rd_path(r, "vus"), vus, "the number of VUs must be more than 0");
		if (!set)
			return required(r, "duration");
		if (sc->duration_ms <= 0)
			return bad_ms(rd_path(r, "duration"), sc->duration_ms, "the duration must be more than 0");
		sc->vus = (unsigned)vus;
		return 0;
	case K6C__EXEC_RAMPING_VUS:
		sc->graceful_ramp_down_ms = DEFAULT_GRACEFUL_STOP_MS;
		if ((rc = rd_vus(r, "startVUs", &start_vus, NULL)) ||
		    (rc = rd_duration(r, "gracefulRampDown", &sc->graceful_ramp_down_ms, NULL)))
			return rc;
		break;
	case K6C__EXEC_CONSTANT_ARRIVAL_RATE:
		sc->time_unit_ms = DEFAULT_TIME_UNIT_MS;
		if ((rc = rd_count(r, "rate", &rate, &set)))
			return rc;
		if (!set)
			return required(r, "rate");
		if (rate <= 0)
			return bad_num(rd_path(r, "rate"), rate, "the iteration rate must be more than 0");
		if ((rc = rd_duration(r, "timeUnit", &sc->time_unit_ms, NULL)))
			return rc;
		if (sc->time_unit_ms <= 0)
			return bad_ms(rd_path(r, "timeUnit"), sc->time_unit_ms, "the timeUnit must be more than 0");
		if ((rc = rd_duration(r, "duration", &sc->duration_ms, &set)))
			return rc;
		if (!set)
			return required(r, "duration");
		if (sc->duration_ms <= 0)
			return bad_ms(rd_path(r, "duration"), sc->duration_ms, "the duration must be more than 0");
		sc->rate = rate;
		goto arrival_vus;
	case K6C__EXEC_RAMPING_ARRIVAL_RATE:
		sc->time_unit_ms = DEFAULT_TIME_UNIT_MS;
		if ((rc = rd_count(r, "startRate", &start_rate, NULL)) ||
		    (rc = rd_duration(r, "timeUnit", &sc->time_unit_ms, NULL)))
			return rc;
		if (sc->time_unit_ms <= 0)
			return bad_ms(rd_path(r, "timeUnit"), sc->time_unit_ms, "the timeUnit must be more than 0");
		sc->start_rate = start_rate;
		break;
	case K6C__EXEC_EXTERNALLY_CONTROLLED:
		vus = 0;
		if ((rc = rd_vus(r, "vus", &vus, NULL)) || (rc = rd_vus(r, "maxVUs", &max, &max_set)) ||
		    (rc = rd_duration(r, "duration", &sc->duration_ms, &set)))
			return rc;
		if (!max_set)
			max = vus;
		if (max < vus)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"%s\": \"%.0f\": the number of active VUs (%.0f) must be less than or equal to the number of maxVUs (%.0f)",
				rd_path(r, "vus"), vus, vus, max);
		if (!set)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"%s\": the duration must be specified, for infinite duration use 0",
				rd_path(r, "duration"));
		if (get_set(r->s, "gracefulStop"))
			return bad_json(rd_path(r, "gracefulStop"), get_set(r->s, "gracefulStop"),
				"gracefulStop is not supported by the externally controlled executor");
		sc->graceful_stop_ms = 0;
		sc->vus = (unsigned)vus;
		sc->max_vus = (unsigned)max;
		return 0;
	}

	/* The two ramping executors: stages. */
	if (!(v = get_set(r->s, "stages")))
		return required(r, "stages");
	if ((rc = get_stages(rd_path(r, "stages"), v, &r->stages, &sc->nstages)))
		return rc;
	sc->stages = r->stages;
	if (sc->nstages == 0)
		return bad_json(rd_path(r, "stages"), v, "at least one stage has to be specified");
	if (sc->executor == K6C__EXEC_RAMPING_VUS) {
		for (size_t i = 0; i < sc->nstages; i++) {
			if (sc->stages[i].target > MAX_VUS) {
				char name[700];
				snprintf(name, sizeof(name), "%s[%zu].target", rd_path(r, "stages"), i);
				return bad_num(name, sc->stages[i].target, "exceeds the limit of 100000000 VUs");
			}
		}
		if (stages_max_target(start_vus, sc->stages, sc->nstages) <= 0)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"%s\": either startVUs or one of the stages' target values must be greater than 0",
				rd_path(r, "stages"));
		sc->start_vus = (unsigned)start_vus;
		return 0;
	}
arrival_vus:
	if ((rc = rd_vus(r, "preAllocatedVUs", &pre, &pre_set)) || (rc = rd_vus(r, "maxVUs", &max, &max_set)))
		return rc;
	if (!pre_set)
		return required(r, "preAllocatedVUs");
	if (!max_set)
		max = pre;
	if (max < pre)
		return k6c__error(K6C_ECONFIG,
			"invalid option \"%s\": \"%.0f\": maxVUs can't be less than preAllocatedVUs (%.0f)",
			rd_path(r, "maxVUs"), max, pre);
	sc->pre_allocated_vus = (unsigned)pre;
	sc->max_vus = (unsigned)max;
	return 0;
}

static int read_scenario(k6c__options *o, const char *sname, const k6c__json *s)
{
	sc_reader r;
	const k6c__json *v;
	int rc;

	memset(&r, 0, sizeof(r));
	r.sname = sname;
	r.s = s;
	r.sc.name = sname;
	r.sc.graceful_stop_ms = DEFAULT_GRACEFUL_STOP_MS;
	if (!name_ok(sname))
		return k6c__error(K6C_ECONFIG,
			"invalid option \"scenarios.%.200s\": the scenario name should contain only numbers, latin letters, underscores, and dashes",
			sname);
	if (s->type != K6C__JSON_OBJECT) {
		snprintf(r.path, sizeof(r.path), "scenarios.%.200s", sname);
		return bad_json(r.path, s, "expected an object");
	}
	if (!(v = get_set(s, "executor")))
		return k6c__error(K6C_ECONFIG, "invalid option \"%s\": it is required", rd_path(&r, "executor"));
	if (v->type != K6C__JSON_STRING)
		return bad_json(rd_path(&r, "executor"), v, "expected the executor's name");
	if (k6c__executor_kind_parse(v->string, &r.sc.executor) != 0)
		return bad(rd_path(&r, "executor"), v->string,
			"unknown executor (shared-iterations, per-vu-iterations, constant-vus, ramping-vus, "
			"constant-arrival-rate, ramping-arrival-rate or externally-controlled)");
	for (size_t i = 0; i < s->len; i++) {
		if (!field_known(r.sc.executor, s->keys[i]))
			return k6c__error(K6C_ECONFIG, "invalid option \"%s\": unknown option of the %s executor",
				rd_path(&r, s->keys[i]), v->string);
	}
	if ((rc = rd_duration(&r, "startTime", &r.sc.start_time_ms, NULL)) ||
	    (r.sc.executor != K6C__EXEC_EXTERNALLY_CONTROLLED &&
	     (rc = rd_duration(&r, "gracefulStop", &r.sc.graceful_stop_ms, NULL))))
		return rc;
	if ((v = get_set(s, "exec"))) {
		if ((rc = get_string(rd_path(&r, "exec"), v, &r.sc.exec)))
			return rc;
		if (!*r.sc.exec)
			return bad(rd_path(&r, "exec"), "", "exec value cannot be empty");
	}
	if ((rc = rd_pairs(&r, "env", &r.env, &r.sc.nenv)) == 0 &&
	    (rc = rd_pairs(&r, "tags", &r.tags, &r.sc.ntags)) == 0) {
		r.sc.env = r.env;
		r.sc.tags = r.tags;
		if ((rc = read_specific(&r)) == 0)
			rc = add_scenario(o, &r.sc);
	}
	k6c__free(r.stages);
	k6c__free(r.env);
	k6c__free(r.tags);
	return rc;
}

static int scenarios_from_json(k6c__options *o, const k6c__json *scs)
{
	int rc;

	for (size_t i = 0; i < scs->len; i++) {
		bool later = false;

		/* A name given twice: the last one wins, as in k6's map. */
		for (size_t k = i + 1; k < scs->len && !later; k++)
			later = !strcmp(scs->keys[i], scs->keys[k]);
		if (!later && (rc = read_scenario(o, scs->keys[i], scs->items[i])))
			return rc;
	}
	return 0;
}

/* k6 runs and lists scenarios by start time, then by name. */
static int cmp_scenarios(const void *a, const void *b)
{
	const k6c__scenario *x = a, *y = b;

	if (x->start_time_ms != y->start_time_ms)
		return x->start_time_ms < y->start_time_ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The shortcuts become the scenario "default". vus is not part of the
 * execution group: the highest tier that sets it wins. */
static int derive(k6c__options *o, const tier *exec, double vus, bool vus_set)
{
	k6c__scenario sc;

	memset(&sc, 0, sizeof(sc));
	sc.name = "default";
	sc.graceful_stop_ms = DEFAULT_GRACEFUL_STOP_MS;
	if (vus > MAX_VUS)
		return bad_num("vus", vus, "exceeds the limit of 100000000 VUs");
	if (exec && exec->has_iterations) {
		sc.executor = K6C__EXEC_SHARED_ITERATIONS;
		sc.iterations = (uint64_t)exec->iterations;
		sc.max_duration_ms = exec->has_duration ? exec->duration_ms : DEFAULT_MAX_DURATION_MS;
		if (vus <= 0)
			return bad_num("vus", vus, "the number of VUs must be more than 0");
		if (exec->iterations < vus)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"iterations\": \"%.0f\": the number of iterations (%.0f) can't be less than the number of VUs (%.0f)",
				exec->iterations, exec->iterations, vus);
		if (sc.max_duration_ms <= 0)
			return bad_ms("duration", sc.max_duration_ms, "the duration (maxDuration with iterations) must be more than 0");
	} else if (exec && exec->has_duration) {
		if (exec->duration_ms <= 0)
			return bad_ms("duration", exec->duration_ms,
				"duration should be more than 0, for infinite duration use the externally-controlled executor");
		if (vus <= 0)
			return bad_num("vus", vus, "the number of VUs must be more than 0");
		sc.executor = K6C__EXEC_CONSTANT_VUS;
		sc.duration_ms = exec->duration_ms;
	} else if (exec && exec->has_stages && exec->nstages > 0) {
		sc.executor = K6C__EXEC_RAMPING_VUS;
		sc.start_vus = vus_set ? (unsigned)vus : 1;
		sc.stages = exec->stages;
		sc.nstages = exec->nstages;
		sc.graceful_ramp_down_ms = DEFAULT_GRACEFUL_STOP_MS;
		for (size_t i = 0; i < sc.nstages; i++) {
			if (sc.stages[i].target > MAX_VUS) {
				char name[64];
				snprintf(name, sizeof(name), "stages[%zu].target", i);
				return bad_num(name, sc.stages[i].target, "exceeds the limit of 100000000 VUs");
			}
		}
		if (stages_max_target(sc.start_vus, sc.stages, sc.nstages) <= 0)
			return k6c__error(K6C_ECONFIG,
				"invalid option \"stages\": either vus or one of the stages' target values must be greater than 0");
		return add_scenario(o, &sc);
	} else if (exec && exec->has_scenarios && exec->scenarios->len > 0) {
		return scenarios_from_json(o, exec->scenarios);
	} else if (vus > 1) {
		/* k6 v2: vus alone runs that many iterations shared among the VUs. */
		sc.executor = K6C__EXEC_SHARED_ITERATIONS;
		sc.iterations = (uint64_t)vus;
		sc.max_duration_ms = DEFAULT_MAX_DURATION_MS;
	} else {
		/* Nothing (or an explicitly empty stages/scenarios): 1 VU, 1 iteration. */
		sc.executor = K6C__EXEC_PER_VU_ITERATIONS;
		sc.iterations = 1;
		vus = 1;
		sc.max_duration_ms = DEFAULT_MAX_DURATION_MS;
	}
	sc.vus = (unsigned)vus;
	return add_scenario(o, &sc);
}

/* ---- The execution plan: peak VUs and the longest duration ---------------- */

/* A piecewise-constant VU requirement: v from t (ms, relative to the
 * scenario's start) until the next step. */
typedef struct step {
	double t;
	uint64_t v;
} step;

typedef struct steps {
	step *p;
	size_t n, cap;
} steps;

/* Appends a step; a step at the time of the previous one replaces it, and
 * one that does not change the value is dropped. */
static int steps_add(steps *s, double t, uint64_t v)
{
	if (s->n > 0 && s->p[s->n - 1].t >= t) {
		s->p[s->n - 1].v = v;
		if (s->n > 1 && s->p[s->n - 2].v == v)
			s->n--;
		return 0;
	}
	if (s->n > 0 && s->p[s->n - 1].v == v)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		step *p = k6c__realloc(s->p, cap * sizeof(*p));
		if (!p)
			return K6C_ENOMEM;
		s->p = p;
		s->cap = cap;
	}
	s->p[s->n].t = t;
	s->p[s->n].v = v;
	s->n++;
	return 0;
}

static double sum_stages(const k6c__stage *st, size_t n)
{
	double d = 0;

	for (size_t i = 0; i < n; i++)
		d += st[i].duration_ms;
	return d;
}

static double sc_graceful_stop(const k6c__scenario *sc)
{
	return sc->graceful_stop_ms < 0 ? DEFAULT_GRACEFUL_STOP_MS : sc->graceful_stop_ms;
}

static double sc_max_duration(const k6c__scenario *sc)
{
	return sc->max_duration_ms > 0 ? sc->max_duration_ms : DEFAULT_MAX_DURATION_MS;
}

static double sc_ramp_down(const k6c__scenario *sc)
{
	return sc->graceful_ramp_down_ms < 0 ? DEFAULT_GRACEFUL_STOP_MS : sc->graceful_ramp_down_ms;
}

static double sc_time_unit(const k6c__scenario *sc)
{
	return sc->time_unit_ms > 0 ? sc->time_unit_ms : DEFAULT_TIME_UNIT_MS;
}

static unsigned sc_arrival_max(const k6c__scenario *sc)
{
	return sc->max_vus > sc->pre_allocated_vus ? sc->max_vus : sc->pre_allocated_vus;
}

/* ramping-vus as k6 plans it: the VU count changes one VU at a time along
 * each stage's line (a VU is added when the line reaches its number and
 * removed when the line falls below it); a removed VU stays reserved for
 * gracefulRampDown to finish its iteration, so the requirement at t is the
 * largest raw count within [t - gracefulRampDown, t]. Counts are this
 * segment's share. */
static int ramping_vus_steps(const k6c__scenario *sc, const k6c__stripe *stripe, double end, steps *out)
{
	steps raw = { NULL, 0, 0 };
	double T = 0, from = sc->start_vus, grd = sc_ramp_down(sc), work = 0;
	size_t *dq = NULL, head = 0, tail = 0, lo = 0, i = 0, j = 0;
	long hi = -1;
	int rc;

	for (size_t k = 0; k < sc->nstages; k++) {
		work += fabs(sc->stages[k].target - from);
		from = sc->stages[k].target;
	}
	if (work > MAX_PLAN_STEPS) {
		uint64_t peak = k6c__stripe_scale(stripe,
			(uint64_t)stages_max_target(sc->start_vus, sc->stages, sc->nstages));
		return steps_add(out, 0, peak);
	}
	from = sc->start_vus;
	if ((rc = steps_add(&raw, 0, k6c__stripe_scale(stripe, (uint64_t)from))))
		goto out;
	for (size_t k = 0; k < sc->nstages; k++) {
		double D = sc->stages[k].duration_ms, to = sc->stages[k].target;

		T += D;
		if (to == from)
			continue;
		if (D == 0) {
			rc = steps_add(&raw, T, k6c__stripe_scale(stripe, (uint64_t)to));
		} else if (to > from) {
			for (double g = from + 1; g <= to && rc == 0; g++)
				rc = steps_add(&raw, T - D * (to - g) / (to - from), k6c__stripe_scale(stripe, (uint64_t)g));
		} else {
			for (double g = from; g > to && rc == 0; g--)
				rc = steps_add(&raw, T - D * (g - 1 - to) / (from - to),
					k6c__stripe_scale(stripe, (uint64_t)(g - 1)));
		}
		if (rc)
			goto out;
		from = to;
	}
	if (grd <= 0) {
		for (size_t k = 0; k < raw.n && rc == 0; k++)
			rc = steps_add(out, raw.p[k].t, raw.p[k].v);
		goto out;
	}
	/* Sliding-window maximum over the raw steps, evaluated at every time the
	 * window's contents change: a raw step entering it (at its time) or
	 * leaving it (gracefulRampDown later). dq holds raw indices [lo, hi]
	 * with decreasing values. */
	dq = k6c__calloc(raw.n, sizeof(*dq));
	if (!dq) {
		rc = K6C_ENOMEM;
		goto out;
	}
	while (i < raw.n || j < raw.n) {
		double t;

		if (j >= raw.n || (i < raw.n && raw.p[i].t <= raw.p[j].t + grd))
			t = raw.p[i].t;
		else
			t = raw.p[j].t + grd;
		while (i < raw.n && raw.p[i].t <= t)
			i++;
		while (j < raw.n && raw.p[j].t + grd <= t)
			j++;
		if (t >= end)
			break;
		while ((long)hi + 1 < (long)raw.n && raw.p[hi + 1].t <= t) {
			hi++;
			while (tail > head && raw.p[dq[tail - 1]].v <= raw.p[hi].v)
				tail--;
			dq[tail++] = (size_t)hi;
		}
		/* The step in force at t - grd is the oldest one still counted. */
		while ((long)lo + 1 <= hi && raw.p[lo + 1].t + grd <= t)
			lo++;
		while (head < tail && dq[head] < lo)
			head++;
		if ((rc = steps_add(out, t, raw.p[dq[head]].v)))
			goto out;
	}
out:
	k6c__free(dq);
	k6c__free(raw.p);
	return rc;
}

/* One scenario's requirement (VUs that may be in use, k6's planned plus
 * unplanned) and where its plan ends, relative to its start. *forever: no
 * end (externally-controlled with duration 0). */
static int scenario_plan(const k6c__scenario *sc, const k6c__stripe *stripe, steps *out, double *end,
	bool *forever)
{
	double gs = sc_graceful_stop(sc);
	uint64_t v = 0;
	int rc;

	*forever = false;
	switch (sc->executor) {
	case K6C__EXEC_SHARED_ITERATIONS:
	case K6C__EXEC_PER_VU_ITERATIONS:
		v = k6c__stripe_scale(stripe, sc->vus);
		*end = v == 0 && sc->executor == K6C__EXEC_SHARED_ITERATIONS ? 0 : sc_max_duration(sc) + gs;
		break;
	case K6C__EXEC_CONSTANT_VUS:
		v = k6c__stripe_scale(stripe, sc->vus);
		*end = sc->duration_ms + gs;
		break;
	case K6C__EXEC_RAMPING_VUS:
		*end = sum_stages(sc->stages, sc->nstages) + gs;
		if ((rc = ramping_vus_steps(sc, stripe, *end, out)))
			return rc;
		return steps_add(out, *end, 0);
	case K6C__EXEC_CONSTANT_ARRIVAL_RATE:
		v = k6c__stripe_scale(stripe, sc_arrival_max(sc));
		*end = sc->duration_ms + gs;
		break;
	case K6C__EXEC_RAMPING_ARRIVAL_RATE:
		/* k6 scales the unplanned part on its own here. */
		v = k6c__stripe_scale(stripe, sc->pre_allocated_vus) +
			k6c__stripe_scale(stripe, sc_arrival_max(sc) - sc->pre_allocated_vus);
		*end = sum_stages(sc->stages, sc->nstages) + gs;
		break;
	case K6C__EXEC_EXTERNALLY_CONTROLLED:
		v = k6c__stripe_scale(stripe, sc->max_vus > sc->vus ? sc->max_vus : sc->vus);
		*end = sc->duration_ms;
		*forever = sc->duration_ms <= 0;
		break;
	}
	if ((rc = steps_add(out, 0, v)))
		return rc;
	return *forever ? 0 : steps_add(out, *end, 0);
}

typedef struct event {
	double t;
	size_t sc;
	uint64_t v;
} event;

static int cmp_events(const void *a, const void *b)
{
	const event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->sc < y->sc ? -1 : x->sc > y->sc;
}

/* The peak of the summed requirements of all scenarios over time (k6's
 * "max VUs") and the end of the last one ("max duration"). */
static int compute_plan(k6c__options *o)
{
	event *ev = NULL;
	uint64_t *cur = NULL, total = 0, peak = 0;
	size_t nev = 0, cap = 0;
	int rc = 0;

	o->max_vus = 0;
	o->max_duration_ms = 0;
	cur = k6c__calloc(o->nscenarios + 1, sizeof(*cur));
	if (!cur)
		return K6C_ENOMEM;
	for (size_t i = 0; i < o->nscenarios; i++) {
		const k6c__scenario *sc = &o->scenarios[i];
		steps s = { NULL, 0, 0 };
		double end = 0;
		bool forever;

		if ((rc = scenario_plan(sc, o->stripe, &s, &end, &forever))) {
			k6c__free(s.p);
			goto out;
		}
		if (!forever && sc->start_time_ms + end > o->max_duration_ms)
			o->max_duration_ms = sc->start_time_ms + end;
		else if (forever && sc->start_time_ms > o->max_duration_ms)
			o->max_duration_ms = sc->start_time_ms;
		if (nev + s.n > cap) {
			size_t ncap = (nev + s.n) * 2;
			event *e = k6c__realloc(ev, ncap * sizeof(*e));
			if (!e) {
				k6c__free(s.p);
				rc = K6C_ENOMEM;
				goto out;
			}
			ev = e;
			cap = ncap;
		}
		for (size_t k = 0; k < s.n; k++)
			ev[nev++] = (event){ sc->start_time_ms + s.p[k].t, i, s.p[k].v };
		k6c__free(s.p);
	}
	if (nev > 0)
		qsort(ev, nev, sizeof(*ev), cmp_events);
	for (size_t k = 0; k < nev;) {
		double t = ev[k].t;

		/* Everything that changes at one instant changes together. */
		for (; k < nev && ev[k].t == t; k++) {
			total = total - cur[ev[k].sc] + ev[k].v;
			cur[ev[k].sc] = ev[k].v;
		}
		peak = total > peak ? total : peak;
	}
	o->max_vus = peak > UINT32_MAX ? UINT32_MAX : (unsigned)peak;
out:
	k6c__free(ev);
	k6c__free(cur);
	return rc;
}

/* ---- The consolidated options as JSON -------------------------------------- */

static int put_key(k6c__buf *b, bool *first, const char *key)
{
	int rc;

	if ((rc = k6c__buf_puts(b, *first ? "" : ",")) || (rc = k6c__json_write_string(b, key, strlen(key))))
		return rc;
	*first = false;
	return k6c__buf_putc(b, ':');
}

static int put_duration(k6c__buf *b, bool *first, const char *key, double ms)
{
	int rc;

	if ((rc = put_key(b, first, key)) || (rc = k6c__buf_putc(b, '"')) || (rc = k6c__duration_format(b, ms)))
		return rc;
	return k6c__buf_putc(b, '"');
}

static int put_number(k6c__buf *b, bool *first, const char *key, double v)
{
	int rc = put_key(b, first, key);

	return rc ? rc : k6c__json_write_number(b, v);
}

static int put_pairs(k6c__buf *b, bool *first, const char *key, const char *const *pairs, size_t n)
{
	bool f = true;
	int rc;

	if ((rc = put_key(b, first, key)) || (rc = k6c__buf_putc(b, '{')))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = put_key(b, &f, pairs[2 * i])) ||
		    (rc = k6c__json_write_string(b, pairs[2 * i + 1], strlen(pairs[2 * i + 1]))))
			return rc;
	}
	return k6c__buf_putc(b, '}');
}

static int put_stages(k6c__buf *b, bool *first, const k6c__stage *st, size_t n)
{
	int rc;

	if ((rc = put_key(b, first, "stages")) || (rc = k6c__buf_putc(b, '[')))
		return rc;
	for (size_t i = 0; i < n; i++) {
		bool f = true;

		if ((i > 0 && (rc = k6c__buf_putc(b, ','))) || (rc = k6c__buf_putc(b, '{')) ||
		    (rc = put_duration(b, &f, "duration", st[i].duration_ms)) ||
		    (rc = put_number(b, &f, "target", st[i].target)) || (rc = k6c__buf_putc(b, '}')))
			return rc;
	}
	return k6c__buf_putc(b, ']');
}

/* One scenario with every field, in k6's order (the common fields, then
 * the executor's own). */
static int scenario_json(k6c__buf *b, const k6c__scenario *sc)
{
	const char *exec = sc->exec ? sc->exec : "default";
	const char *ename = k6c__executor_name(sc->executor);
	bool f = true;
	int rc;

	if ((rc = k6c__buf_putc(b, '{')) || (rc = put_key(b, &f, "executor")) ||
	    (rc = k6c__json_write_string(b, ename, strlen(ename))) ||
	    (rc = put_duration(b, &f, "startTime", sc->start_time_ms)) ||
	    (rc = put_duration(b, &f, "gracefulStop", sc_graceful_stop(sc))) ||
	    (rc = put_pairs(b, &f, "env", sc->env, sc->nenv)) || (rc = put_key(b, &f, "exec")) ||
	    (rc = k6c__json_write_string(b, exec, strlen(exec))) ||
	    (rc = put_pairs(b, &f, "tags", sc->tags, sc->ntags)))
		return rc;
	switch (sc->executor) {
	case K6C__EXEC_SHARED_ITERATIONS:
	case K6C__EXEC_PER_VU_ITERATIONS:
		rc = put_number(b, &f, "vus", sc->vus);
		if (!rc)
			rc = put_number(b, &f, "iterations", (double)sc->iterations);
		if (!rc)
			rc = put_duration(b, &f, "maxDuration", sc_max_duration(sc));
		break;
	case K6C__EXEC_CONSTANT_VUS:
		if (!(rc = put_number(b, &f, "vus", sc->vus)))
			rc = put_duration(b, &f, "duration", sc->duration_ms);
		break;
	case K6C__EXEC_RAMPING_VUS:
		if (!(rc = put_number(b, &f, "startVUs", sc->start_vus)) &&
		    !(rc = put_stages(b, &f, sc->stages, sc->nstages)))
			rc = put_duration(b, &f, "gracefulRampDown", sc_ramp_down(sc));
		break;
	case K6C__EXEC_CONSTANT_ARRIVAL_RATE:
		if (!(rc = put_number(b, &f, "rate", sc->rate)) &&
		    !(rc = put_duration(b, &f, "timeUnit", sc_time_unit(sc))) &&
		    !(rc = put_duration(b, &f, "duration", sc->duration_ms)) &&
		    !(rc = put_number(b, &f, "preAllocatedVUs", sc->pre_allocated_vus)))
			rc = put_number(b, &f, "maxVUs", sc_arrival_max(sc));
		break;
	case K6C__EXEC_RAMPING_ARRIVAL_RATE:
		if (!(rc = put_number(b, &f, "startRate", sc->start_rate)) &&
		    !(rc = put_duration(b, &f, "timeUnit", sc_time_unit(sc))) &&
		    !(rc = put_stages(b, &f, sc->stages, sc->nstages)) &&
		    !(rc = put_number(b, &f, "preAllocatedVUs", sc->pre_allocated_vus)))
			rc = put_number(b, &f, "maxVUs", sc_arrival_max(sc));
		break;
	case K6C__EXEC_EXTERNALLY_CONTROLLED:
		if (!(rc = put_number(b, &f, "vus", sc->vus)) &&
		    !(rc = put_duration(b, &f, "duration", sc->duration_ms)))
			rc = put_number(b, &f, "maxVUs", sc->max_vus > sc->vus ? sc->max_vus : sc->vus);
		break;
	}
	return rc ? rc : k6c__buf_putc(b, '}');
}

/* Keys this file models (written explicitly, or not k6 script options at
 * all); every other key passes through from the highest tier setting it. */
static bool key_modelled(const char *key)
{
	static const char *const keys[] = {
		"vus", "duration", "iterations", "stages", "scenarios", "executionSegment",
		"executionSegmentSequence", "paused", "noSetup", "noTeardown", "setupTimeout",
		"teardownTimeout", "handleSummaryTimeout", "userAgent", "thresholds", "summaryTrendStats",
		"summaryTimeUnit", "noColor", "noThresholds", "summaryExport", "summaryMode", "noSummary",
		"tagSetsWarn", "systemTags",
		/* config-file-only settings of k6's CLI */
		"out", "linger", "noUsageReport", "collectors", "webDashboard",
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(keys); i++) {
		if (!strcmp(key, keys[i]))
			return true;
	}
	return false;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_scp(const void *a, const void *b)
{
	return strcmp((*(const k6c__scenario *const *)a)->name, (*(const k6c__scenario *const *)b)->name);
}

/* systemTags as k6 writes it: an array of the enabled names, sorted. */
static int put_system_tags(k6c__buf *b, bool *first, uint32_t mask)
{
	const char *names[K6C__SYSTEM_TAG_COUNT];
	size_t n = 0;
	int rc;

	for (unsigned i = 0; i < K6C__SYSTEM_TAG_COUNT; i++)
		if (mask & (1u << i))
			names[n++] = k6c__system_tag_name(i);
	qsort(names, n, sizeof(*names), cmp_strp);
	if ((rc = put_key(b, first, "systemTags")) || (rc = k6c__buf_putc(b, '[')))
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((i > 0 && (rc = k6c__buf_putc(b, ','))) ||
		    (rc = k6c__json_write_string(b, names[i], strlen(names[i]))))
			return rc;
	return k6c__buf_putc(b, ']');
}

static int options_json(k6c__options *o, const tier *const *tiers, size_t ntiers)
{
	k6c__buf b = K6C__BUF_INIT;
	const k6c__scenario **byname = NULL;
	const char **extra = NULL;
	size_t nextra = 0, cap = 0;
	bool f = true, f2 = true;
	int rc;

	byname = k6c__calloc(o->nscenarios + 1, sizeof(*byname));
	if (!byname)
		return K6C_ENOMEM;
	for (size_t i = 0; i < o->nscenarios; i++)
		byname[i] = &o->scenarios[i];
	qsort(byname, o->nscenarios, sizeof(*byname), cmp_scp);
	if ((rc = k6c__buf_putc(&b, '{')) || (rc = put_key(&b, &f, "paused")) ||
	    (rc = k6c__buf_puts(&b, o->paused ? "true" : "false")) || (rc = put_key(&b, &f, "scenarios")) ||
	    (rc = k6c__buf_putc(&b, '{')))
		goto out;
	for (size_t i = 0; i < o->nscenarios; i++) {
		if ((rc = put_key(&b, &f2, byname[i]->name)) || (rc = scenario_json(&b, byname[i])))
			goto out;
	}
	if ((rc = k6c__buf_putc(&b, '}')))
		goto out;
	if (o->stripe) {
		size_t n;
		const k6c__rat *seq = k6c__stripe_sequence(o->stripe, &n);

		if ((rc = put_key(&b, &f, "executionSegment")) || (rc = k6c__buf_putc(&b, '"')) ||
		    (rc = k6c__segment_format(k6c__stripe_segment(o->stripe), &b)) ||
		    (rc = k6c__buf_putc(&b, '"')) || (rc = put_key(&b, &f, "executionSegmentSequence")) ||
		    (rc = k6c__buf_putc(&b, '"')) || (rc = k6c__segment_seq_format(seq, n, &b)) ||
		    (rc = k6c__buf_putc(&b, '"')))
			goto out;
	}
	if ((rc = put_key(&b, &f, "noSetup")) || (rc = k6c__buf_puts(&b, o->no_setup ? "true" : "false")) ||
	    (rc = put_duration(&b, &f, "setupTimeout", o->setup_timeout_ms)) ||
	    (rc = put_key(&b, &f, "noTeardown")) || (rc = k6c__buf_puts(&b, o->no_teardown ? "true" : "false")) ||
	    (rc = put_duration(&b, &f, "teardownTimeout", o->teardown_timeout_ms)) ||
	    (rc = put_duration(&b, &f, "handleSummaryTimeout", o->summary_timeout_ms)))
		goto out;
	if (o->user_agent && ((rc = put_key(&b, &f, "userAgent")) ||
			      (rc = k6c__json_write_string(&b, o->user_agent, strlen(o->user_agent)))))
		goto out;
	if (o->thresholds_json && ((rc = put_key(&b, &f, "thresholds")) || (rc = k6c__buf_puts(&b, o->thresholds_json))))
		goto out;
	if ((rc = put_key(&b, &f, "summaryTrendStats")) || (rc = k6c__buf_putc(&b, '[')))
		goto out;
	for (size_t i = 0; i < (o->ntrend_stats ? o->ntrend_stats : K6C__ARRAY_LEN(default_trend_stats)); i++) {
		const char *s = o->ntrend_stats ? o->trend_stats[i] : default_trend_stats[i];
		if ((i > 0 && (rc = k6c__buf_putc(&b, ','))) || (rc = k6c__json_write_string(&b, s, strlen(s))))
			goto out;
	}
	if ((rc = k6c__buf_putc(&b, ']')))
		goto out;
	if (o->time_unit && ((rc = put_key(&b, &f, "summaryTimeUnit")) ||
			     (rc = k6c__json_write_string(&b, o->time_unit, strlen(o->time_unit)))))
		goto out;
	if ((rc = put_system_tags(&b, &f, o->system_tags)))
		goto out;
	if ((rc = put_number(&b, &f, "tagSetsWarn", (double)o->tag_sets_warn)))
		goto out;
	/* Everything else a JSON tier set, from the highest tier that set it,
	 * sorted by key. */
	for (size_t t = 0; t < ntiers; t++) {
		const k6c__json *obj = tiers[t]->obj;

		for (size_t k = 0; obj && k < obj->len; k++) {
			bool seen = false;

			if (key_modelled(obj->keys[k]) || obj->items[k]->type == K6C__JSON_NULL)
				continue;
			for (size_t e = 0; e < nextra && !seen; e++)
				seen = !strcmp(extra[e], obj->keys[k]);
			if (seen)
				continue;
			if (nextra == cap) {
				size_t ncap = cap ? 2 * cap : 16;
				const char **p = k6c__realloc(extra, ncap * sizeof(*p));
				if (!p) {
					rc = K6C_ENOMEM;
					goto out;
				}
				extra = p;
				cap = ncap;
			}
			extra[nextra++] = obj->keys[k];
		}
	}
	if (nextra > 0)
		qsort(extra, nextra, sizeof(*extra), cmp_strp);
	for (size_t e = 0; e < nextra; e++) {
		const k6c__json *v = NULL;

		for (size_t t = 0; t < ntiers; t++) {
			const k6c__json *x = get_set(tiers[t]->obj, extra[e]);
			v = x ? x : v;
		}
		if ((rc = put_key(&b, &f, extra[e])) || (rc = k6c__json_write(&b, v)))
			goto out;
	}
	if ((rc = k6c__buf_putc(&b, '}')))
		goto out;
	o->json = k6c__buf_detach(&b);
out:
	k6c__buf_free(&b);
	k6c__free(byname);
	k6c__free(extra);
	return rc;
}

/* ---- Consolidation ------------------------------------------------------- */

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

static int parse_tier_json(const char *json, k6c__json **out, const char *what)
{
	*out = NULL;
	if (!json || !*json)
		return 0;
	if (k6c__json_parse(out, json, strlen(json)))
		return k6c__error(K6C_ECONFIG, "%s options: %s", what,
			k6c_error_last() ? k6c_error_last()->message : "invalid JSON");
	if ((*out)->type != K6C__JSON_OBJECT) {
		k6c__json_free(*out);
		*out = NULL;
		return k6c__error(K6C_ECONFIG, "%s options: expected a JSON object", what);
	}
	return 0;
}

static int replace_str(char **dst, const char *src)
{
	char *c = k6c__strdup(src);

	if (!c)
		return K6C_ENOMEM;
	k6c__free(*dst);
	*dst = c;
	return 0;
}

/* Names the option in a segment error (the segment layer's message quotes
 * the value). */
static int segment_error(int rc, const char *option)
{
	const k6c_error *e = k6c_error_last();

	if (rc != K6C_ECONFIG)
		return rc;
	return k6c__error(rc, "invalid option \"%s\": %s", option,
		e && e->code == rc ? e->message : "invalid execution segment");
}

/* executionSegment / executionSegmentSequence from the highest of the
 * config and override tiers that sets each. */
static int build_stripe(k6c__options *o, const char *seg_text, const char *seq_text)
{
	k6c__segment seg = { { 0, 1 }, { 1, 1 } };
	k6c__rat *seq = NULL;
	size_t nseq = 0;
	int rc;

	if (!seg_text && !seq_text)
		return 0;
	if (seg_text && (rc = k6c__segment_parse(seg_text, &seg)))
		return segment_error(rc, "executionSegment");
	if (seq_text && (rc = k6c__segment_seq_parse(seq_text, &seq, &nseq)))
		return segment_error(rc, "executionSegmentSequence");
	rc = k6c__stripe_new(&o->stripe, &seg, seq, nseq);
	k6c__free(seq);
	return segment_error(rc, seq_text ? "executionSegmentSequence" : "executionSegment");
}

/* Applies the non-execution options tier by tier, lowest first. */
static int apply_tier(k6c__options *o, const tier *t)
{
	int rc;

	if (t->has_trend_stats) {
		for (size_t k = 0; k < o->ntrend_stats; k++)
			k6c__free(o->trend_stats[k]);
		o->ntrend_stats = 0;
		if (t->trend_stats->type == K6C__JSON_STRING) {
			if ((rc = split_trend_stats(o, t->trend_stats->string)))
				return rc;
		} else {
			for (size_t k = 0; k < t->trend_stats->len; k++) {
				if ((rc = split_trend_stats(o, t->trend_stats->items[k]->string)))
					return rc;
			}
		}
	}
	if (t->has_time_unit && (rc = replace_str(&o->time_unit, t->time_unit)))
		return rc;
	if (t->has_user_agent && (rc = replace_str(&o->user_agent, t->user_agent)))
		return rc;
	if (t->has_summary_export && (rc = replace_str(&o->summary_export, t->summary_export)))
		return rc;
	if (t->has_system_tags)
		o->system_tags = t->system_tags;
	if (t->has_no_setup)
		o->no_setup = t->no_setup;
	if (t->has_no_teardown)
		o->no_teardown = t->no_teardown;
	if (t->has_no_color)
		o->color = !t->no_color;
	if (t->has_paused)
		o->paused = t->paused;
	if (t->has_setup_timeout)
		o->setup_timeout_ms = t->setup_timeout_ms;
	if (t->has_teardown_timeout)
		o->teardown_timeout_ms = t->teardown_timeout_ms;
	if (t->has_summary_timeout)
		o->summary_timeout_ms = t->summary_timeout_ms;
	if (t->has_thresholds) {
		k6c__buf b = K6C__BUF_INIT;
		if ((rc = k6c__json_write(&b, t->thresholds))) {
			k6c__buf_free(&b);
			return rc;
		}
		k6c__free(o->thresholds_json);
		o->thresholds_json = k6c__buf_detach(&b);
	}
	if (t->has_no_thresholds)
		o->no_thresholds = t->no_thresholds;
	if (t->has_tag_sets_warn)
		o->tag_sets_warn = (uint64_t)t->tag_sets_warn;
	return 0;
}

int k6c__options_consolidate(k6c__options *out, const char *config_json, const char *script_json,
	const char *const *env_pairs, size_t nenv, const char *override_json)
{
	k6c__json *jc = NULL, *js = NULL, *je = NULL, *jo = NULL;
	k6c__buf envb = K6C__BUF_INIT;
	tier tc, ts, te, to;
	const tier *all[4] = { &tc, &ts, &te, &to };
	const tier *exec = NULL;
	const char *seg = NULL, *seq = NULL, *mode = NULL;
	double vus = 1;
	bool vus_set = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&tc, 0, sizeof(tc));
	memset(&ts, 0, sizeof(ts));
	memset(&te, 0, sizeof(te));
	memset(&to, 0, sizeof(to));
	tc.name = "config";
	ts.name = "script";
	te.name = "environment";
	to.name = "override";
	out->setup_timeout_ms = DEFAULT_SETUP_TIMEOUT_MS;
	out->teardown_timeout_ms = DEFAULT_SETUP_TIMEOUT_MS;
	out->summary_timeout_ms = DEFAULT_SUMMARY_TIMEOUT_MS;
	out->tag_sets_warn = DEFAULT_TAG_SETS_WARN;
	out->system_tags = K6C__SYSTEM_TAGS_DEFAULT;
	if ((rc = parse_tier_json(config_json, &jc, "config")) ||
	    (rc = parse_tier_json(script_json, &js, "script")) ||
	    (rc = parse_tier_json(override_json, &jo, "override")))
		goto done;
	if ((rc = env_to_json(env_pairs, nenv, &envb)))
		goto done;
	if (k6c__json_parse(&je, envb.ptr, envb.len)) {
		rc = k6c__error(K6C_EINTERNAL, "environment options: %s", k6c_error_last()->message);
		goto done;
	}
	if ((jc && (rc = tier_from_json(&tc, jc, true))) || (js && (rc = tier_from_json(&ts, js, false))) ||
	    (rc = tier_from_json(&te, je, false)) || (jo && (rc = tier_from_json(&to, jo, true))))
		goto done;
	for (int i = 0; i < 4; i++) {
		if (tier_sets_exec(all[i]))
			exec = all[i];
		if (all[i]->has_vus) {
			vus = all[i]->vus;
			vus_set = true;
		}
		seg = all[i]->segment ? all[i]->segment : seg;
		seq = all[i]->sequence ? all[i]->sequence : seq;
		mode = all[i]->summary_mode ? all[i]->summary_mode : mode;
	}
	/* k6 keeps two execution options of one tier only to reject them after
	 * consolidation: a conflict in a tier that a higher one replaced is
	 * gone with it. */
	if (exec && (rc = check_exec_group(exec)))
		goto done;
	if ((rc = build_stripe(out, seg, seq)))
		goto done;
	if ((rc = derive(out, exec, vus, vus_set)))
		goto done;
	if (out->nscenarios > 1)
		qsort(out->scenarios, out->nscenarios, sizeof(*out->scenarios), cmp_scenarios);
	for (int i = 0; i < 4; i++) {
		if ((rc = apply_tier(out, all[i])))
			goto done;
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
	/* Only the highest tier's value counts: a bad one below it is gone. */
	if (mode && k6c__summary_mode_parse(mode, &out->summary_mode) != 0) {
		rc = bad("summaryMode", mode, "expected one of compact, full, legacy or disabled");
		goto done;
	}
	if ((rc = compute_plan(out)) || (rc = options_json(out, all, 4)))
		goto done;
	{
		k6c__json *all_json = NULL;

		if ((rc = k6c__json_parse(&all_json, out->json, strlen(out->json))) == 0)
			rc = k6c__transport_opts_read(&out->transport, all_json);
		k6c__json_free(all_json);
	}
done:
	for (int i = 0; i < 4; i++)
		k6c__free(((tier *)all[i])->stages);
	k6c__json_free(jc);
	k6c__json_free(js);
	k6c__json_free(je);
	k6c__json_free(jo);
	k6c__buf_free(&envb);
	if (rc)
		k6c__options_free(out);
	return rc;
}

/* ---- Descriptions and the --stage syntax ----------------------------------- */

/* k6's " (facts..., exec: x, startTime: y, gracefulStop: z)" suffix. */
static int base_info(k6c__buf *out, const k6c__scenario *sc, const char *facts)
{
	bool any = facts && *facts;
	int rc;

	if ((rc = k6c__buf_puts(out, any ? " (" : "")) || (any && (rc = k6c__buf_puts(out, facts))))
		return rc;
	if (sc->exec) {
		if ((rc = k6c__buf_printf(out, "%sexec: %s", any ? ", " : " (", sc->exec)))
			return rc;
		any = true;
	}
	if (sc->start_time_ms > 0) {
		if ((rc = k6c__buf_puts(out, any ? ", startTime: " : " (startTime: ")) ||
		    (rc = k6c__duration_format(out, sc->start_time_ms)))
			return rc;
		any = true;
	}
	if (sc_graceful_stop(sc) > 0) {
		if ((rc = k6c__buf_puts(out, any ? ", gracefulStop: " : " (gracefulStop: ")) ||
		    (rc = k6c__duration_format(out, sc_graceful_stop(sc))))
			return rc;
		any = true;
	}
	return any ? k6c__buf_putc(out, ')') : 0;
}

int k6c__options_describe_scenario(const k6c__scenario *sc, k6c__buf *out)
{
	k6c__buf d = K6C__BUF_INIT, f = K6C__BUF_INIT;
	double tu = sc_time_unit(sc);
	int rc = 0;

	switch (sc->executor) {
	case K6C__EXEC_SHARED_ITERATIONS:
	case K6C__EXEC_PER_VU_ITERATIONS:
		if ((rc = k6c__buf_puts(&f, "maxDuration: ")) || (rc = k6c__duration_format(&f, sc_max_duration(sc))))
			break;
		rc = k6c__buf_printf(out, sc->executor == K6C__EXEC_SHARED_ITERATIONS ?
				"%llu iterations shared among %u VUs" : "%llu iterations for each of %u VUs",
			(unsigned long long)sc->iterations, sc->vus);
		if (!rc)
			rc = base_info(out, sc, f.ptr);
		break;
	case K6C__EXEC_CONSTANT_VUS:
		if ((rc = k6c__duration_format(&d, sc->duration_ms)))
			break;
		if (!(rc = k6c__buf_printf(out, "%u looping VUs for %s", sc->vus, d.ptr)))
			rc = base_info(out, sc, NULL);
		break;
	case K6C__EXEC_RAMPING_VUS:
		if ((rc = k6c__duration_format(&d, sum_stages(sc->stages, sc->nstages))) ||
		    (rc = k6c__buf_puts(&f, "gracefulRampDown: ")) || (rc = k6c__duration_format(&f, sc_ramp_down(sc))))
			break;
		if (!(rc = k6c__buf_printf(out, "Up to %.0f looping VUs for %s over %zu stages",
			     stages_max_target(sc->start_vus, sc->stages, sc->nstages), d.ptr, sc->nstages)))
			rc = base_info(out, sc, f.ptr);
		break;
	case K6C__EXEC_CONSTANT_ARRIVAL_RATE:
	case K6C__EXEC_RAMPING_ARRIVAL_RATE: {
		bool ramp = sc->executor == K6C__EXEC_RAMPING_ARRIVAL_RATE;
		double per_s = (ramp ? stages_max_target(sc->start_rate, sc->stages, sc->nstages) : sc->rate) *
			1000.0 / tu;

		if ((rc = k6c__duration_format(&d, ramp ? sum_stages(sc->stages, sc->nstages) : sc->duration_ms)) ||
		    (rc = k6c__buf_printf(&f, "maxVUs: %u", sc->pre_allocated_vus)))
			break;
		if (sc_arrival_max(sc) > sc->pre_allocated_vus && (rc = k6c__buf_printf(&f, "-%u", sc_arrival_max(sc))))
			break;
		if (ramp)
			rc = k6c__buf_printf(out, "Up to %.2f iterations/s for %s over %zu stages", per_s, d.ptr,
				sc->nstages);
		else
			rc = k6c__buf_printf(out, "%.2f iterations/s for %s", per_s, d.ptr);
		if (!rc)
			rc = base_info(out, sc, f.ptr);
		break;
	}
	case K6C__EXEC_EXTERNALLY_CONTROLLED:
		if (sc->duration_ms > 0)
			rc = k6c__duration_format(&d, sc->duration_ms);
		else
			rc = k6c__buf_puts(&d, "infinite");
		if (!rc)
			rc = k6c__buf_printf(out, "Externally controlled execution with %u VUs, %u max VUs, %s duration",
				sc->vus, sc->max_vus > sc->vus ? sc->max_vus : sc->vus, d.ptr);
		break;
	default:
		rc = k6c__buf_puts(out, k6c__executor_name(sc->executor));
		break;
	}
	k6c__buf_free(&d);
	k6c__buf_free(&f);
	return rc;
}

int k6c__options_stages_json(const char *text, k6c__buf *out)
{
	const char *p = text ? text : "";
	bool first = true;
	int rc;

	if ((rc = k6c__buf_putc(out, '[')))
		return rc;
	while (*p) {
		const char *e = strchr(p, ','), *s = p, *colon;
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char dur[128], *end = NULL;
		double ms;
		long long target;

		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		colon = memchr(s, ':', n);
		if (!colon || colon == s || (size_t)(colon - s) >= sizeof(dur) || colon + 1 == s + n)
			goto bad;
		memcpy(dur, s, (size_t)(colon - s));
		dur[colon - s] = '\0';
		if (k6c__duration_parse(dur, &ms) != 0)
			goto bad;
		target = strtoll(colon + 1, &end, 10);
		if (end != s + n || target < 0)
			goto bad;
		if ((rc = k6c__buf_puts(out, first ? "{\"duration\":" : ",{\"duration\":")) ||
		    (rc = k6c__json_write_string(out, dur, strlen(dur))) ||
		    (rc = k6c__buf_printf(out, ",\"target\":%lld}", target)))
			return rc;
		first = false;
		if (!e)
			break;
		p = e + 1;
		continue;
bad:
		return k6c__error(K6C_ECONFIG,
			"invalid stage \"%.*s\" in \"%s\": expected duration:target such as 30s:10", (int)n, s, text);
	}
	return k6c__buf_putc(out, ']');
}
