/*
 * k6c/test.h - create, configure and run one load test.
 *
 * A k6c_test holds one script, its options and environment, and after a run
 * its results. Threads: one thread at a time may call functions on a test,
 * except k6c_test_abort(), which is safe from any thread (and from a signal
 * handler's deferred context, see its doc).
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_TEST_H
#define K6C_TEST_H

#include "common.h"

K6C_BEGIN_DECL

/**
 * k6c_test - one load test: a script, its options and, after a run, results.
 *
 * Opaque; create with k6c_test_new(), free with k6c_test_free().
 *
 * Since: 0.1
 */
typedef struct k6c_test k6c_test;

/**
 * k6c_log_level - severity of a log line, as k6's log levels.
 *
 * Since: 0.1
 */
typedef enum k6c_log_level {
	K6C_LOG_DEBUG = 0,
	K6C_LOG_INFO = 1,
	K6C_LOG_WARN = 2,
	K6C_LOG_ERROR = 3
} k6c_log_level;

/**
 * k6c_log_cb - receives one log line (console.* output and engine messages).
 * @level: severity.
 * @message: the line, NUL-terminated, without a trailing newline; borrowed
 *           for the duration of the call.
 * @payload: the payload given to k6c_test_set_log_callback().
 *
 * Thread: called from the thread running k6c_test_run() (or the runner thread
 * of k6c_test_start()), from the worker threads running VUs and from the
 * metrics thread (the tagSetsWarn warning), possibly concurrently; the
 * callback must be thread-safe.
 *
 * Since: 0.1
 */
typedef void (*k6c_log_cb)(k6c_log_level level, const char *message, void *payload);

