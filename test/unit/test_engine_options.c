/*
 * test_engine_options.c - option consolidation: the four tiers and which one
 * wins, k6's execution-group rules, the shortcuts, every executor's fields
 * with defaults and validation (messages naming the option and value),
 * K6_STAGES and --stage, execution segments, the plan's peak VUs and
 * duration, the consolidated JSON and the scenario descriptions.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "engine/options.h"
#include "util/json.h"

static const char *last_message(void)
{
	const k6c_error *e = k6c_error_last();
	return e ? e->message : "";
}

#define assert_msg_has(s) ck_assert_msg(strstr(last_message(), (s)) != NULL, "message \"%s\" lacks \"%s\"", \
	last_message(), (s))

/* Consolidates a script tier alone and expects success. */
static void consolidate_script(k6c__options *o, const char *script)
{
	int rc = k6c__options_consolidate(o, NULL, script, NULL, 0, NULL);

	ck_assert_msg(rc == 0, "%s: %d %s", script, rc, last_message());
}

static char *describe(const k6c__scenario *sc)
{
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__options_describe_scenario(sc, &b), 0);
	return k6c__buf_detach(&b);
}

#define assert_describe(sc, want) do { \
		char *d_ = describe(sc); \
		ck_assert_str_eq(d_, want); \
		k6c__free(d_); \
	} while (0)

/* ---- Shortcuts ---- */

START_TEST(test_engine_options_shortcuts__none_is_one_iteration)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.nscenarios, 1);
	ck_assert_str_eq(o.scenarios[0].name, "default");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_PER_VU_ITERATIONS);
	ck_assert_uint_eq(o.scenarios[0].vus, 1);
	ck_assert_uint_eq(o.scenarios[0].iterations, 1);
	ck_assert_ptr_null(o.stripe);
	ck_assert_uint_eq(o.max_vus, 1);
	ck_assert_double_eq_tol(o.max_duration_ms, 630000, 1e-6);
	k6c__options_free(&o);
	/* Explicitly empty stages or scenarios run the same, as in k6. */
	consolidate_script(&o, "{\"stages\":[]}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_PER_VU_ITERATIONS);
	k6c__options_free(&o);
	consolidate_script(&o, "{\"scenarios\":{}}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_PER_VU_ITERATIONS);
	k6c__options_free(&o);
	k6c__options_free(NULL);
}
END_TEST

START_TEST(test_engine_options_shortcuts__duration_is_constant_vus)
{
	k6c__options o;

	consolidate_script(&o, "{\"vus\":10,\"duration\":\"1m30s\"}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_CONSTANT_VUS);
	ck_assert_uint_eq(o.scenarios[0].vus, 10);
	ck_assert_double_eq_tol(o.scenarios[0].duration_ms, 90000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[0].graceful_stop_ms, 30000, 1e-6);
	ck_assert_uint_eq(o.max_vus, 10);
	ck_assert_double_eq_tol(o.max_duration_ms, 120000, 1e-6);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_shortcuts__iterations_is_shared)
{
	k6c__options o;

	consolidate_script(&o, "{\"vus\":2,\"iterations\":10}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_SHARED_ITERATIONS);
	ck_assert_uint_eq(o.scenarios[0].iterations, 10);
	ck_assert_double_eq_tol(o.scenarios[0].max_duration_ms, 600000, 1e-6);
	assert_describe(&o.scenarios[0], "10 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)");
	k6c__options_free(&o);
	/* duration with iterations is the maxDuration, not a conflict. */
	consolidate_script(&o, "{\"iterations\":3,\"duration\":\"20s\"}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_SHARED_ITERATIONS);
	ck_assert_double_eq_tol(o.scenarios[0].max_duration_ms, 20000, 1e-6);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_shortcuts__stages_and_vus_alone)
{
	k6c__options o;

	consolidate_script(&o, "{\"vus\":4,\"stages\":[{\"duration\":\"30s\",\"target\":20},"
		"{\"duration\":\"1m30s\",\"target\":10},{\"duration\":\"20s\",\"target\":0}]}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_RAMPING_VUS);
	ck_assert_uint_eq(o.scenarios[0].start_vus, 4);
	ck_assert_uint_eq(o.scenarios[0].nstages, 3);
	ck_assert_double_eq_tol(o.scenarios[0].stages[1].duration_ms, 90000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[0].stages[1].target, 10, 1e-9);
	ck_assert_double_eq_tol(o.scenarios[0].graceful_ramp_down_ms, 30000, 1e-6);
	/* k6's header for this plan: 20 max VUs, 2m50s max duration. */
	ck_assert_uint_eq(o.max_vus, 20);
	ck_assert_double_eq_tol(o.max_duration_ms, 170000, 1e-6);
	k6c__options_free(&o);
	consolidate_script(&o, "{\"stages\":[{\"duration\":\"10s\",\"target\":5}]}");
	ck_assert_uint_eq(o.scenarios[0].start_vus, 1);
	k6c__options_free(&o);

	/* vus alone (k6 v2): that many iterations shared among the VUs. */
	consolidate_script(&o, "{\"vus\":3}");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_SHARED_ITERATIONS);
	ck_assert_uint_eq(o.scenarios[0].vus, 3);
	ck_assert_uint_eq(o.scenarios[0].iterations, 3);
	k6c__options_free(&o);
}
END_TEST

/* ---- Tiers ---- */

/* One row: the four tiers and what should come out. Negative numbers and
 * NULL strings are not checked. */
typedef struct tier_case {
	const char *what;
	const char *config, *script;
	const char *env[6];       /* key, value pairs; NULL-terminated */
	const char *override;
	int rc;
	int executor;
	double vus;               /* start_vus for ramping-vus */
	double iterations;
	double duration_ms;       /* duration, or maxDuration for the iteration executors */
	const char *user_agent;
	double setup_timeout_ms;
	const char *scenario;     /* the (first) scenario's name */
} tier_case;

static const tier_case tier_cases[] = {
	{ "config alone", "{\"vus\":2,\"duration\":\"10s\"}", NULL, { NULL }, NULL,
	  0, K6C__EXEC_CONSTANT_VUS, 2, -1, 10000, NULL, 60000, "default" },
	{ "script replaces the config's group", "{\"duration\":\"10s\",\"vus\":2}", "{\"iterations\":5}", { NULL }, NULL,
	  0, K6C__EXEC_SHARED_ITERATIONS, 2, 5, 600000, NULL, -1, NULL },
	{ "env vus over the script's", NULL, "{\"vus\":3,\"duration\":\"5s\"}", { "K6_VUS", "4", NULL }, NULL,
	  0, K6C__EXEC_CONSTANT_VUS, 4, -1, 5000, NULL, -1, NULL },
	{ "env iterations wipe the script's duration", NULL, "{\"duration\":\"5s\"}", { "K6_ITERATIONS", "8", NULL }, NULL,
	  0, K6C__EXEC_SHARED_ITERATIONS, 1, 8, 600000, NULL, -1, NULL },
	{ "K6_STAGES wipes the script's duration", NULL, "{\"duration\":\"5s\",\"vus\":2}", { "K6_STAGES", "5s:3", NULL }, NULL,
	  0, K6C__EXEC_RAMPING_VUS, 2, -1, -1, NULL, -1, NULL },
	{ "override duration wipes the script's scenarios", NULL,
	  "{\"scenarios\":{\"s\":{\"executor\":\"constant-vus\",\"vus\":2,\"duration\":\"3s\"}}}", { NULL },
	  "{\"duration\":\"7s\"}",
	  0, K6C__EXEC_CONSTANT_VUS, 1, -1, 7000, NULL, -1, "default" },
	{ "override scenarios wipe the script's iterations", NULL, "{\"iterations\":5}", { NULL },
	  "{\"scenarios\":{\"a\":{\"executor\":\"per-vu-iterations\",\"vus\":2,\"iterations\":3}}}",
	  0, K6C__EXEC_PER_VU_ITERATIONS, 2, 3, 600000, NULL, -1, "a" },
	{ "override vus alone keeps the script's group", NULL, "{\"vus\":2,\"duration\":\"5s\"}", { NULL }, "{\"vus\":6}",
	  0, K6C__EXEC_CONSTANT_VUS, 6, -1, 5000, NULL, -1, NULL },
	{ "userAgent: script over config", "{\"userAgent\":\"c\"}", "{\"userAgent\":\"s\"}", { NULL }, NULL,
	  0, -1, -1, -1, -1, "s", -1, NULL },
	{ "userAgent: env over script", "{\"userAgent\":\"c\"}", "{\"userAgent\":\"s\"}", { "K6_USER_AGENT", "e", NULL }, NULL,
	  0, -1, -1, -1, -1, "e", -1, NULL },
	{ "userAgent: override over env", "{\"userAgent\":\"c\"}", "{\"userAgent\":\"s\"}", { "K6_USER_AGENT", "e", NULL },
	  "{\"userAgent\":\"o\"}", 0, -1, -1, -1, -1, "o", -1, NULL },
	{ "userAgent: config alone, null in a higher tier does not unset", "{\"userAgent\":\"c\"}",
	  "{\"userAgent\":null}", { NULL }, NULL, 0, -1, -1, -1, -1, "c", -1, NULL },
	{ "setupTimeout: script over config", "{\"setupTimeout\":\"10s\"}", "{\"setupTimeout\":\"20s\"}", { NULL }, NULL,
	  0, -1, -1, -1, -1, NULL, 20000, NULL },
	{ "setupTimeout: env over script", "{\"setupTimeout\":\"10s\"}", "{\"setupTimeout\":\"20s\"}",
	  { "K6_SETUP_TIMEOUT", "30s", NULL }, NULL, 0, -1, -1, -1, -1, NULL, 30000, NULL },
	{ "setupTimeout: override over env", "{\"setupTimeout\":\"10s\"}", "{\"setupTimeout\":\"20s\"}",
	  { "K6_SETUP_TIMEOUT", "30s", NULL }, "{\"setupTimeout\":40000}", 0, -1, -1, -1, -1, NULL, 40000, NULL },
	{ "stages JSON in the override tier", NULL, "{\"duration\":\"5s\"}", { NULL },
	  "{\"stages\":[{\"duration\":\"30s\",\"target\":10}]}", 0, K6C__EXEC_RAMPING_VUS, 1, -1, -1, NULL, -1, NULL },
	{ "a conflict in a tier replaced by a higher one is gone", NULL,
	  "{\"duration\":\"1s\",\"stages\":[{\"duration\":\"1s\",\"target\":1}]}", { NULL }, "{\"iterations\":2}",
	  0, K6C__EXEC_SHARED_ITERATIONS, 1, 2, -1, NULL, -1, NULL },
	{ "same-tier conflict: duration and stages", NULL,
	  "{\"duration\":\"1s\",\"stages\":[{\"duration\":\"1s\",\"target\":1}]}", { NULL }, NULL,
	  K6C_ECONFIG, -1, -1, -1, -1, NULL, -1, NULL },
	{ "same-tier conflict: iterations and scenarios", NULL,
	  "{\"iterations\":1,\"scenarios\":{\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\"}}}", { NULL }, NULL,
	  K6C_ECONFIG, -1, -1, -1, -1, NULL, -1, NULL },
	{ "same-tier conflict in the env tier", NULL, NULL, { "K6_DURATION", "5s", "K6_STAGES", "5s:1", NULL }, NULL,
	  K6C_ECONFIG, -1, -1, -1, -1, NULL, -1, NULL },
	{ "same-tier conflict in the config tier", "{\"iterations\":1,\"scenarios\":{}}", NULL, { NULL }, NULL,
	  K6C_ECONFIG, -1, -1, -1, -1, NULL, -1, NULL },
	{ "same-tier conflict in the override tier", NULL, "{\"vus\":1}", { NULL },
	  "{\"iterations\":2,\"stages\":[{\"duration\":\"1s\",\"target\":1}]}", K6C_ECONFIG, -1, -1, -1, -1, NULL, -1, NULL },
};

START_TEST(test_engine_options_tiers__precedence_table)
{
	const tier_case *c = &tier_cases[_i];
	size_t nenv = 0;
	k6c__options o;
	int rc;

	while (c->env[2 * nenv] != NULL)
		nenv++;
	rc = k6c__options_consolidate(&o, c->config, c->script, c->env, nenv, c->override);
	ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->what, rc, last_message());
	if (rc != 0) {
		ck_assert_msg(strstr(last_message(), "simultaneously") != NULL, "%s: %s", c->what, last_message());
		return;
	}
	const k6c__scenario *sc = &o.scenarios[0];
	if (c->executor >= 0)
		ck_assert_msg((int)sc->executor == c->executor, "%s: executor %s", c->what,
			k6c__executor_name(sc->executor));
	if (c->vus >= 0)
		ck_assert_msg((sc->executor == K6C__EXEC_RAMPING_VUS ? sc->start_vus : sc->vus) == c->vus,
			"%s: vus %u", c->what, sc->vus);
	if (c->iterations >= 0)
		ck_assert_msg(sc->iterations == c->iterations, "%s: iterations %llu", c->what,
			(unsigned long long)sc->iterations);
	if (c->duration_ms >= 0) {
		double d = sc->executor == K6C__EXEC_CONSTANT_VUS ? sc->duration_ms : sc->max_duration_ms;
		ck_assert_msg(d == c->duration_ms, "%s: duration %g", c->what, d);
	}
	if (c->user_agent)
		ck_assert_msg(o.user_agent && !strcmp(o.user_agent, c->user_agent), "%s: userAgent %s", c->what,
			o.user_agent ? o.user_agent : "(null)");
	if (c->setup_timeout_ms >= 0)
		ck_assert_msg(o.setup_timeout_ms == c->setup_timeout_ms, "%s: setupTimeout %g", c->what,
			o.setup_timeout_ms);
	if (c->scenario)
		ck_assert_str_eq(sc->name, c->scenario);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_tiers__env_duration_and_trend_stats)
{
	k6c__options o;
	const char *env[] = { "K6_DURATION", "2s", "K6_SUMMARY_TREND_STATS", "avg,p(99.9)" };

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"iterations\":5}", env, 2, NULL), 0);
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_CONSTANT_VUS);
	ck_assert_double_eq_tol(o.scenarios[0].duration_ms, 2000, 1e-6);
	ck_assert_uint_eq(o.ntrend_stats, 2);
	ck_assert_str_eq(o.trend_stats[1], "p(99.9)");
	k6c__options_free(&o);
}
END_TEST

