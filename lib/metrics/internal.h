/*
 * internal.h - the metrics layer's private state, shared by metrics.c (the
 * registry, buffers and aggregation) and summary.c (text and JSON).
 * Nothing outside lib/metrics includes this.
 */
#ifndef K6C_METRICS_INTERNAL_H
#define K6C_METRICS_INTERNAL_H

#include <pthread.h>

#include "histogram.h"
#include "metrics.h"

/* One registered metric or submetric, with its aggregate. The definition is
 * immutable once registered; the aggregate belongs to whoever holds
 * k6c__metrics.lock (the aggregation thread while folding). */
typedef struct k6c__metric {
	char *name;
	k6c__metric_type type;
	k6c__metric_contains contains;
	int id;
	int parent;                 /* -1, or the parent's id for a submetric */
	char *suffix;               /* submetric: the criteria text between braces */
	k6c__tag *filter;           /* submetric: criteria sorted by key (owned) */
	size_t nfilter;
	int *subs;                  /* metric: ids of its submetrics */
	size_t nsubs, capsubs;

	uint64_t n;                 /* samples folded */
	double sum;                 /* counter */
	double last, min, max;      /* gauge */
	uint64_t nonzero;           /* rate */
	k6c__hist hist;             /* trend */

	uint64_t ntagsets;          /* distinct tag sets seen (when counted) */
	bool tagsets_warned;
} k6c__metric;

/* A check as counted for the summary. */
typedef struct k6c__check {
	char *name;
	char *path;                 /* group path + "::" + name */
	uint64_t passes, fails;
} k6c__check;

/* A node of the group tree built from the samples' `group` tags. */
typedef struct k6c__group {
	char *name;
	char *path;                 /* "" for the root, "::a::b" below it */
	struct k6c__group **groups; /* children in order of first sight */
	size_t ngroups, capgroups;
	k6c__check **checks;        /* checks in order of first sight */
	size_t nchecks, capchecks;
} k6c__group;

/* A node of the full summary's breakdown: a group (inside the root or a
 * scenario), a scenario, or one of the two roots. Owned by its parent. */
typedef struct k6c__scope {
	char *name;
	k6c__metric **aggs;         /* by metric id, NULL until a sample (owned;
	                             * names borrowed from the registry) */
	size_t naggs;
	k6c__check **checks;        /* by name, in order of first sight (owned) */
	size_t nchecks, capchecks;
	struct k6c__scope **kids;   /* in order of first sight */
	size_t nkids, capkids;
} k6c__scope;

/* An interned tag set: sorted tags plus what the aggregator derives from
 * them once, so per-record work is a hash lookup. Disabled system tags are
 * not part of it, except `group` and `check`, which stay in the bytes (so
 * tag sets of different groups or checks stay apart) but not in tags. */
typedef struct k6c__tagset {
	uint64_t hash;
	char *bytes;                /* canonical "k\0v\0..." sorted by key */
	size_t nbytes;
	k6c__tag *tags;             /* the visible tags; point into bytes */
	size_t ntags;
	k6c__group *group;          /* from the `group` tag; NULL without one */
	const char *check;          /* value of the `check` tag, or NULL */
	k6c__check *check_in_group; /* resolved on the first `checks` sample */
	k6c__check *check_total;    /* same, keyed by name only (TOTAL RESULTS) */
	/* Bit id set: a sample of metric id came with this tag set (kept
	 * only while tag sets are counted, k6c__metrics_set_tag_sets_warn). */
	uint64_t *seen;
	size_t nseen;               /* words */
	/* The breakdown nodes its samples fold into: its scenario (other
	 * than "default") and its group there; resolved on the first sample
	 * while the breakdown is on, with the check of each. */
	bool scopes_resolved;
	k6c__scope *scopes[2];
	k6c__check *scope_checks[2];
} k6c__tagset;

/* An open-addressing table from tag bytes to tag sets. */
typedef struct k6c__itab_slot {
	uint64_t hash;
	const char *key;
	size_t keylen;
	bool owned;                 /* key is a private copy */
	k6c__tagset *ts;
} k6c__itab_slot;

typedef struct k6c__itab {
	k6c__itab_slot *slots;
	size_t cap, n;
} k6c__itab;

/* A batch of records: contiguous, grown by doubling, reused. */
typedef struct k6c__batch {
	struct k6c__batch *next;
	char *data;
	size_t len, cap;
	size_t nsamples;
	size_t nmetadata;           /* metadata entries over all records */
	uint64_t started_ns;        /* monotonic time of the first record */
} k6c__batch;

struct k6c__samples {
	k6c__metrics *m;
	k6c__batch *cur;
};

enum k6c__metrics_state { K6C__MS_NEW, K6C__MS_RUNNING, K6C__MS_STOPPED };

struct k6c__metrics {
	k6c__metrics_config cfg;
	uint64_t flush_ns;
	uint32_t system_tags;       /* the systemTags mask */
	uint32_t hidden_tags;       /* default system tags it disables */

	/* Registry, aggregates, tag sets, groups and checks. */
	pthread_mutex_t lock;
	k6c__metric **metrics;
	size_t nmetrics, capmetrics;
	k6c__map *by_name;          /* name -> k6c__metric* */
	k6c__itab raw;              /* bytes as produced -> tag set */
	k6c__itab canon;            /* canonical bytes -> tag set */
	k6c__group *root;
	k6c__map *groups_by_path;   /* path -> k6c__group* */
	k6c__map *checks_by_path;   /* check path -> k6c__check* */
	k6c__map *checks_by_name;   /* name -> k6c__check* (TOTAL RESULTS) */
	k6c__check **total_checks;  /* TOTAL RESULTS order */
	size_t ntotal_checks, captotal_checks;

	/* Hand-off queue, free batches and the thread. Lock order: qlock,
	 * then lock; never the other way. */
	pthread_mutex_t qlock;
	pthread_cond_t cond;
	k6c__batch *pending, *pending_tail;
	k6c__batch *free_batches;
	enum k6c__metrics_state state;
	bool stopping;
	pthread_t thread;

	/* Views for on_samples; used by one folder at a time (the thread, or
	 * the stopped-state synchronous path under qlock). */
	k6c__sample_view *views;
	size_t capviews;
	k6c__tag *md;               /* the views' metadata, pointing into the batch */
	size_t capmd;

	uint64_t dropped;           /* atomic */

	/* Warn once a metric passes this many tag sets (0: never); set
	 * before start, read by the folder. */
	uint64_t tag_sets_warn;

	/* The full summary's breakdown (k6c__metrics_set_breakdown): groups
	 * of the default scenario under bd_groups, other scenarios under
	 * bd_scenarios. NULL when off. */
	k6c__scope *bd_groups, *bd_scenarios;
};

/* The trend stats k6 prints by default. */
extern const char *const k6c__default_trend_stats[];
extern const size_t k6c__default_ntrend_stats;

/* The value of a trend stat (validated by k6c__summary_check_stat). */
double k6c__metric_trend_stat(const k6c__metric *mt, const char *stat);

#endif /* K6C_METRICS_INTERNAL_H */
