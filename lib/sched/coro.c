/*
 * coro.c - stackful coroutines: mmap'd stacks with a guard page, the switch
 * (coro_x86_64.S / coro_aarch64.S, ucontext elsewhere), and the sanitizer
 * and Valgrind annotations that make the switch visible to those tools.
 */
#include "sched/coro.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sched/sched.h"
#include "util/util.h"

#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(K6C_CORO_UCONTEXT)
#define CORO_ASM 1
#else
#define CORO_UCONTEXT 1
#include <ucontext.h>
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define CORO_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(CORO_ASAN)
#define CORO_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(CORO_TSAN)
#define CORO_TSAN 1
#endif

#ifdef CORO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef CORO_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CORO_VALGRIND 1
#endif
#endif

struct k6c__coro {
	void *sp;               /* saved stack pointer while suspended (asm) */
	void *caller_sp;        /* the resumer's saved stack pointer (asm) */
	k6c__coro *prev;        /* the coroutine that was current before resume */
	k6c__coro_fn fn;
	void *arg;
	char *map;              /* the whole mapping, guard page included */
	size_t map_size;
	char *stack_lo;         /* lowest usable byte (just above the guard) */
	size_t stack_size;      /* usable bytes */
	bool running;
	bool done;
#ifdef CORO_UCONTEXT
	ucontext_t uc;
	ucontext_t caller_uc;
#endif
#ifdef CORO_ASAN
	void *asan_fake;        /* this coroutine's fake stack while suspended */
	const void *caller_bottom;
	size_t caller_size;
#endif
#ifdef CORO_TSAN
	void *tsan_fiber;
	void *tsan_caller;
#endif
#ifdef CORO_VALGRIND
	unsigned vg_stack_id;
#endif
};

/* The coroutine running on this thread; NULL on the thread's own stack. A
 * coroutine never changes threads, so the TLS slot is stable across a
 * switch. */
static __thread k6c__coro *t_current;

#ifdef CORO_ASM
/* In coro_<arch>.S: saves the callee-saved state on the current stack,
 * stores the stack pointer in *save, loads to and returns into it. */
void k6c__coro_switch(void **save, void *to);
/* In coro_<arch>.S: the first "return address" of a new coroutine; calls
 * k6c__coro_main with the coroutine that was placed in rbx / x19. */
void k6c__coro_trampoline(void);
/* Called from the trampoline only; not static so the assembly can reach it. */
void k6c__coro_main(k6c__coro *c) __attribute__((noreturn));
#else
static void coro_main(k6c__coro *c) __attribute__((noreturn));
#endif

/* Switches from coroutine c back to whoever resumed it, telling the
 * sanitizers first. A suspended c keeps its ASan fake stack in asan_fake; a
 * finished one passes none, so ASan may drop its frames. */
static void switch_to_caller(k6c__coro *c, bool finished)
{
#ifdef CORO_ASAN
	__sanitizer_start_switch_fiber(finished ? NULL : &c->asan_fake, c->caller_bottom, c->caller_size);
#endif
#ifdef CORO_TSAN
	__tsan_switch_to_fiber(c->tsan_caller, 0);
#endif
#ifdef CORO_ASM
	k6c__coro_switch(&c->sp, c->caller_sp);
#else
	swapcontext(&c->uc, &c->caller_uc);
#endif
}

#ifdef CORO_ASM
void k6c__coro_main(k6c__coro *c)
#else
static void coro_main(k6c__coro *c)
#endif
{
#ifdef CORO_ASAN
	/* First entry: there is no fake stack of ours to restore yet; learn
	 * the bounds of the resumer's stack so yield can switch back. */
	__sanitizer_finish_switch_fiber(NULL, &c->caller_bottom, &c->caller_size);
#endif
	c->fn(c->arg);
	c->done = true;
	switch_to_caller(c, true);
	/* A finished coroutine is never resumed again. */
	abort();
}

#ifdef CORO_UCONTEXT
/* makecontext passes only ints; the coroutine being started is current. */
static void uc_entry(void)
{
	coro_main(t_current);
}

/* Kept out of k6c__coro_new: getcontext "returns twice" as far as the
 * compiler knows, which would pessimise (and warn about) its locals. */
static int __attribute__((noinline)) uc_prepare(k6c__coro *c)
{
	if (getcontext(&c->uc) != 0)
		return -1;
	c->uc.uc_stack.ss_sp = c->stack_lo;
	c->uc.uc_stack.ss_size = c->stack_size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, uc_entry, 0);
	return 0;
}
#endif

