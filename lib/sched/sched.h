/*
 * sched.h - the run controller, executors and worker threads. VUs are
 * coroutines on the workers; each worker runs one event loop (util/loop.h)
 * with one HTTP client. No Duktape or curl types appear here: the engine
 * plugs in through k6c__vu_ops and calls back through the k6c__vu_* functions
 * below, which suspend the calling VU's coroutine.
 */
#ifndef K6C_SCHED_H
#define K6C_SCHED_H

#include "http/http.h"
#include "metrics/metrics.h"
#include "util/util.h"

typedef struct k6c__sched k6c__sched;
typedef struct k6c__vu k6c__vu;
typedef struct k6c__summary_output k6c__summary_output;

/* Log sink shared by the layers; level is a k6c_log_level value. Called from
 * any thread. */
typedef void (*k6c__log_fn)(int level, const char *message, void *arg);

/* What the engine provides. Every function runs on the VU's own coroutine
 * (its own C stack) on a worker thread, so it may call k6c__vu_sleep and
 * k6c__vu_http. */
typedef struct k6c__vu_ops {
	/* Creates the VU's JavaScript state and runs the script's init code.
	 * Return 0, or K6C_ESCRIPT (an exception in init; already logged): the
	 * run then ends with exit code 107. */
	int (*init)(void *ctx, k6c__vu *vu, void **out_state);
	/* Runs one iteration of the VU's scenario exec function (k6c__vu_exec).
	 * Return 0 when it completed, 1 when it threw (the engine logged it; k6
	 * still counts the iteration), K6C_EABORTED when it was interrupted by a
	 * hard stop (not counted). */
	int (*iterate)(void *state, k6c__vu *vu);
	/* Calls the exported setup()/teardown() if the script has them. Return 0,
	 * or K6C_ESCRIPT (exception; logged): setup failing ends the run with 107. */
	int (*setup)(void *state, k6c__vu *vu);
	int (*teardown)(void *state, k6c__vu *vu);
	/* Calls the exported handleSummary(data) with data_json (the summary
	 * data, k6-compat.md section 5.5) and converts the returned map into
	 * *out (an array of *nout outputs, owned by the caller, freed with
	 * k6c__summary_outputs_free). Return 0 (*out may be NULL and *nout 0 when
	 * the map is empty), K6C_ENOTFOUND when the script exports no
	 * handleSummary, K6C_ESCRIPT (exception or a bad return value; logged),
	 * K6C_EABORTED (interrupted by a timeout or an abort). May be NULL. */
	int (*handle_summary)(void *state, k6c__vu *vu, const char *data_json,
		k6c__summary_output **out, size_t *nout);
	/* The tags the engine puts on this VU's own samples besides "group"
	 * (the run's tags option, the scenario's tags, "scenario" and what the
	 * script set with exec.vu.tags), so that the scheduler's iterations
	 * and iteration_duration samples carry them too, as in k6. Fills at
	 * most cap entries of out and returns how many; the strings are
	 * borrowed until the VU's next call into the engine. No allocation.
	 * May be NULL (then only group and scenario are used). */
	size_t (*sample_tags)(void *state, k6c__vu *vu, k6c__tag *out, size_t cap);
	/* Frees the state; on the worker thread that created it. */
	void (*free)(void *state);
	/* The metadata the engine puts on this VU's samples (vu and iter as
	 * systemTags enables them, exec.vu.metrics.metadata), for the
	 * scheduler's iterations samples; called once the iteration ended,
	 * while k6c__vu_iteration is still that iteration's number. Same
	 * rules as sample_tags; returns 0 when no consumer reads metadata
	 * (k6c__metrics_wants_metadata). May be NULL. */
	size_t (*sample_metadata)(void *state, k6c__vu *vu, k6c__tag *out, size_t cap);
} k6c__vu_ops;

