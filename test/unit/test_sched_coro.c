/*
 * test_sched_coro.c - unit tests of the coroutine switch (lib/sched/coro.c):
 * values across switches, nesting, many coroutines, the stack-low check and
 * floating-point control state. Prints the switch cost (not asserted).
 */
#include <check.h>
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sched/coro.h"
#include "sched/sched.h"
#include "util/util.h"

/* ---- ping-pong ---- */

typedef struct pingpong {
	int to_coro;
	int from_coro;
	int rounds;
} pingpong;

static void pingpong_fn(void *arg)
{
	pingpong *p = arg;
	/* Locals live across switches: they must survive in callee-saved
	 * registers and on this coroutine's own stack. */
	int sum = 0;
	double f = 0.5;
	for (int i = 0; i < p->rounds; i++) {
		sum += p->to_coro;
		f *= 2.0;
		p->from_coro = p->to_coro * 2 + 1;
		k6c__coro_yield();
	}
	p->from_coro = sum + (f > 1.0 ? 1000000 : 0);
}

START_TEST(test_sched_coro_switch__pingpong)
{
	pingpong p = { 0, 0, 100 };
	k6c__coro *c;
	int expect_sum = 0;

	ck_assert_int_eq(k6c__coro_new(&c, 0, pingpong_fn, &p), 0);
	ck_assert_ptr_null(k6c__coro_current());
	for (int i = 0; i < p.rounds; i++) {
		p.to_coro = i * 3;
		expect_sum += i * 3;
		ck_assert(k6c__coro_resume(c));
		ck_assert_int_eq(p.from_coro, i * 3 * 2 + 1);
		ck_assert(!k6c__coro_done(c));
		ck_assert_ptr_null(k6c__coro_current());
	}
	ck_assert(!k6c__coro_resume(c));
	ck_assert(k6c__coro_done(c));
	ck_assert_int_eq(p.from_coro, expect_sum + 1000000);
	k6c__coro_free(c);
}
END_TEST

/* ---- nesting: a coroutine resumes another ---- */

typedef struct nest {
	k6c__coro *outer, *inner;
	char log[64];
	size_t n;
	bool inner_saw_self, outer_saw_self_after;
} nest;

static void nest_log(nest *n, char ch)
{
	n->log[n->n++] = ch;
}

static void inner_fn(void *arg)
{
	nest *n = arg;
	n->inner_saw_self = k6c__coro_current() == n->inner;
	nest_log(n, 'i');
	k6c__coro_yield();
	nest_log(n, 'j');
}

static int nested_calls(nest *n, int depth)
{
	/* Ordinary nested calls on the coroutine stack around a switch. */
	if (depth == 0) {
		nest_log(n, 'o');
		k6c__coro_resume(n->inner);       /* -> 'i', yields back here */
		nest_log(n, 'p');
		k6c__coro_yield();                /* back to main */
		nest_log(n, 'q');
		k6c__coro_resume(n->inner);       /* -> 'j', finishes */
		return 1;
	}
	return nested_calls(n, depth - 1) + 1;
}

static void outer_fn(void *arg)
{
	nest *n = arg;
	int r = nested_calls(n, 10);
	n->outer_saw_self_after = k6c__coro_current() == n->outer && r == 11;
	nest_log(n, 'r');
}

START_TEST(test_sched_coro_switch__nested)
{
	nest n = { 0 };
	ck_assert_int_eq(k6c__coro_new(&n.outer, 0, outer_fn, &n), 0);
	ck_assert_int_eq(k6c__coro_new(&n.inner, 64 * 1024, inner_fn, &n), 0);
	ck_assert(k6c__coro_resume(n.outer));
	nest_log(&n, 'M');
	ck_assert(!k6c__coro_resume(n.outer));
	n.log[n.n] = 0;
	ck_assert_str_eq(n.log, "oipMqjr");
	ck_assert(n.inner_saw_self);
	ck_assert(n.outer_saw_self_after);
	ck_assert(k6c__coro_done(n.inner));
	k6c__coro_free(n.outer);
	k6c__coro_free(n.inner);
}
END_TEST

/* ---- many coroutines ---- */

static void count_fn(void *arg)
{
	int *counter = arg;
	(*counter)++;
	k6c__coro_yield();
	(*counter)++;
}

START_TEST(test_sched_coro_many__ten_thousand)
{
	enum { N = 10000, ALIVE = 1000 };
	k6c__coro **cs = calloc(ALIVE, sizeof(*cs));
	int counter = 0;

	ck_assert_ptr_nonnull(cs);
	/* Batches of 1000 live at once, each suspended mid-way, so their stacks
	 * coexist; 10 batches make 10k created and finished. */
	for (int batch = 0; batch < N / ALIVE; batch++) {
		for (int i = 0; i < ALIVE; i++) {
			ck_assert_int_eq(k6c__coro_new(&cs[i], 0, count_fn, &counter), 0);
			ck_assert(k6c__coro_resume(cs[i]));
		}
		for (int i = 0; i < ALIVE; i++) {
			ck_assert(!k6c__coro_resume(cs[i]));
			k6c__coro_free(cs[i]);
		}
	}
	ck_assert_int_eq(counter, 2 * N);
	free(cs);
}
END_TEST

START_TEST(test_sched_coro_many__free_suspended)
{
	int counter = 0;
	k6c__coro *c;
	ck_assert_int_eq(k6c__coro_new(&c, 0, count_fn, &counter), 0);
	k6c__coro_free(c);                    /* never started */
	ck_assert_int_eq(k6c__coro_new(&c, 0, count_fn, &counter), 0);
	ck_assert(k6c__coro_resume(c));
	k6c__coro_free(c);                    /* suspended */
	ck_assert_int_eq(counter, 1);
	k6c__coro_free(NULL);
}
END_TEST

