/*
 * test_sched_segment.c - execution segments: parsing, formatting, and k6's
 * striping (k6-compat.md section 7), checked against the worked example and
 * by properties over several sequences: shares sum to the whole, and the
 * segments' global indices are disjoint and cover everything.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/segment.h"

static const char *last_message(void)
{
	const k6c_error *e = k6c_error_last();
	return e ? e->message : "";
}

/* The stripe of "seg" within "seq" (seq may be NULL). */
static k6c__stripe *stripe_of(const char *seg, const char *seq)
{
	k6c__segment s;
	k6c__rat *r = NULL;
	size_t n = 0;
	k6c__stripe *st = NULL;

	ck_assert_int_eq(k6c__segment_parse(seg, &s), 0);
	if (seq != NULL)
		ck_assert_int_eq(k6c__segment_seq_parse(seq, &r, &n), 0);
	ck_assert_int_eq(k6c__stripe_new(&st, &s, r, n), 0);
	k6c__free(r);
	return st;
}

static void assert_rat(k6c__rat r, uint64_t num, uint64_t den)
{
	ck_assert_uint_eq(r.num, num);
	ck_assert_uint_eq(r.den, den);
}

START_TEST(test_sched_segment_parse__forms)
{
	k6c__segment s;

	ck_assert_int_eq(k6c__segment_parse("1/3:2/3", &s), 0);
	assert_rat(s.from, 1, 3);
	assert_rat(s.to, 2, 3);
	ck_assert_int_eq(k6c__segment_parse("0.5:0.75", &s), 0);
	assert_rat(s.from, 1, 2);
	assert_rat(s.to, 3, 4);
	ck_assert_int_eq(k6c__segment_parse("50%:75%", &s), 0);
	assert_rat(s.from, 1, 2);
	assert_rat(s.to, 3, 4);
	ck_assert_int_eq(k6c__segment_parse("20%", &s), 0);
	assert_rat(s.from, 0, 1);
	assert_rat(s.to, 1, 5);
	ck_assert_int_eq(k6c__segment_parse("1/3", &s), 0);
	assert_rat(s.from, 0, 1);
	assert_rat(s.to, 1, 3);
	ck_assert_int_eq(k6c__segment_parse("0:1", &s), 0);
	assert_rat(s.from, 0, 1);
	assert_rat(s.to, 1, 1);
	ck_assert_int_eq(k6c__segment_parse("12.5%:0.5000000000000000000000000", &s), 0);
	assert_rat(s.from, 1, 8);
	assert_rat(s.to, 1, 2);
	ck_assert_int_eq(k6c__segment_parse(" 2/6 : 4/6 ", &s), 0);
	assert_rat(s.from, 1, 3);
	assert_rat(s.to, 2, 3);
}
END_TEST

START_TEST(test_sched_segment_parse__bad_inputs_quote_text)
{
	static const char *const bad[] = {
		"2/3:1/3", "abc", "0:1.5", "1/0", "1/3:", ":1", "-0.1:0.5", "1/3:1/3",
		"0.5.5", "1e-1", "", "99999999999999999999/2", "150%", "50%:40%",
	};
	k6c__segment s;

	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		char want[64];

		ck_assert_msg(k6c__segment_parse(bad[i], &s) == K6C_ECONFIG, "accepted \"%s\"", bad[i]);
		snprintf(want, sizeof(want), "\"%s\"", bad[i]);
		ck_assert_msg(strstr(last_message(), want) != NULL, "%s: %s", bad[i], last_message());
	}
}
END_TEST