/* systemTags: k6's default set unless a tier sets it; each tier replaces
 * it whole; K6_SYSTEM_TAGS and the CLI's string are comma-separated; the
 * JSON is k6's sorted array. */
START_TEST(test_engine_options_tiers__system_tags)
{
	static const char *const defaults[] = { "check", "error", "error_code", "expected_response",
		"group", "method", "name", "proto", "scenario", "service", "status", "subproto",
		"tls_version", "url" };
	k6c__options o;
	k6c__json *j = NULL;
	const k6c__json *v;
	const char *env[] = { "K6_SYSTEM_TAGS", " url ,vu,, iter" };

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.system_tags, K6C__SYSTEM_TAGS_DEFAULT);
	ck_assert_int_eq(k6c__json_parse(&j, o.json, strlen(o.json)), 0);
	v = k6c__json_get(j, "systemTags");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->len, K6C__ARRAY_LEN(defaults));
	for (size_t i = 0; i < v->len; i++)
		ck_assert_str_eq(v->items[i]->string, defaults[i]);
	k6c__json_free(j);
	k6c__options_free(&o);

	/* config < script < env < override, the whole list each time. */
	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"systemTags\":[\"ip\"]}", NULL, NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.system_tags, K6C__TAG_IP);
	k6c__options_free(&o);
	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"systemTags\":[\"ip\"]}",
		"{\"systemTags\":[\"status\",\"method\"]}", NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.system_tags, K6C__TAG_STATUS | K6C__TAG_METHOD);
	ck_assert_ptr_nonnull(strstr(o.json, "\"systemTags\":[\"method\",\"status\"]"));
	k6c__options_free(&o);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"systemTags\":[\"status\"]}", env, 1, NULL), 0);
	ck_assert_uint_eq(o.system_tags, K6C__TAG_URL | K6C__TAG_VU | K6C__TAG_ITER);
	ck_assert_ptr_nonnull(strstr(o.json, "\"systemTags\":[\"iter\",\"url\",\"vu\"]"));
	k6c__options_free(&o);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"systemTags\":[\"status\"]}", env, 1,
		"{\"systemTags\":\"group,check\"}"), 0);
	ck_assert_uint_eq(o.system_tags, K6C__TAG_GROUP | K6C__TAG_CHECK);
	k6c__options_free(&o);
	/* null leaves the lower tier's list; an empty one enables none. */
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"systemTags\":[\"status\"]}", NULL, 0,
		"{\"systemTags\":null}"), 0);
	ck_assert_uint_eq(o.system_tags, K6C__TAG_STATUS);
	k6c__options_free(&o);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"systemTags\":[]}", NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.system_tags, 0);
	ck_assert_ptr_nonnull(strstr(o.json, "\"systemTags\":[]"));
	k6c__options_free(&o);
	env[1] = "";
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, env, 1, NULL), 0);
	ck_assert_uint_eq(o.system_tags, 0);
	k6c__options_free(&o);
	/* A bad name in the environment is a configuration error too. */
	env[1] = "url,nope";
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, env, 1, NULL), K6C_ECONFIG);
	assert_msg_has("\"systemTags\": \"nope\"");
}
END_TEST

