/*
 * segment.h - k6's execution segments (k6-compat.md section 7): parsing
 * segments and sequences as exact rationals, and the striping that tells
 * one instance which global indices (VUs, iterations, arrival slots) are its
 * own, so that several instances given the same sequence together do exactly
 * what one full run does, without a coordinator.
 */
#ifndef K6C_SCHED_SEGMENT_H
#define K6C_SCHED_SEGMENT_H

#include "util/util.h"

/* A non-negative rational, always reduced, den > 0. */
typedef struct k6c__rat {
	uint64_t num, den;
} k6c__rat;

/* The segment (from, to], 0 <= from < to <= 1. */
typedef struct k6c__segment {
	k6c__rat from, to;
} k6c__segment;

/* Parses a segment: "1/3:2/3", "0.5:0.75", "50%:75%", or a bare end ("20%",
 * "1/3", "0.2") meaning 0:end. Return 0 or K6C_ECONFIG with a message that
 * quotes text. */
int k6c__segment_parse(const char *text, k6c__segment *out);

/* Parses a sequence of cut points "0,1/3,2/3,1" (each in any of the forms
 * above, strictly increasing, at least two). *out is owned by the caller
 * (k6c__free). Return 0, K6C_ECONFIG (quoting text) or K6C_ENOMEM. */
int k6c__segment_seq_parse(const char *text, k6c__rat **out, size_t *n);

/* Formats as k6 prints them: "1/3:2/3" and "0,1/3,2/3,1" (integers without
 * a denominator). Append to out. Return 0 or K6C_ENOMEM. */
int k6c__segment_format(const k6c__segment *seg, k6c__buf *out);
int k6c__segment_seq_format(const k6c__rat *seq, size_t n, k6c__buf *out);

/* One segment's stripe within its sequence. Opaque; immutable once built,
 * so any thread may read it. */
typedef struct k6c__stripe k6c__stripe;

/* Builds the stripe of seg within seq (nseq cut points). seq NULL or nseq 0:
 * the sequence k6 fills in around the segment (0, from, to, 1 without
 * duplicates). Return 0; K6C_ECONFIG when seg is not one of seq's segments
 * (message names both); K6C_ENOMEM. */
int k6c__stripe_new(k6c__stripe **out, const k6c__segment *seg, const k6c__rat *seq, size_t nseq);
void k6c__stripe_free(k6c__stripe *s);

/* True when the stripe is the whole test (0:1), or s is NULL. */
bool k6c__stripe_is_full(const k6c__stripe *s);

/* k6's ScaleInt64: this segment's share of v, striped, so the shares of all
 * segments of the sequence sum to v. NULL: v. */
uint64_t k6c__stripe_scale(const k6c__stripe *s, uint64_t v);

/* The global 0-based index of this segment's local 0-based index i (the
 * i-th element of the stripe). NULL: i. */
uint64_t k6c__stripe_global(const k6c__stripe *s, uint64_t local);

/* How many elements of the stripe lie below global index g (so
 * k6c__stripe_scale(s, v) == k6c__stripe_local_count(s, v)). NULL: g. */
uint64_t k6c__stripe_local_count(const k6c__stripe *s, uint64_t g);

/* The segment and the sequence the stripe was built from. */
const k6c__segment *k6c__stripe_segment(const k6c__stripe *s);
const k6c__rat *k6c__stripe_sequence(const k6c__stripe *s, size_t *n);

#endif /* K6C_SCHED_SEGMENT_H */
