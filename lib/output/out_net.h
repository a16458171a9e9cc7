/*
 * out_net.h - the network outputs built on flusher.h: influxdb
 * (out_influxdb.c) and statsd (out_statsd.c), with the helpers their unit
 * tests reach.
 */
#ifndef K6C_OUTPUT_OUT_NET_H
#define K6C_OUTPUT_OUT_NET_H

#include "k6c/sink.h"
#include "output/builtin.h"
#include "util/util.h"

/* The factories are declared in builtin.h. */

/* Appends the line protocol of samples[0..n) to b, as the influxdb sink
 * whose payload is sink_payload (from its factory) writes them. Return 0
 * or K6C_ENOMEM. */
int k6c__influxdb_lines(const void *sink_payload, k6c__buf *b, const k6c_sample *samples,
	size_t n);
/* Appends the statsd datagram lines of samples[0..n) (one per sample, each
 * ending in '\n') as the statsd sink whose payload is sink_payload sends
 * them. Return 0 or K6C_ENOMEM. */
int k6c__statsd_lines(const void *sink_payload, k6c__buf *b, const k6c_sample *samples,
	size_t n);

/* Go's strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False.
 * Return 0 or K6C_EINVAL. */
int k6c__output_parse_bool(const char *v, bool *out);
/* Appends v as Go's strconv.FormatFloat(v, 'f', -1, 64) does: the
 * shortest digits that read back as v, never an exponent. */
int k6c__output_put_float(k6c__buf *b, double v);

#endif /* K6C_OUTPUT_OUT_NET_H */
