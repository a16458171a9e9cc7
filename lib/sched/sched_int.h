/*
 * sched_int.h - private structures shared by the run controller (sched.c),
 * the workers and VUs (worker.c) and the executors (executor*.c).
 *
 * Ownership of fields by thread is the rule that keeps this lock-free on the
 * hot path: a field is either written by one thread only (marked), or is an
 * atomic, or is protected by a mutex (marked).
 */
#ifndef K6C_SCHED_INT_H
#define K6C_SCHED_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "sched/coro.h"
#include "sched/executor.h"
#include "sched/sched.h"
#include "sched/segment.h"

typedef struct k6c__worker k6c__worker;

/* What a VU is asked to do next (set on its worker thread from a command). */
enum vu_task {
	VU_TASK_NONE,
	VU_TASK_SETUP,
	VU_TASK_TEARDOWN,
	VU_TASK_SUMMARY,
	VU_TASK_SCENARIO,
	VU_TASK_EXIT,
	VU_TASK_ADOPT      /* command only: a VU created during the run joins the worker */
};

/* A task as the controller hands it over. */
typedef struct worker_cmd_task {
	int task;                       /* enum vu_task */
	k6c__exec *exec;                /* VU_TASK_SCENARIO */
	unsigned abort_base;            /* see k6c__vu.abort_base */
	unsigned exec_index;            /* VU_TASK_SCENARIO: the VU's place in the scenario */
} worker_cmd_task;

/* A command from the controller to a worker: a task for one VU, or, with vu
 * NULL, "stop once every VU has exited". At most one task per VU is pending
 * (the controller waits for a task to be reported done before it gives the
 * next), except that a VU created during the run gets its adoption and its
 * first task together. The queue grows as VUs are added. */
typedef struct worker_cmd {
	k6c__vu *vu;
	worker_cmd_task t;
} worker_cmd;

/* Why a VU's coroutine is switched out. */
enum vu_block {
	VU_BLK_NONE,      /* running, or queued to run */
	VU_BLK_IDLE,      /* waiting for a task */
	VU_BLK_SLEEP,     /* k6c__vu_sleep: timer armed */
	VU_BLK_HTTP,      /* k6c__vu_http: transfer in flight */
	VU_BLK_SUSPEND,   /* k6c__vu_suspend */
	VU_BLK_PARK       /* the executor said K6C__NEXT_PARK, or the test is paused */
};

/* An arrival-rate VU's hand-over state (k6c__vu.arr_state). Only the VU
 * moves BUSY -> FREE (and pushes itself on the scenario's free stack) and
 * ASSIGNED -> BUSY; only the controller moves FREE -> ASSIGNED. */
enum { ARR_BUSY, ARR_FREE, ARR_ASSIGNED };

struct k6c__vu {
	k6c__sched *s;
	k6c__worker *w;
	int id;
	bool dynamic;                   /* created during the run (set before it is posted) */
	bool owes_initing;              /* counted in its first scenario's initing (set
	                                   before it is posted; then worker thread) */
	void *state;                    /* from ops->init */
	k6c__coro *coro;                /* worker thread */
	bool init_ok;                   /* worker thread */

	/* Worker thread (set from the command that assigns a task). */
	int task;
	k6c__exec *exec;                /* VU_TASK_SCENARIO */
	unsigned abort_base;            /* aborts up to this count do not stop the task */
	unsigned exec_index;            /* place among the scenario's VUs (0-based) */

	/* Worker thread. */
	uint64_t iter;                  /* __ITER */
	uint64_t scen_iter;
	uint64_t scen_iter_global;      /* index among the scenario's iterations in this instance */
	uint64_t sched_ns;              /* arrival-rate: when the iteration was due */
	bool has_due;                   /* the executor set sched_ns for this iteration */
	bool in_task;                   /* in an iteration or a VU 0 task: intr_seq applies */
	unsigned intr_base;             /* intr_seq when the iteration or task started */
	int blk;                        /* enum vu_block */
	int wake_rc;                    /* what the blocking call returns */
	bool waiting;                   /* switched out until someone queues it */
	bool queued;                    /* in the worker's run queue */
	bool wake_pending;              /* k6c__exec_wake_vu before it parked */
	bool has_pending;               /* a task arrived while it was busy */
	worker_cmd_task pending;
	k6c__vu *rq_next;
	k6c__timer timer;
	k6c__http_conn *conn;           /* created on first HTTP request */
	k6c__http_cb user_cb;
	void *user_arg;
	/* Idle extra connections (k6c__vu_conn_take/give), kept so that
	 * http.batch and asyncRequest reuse theirs across iterations. */
	k6c__http_conn **spare;
	size_t nspare, capspare;

	/* Any thread: k6c__exec_wake_vu pushes the VU on its worker's wake
	 * stack when wake_req goes false -> true; wake_next links the stack
	 * (written by the pusher before the publishing CAS). */
	atomic_bool wake_req;
	k6c__vu *wake_next;
	/* Controller: bumped to interrupt the VU's current iteration or task
	 * (gracefulRampDown, scaling down, setup/teardown timeouts). */
	atomic_uint intr_seq;
	/* In an iteration (relaxed; for counting active VUs). */
	atomic_bool iterating;

	/* Arrival-rate hand-over (see ARR_*). arr_ns is written by the
	 * controller before it stores ARR_ASSIGNED (release). pool_next
	 * links the scenario's free stack (written by the VU before its
	 * publishing CAS; read by the controller after taking the stack). */
	atomic_int arr_state;
	uint64_t arr_ns;
	k6c__vu *pool_next;
};

