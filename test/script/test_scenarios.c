/*
 * test_scenarios.c - script tier for issue 3: every executor, several
 * scenarios in one test, the lifecycle and its abort paths, k6/execution and
 * option precedence, each through the public API with the scripts of
 * test/script/scenarios against one local httpbin.
 *
 * Counts are exact where k6 makes them exact (shared and per-VU iterations,
 * the arrivals of an arrival-rate schedule within one); VU curves are
 * sampled with k6c_test_progress() from this thread while the test runs on
 * its runner thread (k6c_test_start), and checked in loose windows so a
 * noisy two-core machine does not fail them. Nothing asserts on speed. Each
 * run prints its log and summary to help find the cause of a failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strcasestr */
#endif
#include <check.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>

#include "server.h"
#include "tfile.h"
#include "tcapture.h"
#include "tjson.h"

static ts_server httpbin;
static int httpbin_up;

/* One test run and what it produced. */
typedef struct srun {
	const char *file;
	k6c_test *t;
	tcap cap;
	tj *doc;       /* the summary JSON, parsed; NULL if there is none */
	int rc;        /* what k6c_test_run/k6c_test_wait returned */
	int exit_code;
	double elapsed;
	double t0;
} srun;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) < 0)
		;
}

/* A test of test/script/scenarios/<file> with the log captured and BASE_URL
 * in __ENV; options (JSON, API tier) if not NULL. */
static void sr_new(srun *r, const char *file, const char *options)
{
	char path[PATH_MAX];

	memset(r, 0, sizeof(*r));
	r->file = file;
	tcap_init(&r->cap);
	ck_assert_msg(httpbin_up, "httpbin did not start");
	snprintf(path, sizeof(path), "%s/script/scenarios/%s", ts_srcdir(), file);
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "BASE_URL", httpbin.base_url), 0);
	if (options)
		ck_assert_int_eq(k6c_test_set_options(r->t, options), 0);
}

static void sr_env(srun *r, const char *key, const char *value)
{
	ck_assert_int_eq(k6c_test_set_env(r->t, key, value), 0);
}

/* Prints the log and the summaries, so a failure can be diagnosed from the
 * test output alone. */
static void sr_show(srun *r)
{
	const char *text = k6c_test_summary_text(r->t);
	const char *err = k6c_test_summary_stderr(r->t);

	fprintf(stderr, "---- %s: run returned %d, exit code %d, %.2f s, %zu log lines\n", r->file,
		r->rc, r->exit_code, r->elapsed, r->cap.n);
	tcap_dump(&r->cap, stderr);
	if (text)
		fprintf(stderr, "---- %s summary:\n%s\n", r->file, text);
	if (err)
		fprintf(stderr, "---- %s summary stderr:\n%s\n", r->file, err);
}

/* After the run: the verdict and the parsed summary. */
static void sr_finish(srun *r)
{
	const char *json;
	char err[128];

	r->elapsed = now_s() - r->t0;
	r->exit_code = k6c_test_exit_code(r->t);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "%s: summary is not valid JSON: %s", r->file, err);
	}
	sr_show(r);
	ck_assert_msg(r->rc == 0, "%s: the run returned %d (%s)", r->file, r->rc,
		k6c_error_last() ? k6c_error_last()->message : "");
}

static void sr_run(srun *r)
{
	r->t0 = now_s();
	r->rc = k6c_test_run(r->t);
	sr_finish(r);
}

static void sr_start(srun *r)
{
	r->t0 = now_s();
	ck_assert_int_eq(k6c_test_start(r->t), 0);
}

static void sr_wait(srun *r)
{
	r->rc = k6c_test_wait(r->t);
	sr_finish(r);
}

static void sr_free(srun *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

static double metric(const srun *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

/* A counter that was never added to may be missing from the summary. */
static double metric0(const srun *r, const char *name, const char *field)
{
	double v = metric(r, name, field);
	return isnan(v) ? 0 : v;
}

#define ck_assert_metric_eq(r, name, field, want) do { \
	double got_ = metric((r), (name), (field)); \
	ck_assert_msg(got_ == (double)(want), "metrics[\"%s\"].values.%s is %g, expected %g", \
		(name), (field), got_, (double)(want)); \
} while (0)

#define ck_assert_between(what, v, lo, hi) do { \
	double v_ = (double)(v); \
	ck_assert_msg(v_ >= (double)(lo) && v_ <= (double)(hi), "%s is %g, expected %g..%g", \
		(what), v_, (double)(lo), (double)(hi)); \
} while (0)

/* The index of the first log line containing needle at or after from, or -1. */
static long line_index(srun *r, const char *needle, size_t from)
{
	for (size_t i = from; i < r->cap.n; i++) {
		if (strstr(r->cap.lines[i].msg, needle))
			return (long)i;
	}
	return -1;
}

static long line_last(srun *r, const char *needle)
{
	for (size_t i = r->cap.n; i-- > 0;) {
		if (strstr(r->cap.lines[i].msg, needle))
			return (long)i;
	}
	return -1;
}

/* Log lines that start with prefix. */
static size_t count_prefix(srun *r, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < r->cap.n; i++)
		n += !strncmp(r->cap.lines[i].msg, prefix, strlen(prefix));
	return n;
}

/* The number that follows key ("vu=") in line, or -1. */
static long field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Whether any log line or the last error message contains every needle
 * (case-insensitively; NULL-terminated list), e.g. the option and the value
 * a configuration error must name. */
static int message_names(srun *r, const char *a, const char *b)
{
	const k6c_error *e = k6c_error_last();

	for (size_t i = 0; i < r->cap.n; i++) {
		if (strcasestr(r->cap.lines[i].msg, a) && (!b || strcasestr(r->cap.lines[i].msg, b)))
			return 1;
	}
	return e && e->message && strcasestr(e->message, a) && (!b || strcasestr(e->message, b));
}

/* ---- progress sampling --------------------------------------------------- */

typedef struct sample {
	double t;          /* seconds since sr_start */
	k6c_scenario_progress p;
} sample;

/* Polls scenario index every interval until it is done (or timeout), into
 * out[0..max); returns the count. The test keeps running on its runner
 * thread; the caller then calls sr_wait. */
static size_t sample_until_done(srun *r, size_t index, sample *out, size_t max, double interval,
	double timeout)
{
	size_t n = 0;
	double until = now_s() + timeout;

	while (now_s() < until) {
		k6c_scenario_progress p;
		if (k6c_test_progress(r->t, index, &p) == 0) {
			if (n < max) {
				out[n].t = now_s() - r->t0;
				out[n].p = p;
				n++;
			}
			if (p.state == K6C_SCENARIO_DONE)
				break;
		}
		sleep_s(interval);
	}
	return n;
}

/* Waits until cond(progress of scenario 0) holds, up to timeout seconds;
 * returns 1 if it did, and the last snapshot in *last. */
static int wait_progress(srun *r, int (*cond)(const k6c_scenario_progress *, unsigned), unsigned arg,
	double timeout, k6c_scenario_progress *last)
{
	double until = now_s() + timeout;

	memset(last, 0, sizeof(*last));
	while (now_s() < until) {
		if (k6c_test_progress(r->t, 0, last) == 0 && cond(last, arg))
			return 1;
		sleep_s(0.05);
	}
	return 0;
}

static int is_running(const k6c_scenario_progress *p, unsigned arg)
{
	(void)arg;
	return p->state == K6C_SCENARIO_RUNNING;
}

static int active_is(const k6c_scenario_progress *p, unsigned want)
{
	return p->state == K6C_SCENARIO_RUNNING && p->vus_active == want;
}

/* ---- executors ------------------------------------------------------------ */

/* Every "iter vu=V iter=I sc=S" line: the global iteration numbers S must be
 * exactly 0..n-1, each once, and the VU ids within 1..vus. */
static void assert_iteration_lines(srun *r, long n, long vus)
{
	char *seen = calloc((size_t)n + 1, 1);
	long count = 0;

	ck_assert_ptr_nonnull(seen);
	for (size_t i = 0; i < r->cap.n; i++) {
		const char *l = r->cap.lines[i].msg;
		long sc, vu;
		if (strncmp(l, "iter vu=", 8) != 0)
			continue;
		count++;
		sc = field(l, "sc=");
		vu = field(l, "vu=");
		ck_assert_msg(sc >= 0 && sc < n, "iteration number out of 0..%ld: %s", n - 1, l);
		ck_assert_msg(!seen[sc], "iteration number %ld twice: %s", sc, l);
		seen[sc] = 1;
		ck_assert_msg(vu >= 1 && vu <= vus, "VU id out of 1..%ld: %s", vus, l);
	}
	ck_assert_msg(count == n, "%ld iteration lines, expected %ld", count, n);
	free(seen);
}

