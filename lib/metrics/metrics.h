/*
 * metrics.h - the metric registry, per-thread sample buffers, the aggregation
 * thread with bounded-memory trend histograms, and the end-of-test summary.
 *
 * Producers (worker threads, the run controller) each own one k6c__samples
 * buffer and append to it without locks. A buffer hands its filled batch to
 * the aggregator every ~50 ms (k6c__samples_tick) or when told to flush; the
 * hand-off takes one mutex per batch, never per sample. The aggregation
 * thread owns all aggregate state.
 */
#ifndef K6C_METRICS_H
#define K6C_METRICS_H

#include "k6c/metric.h"
#include "util/util.h"

typedef enum k6c__metric_type {
	K6C__COUNTER,
	K6C__GAUGE,
	K6C__RATE,
	K6C__TREND
} k6c__metric_type;

typedef enum k6c__metric_contains {
	K6C__CONTAINS_DEFAULT,
	K6C__CONTAINS_TIME,
	K6C__CONTAINS_DATA
} k6c__metric_contains;

/* Built-in metrics have fixed ids so the hot path never looks names up; the
 * registry pre-registers them in this order with k6's names, types and units. */
enum k6c__builtin_metric {
	K6C__M_VUS,                 /* gauge   vus */
	K6C__M_VUS_MAX,             /* gauge   vus_max */
	K6C__M_ITERATIONS,          /* counter iterations */
	K6C__M_ITERATION_DURATION,  /* trend   iteration_duration (time) */
	K6C__M_DROPPED_ITERATIONS,  /* counter dropped_iterations */
	K6C__M_CHECKS,              /* rate    checks */
	K6C__M_GROUP_DURATION,      /* trend   group_duration (time) */
	K6C__M_DATA_SENT,           /* counter data_sent (data) */
	K6C__M_DATA_RECEIVED,       /* counter data_received (data) */
	K6C__M_HTTP_REQS,           /* counter http_reqs */
	K6C__M_HTTP_REQ_FAILED,     /* rate    http_req_failed */
	K6C__M_HTTP_REQ_DURATION,   /* trend   http_req_duration (time) */
	K6C__M_HTTP_REQ_BLOCKED,    /* trend   http_req_blocked (time) */
	K6C__M_HTTP_REQ_CONNECTING, /* trend   http_req_connecting (time) */
	K6C__M_HTTP_REQ_TLS_HANDSHAKING, /* trend http_req_tls_handshaking (time) */
	K6C__M_HTTP_REQ_SENDING,    /* trend   http_req_sending (time) */
	K6C__M_HTTP_REQ_WAITING,    /* trend   http_req_waiting (time) */
	K6C__M_HTTP_REQ_RECEIVING,  /* trend   http_req_receiving (time) */
	/* Ours, not k6's: arrival-rate iterations measured from the moment
	 * they were due (doc/metrics.md). */
	K6C__M_ITERATION_DURATION_FROM_SCHEDULE, /* trend (time) */
	K6C__M_BUILTIN_COUNT
};

/* A tag: both strings are copied by k6c__samples_add. The public k6c_tag
 * itself, so that the views' interned tags reach sinks and modules as they
 * are, without a copy per sample. */
typedef k6c_tag k6c__tag;

typedef struct k6c__metrics k6c__metrics;
typedef struct k6c__samples k6c__samples;

/* A batch as the aggregator (and later the output thread) sees it. */
typedef struct k6c__sample_view {
	int64_t time_us;          /* wall clock */
	int metric;               /* metric id */
	double value;
	const k6c__tag *tags;     /* sorted by key, disabled system tags left out;
	                           * borrowed for the callback */
	size_t ntags;
	/* k6's metadata (vu, iter, exec.vu.metrics.metadata): in the order the
	 * producer gave it, borrowed for the callback; NULL/0 when none. */
	const k6c__tag *metadata;
	size_t nmetadata;
} k6c__sample_view;

/* k6's system tags (k6-compat.md section 3.2) as bits of a mask. vu and iter are never tags: when enabled, producers send them as
 * metadata. */
