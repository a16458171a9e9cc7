/*
 * eventloop.c - a VU's event loop (see eventloop.h): the list of live
 * native operations, the queue of completed ones, the VU's wait for the
 * next completion, and the loop that runs promise jobs and operations'
 * JavaScript until nothing keeps it alive.
 *
 * Completions happen on the worker's loop thread while the VU's coroutine
 * is switched out (in k6c__evloop_wait, in a blocking request or sleep, or
 * just descheduled): they touch only C data here and the VU wakes on its
 * own coroutine to run the JavaScript, in completion order, with the
 * promise jobs drained after each operation, as k6's loop does.
 */
#include "engine/eventloop.h"

#include <string.h>

/* ---- The list and the ready queue ---------------------------------------- */

void k6c__evloop_add(k6c__vm *vm, k6c__vm_op *op, const k6c__op_vt *vt, bool alive)
{
	op->vt = vt;
	op->vm = vm;
	op->prev = NULL;
	op->next = vm->ops;
	if (vm->ops != NULL)
		vm->ops->prev = op;
	vm->ops = op;
	op->rnext = NULL;
	op->queued = false;
	op->alive = alive;
	if (alive)
		vm->nalive++;
}

static void unqueue(k6c__vm *vm, k6c__vm_op *op)
{
	k6c__vm_op **pp = &vm->ready_head, *prev = NULL;

	if (!op->queued)
		return;
	while (*pp != NULL && *pp != op) {
		prev = *pp;
		pp = &(*pp)->rnext;
	}
	if (*pp == op) {
		*pp = op->rnext;
		if (vm->ready_tail == op)
			vm->ready_tail = prev;
	}
	op->rnext = NULL;
	op->queued = false;
}

void k6c__evloop_del(k6c__vm *vm, k6c__vm_op *op)
{
	unqueue(vm, op);
	if (op->prev != NULL)
		op->prev->next = op->next;
	else if (vm->ops == op)
		vm->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	op->prev = op->next = NULL;
	if (op->alive) {
		op->alive = false;
		vm->nalive--;
	}
}

void k6c__evloop_wake(k6c__vm *vm)
{
	vm->woken = true;
	if (vm->vu != NULL)
		k6c__vu_resume(vm->vu);
}

void k6c__evloop_ready(k6c__vm_op *op)
{
	k6c__vm *vm = op->vm;

	if (!op->queued) {
		op->queued = true;
		op->rnext = NULL;
		if (vm->ready_tail != NULL)
			vm->ready_tail->rnext = op;
		else
			vm->ready_head = op;
		vm->ready_tail = op;
	}
	k6c__evloop_wake(vm);
}

int k6c__evloop_wait(k6c__vm *vm)
{
	int rc = 0;

	if (vm->vu == NULL)
		return k6c__error(K6C_ESTATE, "no VU to wait on");
	/* A completion since the last wait: nothing to wait for. The loop
	 * thread cannot run between this check and the suspension (both are
	 * on this thread), so no wake-up is lost. */
	if (!vm->woken)
		rc = k6c__vu_suspend(vm->vu);
	vm->woken = false;
	return rc;
}

/* ---- References to JavaScript values ------------------------------------- */

/* [ ... ] -> [ ... refs ] */
static void push_refs(duk_context *ctx, k6c__vm *vm)
{
	if (vm->loop_refs == NULL) {
		duk_push_heap_stash(ctx);
		duk_push_bare_object(ctx);
		vm->loop_refs = duk_get_heapptr(ctx, -1);
		duk_put_prop_string(ctx, -2, "loopRefs");
		duk_pop(ctx);
	}
	duk_push_heapptr(ctx, vm->loop_refs);
}

uint32_t k6c__evloop_ref(duk_context *ctx, k6c__vm *vm, duk_idx_t idx)
{
	uint32_t ref;

	idx = duk_normalize_index(ctx, idx);
	/* 0 means "none"; indices stay below Duktape's array index limit. */
	if (++vm->next_ref == 0 || vm->next_ref > 0xfffffff0u)
		vm->next_ref = 1;
	ref = vm->next_ref;
	push_refs(ctx, vm);
	duk_dup(ctx, idx);
	duk_put_prop_index(ctx, -2, (duk_uarridx_t)ref);
	duk_pop(ctx);
	return ref;
}

void k6c__evloop_push_ref(duk_context *ctx, k6c__vm *vm, uint32_t ref)
{
	push_refs(ctx, vm);
	duk_get_prop_index(ctx, -1, (duk_uarridx_t)ref);
	duk_remove(ctx, -2);
}

void k6c__evloop_unref(duk_context *ctx, k6c__vm *vm, uint32_t ref)
{
	if (ref == 0 || vm->loop_refs == NULL)
		return;
	duk_push_heapptr(ctx, vm->loop_refs);
	duk_del_prop_index(ctx, -1, (duk_uarridx_t)ref);
	duk_pop(ctx);
}

/* ---- Promises settled by operations ------------------------------------- */