START_TEST(test_executor_shared_iterations__exact_count)
{
	srun r;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"s\":{\"executor\":\"shared-iterations\",\"vus\":5,\"iterations\":37}}}");
	sr_env(&r, "LOG", "1");
	sr_env(&r, "SLEEP", "0.01");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_metric_eq(&r, "iterations", "count", 37);
	ck_assert_metric_eq(&r, "vus_max", "value", 5);
	assert_iteration_lines(&r, 37, 5);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	/* No due times in a closed model: no such trend. */
	ck_assert(isnan(metric(&r, "iteration_duration_from_schedule", "avg")));
	sr_free(&r);
}
END_TEST

START_TEST(test_executor_per_vu_iterations__exact_per_vu)
{
	srun r;
	int per_vu[5] = { 0 };

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"p\":{\"executor\":\"per-vu-iterations\",\"vus\":4,\"iterations\":7}}}");
	sr_env(&r, "LOG", "1");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_metric_eq(&r, "iterations", "count", 28);
	assert_iteration_lines(&r, 28, 4);
	for (size_t i = 0; i < r.cap.n; i++) {
		const char *l = r.cap.lines[i].msg;
		long vu = field(l, "vu="), it = field(l, "iter=");
		if (strncmp(l, "iter vu=", 8) != 0)
			continue;
		ck_assert_msg(it == per_vu[vu], "VU %ld ran iteration %ld after %d: %s", vu, it,
			per_vu[vu], l);
		per_vu[vu]++;
	}
	for (int vu = 1; vu <= 4; vu++)
		ck_assert_msg(per_vu[vu] == 7, "VU %d ran %d iterations, expected 7", vu, per_vu[vu]);
	sr_free(&r);
}
END_TEST

START_TEST(test_executor_constant_vus__all_vus_loop)
{
	srun r;
	int seen[4] = { 0 };
	k6c_scenario_progress p;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"c\":{\"executor\":\"constant-vus\",\"vus\":3,\"duration\":\"1500ms\"}}}");
	sr_env(&r, "LOG", "1");
	sr_env(&r, "SLEEP", "0.1");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	for (size_t i = 0; i < r.cap.n; i++) {
		long vu;
		if (strncmp(r.cap.lines[i].msg, "iter vu=", 8) != 0)
			continue;
		vu = field(r.cap.lines[i].msg, "vu=");
		ck_assert_msg(vu >= 1 && vu <= 3, "VU id %ld out of 1..3", vu);
		seen[vu]++;
	}
	for (int vu = 1; vu <= 3; vu++)
		ck_assert_msg(seen[vu] >= 2, "VU %d ran %d iterations in 1.5 s of 0.1 s each", vu, seen[vu]);
	ck_assert_metric_eq(&r, "vus_max", "value", 3);
	ck_assert_metric_eq(&r, "vus", "max", 3);
	/* Between runs the progress reports the final state. */
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	ck_assert_str_eq(p.name, "c");
	ck_assert_str_eq(p.executor, "constant-vus");
	ck_assert_int_eq(p.state, K6C_SCENARIO_DONE);
	ck_assert_msg((double)p.iterations_complete == metric(&r, "iterations", "count"),
		"progress says %llu iterations, the summary %g",
		(unsigned long long)p.iterations_complete, metric(&r, "iterations", "count"));
	ck_assert_int_eq(k6c_test_progress(r.t, 1, &p), K6C_ENOTFOUND);
	sr_free(&r);
}
END_TEST

/* Stages 0 -> 4 VUs over 2 s, then 4 -> 0 over 1 s: the active VUs sampled
 * from this thread rise, peak at 3 or 4 and fall. */
START_TEST(test_executor_ramping_vus__curve)
{
	srun r;
	static sample s[400];
	size_t n, peak_at = 0;
	unsigned peak = 0;
	int early = 0, mid = 0, late = 0;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"r\":{\"executor\":\"ramping-vus\",\"startVUs\":0,"
		"\"stages\":[{\"duration\":\"2s\",\"target\":4},{\"duration\":\"1s\",\"target\":0}],"
		"\"gracefulRampDown\":\"0s\"}}}");
	sr_env(&r, "SLEEP", "0.05");
	sr_start(&r);
	n = sample_until_done(&r, 0, s, 400, 0.05, 30);
	sr_wait(&r);
	ck_assert_int_eq(r.exit_code, 0);
	for (size_t i = 0; i < n; i++) {
		const k6c_scenario_progress *p = &s[i].p;
		fprintf(stderr, "ramping sample %.2f s: state %d elapsed %.0f ms active %u max %u\n",
			s[i].t, p->state, p->elapsed_ms, p->vus_active, p->vus_max);
		if (p->state != K6C_SCENARIO_RUNNING)
			continue;
		ck_assert_msg(p->vus_active <= 4, "%u active VUs at %.0f ms, the plan peaks at 4",
			p->vus_active, p->elapsed_ms);
		if (p->vus_active > peak) {
			peak = p->vus_active;
			peak_at = i;
		}
		/* The target is 1 at 0.5 s, 2 at 1 s, 4 at 2 s, 2 at 2.5 s. */
		if (p->elapsed_ms >= 100 && p->elapsed_ms <= 700) {
			early++;
			ck_assert_msg(p->vus_active <= 2, "%u active VUs at %.0f ms (target 0-1.4)",
				p->vus_active, p->elapsed_ms);
		}
		if (p->elapsed_ms >= 1800 && p->elapsed_ms <= 2200) {
			mid++;
			ck_assert_msg(p->vus_active >= 2, "%u active VUs at %.0f ms (target 3.6-4)",
				p->vus_active, p->elapsed_ms);
		}
		if (p->elapsed_ms >= 2800 && p->elapsed_ms < 3000) {
			late++;
			ck_assert_msg(p->vus_active <= 2, "%u active VUs at %.0f ms (target below 1)",
				p->vus_active, p->elapsed_ms);
		}
	}
	ck_assert_msg(early > 0 && mid > 0, "too few samples: %d early, %d in the middle", early, mid);
	(void)late;
	ck_assert_msg(peak >= 3, "the active VUs peaked at %u, expected 3 or 4", peak);
	/* It rose to the peak and fell after it. */
	ck_assert_msg(peak_at > 0 && s[0].p.vus_active < peak, "no rise before the peak");
	{
		int fell = 0;
		for (size_t i = peak_at; i < n; i++)
			fell |= s[i].p.state == K6C_SCENARIO_RUNNING && s[i].p.vus_active < peak;
		ck_assert_msg(fell, "the active VUs never fell after the peak");
	}
	ck_assert_metric_eq(&r, "vus_max", "value", 4);
	ck_assert_msg(metric(&r, "vus", "max") <= 4, "vus max %g", metric(&r, "vus", "max"));
	ck_assert_msg(metric(&r, "iterations", "count") > 10, "only %g iterations",
		metric(&r, "iterations", "count"));
	sr_free(&r);
}
END_TEST

/* Two VUs in a 10 s sleep are ramped down at 0.5-1 s with a 300 ms
 * gracefulRampDown: they are interrupted long before their sleep ends (the
 * default gracefulStop of 30 s would otherwise let them finish at 10 s). */
START_TEST(test_executor_ramping_vus__graceful_ramp_down_interrupts)
{
	srun r;
	static sample s[400];
	size_t n;
	double interrupted_at = -1;
	k6c_scenario_progress p;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"r\":{\"executor\":\"ramping-vus\",\"startVUs\":2,"
		"\"stages\":[{\"duration\":\"500ms\",\"target\":2},{\"duration\":\"500ms\",\"target\":0},"
		"{\"duration\":\"1500ms\",\"target\":0}],\"gracefulRampDown\":\"300ms\"}}}");
	sr_env(&r, "LOG", "1");
	sr_env(&r, "SLEEP", "10");
	sr_start(&r);
	n = sample_until_done(&r, 0, s, 400, 0.05, 30);
	sr_wait(&r);
	for (size_t i = 0; i < n; i++) {
		if (s[i].p.iterations_interrupted >= 2 && interrupted_at < 0)
			interrupted_at = s[i].p.elapsed_ms;
	}
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(r.elapsed < 8, "the run took %.1f s: the 10 s iterations were not interrupted",
		r.elapsed);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "iter vu="), 2);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "done vu="), 0);
	ck_assert_msg(metric0(&r, "iterations", "count") == 0, "%g interrupted iterations counted",
		metric(&r, "iterations", "count"));
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	ck_assert_msg(p.iterations_interrupted == 2, "%llu iterations interrupted, expected 2",
		(unsigned long long)p.iterations_interrupted);
	/* Interrupted by the ramp-down (by 1.3 s), not at the end of the stages
	 * (2.5 s); the samples are 50 ms apart. */
	ck_assert_msg(interrupted_at >= 0 && interrupted_at < 2300,
		"the iterations were interrupted at %.0f ms of the scenario", interrupted_at);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	sr_free(&r);
}
END_TEST