typedef enum k6c__executor_kind {
	K6C__EXEC_SHARED_ITERATIONS,
	K6C__EXEC_PER_VU_ITERATIONS,
	K6C__EXEC_CONSTANT_VUS,
	K6C__EXEC_RAMPING_VUS,
	K6C__EXEC_CONSTANT_ARRIVAL_RATE,
	K6C__EXEC_RAMPING_ARRIVAL_RATE,
	K6C__EXEC_EXTERNALLY_CONTROLLED
} k6c__executor_kind;

/* k6's name of an executor kind ("shared-iterations", ...); "" if unknown. */
const char *k6c__executor_name(k6c__executor_kind kind);
/* The kind for k6's name. Return 0 or K6C_ENOTFOUND. */
int k6c__executor_kind_parse(const char *name, k6c__executor_kind *out);

/* One stage of ramping-vus (target VUs) or ramping-arrival-rate (target
 * iterations per timeUnit). */
typedef struct k6c__stage {
	double duration_ms;
	double target;
} k6c__stage;

/* A scenario as k6 defines it. Which fields an executor reads:
 *   shared-iterations, per-vu-iterations: vus, iterations, max_duration_ms
 *   constant-vus: vus, duration_ms
 *   ramping-vus: start_vus, stages, graceful_ramp_down_ms
 *   constant-arrival-rate: rate, time_unit_ms, duration_ms,
 *       pre_allocated_vus, max_vus
 *   ramping-arrival-rate: start_rate, time_unit_ms, stages,
 *       pre_allocated_vus, max_vus
 *   externally-controlled: vus, max_vus, duration_ms (0: until stopped)
 * plus the common start_time_ms, graceful_stop_ms, exec, env and tags.
 * Counts are the whole test's: with an execution segment the scheduler
 * scales them itself (k6c__sched_config.stripe).
 *
 * Ownership: whoever fills one owns its strings and arrays; the options
 * layer and the scheduler keep deep copies made by k6c__scenario_copy and
 * released by k6c__scenario_free. */
typedef struct k6c__scenario {
	const char *name;              /* "default" for the shortcuts */
	k6c__executor_kind executor;
	unsigned vus;
	uint64_t iterations;           /* shared/per-vu iterations */
	double duration_ms;            /* constant-vus, constant-arrival-rate, externally-controlled */
	double max_duration_ms;        /* iteration executors; 0: 10 min */
	double graceful_stop_ms;       /* <0: 30 s default */
	double start_time_ms;
	const char *exec;              /* exported function; NULL: "default" */

	unsigned start_vus;            /* ramping-vus */
	double graceful_ramp_down_ms;  /* ramping-vus; <0: 30 s default */
	const k6c__stage *stages;      /* ramping-vus, ramping-arrival-rate */
	size_t nstages;
	double rate;                   /* constant-arrival-rate: iterations per time unit */
	double start_rate;             /* ramping-arrival-rate */
	double time_unit_ms;           /* arrival-rate; 0: 1 s */
	unsigned pre_allocated_vus;    /* arrival-rate */
	unsigned max_vus;              /* arrival-rate (0: = pre_allocated_vus), externally-controlled (0: = vus) */

	/* Extra __ENV entries and tags for this scenario's iterations:
	 * key, value, key, value, ... (nenv and ntags count pairs). */
	const char *const *env;
	size_t nenv;
	const char *const *tags;
	size_t ntags;
} k6c__scenario;

/* Deep copy (strings, stages, env, tags). Return 0 or K6C_ENOMEM (dst is then
 * zeroed and owns nothing). */
int k6c__scenario_copy(k6c__scenario *dst, const k6c__scenario *src);
/* Frees what k6c__scenario_copy allocated and zeroes sc. */
void k6c__scenario_free(k6c__scenario *sc);

typedef struct k6c__stripe k6c__stripe;   /* sched/segment.h */

/* One file the script's handleSummary() returned: key is "stdout",
 * "stderr" or a path; data[0..len) the bytes (a string's UTF-8 or an
 * ArrayBuffer's contents). Owned by the array it is in. */
struct k6c__summary_output {
	char *key;
	char *data;
	size_t len;
};

