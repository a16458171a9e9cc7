/*
 * sinks.h - the api layer's side of sinks (internal to lib/api): what a
 * test keeps of its sinks and selected outputs, and what one run builds
 * from them (named outputs resolved, the output of lib/output, the table of
 * public metric infos the samples point at), plus the two accessors of
 * k6c_test that sink.c needs from test.c.
 */
#ifndef K6C_API_SINKS_H
#define K6C_API_SINKS_H

#include "k6c/sink.h"
#include "metrics/metrics.h"
#include "output/output.h"

/* One of a test's outputs, in the order they were added: a host's sink
 * (owned by the test) or a `-o` selection. */
typedef struct k6c__test_out {
	k6c_sink *sink;
	char *spec;
} k6c__test_out;

/* A member of struct k6c_test; zeroed is empty. */
typedef struct k6c__test_sinks {
	k6c__test_out *v;
	size_t n, cap;
	size_t nhost;                /* sinks added so far, for their names */
	k6c__output_list outputs;    /* k6c_test_register_output */
} k6c__test_sinks;

/* Frees the host sinks (their free callbacks run here) and the rest. */
void k6c__test_sinks_free(k6c__test_sinks *ts);
/* True when the test has a sink or an output selected: the metrics thread
 * then hands every sample over (and producers record metadata). */
bool k6c__test_sinks_wanted(const k6c__test_sinks *ts);

/* What one run builds; a member of the run's context, zeroed to start. */
typedef struct k6c__run_sinks {
	k6c__metrics *metrics;
	k6c__output *out;
	k6c_sink **all;              /* this run's sinks, in order */
	bool *owned;                 /* created by a factory for this run */
	size_t nall;
	/* Public metric infos by id: chunk 0 is the start info's array, the
	 * metrics known then; later ones come in fixed chunks so that a
	 * pointer given to a sink never moves. Used by the metrics thread
	 * (and the thread starting the run, before it). */
	k6c_metric_info *start_metrics;
	size_t nstart;
	k6c_metric_info **chunks;
	size_t nchunks;
	k6c_sample *conv;            /* on_samples' batch, reused */
	size_t capconv;
	k6c_sink_start_info info;
} k6c__run_sinks;

typedef struct k6c__run_sinks_config {
	const k6c_test *test;
	k6c__test_sinks *sinks;
	const char *script_path;
	k6c__metrics *metrics;
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
	void (*on_abort)(void *arg);  /* a sink asked to abort the test */
	void *on_abort_arg;
} k6c__run_sinks_config;

/* Resolves the selected outputs (calling their factories) and prepares the
 * run's output; header receives the run header's "output: ..." line ("-"
 * when there is no sink). Return 0; K6C_ECONFIG (an unknown output, or a
 * factory failed: the run's exit code is 104; message set); K6C_ENOMEM. */
int k6c__run_sinks_open(k6c__run_sinks *r, const k6c__run_sinks_config *cfg, k6c__buf *header);
/* Starts the sinks (the output thread calls their start()). Return 0;
 * K6C_EIO (a start() failed: the run stops with exit code 255, message
 * set); K6C_ENOMEM or K6C_EINTERNAL. Nothing to do without sinks. */
int k6c__run_sinks_start(k6c__run_sinks *r, const char *script_path, const char *options_json);
/* k6c__metrics_config.on_samples; arg is the k6c__run_sinks. */
void k6c__run_sinks_on_samples(const k6c__sample_view *views, size_t n, void *arg);
/* The final batch and the sinks' stop(), once. */
void k6c__run_sinks_stop(k6c__run_sinks *r, int exit_code, const char *summary_json);
/* True when a sink asked to abort; the log line saying so is in *why. */
bool k6c__run_sinks_aborted(k6c__run_sinks *r, k6c__buf *why);
/* Stops (if not yet) and frees what the run built: the sinks factories
 * made for it are freed, the host's stay with the test. Call after the
 * metrics thread has stopped and before the registry is freed. */
void k6c__run_sinks_close(k6c__run_sinks *r, int exit_code);

/* From test.c. The test's sinks for a setter named fn: K6C_EINVAL (NULL
 * test) or K6C_ESTATE (running), message set. */
int k6c__test_sinks_for(k6c_test *t, const char *fn, k6c__test_sinks **out);
/* A variable of the system environment given with
 * k6c_test_set_system_env(), or NULL. */
const char *k6c__test_sysenv(const k6c_test *t, const char *key);
/* The test's system environment variable number i (its name, the value in
 * *value), or NULL past the last. */
const char *k6c__test_sysenv_at(const k6c_test *t, size_t i, const char **value);

#endif /* K6C_API_SINKS_H */