/* An iteration still running when gracefulStop ends is interrupted, whether
 * it sleeps, waits for an HTTP response or loops in JavaScript; it is
 * counted as interrupted and emits no iterations sample. */
static const char *const stuck_modes[] = { "sleep", "http", "busy" };

START_TEST(test_executor_graceful_stop__interrupts_stuck_iteration)
{
	srun r;
	k6c_scenario_progress p;
	char want[32];

	sr_new(&r, "stuck.js",
		"{\"scenarios\":{\"c\":{\"executor\":\"constant-vus\",\"vus\":1,\"duration\":\"500ms\","
		"\"gracefulStop\":\"500ms\"}}}");
	sr_env(&r, "MODE", stuck_modes[_i]);
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	snprintf(want, sizeof(want), "stuck start %s", stuck_modes[_i]);
	ck_assert_msg(tcap_find(&r.cap, -1, want) != NULL, "the iteration did not start");
	ck_assert_msg(r.elapsed < 7, "%s: the run took %.1f s, the iteration was not interrupted "
		"after gracefulStop", stuck_modes[_i], r.elapsed);
	ck_assert_msg(tcap_find(&r.cap, -1, "stuck end") == NULL, "the iteration finished");
	ck_assert_msg(metric0(&r, "iterations", "count") == 0, "%g iterations counted",
		metric(&r, "iterations", "count"));
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	ck_assert_msg(p.iterations_interrupted == 1, "%llu interrupted iterations, expected 1",
		(unsigned long long)p.iterations_interrupted);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	sr_free(&r);
}
END_TEST

/* 20 arrivals a second for 2 s with enough VUs: 40 iterations (+-1 for
 * the boundary), none dropped, global numbers 0..n-1. */
START_TEST(test_executor_constant_arrival_rate__count)
{
	srun r;
	double it;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"c\":{\"executor\":\"constant-arrival-rate\",\"rate\":20,\"timeUnit\":\"1s\","
		"\"duration\":\"2s\",\"preAllocatedVUs\":5,\"maxVUs\":5}}}");
	sr_env(&r, "LOG", "1");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	it = metric(&r, "iterations", "count");
	ck_assert_between("iterations", it, 39, 41);
	ck_assert_msg(metric0(&r, "dropped_iterations", "count") == 0, "%g dropped with 5 free VUs",
		metric(&r, "dropped_iterations", "count"));
	assert_iteration_lines(&r, (long)it, 5);
	/* Measured from the due times, so never shorter than from the starts. */
	ck_assert_msg(metric(&r, "iteration_duration_from_schedule", "min") >=
		metric(&r, "iteration_duration", "min"), "from_schedule min %g < iteration_duration min %g",
		metric(&r, "iteration_duration_from_schedule", "min"), metric(&r, "iteration_duration", "min"));
	ck_assert(metric(&r, "iteration_duration_from_schedule", "max") >=
		metric(&r, "iteration_duration", "max"));
	sr_free(&r);
}
END_TEST

/* One VU taking 0.5 s per iteration cannot keep up with 20/s: the
 * arrivals it misses are dropped, and started plus dropped is still 40. */
START_TEST(test_executor_constant_arrival_rate__dropped)
{
	srun r;
	double it, dropped;
	k6c_scenario_progress p;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"c\":{\"executor\":\"constant-arrival-rate\",\"rate\":20,\"timeUnit\":\"1s\","
		"\"duration\":\"2s\",\"preAllocatedVUs\":1,\"maxVUs\":1}}}");
	sr_env(&r, "SLEEP", "0.5");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	it = metric(&r, "iterations", "count");
	dropped = metric(&r, "dropped_iterations", "count");
	ck_assert_msg(dropped > 0, "no dropped_iterations (%g)", dropped);
	ck_assert_between("iterations", it, 2, 6);
	ck_assert_between("iterations + dropped_iterations", it + dropped, 39, 41);
	ck_assert_metric_eq(&r, "vus_max", "value", 1);
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	ck_assert_msg((double)p.iterations_dropped == dropped, "progress: %llu dropped, summary %g",
		(unsigned long long)p.iterations_dropped, dropped);
	sr_free(&r);
}
END_TEST

/* 20/s of 0.3 s iterations need about 6 VUs: starting from 1 pre-allocated
 * VU the executor initialises more, up to maxVUs 10. */
START_TEST(test_executor_constant_arrival_rate__max_vus_growth)
{
	srun r;
	double it, dropped, vmax;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"c\":{\"executor\":\"constant-arrival-rate\",\"rate\":20,\"timeUnit\":\"1s\","
		"\"duration\":\"2s\",\"preAllocatedVUs\":1,\"maxVUs\":10}}}");
	sr_env(&r, "SLEEP", "0.3");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	it = metric(&r, "iterations", "count");
	dropped = metric0(&r, "dropped_iterations", "count");
	vmax = metric(&r, "vus_max", "max");
	ck_assert_msg(vmax > 1 && vmax <= 10, "vus_max peaked at %g, expected 2..10", vmax);
	ck_assert_between("iterations + dropped_iterations", it + dropped, 39, 41);
	/* Most arrivals found a VU once the pool had grown. */
	ck_assert_msg(it >= 20, "only %g iterations", it);
	sr_free(&r);
}
END_TEST

/* The area under the rate curve: 0 -> 10/s over 1 s (5), 10/s for 1 s (10),
 * 10 -> 0 over 1 s (5): 20 iterations, +-1. */
START_TEST(test_executor_ramping_arrival_rate__area)
{
	srun r;
	double it;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"r\":{\"executor\":\"ramping-arrival-rate\",\"startRate\":0,\"timeUnit\":\"1s\","
		"\"preAllocatedVUs\":5,\"maxVUs\":5,\"stages\":[{\"duration\":\"1s\",\"target\":10},"
		"{\"duration\":\"1s\",\"target\":10},{\"duration\":\"1s\",\"target\":0}]}}}");
	sr_env(&r, "LOG", "1");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	it = metric(&r, "iterations", "count");
	ck_assert_between("iterations", it, 19, 21);
	ck_assert_msg(metric0(&r, "dropped_iterations", "count") == 0, "%g dropped",
		metric(&r, "dropped_iterations", "count"));
	assert_iteration_lines(&r, (long)it, 5);
	sr_free(&r);
}
END_TEST

/* timeUnit other than 1 s: startRate 5 per 500 ms is 10/s; 10/s for 1 s
 * (10) then down to 0 over 1 s (5): 15, +-1. */
START_TEST(test_executor_ramping_arrival_rate__time_unit)
{
	srun r;

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"r\":{\"executor\":\"ramping-arrival-rate\",\"startRate\":5,"
		"\"timeUnit\":\"500ms\",\"preAllocatedVUs\":3,\"maxVUs\":3,"
		"\"stages\":[{\"duration\":\"1s\",\"target\":5},{\"duration\":\"1s\",\"target\":0}]}}}");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_between("iterations", metric(&r, "iterations", "count"), 14, 16);
	sr_free(&r);
}
END_TEST

static uint64_t complete_now(srun *r)
{
	k6c_scenario_progress p;
	ck_assert_int_eq(k6c_test_progress(r->t, 0, &p), 0);
	return p.iterations_complete;
}

/* An externally-controlled scenario scaled up and down from this thread,
 * then paused (iterations stop, the clock stops) and resumed. */
