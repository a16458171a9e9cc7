/*
 * duk_hooks.h - the two C functions libk6c's Duktape build calls back into
 * (see lib/engine/duktape/overrides.h): the executor's interrupt check and
 * the native stack check. They live in the lowering library, which has no
 * link dependency on lib/sched; the VM plugs the scheduler's functions in.
 */
#ifndef K6C_ENGINE_DUK_HOOKS_H
#define K6C_ENGINE_DUK_HOOKS_H

#include <stdbool.h>

/* What a heap's heap_udata (the udata argument of duk_create_heap) points
 * to. Duktape passes the same pointer to the allocation functions given to
 * duk_create_heap, so a custom allocator must accept it too. interrupt is
 * called every few thousand bytecode instructions; returning true makes the
 * running code throw a RangeError that JS cannot catch for long (Duktape
 * keeps throwing until the call stack unwinds). A NULL udata or a NULL
 * interrupt never interrupts. */
struct k6c__duk_udata {
	bool (*interrupt)(void *arg);
	void *arg;
};

/* DUK_USE_EXEC_TIMEOUT_CHECK(udata): nonzero to interrupt. */
int k6c__duk_exec_timeout(void *udata);

/* DUK_USE_NATIVE_STACK_CHECK(): nonzero when the C stack is about to run
 * out. Calls k6c__duk_stack_low_fn, or returns 0 while it is NULL. */
int k6c__duk_native_stack_check(void);

/* Set once, before any heap runs, by the VM (to k6c__coro_stack_low). It
 * must return 0 when the calling thread is not on a coroutine stack (the
 * transpiler heap runs on an ordinary thread stack). */
extern int (*k6c__duk_stack_low_fn)(void);

#endif /* K6C_ENGINE_DUK_HOOKS_H */