/* thresholds are replaced wholesale by the highest tier that sets them
 * (K6_THRESHOLDS is JSON too); noThresholds follows the usual tiers. */
START_TEST(test_engine_options_tiers__thresholds_replaced_wholesale)
{
	k6c__options o;
	const char *script = "{\"thresholds\":{\"checks\":[\"rate>0.9\"],\"iterations\":[\"count>1\"]}}";
	const char *env[] = { "K6_THRESHOLDS", "{\"vus\":[\"value<5\"]}", "K6_NO_THRESHOLDS", "true" };

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, NULL), 0);
	ck_assert_ptr_null(o.thresholds_json);
	ck_assert(!o.no_thresholds);
	k6c__options_free(&o);

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, script, NULL, 0, NULL), 0);
	ck_assert_str_eq(o.thresholds_json, "{\"checks\":[\"rate>0.9\"],\"iterations\":[\"count>1\"]}");
	k6c__options_free(&o);

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, script, env, 1, NULL), 0);
	ck_assert_str_eq(o.thresholds_json, "{\"vus\":[\"value<5\"]}");
	ck_assert(!o.no_thresholds);
	k6c__options_free(&o);

	/* An empty object in a higher tier removes them; null does not. */
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, script, env, 2, "{\"thresholds\":{}}"), 0);
	ck_assert_str_eq(o.thresholds_json, "{}");
	ck_assert(o.no_thresholds);
	k6c__options_free(&o);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, script, env, 2,
		"{\"thresholds\":null,\"noThresholds\":false}"), 0);
	ck_assert_str_eq(o.thresholds_json, "{\"vus\":[\"value<5\"]}");
	ck_assert(!o.no_thresholds);
	k6c__options_free(&o);

	env[1] = "p(95)<5";
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, script, env, 1, NULL), K6C_ECONFIG);
	assert_msg_has("K6_THRESHOLDS");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"thresholds\":[\"count>1\"]}", NULL, 0, NULL),
		K6C_ECONFIG);
	assert_msg_has("\"thresholds\"");
}
END_TEST

START_TEST(test_engine_options_tiers__timeouts_paused_summary_export)
{
	k6c__options o;
	const char *env[] = {
		"K6_SETUP_TIMEOUT", "5s", "K6_TEARDOWN_TIMEOUT", "6s", "K6_HANDLE_SUMMARY_TIMEOUT", "7s",
		"K6_PAUSED", "true", "K6_SUMMARY_EXPORT", "out.json",
	};

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, NULL), 0);
	ck_assert_double_eq_tol(o.setup_timeout_ms, 60000, 1e-6);
	ck_assert_double_eq_tol(o.teardown_timeout_ms, 60000, 1e-6);
	ck_assert_double_eq_tol(o.summary_timeout_ms, 120000, 1e-6);
	ck_assert(!o.paused);
	ck_assert_ptr_null(o.summary_export);
	k6c__options_free(&o);

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"setupTimeout\":\"1s\",\"teardownTimeout\":\"2s\",\"handleSummaryTimeout\":\"3s\"}", env, 5, NULL), 0);
	ck_assert_double_eq_tol(o.setup_timeout_ms, 5000, 1e-6);
	ck_assert_double_eq_tol(o.teardown_timeout_ms, 6000, 1e-6);
	ck_assert_double_eq_tol(o.summary_timeout_ms, 7000, 1e-6);
	ck_assert(o.paused);
	ck_assert_str_eq(o.summary_export, "out.json");
	k6c__options_free(&o);

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, env, 5, "{\"paused\":false,\"summaryExport\":\"x.json\"}"), 0);
	ck_assert(!o.paused);
	ck_assert_str_eq(o.summary_export, "x.json");
	k6c__options_free(&o);

	env[1] = "abc";
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, env, 1, NULL), K6C_ECONFIG);
	assert_msg_has("\"setupTimeout\"");
	assert_msg_has("abc");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"paused\":\"maybe\"}", NULL, 0, NULL), K6C_ECONFIG);
	assert_msg_has("\"paused\"");
}
END_TEST

/* summaryMode through the five tiers: the default, then config, script,
 * K6_SUMMARY_MODE and the override (--summary-mode), the highest that sets
 * it winning; a bad value below the winner is gone with it, as in k6. */
static const struct {
	const char *what, *config, *script, *env, *override;
	int rc;
	k6c__summary_mode want;
} mode_cases[] = {
	{ "default", NULL, NULL, NULL, NULL, 0, K6C__SUMMARY_COMPACT },
	{ "config alone", "{\"summaryMode\":\"full\"}", NULL, NULL, NULL, 0, K6C__SUMMARY_FULL },
	{ "script over config", "{\"summaryMode\":\"full\"}", "{\"summaryMode\":\"legacy\"}", NULL, NULL, 0,
	  K6C__SUMMARY_LEGACY },
	{ "env over script", "{\"summaryMode\":\"full\"}", "{\"summaryMode\":\"legacy\"}", "disabled", NULL, 0,
	  K6C__SUMMARY_DISABLED },
	{ "override over env", NULL, "{\"summaryMode\":\"legacy\"}", "disabled", "{\"summaryMode\":\"full\"}", 0,
	  K6C__SUMMARY_FULL },
	{ "compact set explicitly over a lower tier", "{\"summaryMode\":\"legacy\"}", NULL, NULL,
	  "{\"summaryMode\":\"compact\"}", 0, K6C__SUMMARY_COMPACT },
	{ "null does not unset", NULL, "{\"summaryMode\":\"legacy\"}", NULL, "{\"summaryMode\":null}", 0,
	  K6C__SUMMARY_LEGACY },
	{ "a bad value replaced by a higher tier", NULL, "{\"summaryMode\":\"nope\"}", "full", NULL, 0,
	  K6C__SUMMARY_FULL },
	{ "a bad env value", NULL, "{\"summaryMode\":\"full\"}", "FULL", NULL, K6C_ECONFIG, 0 },
	{ "a bad override value", NULL, NULL, NULL, "{\"summaryMode\":\"\"}", K6C_ECONFIG, 0 },
};

START_TEST(test_engine_options_tiers__summary_mode)
{
	const char *env[] = { "K6_SUMMARY_MODE", mode_cases[_i].env };
	k6c__options o;
	int rc = k6c__options_consolidate(&o, mode_cases[_i].config, mode_cases[_i].script, env,
		mode_cases[_i].env ? 1 : 0, mode_cases[_i].override);

	ck_assert_msg(rc == mode_cases[_i].rc, "%s: rc %d (%s)", mode_cases[_i].what, rc, last_message());
	if (rc != 0) {
		assert_msg_has("invalid option \"summaryMode\"");
		assert_msg_has(mode_cases[_i].env ? mode_cases[_i].env : "\"\"");
		return;
	}
	ck_assert_msg(o.summary_mode == mode_cases[_i].want, "%s: mode %d", mode_cases[_i].what,
		(int)o.summary_mode);
	/* A runtime option in k6: not among the consolidated options. */
	ck_assert_ptr_null(strstr(o.json, "summaryMode"));
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_tiers__k6_stages_env)
{
	k6c__options o;
	const char *env[] = { "K6_STAGES", "10s:5,20s:0", "K6_VUS", "3" };

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, env, 2, NULL), 0);
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_RAMPING_VUS);
	ck_assert_uint_eq(o.scenarios[0].start_vus, 3);
	ck_assert_uint_eq(o.scenarios[0].nstages, 2);
	ck_assert_double_eq_tol(o.scenarios[0].stages[0].duration_ms, 10000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[0].stages[0].target, 5, 1e-9);
	ck_assert_double_eq_tol(o.scenarios[0].stages[1].duration_ms, 20000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[0].stages[1].target, 0, 1e-9);
	k6c__options_free(&o);

	env[1] = "10s:5,abc";
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, env, 1, NULL), K6C_ECONFIG);
	assert_msg_has("K6_STAGES");
	assert_msg_has("\"abc\"");
}
END_TEST