START_TEST(test_executor_externally_controlled__scale_and_pause)
{
	srun r;
	k6c_scenario_progress p;
	uint64_t before, during, after;
	double e1, e2;
	int distinct = 0, seen[9] = { 0 };

	sr_new(&r, "workload.js",
		"{\"scenarios\":{\"ext\":{\"executor\":\"externally-controlled\",\"vus\":1,\"maxVUs\":5,"
		"\"duration\":\"4s\"}}}");
	sr_env(&r, "LOG", "1");
	sr_env(&r, "SLEEP", "0.05");
	ck_assert_int_eq(k6c_test_scale(r.t, "ext", 2, 0), K6C_ESTATE);
	sr_start(&r);
	ck_assert_msg(wait_progress(&r, is_running, 0, 30, &p), "the scenario did not start");
	ck_assert_str_eq(p.executor, "externally-controlled");
	sleep_s(0.3);
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	ck_assert_msg(p.vus_active == 1, "%u active VUs before scaling, expected 1", p.vus_active);

	ck_assert_int_eq(k6c_test_scale(r.t, "ext", 4, 0), 0);
	ck_assert_msg(wait_progress(&r, active_is, 4, 3, &p), "scaled to 4, %u active", p.vus_active);
	ck_assert_int_eq(k6c_test_scale(r.t, NULL, 2, 0), 0);
	ck_assert_msg(wait_progress(&r, active_is, 2, 3, &p), "scaled to 2, %u active", p.vus_active);
	/* Over the maximum, an unknown scenario. */
	ck_assert_int_eq(k6c_test_scale(r.t, "ext", 6, 0), K6C_EINVAL);
	ck_assert_int_eq(k6c_test_scale(r.t, "nope", 1, 0), K6C_ENOTFOUND);
	/* A higher maximum initialises more VUs. */
	ck_assert_int_eq(k6c_test_scale(r.t, "ext", 6, 8), 0);
	ck_assert_msg(wait_progress(&r, active_is, 6, 5, &p), "scaled to 6 of 8, %u active",
		p.vus_active);
	ck_assert_msg(p.vus_max >= 6 && p.vus_max <= 8, "vus_max %u after raising it to 8", p.vus_max);

	/* Paused: running iterations (50 ms) finish, then nothing starts. */
	ck_assert_int_eq(k6c_test_set_paused(r.t, 1), 0);
	sleep_s(0.4);
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	before = p.iterations_complete;
	e1 = p.elapsed_ms;
	sleep_s(0.8);
	ck_assert_int_eq(k6c_test_progress(r.t, 0, &p), 0);
	during = p.iterations_complete;
	e2 = p.elapsed_ms;
	ck_assert_msg(during == before, "iterations went on while paused: %llu -> %llu",
		(unsigned long long)before, (unsigned long long)during);
	ck_assert_msg(e2 - e1 < 300, "the scenario clock ran %.0f ms of 800 while paused", e2 - e1);
	ck_assert_int_eq(k6c_test_set_paused(r.t, 0), 0);
	sleep_s(0.5);
	after = complete_now(&r);
	ck_assert_msg(after > during, "no iterations after resuming (%llu)", (unsigned long long)after);
	sr_wait(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(r.elapsed >= 4.5, "the 4 s scenario paused for 1.2 s ended after %.1f s",
		r.elapsed);
	for (size_t i = 0; i < r.cap.n; i++) {
		long vu;
		if (strncmp(r.cap.lines[i].msg, "iter vu=", 8) != 0)
			continue;
		vu = field(r.cap.lines[i].msg, "vu=");
		ck_assert_msg(vu >= 1 && vu <= 8, "VU id %ld out of 1..8", vu);
		distinct += !seen[vu]++;
	}
	ck_assert_msg(distinct >= 6, "only %d distinct VUs ran iterations", distinct);
	ck_assert_msg(metric(&r, "vus", "max") >= 6, "vus max %g", metric(&r, "vus", "max"));
	sr_free(&r);
}
END_TEST

/* Started paused: the VUs are initialised but not even setup runs until
 * the host resumes. */
START_TEST(test_paused_start__waits_for_resume)
{
	srun r;

	sr_new(&r, "timeouts.js", NULL);
	ck_assert_int_eq(k6c_test_set_paused(r.t, 1), 0);
	sr_start(&r);
	sleep_s(1.5);
	ck_assert_msg(tcap_find(&r.cap, -1, "setup start") == NULL, "setup ran while paused");
	ck_assert_msg(tcap_find(&r.cap, -1, "iteration ran") == NULL, "an iteration ran while paused");
	ck_assert_int_eq(k6c_test_set_paused(r.t, 0), 0);
	sr_wait(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "iteration ran"), 1);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown end") != NULL, "teardown did not run");
	sr_free(&r);
}
END_TEST

/* ---- several scenarios ---------------------------------------------------- */

START_TEST(test_multi__scenarios_env_tags_start_time)
{
	srun r;
	long first_start = -1, second_start = -1;
	k6c_scenario_progress p;
	int found = 0;

	sr_new(&r, "multi.js", NULL);
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_metric_eq(&r, "iterations", "count", 9);
	ck_assert_metric_eq(&r, "iterations{scenario:first}", "count", 6);
	ck_assert_metric_eq(&r, "iterations{scenario:second}", "count", 3);
	ck_assert_metric_eq(&r, "iterations{team:alpha}", "count", 6);
	ck_assert_metric_eq(&r, "iterations{team:beta}", "count", 3);
	ck_assert_metric_eq(&r, "http_reqs{scenario:second}", "count", 3);
	ck_assert_metric_eq(&r, "http_reqs{team:beta}", "count", 3);
	ck_assert_msg(metric0(&r, "http_reqs{scenario:first}", "count") == 0,
		"requests of the second scenario tagged first");
	ck_assert_int_eq(tcap_count(&r.cap, -1,
		"first who=first-env base=yes scenario=first executor=shared-iterations"), 6);
	ck_assert_int_eq(tcap_count(&r.cap, -1,
		"second who=second-env base=yes scenario=second executor=per-vu-iterations"), 3);
	ck_assert_msg(tcap_find(&r.cap, -1, "default must not run") == NULL, "default ran");
	for (size_t i = 0; i < r.cap.n; i++) {
		const char *l = r.cap.lines[i].msg;
		if (!strncmp(l, "first ", 6))
			first_start = field(l, "start=");
		if (!strncmp(l, "second ", 7)) {
			second_start = field(l, "start=");
			ck_assert_msg(field(l, "run_ms=") >= 900, "second ran before its startTime: %s", l);
		}
	}
	ck_assert_msg(second_start - first_start >= 900 && second_start - first_start < 10000,
		"scenario start times %ld and %ld are not 1 s apart", first_start, second_start);
	for (size_t i = 0; k6c_test_progress(r.t, i, &p) == 0; i++) {
		ck_assert_int_eq(p.state, K6C_SCENARIO_DONE);
		if (!strcmp(p.name, "first")) {
			ck_assert_str_eq(p.executor, "shared-iterations");
			ck_assert_int_eq(p.iterations_complete, 6);
			found |= 1;
		} else if (!strcmp(p.name, "second")) {
			ck_assert_str_eq(p.executor, "per-vu-iterations");
			ck_assert_int_eq(p.iterations_complete, 3);
			found |= 2;
		} else {
			ck_abort_msg("unexpected scenario %s in the progress", p.name);
		}
	}
	ck_assert_msg(found == 3, "the progress lists %s", found == 1 ? "only first" :
		found == 2 ? "only second" : "neither scenario");
	sr_free(&r);
}
END_TEST

/* ---- lifecycle ------------------------------------------------------------ */

START_TEST(test_lifecycle__order_and_setup_isolation)
{
	srun r;
	long setup_at, first_iter, last_iter, teardown_at, summary_at, last_init;
	int n_of[4] = { 0 };

	sr_new(&r, "lifecycle_order.js", NULL);
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	last_init = line_last(&r, "init vu=");
	setup_at = line_index(&r, "setup vu=", 0);
	first_iter = line_index(&r, "iteration vu=", 0);
	last_iter = line_last(&r, "iteration vu=");
	teardown_at = line_index(&r, "teardown n=", 0);
	summary_at = line_index(&r, "handleSummary iterations=9", 0);
	ck_assert_msg(tcap_count(&r.cap, -1, "init vu=") >= 4,
		"init ran %zu times, expected once to read options and once per VU (3)",
		tcap_count(&r.cap, -1, "init vu="));
	ck_assert_int_eq(tcap_count(&r.cap, -1, "setup vu="), 1);
	ck_assert_msg(tcap_find(&r.cap, -1, "setup vu=0") != NULL, "setup did not run as VU 0");
	ck_assert_int_eq(tcap_count(&r.cap, -1, "iteration vu="), 9);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "teardown n="), 1);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "handleSummary iterations="), 1);
	ck_assert_msg(last_init >= 0 && last_init < setup_at, "init (line %ld) after setup (%ld)",
		last_init, setup_at);
	ck_assert_msg(setup_at < first_iter, "setup (line %ld) after an iteration (%ld)", setup_at,
		first_iter);
	ck_assert_msg(last_iter < teardown_at, "an iteration (line %ld) after teardown (%ld)",
		last_iter, teardown_at);
	ck_assert_msg(teardown_at < summary_at, "teardown (line %ld) after handleSummary (%ld)",
		teardown_at, summary_at);
	/* Each VU has its own copy, kept across its own iterations. */
	for (size_t i = 0; i < r.cap.n; i++) {
		const char *l = r.cap.lines[i].msg;
		long vu, nn;
		char owner[16];
		if (strncmp(l, "iteration vu=", 13) != 0)
			continue;
		vu = field(l, "vu=");
		nn = field(l, "n=");
		ck_assert_msg(vu >= 1 && vu <= 3, "VU id %ld", vu);
		n_of[vu]++;
		ck_assert_msg(nn == n_of[vu], "VU %ld saw n=%ld in its iteration %d: %s", vu, nn,
			n_of[vu], l);
		ck_assert_msg(field(l, "seen=") == nn && field(l, "others=") == 0,
			"another VU's changes leaked into VU %ld: %s", vu, l);
		snprintf(owner, sizeof(owner), "owner=vu%ld", vu);
		ck_assert_msg(strstr(l, owner) != NULL, "nested object shared: %s", l);
	}
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown n=0 seen=0 owner=setup") != NULL,
		"teardown did not get a pristine copy of the setup data");
	ck_assert_ptr_nonnull(k6c_test_summary_text(r.t));
	ck_assert_str_eq(k6c_test_summary_text(r.t), "summary replaced\n");
	sr_free(&r);
}
END_TEST

