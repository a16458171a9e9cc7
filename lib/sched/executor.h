/*
 * executor.h - the seam between the run controller and the executors
 * (shared-iterations, per-vu-iterations, constant-vus; ramping-vus, the
 * arrival-rate executors and externally-controlled plug in here later).
 *
 * The controller (sched.c) owns the timeline of a scenario and the generic
 * parts every executor shares: it reserves max_vus VUs from the pool when the
 * scenario starts, stops new iterations run_ms later (or when every VU left),
 * waits up to gracefulStop for running iterations, then hard-stops them, and
 * releases the VUs. An executor only decides, per VU and per iteration,
 * whether that VU may start another one (next), and may change its plan over
 * time from the controller thread (tick) by waking parked VUs.
 *
 * Threads: init/tick/active_vus/finish/free run on the controller thread;
 * next/done run on worker threads (on the VU's coroutine), concurrently for
 * different VUs, so they must only touch atomics or per-VU data.
 */
#ifndef K6C_SCHED_EXECUTOR_H
#define K6C_SCHED_EXECUTOR_H

#include <stdatomic.h>

#include "sched/sched.h"

typedef struct k6c__exec k6c__exec;

typedef enum k6c__exec_next {
	K6C__NEXT_ITERATE,   /* start an iteration now */
	K6C__NEXT_PARK,      /* wait until k6c__exec_wake_vu (or the scenario stops), then ask again */
	K6C__NEXT_LEAVE      /* this VU is done with the scenario */
} k6c__exec_next;

typedef struct k6c__executor {
	const char *name;    /* k6's name, e.g. "shared-iterations" */
	/* Validates the scenario and sets e->max_vus and e->run_ms; may set
	 * e->impl. Return 0 or K6C_ECONFIG (k6's message). Called by
	 * k6c__sched_new. */
	int (*init)(k6c__exec *e);
	/* May this VU start another iteration? Lock-free; worker thread. */
	k6c__exec_next (*next)(k6c__exec *e, k6c__vu *vu);
	/* An iteration ended with status (as returned by k6c__vu_ops.iterate).
	 * Worker thread. May be NULL. */
	void (*done)(k6c__exec *e, k6c__vu *vu, int status);
	/* Called while the scenario runs, elapsed_ms after its start; returns
	 * the delay in ms until the next call, or a negative value for none.
	 * Called once right after the start. May be NULL. */
	double (*tick)(k6c__exec *e, double elapsed_ms);
	/* VUs to report in the `vus` gauge. NULL: all reserved VUs. */
	unsigned (*active_vus)(const k6c__exec *e);
	/* After every VU left (or the run was aborted): emit what the
	 * executor accounts at the end, e.g. dropped_iterations. samples may be
	 * NULL (no metrics). May be NULL. */
	void (*finish)(k6c__exec *e, k6c__samples *samples);
	/* Frees e->impl. May be NULL. */
	void (*free)(k6c__exec *e);
} k6c__executor;

struct k6c__exec {
	const k6c__executor *vt;
	const k6c__scenario *sc;        /* the sched's own copy */
	k6c__sched *sched;
	void *impl;                     /* executor state */

	/* Set by vt->init. */
	unsigned max_vus;               /* VUs reserved while the scenario runs */
	double run_ms;                  /* no new iterations after this (from the start) */
	double graceful_ms;             /* resolved gracefulStop */

	/* Shared with the workers. */
	atomic_bool stopping;           /* no new iterations */
	atomic_bool hard_stop;          /* interrupt running iterations */
	atomic_uint active;             /* VUs still in the scenario */
	atomic_uint_fast64_t started;   /* iterations started (also the scenario iteration index) */
	atomic_uint_fast64_t complete;
	atomic_uint_fast64_t interrupted;
	atomic_uint_fast64_t counter;   /* free for the executor (shared-iterations claims) */

	/* Written by the controller only; atomics because k6c__sched_progress
	 * reads them from any thread. */
	atomic_int state;               /* enum exec_state */
	_Atomic uint64_t start_ns;
	_Atomic double start_epoch_ms;

	/* Controller thread only (sched.c). */
	uint64_t stop_ns, hard_ns, tick_ns;
	k6c__vu **vus;                  /* the reserved VUs, max_vus of them */
};

/* The executor for a scenario kind, or NULL. */
const k6c__executor *k6c__executor_for(k6c__executor_kind kind);

/* Controller thread: wake a VU that parked in this scenario (it asks next
 * again). A wake that arrives before the VU parks is remembered. */
void k6c__exec_wake_vu(k6c__exec *e, k6c__vu *vu);

/* Emits one dropped_iterations sample (if n > 0) tagged with the scenario. */
void k6c__exec_emit_dropped(k6c__exec *e, k6c__samples *samples, uint64_t n);

#endif /* K6C_SCHED_EXECUTOR_H */