/**
 * k6c_test_new() - create an empty test.
 * @out: receives the new test; set to NULL on failure.
 *
 * Return: 0, K6C_EINVAL if @out is NULL, K6C_ENOMEM.
 * Thread: any.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_new(k6c_test **out);

/**
 * k6c_test_free() - free a test and everything it owns.
 * @test: the test, or NULL (a no-op).
 *
 * A running test is aborted and waited for first.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_test_free(k6c_test *test);

/**
 * k6c_test_set_script_file() - use the script at @path.
 * @test: the test.
 * @path: a file path; copied. Relative imports and open() resolve against the
 *        script's directory.
 *
 * The file is read when the test runs.
 *
 * Return: 0, K6C_EINVAL, K6C_ENOMEM, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_script_file(k6c_test *test, const char *path);

/**
 * k6c_test_set_script_source() - use an in-memory script.
 * @test: the test.
 * @name: the file name used in error messages and to resolve relative
 *        imports (against the current directory if it has no directory part);
 *        copied.
 * @source: the script text; copied. It need not be NUL-terminated.
 * @len: the length of @source in bytes.
 *
 * Return: 0, K6C_EINVAL, K6C_ENOMEM, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_script_source(k6c_test *test, const char *name,
	const char *source, size_t len);

/**
 * k6c_test_set_options() - override script options with a JSON object.
 * @test: the test.
 * @json: a JSON object of k6 options, e.g. {"vus":10,"duration":"30s"};
 *        copied. Each call replaces what an earlier call set.
 *
 * These overrides have the precedence of k6's command-line flags: they win
 * over `K6_*` environment variables, which win over the script's own
 * `export const options`. The JSON is parsed at once; option values are
 * validated when the test runs (an invalid value makes the run end with exit
 * code 104). Besides k6's script options, `"noColor": false` asks for
 * k6's ANSI colours in k6c_test_summary_text(); the library's default is
 * plain text (`K6_NO_COLOR` also turns colours off).
 *
 * Return: 0, K6C_EINVAL (NULL or not a JSON object; see k6c_error_last()),
 * K6C_ENOMEM, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_options(k6c_test *test, const char *json);

/**
 * k6c_test_set_env() - set one script environment variable (`__ENV[key]`).
 * @test: the test.
 * @key: the name; copied.
 * @value: the value; copied. NULL removes the variable.
 *
 * Like `k6 run -e KEY=VALUE`. The process environment is not visible to the
 * script unless the host passes it here (k6c_test_set_system_env() does).
 *
 * Return: 0, K6C_EINVAL, K6C_ENOMEM, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_env(k6c_test *test, const char *key, const char *value);

/**
 * k6c_test_set_system_env() - copy the process environment into `__ENV`.
 * @test: the test.
 *
 * What `k6 run` does by default (--include-system-env-vars). Variables set
 * with k6c_test_set_env() afterwards win. `K6_*` variables are also read as
 * options, as k6 does.
 *
 * Return: 0, K6C_EINVAL, K6C_ENOMEM, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_system_env(k6c_test *test);

/**
 * k6c_test_set_log_callback() - receive the test's log lines.
 * @test: the test.
 * @cb: the callback, or NULL to drop log lines (the default).
 * @payload: passed to @cb; owned by the caller unless @free_payload is set.
 * @free_payload: if not NULL, called with @payload when the callback is
 *                replaced or the test is freed.
 *
 * Return: 0, K6C_EINVAL, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_log_callback(k6c_test *test, k6c_log_cb cb,
	void *payload, void (*free_payload)(void *payload));

/**
 * k6c_test_set_workers() - number of worker threads running VUs.
 * @test: the test.
 * @workers: 1 or more; 0 restores the default: the `K6C_WORKERS` environment
 *           variable if set, otherwise the number of online CPUs.
 *
 * Return: 0, K6C_EINVAL (more than 1024), K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_workers(k6c_test *test, unsigned workers);

/**
 * k6c_test_set_cache_dir() - where lowered scripts are cached.
 * @test: the test.
 * @dir: a directory (created if missing); copied. NULL restores the default:
 *       `$K6C_CACHE_DIR`, else `$XDG_CACHE_HOME/k6c`, else `~/.cache/k6c`.
 *       An empty string disables the cache.
 *
 * Return: 0, K6C_EINVAL, K6C_ENOMEM, K6C_ESTATE if the test is running.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_cache_dir(k6c_test *test, const char *dir);

/**
 * k6c_test_run() - run the test to the end on the calling thread.
 * @test: the test, with a script set.
 *
 * Loads the script, runs init, setup, the scenario, teardown, and builds the
 * summary. Script problems are results, not errors: a syntax error or an
 * exception in init makes the run return 0 with k6c_test_exit_code() 107.
 * Per-iteration exceptions are logged and the run goes on.
 *
 * Return: 0 when the run happened (see k6c_test_exit_code() for its verdict),
 * K6C_EINVAL (no script), K6C_ESTATE (already running), K6C_ENOMEM, K6C_EIO
 * (cannot start threads).
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_run(k6c_test *test);

/**
 * k6c_test_start() - start the test on a runner thread and return at once.
 * @test: the test, with a script set.
 *
 * Pair every successful start with k6c_test_wait().
 *
 * Return: 0, K6C_EINVAL, K6C_ESTATE, K6C_ENOMEM, K6C_EIO.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_start(k6c_test *test);

/**
 * k6c_test_wait() - wait for a started test to end.
 * @test: the test.
 *
 * Return: what k6c_test_run() would have returned; K6C_ESTATE if the test was
 * not started.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_wait(k6c_test *test);

/**
 * k6c_test_abort() - stop a running test early, as Ctrl-C stops `k6 run`.
 * @test: the test.
 *
 * Running iterations are interrupted, teardown still runs and the summary is
 * built from everything measured; the exit code becomes 105. A no-op when the
 * test is not running. It only sets a flag and writes to an eventfd, so it may
 * be called from any thread, including a signal handler.
 *
 * Thread: any.
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_test_abort(k6c_test *test);

/**
 * k6c_test_exit_code() - the run's verdict as `k6 run`'s exit code.
 * @test: the test.
 *
 * Return: 0 success, 99 thresholds failed, 100 setup() timed out, 101
 * teardown() timed out, 104 invalid configuration, 105 aborted from
 * outside, 107 script error (syntax error or an exception in init or
 * setup), 108 aborted by the script (exec.test.abort()), 110 marked failed
 * by the script (exec.test.fail()), 255 any other failure; -1 if the test
 * has not run.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_exit_code(const k6c_test *test);

/**
 * k6c_test_summary_json() - the end-of-test summary as JSON.
 * @test: the test, after a run.
 *
 * The document has the shape of k6's handleSummary() argument: root_group,
 * options, state and metrics.
 *
 * Return: a NUL-terminated string owned by the test, valid until the test is
 * run again or freed; NULL before a run or if the run failed before the
 * scenario started.
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_test_summary_json(const k6c_test *test);

/**
 * k6c_test_summary_text() - the end-of-test summary as k6 prints it.
 * @test: the test, after a run.
 *
 * Uses the summaryTrendStats, summaryTimeUnit and summaryMode options
 * (compact, full, legacy; disabled builds none).
 *
 * Return: a NUL-terminated string owned by the test, valid until the test is
 * run again or freed; NULL before a run or when no summary was built.
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_test_summary_text(const k6c_test *test);

/**
 * k6c_test_set_config_file() - read options from a k6 JSON config file.
 * @test: the test, not running.
 * @path: the file (copied), as `k6 run --config`; NULL clears it.
 *
 * The file is the lowest tier of options: the script's options, K6_*
 * environment variables (k6c_test_set_system_env()) and k6c_test_set_options()
 * override it. It is read when the test runs; a missing or malformed file
 * then ends the run with exit code 104.
 *
 * Return: 0, K6C_EINVAL, K6C_ESTATE (running), K6C_ENOMEM.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_config_file(k6c_test *test, const char *path);

/**
 * k6c_test_set_paused() - pause or resume a test.
 * @test: the test.
 * @paused: nonzero to pause, 0 to resume.
 *
 * Before the run starts, a paused test initialises its VUs and then waits
 * (setup included) until resumed, as `k6 run --paused` does (the `paused`
 * option does the same). While scenarios run, pausing stops new iterations
 * from starting (running ones finish) and stops the executors' clocks, so
 * durations and arrival-rate schedules go on where they paused.
 *
 * Thread: any (not a signal handler).
 * Return: 0, K6C_EINVAL (test NULL).
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_set_paused(k6c_test *test, int paused);

/**
 * k6c_test_scale() - change an externally-controlled scenario's VUs.
 * @test: a running test (or one about to run: the call then waits for
 *        nothing and fails with K6C_ESTATE).
 * @scenario: the scenario's name (borrowed for the call), or NULL for the
 *        only externally-controlled scenario.
 * @vus: the VUs that should run iterations from now on.
 * @max_vus: the most VUs the scenario may hold; 0 keeps the current maximum.
 *        Raising it initialises new VUs in the background.
 *
 * Mirrors `k6 scale --vus N --max M`.
 *
 * Thread: any (not a signal handler).
 * Return: 0; K6C_EINVAL (vus greater than the maximum; test NULL);
 * K6C_ENOTFOUND (no such externally-controlled scenario); K6C_ESTATE (not
 * running, or the scenario has ended); K6C_ENOMEM.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_scale(k6c_test *test, const char *scenario, unsigned vus,
	unsigned max_vus);

/**
 * k6c_scenario_state - where a scenario is in its life.
 *
 * Since: 0.1
 */