struct k6c__worker {
	k6c__sched *s;
	unsigned index;
	pthread_t thread;
	bool thread_started;            /* controller */
	k6c__loop *loop;                /* created by k6c__sched_new; the worker thread uses it */
	k6c__http_client *http;         /* worker thread */
	k6c__samples *samples;          /* worker thread */
	k6c__vu **vus;                  /* the VUs living here: fixed before the thread starts, */
	size_t nvus, capvus;            /* then grown by the worker thread only (VU_TASK_ADOPT) */
	long max_connections;           /* set by the controller before the start */

	/* Worker thread. */
	k6c__vu *rq_head, *rq_tail;
	unsigned live;                  /* coroutines not finished */
	unsigned seen_abort, seen_stop;
	uint64_t slice_start_ns;        /* when the running coroutine was resumed */
	bool quit;

	/* Any thread -> worker: VUs to wake (k6c__exec_wake_vu). */
	_Atomic(k6c__vu *) wake_head;

	/* Commands from the controller. */
	pthread_mutex_t mu;
	worker_cmd *cmds;               /* capcmds entries, ncmds used (mu) */
	size_t ncmds, capcmds;
	atomic_bool has_cmds;
	worker_cmd *cmds_work;          /* the batch being applied: swapped with cmds under mu */
	size_t capwork;
};

enum exec_state { EXEC_PENDING, EXEC_RUNNING, EXEC_STOPPING, EXEC_HARD, EXEC_DONE };

struct k6c__sched {
	k6c__sched_config cfg;          /* scenarios point to the copies below */
	k6c__scenario *scenarios;
	size_t nscenarios;
	k6c__exec *execs;               /* one per scenario */
	k6c__loop *ctl_loop;            /* the controller waits here */
	k6c__worker *workers;
	unsigned nworkers;
	bool ran;

	/* Controller thread: every VU ([0] the setup/teardown VU or NULL),
	 * planned ones first, then those created during the run; whether a
	 * scenario holds it. Grown by the controller only. */
	k6c__vu **vus;
	bool *vu_busy;
	unsigned nvus, capvus;
	unsigned planned_vus;           /* VUs 1..planned_vus are created before the start */
	k6c__samples *ctl_samples;      /* controller: gauges and dropped_iterations */
	uint64_t ctl_now_ns;            /* controller: the time of the current pass */

	/* Any thread. */
	atomic_uint abort_seq;          /* k6c__sched_abort calls */
	atomic_uint stop_gen;           /* bumped whenever a stop, interrupt or pause flag changes */
	atomic_bool running;            /* scenarios may have started: inits are in the background */

	/* Workers -> controller (each change is followed by a ctl_loop wakeup). */
	atomic_uint inits_done;         /* planned VUs' inits finished (ok or not) */
	atomic_uint vus_ready;          /* VUs (id >= 1) initialised successfully */
	atomic_bool init_failed;
	atomic_bool task_done;          /* a VU 0 task finished */
	atomic_int task_rc;
	pthread_mutex_t err_mu;
	int init_rc;                    /* first init failure (err_mu) */
	char *init_msg;                 /* its message (err_mu) */

	/* VU 0's handleSummary: the input (set before the task is posted) and
	 * the outputs (set by VU 0 before task_done). */
	const char *summary_json;
	k6c__summary_output *summary_out;
	size_t nsummary_out;

	/* Any thread: pause state, exec.test.abort()/fail() verdicts. */
	atomic_bool paused;
	atomic_bool script_aborted;
	atomic_bool marked_failed;
	char *abort_reason;             /* err_mu */

	/* The scenarios' clock ("test time": pauses excluded). Written by the
	 * controller under clk_mu; read by the controller without it and by
	 * progress readers with it. */
	pthread_mutex_t clk_mu;
	uint64_t clk_t0;                /* monotonic start of the scenarios; 0 before */
	uint64_t clk_paused_ns;         /* total paused time so far */
	uint64_t clk_pause_start;       /* monotonic start of the current pause, 0 if none */
	atomic_uint_fast64_t run_t0_ns; /* start of setup (k6's test run start); 0 before */

	/* k6c__sched_scale requests (scale_mu); applied by the controller. */
	pthread_mutex_t scale_mu;
};

/* worker.c */
/* Formats and passes a line to the run's log callback, if any. Any thread. */
void k6c__sched_vlog(const k6c__sched *s, int level, const char *fmt, va_list ap);
int k6c__worker_start(k6c__worker *w);   /* controller: creates the thread */
/* Controller: queues commands and wakes the worker. K6C_ENOMEM if the queue
 * cannot grow. */
int k6c__worker_post(k6c__worker *w, const worker_cmd *cmds, size_t n);
void k6c__worker_join(k6c__worker *w);
/* True when the VU must abandon what it does (abort, hard stop, or an
 * interrupt of its current iteration or task). Worker thread. */
bool k6c__vu_stopped(const k6c__vu *vu);
void k6c__sched_wake_workers(k6c__sched *s);
void k6c__sched_record_init_error(k6c__sched *s, int rc);

/* sched.c: the scenarios' clock in nanoseconds of test time. */
uint64_t k6c__sched_test_ns(k6c__sched *s, uint64_t mono_ns);

#endif /* K6C_SCHED_INT_H */
