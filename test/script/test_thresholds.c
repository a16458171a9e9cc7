/*
 * test_thresholds.c - script tier for issue 5: k6/metrics (the four types,
 * add() with tags, k6's errors), tags from every source observed through
 * submetric thresholds, thresholds passing and failing with their exit codes
 * (99, 104, 0 with noThresholds), abortOnFail with delayAbortEval, and the
 * text summary, the summary export and handleSummary's data compared with
 * golden files. The scripts are the .js files of test/script/thresholds, run
 * through the public API against one local httpbin; each run prints its log
 * and summary to help find the cause of a failure.
 *
 * Golden files: a line of a .golden text file matches the summary's line
 * when they are equal after runs of spaces are collapsed to one (column
 * widths follow timing-dependent figures), where "{{*}}" in the golden line
 * matches any text (a timing-dependent figure) and "{{~N}}" a number within
 * 1% of N (a percentile the histogram estimates). In a golden JSON file every
 * key must be on both sides; a number must be equal, the string "<number>"
 * accepts any number (timing-dependent) and "~N" a number within 1% of N.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>

#include "script_run.h"
#include "server.h"
#include "tfile.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs test/script/thresholds/<file>; see sr_run_script(). */
static void run(sr_run *r, const char *file, const char *key, const char *value,
	const char *options, int sysenv)
{
	sr_run_script(r, "thresholds", file, key, value, options, sysenv);
}

/* The threshold's ok flag in the summary data: 1, 0, or -1 if absent. */
static int threshold_ok(const sr_run *r, const char *metric, const char *expr)
{
	const tj *ok = tj_getv(r->doc, "metrics", metric, "thresholds", expr, "ok", NULL);

	if (ok == NULL || ok->type != TJ_BOOL)
		return -1;
	return ok->num != 0;
}

static void assert_threshold(const sr_run *r, const char *metric, const char *expr, int want)
{
	int ok = threshold_ok(r, metric, expr);

	ck_assert_msg(ok == want, "%s: threshold '%s' on %s: ok is %d, expected %d", r->file, expr,
		metric, ok, want);
}

static void assert_log(sr_run *r, int level, const char *needle)
{
	ck_assert_msg(tcap_find(&r->cap, level, needle) != NULL, "%s: no log line with \"%s\"",
		r->file, needle);
}

static void assert_text(const sr_run *r, const char *needle)
{
	const char *text = k6c_test_summary_text(r->t);

	ck_assert_msg(text != NULL && strstr(text, needle) != NULL,
		"%s: the summary text lacks \"%s\"", r->file, needle);
}

/* ---- k6/metrics ------------------------------------------------------- */