START_TEST(test_sched_segment_parse__sequences)
{
	k6c__rat *r = NULL;
	size_t n = 0;
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__segment_seq_parse("0,1/3,2/3,1", &r, &n), 0);
	ck_assert_uint_eq(n, 4);
	assert_rat(r[1], 1, 3);
	assert_rat(r[3], 1, 1);
	ck_assert_int_eq(k6c__segment_seq_format(r, n, &b), 0);
	ck_assert_str_eq(b.ptr, "0,1/3,2/3,1");
	k6c__free(r);
	k6c__buf_clear(&b);

	ck_assert_int_eq(k6c__segment_seq_parse("0,25%,0.5,1", &r, &n), 0);
	ck_assert_int_eq(k6c__segment_seq_format(r, n, &b), 0);
	ck_assert_str_eq(b.ptr, "0,1/4,1/2,1");
	k6c__free(r);
	k6c__buf_free(&b);

	static const char *const bad[] = { "0,1/2,1/3,1", "0", "0,,1", "0,abc,1", "0,2", "" };
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		char want[64];

		r = NULL;
		ck_assert_msg(k6c__segment_seq_parse(bad[i], &r, &n) == K6C_ECONFIG, "accepted \"%s\"", bad[i]);
		ck_assert_ptr_null(r);
		snprintf(want, sizeof(want), "\"%s\"", bad[i]);
		ck_assert_msg(strstr(last_message(), want) != NULL, "%s: %s", bad[i], last_message());
	}
}
END_TEST

START_TEST(test_sched_segment_format__k6_forms)
{
	k6c__segment s;
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__segment_parse("0.5:75%", &s), 0);
	ck_assert_int_eq(k6c__segment_format(&s, &b), 0);
	ck_assert_str_eq(b.ptr, "1/2:3/4");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__segment_parse("100%", &s), 0);
	ck_assert_int_eq(k6c__segment_format(&s, &b), 0);
	ck_assert_str_eq(b.ptr, "0:1");
	k6c__buf_free(&b);
}
END_TEST

/* k6-compat.md section 7, worked example: 0,1/2,3/4,1. */
START_TEST(test_sched_segment_stripe__worked_example)
{
	static const uint64_t vs[] = { 1, 2, 3, 4, 5, 10, 11 };
	static const uint64_t want[][3] = {
		{ 1, 0, 0 }, { 1, 1, 0 }, { 2, 1, 0 }, { 2, 1, 1 }, { 3, 1, 1 }, { 5, 3, 2 }, { 6, 3, 2 },
	};
	static const uint64_t ga[] = { 0, 2, 4, 6, 8, 10 }, gb[] = { 1, 5, 9 }, gc[] = { 3, 7, 11 };
	const char *seq = "0,1/2,3/4,1";
	k6c__stripe *a = stripe_of("0:1/2", seq), *b = stripe_of("1/2:3/4", seq),
		*c = stripe_of("3/4:1", seq);

	for (size_t i = 0; i < K6C__ARRAY_LEN(vs); i++) {
		ck_assert_uint_eq(k6c__stripe_scale(a, vs[i]), want[i][0]);
		ck_assert_uint_eq(k6c__stripe_scale(b, vs[i]), want[i][1]);
		ck_assert_uint_eq(k6c__stripe_scale(c, vs[i]), want[i][2]);
	}
	for (uint64_t i = 0; i < 6; i++)
		ck_assert_uint_eq(k6c__stripe_global(a, i), ga[i]);
	for (uint64_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(k6c__stripe_global(b, i), gb[i]);
		ck_assert_uint_eq(k6c__stripe_global(c, i), gc[i]);
	}
	/* vus: 10 -> 5/3/2 with 1-based ids 1,3,5,7,9 / 2,6,10 / 4,8. */
	ck_assert_uint_eq(k6c__stripe_global(a, 4) + 1, 9);
	ck_assert_uint_eq(k6c__stripe_global(b, 2) + 1, 10);
	ck_assert_uint_eq(k6c__stripe_global(c, 1) + 1, 8);
	ck_assert(!k6c__stripe_is_full(a));
	k6c__stripe_free(a);
	k6c__stripe_free(b);
	k6c__stripe_free(c);
}
END_TEST

