/*
 * executor.h - the seam between the run controller and the executors.
 *
 * The controller (sched.c) owns the timeline of a scenario and the generic
 * parts every executor shares: it reserves the planned VUs from the pool when
 * the scenario starts, stops new iterations run_ms later (or when every VU
 * left), waits up to gracefulStop for running iterations, then hard-stops
 * them, and releases the VUs. All of it runs in "test time", which stands
 * still while the test is paused. An executor decides, per VU and per
 * iteration, whether that VU may start another one (next), and may change
 * its plan over time from the controller thread (tick): wake parked VUs,
 * interrupt a VU's iteration, hand an iteration to a free VU (the open
 * model of the arrival-rate executors), or ask for more VUs, which the
 * controller takes from the free pool or initialises in the background.
 *
 * Threads: init/tick/finish/free run on the controller thread;
 * next/done run on worker threads (on the VU's coroutine), concurrently for
 * different VUs, so they must only touch atomics or per-VU data;
 * active_vus/progress may run on any thread (atomics only).
 */
#ifndef K6C_SCHED_EXECUTOR_H
#define K6C_SCHED_EXECUTOR_H

#include <stdatomic.h>

#include "sched/sched.h"
#include "sched/segment.h"

typedef struct k6c__exec k6c__exec;

typedef enum k6c__exec_next {
	K6C__NEXT_ITERATE,   /* start an iteration now */
	K6C__NEXT_PARK,      /* wait until k6c__exec_wake_vu (or the scenario stops), then ask again */
	K6C__NEXT_LEAVE      /* this VU is done with the scenario */
} k6c__exec_next;

typedef struct k6c__executor {
	const char *name;    /* k6's name, e.g. "shared-iterations" */
	/* Open model: next is asked even after the regular duration ended
	 * (an iteration handed over before the end still runs) and while
	 * paused; it returns LEAVE itself once e->stopping is set. */
	bool open;
	/* Runs until the end of its regular duration even while it holds no
	 * VU (it may get some: arrival-rate, externally-controlled). */
	bool lives_without_vus;
	/* Validates the scenario (unscaled, k6's messages), scales it with
	 * the sched's stripe, sets e->plan_vus and e->run_ms (INFINITY: until
	 * stopped) and may set e->impl and e->iter_stripe. Return 0,
	 * K6C_ECONFIG or K6C_ENOMEM. Called by k6c__sched_new. */
	int (*init)(k6c__exec *e);
	/* May this VU start another iteration? Lock-free; worker thread. */
	k6c__exec_next (*next)(k6c__exec *e, k6c__vu *vu);
	/* An iteration ended with status (as returned by k6c__vu_ops.iterate).
	 * Worker thread. May be NULL. */
	void (*done)(k6c__exec *e, k6c__vu *vu, int status);
	/* Called while the scenario runs or stops gracefully, at elapsed_ms of
	 * test time after its start (right after the start, then when the
	 * returned delay in ms has passed, or earlier; a negative value: no
	 * more calls needed). May be NULL. */
	double (*tick)(k6c__exec *e, double elapsed_ms);
	/* Any thread asked for a tick (k6c__sched_scale): true makes the
	 * controller call tick on its next pass. Controller. May be NULL. */
	bool (*poked)(k6c__exec *e);
	/* VUs to report in the `vus` gauge and as vus_active. Any thread.
	 * NULL: the VUs the scenario holds that have joined it. */
	unsigned (*active_vus)(const k6c__exec *e);
	/* 0..1 as k6's progress bars. Any thread. NULL: elapsed / run_ms. */
	double (*progress)(const k6c__exec *e, double elapsed_ms);
	/* After every VU left (or the run was aborted): account what is
	 * counted at the end, e.g. add to e->dropped. May be NULL. */
	void (*finish)(k6c__exec *e);
	/* Frees e->impl. May be NULL. */
	void (*free)(k6c__exec *e);
} k6c__executor;

struct k6c__exec {
	const k6c__executor *vt;
	const k6c__scenario *sc;        /* the sched's own copy */
	k6c__sched *sched;
	void *impl;                     /* executor state */
	size_t index;                   /* in the sched's list */