void k6c__summary_outputs_free(k6c__summary_output *outs, size_t n);
/* Called on the controller thread after teardown, while the workers still
 * run, when the scheduler is about to call ops->handle_summary: the caller
 * finalises its metrics and returns the summary data JSON (owned by the
 * caller, valid until k6c__sched_run returns), or NULL to skip
 * handleSummary. result holds everything but the summary fields. */
struct k6c__sched_result;
typedef const char *(*k6c__summary_data_fn)(void *arg, const struct k6c__sched_result *result);

typedef struct k6c__sched_config {
	unsigned workers;              /* 0: online CPUs */
	const k6c__vu_ops *ops;
	void *ops_ctx;
	k6c__metrics *metrics;
	k6c__log_fn log;
	void *log_arg;
	const k6c__scenario *scenarios;   /* deep-copied by k6c__sched_new */
	size_t nscenarios;
	bool no_setup, no_teardown;
	const char *user_agent;        /* passed to the HTTP clients */
	/* The rest of the HTTP clients' options (k6's transport options);
	 * max_connections and user_agent are set by each worker. Borrowed: it
	 * must outlive the scheduler. NULL: the defaults. */
	const k6c__http_client_opts *http;
	/* Added by sched: the C stack reserved per VU coroutine; 0 means
	 * 256 KiB. Untouched pages cost no memory. */
	size_t stack_size;
	/* This instance's execution segment (sched/segment.h); NULL: the whole
	 * test. Borrowed: it must outlive the scheduler. */
	const k6c__stripe *stripe;
	/* Start paused (k6's --paused): the VUs are initialised, then nothing
	 * else happens (not even setup) until k6c__sched_pause(s, false). */
	bool paused;
	/* setupTimeout, teardownTimeout, handleSummaryTimeout; <= 0: k6's
	 * 60 s, 60 s and 120 s. */
	double setup_timeout_ms, teardown_timeout_ms, summary_timeout_ms;
	/* handleSummary: when set and ops->handle_summary is too, VU 0 calls
	 * it after teardown with the data this returns. */
	k6c__summary_data_fn summary_data;
	void *summary_data_arg;
} k6c__sched_config;

/* The verdict of a run. */
typedef struct k6c__sched_result {
	int status;                    /* 0 ok, K6C_ESCRIPT (init/setup threw), K6C_EABORTED (aborted) */
	double duration_ms;            /* setup + scenarios + teardown, as k6's test run duration */
	uint64_t iterations_complete;
	uint64_t iterations_interrupted;
	bool setup_timed_out;          /* status is K6C_EABORTED; k6 exits 100 */
	bool teardown_timed_out;       /* k6 exits 101 (status may be 0) */
	bool script_aborted;           /* exec.test.abort(); status is K6C_EABORTED; exit 108 */
	char *abort_reason;            /* its message (owned; may be NULL) */
	bool marked_failed;            /* exec.test.fail(); exit 110 */
	/* handleSummary: whether VU 0 was asked to run it, what
	 * ops->handle_summary returned (K6C_ENOTFOUND: not exported) and the
	 * outputs (owned). */
	bool summary_ran;
	int summary_rc;
	k6c__summary_output *summary_out;
	size_t nsummary_out;
} k6c__sched_result;

/* Frees the owned parts of a result (abort_reason, summary_out). */
void k6c__sched_result_free(k6c__sched_result *r);

int k6c__sched_new(k6c__sched **out, const k6c__sched_config *cfg);
void k6c__sched_free(k6c__sched *s);
/* Runs everything on the calling thread (workers are started and joined):
 * init VUs, (wait while paused), setup, scenarios, teardown, handleSummary.
 * Return 0 (see out; free it with k6c__sched_result_free) or an API error. */
int k6c__sched_run(k6c__sched *s, k6c__sched_result *out);
/* Any thread, async-signal-safe: interrupt the run; teardown still runs. */
void k6c__sched_abort(k6c__sched *s);

/* Any thread: pause or resume. Before the scenarios start they wait (and
 * setup too). While scenarios run, no new iteration starts (running ones
 * go on) and the executors' clocks stop, so durations and arrival schedules
 * continue where they paused. */
