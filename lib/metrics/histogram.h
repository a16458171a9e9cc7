/*
 * histogram.h - a bounded-memory, mergeable log-linear histogram for Trend
 * metrics (a DDSketch-style design).
 *
 * A positive value x falls in bucket i = ceil(log_gamma(x)), which covers
 * (gamma^(i-1), gamma^i]; the bucket's representative gamma^(i-1) * (1 + a)
 * is within a relative error a of every value in it. With a = 0.0099 every
 * percentile estimate is within 1% of the exact value computed over the
 * sorted samples (k6's interpolating formula), whatever the sample count.
 *
 * Magnitudes in [1e-9, 1e12] are resolved; smaller magnitudes count as zero
 * and larger ones fall in the top bucket (min and max stay exact, and every
 * estimate is clamped to [min, max]). Negative values (custom Trends may be
 * negative) have their own store mirrored on |x|. Each store holds a
 * contiguous window of bucket counts that only grows to cover the indices
 * seen, so a narrow distribution costs a few hundred bytes and the worst case
 * is K6C__HIST_MAX_BUCKETS counters per sign (about 19 KiB).
 *
 * A histogram is not thread-safe; the aggregation thread owns them.
 */
#ifndef K6C_METRICS_HISTOGRAM_H
#define K6C_METRICS_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The relative accuracy: gamma = (1 + a) / (1 - a). */
#define K6C__HIST_ALPHA 0.0099
/* The resolved magnitude range. */
#define K6C__HIST_MIN_VALUE 1e-9
#define K6C__HIST_MAX_VALUE 1e12

typedef struct k6c__hist_store {
	uint64_t *counts;   /* counts[k] is bucket index lo + k */
	int32_t lo;
	uint32_t len;       /* allocated buckets */
	uint64_t total;     /* sum of counts */
} k6c__hist_store;

typedef struct k6c__hist {
	uint64_t count;     /* every value added, zeros and negatives included */
	double sum;
	double min, max;    /* exact; meaningless while count == 0 */
	uint64_t zeros;     /* |x| < K6C__HIST_MIN_VALUE */
	k6c__hist_store pos, neg;
} k6c__hist;

/* The zero value is an empty histogram too; init just spells it out. */
void k6c__hist_init(k6c__hist *h);
void k6c__hist_free(k6c__hist *h);   /* releases memory; h is empty after */

/* Adds one value. NaN is ignored (returns 0). Return 0, or K6C_ENOMEM when a
 * store could not grow (the value is then not counted at all). */
int k6c__hist_add(k6c__hist *h, double v);

/* Adds every value of src to dst. Return 0 or K6C_ENOMEM (dst unchanged). */
int k6c__hist_merge(k6c__hist *dst, const k6c__hist *src);

/* k6's percentile: linear interpolation at index p/100 * (n - 1) over the
 * sorted values, here between the estimates of ranks floor and ceil. p is in
 * [0, 100]; p(0) is min and p(100) is max exactly. 0 when empty, as k6. */
double k6c__hist_percentile(const k6c__hist *h, double p);

/* The estimate of the value of 0-based rank r in sorted order (r < count). */
double k6c__hist_value_at_rank(const k6c__hist *h, uint64_t r);

/* Average (0 when empty, as k6). */
double k6c__hist_avg(const k6c__hist *h);

/* Allocated buckets over both stores: the memory footprint in counters. */
size_t k6c__hist_buckets(const k6c__hist *h);

/* Upper bound of k6c__hist_buckets() for one store. */
size_t k6c__hist_max_buckets(void);

#endif /* K6C_METRICS_HISTOGRAM_H */