START_TEST(test_engine_options_stages_json__cli_syntax)
{
	static const char *const bad[] = { "30s", "abc:10", "30s:x", "30s:-1", "30s:10,,1m:0", ":5", "30s:" };
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__options_stages_json("30s:10,1m:0", &b), 0);
	ck_assert_str_eq(b.ptr, "[{\"duration\":\"30s\",\"target\":10},{\"duration\":\"1m\",\"target\":0}]");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__options_stages_json(" 30s:10 , 1m30s:5 ", &b), 0);
	ck_assert_str_eq(b.ptr, "[{\"duration\":\"30s\",\"target\":10},{\"duration\":\"1m30s\",\"target\":5}]");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__options_stages_json("", &b), 0);
	ck_assert_str_eq(b.ptr, "[]");
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		char want[64];

		k6c__buf_clear(&b);
		ck_assert_msg(k6c__options_stages_json(bad[i], &b) == K6C_ECONFIG, "accepted %s", bad[i]);
		snprintf(want, sizeof(want), "\"%s\"", bad[i]);
		assert_msg_has(want);
	}
	k6c__buf_free(&b);
}
END_TEST

/* ---- Executors ---- */

START_TEST(test_engine_options_executors__defaults)
{
	k6c__options o;
	const k6c__scenario *sc;

	consolidate_script(&o, "{\"scenarios\":{"
		"\"a\":{\"executor\":\"shared-iterations\"},"
		"\"b\":{\"executor\":\"per-vu-iterations\"},"
		"\"c\":{\"executor\":\"constant-vus\",\"duration\":\"5s\"},"
		"\"d\":{\"executor\":\"ramping-vus\",\"stages\":[{\"duration\":\"10s\",\"target\":5}]},"
		"\"e\":{\"executor\":\"constant-arrival-rate\",\"rate\":5,\"duration\":\"10s\",\"preAllocatedVUs\":2},"
		"\"f\":{\"executor\":\"ramping-arrival-rate\",\"stages\":[{\"duration\":\"10s\",\"target\":5}],\"preAllocatedVUs\":3},"
		"\"g\":{\"executor\":\"externally-controlled\",\"duration\":0}}}");
	ck_assert_uint_eq(o.nscenarios, 7);
	for (size_t i = 0; i < 7; i++) {
		sc = &o.scenarios[i];
		ck_assert_int_eq(sc->name[0], (int)('a' + i));   /* same start time: by name */
		ck_assert_ptr_null(sc->exec);
		ck_assert_double_eq_tol(sc->start_time_ms, 0, 1e-9);
		ck_assert_double_eq_tol(sc->graceful_stop_ms, i == 6 ? 0 : 30000, 1e-6);
		ck_assert_uint_eq(sc->nenv, 0);
		ck_assert_uint_eq(sc->ntags, 0);
	}
	sc = &o.scenarios[0];
	ck_assert_int_eq(sc->executor, K6C__EXEC_SHARED_ITERATIONS);
	ck_assert_uint_eq(sc->vus, 1);
	ck_assert_uint_eq(sc->iterations, 1);
	ck_assert_double_eq_tol(sc->max_duration_ms, 600000, 1e-6);
	sc = &o.scenarios[1];
	ck_assert_int_eq(sc->executor, K6C__EXEC_PER_VU_ITERATIONS);
	ck_assert_uint_eq(sc->vus, 1);
	ck_assert_uint_eq(sc->iterations, 1);
	ck_assert_double_eq_tol(sc->max_duration_ms, 600000, 1e-6);
	sc = &o.scenarios[2];
	ck_assert_int_eq(sc->executor, K6C__EXEC_CONSTANT_VUS);
	ck_assert_uint_eq(sc->vus, 1);
	ck_assert_double_eq_tol(sc->duration_ms, 5000, 1e-6);
	sc = &o.scenarios[3];
	ck_assert_int_eq(sc->executor, K6C__EXEC_RAMPING_VUS);
	ck_assert_uint_eq(sc->start_vus, 1);
	ck_assert_uint_eq(sc->nstages, 1);
	ck_assert_double_eq_tol(sc->stages[0].target, 5, 1e-9);
	ck_assert_double_eq_tol(sc->graceful_ramp_down_ms, 30000, 1e-6);
	sc = &o.scenarios[4];
	ck_assert_int_eq(sc->executor, K6C__EXEC_CONSTANT_ARRIVAL_RATE);
	ck_assert_double_eq_tol(sc->rate, 5, 1e-9);
	ck_assert_double_eq_tol(sc->time_unit_ms, 1000, 1e-6);
	ck_assert_double_eq_tol(sc->duration_ms, 10000, 1e-6);
	ck_assert_uint_eq(sc->pre_allocated_vus, 2);
	ck_assert_uint_eq(sc->max_vus, 2);
	sc = &o.scenarios[5];
	ck_assert_int_eq(sc->executor, K6C__EXEC_RAMPING_ARRIVAL_RATE);
	ck_assert_double_eq_tol(sc->start_rate, 0, 1e-9);
	ck_assert_double_eq_tol(sc->time_unit_ms, 1000, 1e-6);
	ck_assert_uint_eq(sc->pre_allocated_vus, 3);
	ck_assert_uint_eq(sc->max_vus, 3);
	sc = &o.scenarios[6];
	ck_assert_int_eq(sc->executor, K6C__EXEC_EXTERNALLY_CONTROLLED);
	ck_assert_uint_eq(sc->vus, 0);
	ck_assert_uint_eq(sc->max_vus, 0);
	ck_assert_double_eq_tol(sc->duration_ms, 0, 1e-9);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_executors__all_fields)
{
	k6c__options o;
	const k6c__scenario *sc;

	consolidate_script(&o, "{\"scenarios\":{"
		"\"late\":{\"executor\":\"ramping-arrival-rate\",\"startTime\":\"1m\",\"startRate\":\"2\","
		"\"timeUnit\":\"1m\",\"stages\":[{\"duration\":\"10s\",\"target\":5},{\"duration\":2000,\"target\":\"0\"}],"
		"\"preAllocatedVUs\":3,\"maxVUs\":7,\"gracefulStop\":\"0s\",\"exec\":\"fn\","
		"\"env\":{\"A\":\"1\",\"B\":\"two\"},\"tags\":{\"t\":\"x\"},\"options\":{}},"
		"\"early\":{\"executor\":\"externally-controlled\",\"vus\":2,\"maxVUs\":10,\"duration\":\"10m\"},"
		"\"mid\":{\"executor\":\"ramping-vus\",\"startTime\":\"30s\",\"startVUs\":0,\"gracefulRampDown\":\"5s\","
		"\"stages\":[{\"duration\":\"0s\",\"target\":3}]}}}");
	ck_assert_uint_eq(o.nscenarios, 3);
	/* Ordered by start time. */
	ck_assert_str_eq(o.scenarios[0].name, "early");
	ck_assert_str_eq(o.scenarios[1].name, "mid");
	ck_assert_str_eq(o.scenarios[2].name, "late");
	sc = &o.scenarios[0];
	ck_assert_uint_eq(sc->vus, 2);
	ck_assert_uint_eq(sc->max_vus, 10);
	ck_assert_double_eq_tol(sc->duration_ms, 600000, 1e-6);
	sc = &o.scenarios[1];
	ck_assert_uint_eq(sc->start_vus, 0);
	ck_assert_double_eq_tol(sc->graceful_ramp_down_ms, 5000, 1e-6);
	ck_assert_double_eq_tol(sc->start_time_ms, 30000, 1e-6);
	sc = &o.scenarios[2];
	ck_assert_double_eq_tol(sc->start_time_ms, 60000, 1e-6);
	ck_assert_double_eq_tol(sc->start_rate, 2, 1e-9);
	ck_assert_double_eq_tol(sc->time_unit_ms, 60000, 1e-6);
	ck_assert_uint_eq(sc->nstages, 2);
	ck_assert_double_eq_tol(sc->stages[1].duration_ms, 2000, 1e-6);
	ck_assert_uint_eq(sc->pre_allocated_vus, 3);
	ck_assert_uint_eq(sc->max_vus, 7);
	ck_assert_double_eq_tol(sc->graceful_stop_ms, 0, 1e-9);
	ck_assert_str_eq(sc->exec, "fn");
	ck_assert_uint_eq(sc->nenv, 2);
	ck_assert_str_eq(sc->env[0], "A");
	ck_assert_str_eq(sc->env[1], "1");
	ck_assert_str_eq(sc->env[2], "B");
	ck_assert_str_eq(sc->env[3], "two");
	ck_assert_uint_eq(sc->ntags, 1);
	ck_assert_str_eq(sc->tags[0], "t");
	ck_assert_str_eq(sc->tags[1], "x");
	k6c__options_free(&o);
}
END_TEST