enum k6c__system_tag {
	K6C__TAG_PROTO = 1u << 0,
	K6C__TAG_SUBPROTO = 1u << 1,
	K6C__TAG_STATUS = 1u << 2,
	K6C__TAG_METHOD = 1u << 3,
	K6C__TAG_URL = 1u << 4,
	K6C__TAG_NAME = 1u << 5,
	K6C__TAG_GROUP = 1u << 6,
	K6C__TAG_CHECK = 1u << 7,
	K6C__TAG_ERROR = 1u << 8,
	K6C__TAG_ERROR_CODE = 1u << 9,
	K6C__TAG_TLS_VERSION = 1u << 10,
	K6C__TAG_SCENARIO = 1u << 11,
	K6C__TAG_SERVICE = 1u << 12,
	K6C__TAG_EXPECTED_RESPONSE = 1u << 13,
	K6C__TAG_VU = 1u << 14,
	K6C__TAG_ITER = 1u << 15,
	K6C__TAG_IP = 1u << 16,
	K6C__TAG_OCSP_STATUS = 1u << 17,
};
#define K6C__SYSTEM_TAG_COUNT 18
/* What k6 enables when the systemTags option is not set: the first 14. */
#define K6C__SYSTEM_TAGS_DEFAULT ((uint32_t)((1u << 14) - 1))

/* The bit of a system tag's name ("status"), or 0 if name is none. */
uint32_t k6c__system_tag_bit(const char *name);
/* The name of system tag number i (bit 1 << i), NULL past the last. */
const char *k6c__system_tag_name(unsigned i);

typedef struct k6c__metrics_config {
	/* Called on the aggregation thread for every batch, after aggregation,
	 * with samples in the order they were added per producer. May be NULL.
	 * (The output layer hooks in here.) */
	void (*on_samples)(const k6c__sample_view *samples, size_t n, void *arg);
	void *on_samples_arg;
	unsigned flush_interval_ms;   /* 0 means 50 */
	/* Called on the aggregation thread after every aggregation round (each
	 * flush interval, the last one included), with no lock held, so it may
	 * read aggregates with k6c__metrics_stat. May be NULL. (Thresholds hook
	 * in here; their final evaluation happens after k6c__metrics_stop.) */
	void (*on_tick)(k6c__metrics *m, void *arg);
	void *on_tick_arg;
	/* Warnings of the aggregation (a metric with too many tag sets), on
	 * the thread that folds, with no lock held. May be NULL. */
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
} k6c__metrics_config;

int k6c__metrics_new(k6c__metrics **out, const k6c__metrics_config *cfg);
void k6c__metrics_free(k6c__metrics *m);   /* stops the thread if running */

/* The systemTags option as a mask of enum k6c__system_tag bits (default
 * K6C__SYSTEM_TAGS_DEFAULT). Call before anything is folded: before start,
 * and before any batch is handed off. The aggregator applies it once per
 * distinct tag set: the tags of a disabled system tag among the default
 * ones (proto ... expected_response) are left out of the tag set that
 * submetrics match and on_samples sees, while the summary's group tree and
 * checks still come from the `group` and `check` tags. The opt-in tags
 * (vu, iter, ip, ocsp_status) are not filtered here: producers emit them
 * only when enabled (k6c__metrics_system_tags tells them). */
void k6c__metrics_set_system_tags(k6c__metrics *m, uint32_t mask);
uint32_t k6c__metrics_system_tags(const k6c__metrics *m);
/* True when the registry has an on_samples consumer, the only reader of
 * metadata: producers read this once and add metadata only then, so that
 * a run without outputs pays nothing for it. */
bool k6c__metrics_wants_metadata(const k6c__metrics *m);

/* Registers a custom metric (before start, or from any thread under the
 * registry lock). Same name and type returns the existing id; a clash of type
 * or contains is K6C_EINVAL with k6's message. */
int k6c__metrics_register(k6c__metrics *m, const char *name, k6c__metric_type type,
	k6c__metric_contains contains, int *out_id);
