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

/* One remote-write time series with one sample. labels[0] is expected to
 * be __name__ and the rest sorted by name (the remote-write spec asks for
 * labels sorted by name; "__name__" sorts before every lowercase name, and
 * the caller sorts the rest). */
typedef struct k6c__prw_series {
	const k6c_tag *labels;
	size_t nlabels;
	double value;
	int64_t timestamp_ms;
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