/* Each bad scenario (or shortcut) and what its message must name. */
typedef struct error_case {
	const char *script;
	const char *has1, *has2;
} error_case;

#define SC(body) "{\"scenarios\":{" body "}}"
static const error_case error_cases[] = {
	{ SC("\"ramp\":{\"executor\":\"ramping-vus\",\"stages\":[{\"duration\":\"1s\",\"target\":1},"
	     "{\"duration\":\"1s\",\"target\":-1}]}"), "\"scenarios.ramp.stages[1].target\": \"-1\"", "negative" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\"}"), "\"scenarios.r.stages\"", "required" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\",\"stages\":[]}"), "\"scenarios.r.stages\"", "at least one stage" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\",\"startVUs\":0,\"stages\":[{\"duration\":\"1s\",\"target\":0}]}"),
	  "\"scenarios.r.stages\"", "greater than 0" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\",\"stages\":[{\"duration\":\"1s\",\"target\":200000000}]}"),
	  "\"scenarios.r.stages[0].target\"", "200000000" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\",\"stages\":[{\"target\":1}]}"), "\"scenarios.r.stages[0].duration\"",
	  "required" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\",\"stages\":[{\"duration\":\"1s\",\"target\":1,\"x\":1}]}"),
	  "\"scenarios.r.stages[0].x\"", "unknown" },
	{ SC("\"r\":{\"executor\":\"ramping-vus\",\"gracefulRampDown\":\"soon\",\"stages\":[{\"duration\":\"1s\",\"target\":1}]}"),
	  "\"scenarios.r.gracefulRampDown\"", "\"soon\"" },
	{ SC("\"c\":{\"executor\":\"constant-vus\"}"), "\"scenarios.c.duration\"", "required" },
	{ SC("\"c\":{\"executor\":\"constant-vus\",\"duration\":\"0s\"}"), "\"scenarios.c.duration\": \"0s\"",
	  "more than 0" },
	{ SC("\"c\":{\"executor\":\"constant-vus\",\"vus\":0,\"duration\":\"1s\"}"), "\"scenarios.c.vus\": \"0\"",
	  "more than 0" },
	{ SC("\"c\":{\"executor\":\"constant-vus\",\"vus\":1.5,\"duration\":\"1s\"}"), "\"scenarios.c.vus\": \"1.5\"",
	  "integer" },
	{ SC("\"s\":{\"executor\":\"shared-iterations\",\"vus\":5,\"iterations\":2}"), "\"scenarios.s.iterations\": \"2\"",
	  "can't be less than the number of VUs (5)" },
	{ SC("\"p\":{\"executor\":\"per-vu-iterations\",\"iterations\":0}"), "\"scenarios.p.iterations\": \"0\"",
	  "more than 0" },
	{ SC("\"p\":{\"executor\":\"per-vu-iterations\",\"maxDuration\":\"0s\"}"), "\"scenarios.p.maxDuration\"",
	  "more than 0" },
	{ SC("\"a\":{\"executor\":\"constant-arrival-rate\",\"duration\":\"1s\",\"preAllocatedVUs\":1}"),
	  "\"scenarios.a.rate\"", "required" },
	{ SC("\"a\":{\"executor\":\"constant-arrival-rate\",\"rate\":0,\"duration\":\"1s\",\"preAllocatedVUs\":1}"),
	  "\"scenarios.a.rate\": \"0\"", "more than 0" },
	{ SC("\"a\":{\"executor\":\"constant-arrival-rate\",\"rate\":1,\"timeUnit\":\"0s\",\"duration\":\"1s\",\"preAllocatedVUs\":1}"),
	  "\"scenarios.a.timeUnit\"", "more than 0" },
	{ SC("\"a\":{\"executor\":\"constant-arrival-rate\",\"rate\":1,\"preAllocatedVUs\":1}"),
	  "\"scenarios.a.duration\"", "required" },
	{ SC("\"a\":{\"executor\":\"constant-arrival-rate\",\"rate\":1,\"duration\":\"1s\"}"),
	  "\"scenarios.a.preAllocatedVUs\"", "required" },
	{ SC("\"a\":{\"executor\":\"constant-arrival-rate\",\"rate\":1,\"duration\":\"1s\",\"preAllocatedVUs\":5,\"maxVUs\":2}"),
	  "\"scenarios.a.maxVUs\": \"2\"", "less than preAllocatedVUs" },
	{ SC("\"a\":{\"executor\":\"ramping-arrival-rate\",\"preAllocatedVUs\":1}"), "\"scenarios.a.stages\"", "required" },
	{ SC("\"a\":{\"executor\":\"ramping-arrival-rate\",\"stages\":[{\"duration\":\"1s\",\"target\":1}]}"),
	  "\"scenarios.a.preAllocatedVUs\"", "required" },
	{ SC("\"a\":{\"executor\":\"ramping-arrival-rate\",\"startRate\":-1,\"preAllocatedVUs\":1,"
	     "\"stages\":[{\"duration\":\"1s\",\"target\":1}]}"), "\"scenarios.a.startRate\": \"-1\"", "non-negative" },
	{ SC("\"a\":{\"executor\":\"ramping-arrival-rate\",\"preAllocatedVUs\":1,\"rate\":5,"
	     "\"stages\":[{\"duration\":\"1s\",\"target\":1}]}"), "\"scenarios.a.rate\"", "unknown option" },
	{ SC("\"x\":{\"executor\":\"externally-controlled\",\"vus\":5,\"maxVUs\":2,\"duration\":\"1m\"}"),
	  "\"scenarios.x.vus\": \"5\"", "less than or equal to the number of maxVUs (2)" },
	{ SC("\"x\":{\"executor\":\"externally-controlled\",\"vus\":1}"), "\"scenarios.x.duration\"",
	  "for infinite duration use 0" },
	{ SC("\"x\":{\"executor\":\"externally-controlled\",\"duration\":\"1m\",\"gracefulStop\":\"5s\"}"),
	  "\"scenarios.x.gracefulStop\"", "not supported" },
	{ SC("\"a\":{\"executor\":\"bogus\"}"), "\"scenarios.a.executor\": \"bogus\"", "unknown executor" },
	{ SC("\"a\":{\"vus\":1}"), "\"scenarios.a.executor\"", "required" },
	{ SC("\"a\":{\"executor\":\"constant-vus\",\"duraton\":\"1s\"}"), "\"scenarios.a.duraton\"", "constant-vus" },
	{ SC("\"a b\":{\"executor\":\"constant-vus\",\"duration\":\"1s\"}"), "\"scenarios.a b\"", "scenario name" },
	{ SC("\"a\":5"), "\"scenarios.a\": \"5\"", "object" },
	{ SC("\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\",\"startTime\":\"-1s\"}"),
	  "\"scenarios.a.startTime\": \"-1s\"", "duration" },
	{ SC("\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\",\"gracefulStop\":\"abc\"}"),
	  "\"scenarios.a.gracefulStop\": \"abc\"", "duration" },
	{ SC("\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\",\"exec\":\"\"}"), "\"scenarios.a.exec\"",
	  "cannot be empty" },
	{ SC("\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\",\"env\":{\"A\":1}}"), "\"scenarios.a.env.A\": \"1\"",
	  "string" },
	{ SC("\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\",\"tags\":[\"x\"]}"), "\"scenarios.a.tags\"",
	  "object" },
	{ "{\"scenarios\":[1]}", "\"scenarios\"", "object" },
	{ "{\"stages\":[{\"duration\":\"1s\"}]}", "\"stages[0].target\"", "required" },
	{ "{\"stages\":{\"duration\":\"1s\"}}", "\"stages\"", "array" },
	{ "{\"stages\":[{\"duration\":\"1s\",\"target\":0}],\"vus\":0}", "\"stages\"", "greater than 0" },
	{ "{\"vus\":200000000,\"duration\":\"1s\"}", "\"vus\"", "200000000" },
	{ "{\"vus\":0,\"duration\":\"1s\"}", "\"vus\": \"0\"", "more than 0" },
	{ "{\"duration\":\"0s\"}", "\"duration\": \"0s\"", "externally-controlled" },
	{ "{\"duration\":\"abc\"}", "\"duration\"", "abc" },
	{ "{\"vus\":5,\"iterations\":2}", "\"iterations\": \"2\"", "can't be less" },
	{ "{\"summaryTrendStats\":[\"avg\",\"p(101)\"]}", "summaryTrendStats", "p(101)" },
	{ "{\"summaryTimeUnit\":\"min\"}", "summaryTimeUnit", "min" },
	{ "{\"summaryMode\":\"verbose\"}", "\"summaryMode\": \"verbose\"", "compact, full, legacy or disabled" },
	{ "{\"summaryMode\":\"Full\"}", "\"summaryMode\": \"Full\"", "compact" },
	{ "{\"summaryMode\":1}", "\"summaryMode\"", "1" },
	{ "{\"systemTags\":[\"status\",\"stauts\"]}", "\"systemTags\": \"stauts\"", "not a system tag" },
	{ "{\"systemTags\":[\"status,url\"]}", "\"systemTags\": \"status,url\"", "not a system tag" },
	{ "{\"systemTags\":\"url, Status\"}", "\"systemTags\": \"Status\"", "not a system tag" },
	{ "{\"systemTags\":[1]}", "\"systemTags\": \"1\"", "array" },
	{ "{\"systemTags\":{\"url\":true}}", "\"systemTags\"", "array" },
	{ "{\"maxRedirects\":\"ten\"}", "\"maxRedirects\": \"ten\"", "integer" },
	{ "{\"maxRedirects\":-1}", "\"maxRedirects\"", "integer" },
	{ "[1]", "script options", "object" },
	{ "{\"vus\":", "script options", "" },
};