START_TEST(test_lifecycle__setup_timeout_100)
{
	srun r;

	sr_new(&r, "timeouts.js", "{\"setupTimeout\":\"500ms\"}");
	sr_env(&r, "SETUP_SLEEP", "6");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 100);
	ck_assert_msg(r.elapsed < 5, "the setup timeout of 0.5 s took %.1f s", r.elapsed);
	ck_assert_msg(tcap_find(&r.cap, -1, "setup start") != NULL, "setup did not start");
	ck_assert_msg(tcap_find(&r.cap, -1, "setup end") == NULL, "setup was not interrupted");
	ck_assert_msg(tcap_find(&r.cap, -1, "iteration ran") == NULL, "iterations ran");
	sr_free(&r);
}
END_TEST

START_TEST(test_lifecycle__teardown_timeout_101)
{
	srun r;

	sr_new(&r, "timeouts.js", "{\"teardownTimeout\":\"500ms\"}");
	sr_env(&r, "TEARDOWN_SLEEP", "6");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 101);
	ck_assert_msg(r.elapsed < 5, "the teardown timeout of 0.5 s took %.1f s", r.elapsed);
	ck_assert_int_eq(tcap_count(&r.cap, -1, "iteration ran"), 1);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown start") != NULL, "teardown did not start");
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown end") == NULL, "teardown was not interrupted");
	ck_assert_ptr_nonnull(r.doc);
	sr_free(&r);
}
END_TEST

START_TEST(test_lifecycle__test_abort_108)
{
	srun r;

	sr_new(&r, "abort_paths.js", NULL);
	sr_env(&r, "MODE", "abort");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 108);
	ck_assert_int_eq(count_prefix(&r, "iteration "), 3);
	ck_assert_msg(tcap_find(&r.cap, -1, "after abort must not print") == NULL,
		"exec.test.abort() returned");
	ck_assert_msg(tcap_find(&r.cap, -1, "why") != NULL, "the abort reason was not logged");
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_between("iterations", metric0(&r, "iterations", "count"), 2, 3);
	sr_free(&r);
}
END_TEST

START_TEST(test_lifecycle__test_fail_110_goes_on)
{
	srun r;

	sr_new(&r, "abort_paths.js", NULL);
	sr_env(&r, "MODE", "fail");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 110);
	ck_assert_int_eq(count_prefix(&r, "iteration "), 3);
	ck_assert_msg(tcap_find(&r.cap, -1, "after fail goes on") != NULL,
		"the iteration did not go on after exec.test.fail()");
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	ck_assert_metric_eq(&r, "iterations", "count", 3);
	sr_free(&r);
}
END_TEST

START_TEST(test_lifecycle__threshold_abort_99)
{
	srun r;
	const tj *ok;

	sr_new(&r, "abort_paths.js", NULL);
	sr_env(&r, "MODE", "threshold");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 99);
	ck_assert_msg(r.elapsed < 15, "the 20 s test was not aborted by its threshold (%.1f s)",
		r.elapsed);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	ck_assert_ptr_nonnull(r.doc);
	ok = tj_getv(r.doc, "metrics", "iterations", "thresholds", "count<3", "ok", NULL);
	ck_assert_msg(ok && ok->type == TJ_BOOL && ok->num == 0, "threshold count<3 not failed");
	sr_free(&r);
}
END_TEST

static void *abort_after_1s(void *arg)
{
	sleep_s(1.0);
	k6c_test_abort(arg);
	return NULL;
}

START_TEST(test_lifecycle__api_abort_105)
{
	srun r;
	pthread_t th;

	sr_new(&r, "workload.js", "{\"vus\":2,\"duration\":\"20s\"}");
	sr_env(&r, "SLEEP", "0.1");
	r.t0 = now_s();
	ck_assert_int_eq(pthread_create(&th, NULL, abort_after_1s, r.t), 0);
	r.rc = k6c_test_run(r.t);
	pthread_join(th, NULL);
	sr_finish(&r);
	ck_assert_int_eq(r.exit_code, 105);
	ck_assert_msg(r.elapsed < 15, "the abort took %.1f s", r.elapsed);
	ck_assert_msg(tcap_find(&r.cap, -1, "teardown ran") != NULL, "teardown did not run");
	ck_assert_ptr_nonnull(r.doc);
	ck_assert_ptr_nonnull(k6c_test_summary_text(r.t));
	ck_assert_msg(metric(&r, "iterations", "count") >= 2, "no iterations in the summary");
	sr_free(&r);
}
END_TEST


START_TEST(test_handle_summary__stdout_stderr_file)
{
	srun r;
	char dir[] = "/tmp/k6c-scenarios-XXXXXX", path[PATH_MAX], err[128];
	char *text;
	tj *doc;
	const tj *checks;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	sr_new(&r, "handle_summary.js", NULL);
	sr_env(&r, "OUT_FILE", path);
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(k6c_test_summary_text(r.t));
	ck_assert_str_eq(k6c_test_summary_text(r.t), "custom stdout iterations=2\n");
	ck_assert_ptr_nonnull(k6c_test_summary_stderr(r.t));
	ck_assert_str_eq(k6c_test_summary_stderr(r.t), "custom stderr");
	text = ts_read_file(path, NULL);
	ck_assert_msg(text != NULL, "handleSummary did not write %s", path);
	doc = tj_parse(text, err, sizeof(err));
	ck_assert_msg(doc != NULL, "the file is not JSON: %s", err);
	ck_assert_msg(tj_num(tj_getv(doc, "metrics", "iterations", "values", "count", NULL), -1) == 2,
		"the data has no iterations count of 2");
	checks = tj_getv(doc, "root_group", "checks", NULL);
	ck_assert_msg(checks && checks->type == TJ_ARR && checks->len == 1 &&
		!strcmp(tj_str(tj_get(checks->child, "name")) ? tj_str(tj_get(checks->child, "name")) : "",
			"one is one"), "root_group.checks is not [{name: \"one is one\"}]");
	ck_assert_msg(tj_getv(doc, "state", "testRunDurationMs", NULL) != NULL, "no state");
	tj_free(doc);
	free(text);
	unlink(path);
	rmdir(dir);
	sr_free(&r);
}
END_TEST

/* Replaces each whitespace-separated word that holds a digit with "N" and
 * joins the words with single spaces: what stays is the layout and the
 * names, which must match between two runs of the same test. */