START_TEST(test_sched_segment_stripe__thirds)
{
	const char *seq = "0,1/3,2/3,1";
	k6c__stripe *s[3] = { stripe_of("0:1/3", seq), stripe_of("1/3:2/3", seq), stripe_of("2/3:1", seq) };

	ck_assert_uint_eq(k6c__stripe_scale(s[0], 10), 4);
	ck_assert_uint_eq(k6c__stripe_scale(s[1], 10), 3);
	ck_assert_uint_eq(k6c__stripe_scale(s[2], 10), 3);
	/* Round robin. */
	for (uint64_t i = 0; i < 9; i++)
		ck_assert_uint_eq(k6c__stripe_global(s[i % 3], i / 3), i);
	for (int i = 0; i < 3; i++)
		k6c__stripe_free(s[i]);
}
END_TEST

START_TEST(test_sched_segment_stripe__filled_sequence_and_full)
{
	k6c__stripe *s = stripe_of("1/2:3/4", NULL), *f = stripe_of("0:1", NULL);
	const k6c__rat *seq;
	size_t n;
	k6c__buf b = K6C__BUF_INIT;

	seq = k6c__stripe_sequence(s, &n);
	ck_assert_int_eq(k6c__segment_seq_format(seq, n, &b), 0);
	ck_assert_str_eq(b.ptr, "0,1/2,3/4,1");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__segment_format(k6c__stripe_segment(s), &b), 0);
	ck_assert_str_eq(b.ptr, "1/2:3/4");
	k6c__buf_free(&b);
	/* Same as B in the worked example. */
	ck_assert_uint_eq(k6c__stripe_scale(s, 10), 3);
	ck_assert_uint_eq(k6c__stripe_global(s, 2), 9);

	ck_assert(k6c__stripe_is_full(f));
	ck_assert(k6c__stripe_is_full(NULL));
	ck_assert_uint_eq(k6c__stripe_scale(f, 17), 17);
	ck_assert_uint_eq(k6c__stripe_global(f, 17), 17);
	ck_assert_uint_eq(k6c__stripe_scale(NULL, 17), 17);
	ck_assert_uint_eq(k6c__stripe_global(NULL, 17), 17);
	ck_assert_uint_eq(k6c__stripe_local_count(NULL, 17), 17);
	seq = k6c__stripe_sequence(NULL, &n);
	ck_assert_uint_eq(n, 2);
	k6c__stripe_free(s);
	k6c__stripe_free(f);
	k6c__stripe_free(NULL);
}
END_TEST

START_TEST(test_sched_segment_stripe__not_in_sequence)
{
	k6c__segment s;
	k6c__rat *r = NULL;
	size_t n = 0;
	k6c__stripe *st = NULL;

	ck_assert_int_eq(k6c__segment_parse("1/3:1/2", &s), 0);
	ck_assert_int_eq(k6c__segment_seq_parse("0,1/3,2/3,1", &r, &n), 0);
	ck_assert_int_eq(k6c__stripe_new(&st, &s, r, n), K6C_ECONFIG);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(last_message(), "\"1/3:1/2\"") != NULL, "%s", last_message());
	ck_assert_msg(strstr(last_message(), "\"0,1/3,2/3,1\"") != NULL, "%s", last_message());
	k6c__free(r);
}
END_TEST

START_TEST(test_sched_segment_stripe__too_fine_is_an_error)
{
	k6c__segment s;
	k6c__rat *r = NULL;
	size_t n = 0;
	k6c__stripe *st = NULL;

	/* Coprime denominators: the cycle would have about 10^12 elements. */
	ck_assert_int_eq(k6c__segment_parse("0:1/999983", &s), 0);
	ck_assert_int_eq(k6c__segment_seq_parse("0,1/999983,1/1000003,1", &r, &n), K6C_ECONFIG);
	ck_assert_int_eq(k6c__segment_seq_parse("0,1/1000003,1/999983,1", &r, &n), 0);
	ck_assert_int_eq(k6c__stripe_new(&st, &s, r, n), K6C_ECONFIG);
	k6c__free(r);
	ck_assert_int_eq(k6c__segment_parse("0:1/1000003", &s), 0);
	ck_assert_int_eq(k6c__segment_seq_parse("0,1/1000003,1/999983,1", &r, &n), 0);
	ck_assert_int_eq(k6c__stripe_new(&st, &s, r, n), K6C_ECONFIG);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(last_message(), "too large") != NULL, "%s", last_message());
	k6c__free(r);
}
END_TEST