START_TEST(test_thresholds_metrics__types_values_errors)
{
	static const char *const init_lines[] = {
		"INIT digit first: Invalid metric name: '1abc'. Metric names must only include up "
		"to 128 ASCII letters, numbers, or underscores and start with a letter or an "
		"underscore.",
		"INIT dash: Invalid metric name: 'a-b'.",
		"INIT empty: Invalid metric name: ''.",
		/* k6's regular expression wants two characters at least ... */
		"INIT one char: Invalid metric name: 'a'.",
		"INIT two chars: ok",
		/* ... and allows 129. */
		"INIT 129 chars: ok",
		"INIT 130 chars: Invalid metric name: 'cccc",
		"INIT type clash: metric 'my_counter' already exists but with type counter, instead "
		"of gauge",
		"INIT contains clash: metric 'my_time_trend' already exists but with a value type "
		"time, instead of default",
		"INIT contains clash 2: metric 'my_trend' already exists but with a value type "
		"default, instead of time",
		"INIT contains clash 3: metric 'my_time_rate' already exists but with a value type "
		"time, instead of default",
		"INIT add in init: Adding to metrics in the init context is not supported",
	};
	sr_run r;

	run(&r, "metrics_api.js", NULL, NULL, NULL, 0);
	ck_assert_int_eq(r.exit_code, 0);
	for (size_t i = 0; i < sizeof(init_lines) / sizeof(init_lines[0]); i++)
		assert_log(&r, K6C_LOG_INFO, init_lines[i]);
	assert_log(&r, K6C_LOG_INFO, "LATE: metrics must be declared in the init context");
	/* Bad values: a warning each, add() returns false, nothing is added. */
	assert_log(&r, K6C_LOG_WARN, "'NaN' is an invalid value for metric 'my_counter', a number "
		"or a boolean value is expected");
	assert_log(&r, K6C_LOG_WARN, "'null' is an invalid value for metric 'my_counter'");
	assert_log(&r, K6C_LOG_WARN, "'undefined' is an invalid value for metric 'my_counter'");
	assert_log(&r, K6C_LOG_WARN, "'abc' is an invalid value for metric 'my_counter'");
	assert_log(&r, K6C_LOG_WARN, "no value was provided for metric 'my_counter', a number or a "
		"boolean value is expected");
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_INFO, ": returned false"), 5);
	ck_assert_uint_eq(tcap_count(&r.cap, -1, ": threw"), 0);
	assert_log(&r, K6C_LOG_INFO, "NAME my_counter my_gauge my_rate my_time_trend");

	/* The values, exactly: 1 + 2 + 3.5 (the same metric declared twice)
	 * + true + false; the gauge's last, min and max; 3 of 5 non-zero. */
	ck_assert_double_eq(sr_metric(&r, "my_counter", "count"), 7.5);
	ck_assert_double_eq(sr_metric(&r, "my_gauge", "value"), 4);
	ck_assert_double_eq(sr_metric(&r, "my_gauge", "min"), -2.5);
	ck_assert_double_eq(sr_metric(&r, "my_gauge", "max"), 7);
	ck_assert_double_eq(sr_metric(&r, "my_rate", "rate"), 0.6);
	ck_assert_double_eq(sr_metric(&r, "my_rate", "passes"), 3);
	ck_assert_double_eq(sr_metric(&r, "my_rate", "fails"), 2);
	ck_assert_double_eq(sr_metric(&r, "my_time_trend", "avg"), 30);
	ck_assert_double_eq(sr_metric(&r, "my_time_trend", "min"), 10);
	ck_assert_double_eq(sr_metric(&r, "my_time_trend", "max"), 60);
	/* 10, 20, 60: the median 20 and p(90) 20 + 0.8 * 40, estimated. */
	ck_assert_double_eq_tol(sr_metric(&r, "my_time_trend", "med"), 20, 0.2);
	ck_assert_double_eq_tol(sr_metric(&r, "my_time_trend", "p(90)"), 52, 0.52);
	ck_assert_double_eq(sr_metric(&r, "my_trend", "avg"), 0);
	ck_assert_double_eq(sr_metric(&r, "my_trend", "min"), -3);
	ck_assert_double_eq(sr_metric(&r, "my_trend", "max"), 3);
	ck_assert_double_eq(sr_metric(&r, "my_trend_false", "max"), 2);
	static const struct {
		const char *name, *type, *contains;
	} kinds[] = {
		{ "my_counter", "counter", "default" },
		{ "my_gauge", "gauge", "default" },
		{ "my_rate", "rate", "default" },
		{ "my_time_trend", "trend", "time" },
		{ "my_trend", "trend", "default" },
		{ "my_trend_false", "trend", "default" },
		{ "my_time_rate", "rate", "time" },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *type = tj_str(tj_getv(r.doc, "metrics", kinds[i].name, "type", NULL));
		const char *contains =
			tj_str(tj_getv(r.doc, "metrics", kinds[i].name, "contains", NULL));
		ck_assert_msg(type && strcmp(type, kinds[i].type) == 0, "%s: type %s",
			kinds[i].name, type ? type : "(none)");
		ck_assert_msg(contains && strcmp(contains, kinds[i].contains) == 0,
			"%s: contains %s", kinds[i].name, contains ? contains : "(none)");
	}
	/* Declared but never added to: not in the summary. */
	ck_assert_ptr_null(tj_getv(r.doc, "metrics", "ab", NULL));
	sr_run_free(&r);
}
END_TEST