static char *normalise(const char *text)
{
	char *out = malloc(strlen(text) + 2), *o = out;
	const char *p = text;

	ck_assert_ptr_nonnull(out);
	while (*p) {
		const char *w;
		int digit = 0;
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		for (w = p; *p && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r'; p++)
			digit |= *p >= '0' && *p <= '9';
		if (o != out)
			*o++ = ' ';
		if (digit) {
			*o++ = 'N';
		} else {
			memcpy(o, w, (size_t)(p - w));
			o += p - w;
		}
	}
	*o = '\0';
	return out;
}

static size_t nonblank_lines(const char *text)
{
	size_t n = 0;
	int blank = 1;

	for (const char *p = text; ; p++) {
		if (*p == '\n' || !*p) {
			n += !blank;
			blank = 1;
			if (!*p)
				break;
		} else if (*p != ' ') {
			blank = 0;
		}
	}
	return n;
}

/* textSummary imported from jslib renders what the default summary prints
 * (the same test run twice: numbers differ, the rest may not). */
START_TEST(test_handle_summary__text_summary_is_default)
{
	srun a, b;
	char *na, *nb;

	sr_new(&a, "text_summary.js", NULL);
	sr_run(&a);
	ck_assert_int_eq(a.exit_code, 0);
	sr_new(&b, "plain_summary.js", NULL);
	sr_run(&b);
	ck_assert_int_eq(b.exit_code, 0);
	ck_assert_ptr_nonnull(k6c_test_summary_text(a.t));
	ck_assert_ptr_nonnull(k6c_test_summary_text(b.t));
	ck_assert_msg(strstr(k6c_test_summary_text(a.t), "iterations") != NULL,
		"textSummary has no iterations line");
	ck_assert_msg(strstr(k6c_test_summary_text(a.t), "things") != NULL,
		"textSummary has no custom metric");
	ck_assert_msg(strstr(k6c_test_summary_text(a.t), "iteration is small") != NULL,
		"textSummary has no check");
	na = normalise(k6c_test_summary_text(a.t));
	nb = normalise(k6c_test_summary_text(b.t));
	fprintf(stderr, "textSummary, normalised:\n%s\ndefault, normalised:\n%s\n", na, nb);
	ck_assert_msg(!strcmp(na, nb), "textSummary differs from the default summary");
	ck_assert_int_eq(nonblank_lines(k6c_test_summary_text(a.t)),
		nonblank_lines(k6c_test_summary_text(b.t)));
	free(na);
	free(nb);
	sr_free(&a);
	sr_free(&b);
}
END_TEST

/* ---- k6/execution --------------------------------------------------------- */

START_TEST(test_exec__values)
{
	srun r;
	int na = 0, nb = 0;
	int a_sc[4] = { 0 }, b_sc[3] = { 0 }, a_iter_of[3] = { 0 };
	double a_start = 0, b_start = 0;
	const char *l;
	tj *v;
	char err[128];
	const tj *opts;

	sr_new(&r, "exec_values.js", NULL);
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	for (size_t i = 0; i < r.cap.n; i++) {
		int vu, sc;
		const char *fn, *name, *ex;
		double now;
		l = r.cap.lines[i].msg;
		if (strncmp(l, "EXEC ", 5) != 0)
			continue;
		v = tj_parse(l + 5, err, sizeof(err));
		ck_assert_msg(v != NULL, "bad line %s: %s", l, err);
		fn = tj_str(tj_get(v, "fn"));
		name = tj_str(tj_get(v, "name"));
		ex = tj_str(tj_get(v, "executor"));
		vu = (int)tj_num(tj_get(v, "vuIn"), -1);
		sc = (int)tj_num(tj_get(v, "scInst"), -1);
		now = tj_num(tj_get(v, "now"), 0);
		ck_assert_msg(tj_num(tj_get(v, "VU"), -2) == vu, "__VU != vu.idInInstance: %s", l);
		ck_assert_msg(tj_num(tj_get(v, "vuTest"), -2) == vu, "vu.idInTest != idInInstance "
			"without a segment: %s", l);
		ck_assert_msg(tj_num(tj_get(v, "ITER"), -2) == tj_num(tj_get(v, "iterInst"), -3),
			"__ITER != vu.iterationInInstance: %s", l);
		ck_assert_msg(tj_num(tj_get(v, "scTest"), -2) == sc,
			"scenario.iterationInTest != iterationInInstance without a segment: %s", l);
		ck_assert_msg(tj_num(tj_get(v, "progress"), -1) >= 0 && tj_num(tj_get(v, "progress"), 2) <= 1,
			"scenario.progress out of 0..1: %s", l);
		ck_assert_msg(fabs(tj_num(tj_get(v, "start"), 0) - now) < 60000,
			"scenario.startTime is not an epoch time in ms: %s", l);
		ck_assert_msg(name && fn && !strcmp(name, fn), "scenario.name: %s", l);
		if (!strcmp(fn, "a")) {
			ck_assert_msg(ex && !strcmp(ex, "per-vu-iterations"), "executor: %s", l);
			ck_assert_msg(vu >= 1 && vu <= 2, "VU of a: %s", l);
			ck_assert_msg(sc >= 0 && sc < 4 && !a_sc[sc]++, "scenario iteration of a: %s", l);
			ck_assert_msg(tj_num(tj_get(v, "iterScen"), -1) == a_iter_of[vu]++,
				"vu.iterationInScenario: %s", l);
			a_start = tj_num(tj_get(v, "start"), 0);
			na++;
		} else {
			ck_assert_msg(ex && !strcmp(ex, "shared-iterations"), "executor: %s", l);
			ck_assert_msg(sc >= 0 && sc < 3 && !b_sc[sc]++, "scenario iteration of b: %s", l);
			ck_assert_msg(tj_num(tj_get(v, "iterScen"), -1) == nb, "vu.iterationInScenario: %s", l);
			b_start = tj_num(tj_get(v, "start"), 0);
			nb++;
		}
		tj_free(v);
	}
	ck_assert_int_eq(na, 4);
	ck_assert_int_eq(nb, 3);
	ck_assert_msg(a_iter_of[1] == 2 && a_iter_of[2] == 2, "VUs 1 and 2 ran %d and %d of a",
		a_iter_of[1], a_iter_of[2]);
	ck_assert_msg(b_start - a_start >= 600, "b started %.0f ms after a, its startTime is 700ms",
		b_start - a_start);

	l = tcap_find(&r.cap, -1, "INSTANCE ");
	ck_assert_msg(l != NULL, "teardown did not log exec.instance");
	v = tj_parse(strstr(l, "INSTANCE ") + 9, err, sizeof(err));
	ck_assert_msg(v != NULL, "bad line %s: %s", l, err);
	ck_assert_msg(tj_num(tj_get(v, "completed"), -1) == 7, "iterationsCompleted: %s", l);
	ck_assert_msg(tj_num(tj_get(v, "interrupted"), -1) == 0, "iterationsInterrupted: %s", l);
	ck_assert_msg(tj_num(tj_get(v, "initialized"), -1) >= 2, "vusInitialized: %s", l);
	ck_assert_msg(tj_num(tj_get(v, "runMs"), -1) >= 700, "currentTestRunDuration: %s", l);
	tj_free(v);

	l = tcap_find(&r.cap, -1, "OPTIONS ");
	ck_assert_msg(l != NULL, "teardown did not log exec.test.options");
	v = tj_parse(strstr(l, "OPTIONS ") + 8, err, sizeof(err));
	ck_assert_msg(v != NULL, "bad line %s: %s", l, err);
	for (const char *const *k = (const char *const[]){ "vus", "duration", "iterations", "stages",
		NULL }; *k; k++)
		ck_assert_msg(tj_get(v, *k) == NULL, "exec.test.options has \"%s\": %s", *k, l);
	opts = tj_getv(v, "scenarios", "a", "executor", NULL);
	ck_assert_msg(tj_str(opts) && !strcmp(tj_str(opts), "per-vu-iterations"),
		"exec.test.options.scenarios.a.executor: %s", l);
	ck_assert_msg(tj_getv(v, "scenarios", "b", "startTime", NULL) != NULL,
		"exec.test.options.scenarios.b.startTime missing: %s", l);
	tj_free(v);
	sr_free(&r);
}
END_TEST

/* ---- option precedence ---------------------------------------------------- */

/* Milliseconds of a Go-style duration ("1m30s", "500ms") or a number. */
static double duration_ms(const tj *v)
{
	const char *s;
	double total = 0;

	if (!v)
		return NAN;
	if (v->type == TJ_NUM)
		return v->num;
	if (!(s = tj_str(v)))
		return NAN;
	while (*s) {
		char *end;
		double n = strtod(s, &end);
		if (end == s)
			return NAN;
		s = end;
		if (!strncmp(s, "ms", 2)) {
			total += n;
			s += 2;
		} else if (!strncmp(s, "us", 2) || !strncmp(s, "\xc2\xb5s", 3)) {
			total += n / 1000;
			s += s[0] == 'u' ? 2 : 3;
		} else if (!strncmp(s, "ns", 2)) {
			total += n / 1e6;
			s += 2;
		} else if (*s == 'h') {
			total += n * 3600000;
			s++;
		} else if (*s == 'm') {
			total += n * 60000;
			s++;
		} else if (*s == 's') {
			total += n * 1000;
			s++;
		} else if (*s == 'd') {
			total += n * 86400000;
			s++;
		} else {
			return NAN;
		}
	}
	return total;
}

typedef struct prec_row {
	const char *what;
	const char *config;        /* config file content, NULL: none */
	const char *mode;          /* precedence.js MODE */
	const char *env[2][2];     /* K6_* variables set with setenv */
	const char *api;           /* k6c_test_set_options */
	int exit_code;
	/* 0: scenarios.default as below; 104: the message names both needles */
	const char *executor;
	double vus, iterations, duration_ms;  /* NAN: not checked */
	const char *needle1, *needle2;
} prec_row;

static const prec_row prec_rows[] = {
	{ "config < script", "{\"vus\":1,\"iterations\":1,\"summaryTimeUnit\":\"ms\","
		"\"teardownTimeout\":\"12s\"}", NULL, { { NULL, NULL } }, NULL,
		0, "shared-iterations", 2, 4, NAN, NULL, NULL },
	{ "script < env", "{\"vus\":1}", NULL, { { "K6_VUS", "3" } }, NULL,
		0, "shared-iterations", 3, 4, NAN, NULL, NULL },
	{ "env < api", "{\"vus\":1}", NULL, { { "K6_VUS", "3" } }, "{\"vus\":4}",
		0, "shared-iterations", 4, 4, NAN, NULL, NULL },
	{ "env duration replaces the script's iterations", NULL, NULL, { { "K6_DURATION", "3s" } },
		NULL, 0, "constant-vus", 2, NAN, 3000, NULL, NULL },
	{ "env iterations", NULL, NULL, { { "K6_ITERATIONS", "7" } }, NULL,
		0, "shared-iterations", 2, 7, NAN, NULL, NULL },
	{ "api duration replaces env iterations", NULL, NULL, { { "K6_ITERATIONS", "7" } },
		"{\"duration\":\"2s\"}", 0, "constant-vus", 2, NAN, 2000, NULL, NULL },
	{ "script iterations replace config scenarios",
		"{\"scenarios\":{\"fromconfig\":{\"executor\":\"constant-vus\",\"vus\":1,\"duration\":\"1s\"}}}",
		NULL, { { NULL, NULL } }, NULL, 0, "shared-iterations", 2, 4, NAN, NULL, NULL },
	{ "env stages", NULL, NULL, { { "K6_STAGES", "1s:3,2s:0" } }, NULL,
		0, "ramping-vus", NAN, NAN, NAN, NULL, NULL },
	{ "two shortcuts in the script", NULL, "conflict", { { NULL, NULL } }, NULL,
		104, NULL, NAN, NAN, NAN, "iterations", "stages" },
	{ "shortcut and scenarios in the api", NULL, NULL, { { NULL, NULL } },
		"{\"duration\":\"1s\",\"scenarios\":{\"x\":{\"executor\":\"constant-vus\",\"vus\":1,"
		"\"duration\":\"1s\"}}}", 104, NULL, NAN, NAN, NAN, "duration", "scenarios" },
	{ "bad vus", NULL, NULL, { { NULL, NULL } }, "{\"vus\":\"abc\"}",
		104, NULL, NAN, NAN, NAN, "vus", "abc" },
	{ "bad duration", NULL, NULL, { { NULL, NULL } }, "{\"duration\":\"10x\"}",
		104, NULL, NAN, NAN, NAN, "duration", "10x" },
	{ "bad env vus", NULL, NULL, { { "K6_VUS", "lots" } }, NULL,
		104, NULL, NAN, NAN, NAN, "vus", "lots" },
	{ "unknown executor", NULL, NULL, { { NULL, NULL } },
		"{\"scenarios\":{\"x\":{\"executor\":\"warp-speed\"}}}",
		104, NULL, NAN, NAN, NAN, "executor", "warp-speed" },
	{ "zero rate", NULL, NULL, { { NULL, NULL } },
		"{\"scenarios\":{\"x\":{\"executor\":\"constant-arrival-rate\",\"rate\":0,"
		"\"duration\":\"1s\",\"preAllocatedVUs\":1}}}",
		104, NULL, NAN, NAN, NAN, "rate", "0" },
	{ "bad trend stat", NULL, NULL, { { NULL, NULL } }, "{\"summaryTrendStats\":[\"p(101)\"]}",
		104, NULL, NAN, NAN, NAN, "summaryTrendStats", "p(101)" },
	{ "bad segment", NULL, NULL, { { NULL, NULL } }, "{\"executionSegment\":\"3/4:1/2\"}",
		104, NULL, NAN, NAN, NAN, "segment", "3/4:1/2" },
	{ "malformed config file", "{nope", NULL, { { NULL, NULL } }, NULL,
		104, NULL, NAN, NAN, NAN, "config", NULL },
};

static void prec_check(const prec_row *row, int run_it)
{
	srun r;
	char dir[] = "/tmp/k6c-prec-XXXXXX", path[PATH_MAX], err[128];
	const char *json;
	tj *o;
	const tj *sc;

	fprintf(stderr, "==== precedence: %s\n", row->what);
	sr_new(&r, "precedence.js", NULL);
	if (row->mode)
		sr_env(&r, "MODE", row->mode);
	if (row->config) {
		FILE *f;
		ck_assert_ptr_nonnull(mkdtemp(dir));
		snprintf(path, sizeof(path), "%s/config.json", dir);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(row->config, f);
		fclose(f);
		ck_assert_int_eq(k6c_test_set_config_file(r.t, path), 0);
	}
	for (int i = 0; i < 2; i++) {
		if (row->env[i][0])
			setenv(row->env[i][0], row->env[i][1], 1);
	}
	ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
	for (int i = 0; i < 2; i++) {
		if (row->env[i][0])
			unsetenv(row->env[i][0]);
	}
	/* MODE again: the system environment does not hold it. */
	if (row->mode)
		sr_env(&r, "MODE", row->mode);
	if (row->api)
		ck_assert_int_eq(k6c_test_set_options(r.t, row->api), 0);
	if (run_it) {
		sr_run(&r);
	} else {
		r.t0 = now_s();
		r.rc = k6c_test_inspect(r.t);
		r.exit_code = k6c_test_exit_code(r.t);
		fprintf(stderr, "inspect returned %d, exit code %d\n", r.rc, r.exit_code);
		tcap_dump(&r.cap, stderr);
		ck_assert_int_eq(r.rc, 0);
	}
	ck_assert_msg(r.exit_code == row->exit_code, "%s: exit code %d, expected %d", row->what,
		r.exit_code, row->exit_code);
	if (row->exit_code == 104) {
		ck_assert_msg(message_names(&r, row->needle1, row->needle2),
			"%s: no error message names \"%s\" and \"%s\"", row->what, row->needle1,
			row->needle2 ? row->needle2 : "");
		ck_assert_msg(k6c_test_options_json(r.t) == NULL, "%s: options JSON despite the error",
			row->what);
	} else {
		json = k6c_test_options_json(r.t);
		ck_assert_msg(json != NULL, "%s: no options JSON", row->what);
		fprintf(stderr, "options: %s\n", json);
		o = tj_parse(json, err, sizeof(err));
		ck_assert_msg(o != NULL, "%s: the options are not JSON: %s", row->what, err);
		sc = tj_getv(o, "scenarios", "default", NULL);
		ck_assert_msg(sc != NULL, "%s: no scenarios.default", row->what);
		ck_assert_msg(tj_getv(o, "scenarios", NULL)->len == 1, "%s: %zu scenarios", row->what,
			tj_getv(o, "scenarios", NULL)->len);
		ck_assert_msg(tj_str(tj_get(sc, "executor")) &&
			!strcmp(tj_str(tj_get(sc, "executor")), row->executor),
			"%s: executor %s, expected %s", row->what,
			tj_str(tj_get(sc, "executor")) ? tj_str(tj_get(sc, "executor")) : "(none)",
			row->executor);
		if (!isnan(row->vus))
			ck_assert_msg(tj_num(tj_get(sc, "vus"), -1) == row->vus, "%s: vus %g, expected %g",
				row->what, tj_num(tj_get(sc, "vus"), -1), row->vus);
		if (!isnan(row->iterations))
			ck_assert_msg(tj_num(tj_get(sc, "iterations"), -1) == row->iterations,
				"%s: iterations %g, expected %g", row->what,
				tj_num(tj_get(sc, "iterations"), -1), row->iterations);
		if (!isnan(row->duration_ms))
			ck_assert_msg(duration_ms(tj_get(sc, "duration")) == row->duration_ms,
				"%s: duration %g ms, expected %g", row->what,
				duration_ms(tj_get(sc, "duration")), row->duration_ms);
		if (!strcmp(row->executor, "ramping-vus")) {
			const tj *st = tj_get(sc, "stages");
			ck_assert_msg(st && st->type == TJ_ARR && st->len == 2, "%s: stages", row->what);
			ck_assert_msg(tj_num(tj_get(st->child, "target"), -1) == 3 &&
				duration_ms(tj_get(st->child, "duration")) == 1000, "%s: first stage", row->what);
			ck_assert_msg(tj_num(tj_get(sc, "startVUs"), -1) == 2, "%s: startVUs is the vus "
				"shortcut (2)", row->what);
		}
		/* Every field of the scenario is filled in. */
		ck_assert_msg(tj_get(sc, "startTime") && tj_get(sc, "gracefulStop") &&
			tj_get(sc, "exec"), "%s: scenario without startTime/gracefulStop/exec", row->what);
		tj_free(o);
	}
	if (row->config) {
		unlink(path);
		rmdir(dir);
	}
	sr_free(&r);
}

START_TEST(test_options__precedence_table)
{
	prec_check(&prec_rows[_i], 0);
}
END_TEST

/* Values other than the execution group: each from the tier that sets it
 * last (setupTimeout: env over script; teardownTimeout and summaryTimeUnit:
 * config only; summaryTrendStats: script). */
START_TEST(test_options__other_values_by_tier)
{
	srun r;
	char dir[] = "/tmp/k6c-prec-XXXXXX", path[PATH_MAX], err[128];
	FILE *f;
	tj *o;
	const tj *ts;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"summaryTimeUnit\":\"ms\",\"teardownTimeout\":\"12s\",\"setupTimeout\":\"11s\"}", f);
	fclose(f);
	sr_new(&r, "precedence.js", NULL);
	ck_assert_int_eq(k6c_test_set_config_file(r.t, path), 0);
	setenv("K6_SETUP_TIMEOUT", "31s", 1);
	ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
	unsetenv("K6_SETUP_TIMEOUT");
	ck_assert_int_eq(k6c_test_inspect(r.t), 0);
	tcap_dump(&r.cap, stderr);
	ck_assert_int_eq(k6c_test_exit_code(r.t), 0);
	ck_assert_ptr_nonnull(k6c_test_options_json(r.t));
	fprintf(stderr, "options: %s\n", k6c_test_options_json(r.t));
	o = tj_parse(k6c_test_options_json(r.t), err, sizeof(err));
	ck_assert_msg(o != NULL, "not JSON: %s", err);
	ck_assert_msg(duration_ms(tj_get(o, "setupTimeout")) == 31000, "setupTimeout %g ms",
		duration_ms(tj_get(o, "setupTimeout")));
	ck_assert_msg(duration_ms(tj_get(o, "teardownTimeout")) == 12000, "teardownTimeout %g ms",
		duration_ms(tj_get(o, "teardownTimeout")));
	ck_assert_msg(tj_str(tj_get(o, "summaryTimeUnit")) &&
		!strcmp(tj_str(tj_get(o, "summaryTimeUnit")), "ms"), "summaryTimeUnit");
	ts = tj_get(o, "summaryTrendStats");
	ck_assert_msg(ts && ts->type == TJ_ARR && ts->len == 2 &&
		!strcmp(tj_str(tj_at(ts, 1)) ? tj_str(tj_at(ts, 1)) : "", "p(99)"),
		"summaryTrendStats is not the script's [avg, p(99)]");
	ck_assert_msg(tj_get(o, "vus") == NULL || tj_getv(o, "scenarios", "default", NULL),
		"no scenarios");
	tj_free(o);
	unlink(path);
	rmdir(dir);
	sr_free(&r);
}
END_TEST