/* ---- stack-low check ---- */

typedef struct deep {
	int depth;
	size_t left_at_stop;
	int low_at_start;
} deep;

static int __attribute__((noinline)) recurse(deep *d, int depth)
{
	/* A frame of about 1 KiB; volatile so it is not optimised away. */
	volatile char pad[1024];
	pad[0] = (char)depth;
	pad[sizeof(pad) - 1] = (char)depth;
	if (k6c__coro_stack_low()) {
		d->depth = depth;
		d->left_at_stop = k6c__coro_stack_left();
		return depth;
	}
	return recurse(d, depth + 1) + pad[0] - pad[sizeof(pad) - 1];
}

static void deep_fn(void *arg)
{
	deep *d = arg;
	d->low_at_start = k6c__coro_stack_low();
	recurse(d, 0);
}

START_TEST(test_sched_coro_stack__low_before_guard)
{
	deep d = { 0 };
	k6c__coro *c;

	ck_assert_int_eq(k6c__coro_stack_low(), 0);   /* off a coroutine */
	ck_assert_int_eq(k6c__coro_new(&c, 0, deep_fn, &d), 0);
	ck_assert(!k6c__coro_resume(c));
	k6c__coro_free(c);
	ck_assert_int_eq(d.low_at_start, 0);
	/* 256 KiB minus the 16 KiB margin in ~1 KiB frames: well over 100 deep
	 * (ASan frames are bigger), and it stopped inside the margin instead of
	 * running into the guard page. */
	ck_assert_int_gt(d.depth, 100);
	ck_assert_uint_lt(d.left_at_stop, K6C__CORO_STACK_MARGIN);
	ck_assert_uint_gt(d.left_at_stop, 0);

	/* A small stack stops earlier. */
	deep d2 = { 0 };
	ck_assert_int_eq(k6c__coro_new(&c, 64 * 1024, deep_fn, &d2), 0);
	ck_assert(!k6c__coro_resume(c));
	k6c__coro_free(c);
	ck_assert_int_gt(d2.depth, 10);
	ck_assert_int_lt(d2.depth, d.depth);
}
END_TEST

START_TEST(test_sched_coro_stack__too_small)
{
	k6c__coro *c = (k6c__coro *)1;
	ck_assert_int_eq(k6c__coro_new(&c, 4096, count_fn, NULL), K6C_EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(k6c__coro_new(&c, 0, NULL, NULL), K6C_EINVAL);
}
END_TEST

/* ---- floating-point control state is per coroutine ---- */

typedef struct fpstate {
	int seen_at_start, seen_after_yield;
} fpstate;

static void fp_fn(void *arg)
{
	fpstate *f = arg;
	f->seen_at_start = fegetround();
	fesetround(FE_UPWARD);
	k6c__coro_yield();
	f->seen_after_yield = fegetround();
	fesetround(FE_TONEAREST);
}

START_TEST(test_sched_coro_switch__fp_control)
{
	fpstate f = { -1, -1 };
	k6c__coro *c;

	ck_assert_int_eq(fegetround(), FE_TONEAREST);
	ck_assert_int_eq(k6c__coro_new(&c, 0, fp_fn, &f), 0);
	fesetround(FE_DOWNWARD);
	ck_assert(k6c__coro_resume(c));
	/* The coroutine's FE_UPWARD did not leak out ... */
	ck_assert_int_eq(fegetround(), FE_DOWNWARD);
	ck_assert(!k6c__coro_resume(c));
	fesetround(FE_TONEAREST);
	/* ... and came back when it resumed; a new coroutine starts with the
	 * ABI default. */
	ck_assert_int_eq(f.seen_after_yield, FE_UPWARD);
	ck_assert_int_eq(f.seen_at_start, FE_TONEAREST);
	k6c__coro_free(c);
}
END_TEST

/* ---- switch cost (printed, not asserted) ---- */

static void spin_fn(void *arg)
{
	long *n = arg;
	for (;;) {
		(*n)++;
		k6c__coro_yield();
	}
}

START_TEST(test_sched_coro_switch__cost)
{
	enum { ROUNDS = 200000 };
	long n = 0;
	k6c__coro *c;

	ck_assert_int_eq(k6c__coro_new(&c, 0, spin_fn, &n), 0);
	uint64_t t0 = k6c__now_ns();
	for (int i = 0; i < ROUNDS; i++)
		k6c__coro_resume(c);
	uint64_t t1 = k6c__now_ns();
	ck_assert_int_eq(n, ROUNDS);
	k6c__coro_free(c);
	printf("coroutine round trip (resume + yield): %.1f ns\n", (double)(t1 - t0) / ROUNDS);
}
END_TEST

static Suite *coro_suite(void)
{
	Suite *s = suite_create("sched_coro");
	TCase *tc = tcase_create("coro");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sched_coro_switch__pingpong);
	tcase_add_test(tc, test_sched_coro_switch__nested);
	tcase_add_test(tc, test_sched_coro_switch__fp_control);
	tcase_add_test(tc, test_sched_coro_many__ten_thousand);
	tcase_add_test(tc, test_sched_coro_many__free_suspended);
	tcase_add_test(tc, test_sched_coro_stack__low_before_guard);
	tcase_add_test(tc, test_sched_coro_stack__too_small);
	tcase_add_test(tc, test_sched_coro_switch__cost);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(coro_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