/* -1 if no metric has that name. Submetrics are found by their canonical
 * name, "parent{" + trimmed criteria + "}". */
int k6c__metrics_find(const k6c__metrics *m, const char *name);

/* Adds a submetric from k6's syntax "metric{tag:value,...}" (keys and values
 * trimmed, optionally quoted with ' or "). The submetric gets an id of its own
 * (same id space, never a sample target) whose aggregates fold every sample of
 * the parent whose tags include all the criteria. The same parent and
 * criteria return the existing id. `http_req_duration{expected_response:true}`
 * exists from the start. Thread: any (registry lock). Return 0,
 * K6C_EINVAL (malformed, or the parent is itself a submetric; k6's message) or
 * K6C_ENOTFOUND (no such parent metric). */
int k6c__metrics_add_submetric(k6c__metrics *m, const char *spec, int *out_id);

/* A metric's definition. The name is owned by the registry and lives as long
 * as it; parent is -1 for a metric and the parent's id for a submetric. */
typedef struct k6c__metric_info {
	const char *name;
	k6c__metric_type type;
	k6c__metric_contains contains;
	int parent;
} k6c__metric_info;

/* Counts the distinct tag sets each metric's samples bring and warns once
 * (through cfg.log, K6C_LOG_WARN) when a metric passes limit of them: every
 * tag set is interned and kept for the rest of the test, so tags with
 * unbounded values (unique URLs, ids) grow memory with the run. 0 turns
 * the counting off (the default). Call before k6c__metrics_start. */
void k6c__metrics_set_tag_sets_warn(k6c__metrics *m, uint64_t limit);
/* Distinct tag sets counted so far for a metric (0 for a submetric, an
 * unknown id, or when counting is off). Thread: any (registry lock). */
uint64_t k6c__metrics_tag_sets(k6c__metrics *m, int id);
/* Distinct tag sets as the producers sent them, which is what the interning
 * keeps in memory (a system tag that systemTags disables still costs here
 * if a producer sends it). Thread: any (registry lock). */
size_t k6c__metrics_raw_tag_sets(k6c__metrics *m);

/* Keeps, besides the totals, aggregates per group and per scenario for the
 * full summary (k6's --summary-mode=full): samples of each group (of the
 * default scenario, or without one) and of each other scenario, and of
 * each group inside it, fold into that node's own copy of the metric (no
 * submetrics) and checks; a sample counts in its own group only, not in the
 * groups around it. Off by default, so the other modes pay nothing. Call
 * before k6c__metrics_start. */
void k6c__metrics_set_breakdown(k6c__metrics *m, bool on);

/* Number of ids (metrics and submetrics); ids are 0..count-1. */
int k6c__metrics_count(const k6c__metrics *m);
/* Return 0 or K6C_ENOTFOUND. */
int k6c__metrics_info(const k6c__metrics *m, int id, k6c__metric_info *out);
/* k6's names: "counter", "gauge", "rate", "trend"; "default", "time", "data". */
const char *k6c__metric_type_name(k6c__metric_type type);
const char *k6c__metric_contains_name(k6c__metric_contains contains);

/* Samples aggregated so far into a metric or submetric (0 if unknown). */
uint64_t k6c__metrics_sample_count(k6c__metrics *m, int id);
/* An aggregate as thresholds and the summary see it. stat is one of: counter
 * "count", "rate"; gauge "value", "min", "max"; rate "rate", "passes",
 * "fails"; trend "avg", "min", "max", "med", "count", "p(N)". duration_ms is
 * the elapsed test time for counter rates. Empty metrics give 0, as in k6.
 * Thread: any (takes the registry lock; the value is a snapshot).
 * Return 0, K6C_ENOTFOUND (id) or K6C_EINVAL (stat not valid for the type). */
int k6c__metrics_stat(k6c__metrics *m, int id, const char *stat, double duration_ms,
	double *out);

