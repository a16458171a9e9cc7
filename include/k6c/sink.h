/*
 * k6c/sink.h - metric sinks: the host's own consumers of every sample of a
 * test, and named outputs selected as k6's `--out name=arg` is.
 *
 * A sink is what k6 calls an output extension. libk6c's own outputs (json,
 * csv, ...) are sinks registered under names on this same mechanism, so
 * `-o json=out.json` and a host's sink are used the same way.
 *
 * The contract, as k6's output manager gives it:
 *  - Every callback of one sink is called on the test's output thread, one
 *    at a time: never two callbacks of a sink concurrently, and never two
 *    sinks concurrently.
 *  - start() first (before the first VU runs any init code that could emit
 *    samples), then add_samples() with a batch about every 50-100 ms while
 *    the test runs, then add_samples() once more with what is left, then
 *    stop() exactly once, then free(). A batch is never empty.
 *  - Samples come in time order: within a batch and from one batch to the
 *    next. A sample is held back until it is older than a lag (200 ms at
 *    first) by which every producer has handed its samples over. One that
 *    still arrives later than that (a worker stalled longer than the lag,
 *    e.g. by a long busy loop in a script) is delivered in the next batch
 *    with its time raised to the last delivered sample's, so the order
 *    holds, and the lag grows to cover such a delay (up to 5 s; the
 *    run's debug log counts them). doc/sinks.md has the details.
 *  - Every sample that reaches the summary reaches every sink: the counts a
 *    sink sees equal the summary's, unless the sinks fall too far behind
 *    (below).
 *  - add_samples() should not block for long: a slow sink delays the other
 *    sinks, not the VUs. Samples wait in memory meanwhile, up to 2,000,000
 *    of them (about two seconds of a test at full speed); past that, new
 *    samples are dropped for all sinks, and the count is logged as a
 *    warning at the end of the run.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_SINK_H
#define K6C_SINK_H

#include "common.h"
#include "metric.h"
#include "test.h"

K6C_BEGIN_DECL

/**
 * K6C_SINK_VERSION - the version of k6c_sink_vtable this header describes.
 *
 * Set the vtable's version field to it; libk6c refuses a vtable with a
 * version it does not know (K6C_ENOTSUP) instead of calling through it.
 *
 * Since: 0.1
 */
#define K6C_SINK_VERSION 1

/**
 * k6c_sample - one sample as a sink receives it.
 * @metric: the metric: name, type, contains; owned by the test, valid until
 *          the sink's stop() returns.
 * @time_us: when it was measured, microseconds since the Unix epoch.
 * @value: its value (milliseconds for a time metric, bytes for data, 0 or 1
 *         for a rate).
 * @tags: its tags, sorted by key, with the system tags the test's
 *        `systemTags` disables left out. Borrowed: valid during the
 *        add_samples() call only.
 * @ntags: number of entries in @tags.
 * @metadata: k6's sample metadata (`vu` and `iter` when `systemTags`
 *            enables them, then `exec.vu.metrics.metadata`), in that order;
 *            never used for aggregation. Borrowed as @tags. NULL when none.
 * @nmetadata: number of entries in @metadata.
 *
 * Since: 0.1
 */
typedef struct k6c_sample {
	const k6c_metric_info *metric;
	int64_t time_us;
	double value;
	const k6c_tag *tags;
	size_t ntags;
	const k6c_tag *metadata;
	size_t nmetadata;
} k6c_sample;

/**
 * k6c_sink - a test's handle on one of its sinks, passed to the sink's
 * callbacks; used to report errors (k6c_sink_fail()).
 *
 * Opaque; owned by the test, valid from start() to the end of free().
 *
 * Since: 0.1
 */
typedef struct k6c_sink k6c_sink;

/**
 * k6c_sink_start_info - what a sink learns when the test starts.
 * @script_path: the entry script's path, or the name given to
 *               k6c_test_set_script_source(); owned by the test.
 * @options_json: the consolidated options as JSON (the same text as
 *                k6c_test_options_json()); owned by the test.
 * @metrics: every metric known when the test starts (built-in ones and the
 *           custom ones the init code registered), indexed by id; owned by
 *           the test, valid until stop() returns. Metrics registered later
 *           show up in samples only.
 * @nmetrics: number of entries in @metrics.
 * @start_us: the test's start time, microseconds since the Unix epoch.
 *
 * Since: 0.1
 */