void k6c__sched_pause(k6c__sched *s, bool paused);
bool k6c__sched_paused(const k6c__sched *s);

/* Any thread: change an externally-controlled scenario's VUs while it runs
 * (or before). scenario NULL picks the only externally-controlled scenario.
 * max_vus 0 keeps the current maximum; a higher maximum initialises more VUs
 * in the background. Return 0; K6C_ENOTFOUND (no such externally-controlled
 * scenario; message names it); K6C_EINVAL (vus > max_vus, message with
 * both); K6C_ESTATE (the scenario has ended); K6C_ENOMEM. */
int k6c__sched_scale(k6c__sched *s, const char *scenario, unsigned vus, unsigned max_vus);

/* Progress of one scenario, for k6/execution and the host. */
typedef enum k6c__scenario_state {
	K6C__SC_PENDING,               /* before its startTime (or paused before it) */
	K6C__SC_RUNNING,
	K6C__SC_STOPPING,              /* in gracefulStop */
	K6C__SC_DONE
} k6c__scenario_state;

typedef struct k6c__scenario_progress {
	const char *name;              /* borrowed from the scheduler */
	k6c__executor_kind executor;
	k6c__scenario_state state;
	double progress;               /* 0..1, as k6's exec.scenario.progress */
	double elapsed_ms;             /* since the scenario started, pauses excluded */
	double start_epoch_ms;         /* wall clock of the start (0 before it) */
	unsigned vus_active;           /* VUs in an iteration or allowed to start one */
	unsigned vus_max;              /* VUs the scenario holds (arrival-rate: initialised so far) */
	uint64_t iterations_complete;
	uint64_t iterations_interrupted;
	uint64_t iterations_dropped;
} k6c__scenario_progress;

size_t k6c__sched_scenario_count(const k6c__sched *s);
/* Any thread; a snapshot. Return 0 or K6C_ENOTFOUND (index past the end). */
int k6c__sched_progress(k6c__sched *s, size_t index, k6c__scenario_progress *out);

/* The instance's counters for exec.instance. Any thread; a snapshot. */
typedef struct k6c__sched_stats {
	uint64_t iterations_complete;
	uint64_t iterations_interrupted;
	unsigned vus_active;
	unsigned vus_initialized;
	double elapsed_ms;             /* since the run started (setup included), pauses included */
} k6c__sched_stats;
void k6c__sched_stats_get(k6c__sched *s, k6c__sched_stats *out);

/* ---- Called by the engine on a VU's coroutine ---- */

int k6c__vu_id(const k6c__vu *vu);                 /* 1-based; 0 for the setup/teardown VU */
/* exec.vu.idInTest: the VU's id across all execution segments (striped
 * as k6, sched/segment.h); equals k6c__vu_id without a segment. */
uint64_t k6c__vu_id_in_test(const k6c__vu *vu);
k6c__sched *k6c__vu_sched(k6c__vu *vu);
uint64_t k6c__vu_iteration(const k6c__vu *vu);     /* __ITER: 0-based, per VU */
const char *k6c__vu_scenario(const k6c__vu *vu);   /* current scenario name, "" outside one */
const char *k6c__vu_exec(const k6c__vu *vu);       /* function to call for an iteration */
k6c__samples *k6c__vu_samples(k6c__vu *vu);        /* the worker's buffer */
k6c__metrics *k6c__vu_metrics(k6c__vu *vu);
void k6c__vu_log(k6c__vu *vu, int level, const char *fmt, ...) K6C__PRINTF(3, 4);
/* True once the VU must stop at once (hard stop or abort); the engine polls it
 * from Duktape's execution-timeout hook to interrupt busy JavaScript. */
bool k6c__vu_should_stop(const k6c__vu *vu);

/* Suspends the VU for ms; other VUs run meanwhile. Return 0, or K6C_EABORTED
 * when it was woken early by a hard stop. */