START_TEST(test_engine_options_errors__table)
{
	const error_case *c = &error_cases[_i];
	k6c__options o;
	int rc = k6c__options_consolidate(&o, NULL, c->script, NULL, 0, NULL);

	ck_assert_msg(rc == K6C_ECONFIG, "%s: rc %d", c->script, rc);
	ck_assert_msg(strstr(last_message(), c->has1) != NULL, "%s: \"%s\" lacks %s", c->script, last_message(), c->has1);
	ck_assert_msg(strstr(last_message(), c->has2) != NULL, "%s: \"%s\" lacks %s", c->script, last_message(), c->has2);
	/* Whatever failed left nothing behind. */
	ck_assert_uint_eq(o.nscenarios, 0);
	ck_assert_ptr_null(o.json);
}
END_TEST

START_TEST(test_engine_options_errors__override_vus_and_config_tier)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, "{\"vus\":-1}"), K6C_ECONFIG);
	assert_msg_has("\"vus\"");
	assert_msg_has("-1");
	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"duration\":true}", NULL, NULL, 0, NULL), K6C_ECONFIG);
	assert_msg_has("\"duration\"");
	ck_assert_int_eq(k6c__options_consolidate(&o, "nope", NULL, NULL, 0, NULL), K6C_ECONFIG);
	assert_msg_has("config options");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, "[]"), K6C_ECONFIG);
	assert_msg_has("override options");
}
END_TEST

/* ---- Execution segments ---- */

START_TEST(test_engine_options_segments__override_and_config)
{
	k6c__options o;
	k6c__json *j = NULL;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"vus\":10,\"duration\":\"1m\"}", NULL, 0,
		"{\"executionSegment\":\"0:1/2\",\"executionSegmentSequence\":\"0,1/2,3/4,1\"}"), 0);
	ck_assert_ptr_nonnull(o.stripe);
	ck_assert(!k6c__stripe_is_full(o.stripe));
	/* The scenario keeps the whole test's counts; the header scales them. */
	ck_assert_uint_eq(o.scenarios[0].vus, 10);
	ck_assert_uint_eq(o.max_vus, 5);
	ck_assert_uint_eq(k6c__stripe_global(o.stripe, 1), 2);
	ck_assert_int_eq(k6c__json_parse(&j, o.json, strlen(o.json)), 0);
	ck_assert_str_eq(k6c__json_get(j, "executionSegment")->string, "0:1/2");
	ck_assert_str_eq(k6c__json_get(j, "executionSegmentSequence")->string, "0,1/2,3/4,1");
	k6c__json_free(j);
	k6c__options_free(&o);

	/* A lone segment; the sequence is filled in around it. */
	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"executionSegment\":\"50%:75%\"}",
		"{\"vus\":10,\"duration\":\"1m\"}", NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.max_vus, 3);
	ck_assert_ptr_nonnull(strstr(o.json, "\"executionSegmentSequence\":\"0,1/2,3/4,1\""));
	k6c__options_free(&o);

	/* The override's segment wins over the config's. Alone, 3/4:1 lies in
	 * the filled sequence 0,3/4,1, whose stripe holds 3 of the first 10
	 * (global indices 1, 5, 9), not the 2 it holds within 0,1/2,3/4,1. */
	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"executionSegment\":\"0:1/2\"}",
		"{\"vus\":10,\"duration\":\"1m\"}", NULL, 0, "{\"executionSegment\":\"3/4:1\"}"), 0);
	ck_assert_uint_eq(o.max_vus, 3);
	ck_assert_uint_eq(k6c__stripe_global(o.stripe, 1), 5);
	k6c__options_free(&o);
	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"executionSegmentSequence\":\"0,1/2,3/4,1\"}",
		"{\"vus\":10,\"duration\":\"1m\"}", NULL, 0, "{\"executionSegment\":\"3/4:1\"}"), 0);
	ck_assert_uint_eq(o.max_vus, 2);
	k6c__options_free(&o);

	/* The script and the environment cannot set segments, as in k6. */
	const char *env[] = { "K6_EXECUTION_SEGMENT", "0:1/2" };
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"executionSegment\":\"0:1/2\",\"vus\":10,\"duration\":\"1m\"}",
		env, 1, NULL), 0);
	ck_assert_ptr_null(o.stripe);
	ck_assert_uint_eq(o.max_vus, 10);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_segments__errors_quote_the_value)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, "{\"executionSegment\":\"2/3:1/3\"}"),
		K6C_ECONFIG);
	assert_msg_has("\"2/3:1/3\"");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, "{\"executionSegment\":\"abc\"}"),
		K6C_ECONFIG);
	assert_msg_has("\"abc\"");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0,
		"{\"executionSegment\":\"1/3:1/2\",\"executionSegmentSequence\":\"0,1/3,2/3,1\"}"), K6C_ECONFIG);
	assert_msg_has("\"1/3:1/2\"");
	assert_msg_has("\"0,1/3,2/3,1\"");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0,
		"{\"executionSegmentSequence\":\"0,2/3,1/3,1\"}"), K6C_ECONFIG);
	assert_msg_has("\"0,2/3,1/3,1\"");
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, "{\"executionSegment\":5}"), K6C_ECONFIG);
	assert_msg_has("\"executionSegment\"");
}
END_TEST

/* ---- The plan: peak VUs and max duration ---- */

START_TEST(test_engine_options_plan__max_vus_and_duration)
{
	k6c__options o;

	/* Overlapping scenarios add up; the iterations one holds its VUs up to
	 * maxDuration + gracefulStop. */
	consolidate_script(&o, "{\"scenarios\":{\"a\":{\"executor\":\"per-vu-iterations\",\"vus\":3,\"iterations\":4,"
		"\"gracefulStop\":\"5s\",\"exec\":\"fn\"},\"b\":{\"executor\":\"constant-vus\",\"vus\":2,"
		"\"duration\":\"10s\",\"startTime\":\"2s\"}}}");
	ck_assert_uint_eq(o.nscenarios, 2);
	ck_assert_str_eq(o.scenarios[0].exec, "fn");
	ck_assert_double_eq_tol(o.scenarios[0].graceful_stop_ms, 5000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[1].start_time_ms, 2000, 1e-6);
	ck_assert_uint_eq(o.max_vus, 5);
	ck_assert_double_eq_tol(o.max_duration_ms, 605000, 1e-6);
	k6c__options_free(&o);

	/* One after the other: the VUs are reused. */
	consolidate_script(&o, "{\"scenarios\":{\"a\":{\"executor\":\"constant-vus\",\"vus\":10,\"duration\":\"10s\","
		"\"gracefulStop\":0},\"b\":{\"executor\":\"constant-vus\",\"vus\":4,\"duration\":\"10s\",\"startTime\":\"10s\"}}}");
	ck_assert_uint_eq(o.max_vus, 10);
	ck_assert_double_eq_tol(o.max_duration_ms, 50000, 1e-6);
	k6c__options_free(&o);

	/* Arrival-rate executors count maxVUs. */
	consolidate_script(&o, "{\"scenarios\":{\"a\":{\"executor\":\"constant-arrival-rate\",\"rate\":10,"
		"\"duration\":\"1m\",\"preAllocatedVUs\":5,\"maxVUs\":10},\"b\":{\"executor\":\"ramping-arrival-rate\","
		"\"stages\":[{\"duration\":\"1m\",\"target\":50},{\"duration\":\"30s\",\"target\":0}],\"preAllocatedVUs\":10,"
		"\"maxVUs\":50}}}");
	ck_assert_uint_eq(o.max_vus, 60);
	ck_assert_double_eq_tol(o.max_duration_ms, 120000, 1e-6);
	k6c__options_free(&o);

	/* Externally controlled with no end holds maxVUs for ever; its end is
	 * its start, as in k6. */
	consolidate_script(&o, "{\"scenarios\":{\"x\":{\"executor\":\"externally-controlled\",\"vus\":2,\"maxVUs\":10,"
		"\"duration\":0},\"y\":{\"executor\":\"constant-vus\",\"duration\":\"1s\",\"startTime\":\"1s\",\"gracefulStop\":0}}}");
	ck_assert_uint_eq(o.max_vus, 11);
	ck_assert_double_eq_tol(o.max_duration_ms, 2000, 1e-6);
	k6c__options_free(&o);
}
END_TEST