typedef struct k6c_sink_start_info {
	const char *script_path;
	const char *options_json;
	const k6c_metric_info *metrics;
	size_t nmetrics;
	int64_t start_us;
} k6c_sink_start_info;

/**
 * k6c_sink_vtable - what a sink does. Static data, usually a const global.
 * @version: K6C_SINK_VERSION.
 * @description: optional (NULL: the output's name). Returns a one-line
 *               description for the run header (k6's "output: ..." line),
 *               e.g. "json (results.json)"; the string must stay valid
 *               until free(). Called on the thread that starts the test,
 *               before start().
 * @start: optional. Prepares the sink (open files, connect). Return 0, or
 *         any nonzero value to stop the test before it executes: the run
 *         then fails with exit code 255 (k6's for an output that cannot
 *         start), with the message given to k6c_sink_fail() if any.
 * @add_samples: required. Receives a batch of @n >= 1 samples; the array
 *               and everything it points to (except metric info) are
 *               borrowed for the call. Return 0, or nonzero for an error
 *               (logged once per distinct message; the test goes on unless
 *               k6c_sink_fail() asked to abort).
 * @stop: optional. Called once after the last batch, also after a failed
 *        or aborted run; flush and close here. @exit_code is the test's exit
 *        code as it stands (0, 99, 105, ...). Return 0, or nonzero (logged).
 * @free: optional. Frees @payload; called last, exactly once, also when
 *        start() failed or the sink was never started (the test was freed
 *        before running).
 *
 * Every callback receives the k6c_sink handle and the payload given when
 * the sink was added.
 *
 * Thread: the test's output thread for start, add_samples and stop (one
 * at a time); free is called from the thread that ends the run or frees
 * the test.
 *
 * Since: 0.1
 */
typedef struct k6c_sink_vtable {
	unsigned version;
	const char *(*description)(k6c_sink *sink, void *payload);
	int (*start)(k6c_sink *sink, void *payload, const k6c_sink_start_info *info);
	int (*add_samples)(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n);
	int (*stop)(k6c_sink *sink, void *payload, int exit_code);
	void (*free)(void *payload);
} k6c_sink_vtable;

/**
 * k6c_test_add_sink() - attach a sink to a test.
 * @test: the test (not running).
 * @vt: the sink's vtable; borrowed, must outlive the test.
 * @payload: passed to every callback; owned by the sink from now on: the
 *           test calls @vt->free (if set) on it exactly once, also when
 *           this function fails.
 *
 * The sink receives the samples of every later run of @test. Several sinks
 * may be added; they are called in the order they were added.
 *
 * Return: 0; K6C_EINVAL (NULL @test or @vt, or no add_samples);
 * K6C_ENOTSUP (@vt->version unknown); K6C_ESTATE (the test is running);
 * K6C_ENOMEM. The message is in k6c_error_last().
 * Thread: the test's owner thread.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_add_sink(k6c_test *test, const k6c_sink_vtable *vt, void *payload);

/**
 * k6c_sink_fail() - report a sink's error, optionally aborting the test.
 * @sink: the handle passed to the callback.
 * @abort: nonzero to stop the test as k6's output test-run-stop callback
 *         does: the test ends with exit code 255 and the summary is still
 *         produced; 0 to only log @message as an error.
 * @message: the error, copied; NULL for "output error".
 *
 * Safe to call from the sink's callbacks and from any thread the sink
 * owns (a flusher thread of its own), until stop() returns. From start(),
 * the message becomes the reason the run fails.
 *
 * Return: 0; K6C_EINVAL for a NULL @sink.
 * Thread: any.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_sink_fail(k6c_sink *sink, int abort, const char *message);

/**
 * k6c_sink_summary_json() - the end-of-test summary, for a sink's stop().
 * @sink: the handle passed to stop().
 *
 * The object handleSummary receives, as JSON: `metrics` with each metric's
 * values and, under `thresholds`, each threshold's source with its verdict
 * (`{"p(95)<500": {"ok": true}}`), then `root_group`, `state` and
 * `options`, as k6-compat.md describes. A sink that stores results reads
 * the threshold verdicts here.
 *
 * Return: the text, owned by the test and valid until stop() returns; NULL
 * outside stop(), for a NULL @sink, or when the run ended before its
 * summary was computed (a failed start, an init error, a failed factory).
 * Thread: the output thread, inside stop().
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_sink_summary_json(const k6c_sink *sink);

/**
 * k6c_output_params - what an output factory receives when `-o name=arg`
 * selects it.
 * @name: the output's name, as selected.
 * @arg: the text after the first '=', or "" when there was none.
 * @script_path: as in k6c_sink_start_info.
 * @test: the test being configured, for k6c_output_env(); do not call
 *        anything else on it from the factory.
 *
 * All strings are owned by the test and valid during the factory call;
 * copy what the sink keeps.
 *
 * Since: 0.1
 */
