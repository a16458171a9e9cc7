/*
 * test_engine_options.c - option consolidation: tiers, shortcuts, k6's
 * execution-group rules and error messages naming the option and value.
 */
#include <check.h>
#include <string.h>

#include "engine/options.h"

static const char *last_message(void)
{
	const k6c_error *e = k6c_error_last();
	return e ? e->message : "";
}

START_TEST(test_engine_options_shortcuts__none_is_one_iteration)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.nscenarios, 1);
	ck_assert_str_eq(o.scenarios[0].name, "default");
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_PER_VU_ITERATIONS);
	ck_assert_uint_eq(o.scenarios[0].vus, 1);
	ck_assert_uint_eq(o.scenarios[0].iterations, 1);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_shortcuts__duration_is_constant_vus)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"vus\":10,\"duration\":\"1m30s\"}", NULL, 0, NULL), 0);
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_CONSTANT_VUS);
	ck_assert_uint_eq(o.scenarios[0].vus, 10);
	ck_assert_double_eq_tol(o.scenarios[0].duration_ms, 90000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[0].graceful_stop_ms, 30000, 1e-6);
	ck_assert_uint_eq(o.max_vus, 10);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_shortcuts__iterations_is_shared)
{
	k6c__options o;
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"vus\":2,\"iterations\":10}", NULL, 0, NULL), 0);
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_SHARED_ITERATIONS);
	ck_assert_uint_eq(o.scenarios[0].iterations, 10);
	ck_assert_double_eq_tol(o.scenarios[0].max_duration_ms, 600000, 1e-6);
	ck_assert_int_eq(k6c__options_describe_scenario(&o.scenarios[0], &b), 0);
	ck_assert_str_eq(b.ptr, "10 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)");
	k6c__buf_free(&b);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_tiers__override_wins_and_replaces_exec_group)
{
	k6c__options o;
	const char *env[] = { "K6_VUS", "3", "PATH", "/bin" };

	/* The script says duration; the override says iterations: the whole
	 * execution group comes from the override, vus from the env tier. */
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"vus\":10,\"duration\":\"30s\"}", env, 2,
		"{\"iterations\":7}"), 0);
	ck_assert_int_eq(o.scenarios[0].executor, K6C__EXEC_SHARED_ITERATIONS);
	ck_assert_uint_eq(o.scenarios[0].iterations, 7);
	ck_assert_uint_eq(o.scenarios[0].vus, 3);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_tiers__env_duration)
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
	ck_assert_ptr_nonnull(strstr(last_message(), "K6_THRESHOLDS"));
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"thresholds\":[\"count>1\"]}", NULL, 0, NULL),
		K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(last_message(), "\"thresholds\""));
}
END_TEST

START_TEST(test_engine_options_errors__bad_duration_names_option_and_value)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"duration\":\"abc\"}", NULL, 0, NULL), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(last_message(), "duration"));
	ck_assert_ptr_nonnull(strstr(last_message(), "abc"));
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, NULL, NULL, 0, "{\"vus\":-1}"), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(last_message(), "vus"));
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"summaryTrendStats\":[\"avg\",\"p(101)\"]}", NULL, 0, NULL),
		K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(last_message(), "p(101)"));
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"summaryTimeUnit\":\"min\"}", NULL, 0, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "{\"vus\":5,\"iterations\":2}", NULL, 0, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL, "[1]", NULL, 0, NULL), K6C_ECONFIG);
}
END_TEST

START_TEST(test_engine_options_errors__conflicting_shortcuts)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"duration\":\"1s\",\"stages\":[{\"duration\":\"1s\",\"target\":1}]}", NULL, 0, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"iterations\":1,\"scenarios\":{\"a\":{\"executor\":\"constant-vus\",\"duration\":\"1s\"}}}",
		NULL, 0, NULL), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(last_message(), "scenarios"));
}
END_TEST

START_TEST(test_engine_options_scenarios__supported_and_unsupported)
{
	k6c__options o;

	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"scenarios\":{\"a\":{\"executor\":\"per-vu-iterations\",\"vus\":3,\"iterations\":4,"
		"\"gracefulStop\":\"5s\",\"exec\":\"fn\"},\"b\":{\"executor\":\"constant-vus\",\"vus\":2,"
		"\"duration\":\"10s\",\"startTime\":\"2s\"}}}", NULL, 0, NULL), 0);
	ck_assert_uint_eq(o.nscenarios, 2);
	ck_assert_str_eq(o.scenarios[0].exec, "fn");
	ck_assert_double_eq_tol(o.scenarios[0].graceful_stop_ms, 5000, 1e-6);
	ck_assert_double_eq_tol(o.scenarios[1].start_time_ms, 2000, 1e-6);
	ck_assert_uint_eq(o.max_vus, 3);
	k6c__options_free(&o);
	/* Executors of the scenarios issue fail loudly, not silently. */
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"scenarios\":{\"a\":{\"executor\":\"ramping-vus\",\"stages\":[]}}}", NULL, 0, NULL), K6C_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(last_message(), "ramping-vus"));
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"scenarios\":{\"a\":{\"executor\":\"bogus\"}}}", NULL, 0, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c__options_consolidate(&o, NULL,
		"{\"stages\":[{\"duration\":\"1s\",\"target\":1}]}", NULL, 0, NULL), K6C_ENOTSUP);
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
	tcase_add_test(tc, test_engine_options_tiers__override_wins_and_replaces_exec_group);
	tcase_add_test(tc, test_engine_options_tiers__env_duration);
	tcase_add_test(tc, test_engine_options_tiers__thresholds_replaced_wholesale);
	tcase_add_test(tc, test_engine_options_errors__bad_duration_names_option_and_value);
	tcase_add_test(tc, test_engine_options_errors__conflicting_shortcuts);
	tcase_add_test(tc, test_engine_options_scenarios__supported_and_unsupported);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
