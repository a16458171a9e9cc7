/*
 * script_run.h - the harness shared by the script-tier test executables of
 * test/script: run one script of test/script/<dir>/ through the public API
 * against a local httpbin, print its log and summary to help find the cause
 * of a failure, and parse the summary JSON; plus the httpbin fixture and the
 * Check runner around a suite.
 */
#ifndef K6C_TEST_SCRIPT_RUN_H
#define K6C_TEST_SCRIPT_RUN_H

#include <check.h>

#include <k6c.h>

#include "tcapture.h"
#include "tjson.h"

typedef struct sr_run {
	const char *file;
	k6c_test *t;
	tcap cap;
	tj *doc;
	int exit_code;
} sr_run;

/* Runs test/script/<dir>/<file>, 1 VU and 1 iteration, with BASE_URL (the
 * httpbin of sr_main) and the extra __ENV pair key=value (key may be NULL);
 * options (API tier) if not NULL; the process environment as K6_* options if
 * sysenv. Fails the test unless the run returned 0 with a JSON summary. */
void sr_run_script(sr_run *r, const char *dir, const char *file, const char *key,
	const char *value, const char *options, int sysenv);
void sr_run_free(sr_run *r);

/* The base URL of sr_main's httpbin, "http://127.0.0.1:<port>". */
const char *sr_base_url(void);

/* metrics.<name>.values.<field> of the summary, NAN if absent. */
double sr_metric(const sr_run *r, const char *name, const char *field);

/* Exit code 0, every check passed, and there were at least min_checks. */
void sr_assert_all_pass(const sr_run *r, double min_checks);

/* A named test for sr_suite. */
typedef struct sr_case {
	const char *name;
	const TTest *test;
} sr_case;

/* A suite with one TCase per case, named after it (so CK_RUN_CASE=<name>
 * runs just one), each with a 120 s timeout: lowering a script with Babel
 * on a cold cache takes seconds. */
Suite *sr_suite(const char *name, const sr_case *cases, size_t n);

/* Starts httpbin, runs every test of s verbosely, stops httpbin; returns
 * the process exit status. prog names the executable in messages. */
int sr_main(const char *prog, Suite *s);

#endif