typedef enum k6c_scenario_state {
	K6C_SCENARIO_PENDING = 0,   /**< before its startTime */
	K6C_SCENARIO_RUNNING = 1,
	K6C_SCENARIO_STOPPING = 2,  /**< past its duration, in gracefulStop */
	K6C_SCENARIO_DONE = 3
} k6c_scenario_state;

/**
 * k6c_scenario_progress - a snapshot of one scenario's progress.
 *
 * @name is owned by the test and valid until the next run or k6c_test_free().
 *
 * Since: 0.1
 */
typedef struct k6c_scenario_progress {
	const char *name;            /**< the scenario's name */
	const char *executor;        /**< k6's executor name, e.g. "ramping-vus" */
	k6c_scenario_state state;
	double progress;             /**< 0..1, as exec.scenario.progress */
	double elapsed_ms;           /**< since its start, pauses excluded */
	unsigned vus_active;         /**< VUs in or allowed to start an iteration */
	unsigned vus_max;            /**< VUs the scenario holds */
	uint64_t iterations_complete;
	uint64_t iterations_interrupted;
	uint64_t iterations_dropped;
} k6c_scenario_progress;

/**
 * k6c_test_progress() - the progress of one scenario of a running test.
 * @test: the test.
 * @index: 0-based, in the order of the consolidated options' scenarios.
 * @out: filled in.
 *
 * Thread: any (not a signal handler). Between runs the last run's final
 * state is reported.
 *
 * Return: 0; K6C_ENOTFOUND (index past the last scenario, or no run has
 * reached the scenarios yet); K6C_EINVAL (NULL argument).
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_progress(k6c_test *test, size_t index, k6c_scenario_progress *out);

/**
 * k6c_test_inspect() - load the script and consolidate its options only.
 * @test: the test, with a script set, not running.
 *
 * Runs the script's init code once (as VU 0) and consolidates every tier of
 * options, as `k6 inspect` does, without running anything. Afterwards
 * k6c_test_options_json() has the result and k6c_test_exit_code() is 0, 104
 * (invalid options) or 107 (script error).
 *
 * Return: 0 when inspected (see the exit code), K6C_EINVAL (no script),
 * K6C_ESTATE (running), K6C_ENOMEM.
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_inspect(k6c_test *test);

/**
 * k6c_test_options_json() - the consolidated options as JSON.
 * @test: the test, after k6c_test_inspect() or a run.
 *
 * k6's shape: the execution shortcuts are folded into "scenarios", each
 * with all of its fields; every other option has its final value.
 *
 * Return: a NUL-terminated string owned by the test, valid until the next
 * inspect or run, or k6c_test_free(); NULL before, or if the options were
 * invalid.
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_test_options_json(const k6c_test *test);

/**
 * k6c_test_summary_stderr() - what handleSummary() wrote to "stderr".
 * @test: the test, after a run.
 *
 * When the script exports handleSummary(), k6c_test_summary_text() is its
 * "stdout" entry (NULL if it has none) and this is its "stderr" entry; the
 * other keys are files the run wrote itself. Without handleSummary() this is
 * NULL.
 *
 * Return: a NUL-terminated string owned by the test, valid until the test is
 * run again or freed, or NULL.
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_test_summary_stderr(const k6c_test *test);

K6C_END_DECL

#endif /* K6C_TEST_H */
