/*
 * test_metrics_histogram.c - the Trend histogram against k6's exact,
 * sort-based percentile formula: accuracy over several distributions, merge,
 * and memory that does not depend on the sample count.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "metrics/histogram.h"
#include "util/util.h"

/* xorshift64*: deterministic and independent of libc's rand(). */
typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

/* Uniform in (0, 1). */
static double rng_unit(rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(rng *r)
{
	/* Box-Muller; one of the pair is enough here. */
	double u1 = rng_unit(r), u2 = rng_unit(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* k6's TrendSink.P over sorted values: p in [0, 100]. */
static double exact_percentile(const double *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	if (n == 1)
		return sorted[0];
	double i = (p / 100.0) * ((double)n - 1.0);
	double lo = sorted[(size_t)floor(i)], hi = sorted[(size_t)ceil(i)];
	return lo + (hi - lo) * (i - floor(i));
}

/* The error allowed for an interpolated percentile: 1% of the values it is
 * interpolated from (equal to 1% of the result when both have one sign). */
static double allowed_error(const double *sorted, size_t n, double p)
{
	if (n == 1)
		return 0.01 * fabs(sorted[0]);
	double i = (p / 100.0) * ((double)n - 1.0);
	double f = i - floor(i);
	double lo = sorted[(size_t)floor(i)], hi = sorted[(size_t)ceil(i)];
	return 0.01 * ((1 - f) * fabs(lo) + f * fabs(hi)) + 1e-300;
}

static const double percentiles[] = { 0, 1, 50, 90, 95, 99, 99.9, 100 };

/* Feeds values into a histogram and compares every percentile above with the
 * exact result. */
static void check_values(const char *what, double *values, size_t n)
{
	k6c__hist h;
	k6c__hist_init(&h);
	double sum = 0;
	for (size_t k = 0; k < n; k++) {
		ck_assert_int_eq(k6c__hist_add(&h, values[k]), 0);
		sum += values[k];
	}
	qsort(values, n, sizeof(*values), cmp_double);

	ck_assert_uint_eq(h.count, n);
	ck_assert_msg(h.min == values[0], "%s: min %g != %g", what, h.min, values[0]);
	ck_assert_msg(h.max == values[n - 1], "%s: max %g != %g", what, h.max, values[n - 1]);
	ck_assert_msg(fabs(h.sum - sum) <= 1e-9 * fabs(sum) + 1e-12, "%s: sum", what);

	for (size_t k = 0; k < K6C__ARRAY_LEN(percentiles); k++) {
		double p = percentiles[k];
		double want = exact_percentile(values, n, p);
		double got = k6c__hist_percentile(&h, p);
		double tol = allowed_error(values, n, p);
		ck_assert_msg(fabs(got - want) <= tol,
			"%s (n=%zu): p(%g) = %.17g, exact %.17g, error %.3g%%", what, n, p,
			got, want, 100 * fabs(got - want) / (fabs(want) + 1e-300));
	}
	/* med is p(50). */
	ck_assert(k6c__hist_percentile(&h, 50) == k6c__hist_percentile(&h, 50.0));
	k6c__hist_free(&h);
}

enum { N = 200000 };

START_TEST(test_metrics_histogram_accuracy__uniform)
{
	rng r = { 0x1234567ULL };
	double *v = malloc(N * sizeof(*v));
	for (size_t k = 0; k < N; k++)
		v[k] = 1 + 999 * rng_unit(&r);
	check_values("uniform", v, N);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__exponential)
{
	rng r = { 0xabcdefULL };
	double *v = malloc(N * sizeof(*v));
	for (size_t k = 0; k < N; k++)
		v[k] = -120.0 * log(rng_unit(&r));
	check_values("exponential", v, N);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__lognormal)
{
	rng r = { 42 };
	double *v = malloc(N * sizeof(*v));
	for (size_t k = 0; k < N; k++)
		v[k] = exp(3.0 + 1.5 * rng_normal(&r));
	check_values("lognormal", v, N);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__bimodal)
{
	rng r = { 7 };
	double *v = malloc(N * sizeof(*v));
	for (size_t k = 0; k < N; k++) {
		if (rng_next(&r) % 10 < 9)
			v[k] = 5 + 0.5 * rng_normal(&r);      /* fast path */
		else
			v[k] = 2000 + 300 * rng_normal(&r);   /* slow path */
		if (v[k] < 0.1)
			v[k] = 0.1;
	}
	check_values("bimodal", v, N);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__constant)
{
	double *v = malloc(1000 * sizeof(*v));
	for (size_t k = 0; k < 1000; k++)
		v[k] = 123.456;
	check_values("constant", v, 1000);
	/* A constant is reproduced exactly thanks to the clamp to [min, max]. */
	k6c__hist h;
	k6c__hist_init(&h);
	for (int k = 0; k < 10; k++)
		k6c__hist_add(&h, 7.25);
	ck_assert(k6c__hist_percentile(&h, 37) == 7.25);
	ck_assert(k6c__hist_avg(&h) == 7.25);
	k6c__hist_free(&h);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__tiny_and_huge)
{
	rng r = { 99 };
	double *v = malloc(N * sizeof(*v));
	/* Sub-microsecond values (in ms) mixed with values near 1e11. */
	for (size_t k = 0; k < N; k++)
		v[k] = (k % 2) ? 1e-8 * (1 + 1000 * rng_unit(&r)) : 1e9 * (1 + 99 * rng_unit(&r));
	check_values("tiny+huge", v, N);
	for (size_t k = 0; k < N; k++)
		v[k] = 1e-8 * (1 + 9 * rng_unit(&r));
	check_values("tiny", v, N);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__negatives)
{
	rng r = { 5 };
	double *v = malloc(N * sizeof(*v));
	for (size_t k = 0; k < N; k++)
		v[k] = -exp(2.0 + rng_normal(&r));
	check_values("negative", v, N);
	/* Mixed signs and exact zeros. */
	for (size_t k = 0; k < N; k++) {
		switch (k % 5) {
		case 0: v[k] = 0; break;
		case 1: case 2: v[k] = -50 * rng_unit(&r) - 0.5; break;
		default: v[k] = 300 * rng_unit(&r) + 0.5; break;
		}
	}
	check_values("mixed", v, N);
	free(v);
}
END_TEST

START_TEST(test_metrics_histogram_accuracy__small_n)
{
	double one[] = { 42.5 };
	check_values("n=1", one, 1);
	double two[] = { 300, 10 };
	check_values("n=2", two, 2);
	double three[] = { 1, 2, 1000 };
	check_values("n=3", three, 3);

	k6c__hist h;
	k6c__hist_init(&h);
	ck_assert(k6c__hist_percentile(&h, 95) == 0);   /* empty: 0 as in k6 */
	ck_assert(k6c__hist_avg(&h) == 0);
	/* NaN is not a sample. */
	ck_assert_int_eq(k6c__hist_add(&h, NAN), 0);
	ck_assert_uint_eq(h.count, 0);
	k6c__hist_free(&h);
}
END_TEST

START_TEST(test_metrics_histogram_merge__equals_single)
{
	rng r = { 31337 };
	k6c__hist a, b, c, all;
	k6c__hist_init(&a);
	k6c__hist_init(&b);
	k6c__hist_init(&c);
	k6c__hist_init(&all);
	for (int k = 0; k < 100000; k++) {
		double v = exp(1 + 2 * rng_normal(&r));
		if (k % 7 == 0)
			v = -v;
		if (k % 11 == 0)
			v = 0;
		k6c__hist *dst = (k % 3 == 0) ? &a : (k % 3 == 1) ? &b : &c;
		ck_assert_int_eq(k6c__hist_add(dst, v), 0);
		ck_assert_int_eq(k6c__hist_add(&all, v), 0);
	}
	k6c__hist empty;
	k6c__hist_init(&empty);
	ck_assert_int_eq(k6c__hist_merge(&empty, &a), 0);   /* into an empty one */
	ck_assert_int_eq(k6c__hist_merge(&empty, &b), 0);
	ck_assert_int_eq(k6c__hist_merge(&empty, &c), 0);

	ck_assert_uint_eq(empty.count, all.count);
	ck_assert_uint_eq(empty.zeros, all.zeros);
	ck_assert(empty.min == all.min);
	ck_assert(empty.max == all.max);
	ck_assert(fabs(empty.sum - all.sum) <= 1e-9 * fabs(all.sum));
	for (double p = 0; p <= 100; p += 0.5)
		ck_assert_msg(k6c__hist_percentile(&empty, p) == k6c__hist_percentile(&all, p),
			"p(%g) differs after merge", p);
	/* Every rank, not just a few percentiles. */
	for (uint64_t rank = 0; rank < all.count; rank += 97)
		ck_assert(k6c__hist_value_at_rank(&empty, rank) == k6c__hist_value_at_rank(&all, rank));
	k6c__hist_free(&a);
	k6c__hist_free(&b);
	k6c__hist_free(&c);
	k6c__hist_free(&all);
	k6c__hist_free(&empty);
}
END_TEST

START_TEST(test_metrics_histogram_memory__flat_in_sample_count)
{
	rng r = { 2024 };
	k6c__hist h;
	k6c__hist_init(&h);
	size_t at_1e5 = 0;
	/* Latencies between 1 ms and 1 s. */
	for (long k = 1; k <= 10000000; k++) {
		ck_assert_int_eq(k6c__hist_add(&h, 1 + 999 * rng_unit(&r)), 0);
		if (k == 100000)
			at_1e5 = k6c__hist_buckets(&h);
	}
	ck_assert_uint_gt(at_1e5, 0);
	ck_assert_uint_eq(k6c__hist_buckets(&h), at_1e5);
	/* Three decades at 2% resolution: a few hundred counters. */
	ck_assert_uint_lt(at_1e5, 600);
	k6c__hist_free(&h);

	/* An unbounded distribution widens slowly, but never past the cap. */
	k6c__hist_init(&h);
	for (long k = 1; k <= 1000000; k++) {
		double v = exp(3 + 3 * rng_normal(&r));
		ck_assert_int_eq(k6c__hist_add(&h, (k & 1) ? v : -v), 0);
	}
	ck_assert_uint_le(k6c__hist_buckets(&h), 2 * k6c__hist_max_buckets());
	k6c__hist_add(&h, 1e-300);
	k6c__hist_add(&h, 1e300);
	k6c__hist_add(&h, -1e300);
	k6c__hist_add(&h, INFINITY);
	ck_assert_uint_le(k6c__hist_buckets(&h), 2 * k6c__hist_max_buckets());
	ck_assert(k6c__hist_percentile(&h, 100) == INFINITY);
	ck_assert(k6c__hist_percentile(&h, 0) == -1e300);
	k6c__hist_free(&h);
}
END_TEST

static Suite *histogram_suite(void)
{
	Suite *s = suite_create("metrics_histogram");
	TCase *tc = tcase_create("histogram");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_metrics_histogram_accuracy__uniform);
	tcase_add_test(tc, test_metrics_histogram_accuracy__exponential);
	tcase_add_test(tc, test_metrics_histogram_accuracy__lognormal);
	tcase_add_test(tc, test_metrics_histogram_accuracy__bimodal);
	tcase_add_test(tc, test_metrics_histogram_accuracy__constant);
	tcase_add_test(tc, test_metrics_histogram_accuracy__tiny_and_huge);
	tcase_add_test(tc, test_metrics_histogram_accuracy__negatives);
	tcase_add_test(tc, test_metrics_histogram_accuracy__small_n);
	tcase_add_test(tc, test_metrics_histogram_merge__equals_single);
	tcase_add_test(tc, test_metrics_histogram_memory__flat_in_sample_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(histogram_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