typedef struct k6c_output_params {
	const char *name;
	const char *arg;
	const char *script_path;
	const k6c_test *test;
} k6c_output_params;

/**
 * k6c_output_factory - creates the sink of a named output.
 * @params: the selection.
 * @factory_payload: the payload given when the factory was registered.
 * @vt: receives the sink's vtable.
 * @payload: receives the sink's payload (handed over as with
 *           k6c_test_add_sink()).
 * @err: a buffer for an error message; NUL-terminated, at most @errlen
 *       bytes with the NUL.
 * @errlen: its size (at least 256).
 *
 * Return: 0, or nonzero with a message in @err (the run then fails with
 * exit code 104, k6's for a bad configuration, quoting the message).
 * Thread: the thread running the test (k6c_test_run(), or the runner of
 * k6c_test_start()), while it loads the test.
 *
 * Since: 0.1
 */
typedef int (*k6c_output_factory)(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen);

/**
 * k6c_output_register() - make a named output available to every test of
 * the process.
 * @name: the name `-o` selects, e.g. "my-output"; letters, digits, '-'
 *        and '_', 1 to 64 bytes; copied.
 * @factory: creates the sink.
 * @factory_payload: passed to @factory; owned by the caller, must stay valid
 *                   for the life of the process.
 *
 * libk6c's own outputs are registered the same way before main() runs.
 *
 * Return: 0; K6C_EINVAL (a bad name or NULL @factory); K6C_ECONFIG (the
 * name is already registered, for the process or as a built-in);
 * K6C_ENOMEM. The message is in k6c_error_last().
 * Thread: any (registrations are serialised by a lock).
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_output_register(const char *name, k6c_output_factory factory,
	void *factory_payload);

/**
 * k6c_test_register_output() - make a named output available to one test.
 * @test: the test (not running).
 * @name: as for k6c_output_register(); may not shadow a process-wide or
 *        built-in output.
 * @factory: creates the sink.
 * @factory_payload: passed to @factory; owned by the caller, must stay
 *                   valid until the test is freed.
 *
 * Return: as k6c_output_register(), plus K6C_ESTATE if the test is running.
 * Thread: the test's owner thread.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_register_output(k6c_test *test, const char *name,
	k6c_output_factory factory, void *factory_payload);

/**
 * k6c_test_add_output() - select a named output, as k6's `--out`.
 * @test: the test (not running).
 * @spec: "name" or "name=arg" (copied); may be given several times, also
 *        for the same name.
 *
 * The output's factory is looked up and called when the test runs (so an
 * output registered later, before the run, is found); an unknown name then
 * fails the run with exit code 104 and a message naming the output and
 * listing the available ones.
 *
 * Return: 0; K6C_EINVAL (NULL or empty name); K6C_ESTATE (running);
 * K6C_ENOMEM.
 * Thread: the test's owner thread.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_add_output(k6c_test *test, const char *spec);

/**
 * k6c_output_env() - read an environment variable as an output sees it.
 * @params: the factory's parameters.
 * @key: the variable, e.g. "K6_PROMETHEUS_REMOTE_URL".
 *
 * Outputs are configured from the process environment given to the test
 * (k6c_test_set_system_env()), not from the script's `__ENV`, as in k6.
 *
 * Return: the value (owned by the test, valid during the factory call), or
 * NULL when unset or when @params or @key is NULL.
 * Thread: the factory's.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_output_env(const k6c_output_params *params, const char *key);

/**
 * k6c_output_env_at() - list the environment an output sees, one variable
 * at a time, for outputs that read a family of names (k6's
 * K6_PROMETHEUS_RW_HEADERS_<name>) or refuse the names they do not know.
 * @params: the factory's parameters.
 * @i: the variable's index, from 0.
 * @value: receives its value (may be NULL); owned by the test, valid during
 *         the factory call.
 *
 * Return: the variable's name (owned by the test, valid during the factory
 * call), or NULL past the last one or when @params is NULL.
 * Thread: the factory's.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_output_env_at(const k6c_output_params *params, size_t i,
	const char **value);

K6C_END_DECL

#endif /* K6C_SINK_H */