/* The consolidated options drive the run: config, script, env and API
 * tiers together; the run uses 4 VUs (API) for the script's 4 iterations. */
START_TEST(test_options__precedence_runs)
{
	srun r;
	char dir[] = "/tmp/k6c-prec-XXXXXX", path[PATH_MAX];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"vus\":1,\"duration\":\"30s\"}", f);
	fclose(f);
	sr_new(&r, "precedence.js", "{\"vus\":4}");
	ck_assert_int_eq(k6c_test_set_config_file(r.t, path), 0);
	setenv("K6_VUS", "3", 1);
	ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
	unsetenv("K6_VUS");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_msg(r.elapsed < 20, "the config file's 30 s duration was used");
	ck_assert_metric_eq(&r, "iterations", "count", 4);
	ck_assert_metric_eq(&r, "vus_max", "value", 4);
	ck_assert_ptr_nonnull(k6c_test_options_json(r.t));
	unlink(path);
	rmdir(dir);
	sr_free(&r);
}
END_TEST

/* A configuration error ends a run (not just inspect) with 104 and a
 * message, before any VU runs. */
START_TEST(test_options__invalid_run_104)
{
	srun r;

	sr_new(&r, "workload.js", "{\"vus\":\"many\",\"iterations\":3}");
	sr_env(&r, "LOG", "1");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 104);
	ck_assert_msg(message_names(&r, "vus", "many"), "no message names vus and \"many\"");
	ck_assert_int_eq(tcap_count(&r.cap, -1, "iter vu="), 0);
	ck_assert_int_eq(k6c_test_set_config_file(r.t, NULL), 0);
	sr_free(&r);
}
END_TEST