/* ramping-vus up 0->10 over 10 s and down to 0 over the next 10 s, and a
 * second scenario of 8 VUs from 15 s: at 15 s the ramp holds 5 VUs, or all
 * 10 while they may still finish within gracefulRampDown. */
START_TEST(test_engine_options_plan__ramping_vus_graceful_ramp_down)
{
	static const char *fmt = "{\"scenarios\":{\"r\":{\"executor\":\"ramping-vus\",\"startVUs\":0,"
		"\"gracefulRampDown\":\"%s\",\"gracefulStop\":0,\"stages\":[{\"duration\":\"10s\",\"target\":10},"
		"{\"duration\":\"10s\",\"target\":0}]},\"c\":{\"executor\":\"constant-vus\",\"vus\":8,\"duration\":\"10s\","
		"\"startTime\":\"15s\",\"gracefulStop\":0}}}";
	char script[600];
	k6c__options o;

	snprintf(script, sizeof(script), fmt, "0s");
	consolidate_script(&o, script);
	ck_assert_uint_eq(o.max_vus, 13);
	ck_assert_double_eq_tol(o.max_duration_ms, 25000, 1e-6);
	k6c__options_free(&o);
	snprintf(script, sizeof(script), fmt, "30s");
	consolidate_script(&o, script);
	ck_assert_uint_eq(o.max_vus, 18);
	k6c__options_free(&o);
	snprintf(script, sizeof(script), fmt, "2s");
	consolidate_script(&o, script);
	/* At 15 s the window [13 s, 15 s] still holds VU 7 (removed at 14 s). */
	ck_assert_uint_eq(o.max_vus, 15);
	k6c__options_free(&o);
}
END_TEST

/* ---- JSON ---- */

static const k6c__json *jpath(const k6c__json *j, const char *a, const char *b)
{
	const k6c__json *v = k6c__json_get(j, a);

	ck_assert_msg(v != NULL, "no %s", a);
	if (b) {
		v = k6c__json_get(v, b);
		ck_assert_msg(v != NULL, "no %s.%s", a, b);
	}
	return v;
}

START_TEST(test_engine_options_json__shape)
{
	k6c__options o;
	k6c__json *j = NULL;
	const k6c__json *sc, *v;
	static const char *const gone[] = { "vus", "duration", "iterations", "stages", "noColor", "noThresholds" };
	static const char *prefix = "{\"paused\":false,\"scenarios\":{\"default\":{\"executor\":\"constant-vus\","
		"\"startTime\":\"0s\",\"gracefulStop\":\"30s\",\"env\":{},\"exec\":\"default\",\"tags\":{},\"vus\":2,"
		"\"duration\":\"1m30s\"}},";

	ck_assert_int_eq(k6c__options_consolidate(&o, "{\"batch\":5,\"out\":[\"json\"]}",
		"{\"vus\":2,\"duration\":\"1m30s\",\"hosts\":{\"a.test\":\"127.0.0.1\"},\"batch\":10,"
		"\"thresholds\":{\"checks\":[\"rate>0.9\"]},\"noColor\":true,\"discardResponseBodies\":null}",
		NULL, 0, "{\"batch\":15}"), 0);
	ck_assert_int_eq(k6c__json_parse(&j, o.json, strlen(o.json)), 0);
	ck_assert_int_eq(j->type, K6C__JSON_OBJECT);
	/* A stable order: the modelled options first, then the others by name. */
	ck_assert_msg(!strncmp(o.json, prefix, strlen(prefix)), "%s", o.json);
	ck_assert_ptr_nonnull(strstr(o.json, "\"batch\":15,\"hosts\":{\"a.test\":\"127.0.0.1\"}}"));
	for (size_t i = 0; i < K6C__ARRAY_LEN(gone); i++)
		ck_assert_msg(k6c__json_get(j, gone[i]) == NULL, "%s at the top level", gone[i]);
	ck_assert_ptr_null(k6c__json_get(j, "out"));
	ck_assert_ptr_null(k6c__json_get(j, "discardResponseBodies"));
	sc = jpath(j, "scenarios", "default");
	ck_assert_str_eq(jpath(sc, "executor", NULL)->string, "constant-vus");
	ck_assert_double_eq_tol(jpath(sc, "vus", NULL)->number, 2, 1e-9);
	ck_assert_str_eq(jpath(sc, "duration", NULL)->string, "1m30s");
	ck_assert_str_eq(jpath(j, "setupTimeout", NULL)->string, "1m0s");
	ck_assert_str_eq(jpath(j, "teardownTimeout", NULL)->string, "1m0s");
	ck_assert_str_eq(jpath(j, "handleSummaryTimeout", NULL)->string, "2m0s");
	ck_assert(!jpath(j, "noSetup", NULL)->boolean);
	v = jpath(j, "summaryTrendStats", NULL);
	ck_assert_uint_eq(v->len, 6);
	ck_assert_str_eq(v->items[5]->string, "p(95)");
	ck_assert_str_eq(jpath(j, "thresholds", "checks")->items[0]->string, "rate>0.9");
	ck_assert_double_eq_tol(jpath(j, "batch", NULL)->number, 15, 1e-9);
	ck_assert_str_eq(jpath(j, "hosts", "a.test")->string, "127.0.0.1");
	k6c__json_free(j);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_json__every_executor)
{
	k6c__options o;
	k6c__json *j = NULL;
	const k6c__json *s;

	consolidate_script(&o, "{\"userAgent\":\"ua\",\"summaryTrendStats\":[\"avg\",\"p(99)\"],\"summaryTimeUnit\":\"ms\","
		"\"scenarios\":{"
		"\"z\":{\"executor\":\"shared-iterations\",\"vus\":2,\"iterations\":4},"
		"\"y\":{\"executor\":\"ramping-vus\",\"stages\":[{\"duration\":\"1m\",\"target\":3}],\"env\":{\"K\":\"V\"}},"
		"\"x\":{\"executor\":\"constant-arrival-rate\",\"rate\":3,\"timeUnit\":\"1m\",\"duration\":\"2s\",\"preAllocatedVUs\":1,\"maxVUs\":4},"
		"\"w\":{\"executor\":\"ramping-arrival-rate\",\"startRate\":1,\"stages\":[{\"duration\":\"90s\",\"target\":3}],\"preAllocatedVUs\":2},"
		"\"v\":{\"executor\":\"externally-controlled\",\"vus\":1,\"duration\":\"0s\"},"
		"\"u\":{\"executor\":\"per-vu-iterations\",\"maxDuration\":\"1h\",\"tags\":{\"t\":\"1\"},\"startTime\":\"1s\"}}}");
	ck_assert_int_eq(k6c__json_parse(&j, o.json, strlen(o.json)), 0);
	/* Scenario keys by name. */
	ck_assert_ptr_nonnull(strstr(o.json, "\"scenarios\":{\"u\":"));
	s = jpath(j, "scenarios", "z");
	ck_assert_double_eq_tol(jpath(s, "iterations", NULL)->number, 4, 1e-9);
	ck_assert_str_eq(jpath(s, "maxDuration", NULL)->string, "10m0s");
	s = jpath(j, "scenarios", "y");
	ck_assert_double_eq_tol(jpath(s, "startVUs", NULL)->number, 1, 1e-9);
	ck_assert_str_eq(jpath(s, "gracefulRampDown", NULL)->string, "30s");
	ck_assert_str_eq(jpath(s, "stages", NULL)->items[0]->items[0]->string, "1m0s");
	ck_assert_str_eq(jpath(s, "env", "K")->string, "V");
	s = jpath(j, "scenarios", "x");
	ck_assert_double_eq_tol(jpath(s, "rate", NULL)->number, 3, 1e-9);
	ck_assert_str_eq(jpath(s, "timeUnit", NULL)->string, "1m0s");
	ck_assert_double_eq_tol(jpath(s, "maxVUs", NULL)->number, 4, 1e-9);
	s = jpath(j, "scenarios", "w");
	ck_assert_double_eq_tol(jpath(s, "startRate", NULL)->number, 1, 1e-9);
	ck_assert_str_eq(jpath(s, "timeUnit", NULL)->string, "1s");
	ck_assert_double_eq_tol(jpath(s, "maxVUs", NULL)->number, 2, 1e-9);
	ck_assert_str_eq(jpath(s, "stages", NULL)->items[0]->items[0]->string, "1m30s");
	s = jpath(j, "scenarios", "v");
	ck_assert_double_eq_tol(jpath(s, "maxVUs", NULL)->number, 1, 1e-9);
	ck_assert_str_eq(jpath(s, "duration", NULL)->string, "0s");
	s = jpath(j, "scenarios", "u");
	ck_assert_str_eq(jpath(s, "maxDuration", NULL)->string, "1h0m0s");
	ck_assert_str_eq(jpath(s, "startTime", NULL)->string, "1s");
	ck_assert_str_eq(jpath(s, "tags", "t")->string, "1");
	ck_assert_str_eq(jpath(j, "userAgent", NULL)->string, "ua");
	ck_assert_str_eq(jpath(j, "summaryTimeUnit", NULL)->string, "ms");
	ck_assert_uint_eq(jpath(j, "summaryTrendStats", NULL)->len, 2);
	k6c__json_free(j);
	k6c__options_free(&o);
}
END_TEST

