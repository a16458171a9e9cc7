/*
 * histogram.c - the log-linear Trend histogram (see histogram.h for the
 * design and its error bound).
 */
#include "histogram.h"

#include <math.h>
#include <string.h>

#include "util/util.h"

/* ln(gamma) = ln(1 + a) - ln(1 - a). GCC folds these calls on constants, and
 * even when it does not they are only evaluated where an index is computed. */
static inline double ln_gamma(void)
{
	return log1p(K6C__HIST_ALPHA) - log1p(-K6C__HIST_ALPHA);
}

static inline int32_t raw_index(double mag)
{
	return (int32_t)ceil(log(mag) / ln_gamma());
}

static int32_t index_min(void)
{
	return raw_index(K6C__HIST_MIN_VALUE);
}

static int32_t index_max(void)
{
	return raw_index(K6C__HIST_MAX_VALUE);
}

/* Bucket index of a magnitude already known to be >= K6C__HIST_MIN_VALUE.
 * Values above the range land in the top bucket. */
static inline int32_t bucket_index(double mag)
{
	if (mag >= K6C__HIST_MAX_VALUE)
		return index_max();
	int32_t i = raw_index(mag);
	/* Rounding in log() could step one past the edges of the range. */
	if (i < index_min())
		i = index_min();
	return i;
}

/* The representative of bucket i: gamma^(i-1) * (1 + a), which is within a
 * relative error a of both ends of (gamma^(i-1), gamma^i]. */
static inline double bucket_value(int32_t i)
{
	return exp((double)(i - 1) * ln_gamma()) * (1.0 + K6C__HIST_ALPHA);
}

size_t k6c__hist_max_buckets(void)
{
	return (size_t)(index_max() - index_min() + 1);
}

void k6c__hist_init(k6c__hist *h)
{
	memset(h, 0, sizeof(*h));
}

void k6c__hist_free(k6c__hist *h)
{
	k6c__free(h->pos.counts);
	k6c__free(h->neg.counts);
	k6c__hist_init(h);
}

/* Makes the store's window cover [lo, hi] (inclusive). The window grows by at
 * least half its size each time so that a slowly widening distribution does
 * not reallocate on every new extreme; it never exceeds the resolved range. */
