/*
 * api_run.h - the helpers the API-tier tests of sinks and outputs share
 * (test/api/test_api_sink.c and test_api_out_*.c): a k6c_test of a script
 * held in memory with its log captured and BASE_URL pointing at the
 * httpbin of sr_main, a run that prints the log when it ends otherwise
 * than expected, the summary's numbers, and a host sink that counts the
 * samples it receives. Built with script_run.c (api_run_dep).
 */
#ifndef K6C_TEST_API_RUN_H
#define K6C_TEST_API_RUN_H

#include <check.h>

#include <k6c.h>

#include "script_run.h"
#include "tcapture.h"
#include "tjson.h"

/* A new test of the script src (length strlen(src)) named path, with the
 * options JSON options, its log captured into cap (initialized here) and
 * the __ENV pair BASE_URL=sr_base_url(). Fails the test on any error. */
k6c_test *ar_make_test(tcap *cap, const char *path, const char *src, const char *options);

/* Runs t and fails the test unless k6c_test_run returned 0 and the exit
 * code is want_exit; before failing, prints both and the captured log
 * (cap) to stderr. */
void ar_run(k6c_test *t, tcap *cap, int want_exit);

/* The summary JSON of t, parsed (free it with tj_free). Fails the test
 * when there is none or it is not JSON. */
tj *ar_summary(const k6c_test *t);

/* metrics.<name>.values.<field> of a summary, NAN if absent. */
double ar_metric(const tj *doc, const char *name, const char *field);

/* The same read from t's summary (ar_summary), freed before returning. */
double ar_summary_value(const k6c_test *t, const char *name, const char *field);

/* An output configuration that must be refused: the output spec (for
 * k6c_test_add_output), with env=value in the process environment while
 * k6c_test_set_system_env reads it when env is not NULL, and a piece of
 * the expected error message. */
typedef struct ar_bad_output {
	const char *env, *value, *spec, *msg;
} ar_bad_output;

/* For each of cases[0..n): a test of the script src named path (1 VU, 1
 * iteration) with that configuration; fails unless the run ends with
 * exit code 104 (invalid configuration) and an ERROR line holds both
 * "could not create the '<output>' output" and the case's msg. */
void ar_assert_bad_outputs(const char *path, const char *src, const char *output,
	const ar_bad_output *cases, size_t n);

/* A host sink (for k6c_test_add_sink) with only add_samples, which adds
 * the batch's length to the long its payload points to: how many samples
 * a run gave its sinks. */
extern const k6c_sink_vtable ar_count_vt;

#endif