/* The executor of a promise an op settles: keeps resolve and reject. */
static duk_ret_t capture_resolvers(duk_context *ctx)
{
	duk_push_heap_stash(ctx);
	duk_push_array(ctx);
	duk_dup(ctx, 0);
	duk_put_prop_index(ctx, -2, 0);
	duk_dup(ctx, 1);
	duk_put_prop_index(ctx, -2, 1);
	duk_put_prop_string(ctx, -2, "k6cResolvers");
	return 0;
}

void k6c__evloop_push_promise(duk_context *ctx, const char *who)
{
	if (!duk_get_global_string(ctx, "Promise") || !duk_is_constructable(ctx, -1))
		(void)duk_error(ctx, DUK_ERR_ERROR, "%s needs Promise, which this script's "
			"JavaScript runtime does not have", who);
	duk_push_c_function(ctx, capture_resolvers, 2);
	duk_new(ctx, 1);
	duk_push_heap_stash(ctx);
	duk_get_prop_string(ctx, -1, "k6cResolvers");
	duk_del_prop_string(ctx, -2, "k6cResolvers");
	duk_remove(ctx, -2);
	if (!duk_is_array(ctx, -1))
		(void)duk_error(ctx, DUK_ERR_ERROR, "Promise did not call its executor");
}

/* ---- The loop ------------------------------------------------------------- */

/* Throws k6's "Uncaught (in promise) <reason>" for the first promise that
 * was rejected with no handler and still has none after the jobs ran. */
static void check_unhandled(duk_context *ctx, k6c__vm *vm)
{
	k6c__buf msg = K6C__BUF_INIT;

	if (vm->drain == NULL)
		return;
	if (vm->take_unhandled == NULL) {
		if (!duk_get_global_string(ctx, "__k6c_take_unhandled") || !duk_is_function(ctx, -1)) {
			duk_pop(ctx);
			return;
		}
		vm->take_unhandled = duk_get_heapptr(ctx, -1);
		duk_push_heap_stash(ctx);
		duk_dup(ctx, -2);
		duk_put_prop_string(ctx, -2, "takeUnhandled");
		duk_pop_2(ctx);
	}
	duk_push_heapptr(ctx, vm->take_unhandled);
	duk_call(ctx, 0);
	if (!duk_is_array(ctx, -1) || duk_get_length(ctx, -1) == 0) {
		duk_pop(ctx);
		return;
	}
	duk_get_prop_index(ctx, -1, 0);
	if (duk_is_error(ctx, -1))
		k6c__vm_format_error(ctx, -1, &msg);
	else
		k6c__buf_puts(&msg, duk_safe_to_string(ctx, -1));
	duk_pop_2(ctx);
	duk_push_sprintf(ctx, "Uncaught (in promise) %s", msg.ptr != NULL ? msg.ptr : "");
	k6c__buf_free(&msg);
	(void)duk_throw(ctx);
}

void k6c__vm_loop_run(duk_context *ctx, k6c__vm *vm)
{
	for (;;) {
		k6c__vm_op *op;

		k6c__vm_drain_jobs(ctx, vm);
		check_unhandled(ctx, vm);
		op = vm->ready_head;
		if (op != NULL) {
			if (vm->vu != NULL && k6c__vu_should_stop(vm->vu))
				k6c__vm_throw_aborted(ctx, vm);
			vm->ready_head = op->rnext;
			if (vm->ready_head == NULL)
				vm->ready_tail = NULL;
			op->rnext = NULL;
			op->queued = false;
			op->vt->run(ctx, vm, op);
			continue;
		}
		if (vm->nalive == 0 || vm->vu == NULL)
			break;
		if (k6c__evloop_wait(vm) != 0)
			k6c__vm_throw_aborted(ctx, vm);
	}
}

/* Forgets every reference at once (the values of dropped operations). */
static duk_ret_t reset_refs_safe(duk_context *ctx, void *udata)
{
	k6c__vm *vm = udata;

	duk_push_heap_stash(ctx);
	duk_push_bare_object(ctx);
	vm->loop_refs = duk_get_heapptr(ctx, -1);
	duk_put_prop_string(ctx, -2, "loopRefs");
	duk_pop(ctx);
	return 0;
}

void k6c__vm_loop_end(k6c__vm *vm, bool interrupted)
{
	bool refs = false;

	while (vm->ops != NULL) {
		k6c__vm_op *op = vm->ops;

		refs |= op->ref != 0;
		k6c__evloop_del(vm, op);
		op->vt->drop(vm, op, interrupted);
	}
	vm->ready_head = vm->ready_tail = NULL;
	vm->woken = false;
	/* Outside any call into the heap: a safe call catches what an
	 * out-of-memory would throw (the stale values then stay until the
	 * next reset; their numbers are never reused meanwhile). */
	if (refs && vm->ctx != NULL && vm->loop_refs != NULL) {
		(void)duk_safe_call(vm->ctx, reset_refs_safe, vm, 0, 1);
		duk_pop(vm->ctx);
	}
}