/* ---- Descriptions ---- */

START_TEST(test_engine_options_describe__every_executor)
{
	k6c__options o;

	consolidate_script(&o, "{\"scenarios\":{"
		"\"a\":{\"executor\":\"ramping-vus\",\"startVUs\":0,\"stages\":[{\"duration\":\"20s\",\"target\":10},"
		"{\"duration\":\"20s\",\"target\":10},{\"duration\":\"20s\",\"target\":0}]},"
		"\"b\":{\"executor\":\"constant-arrival-rate\",\"rate\":10,\"duration\":\"1m\",\"preAllocatedVUs\":5,\"maxVUs\":10},"
		"\"c\":{\"executor\":\"ramping-arrival-rate\",\"stages\":[{\"duration\":\"1m\",\"target\":50},"
		"{\"duration\":\"30s\",\"target\":0}],\"preAllocatedVUs\":10,\"maxVUs\":50},"
		"\"d\":{\"executor\":\"externally-controlled\",\"vus\":2,\"maxVUs\":10,\"duration\":\"10m\"},"
		"\"e\":{\"executor\":\"externally-controlled\",\"vus\":2,\"duration\":0},"
		"\"f\":{\"executor\":\"per-vu-iterations\",\"vus\":2,\"iterations\":5,\"exec\":\"fn\",\"startTime\":\"10s\"},"
		"\"g\":{\"executor\":\"constant-vus\",\"vus\":3,\"duration\":\"30s\",\"gracefulStop\":0},"
		"\"h\":{\"executor\":\"constant-arrival-rate\",\"rate\":30,\"timeUnit\":\"1m\",\"duration\":\"10s\","
		"\"preAllocatedVUs\":2},"
		"\"i\":{\"executor\":\"shared-iterations\",\"vus\":2,\"iterations\":10,\"maxDuration\":\"1m30s\",\"gracefulStop\":\"5s\"}"
		"}}");
	ck_assert_uint_eq(o.nscenarios, 9);
	assert_describe(&o.scenarios[0], "Up to 10 looping VUs for 1m0s over 3 stages (gracefulRampDown: 30s, gracefulStop: 30s)");
	assert_describe(&o.scenarios[1], "10.00 iterations/s for 1m0s (maxVUs: 5-10, gracefulStop: 30s)");
	assert_describe(&o.scenarios[2], "Up to 50.00 iterations/s for 1m30s over 2 stages (maxVUs: 10-50, gracefulStop: 30s)");
	assert_describe(&o.scenarios[3], "Externally controlled execution with 2 VUs, 10 max VUs, 10m0s duration");
	assert_describe(&o.scenarios[4], "Externally controlled execution with 2 VUs, 2 max VUs, infinite duration");
	/* f starts later, so it comes last. */
	assert_describe(&o.scenarios[5], "3 looping VUs for 30s");
	assert_describe(&o.scenarios[6], "0.50 iterations/s for 10s (maxVUs: 2, gracefulStop: 30s)");
	assert_describe(&o.scenarios[7], "10 iterations shared among 2 VUs (maxDuration: 1m30s, gracefulStop: 5s)");
	assert_describe(&o.scenarios[8], "5 iterations for each of 2 VUs (maxDuration: 10m0s, exec: fn, startTime: 10s, gracefulStop: 30s)");
	k6c__options_free(&o);
}
END_TEST

/* Scenarios filled in by hand (as the scheduler's tests do) use the
 * documented "default" encodings. */
START_TEST(test_engine_options_describe__struct_defaults)
{
	k6c__scenario sc;

	memset(&sc, 0, sizeof(sc));
	sc.executor = K6C__EXEC_SHARED_ITERATIONS;
	sc.vus = 1;
	sc.iterations = 2;
	sc.graceful_stop_ms = -1;
	assert_describe(&sc, "2 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)");
	memset(&sc, 0, sizeof(sc));
	sc.executor = K6C__EXEC_CONSTANT_ARRIVAL_RATE;
	sc.rate = 4;
	sc.duration_ms = 2000;
	sc.pre_allocated_vus = 3;
	assert_describe(&sc, "4.00 iterations/s for 2s (maxVUs: 3)");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine_options");
	TCase *tc = tcase_create("options");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_engine_options_shortcuts__none_is_one_iteration);
	tcase_add_test(tc, test_engine_options_shortcuts__duration_is_constant_vus);
	tcase_add_test(tc, test_engine_options_shortcuts__iterations_is_shared);
	tcase_add_test(tc, test_engine_options_shortcuts__stages_and_vus_alone);
	tcase_add_loop_test(tc, test_engine_options_tiers__precedence_table, 0, (int)K6C__ARRAY_LEN(tier_cases));
	tcase_add_test(tc, test_engine_options_tiers__env_duration_and_trend_stats);
	tcase_add_test(tc, test_engine_options_tiers__system_tags);
	tcase_add_test(tc, test_engine_options_tiers__thresholds_replaced_wholesale);
	tcase_add_test(tc, test_engine_options_tiers__timeouts_paused_summary_export);
	tcase_add_test(tc, test_engine_options_tiers__k6_stages_env);
	tcase_add_loop_test(tc, test_engine_options_tiers__summary_mode, 0, (int)K6C__ARRAY_LEN(mode_cases));
	tcase_add_test(tc, test_engine_options_stages_json__cli_syntax);
	tcase_add_test(tc, test_engine_options_executors__defaults);
	tcase_add_test(tc, test_engine_options_executors__all_fields);
	tcase_add_loop_test(tc, test_engine_options_errors__table, 0, (int)K6C__ARRAY_LEN(error_cases));
	tcase_add_test(tc, test_engine_options_errors__override_vus_and_config_tier);
	tcase_add_test(tc, test_engine_options_segments__override_and_config);
	tcase_add_test(tc, test_engine_options_segments__errors_quote_the_value);
	tcase_add_test(tc, test_engine_options_plan__max_vus_and_duration);
	tcase_add_test(tc, test_engine_options_plan__ramping_vus_graceful_ramp_down);
	tcase_add_test(tc, test_engine_options_json__shape);
	tcase_add_test(tc, test_engine_options_json__every_executor);
	tcase_add_test(tc, test_engine_options_describe__every_executor);
	tcase_add_test(tc, test_engine_options_describe__struct_defaults);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