int k6c__vu_sleep(k6c__vu *vu, double ms);
/* Runs one HTTP request (with redirects) on the VU's connection, suspending
 * until the final response; cb is called per hop as in k6c__http_start.
 * Return 0 (transport errors are in resp), K6C_EINVAL/K6C_ENOMEM for a bad
 * request, K6C_EABORTED on a hard stop (the transfer is cancelled). */
int k6c__vu_http(k6c__vu *vu, const k6c__http_req *req, k6c__http_resp *resp,
	k6c__http_cb cb, void *arg);
/* Frees a response from k6c__vu_http (zeroing it) but hands its buffers to
 * the VU's connection, so the VU's next response reuses their memory
 * (k6c__http_conn_recycle). Any thread-affine rule of k6c__vu_http applies. */
void k6c__vu_http_recycle(k6c__vu *vu, k6c__http_resp *resp);

/* Connections of the VU's besides its own, for transfers it runs while it
 * does something else (http.batch, http.asyncRequest): the caller starts
 * them with k6c__http_start on the worker's loop and gives each back when
 * done. Take reuses an idle one (so its keep-alive connection serves the
 * VU's next batch) or creates one: 0, or K6C_ENOMEM. Give cancels a
 * transfer still running (without its callback) and keeps the connection
 * for the VU's next take, or frees it past a few dozen idle ones. VU
 * coroutine only. */
int k6c__vu_conn_take(k6c__vu *vu, k6c__http_conn **out);
void k6c__vu_conn_give(k6c__vu *vu, k6c__http_conn *conn);

/* Per-VU iteration count in the current scenario (k6's
 * vu.iterationInScenario), and the iteration's index among all iterations of
 * the scenario in this instance (scenario.iterationInInstance). Both 0-based;
 * valid during an iteration. */
uint64_t k6c__vu_scenario_iter(const k6c__vu *vu);
uint64_t k6c__vu_scenario_iter_global(const k6c__vu *vu);
/* The current scenario's definition, or NULL outside a scenario. */
const k6c__scenario *k6c__vu_scenario_def(const k6c__vu *vu);
/* exec.scenario.iterationInTest: the iteration's index across all
 * execution segments (striped); equals k6c__vu_scenario_iter_global without
 * a segment. Valid during an iteration. */
uint64_t k6c__vu_scenario_iter_in_test(const k6c__vu *vu);
/* The current scenario's index in the scheduler's list (for
 * k6c__sched_progress), or -1 outside a scenario. */
int k6c__vu_scenario_index(const k6c__vu *vu);
/* Arrival-rate executors: the monotonic time (k6c__now_ns) this iteration
 * was scheduled to start; 0 for the other executors. */
uint64_t k6c__vu_scheduled_ns(const k6c__vu *vu);

/* exec.test.abort(reason): stops the whole test as an abort does (teardown
 * and handleSummary still run); the result has script_aborted and the
 * reason (copied; may be NULL). Any VU, setup and teardown included. */
void k6c__vu_abort_test(k6c__vu *vu, const char *reason);
/* exec.test.fail(): the test goes on but ends marked failed. */
void k6c__vu_fail_test(k6c__vu *vu);

/* The worker's event loop, for engine code that waits on its own timers or
 * file descriptors: arm them on this loop, call k6c__vu_suspend, and have
 * their callbacks call k6c__vu_resume. */
k6c__loop *k6c__vu_loop(k6c__vu *vu);
/* Suspends the VU until k6c__vu_resume. Return 0, or K6C_EABORTED on a hard
 * stop (the caller then stops its own timers/watches, which may still be
 * armed). VU coroutine only. Several callbacks may each resume the VU (the
 * engine's event loop does), so a caller re-checks what it waits for after
 * every return. */
int k6c__vu_suspend(k6c__vu *vu);
/* Loop thread: makes a VU suspended by k6c__vu_suspend runnable again; a
 * no-op if it is not suspended there. */
void k6c__vu_resume(k6c__vu *vu);

/* For Duktape's native stack check: 1 when less than 16 KiB remain on the
 * current coroutine's stack, 0 otherwise (and always 0 off a coroutine). */
int k6c__coro_stack_low(void);

#endif /* K6C_SCHED_H */