/* With the `throw` option the bad values throw instead of warning. */
START_TEST(test_thresholds_metrics__throw_option)
{
	sr_run r;

	run(&r, "metrics_api.js", "THROW", "1", NULL, 0);
	ck_assert_int_eq(r.exit_code, 0);
	assert_log(&r, K6C_LOG_INFO, "BAD NaN: threw 'NaN' is an invalid value for metric "
		"'my_counter'");
	assert_log(&r, K6C_LOG_INFO, "BAD null: threw 'null' is an invalid value");
	assert_log(&r, K6C_LOG_INFO, "BAD none: threw no value was provided for metric "
		"'my_counter'");
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_INFO, ": threw"), 5);
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_WARN, "invalid value"), 0);
	ck_assert_double_eq(sr_metric(&r, "my_counter", "count"), 7.5);
	sr_run_free(&r);
}
END_TEST

/* ---- tags and submetric thresholds ------------------------------------ */

START_TEST(test_thresholds_tags__every_source)
{
	static const struct {
		const char *metric, *expr;
		int ok;
	} want[] = {
		{ "my_counter", "count==10", 1 },
		{ "my_counter{run:r1}", "count==10", 1 },
		{ "my_counter{run:r1}", "count>9", 1 },
		{ "my_counter{run:r1}", "count<10", 0 },
		{ "my_counter{sctag:s1}", "count==10", 1 },
		{ "my_counter{scenario:sc}", "count==10", 1 },
		{ "my_counter{call:x}", "count==2", 1 },
		{ "my_counter{call:x}", "count==3", 0 },
		{ "my_counter{call:x,run:r1}", "count==2", 1 },
		{ "my_counter{group:::g1}", "count==2", 1 },
		{ "my_counter{group:::g1::g2}", "count==2", 1 },
		{ "my_counter{mid:m}", "count==2", 1 },
		{ "my_counter{call:none}", "count==0", 1 },
		{ "http_reqs{req:q}", "count==2", 1 },
		{ "http_reqs{req:q,run:r1,sctag:s1,group:::g1}", "count==2", 1 },
		{ "http_reqs{mid:m}", "count==2", 1 },
	};
	sr_run r;

	run(&r, "tags.js", NULL, NULL, "{}", 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_threshold(&r, want[i].metric, want[i].expr, want[i].ok);
	/* The submetrics' own values agree. */
	ck_assert_double_eq(sr_metric(&r, "my_counter{mid:m}", "count"), 2);
	ck_assert_double_eq(sr_metric(&r, "http_reqs", "count"), 4);
	ck_assert_int_eq(r.exit_code, 99);
	assert_log(&r, K6C_LOG_ERROR, "thresholds on metrics 'my_counter{call:x}, "
		"my_counter{run:r1}' have been crossed");
	assert_text(&r, "█ THRESHOLDS");
	assert_text(&r, "✓ 'count==2' count=2");
	assert_text(&r, "✗ 'count==3' count=2");
	assert_text(&r, "✗ 'count<10' count=10");
	assert_text(&r, "{ mid:m }");
	sr_run_free(&r);
}
END_TEST

/* noThresholds from the API's options and from K6_NO_THRESHOLDS: the
 * failing thresholds are not evaluated and the test passes. */
START_TEST(test_thresholds_no_thresholds__option_and_env)
{
	sr_run r;

	run(&r, "tags.js", NULL, NULL, "{\"noThresholds\":true}", 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_null(tcap_find(&r.cap, -1, "have been crossed"));
	ck_assert_double_eq(sr_metric(&r, "my_counter", "count"), 10);
	sr_run_free(&r);

	ck_assert_int_eq(setenv("K6_NO_THRESHOLDS", "true", 1), 0);
	run(&r, "tags.js", NULL, NULL, "{}", 1);
	unsetenv("K6_NO_THRESHOLDS");
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_null(tcap_find(&r.cap, -1, "have been crossed"));
	sr_run_free(&r);
}
END_TEST

/* A configuration that fails before the test starts: exit 104 and the
 * message quoting the threshold; no summary. */
static void run_104(const char *thresholds, const char *want1, const char *want2)
{
	char path[PATH_MAX], opts[512];
	k6c_test *t;
	tcap cap;

	tcap_init(&cap);
	snprintf(path, sizeof(path), "%s/script/thresholds/tags.js", ts_srcdir());
	snprintf(opts, sizeof(opts), "{\"thresholds\":%s}", thresholds);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, &cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_options(t, opts), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	fprintf(stderr, "---- tags.js with %s: exit code %d\n", opts, k6c_test_exit_code(t));
	tcap_dump(&cap, stderr);
	ck_assert_int_eq(k6c_test_exit_code(t), 104);
	ck_assert_msg(tcap_find_all(&cap, K6C_LOG_ERROR, want1, want2, NULL) != NULL,
		"no error line with \"%s\" and \"%s\"", want1, want2);
	ck_assert_ptr_null(k6c_test_summary_json(t));
	k6c_test_free(t);
	tcap_free(&cap);
}

START_TEST(test_thresholds_invalid__exit_104)
{
	run_104("{\"nope_metric\":[\"count>0\"]}", "invalid threshold defined on nope_metric",
		"no metric name \"nope_metric\" found");
	run_104("{\"nope_metric{a:b}\":[\"count>0\"]}", "nope_metric{a:b}",
		"no metric name \"nope_metric\" found");
	run_104("{\"my_counter\":[\"count=>1\"]}", "\"count=>1\"", "my_counter");
	run_104("{\"my_counter{call:x}\":[\"count>1\",\"avg<2\"]}", "\"avg<2\"",
		"unsupported aggregation method avg on metric of type counter");
	run_104("{\"my_counter\":[\"p(101)<1\"]}", "\"p(101)<1\"", "101 is not between 0 and 100");
}
END_TEST

/* ---- abortOnFail ------------------------------------------------------ */

START_TEST(test_thresholds_abort__on_fail)
{
	sr_run r;
	double t0 = now_s(), elapsed;

	run(&r, "abort.js", NULL, NULL, "{}", 0);
	elapsed = now_s() - t0;
	ck_assert_int_eq(r.exit_code, 99);
	/* Loose: the first evaluation is due 2 s in; the test is 30 s long. */
	ck_assert_msg(elapsed < 10, "the 30 s test was not aborted (%.1f s)", elapsed);
	assert_log(&r, K6C_LOG_INFO, "teardown ran");
	assert_log(&r, K6C_LOG_ERROR, "thresholds on metrics 'my_counter' were crossed; at least "
		"one has abortOnFail enabled, stopping test prematurely");
	/* The summary is still produced, with the verdicts. */
	assert_threshold(&r, "my_counter", "count<1", 0);
	assert_threshold(&r, "my_counter{kind:ok}", "count>0", 1);
	assert_text(&r, "✗ 'count<1' count=");
	assert_text(&r, "✓ 'count>0' count=");
	ck_assert_msg(sr_metric(&r, "my_counter", "count") >= 1, "no iteration ran");
	sr_run_free(&r);
}
END_TEST

START_TEST(test_thresholds_abort__delay_abort_eval)
{
	sr_run r;
	double t0 = now_s(), elapsed, ms;

	run(&r, "abort.js", "DELAY", "5s", "{}", 0);
	elapsed = now_s() - t0;
	ms = tj_num(tj_getv(r.doc, "state", "testRunDurationMs", NULL), NAN);
	ck_assert_int_eq(r.exit_code, 99);
	/* Not before delayAbortEval (loose: 4 s), and well before 30 s. */
	ck_assert_msg(ms >= 4000 && elapsed >= 4,
		"aborted after %.0f ms of test time (%.1f s), before delayAbortEval", ms, elapsed);
	ck_assert_msg(elapsed < 20, "the 30 s test was not aborted (%.1f s)", elapsed);
	assert_log(&r, K6C_LOG_INFO, "teardown ran");
	assert_log(&r, K6C_LOG_ERROR, "stopping test prematurely");
	sr_run_free(&r);
}
END_TEST

/* ---- golden summaries ------------------------------------------------- */

static char *slurp(const char *path)
{
	char *buf = ts_read_file(path, NULL);

	ck_assert_msg(buf != NULL, "cannot read %s: %s", path, strerror(errno));
	return buf;
}

/* s with runs of spaces collapsed and trailing spaces removed (new copy). */
static char *squeeze(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' && o > out && o[-1] == ' ')
			continue;
		*o++ = s[i];
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/* Whether line matches the golden pattern pat (see the file comment). */
static int line_matches(const char *pat, const char *line)
{
	while (*pat) {
		if (strncmp(pat, "{{*}}", 5) == 0) {
			pat += 5;
			for (const char *l = line;; l++) {
				if (line_matches(pat, l))
					return 1;
				if (*l == '\0')
					return 0;
			}
		}
		if (strncmp(pat, "{{~", 3) == 0) {
			char *end;
			double want = strtod(pat + 3, &end), got;
			const char *close = strstr(pat, "}}");

			ck_assert_msg(close == end, "bad golden pattern at \"%s\"", pat);
			got = strtod(line, &end);
			if (end == line || fabs(got - want) > 0.01 * fabs(want))
				return 0;
			line = end;
			pat = close + 2;
			continue;
		}
		if (*pat++ != *line++)
			return 0;
	}
	return *line == '\0';
}

/* Compares text with the golden file line by line. */
static void assert_golden_text(const char *text, const char *golden_file)
{
	char path[PATH_MAX];
	char *golden;
	const char *g, *t = text;
	int lineno = 1;

	snprintf(path, sizeof(path), "%s/script/thresholds/%s", ts_srcdir(), golden_file);
	golden = slurp(path);
	g = golden;
	while (*g || *t) {
		size_t gl = strcspn(g, "\n"), tl = strcspn(t, "\n");
		char *gs = squeeze(g, gl), *ts = squeeze(t, tl);

		ck_assert_msg(*g && *t, "%s line %d: \"%s\" against \"%s\" (one side ended)",
			golden_file, lineno, gs, ts);
		ck_assert_msg(line_matches(gs, ts), "%s line %d: summary line\n  \"%s\"\ndoes not "
			"match the golden\n  \"%s\"", golden_file, lineno, ts, gs);
		free(gs);
		free(ts);
		g += gl + (g[gl] == '\n');
		t += tl + (t[tl] == '\n');
		lineno++;
	}
	free(golden);
}

static const char *tj_type_name(tj_type t)
{
	static const char *const names[] = { "null", "bool", "number", "string", "array",
		"object" };
	return names[t];
}

/* Compares a JSON value with its golden counterpart, recursively. */
static void assert_golden_json(const tj *want, const tj *got, const char *where)
{
	char sub[512];

	if (want->type == TJ_STR && strcmp(want->str, "<number>") == 0) {
		ck_assert_msg(got->type == TJ_NUM, "%s: a %s, expected a number", where,
			tj_type_name(got->type));
		return;
	}
	if (want->type == TJ_STR && want->str[0] == '~') {
		double w = strtod(want->str + 1, NULL);
		ck_assert_msg(got->type == TJ_NUM && fabs(got->num - w) <= 0.01 * fabs(w),
			"%s: %.17g is not within 1%% of %g", where, got->num, w);
		return;
	}
	ck_assert_msg(got->type == want->type, "%s: a %s, expected a %s", where,
		tj_type_name(got->type), tj_type_name(want->type));
	switch (want->type) {
	case TJ_NULL:
		break;
	case TJ_BOOL:
	case TJ_NUM:
		ck_assert_msg(got->num == want->num, "%s: %.17g, expected %.17g", where, got->num,
			want->num);
		break;
	case TJ_STR:
		ck_assert_msg(strcmp(got->str, want->str) == 0, "%s: \"%s\", expected \"%s\"", where,
			got->str, want->str);
		break;
	case TJ_ARR:
		ck_assert_msg(got->len == want->len, "%s: %zu elements, expected %zu", where,
			got->len, want->len);
		for (size_t i = 0; i < want->len; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
			assert_golden_json(tj_at(want, i), tj_at(got, i), sub);
		}
		break;
	case TJ_OBJ:
		for (const tj *c = want->child; c; c = c->next) {
			const tj *o = tj_get(got, c->key);
			snprintf(sub, sizeof(sub), "%s.%s", where, c->key);
			ck_assert_msg(o != NULL, "%s: missing", sub);
			assert_golden_json(c, o, sub);
		}
		for (const tj *c = got->child; c; c = c->next)
			ck_assert_msg(tj_get(want, c->key) != NULL, "%s.%s: not in the golden file",
				where, c->key);
		break;
	}
}

static void assert_golden_json_file(const char *json, const char *golden_file)
{
	char path[PATH_MAX], err[128];
	char *golden;
	tj *want, *got;

	snprintf(path, sizeof(path), "%s/script/thresholds/%s", ts_srcdir(), golden_file);
	golden = slurp(path);
	want = tj_parse(golden, err, sizeof(err));
	ck_assert_msg(want != NULL, "%s: %s", golden_file, err);
	got = tj_parse(json, err, sizeof(err));
	ck_assert_msg(got != NULL, "not JSON: %s", err);
	assert_golden_json(want, got, golden_file);
	tj_free(want);
	tj_free(got);
	free(golden);
}

START_TEST(test_thresholds_golden__summary_export_data)
{
	char dir[] = "/tmp/k6c-thresholds-XXXXXX", path[PATH_MAX], opts[PATH_MAX + 64];
	char *export;
	sr_run r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/export.json", dir);
	snprintf(opts, sizeof(opts), "{\"summaryExport\":\"%s\",\"noColor\":true}", path);
	run(&r, "golden.js", NULL, NULL, opts, 0);
	ck_assert_int_eq(r.exit_code, 99);
	assert_log(&r, K6C_LOG_ERROR, "thresholds on metrics 'g_counter{kind:a}' have been crossed");
	assert_golden_text(k6c_test_summary_text(r.t), "golden.txt.golden");
	export = slurp(path);
	assert_golden_json_file(export, "golden_export.json.golden");
	/* handleSummary's data (§5.5 shape) is the API's summary JSON. */
	assert_golden_json_file(k6c_test_summary_json(r.t), "golden_data.json.golden");
	free(export);
	unlink(path);
	rmdir(dir);
	sr_run_free(&r);
}
END_TEST

/* The same test with a handleSummary() printing textSummary(data) and
 * writing data to a file: the argument handleSummary gets has the shape and
 * the values of the golden data, and textSummary renders the golden text. */
START_TEST(test_thresholds_golden__handle_summary)
{
	char dir[] = "/tmp/k6c-thresholds-XXXXXX", path[PATH_MAX];
	char *data;
	sr_run r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/data.json", dir);
	run(&r, "golden_handle.js", "DATA_FILE", path, "{\"noColor\":true}", 0);
	ck_assert_int_eq(r.exit_code, 99);
	assert_golden_text(k6c_test_summary_text(r.t), "golden.txt.golden");
	data = slurp(path);
	assert_golden_json_file(data, "golden_data.json.golden");
	free(data);
	unlink(path);
	rmdir(dir);
	sr_run_free(&r);
}
END_TEST

static Suite *thresholds_suite(void)
{
	const sr_case cases[] = {
		{ "metrics_api", test_thresholds_metrics__types_values_errors },
		{ "metrics_throw", test_thresholds_metrics__throw_option },
		{ "tags", test_thresholds_tags__every_source },
		{ "no_thresholds", test_thresholds_no_thresholds__option_and_env },
		{ "invalid_104", test_thresholds_invalid__exit_104 },
		{ "abort_on_fail", test_thresholds_abort__on_fail },
		{ "delay_abort_eval", test_thresholds_abort__delay_abort_eval },
		{ "golden", test_thresholds_golden__summary_export_data },
		{ "golden_handle_summary", test_thresholds_golden__handle_summary },
	};

	return sr_suite("thresholds", cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	return sr_main("test_thresholds", thresholds_suite());
}