/* For several sequences: the shares of every v sum to v, each segment's
 * global indices below N are exactly the ones it counts, and together the
 * segments cover 0..N-1 once each. */
START_TEST(test_sched_segment_stripe__properties)
{
	static const char *const seqs[] = {
		"0,1/2,3/4,1", "0,1/3,2/3,1", "0,1/10,3/10,7/10,1", "0,0.125,0.5,0.6,1",
		"0,1/7,2/5,1/2,4/5,1", "0,1", "0,1/4,1",
	};
	enum { N = 200 };

	for (size_t q = 0; q < K6C__ARRAY_LEN(seqs); q++) {
		k6c__rat *r = NULL;
		size_t n = 0;
		k6c__stripe *st[8];
		unsigned owner[N];

		ck_assert_int_eq(k6c__segment_seq_parse(seqs[q], &r, &n), 0);
		ck_assert_uint_le(n - 1, K6C__ARRAY_LEN(st));
		for (size_t i = 0; i + 1 < n; i++) {
			k6c__segment seg = { r[i], r[i + 1] };
			ck_assert_int_eq(k6c__stripe_new(&st[i], &seg, r, n), 0);
		}
		for (uint64_t v = 0; v <= N; v++) {
			uint64_t sum = 0;
			for (size_t i = 0; i + 1 < n; i++) {
				ck_assert_uint_eq(k6c__stripe_scale(st[i], v), k6c__stripe_local_count(st[i], v));
				sum += k6c__stripe_scale(st[i], v);
			}
			ck_assert_msg(sum == v, "%s: v=%llu sum=%llu", seqs[q], (unsigned long long)v,
				(unsigned long long)sum);
		}
		memset(owner, 0, sizeof(owner));
		for (size_t i = 0; i + 1 < n; i++) {
			uint64_t cnt = k6c__stripe_scale(st[i], N);
			uint64_t prev = 0;

			for (uint64_t l = 0; l < cnt; l++) {
				uint64_t g = k6c__stripe_global(st[i], l);

				ck_assert_uint_lt(g, N);
				ck_assert_msg(l == 0 || g > prev, "%s: not increasing", seqs[q]);
				ck_assert_msg(owner[g] == 0, "%s: index %llu twice", seqs[q], (unsigned long long)g);
				owner[g] = (unsigned)i + 1;
				/* The local index of a global one is how many lie below it. */
				ck_assert_uint_eq(k6c__stripe_local_count(st[i], g), l);
				prev = g;
			}
			ck_assert_uint_ge(k6c__stripe_global(st[i], cnt), N);
		}
		for (unsigned g = 0; g < N; g++)
			ck_assert_msg(owner[g] != 0, "%s: index %u uncovered", seqs[q], g);
		for (size_t i = 0; i + 1 < n; i++)
			k6c__stripe_free(st[i]);
		k6c__free(r);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sched_segment");
	TCase *tc = tcase_create("segment");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_sched_segment_parse__forms);
	tcase_add_test(tc, test_sched_segment_parse__bad_inputs_quote_text);
	tcase_add_test(tc, test_sched_segment_parse__sequences);
	tcase_add_test(tc, test_sched_segment_format__k6_forms);
	tcase_add_test(tc, test_sched_segment_stripe__worked_example);
	tcase_add_test(tc, test_sched_segment_stripe__thirds);
	tcase_add_test(tc, test_sched_segment_stripe__filled_sequence_and_full);
	tcase_add_test(tc, test_sched_segment_stripe__not_in_sequence);
	tcase_add_test(tc, test_sched_segment_stripe__too_fine_is_an_error);
	tcase_add_test(tc, test_sched_segment_stripe__properties);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