	/* Set by vt->init. */
	unsigned plan_vus;              /* VUs reserved when the scenario starts */
	unsigned max_vus;               /* the most it may hold (arrival-rate: maxVUs) */
	double run_ms;                  /* no new iterations after this (from the start) */
	double graceful_ms;             /* resolved gracefulStop */
	/* Maps the scenario's iteration indices to the test's
	 * (exec.scenario.iterationInTest): the sched's stripe, or one built
	 * from a value as k6 does (owned then). NULL: the whole test. */
	const k6c__stripe *iter_stripe;
	k6c__stripe *own_stripe;

	/* Shared with the workers. */
	atomic_bool stopping;           /* no new iterations */
	atomic_bool hard_stop;          /* interrupt running iterations */
	atomic_uint active;             /* VUs still in the scenario (initialising ones included) */
	atomic_uint joined;             /* VUs that started running the scenario and did not leave */
	atomic_uint initing;            /* VUs created for it still initialising */
	atomic_uint held;               /* VUs the scenario holds (mirror of nvus) */
	atomic_uint_fast64_t started;   /* iterations started (also the scenario iteration index) */
	atomic_uint_fast64_t complete;
	atomic_uint_fast64_t interrupted;
	atomic_uint_fast64_t dropped;
	atomic_uint_fast64_t counter;   /* free for the executor (shared-iterations claims) */
	_Atomic(k6c__vu *) free_stack;  /* arrival-rate: VUs that became free */

	/* Written by the controller; atomics because k6c__sched_progress
	 * reads them from any thread. */
	atomic_int state;               /* enum exec_state */
	atomic_uint_fast64_t start_test_ns;  /* test time of the start */
	atomic_uint_fast64_t end_test_ns;    /* test time it ended; 0 before */
	_Atomic double start_epoch_ms;

	/* Controller thread only. */
	uint64_t stop_test_ns, hard_test_ns, tick_test_ns;
	uint64_t now_ns;                /* monotonic time of the current tick */
	uint64_t dropped_emitted;
	k6c__vu **vus;                  /* the VUs it holds, by exec_index */
	unsigned nvus, capvus;
	k6c__vu *ctl_free;              /* arrival-rate: free VUs taken off free_stack */
	bool warned;
};

/* The executor for a scenario kind, or NULL. */
const k6c__executor *k6c__executor_for(k6c__executor_kind kind);

/* Any thread: wake a VU that parked in this scenario (it asks next again).
 * A wake that arrives before the VU parks is remembered. */
void k6c__exec_wake_vu(k6c__exec *e, k6c__vu *vu);

/* Controller: interrupt the VU's current iteration (if any) as a hard stop
 * would, without making it leave the scenario. */
void k6c__exec_interrupt_vu(k6c__exec *e, k6c__vu *vu);

/* Controller: give the scenario one more VU, at index e->nvus: a free VU of
 * the pool if there is one, else a new one initialised in the background on
 * a worker (counted in e->initing until it joins). Return 0 or K6C_ENOMEM. */
int k6c__exec_add_vu(k6c__exec *e);

/* Controller, arrival-rate: a free VU of the scenario, or NULL. */
k6c__vu *k6c__exec_pop_free(k6c__exec *e);
/* Controller: hand the iteration due at due_ns (monotonic) to a VU from
 * k6c__exec_pop_free. */
void k6c__exec_assign(k6c__exec *e, k6c__vu *vu, uint64_t due_ns);

/* Logs through the run's log callback (level: k6c_log_level). */
void k6c__exec_log(k6c__exec *e, int level, const char *fmt, ...) K6C__PRINTF(3, 4);

/* k6's ScaleInt64 with the run's segment (the whole value without one). */
uint64_t k6c__exec_scale(const k6c__exec *e, uint64_t v);

/* k6's GetNewExecutionTupleFromValue: the stripe whose segments are the
 * shares of value the run's sequence gives each segment (empty ones
 * dropped), in which this run's segment is *out (owned by the caller).
 * *out is NULL when the run has no segment; K6C_ENOTFOUND when this
 * segment's share of value is 0. */
int k6c__exec_stripe_from_value(const k6c__exec *e, uint64_t value, k6c__stripe **out);

#endif /* K6C_SCHED_EXECUTOR_H */
