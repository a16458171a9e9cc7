/*
 * mod_timers.c - `k6/timers` and the global setTimeout, clearTimeout,
 * setInterval and clearInterval, on the VU's event loop (eventloop.h).
 *
 * As k6's: ids count from 1 per VU for the VU's whole life; a delay that is
 * negative or not a number is 0; extra arguments go to the callback, which
 * runs with the global object as `this`; an interval is re-armed after its
 * callback returns, a delay from then; timers due at the same time run in
 * the order they were set; a timer cleared before it ran (even one already
 * due) never runs. A pending timer keeps its iteration going; one still
 * pending when the iteration ends early (an exception, a hard stop) is
 * dropped with k6's warning. Each timer is a k6c__timer on the worker's
 * loop, so an idle VU costs nothing while it waits.
 */
#include "engine/eventloop.h"

#include <string.h>

#include "k6c/test.h"

/* Longest delay: about 30 years, which keeps the nanoseconds in range. */
#define MAX_DELAY_MS 1e12

typedef struct timer_op {
	k6c__vm_op op;               /* first: the event loop's part */
	k6c__timer timer;
	double id;
	double delay_ms;
	bool interval;
	bool running;                /* its callback runs now */
	bool cleared;                /* ... and cleared it */
} timer_op;

static void timer_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op);
static void timer_drop(k6c__vm *vm, k6c__vm_op *op, bool interrupted);

static const k6c__op_vt timer_vt = { timer_run, timer_drop };

static const char *timer_name(const timer_op *t)
{
	return t->interval ? "setInterval" : "setTimeout";
}

/* Loop thread. */
static void timer_fired(k6c__loop *loop, k6c__timer *timer)
{
	timer_op *t = timer->arg;

	K6C__UNUSED(loop);
	k6c__evloop_ready(&t->op);
}

static void timer_arm(k6c__vm *vm, timer_op *t)
{
	k6c__timer_start(k6c__vu_loop(vm->vu), &t->timer,
		k6c__now_ns() + (uint64_t)(t->delay_ms * 1e6));
}

static void timer_free(duk_context *ctx, k6c__vm *vm, timer_op *t)
{
	k6c__timer_stop(k6c__vu_loop(vm->vu), &t->timer);
	k6c__evloop_unref(ctx, vm, t->op.ref);
	k6c__evloop_del(vm, &t->op);
	k6c__free(t);
}

static void timer_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op)
{
	timer_op *t = (timer_op *)op;
	duk_idx_t arr;
	duk_size_t n;

	k6c__evloop_push_ref(ctx, vm, op->ref);                /* [ fn args... ] */
	arr = duk_get_top_index(ctx);
	if (t->interval) {
		t->running = true;
	} else {
		/* Done before the call: clearTimeout(id) from inside finds
		 * nothing, and a throw leaves nothing behind. */
		timer_free(ctx, vm, t);
		t = NULL;
	}
	n = duk_get_length(ctx, arr);
	duk_require_stack(ctx, (duk_idx_t)n + 2);
	duk_get_prop_index(ctx, arr, 0);
	duk_push_global_object(ctx);
	for (duk_size_t i = 1; i < n; i++)
		duk_get_prop_index(ctx, arr, (duk_uarridx_t)i);
	duk_call_method(ctx, (duk_idx_t)(n > 0 ? n - 1 : 0));
	duk_pop_2(ctx);
	if (t == NULL)
		return;
	t->running = false;
	if (t->cleared)
		timer_free(ctx, vm, t);
	else
		timer_arm(vm, t);
}

static void timer_drop(k6c__vm *vm, k6c__vm_op *op, bool interrupted)
{
	timer_op *t = (timer_op *)op;

	if (vm->vu != NULL)
		k6c__timer_stop(k6c__vu_loop(vm->vu), &t->timer);
	if (interrupted)
		k6c__vm_log(vm, K6C_LOG_WARN, "%s %.0f was stopped because the VU iteration was interrupted",
			timer_name(t), t->id);
	k6c__free(t);
}

/* setTimeout(fn, delay, ...args) (magic 0), setInterval (magic 1) */
static duk_ret_t js_set_timer(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	bool interval = duk_get_current_magic(ctx) == 1;
	duk_idx_t nargs = duk_get_top(ctx);
	double delay = 0, id;
	uint32_t ref;
	timer_op *t;

	if (nargs < 1 || !duk_is_callable(ctx, 0))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s's callback isn't a callable function",
			interval ? "setInterval" : "setTimeout");
	if (nargs > 1)
		delay = duk_to_number(ctx, 1);
	if (!(delay > 0))
		delay = 0;            /* negative, NaN */
	if (delay > MAX_DELAY_MS)
		delay = MAX_DELAY_MS;
	id = ++vm->next_timer_id;
	if (vm->vu == NULL) {
		/* The VU 0 that only reads the options has no event loop. */
		duk_push_number(ctx, id);
		return 1;
	}

	/* [ fn args... ] as one value: the function, then its arguments. */
	duk_push_array(ctx);
	duk_dup(ctx, 0);
	duk_put_prop_index(ctx, -2, 0);
	for (duk_idx_t i = 2; i < nargs; i++) {
		duk_dup(ctx, i);
		duk_put_prop_index(ctx, -2, (duk_uarridx_t)(i - 1));
	}
	ref = k6c__evloop_ref(ctx, vm, -1);
	t = k6c__calloc(1, sizeof(*t));
	if (t == NULL) {
		k6c__evloop_unref(ctx, vm, ref);
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	}
	t->id = id;
	t->delay_ms = delay;
	t->interval = interval;
	k6c__timer_init(&t->timer, timer_fired, t);
	k6c__evloop_add(vm, &t->op, &timer_vt, true);
	t->op.ref = ref;
	timer_arm(vm, t);
	if (!k6c__timer_armed(&t->timer)) {
		timer_free(ctx, vm, t);
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	}
	duk_push_number(ctx, id);
	return 1;
}

/* clearTimeout(id), clearInterval(id): either clears either kind, as in
 * browsers and k6; an unknown id does nothing. */
static duk_ret_t js_clear_timer(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	double id;

	if (duk_is_null_or_undefined(ctx, 0))
		return 0;
	id = duk_to_number(ctx, 0);
	for (k6c__vm_op *op = vm->ops; op != NULL; op = op->next) {
		timer_op *t = (timer_op *)op;

		if (op->vt != &timer_vt || t->id != id)
			continue;
		if (t->running)
			t->cleared = true;   /* its own callback: timer_run frees it */
		else
			timer_free(ctx, vm, t);
		break;
	}
	return 0;
}

static const k6c__vm_fn timer_fns[] = {
	{ "setTimeout", js_set_timer, DUK_VARARGS, 0 },
	{ "clearTimeout", js_clear_timer, 1, 0 },
	{ "setInterval", js_set_timer, DUK_VARARGS, 1 },
	{ "clearInterval", js_clear_timer, 1, 0 },
	{ NULL, NULL, 0, 0 },
};

void k6c__mod_timers_push(duk_context *ctx)
{
	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, timer_fns);
}

void k6c__timers_register(duk_context *ctx)
{
	duk_push_global_object(ctx);
	k6c__vm_put_functions(ctx, -1, timer_fns);
	duk_pop(ctx);
}
