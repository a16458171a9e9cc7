/*
 * coro.h - asymmetric stackful coroutines for VUs. Each coroutine has its own
 * mmap'd stack (reserved address space; untouched pages cost no memory) with
 * a PROT_NONE guard page below it. A coroutine is resumed by its thread and
 * yields back to whoever resumed it; it never moves to another thread.
 *
 * The switch is a few instructions of assembly on x86-64 (callee-saved
 * registers, MXCSR and the x87 control word) and ucontext elsewhere. Builds
 * with AddressSanitizer or ThreadSanitizer tell the sanitizer about every
 * switch, so both work across coroutines.
 */
#ifndef K6C_SCHED_CORO_H
#define K6C_SCHED_CORO_H

#include <stdbool.h>
#include <stddef.h>

typedef struct k6c__coro k6c__coro;
typedef void (*k6c__coro_fn)(void *arg);

/* The default stack reservation, and the margin k6c__coro_stack_low keeps. */
#define K6C__CORO_STACK_DEFAULT ((size_t)256 * 1024)
#define K6C__CORO_STACK_MARGIN ((size_t)16 * 1024)

/* Creates a suspended coroutine that will run fn(arg) on its first resume.
 * stack_size 0 means K6C__CORO_STACK_DEFAULT; it is rounded up to pages and
 * must leave room for the margin. Return 0, K6C_EINVAL or K6C_ENOMEM. */
int k6c__coro_new(k6c__coro **out, size_t stack_size, k6c__coro_fn fn, void *arg);

/* Frees a coroutine that is not running (finished, suspended or never
 * started). Freeing a suspended coroutine simply drops its stack: nothing on
 * it is unwound. NULL is a no-op. */
void k6c__coro_free(k6c__coro *c);

/* Runs c on the calling thread until it yields or returns. c must be
 * suspended and not finished; coroutines may resume other coroutines.
 * Returns true while c can be resumed again, false once its function
 * returned. */
bool k6c__coro_resume(k6c__coro *c);

/* Suspends the calling coroutine and returns to its resumer. Must be called
 * on a coroutine. */
void k6c__coro_yield(void);

bool k6c__coro_done(const k6c__coro *c);

/* The coroutine running on the calling thread, or NULL on a thread stack. */
k6c__coro *k6c__coro_current(void);

/* Bytes left on the current coroutine's stack below the caller's frame
 * (SIZE_MAX off a coroutine). */
size_t k6c__coro_stack_left(void);

/* Declared in sched.h too: 1 when less than K6C__CORO_STACK_MARGIN bytes
 * remain on the current coroutine's stack, 0 otherwise or off a coroutine. */
int k6c__coro_stack_low(void);

#endif /* K6C_SCHED_CORO_H */