int k6c__coro_new(k6c__coro **out, size_t stack_size, k6c__coro_fn fn, void *arg)
{
	*out = NULL;
	if (fn == NULL)
		return k6c__error(K6C_EINVAL, "coroutine: no function");
	if (stack_size == 0)
		stack_size = K6C__CORO_STACK_DEFAULT;
	if (stack_size < 2 * K6C__CORO_STACK_MARGIN)
		return k6c__error(K6C_EINVAL, "coroutine: stack of %zu bytes is too small", stack_size);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	stack_size = (stack_size + page - 1) / page * page;

	k6c__coro *c = k6c__calloc(1, sizeof(*c));
	if (c == NULL)
		return k6c__error(K6C_ENOMEM, "coroutine: out of memory");
	c->map_size = stack_size + page;
	/* MAP_NORESERVE: the reservation is address space only; pages are
	 * committed when first touched, so a VU costs what its stack uses. */
	void *map = mmap(NULL, c->map_size, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (map == MAP_FAILED) {
		k6c__free(c);
		return k6c__error(K6C_ENOMEM, "coroutine: cannot map a %zu-byte stack", stack_size);
	}
	if (mprotect(map, page, PROT_NONE) != 0) {
		munmap(map, c->map_size);
		k6c__free(c);
		return k6c__error(K6C_ENOMEM, "coroutine: cannot protect the stack guard page");
	}
	c->map = map;
	c->stack_lo = c->map + page;
	c->stack_size = stack_size;
	c->fn = fn;
	c->arg = arg;

#if defined(CORO_ASM) && defined(__aarch64__)
	/* The 176-byte frame k6c__coro_switch restores: x19 = c, x29 = 0,
	 * x30 = the trampoline, FPCR = 0 (round to nearest, no traps); sp
	 * ends 16-byte aligned at the top. */
	uintptr_t top = ((uintptr_t)c->stack_lo + stack_size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 176);
	memset(frame, 0, 176);
	frame[0] = (uint64_t)(uintptr_t)c;                       /* x19 */
	frame[11] = (uint64_t)(uintptr_t)k6c__coro_trampoline;   /* x30 */
	c->sp = frame;
#elif defined(CORO_ASM)
	/* Build the frame k6c__coro_switch pops: from the top, the return
	 * address (the trampoline) at an address = 8 mod 16 so the trampoline
	 * starts with an aligned stack, then rbp, rbx (= c), r12-r15 and the
	 * MXCSR / x87 control words at their ABI defaults. */
	uintptr_t top = ((uintptr_t)c->stack_lo + stack_size) & ~(uintptr_t)15;
	void **ret = (void **)(top - 24);
	ret[1] = NULL;
	ret[2] = NULL;
	ret[0] = (void *)(uintptr_t)k6c__coro_trampoline;
	ret[-1] = NULL;             /* rbp */
	ret[-2] = c;                /* rbx */
	ret[-3] = NULL;             /* r12 */
	ret[-4] = NULL;             /* r13 */
	ret[-5] = NULL;             /* r14 */
	ret[-6] = NULL;             /* r15 */
	uint32_t *csr = (uint32_t *)&ret[-7];
	csr[0] = 0x1F80;            /* MXCSR: all exceptions masked, round to nearest */
	csr[1] = 0x037F;            /* x87 control word: the same, extended precision */
	c->sp = &ret[-7];
#else
	if (uc_prepare(c) != 0) {
		munmap(c->map, c->map_size);
		k6c__free(c);
		return k6c__error(K6C_EINTERNAL, "coroutine: getcontext failed");
	}
#endif

#ifdef CORO_TSAN
	c->tsan_fiber = __tsan_create_fiber(0);
#endif
#ifdef CORO_VALGRIND
	c->vg_stack_id = VALGRIND_STACK_REGISTER(c->stack_lo, c->stack_lo + stack_size);
#endif
	*out = c;
	return 0;
}

void k6c__coro_free(k6c__coro *c)
{
	if (c == NULL)
		return;
#ifdef CORO_TSAN
	__tsan_destroy_fiber(c->tsan_fiber);
#endif
#ifdef CORO_VALGRIND
	VALGRIND_STACK_DEREGISTER(c->vg_stack_id);
#endif
#ifdef CORO_ASAN
	/* The stack may be reused by a later mapping: forget any poisoning left
	 * by frames that never returned (a suspended coroutine). */
	__asan_unpoison_memory_region(c->stack_lo, c->stack_size);
#endif
	munmap(c->map, c->map_size);
	k6c__free(c);
}

bool k6c__coro_resume(k6c__coro *c)
{
	if (c->done || c->running)
		abort();  /* a scheduler bug; continuing would corrupt a stack */
	c->prev = t_current;
	t_current = c;
	c->running = true;
#ifdef CORO_ASAN
	void *fake = NULL;
	__sanitizer_start_switch_fiber(&fake, c->stack_lo, c->stack_size);
#endif
#ifdef CORO_TSAN
	c->tsan_caller = __tsan_get_current_fiber();
	__tsan_switch_to_fiber(c->tsan_fiber, 0);
#endif
#ifdef CORO_ASM
	k6c__coro_switch(&c->caller_sp, c->sp);
#else
	swapcontext(&c->caller_uc, &c->uc);
#endif
#ifdef CORO_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	c->running = false;
	t_current = c->prev;
	c->prev = NULL;
	return !c->done;
}

void k6c__coro_yield(void)
{
	k6c__coro *c = t_current;
	if (c == NULL)
		abort();  /* yield off a coroutine: a scheduler bug */
	switch_to_caller(c, false);
#ifdef CORO_ASAN
	/* Resumed, possibly from a different stack than last time. */
	__sanitizer_finish_switch_fiber(c->asan_fake, &c->caller_bottom, &c->caller_size);
#endif
}

bool k6c__coro_done(const k6c__coro *c)
{
	return c->done;
}

k6c__coro *k6c__coro_current(void)
{
	return t_current;
}

size_t k6c__coro_stack_left(void)
{
	const k6c__coro *c = t_current;
	if (c == NULL)
		return SIZE_MAX;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = (uintptr_t)c->stack_lo;
	return sp > lo ? (size_t)(sp - lo) : 0;
}

int k6c__coro_stack_low(void)
{
	const k6c__coro *c = t_current;
	if (c == NULL)
		return 0;
	/* The frame address, not a local's: under ASan locals may live on a
	 * heap-allocated fake stack. */
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	return sp < (uintptr_t)c->stack_lo + K6C__CORO_STACK_MARGIN;
}
