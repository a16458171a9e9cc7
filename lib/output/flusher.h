/*
 * flusher.h - the bounded sample queue and periodic flusher thread of a
 * network output (k6's SampleBuffer + PeriodicFlusher).
 *
 * A network output's add_samples() copies the batch into the flusher's
 * queue and returns: it never waits for the backend, so a slow or dead
 * server holds up neither the VUs nor the other sinks. The queue is
 * bounded by a number of samples; what does not fit is dropped and
 * counted. The flusher's own thread swaps the queue out every interval and
 * hands the samples to the output's flush callback, which may block (an
 * HTTP request, a UDP send). Stop flushes what is still queued in one last
 * call, bounded by the flush timeout, joins the thread and logs the drop
 * count as a warning with the output's name.
 *
 * Errors of the callback are reported with k6c__flusher_error(): logged
 * with the output's name, once per distinct message (k6c__sink_fail).
 */
#ifndef K6C_OUTPUT_FLUSHER_H
#define K6C_OUTPUT_FLUSHER_H

#include "k6c/sink.h"
#include "util/util.h"

typedef struct k6c__flusher k6c__flusher;

/* Sends samples[0..n) to the backend: n >= 1, except for the final call,
 * which always comes (with n 0 and samples NULL when nothing is left) so
 * that an output can send what it aggregates (stale markers, last
 * totals) once at the end. The samples (their tags,
 * metadata and metric info) are valid during the call. deadline_ns is a
 * k6c__now_ns() time by which the call should return (the flush timeout
 * from when the flush began; for the final flush, from the stop request):
 * pass what remains as the request timeout. final is true for the flush
 * done by k6c__flusher_stop. Return 0, or nonzero after reporting the
 * error with k6c__flusher_error (counted as a failed flush). Thread: the
 * flusher's thread, one call at a time. */
typedef int (*k6c__flusher_fn)(void *arg, const k6c_sample *samples, size_t n,
	uint64_t deadline_ns, bool final);

typedef struct k6c__flusher_config {
	const char *name;           /* the output's name, for messages; copied */
	k6c_sink *sink;             /* where errors and the drop warning go; NULL: not logged */
	unsigned interval_ms;       /* push interval; 0: 1000 */
	unsigned timeout_ms;        /* one flush's bound, also the final one's; 0: 10000 */
	size_t max_samples;         /* the queue's bound; 0: 1000000 */
	k6c__flusher_fn flush;
	void *arg;
} k6c__flusher_config;

/* A flusher, no thread yet. Return 0, K6C_EINVAL (no flush callback) or
 * K6C_ENOMEM. */
int k6c__flusher_new(k6c__flusher **out, const k6c__flusher_config *cfg);
/* Starts the thread. Return 0, K6C_ESTATE (started before) or
 * K6C_EINTERNAL (no thread). */
int k6c__flusher_start(k6c__flusher *f);
/* Makes and starts the flusher of a network output, from its sink's
 * start(): k6c__flusher_new() with the sink, name, interval_ms, timeout_ms,
 * max_samples, flush and arg of the config (0 takes the default), then
 * k6c__flusher_start(). *out is set as by k6c__flusher_new, so a flusher
 * made but not started is still the output's to free. On failure the sink
 * is told with k6c__sink_fail(sink, 0, ...): fail_msg, or when fail_msg
 * is NULL, "output \"<name>\": " and k6c_error_last()'s message ("could
 * not start its flusher" when there is none). Return 0 or the code of
 * k6c__flusher_new or k6c__flusher_start. Thread: the sink's start(). */
int k6c__flusher_open(k6c__flusher **out, k6c_sink *sink, const char *name,
	unsigned interval_ms, unsigned timeout_ms, size_t max_samples, k6c__flusher_fn flush,
	void *arg, const char *fail_msg);
/* Copies n samples (tags and metadata deep-copied; metric info borrowed:
 * it must stay valid until stop returns) into the queue, dropping (and
 * counting) those beyond the bound or for lack of memory, and those added
 * before start or after stop. Never blocks on the backend. Returns the
 * number of samples dropped by this call. Thread: any. */
size_t k6c__flusher_add(k6c__flusher *f, const k6c_sample *samples, size_t n);
/* Flushes what is queued (one final call whose deadline is timeout_ms
 * after this call), joins the thread and logs "N samples were dropped"
 * (warning) when any were. A flush in progress when stop is called
 * finishes first (its own deadline bounds it) and eats into the final
 * one's time, so stop takes about timeout_ms at most. Once; later calls
 * do nothing. Also fine when never started.
 * Return 0, or K6C_EIO when the final flush failed or samples were left
 * unsent. */
int k6c__flusher_stop(k6c__flusher *f);
/* Stops (if needed) and frees. NULL is a no-op. */
void k6c__flusher_free(k6c__flusher *f);

/* Sink entries (k6c_sink_vtable) for a network output whose payload
 * struct has its k6c__flusher * as its first member (NULL until
 * k6c__flusher_open). add_samples hands the batch to k6c__flusher_add and
 * returns 0: what the queue drops is counted and reported by stop. stop
 * calls k6c__flusher_stop (when there is a flusher) and returns 0 whatever
 * it says: the flush errors were logged as they happened and the drops by
 * k6c__flusher_stop itself, so "stop() failed" would say nothing more.
 * Thread: as the sink's callbacks. */
int k6c__flusher_sink_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n);
int k6c__flusher_sink_stop(k6c_sink *sink, void *payload, int exit_code);

/* Reports a send error: counted, and logged with the output's name once
 * per distinct message. printf-style. Thread: any. */
void k6c__flusher_error(k6c__flusher *f, const char *fmt, ...) K6C__PRINTF(2, 3);
/* Logs one line with the output's name at level (k6c_log_level), no
 * de-duplication. Thread: any, until stop returns. */
void k6c__flusher_log(k6c__flusher *f, int level, const char *fmt, ...) K6C__PRINTF(3, 4);

typedef struct k6c__flusher_stats {
	uint64_t queued;     /* samples accepted into the queue */
	uint64_t dropped;    /* samples dropped (bound, memory, not running) */
	uint64_t flushed;    /* samples handed to successful flush calls */
	uint64_t failed;     /* samples handed to flush calls that failed */
	uint64_t flushes;    /* flush calls */
	uint64_t errors;     /* k6c__flusher_error calls */
} k6c__flusher_stats;

/* A snapshot of the counters. Thread: any. */
void k6c__flusher_stats_get(k6c__flusher *f, k6c__flusher_stats *out);

#endif /* K6C_OUTPUT_FLUSHER_H */