static int store_cover(k6c__hist_store *s, int32_t lo, int32_t hi)
{
	int32_t cur_lo = s->lo, cur_hi = s->lo + (int32_t)s->len - 1;
	int32_t new_lo, new_hi, margin;
	uint64_t *counts;

	if (s->len > 0 && lo >= cur_lo && hi <= cur_hi)
		return 0;
	if (s->len == 0) {
		cur_lo = lo;
		cur_hi = hi;
	}
	margin = (int32_t)(s->len / 2);
	if (margin < 16)
		margin = 16;
	new_lo = lo < cur_lo ? lo - margin : cur_lo;
	new_hi = hi > cur_hi ? hi + margin : cur_hi;
	if (s->len == 0) {
		new_lo = lo - margin;
		new_hi = hi + margin;
	}
	if (new_lo < index_min())
		new_lo = index_min();
	if (new_hi > index_max())
		new_hi = index_max();

	counts = k6c__calloc((size_t)(new_hi - new_lo + 1), sizeof(*counts));
	if (counts == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory growing a histogram");
	if (s->len > 0)
		memcpy(counts + (s->lo - new_lo), s->counts, s->len * sizeof(*counts));
	k6c__free(s->counts);
	s->counts = counts;
	s->lo = new_lo;
	s->len = (uint32_t)(new_hi - new_lo + 1);
	return 0;
}

int k6c__hist_add(k6c__hist *h, double v)
{
	if (isnan(v))
		return 0;
	double mag = fabs(v);
	if (mag < K6C__HIST_MIN_VALUE) {
		h->zeros++;
	} else {
		k6c__hist_store *s = v > 0 ? &h->pos : &h->neg;
		int32_t i = bucket_index(mag);
		if (s->len == 0 || i < s->lo || i >= s->lo + (int32_t)s->len) {
			int rc = store_cover(s, i, i);
			if (rc)
				return rc;
		}
		s->counts[i - s->lo]++;
		s->total++;
	}
	if (h->count == 0) {
		h->min = v;
		h->max = v;
	} else {
		if (v < h->min)
			h->min = v;
		if (v > h->max)
			h->max = v;
	}
	h->count++;
	h->sum += v;
	return 0;
}

static int store_merge_prepare(k6c__hist_store *dst, const k6c__hist_store *src)
{
	int32_t lo = INT32_MAX, hi = INT32_MIN;

	/* Only the occupied part of src matters; its window may be wider. */
	for (uint32_t k = 0; k < src->len; k++) {
		if (src->counts[k]) {
			int32_t i = src->lo + (int32_t)k;
			if (i < lo)
				lo = i;
			hi = i;
		}
	}
	if (lo > hi)
		return 0;
	return store_cover(dst, lo, hi);
}

static void store_merge(k6c__hist_store *dst, const k6c__hist_store *src)
{
	for (uint32_t k = 0; k < src->len; k++) {
		if (src->counts[k])
			dst->counts[src->lo + (int32_t)k - dst->lo] += src->counts[k];
	}
	dst->total += src->total;
}

int k6c__hist_merge(k6c__hist *dst, const k6c__hist *src)
{
	int rc;

	if (src->count == 0)
		return 0;
	/* Grow both stores before touching any count, so a failure leaves dst
	 * as it was. */
	if ((rc = store_merge_prepare(&dst->pos, &src->pos)) != 0)
		return rc;
	if ((rc = store_merge_prepare(&dst->neg, &src->neg)) != 0)
		return rc;
	store_merge(&dst->pos, &src->pos);
	store_merge(&dst->neg, &src->neg);
	dst->zeros += src->zeros;
	if (dst->count == 0) {
		dst->min = src->min;
		dst->max = src->max;
	} else {
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
	}
	dst->count += src->count;
	dst->sum += src->sum;
	return 0;
}

double k6c__hist_value_at_rank(const k6c__hist *h, uint64_t r)
{
	double v = 0;

	if (h->count == 0)
		return 0;
	/* The extremes are known exactly. */
	if (r == 0)
		return h->min;
	if (r >= h->count - 1)
		return h->max;

	if (r < h->neg.total) {
		/* Sorted order starts at the most negative value: the negative
		 * store's highest index. */
		uint64_t seen = 0;
		for (uint32_t k = h->neg.len; k-- > 0;) {
			seen += h->neg.counts[k];
			if (r < seen) {
				v = -bucket_value(h->neg.lo + (int32_t)k);
				break;
			}
		}
	} else if (r < h->neg.total + h->zeros) {
		v = 0;
	} else {
		uint64_t seen = h->neg.total + h->zeros;
		for (uint32_t k = 0; k < h->pos.len; k++) {
			seen += h->pos.counts[k];
			if (r < seen) {
				v = bucket_value(h->pos.lo + (int32_t)k);
				break;
			}
		}
	}
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

double k6c__hist_percentile(const k6c__hist *h, double p)
{
	if (h->count == 0)
		return 0;
	if (h->count == 1)
		return h->min;
	/* The same operations, in the same order, as k6's TrendSink.P. */
	double i = (p / 100.0) * ((double)h->count - 1.0);
	if (!(i >= 0))
		i = 0;
	if (i > (double)(h->count - 1))
		i = (double)(h->count - 1);
	double fl = floor(i);
	double f = i - fl;
	uint64_t lo = (uint64_t)fl;
	double vlo = k6c__hist_value_at_rank(h, lo);
	if (f == 0)
		return vlo;
	double vhi = k6c__hist_value_at_rank(h, (uint64_t)ceil(i));
	return vlo + (vhi - vlo) * f;
}

double k6c__hist_avg(const k6c__hist *h)
{
	return h->count ? h->sum / (double)h->count : 0;
}

size_t k6c__hist_buckets(const k6c__hist *h)
{
	return (size_t)h->pos.len + (size_t)h->neg.len;
}
