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
	/* Frees the state; on the worker thread that created it. */
	void (*free)(void *state);
} k6c__vu_ops;

typedef enum k6c__executor_kind {
	K6C__EXEC_SHARED_ITERATIONS,
	K6C__EXEC_PER_VU_ITERATIONS,
	K6C__EXEC_CONSTANT_VUS
	/* ramping-vus, arrival-rate and externally-controlled come with the
	 * scenarios issue; the executor vtable in sched/executor.h is their seam. */
} k6c__executor_kind;

typedef struct k6c__scenario {
	const char *name;              /* "default" for the shortcuts */
	k6c__executor_kind executor;
	unsigned vus;
	uint64_t iterations;           /* shared/per-vu iterations */
	double duration_ms;            /* constant-vus */
	double max_duration_ms;        /* iteration executors; 0: 10 min */
	double graceful_stop_ms;       /* <0: 30 s default */
	double start_time_ms;
	const char *exec;              /* exported function; NULL: "default" */
} k6c__scenario;

typedef struct k6c__sched_config {
	unsigned workers;              /* 0: online CPUs */
	const k6c__vu_ops *ops;
	void *ops_ctx;
	k6c__metrics *metrics;
	k6c__log_fn log;
	void *log_arg;
	const k6c__scenario *scenarios;
	size_t nscenarios;
	bool no_setup, no_teardown;
	const char *user_agent;        /* passed to the HTTP clients */
	/* Added by sched: the C stack reserved per VU coroutine; 0 means
	 * 256 KiB. Untouched pages cost no memory. */
	size_t stack_size;
} k6c__sched_config;

/* The verdict of a run. */
typedef struct k6c__sched_result {
	int status;                    /* 0 ok, K6C_ESCRIPT (init/setup threw), K6C_EABORTED (aborted) */
	double duration_ms;            /* setup + scenarios + teardown, as k6's test run duration */
	uint64_t iterations_complete;
	uint64_t iterations_interrupted;
} k6c__sched_result;

int k6c__sched_new(k6c__sched **out, const k6c__sched_config *cfg);
void k6c__sched_free(k6c__sched *s);
/* Runs everything on the calling thread (workers are started and joined):
 * init VUs, setup, scenarios, teardown. Return 0 (see out) or an API error. */
int k6c__sched_run(k6c__sched *s, k6c__sched_result *out);
/* Any thread, async-signal-safe: interrupt the run; teardown still runs. */
void k6c__sched_abort(k6c__sched *s);

/* ---- Called by the engine on a VU's coroutine ---- */

int k6c__vu_id(const k6c__vu *vu);                 /* 1-based; 0 for the setup/teardown VU */
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

/* Per-VU iteration count in the current scenario (k6's
 * vu.iterationInScenario), and the iteration's index among all iterations of
 * the scenario in this instance (scenario.iterationInInstance). Both 0-based;
 * valid during an iteration. */
uint64_t k6c__vu_scenario_iter(const k6c__vu *vu);
uint64_t k6c__vu_scenario_iter_global(const k6c__vu *vu);
/* The current scenario's definition, or NULL outside a scenario. */
const k6c__scenario *k6c__vu_scenario_def(const k6c__vu *vu);

/* The worker's event loop, for engine code that waits on its own timers or
 * file descriptors: arm them on this loop, call k6c__vu_suspend, and have
 * their callbacks call k6c__vu_resume. */
k6c__loop *k6c__vu_loop(k6c__vu *vu);
/* Suspends the VU until k6c__vu_resume. Return 0, or K6C_EABORTED on a hard
 * stop (the caller then stops its own timers/watches, which may still be
 * armed). VU coroutine only. */
int k6c__vu_suspend(k6c__vu *vu);
/* Loop thread: makes a VU suspended by k6c__vu_suspend runnable again; a
 * no-op if it is not suspended there. */
void k6c__vu_resume(k6c__vu *vu);

/* For Duktape's native stack check: 1 when less than 16 KiB remain on the
 * current coroutine's stack, 0 otherwise (and always 0 off a coroutine). */
int k6c__coro_stack_low(void);

#endif /* K6C_SCHED_H */
