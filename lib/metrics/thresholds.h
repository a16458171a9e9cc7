/*
 * thresholds.h - k6 thresholds: the `thresholds` option parsed with k6's
 * grammar, validated against the metric registry (submetrics registered so
 * they are aggregated and summarised), evaluated every 2 s on the aggregation
 * thread and once at the end, with abortOnFail/delayAbortEval. The results
 * feed k6c__summary_opts.thresholds.
 *
 * Life cycle: parse (the option's JSON) -> bind (after the script's init
 * registered its custom metrics) -> start (just before k6c__metrics_start)
 * -> k6c__thresholds_tick as the registry's on_tick during the run ->
 * k6c__metrics_stop -> k6c__thresholds_evaluate(..., final=true) -> results.
 *
 * Threads: everything but the tick runs on the caller's thread. The tick (and
 * the abort callback it may call) runs on the aggregation thread; between
 * k6c__metrics_start and k6c__metrics_stop nothing else may touch the object.
 */
#ifndef K6C_METRICS_THRESHOLDS_H
#define K6C_METRICS_THRESHOLDS_H

#include "metrics/metrics.h"

/* The aggregation a threshold reads (k6's left-hand side). */
typedef enum k6c__threshold_agg {
	K6C__AGG_COUNT,
	K6C__AGG_RATE,
	K6C__AGG_VALUE,
	K6C__AGG_AVG,
	K6C__AGG_MIN,
	K6C__AGG_MAX,
	K6C__AGG_MED,
	K6C__AGG_PERCENTILE
} k6c__threshold_agg;

/* The comparison; k6 treats "==" and "===" alike. */
typedef enum k6c__threshold_op {
	K6C__OP_LE, /* <= */
	K6C__OP_LT, /* <  */
	K6C__OP_GE, /* >= */
	K6C__OP_GT, /* >  */
	K6C__OP_EQ, /* == or === */
	K6C__OP_NE  /* != */
} k6c__threshold_op;

/* A parsed expression such as "p(99.9) < 300". */
typedef struct k6c__threshold_expr {
	k6c__threshold_agg agg;
	double percentile; /* K6C__AGG_PERCENTILE: 0..100 */
	k6c__threshold_op op;
	double value; /* the right-hand side */
} k6c__threshold_expr;

/* Parses one expression with k6's grammar: agg ws* op ws* float, the
 * operator found by trying <=, <, >=, >, ===, ==, != in that order and cutting
 * at the first match; both sides trimmed; numbers read as Go's ParseFloat
 * reads them. Return 0 or K6C_EINVAL with a message quoting the expression. */
int k6c__threshold_expr_parse(const char *source, k6c__threshold_expr *out);
/* Whether the aggregated value satisfies the expression. */
bool k6c__threshold_expr_holds(const k6c__threshold_expr *e, double lhs);
/* Whether k6 allows this aggregation on a metric of that type: counter
 * count/rate, gauge value, rate rate, trend avg/min/max/med/p(N). */
bool k6c__threshold_agg_allowed(k6c__metric_type type, k6c__threshold_agg agg);

typedef struct k6c__thresholds k6c__thresholds;

/* Parses the value of the `thresholds` option: a JSON object whose keys are
 * "metric" or "metric{tag:value,...}" and whose values are arrays of
 * expression strings or {threshold, abortOnFail, delayAbortEval} objects.
 * delayAbortEval is a k6 duration (a string, or a number of milliseconds).
 * Return 0, K6C_ECONFIG (the message names the metric and the threshold;
 * k6's exit code 104) or K6C_ENOMEM. */
int k6c__thresholds_parse(k6c__thresholds **out, const char *json, size_t len);
void k6c__thresholds_free(k6c__thresholds *th);

/* Number of threshold expressions (over all metrics). */
size_t k6c__thresholds_count(const k6c__thresholds *th);

/* Validates against the registry as k6 does when the test starts: each
 * parent metric must exist (custom metrics are registered by the script's
 * init), submetrics are added with k6c__metrics_add_submetric (so they are
 * aggregated and shown in the summary), and each aggregation must suit the
 * metric's type. Stops at the first problem. Return 0, K6C_ECONFIG (the
 * message names the threshold) or K6C_ENOMEM. */
int k6c__thresholds_bind(k6c__thresholds *th, k6c__metrics *m);

/* Called on the aggregation thread, at most once per test, when a
 * threshold with abortOnFail fails during the run (once the test time
 * exceeds its delayAbortEval). It should stop the run (e.g. abort the
 * scheduler) and return quickly. */
typedef void (*k6c__thresholds_abort_fn)(void *arg);
void k6c__thresholds_set_abort(k6c__thresholds *th, k6c__thresholds_abort_fn fn, void *arg);

/* Starts the test clock that the periodic evaluation uses (for counter rates
 * and delayAbortEval). Call before k6c__metrics_start. */
void k6c__thresholds_start(k6c__thresholds *th);

/* For k6c__metrics_config.on_tick, with arg the bound thresholds: evaluates
 * every 2 s of test time (k6's period). */
void k6c__thresholds_tick(k6c__metrics *m, void *arg);

/* One evaluation at elapsed_ms of test time. A periodic one (final false)
 * skips metrics without samples and may trigger the abort callback; the
 * final one (after k6c__metrics_stop) includes them, so empty sinks give 0,
 * except an empty rate, whose missing aggregate passes, as in k6.
 * Return 0, or K6C_ESTATE if the thresholds are not bound. */
int k6c__thresholds_evaluate(k6c__thresholds *th, k6c__metrics *m, double elapsed_ms, bool final);

/* The outcome of the last evaluation, one entry per expression in option
 * order, for k6c__summary_opts.thresholds (metric is the registered name once
 * bound). Owned by th. Before any evaluation every entry is ok. */
const k6c__summary_threshold *k6c__thresholds_results(const k6c__thresholds *th, size_t *n);
/* Whether any threshold failed in the last evaluation. */
bool k6c__thresholds_failed(const k6c__thresholds *th);
/* Appends the names of the metrics with a failed threshold, sorted and
 * joined with ", " (k6's "thresholds on metrics '...' have been crossed"). */
int k6c__thresholds_crossed(const k6c__thresholds *th, k6c__buf *out);
/* Whether an abortOnFail threshold stopped the test; if so, the metrics
 * that had failed then, as k6c__thresholds_crossed formats them (NULL if not
 * aborted). */
bool k6c__thresholds_aborted(const k6c__thresholds *th, const char **metrics);

#endif /* K6C_METRICS_THRESHOLDS_H */
