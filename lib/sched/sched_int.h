/*
 * sched_int.h - private structures shared by the run controller (sched.c),
 * the workers and VUs (worker.c) and the executors (executor.c).
 *
 * Ownership of fields by thread is the rule that keeps this lock-free on the
 * hot path: a field is either written by one thread only (marked), or is an
 * atomic, or is protected by the worker's command mutex.
 */
#ifndef K6C_SCHED_INT_H
#define K6C_SCHED_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "sched/coro.h"
#include "sched/executor.h"
#include "sched/sched.h"

typedef struct k6c__worker k6c__worker;

/* What a VU is asked to do next (set on its worker thread from a command). */
enum vu_task {
	VU_TASK_NONE,
	VU_TASK_SETUP,
	VU_TASK_TEARDOWN,
	VU_TASK_SCENARIO,
	VU_TASK_EXIT
};

/* A task as the controller hands it over. */
typedef struct worker_cmd_task {
	int task;                       /* enum vu_task */
	k6c__exec *exec;                /* VU_TASK_SCENARIO */
	unsigned abort_base;            /* see k6c__vu.abort_base */
} worker_cmd_task;

/* A command from the controller to a worker: a task for one VU, or, with vu
 * NULL, "stop once every VU has exited". At most one task per VU is ever
 * pending (the controller waits for a task to be reported done before it
 * gives the next), so the queue has a fixed capacity of VUs + 1. */
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
	VU_BLK_PARK       /* the executor said K6C__NEXT_PARK */
};

struct k6c__vu {
	k6c__sched *s;
	k6c__worker *w;
	int id;
	void *state;                    /* from ops->init */
	k6c__coro *coro;                /* worker thread */

	/* Worker thread (set from the command that assigns a task). */
	int task;
	k6c__exec *exec;                /* VU_TASK_SCENARIO */
	unsigned abort_base;            /* aborts up to this count do not stop the task */

	/* Worker thread. */
	uint64_t iter;                  /* __ITER */
	uint64_t scen_iter;
	uint64_t scen_iter_global;
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

	/* Any thread: k6c__exec_wake_vu (then wake_gen is bumped). */
	atomic_bool wake_req;

	/* Arrival-rate executors: when the iteration was due (k6c__now_ns),
	 * 0 otherwise. Worker thread. */
	uint64_t sched_ns;
};


struct k6c__worker {
	k6c__sched *s;
	unsigned index;
	pthread_t thread;
	bool thread_started;            /* controller */
	k6c__loop *loop;                /* created by k6c__sched_new; the worker thread uses it */
	k6c__http_client *http;         /* worker thread */
	k6c__samples *samples;          /* worker thread */
	k6c__vu **vus;                  /* the VUs living here; fixed before the thread starts */
	size_t nvus;

	/* Worker thread. */
	k6c__vu *rq_head, *rq_tail;
	unsigned live;                  /* coroutines not finished */
	unsigned seen_abort, seen_stop, seen_wake;
	uint64_t slice_start_ns;        /* when the running coroutine was resumed */
	bool quit;

	/* Commands from the controller. */
	pthread_mutex_t mu;
	worker_cmd *cmds;               /* capcmds entries, ncmds used (mu) */
	size_t ncmds, capcmds;
	atomic_bool has_cmds;
	worker_cmd *cmds_work;          /* worker thread: the batch being applied */
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
	k6c__vu **vus;                  /* [0] the setup/teardown VU (or NULL), [1..nvus] */
	unsigned nvus;
	bool ran;

	/* Any thread. */
	atomic_uint abort_seq;          /* k6c__sched_abort calls */
	atomic_uint stop_gen;           /* bumped whenever a stop flag is set */
	atomic_uint wake_gen;           /* bumped by k6c__exec_wake_vu */

	/* Workers -> controller (each change is followed by a ctl_loop wakeup). */
	atomic_uint inits_done;
	atomic_uint inits_ok;
	atomic_bool init_failed;
	atomic_bool task_done;          /* setup/teardown finished on VU 0 */
	atomic_int task_rc;

	/* Any thread: pause state, exec.test.abort()/fail() verdicts. */
	atomic_bool paused;
	atomic_bool script_aborted;
	atomic_bool marked_failed;
	char *abort_reason;             /* err_mu */

	/* Progress snapshots for other threads (k6c__sched_progress/_stats). */
	atomic_uint_fast64_t run_t0_ns; /* 0 before the run started */
	pthread_mutex_t err_mu;
	int init_rc;                    /* first init failure (err_mu) */
	char *init_msg;                 /* its message (err_mu) */
};

/* worker.c */
int k6c__worker_start(k6c__worker *w);   /* controller: creates the thread */
/* Controller: queues commands and wakes the worker. K6C_EINTERNAL if the
 * fixed-size queue would overflow (a controller bug). */
int k6c__worker_post(k6c__worker *w, const worker_cmd *cmds, size_t n);
void k6c__worker_join(k6c__worker *w);
bool k6c__vu_stopped(const k6c__vu *vu);
void k6c__sched_wake_workers(k6c__sched *s);
void k6c__sched_record_init_error(k6c__sched *s, int rc);

#endif /* K6C_SCHED_INT_H */
