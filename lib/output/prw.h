/*
 * prw.h - the wire format of the Prometheus remote-write output
 * (out_prometheus_rw.c): a WriteRequest protobuf encoder of our own and
 * snappy block compression, apart from the output so that a unit test can
 * check the bytes.
 */
#ifndef K6C_OUTPUT_PRW_H
#define K6C_OUTPUT_PRW_H

#include "k6c/metric.h"
#include "util/util.h"

/* One bucket of a native histogram: bucket key (with schema s, bucket k
 * holds values in (2^((k-1)/2^s), 2^(k/2^s)]) and its count. */
typedef struct k6c__prw_bucket {
	int32_t key;
	uint64_t count;
} k6c__prw_bucket;

/* A native (sparse, exponential) histogram, cumulative. Buckets sorted by
 * key; neg holds the buckets of negative values by their absolute value. */
typedef struct k6c__prw_histogram {
	uint64_t count, zero_count;
	double sum, zero_threshold;
	int32_t schema;
	const k6c__prw_bucket *pos, *neg;
	size_t npos, nneg;
} k6c__prw_histogram;

/* The bucket key of |v| > 0 with schema 3 (buckets growing by 2^(1/8),
 * about 1.09: client_golang's for a bucket factor of 1.1, what k6 uses). */
int32_t k6c__prw_bucket_key(double v);

/* One remote-write time series with one sample. labels[0] is expected to
 * be __name__ and the rest sorted by name (the remote-write spec asks for
 * labels sorted by name; "__name__" sorts before every lowercase name, and
 * the caller sorts the rest). */
typedef struct k6c__prw_series {
	const k6c_tag *labels;
	size_t nlabels;
	double value;
	int64_t timestamp_ms;
	/* Not NULL: a native histogram instead of the value. */
	const k6c__prw_histogram *histogram;
} k6c__prw_series;

/* Appends a prometheus.WriteRequest holding the series to out. Return 0 or
 * K6C_ENOMEM. */
int k6c__prw_encode(k6c__buf *out, const k6c__prw_series *series, size_t n);

/* Replaces out's content with the snappy block compression of in[0..n).
 * Return 0, K6C_ENOMEM or K6C_EIO (snappy failed). */
int k6c__prw_snappy(k6c__buf *out, const char *in, size_t n);

/* The value Prometheus reads as a stale marker (a NaN with its own bits). */
double k6c__prw_stale_nan(void);

#endif /* K6C_OUTPUT_PRW_H */
