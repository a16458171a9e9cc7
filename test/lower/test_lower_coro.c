/*
 * test_lower_coro.c - generators and async functions of lowered code in real
 * VUs, through the public API, once per lowering path (K6C_LOWER=fast: the
 * bodies run on Duktape threads; K6C_LOWER=babel: regenerator): an abort
 * stops a busy loop inside a generator body and inside an async body
 * resumed from the job queue (exit code 105), and 10,000 generators kept
 * suspended at once all resume correctly. The peak memory of that run is
 * printed for the record, not asserted.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <k6c.h>

#include "server.h"
#include "tcapture.h"
#include "tjson.h"

static const char *const modes[] = { "fast", "babel" };

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static k6c_test *new_test(const char *file, const char *mode, tcap *cap)
{
	char path[1024];
	k6c_test *t;

	snprintf(path, sizeof(path), "%s/lower/vu/%s", ts_srcdir(), file);
	ck_assert_int_eq(setenv("K6C_LOWER", mode, 1), 0);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(t, path), 0);
	/* No cache: each run lowers through its own path. */
	ck_assert_int_eq(k6c_test_set_cache_dir(t, ""), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_options(t, "{\"vus\":1,\"iterations\":1}"), 0);
	return t;
}

/* Starts the script, waits until it logged `inside` (it is then in its
 * busy loop), aborts it and expects exit code 105. */
static void check_abort(const char *file, const char *inside, const char *mode)
{
	tcap cap;
	k6c_test *t;
	int waited = 0;

	tcap_init(&cap);
	t = new_test(file, mode, &cap);
	ck_assert_int_eq(k6c_test_start(t), 0);
	/* Lowering with Babel on a cold lowerer takes seconds. */
	while (tcap_count(&cap, -1, inside) == 0 && waited < 60000) {
		sleep_ms(50);
		waited += 50;
	}
	if (tcap_count(&cap, -1, inside) == 0)
		tcap_dump(&cap, stdout);
	ck_assert_msg(tcap_count(&cap, -1, inside) == 1, "%s (K6C_LOWER=%s) never logged \"%s\"", file, mode,
		inside);
	sleep_ms(300);
	k6c_test_abort(t);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	ck_assert_int_eq(k6c_test_exit_code(t), 105);
	k6c_test_free(t);
	tcap_free(&cap);
}

START_TEST(test_lower_coro_abort__generator)
{
	check_abort("busy_generator.js", "inside the generator", modes[_i]);
}
END_TEST

START_TEST(test_lower_coro_abort__async)
{
	check_abort("busy_async.js", "inside the async function", modes[_i]);
}
END_TEST

static double checks_field(const char *summary, const char *field)
{
	char err[128];
	tj *doc = tj_parse(summary, err, sizeof(err));
	double v;

	ck_assert_msg(doc != NULL, "summary: %s", err);
	v = tj_num(tj_getv(doc, "metrics", "checks", "values", field, NULL), -1);
	tj_free(doc);
	return v;
}

START_TEST(test_lower_coro_memory__many_suspended)
{
	tcap cap;
	k6c_test *t;
	struct rusage before, after;

	tcap_init(&cap);
	t = new_test("many_generators.js", modes[_i], &cap);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &before), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &after), 0);
	if (k6c_test_exit_code(t) != 0)
		tcap_dump(&cap, stdout);
	ck_assert_int_eq(k6c_test_exit_code(t), 0);
	ck_assert_ptr_nonnull(k6c_test_summary_json(t));
	ck_assert(checks_field(k6c_test_summary_json(t), "passes") == 2);
	ck_assert(checks_field(k6c_test_summary_json(t), "fails") == 0);
	printf("many_generators.js (K6C_LOWER=%s): peak RSS of the test process %ld KiB (%ld KiB before the run)\n",
		modes[_i], after.ru_maxrss, before.ru_maxrss);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lower_coro");
	TCase *tc = tcase_create("coro");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_lower_coro_abort__generator, 0, 2);
	tcase_add_loop_test(tc, test_lower_coro_abort__async, 0, 2);
	tcase_add_loop_test(tc, test_lower_coro_memory__many_suspended, 0, 2);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
