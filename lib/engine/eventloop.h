/*
 * eventloop.h - internal to lib/engine: a VU's event loop, as k6 has one
 * per VU. Native operations (k6/timers' timers, http.asyncRequest's and
 * http.batch's transfers) run on the worker's loop while the VU runs
 * JavaScript or waits; when one completes, its callback (loop thread, only
 * C data) queues it and wakes the VU, which later runs the operation's
 * JavaScript (a timer's function, a promise's resolution) on its own
 * coroutine. An iteration (and setup, teardown, handleSummary, a VU's init)
 * ends once no operation keeps the loop alive and no promise job is left.
 */
#ifndef K6C_ENGINE_EVENTLOOP_H
#define K6C_ENGINE_EVENTLOOP_H

#include "engine/vm.h"

typedef struct k6c__vm_op k6c__vm_op;

/* What an operation does; static data. */
typedef struct k6c__op_vt {
	/* VU coroutine: the op was taken off the ready queue (it is still
	 * in the VM's list). Runs its JavaScript, which may throw, and then
	 * either frees the op (k6c__evloop_del, then its own memory) or
	 * starts it again (a setInterval). */
	void (*run)(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op);
	/* Stops the native part (timer, transfer) and frees the op, without
	 * JavaScript and without touching the heap (the VM may be being
	 * freed): the VU operation ended with the op pending. interrupted
	 * is set when the iteration ended early (an exception, a stop), for
	 * k6's warning about timers that never ran. The op is already out of
	 * the VM's list. */
	void (*drop)(k6c__vm *vm, k6c__vm_op *op, bool interrupted);
} k6c__op_vt;

/* Embedded first in each kind's own struct. */
struct k6c__vm_op {
	const k6c__op_vt *vt;
	k6c__vm *vm;
	k6c__vm_op *prev, *next;     /* vm->ops */
	k6c__vm_op *rnext;           /* vm->ready_head..ready_tail */
	bool queued;                 /* in the ready queue */
	bool alive;                  /* keeps the event loop running */
	uint32_t ref;                /* its JavaScript values in vm->loop_refs; 0: none */
};

/* Adds op to the VM's operations; an alive one keeps the event loop
 * running until it is deleted. */
void k6c__evloop_add(k6c__vm *vm, k6c__vm_op *op, const k6c__op_vt *vt, bool alive);
/* Takes op out of the VM's list (and the ready queue); the caller frees
 * its memory. Its ref is left to the caller (k6c__evloop_unref). */
void k6c__evloop_del(k6c__vm *vm, k6c__vm_op *op);
/* Loop thread: op completed; queue it for its run on the VU and wake the
 * VU. A no-op for an op already queued. */
void k6c__evloop_ready(k6c__vm_op *op);
/* Loop thread: wakes the VU if it waits in k6c__evloop_wait. */
void k6c__evloop_wake(k6c__vm *vm);
/* VU coroutine: waits until an operation completes (at once if one did
 * since the last wait). Return 0, or K6C_EABORTED on a hard stop. */
int k6c__evloop_wait(k6c__vm *vm);

/* JavaScript values of an op: k6c__evloop_ref stores the value at idx and
 * returns its reference (throws on out-of-memory); push_ref pushes it;
 * unref forgets it. */
uint32_t k6c__evloop_ref(duk_context *ctx, k6c__vm *vm, duk_idx_t idx);
void k6c__evloop_push_ref(duk_context *ctx, k6c__vm *vm, uint32_t ref);
void k6c__evloop_unref(duk_context *ctx, k6c__vm *vm, uint32_t ref);

/* [ ... ] -> [ ... promise [resolve, reject] ]: a new pending Promise and
 * its resolving functions, for an op to keep (k6c__evloop_ref) and call
 * when it runs. who names the API in the error thrown when the script's
 * runtime has no Promise. */
void k6c__evloop_push_promise(duk_context *ctx, const char *who);

/* VU coroutine: runs the event loop until it is empty: promise jobs, then
 * each operation's JavaScript as it completes, waiting in between. Throws
 * what a callback throws, k6's "Uncaught (in promise) ..." for a promise
 * rejected without a handler, and the interruption error on a hard stop.
 * Without a VU (the options-reading VU 0) it only runs the promise jobs. */
void k6c__vm_loop_run(duk_context *ctx, k6c__vm *vm);
/* Drops every operation still pending at the end of a VU operation
 * (iteration, setup, teardown, handleSummary, init) or when the VM is
 * freed; interrupted as in k6c__op_vt.drop. No JavaScript. */
void k6c__vm_loop_end(k6c__vm *vm, bool interrupted);

/* Runs the promise jobs queued in the prelude's job queue (vm.c). */
void k6c__vm_drain_jobs(duk_context *ctx, k6c__vm *vm);

#endif /* K6C_ENGINE_EVENTLOOP_H */
