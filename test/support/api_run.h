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

/* A host sink (for k6c_test_add_sink) with only add_samples, which adds
 * the batch's length to the long its payload points to: how many samples
 * a run gave its sinks. */
extern const k6c_sink_vtable ar_count_vt;

#endif