START_TEST(test_options__missing_config_file_104)
{
	srun r;

	sr_new(&r, "workload.js", NULL);
	ck_assert_int_eq(k6c_test_set_config_file(r.t, "/nonexistent/k6c-config.json"), 0);
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 104);
	ck_assert_msg(message_names(&r, "/nonexistent/k6c-config.json", NULL),
		"no message names the config file");
	sr_free(&r);
}
END_TEST

static Suite *scenarios_suite(void)
{
	Suite *s = suite_create("scenarios");
	struct {
		const char *name;
		const TTest *test;
	} cases[] = {
		{ "shared_iterations", test_executor_shared_iterations__exact_count },
		{ "per_vu_iterations", test_executor_per_vu_iterations__exact_per_vu },
		{ "constant_vus", test_executor_constant_vus__all_vus_loop },
		{ "ramping_vus", test_executor_ramping_vus__curve },
		{ "graceful_ramp_down", test_executor_ramping_vus__graceful_ramp_down_interrupts },
		{ "constant_arrival_rate", test_executor_constant_arrival_rate__count },
		{ "arrival_dropped", test_executor_constant_arrival_rate__dropped },
		{ "arrival_max_vus", test_executor_constant_arrival_rate__max_vus_growth },
		{ "ramping_arrival_rate", test_executor_ramping_arrival_rate__area },
		{ "ramping_arrival_time_unit", test_executor_ramping_arrival_rate__time_unit },
		{ "externally_controlled", test_executor_externally_controlled__scale_and_pause },
		{ "paused_start", test_paused_start__waits_for_resume },
		{ "multi", test_multi__scenarios_env_tags_start_time },
		{ "lifecycle_order", test_lifecycle__order_and_setup_isolation },
		{ "setup_timeout", test_lifecycle__setup_timeout_100 },
		{ "teardown_timeout", test_lifecycle__teardown_timeout_101 },
		{ "test_abort", test_lifecycle__test_abort_108 },
		{ "test_fail", test_lifecycle__test_fail_110_goes_on },
		{ "threshold_abort", test_lifecycle__threshold_abort_99 },
		{ "api_abort", test_lifecycle__api_abort_105 },
		{ "handle_summary", test_handle_summary__stdout_stderr_file },
		{ "text_summary", test_handle_summary__text_summary_is_default },
		{ "exec_values", test_exec__values },
		{ "options_other", test_options__other_values_by_tier },
		{ "options_run", test_options__precedence_runs },
		{ "options_invalid_run", test_options__invalid_run_104 },
		{ "options_missing_config", test_options__missing_config_file_104 },
	};
	TCase *tc;

	/* One TCase per test, so CK_RUN_CASE=<name> runs just one. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tc = tcase_create(cases[i].name);
		/* Lowering a script with Babel on a cold cache takes seconds. */
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, cases[i].test);
		suite_add_tcase(s, tc);
	}
	tc = tcase_create("graceful_stop");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_executor_graceful_stop__interrupts_stuck_iteration, 0,
		(int)(sizeof(stuck_modes) / sizeof(stuck_modes[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("options_precedence");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_options__precedence_table, 0,
		(int)(sizeof(prec_rows) / sizeof(prec_rows[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (ts_httpbin_start(&httpbin) == 0)
		httpbin_up = 1;
	else
		fprintf(stderr, "test_scenarios: httpbin did not start; every case will fail\n");
	sr = srunner_create(scenarios_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (httpbin_up)
		ts_server_stop(&httpbin);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