/* Starts/stops the aggregation thread. stop() drains every handed-off batch
 * first, so nothing measured is lost.
 *
 * The contract around stop: producers flush (or free) their buffers before
 * stop() is called, and stop() folds everything handed off until it returns.
 * A batch handed off after that (a buffer flushed or freed late) is folded
 * synchronously by the thread that hands it off, under the hand-off lock, and
 * on_samples is then called on that thread; so late samples still reach the
 * summary, but never concurrently with another fold. Batches handed off
 * before start() wait for it (or for stop(), which also works without a
 * start). start() after stop() is K6C_ESTATE. */
int k6c__metrics_start(k6c__metrics *m);
void k6c__metrics_stop(k6c__metrics *m);

/* Producer buffers: owned by one thread at a time; no locks on add. Adding
 * to (or ticking, flushing) one buffer from two threads at once is a bug:
 * nothing detects it and the batch is corrupted. A buffer may move to another
 * thread only with a happens-before edge (a lock or a join) in between. Free
 * every buffer before k6c__metrics_free. */
int k6c__samples_new(k6c__metrics *m, k6c__samples **out);
void k6c__samples_free(k6c__samples *s);     /* flushes first */
/* Adds n samples that share one time stamp and tag set (k6's
 * ConnectedSamples): metric ids and values are parallel arrays. Tags need not
 * be sorted; they are copied. Never fails: on out-of-memory the samples are
 * counted as dropped (k6c__metrics_dropped). */
void k6c__samples_add(k6c__samples *s, int64_t time_us, const k6c__tag *tags, size_t ntags,
	const int *metrics, const double *values, size_t n);
/* The same with k6's metadata (copied; may be NULL/0): it reaches
 * on_samples as the views' metadata, in this order, and nothing else (no
 * interning, no aggregation). */
void k6c__samples_add_md(k6c__samples *s, int64_t time_us, const k6c__tag *tags, size_t ntags,
	const k6c__tag *metadata, size_t nmetadata, const int *metrics, const double *values,
	size_t n);
/* Hands the batch over if it is older than the flush interval (cheap check). */
void k6c__samples_tick(k6c__samples *s, uint64_t now_ns);
/* Hands the batch over now. */
void k6c__samples_flush(k6c__samples *s);
uint64_t k6c__metrics_dropped(const k6c__metrics *m);

/* ---- Summary (call after k6c__metrics_stop) ---- */

/* k6's --summary-mode. */
typedef enum k6c__summary_mode {
	K6C__SUMMARY_COMPACT,       /* the default (k6 v1.x) */
	K6C__SUMMARY_FULL,          /* compact plus every group and scenario */
	K6C__SUMMARY_LEGACY,        /* k6's pre-1.0 text */
	K6C__SUMMARY_DISABLED       /* none, as --no-summary */
} k6c__summary_mode;

/* "compact", "full", "legacy" or "disabled" (exactly, as k6). Return 0 or
 * K6C_EINVAL. */
int k6c__summary_mode_parse(const char *name, k6c__summary_mode *out);

/* One threshold's outcome, for the summary (the thresholds layer fills
 * these in; the summary only prints them). */
typedef struct k6c__summary_threshold {
	const char *metric;   /* metric or submetric name as registered */
	const char *source;   /* the expression text, e.g. "p(95)<500" */
	bool ok;
} k6c__summary_threshold;

typedef struct k6c__summary_opts {
	const char *const *trend_stats;  /* e.g. {"avg","min","med","max","p(90)","p(95)"} */
	size_t ntrend_stats;             /* 0: k6's default list */
	const char *time_unit;           /* NULL/"": automatic; "s", "ms" or "us" */
	double test_duration_ms;         /* for counter rates and state.testRunDurationMs */
	bool no_color;
	/* Thresholds: the text gets a THRESHOLDS block and the JSON a
	 * "thresholds" object per metric; metrics named here appear even
	 * without samples, as in k6. May be NULL/0. */
	const k6c__summary_threshold *thresholds;
	size_t nthresholds;
	/* The JSON of setup()'s return value for the data's "setup_data", or
	 * NULL (the key is then left out, as k6 does). */
	const char *setup_data_json;
	bool stdout_tty, stderr_tty;     /* the data's "state" */
	/* The text k6c__metrics_summary_text writes (full needs the
	 * breakdown, k6c__metrics_set_breakdown; disabled writes nothing). */
	k6c__summary_mode mode;
} k6c__summary_opts;

/* Validates a trend stat name (avg, min, med, max, count, p(N) with 0<=N<=100).
 * Return 0 or K6C_EINVAL with a message naming the stat. */
int k6c__summary_check_stat(const char *stat);

/* k6's end-of-test summary text in opts->mode: compact (§5.3), the
 * THRESHOLDS block when opts has thresholds, then TOTAL RESULTS; full, the
 * same plus a GROUP and a SCENARIO block for each from the breakdown;
 * legacy (§5.4). Appends to out; colours (ANSI) unless opts->no_color. */
int k6c__metrics_summary_text(k6c__metrics *m, const k6c__summary_opts *opts, k6c__buf *out);
/* The handleSummary(data) JSON document (§5.5), compact, metrics sorted by
 * name. A trend's values hold the summaryTrendStats plus any other stat its
 * thresholds aggregate with (p(99) for "p(99)<300"), so the THRESHOLDS block
 * can show it. opts->setup_data_json is copied as is. */
int k6c__metrics_summary_json(k6c__metrics *m, const k6c__summary_opts *opts, k6c__buf *out);

/* The compact summary text rendered from a handleSummary data document (the
 * JSON k6c__metrics_summary_json writes, possibly changed by a script): what
 * jslib's textSummary(data, {indent, enableColors}) returns. For the same
 * run, k6c__metrics_summary_text gives exactly this text of its own JSON
 * with indent " " and colours as opts->no_color says. indent NULL: " ";
 * otherwise it takes the place of the first column of every line with text.
 * The document needs "metrics" (each with type, values holding what its line
 * shows, optional contains and thresholds); "options" (summaryTrendStats,
 * summaryTimeUnit), "state" (testRunDurationMs, for checks_total's rate) and
 * "root_group" (checks merged by name across groups, root first, then
 * groups depth first) are optional. Submetrics and the order come from the
 * names. Appends to out only on success. Return 0, K6C_EINVAL (data is not
 * such a document; the message, "summary data: ...", says what is wrong) or
 * K6C_ENOMEM. */
int k6c__summary_text_from_data(const char *data_json, size_t len, const char *indent,
	bool colors, k6c__buf *out);
/* The per-group and per-scenario aggregates the full summary shows (empty
 * objects without k6c__metrics_set_breakdown), as JSON: {"groups": {name:
 * node}, "scenarios": {name: node}} with node {"checks": [{"name",
 * "passes", "fails"}], "metrics": {name: {"type", "contains", "values"}},
 * "groups": {name: node}}; values as in the data document. Not part of
 * handleSummary's data, which keeps k6's legacy shape in every mode. */
int k6c__metrics_summary_breakdown_json(k6c__metrics *m, const k6c__summary_opts *opts,
	k6c__buf *out);
/* k6c__summary_text_from_data in a mode: compact as it; legacy, k6's
 * pre-1.0 text of the same document; full, compact followed by the blocks
 * of breakdown_json (what k6c__metrics_summary_breakdown_json writes;
 * NULL or "" shows none); disabled appends nothing. */
int k6c__summary_text_mode(const char *data_json, size_t len, const char *breakdown_json,
	k6c__summary_mode mode, const char *indent, bool colors, k6c__buf *out);
/* The --summary-export document (k6-compat.md section 5.6: groups and
 * checks keyed by name, values flattened, threshold booleans meaning
 * "failed", a rate's "rate" as "value", "options" and "state" left out,
 * other keys such as setup_data kept) from a handleSummary data document,
 * laid out as JSON.stringify(doc, null, 4), without a final newline. Needs
 * "root_group" and "metrics" objects. Appends to out only on success.
 * Return 0, K6C_EINVAL (the message says what is wrong) or K6C_ENOMEM. */
int k6c__summary_export_from_data(const char *data_json, size_t len, k6c__buf *out);

#endif /* K6C_METRICS_H */
