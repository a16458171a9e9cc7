/*
 * test_api_out_file.c - API tier: the built-in file outputs (json, csv,
 * sqlite) selected with k6c_test_add_output(), through the public headers
 * only, against the local httpbin. A fixed-iteration script's samples as
 * each output wrote them are counted per metric and compared with the
 * summary's counts; the formats are checked against k6's (key order, time
 * form, header and columns); a .gz file decompresses (zlib, here) to the
 * same text as the plain file of the same run.
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <k6c.h>

#include "api_run.h"
#include "tcapture.h"
#include "tjson.h"

/* ---- helpers -------------------------------------------------------------- */

static char g_dir[64];

/* A path in the test's directory (made by main, so that the forked tests
 * share it and main removes it). */
static const char *tmp_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", g_dir, name);
	unlink(buf);
	return buf;
}

/* A whole file, plain or (gz) through zlib; NUL-terminated, malloc'd. */
static char *slurp(const char *path, int gz, size_t *len)
{
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	if (gz) {
		gzFile f = gzopen(path, "rb");
		int got;
		ck_assert_msg(f != NULL, "cannot open %s", path);
		while ((got = gzread(f, buf + n, (unsigned)(cap - n - 1))) > 0) {
			n += (size_t)got;
			if (cap - n < 2) {
				cap *= 2;
				buf = realloc(buf, cap);
				ck_assert_ptr_nonnull(buf);
			}
		}
		ck_assert_msg(got == 0, "%s is not a complete gzip stream", path);
		gzclose(f);
	} else {
		FILE *f = fopen(path, "rb");
		size_t got;
		ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
		while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
			n += got;
			if (cap - n < 2) {
				cap *= 2;
				buf = realloc(buf, cap);
				ck_assert_ptr_nonnull(buf);
			}
		}
		fclose(f);
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Splits text into lines in place (the last newline ends the last line). */
static size_t split_lines(char *text, char ***out)
{
	size_t n = 0, cap = 1024;
	char **v = malloc(cap * sizeof(*v));
	char *p = text;

	ck_assert_ptr_nonnull(v);
	while (*p) {
		char *nl = strchr(p, '\n');
		ck_assert_msg(nl != NULL, "the last line has no newline: %.80s", p);
		*nl = '\0';
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			ck_assert_ptr_nonnull(v);
		}
		v[n++] = p;
		p = nl + 1;
	}
	*out = v;
	return n;
}

/* Per-metric tallies of what an output wrote. */
typedef struct tally {
	char name[80];
	long points;          /* Point lines / rows */
	long metric_lines;    /* json: Metric lines */
	long first_point;     /* json: line number of the first Point */
	long metric_line_at;  /* json: line number of the Metric line */
	double sum;
} tally;

typedef struct tallies {
	tally v[64];
	size_t n;
} tallies;

static tally *tally_get(tallies *ts, const char *name)
{
	for (size_t i = 0; i < ts->n; i++) {
		if (!strcmp(ts->v[i].name, name))
			return &ts->v[i];
	}
	ck_assert_uint_lt(ts->n, 64);
	memset(&ts->v[ts->n], 0, sizeof(ts->v[0]));
	snprintf(ts->v[ts->n].name, sizeof(ts->v[0].name), "%s", name);
	ts->v[ts->n].first_point = -1;
	ts->v[ts->n].metric_line_at = -1;
	return &ts->v[ts->n++];
}

static long tally_points(tallies *ts, const char *name)
{
	for (size_t i = 0; i < ts->n; i++) {
		if (!strcmp(ts->v[i].name, name))
			return ts->v[i].points;
	}
	return 0;
}

/* The samples of the summary's main metrics equal what the output wrote. */
static void assert_counts(tallies *ts, const tj *doc)
{
	ck_assert(ar_metric(doc, "http_reqs", "count") > 0);
	ck_assert_int_eq(tally_points(ts, "http_reqs"), (long)ar_metric(doc, "http_reqs", "count"));
	ck_assert_int_eq(tally_points(ts, "iterations"),
		(long)ar_metric(doc, "iterations", "count"));
	ck_assert_int_eq(tally_points(ts, "checks"),
		(long)(ar_metric(doc, "checks", "passes") + ar_metric(doc, "checks", "fails")));
	ck_assert_int_eq(tally_points(ts, "http_req_failed"),
		(long)(ar_metric(doc, "http_req_failed", "passes") +
			ar_metric(doc, "http_req_failed", "fails")));
	ck_assert_int_eq(tally_points(ts, "http_req_duration"),
		(long)ar_metric(doc, "http_reqs", "count"));
	ck_assert(tally_get(ts, "data_received")->sum == ar_metric(doc, "data_received", "count"));
	ck_assert(tally_get(ts, "my_counter")->sum == ar_metric(doc, "my_counter", "count"));
}

/* RFC 3339 with k6's fraction (1 to 9 digits, no trailing zero) and a
 * "Z" or +hh:mm offset; whole=1: no fraction at all (RFC3339). */
static int is_rfc3339(const char *s, size_t n, int whole)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i, f = 0;

	if (n < sizeof(shape) - 1)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	}
	if (i < n && s[i] == '.') {
		if (whole)
			return 0;
		for (i++; i < n && isdigit((unsigned char)s[i]); i++)
			f++;
		if (f == 0 || f > 9 || s[i - 1] == '0')
			return 0;
	}
	if (i < n && s[i] == 'Z')
		return i + 1 == n;
	return n - i == 6 && (s[i] == '+' || s[i] == '-') && isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' && isdigit((unsigned char)s[i + 4]) &&
	       isdigit((unsigned char)s[i + 5]);
}

/* ---- the script ----------------------------------------------------------- */

/* Requests with checks, a custom counter, a tag of the script's own, and
 * thresholds (one aborting, one on a submetric) for the Metric lines. */
static const char *SCRIPT =
	"import http from 'k6/http';\n"
	"import { check } from 'k6';\n"
	"import { Counter } from 'k6/metrics';\n"
	"const c = new Counter('my_counter');\n"
	"export default function () {\n"
	"  const r = http.get(`${__ENV.BASE_URL}/get?a=1&b=2`, { tags: { my_tag: 'x,y' } });\n"
	"  check(r, { 'status is 200': (x) => x.status === 200 });\n"
	"  c.add(3);\n"
	"}\n";

static const char *OPTIONS =
	"{\"vus\":3,\"iterations\":30,"
	"\"thresholds\":{\"http_req_duration\":[\"p(95)<5000\","
	"{\"threshold\":\"p(99)<10000\",\"abortOnFail\":true}],"
	"\"http_req_duration{expected_response:true}\":[\"max<10000\"],"
	"\"checks\":[\"rate>0.5\"]}}";

/* ---- json ----------------------------------------------------------------- */

/* Reads a json output: every line is JSON, a Metric or a Point; tallies
 * Points per metric and where each metric's Metric line is. */
static void json_tally(char **lines, size_t n, tallies *ts)
{
	for (size_t i = 0; i < n; i++) {
		char err[128];
		tj *v = tj_parse(lines[i], err, sizeof(err));
		const char *type, *name;
		tally *t;

		ck_assert_msg(v != NULL, "line %zu is not JSON (%s): %s", i + 1, err, lines[i]);
		type = tj_str(tj_get(v, "type"));
		name = tj_str(tj_get(v, "metric"));
		ck_assert_ptr_nonnull(type);
		ck_assert_ptr_nonnull(name);
		t = tally_get(ts, name);
		if (!strcmp(type, "Metric")) {
			t->metric_lines++;
			t->metric_line_at = (long)i;
			ck_assert_str_eq(tj_str(tj_getv(v, "data", "name", NULL)), name);
		} else {
			const char *time = tj_str(tj_getv(v, "data", "time", NULL));

			ck_assert_str_eq(type, "Point");
			if (t->first_point < 0)
				t->first_point = (long)i;
			t->points++;
			t->sum += tj_num(tj_getv(v, "data", "value", NULL), NAN);
			ck_assert_msg(time && is_rfc3339(time, strlen(time), 0), "bad time in %s", lines[i]);
			ck_assert_ptr_nonnull(tj_getv(v, "data", "tags", NULL));
			ck_assert_int_eq(tj_getv(v, "data", "tags", NULL)->type, TJ_OBJ);
		}
		tj_free(v);
	}
	/* A Metric line once per metric, just before its first Point. */
	for (size_t i = 0; i < ts->n; i++) {
		const tally *t = &ts->v[i];
		ck_assert_msg(t->metric_lines == 1, "%s has %ld Metric lines", t->name, t->metric_lines);
		ck_assert_msg(t->points > 0, "%s has a Metric line and no Point", t->name);
		ck_assert_msg(t->metric_line_at == t->first_point - 1,
			"%s: Metric line %ld, first Point %ld", t->name, t->metric_line_at, t->first_point);
	}
}

static const char *find_line(char **lines, size_t n, const char *prefix)
{
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			return lines[i];
	}
	return NULL;
}

START_TEST(test_api_out_file__json)
{
	tcap cap;
	char plain[256], gz[256], spec[300];
	k6c_test *t = ar_make_test(&cap, "out.js", SCRIPT, OPTIONS);
	char *text, *gztext, **lines;
	size_t n, len, gzlen;
	const char *l, *p;
	tallies ts;
	tj *doc;

	tmp_path(plain, sizeof(plain), "out.json");
	tmp_path(gz, sizeof(gz), "out.json.gz");
	snprintf(spec, sizeof(spec), "json=%s", plain);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	snprintf(spec, sizeof(spec), "json=%s", gz);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, "output: json ("));

	text = slurp(plain, 0, &len);
	gztext = slurp(gz, 1, &gzlen);
	/* The same samples in the same order: the gzip file holds exactly the
	 * plain file's text. */
	ck_assert_uint_eq(len, gzlen);
	ck_assert(memcmp(text, gztext, len) == 0);

	n = split_lines(text, &lines);
	memset(&ts, 0, sizeof(ts));
	json_tally(lines, n, &ts);
	assert_counts(&ts, doc);

	/* k6's key order, exactly: a Metric line with thresholds (an object
	 * for abortOnFail) and the submetric of a threshold... */
	l = find_line(lines, n, "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\"");
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l,
		"{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\",\"type\":\"trend\","
		"\"contains\":\"time\",\"thresholds\":[\"p(95)<5000\",{\"threshold\":\"p(99)<10000\","
		"\"abortOnFail\":true,\"delayAbortEval\":null}],\"submetrics\":[{\"name\":"
		"\"http_req_duration{expected_response:true}\",\"suffix\":\"expected_response:true\","
		"\"tags\":{\"expected_response\":\"true\"}}]},\"metric\":\"http_req_duration\"}");
	l = find_line(lines, n, "{\"type\":\"Metric\",\"data\":{\"name\":\"iterations\"");
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l,
		"{\"type\":\"Metric\",\"data\":{\"name\":\"iterations\",\"type\":\"counter\","
		"\"contains\":\"default\",\"thresholds\":[],\"submetrics\":null},\"metric\":\"iterations\"}");
	l = find_line(lines, n, "{\"type\":\"Metric\",\"data\":{\"name\":\"checks\"");
	ck_assert_ptr_nonnull(l);
	ck_assert(strstr(l, "\"thresholds\":[\"rate>0.5\"],\"submetrics\":null}") != NULL);
	/* ... and a Point: metric, type, data{time, value, tags} with the
	 * tags sorted, no metadata (vu and iter are not enabled). */
	l = find_line(lines, n, "{\"metric\":\"http_reqs\",\"type\":\"Point\",\"data\":{\"time\":\"");
	ck_assert_ptr_nonnull(l);
	p = strstr(l, "\",\"value\":1,\"tags\":{\"expected_response\":\"true\",\"group\":\"\","
		"\"method\":\"GET\",\"my_tag\":\"x,y\",\"name\":\"");
	ck_assert_msg(p != NULL, "%s", l);
	{
		size_t pre = strlen("{\"metric\":\"http_reqs\",\"type\":\"Point\",\"data\":{\"time\":\"");
		ck_assert(is_rfc3339(l + pre, (size_t)(p - (l + pre)), 0));
	}
	ck_assert(strstr(l, "/get?a=1&b=2\",\"proto\":\"HTTP/1.1\",\"scenario\":\"default\","
		"\"status\":\"200\",\"url\":\"") != NULL);
	ck_assert(strstr(l, "\"metadata\"") == NULL);
	ck_assert_str_eq(l + strlen(l) - 4, "\"}}}");

	free(lines);
	free(text);
	free(gztext);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* With vu and iter enabled, a Point carries them as metadata (after tags). */
START_TEST(test_api_out_file__json_metadata)
{
	tcap cap;
	char plain[256], spec[300];
	k6c_test *t = ar_make_test(&cap, "out.js", "export default function () {}\n",
		"{\"vus\":1,\"iterations\":2,\"systemTags\":[\"scenario\",\"vu\",\"iter\"]}");
	char *text, **lines;
	size_t n;
	const char *l;

	tmp_path(plain, sizeof(plain), "meta.json");
	snprintf(spec, sizeof(spec), "json=%s", plain);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 0);
	text = slurp(plain, 0, NULL);
	n = split_lines(text, &lines);
	l = find_line(lines, n, "{\"metric\":\"iterations\",\"type\":\"Point\"");
	ck_assert_ptr_nonnull(l);
	ck_assert_msg(strstr(l, ",\"value\":1,\"tags\":{\"scenario\":\"default\"},"
		"\"metadata\":{\"vu\":\"1\",\"iter\":\"0\"}}}") != NULL, "%s", l);
	free(lines);
	free(text);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* A file that cannot be created stops the run before it executes (exit
 * code 255, k6's for an output that cannot start), naming it. */
START_TEST(test_api_out_file__json_bad_path)
{
	tcap cap;
	k6c_test *t = ar_make_test(&cap, "out.js", "export default function () {}\n",
		"{\"iterations\":1}");

	ck_assert_int_eq(k6c_test_add_output(t, "json=/nonexistent-dir/x.json"), 0);
	ar_run(t, &cap, 255);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR,
		"could not start output \"json\": open /nonexistent-dir/x.json: No such file or directory"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- csv ------------------------------------------------------------------ */

#define CSV_HEADER "metric_name,timestamp,metric_value,check,error,error_code," \
	"expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version," \
	"url,extra_tags,metadata"
#define CSV_COLS 19

/* Splits one CSV line as Go's encoding/csv writes it into at most max
 * fields (quoted fields unquoted in place); returns how many. */
static size_t csv_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		if (*p == '"') {
			char *w = ++p;
			f[n++] = w;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				*w++ = *p++;
			}
			ck_assert_msg(*p == '"', "unterminated quoted field in %s", line);
			p++;
			*w = '\0';
			if (*p == ',')
				p++;
			else
				break;
		} else {
			char *c = strchr(p, ',');
			f[n++] = p;
			if (!c)
				break;
			*c = '\0';
			p = c + 1;
		}
	}
	return n;
}

/* Seconds since the epoch of an RFC 3339 time with its offset, and its
 * fraction in microseconds. */
static long long parse_rfc3339_us(const char *s)
{
	struct tm tm;
	long long us = 0, sec;
	int n = 0, sign, oh, om;
	const char *p;

	memset(&tm, 0, sizeof(tm));
	ck_assert_int_eq(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		&tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n), 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	sec = (long long)timegm(&tm);
	p = s + n;
	if (*p == '.') {
		long long scale = 100000;
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			us += (*p - '0') * scale;
	}
	if (*p == 'Z')
		return sec * 1000000 + us;
	sign = *p == '-' ? -1 : 1;
	ck_assert_int_eq(sscanf(p + 1, "%2d:%2d", &oh, &om), 2);
	return (sec - sign * (oh * 3600LL + om * 60)) * 1000000 + us;
}

enum { TF_UNIX, TF_MILLI, TF_MICRO, TF_NANO, TF_RFC, TF_RFC_NANO, TF_N };

START_TEST(test_api_out_file__csv)
{
	static const char *const names[TF_N] = {
		"unix.csv", "milli.csv", "micro.csv.gz", "nano.csv", "rfc.csv", "rfcnano.csv",
	};
	tcap cap;
	char paths[TF_N][256], spec[400];
	char *text[TF_N], **lines[TF_N];
	size_t nlines[TF_N];
	k6c_test *t;
	tallies ts;
	tj *doc;
	int seen_req = 0;

	/* Outputs read K6_* from the test's system environment: the default
	 * time format here comes from there, and the arg's pairs win over it.
	 * The zone has an offset, for the RFC 3339 forms. */
	setenv("TZ", "CET-1", 1);
	tzset();
	setenv("K6_CSV_TIME_FORMAT", "unix_micro", 1);
	t = ar_make_test(&cap, "out.js", SCRIPT, OPTIONS);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_set_env(t, "BASE_URL", sr_base_url()), 0);
	for (int i = 0; i < TF_N; i++)
		tmp_path(paths[i], sizeof(paths[i]), names[i]);
	snprintf(spec, sizeof(spec), "csv=fileName=%s,timeFormat=unix", paths[TF_UNIX]);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	snprintf(spec, sizeof(spec), "csv=timeFormat=unix_milli,fileName=%s,saveInterval=200ms",
		paths[TF_MILLI]);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	snprintf(spec, sizeof(spec), "csv=%s", paths[TF_MICRO]);    /* the env's format */
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	snprintf(spec, sizeof(spec), "csv=fileName=%s,timeFormat=unix_nano", paths[TF_NANO]);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	snprintf(spec, sizeof(spec), "csv=fileName=%s,timeFormat=rfc3339", paths[TF_RFC]);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	snprintf(spec, sizeof(spec), "csv=fileName=%s,timeFormat=rfc3339_nano", paths[TF_RFC_NANO]);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	snprintf(spec, sizeof(spec), "csv (%s)", paths[TF_MICRO]);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, spec));

	for (int i = 0; i < TF_N; i++) {
		text[i] = slurp(paths[i], i == TF_MICRO, NULL);
		nlines[i] = split_lines(text[i], &lines[i]);
		ck_assert_uint_eq(nlines[i], nlines[TF_UNIX]);
		ck_assert_str_eq(lines[i][0], CSV_HEADER);
	}
	memset(&ts, 0, sizeof(ts));
	for (size_t r = 1; r < nlines[TF_UNIX]; r++) {
		char *f[TF_N][CSV_COLS + 1];
		long long us;

		for (int i = 0; i < TF_N; i++) {
			size_t nf = csv_split(lines[i][r], f[i], CSV_COLS + 1);
			ck_assert_msg(nf == CSV_COLS, "%zu fields in row %zu of %s", nf, r, names[i]);
		}
		/* The same row in every file but for the time, in its format. */
		for (int i = 0; i < TF_N; i++) {
			for (int c = 0; c < CSV_COLS; c++) {
				if (c != 1)
					ck_assert_str_eq(f[i][c], f[TF_UNIX][c]);
			}
		}
		us = atoll(f[TF_MICRO][1]);
		ck_assert(us > 1700000000000000LL);
		ck_assert_int_eq(atoll(f[TF_UNIX][1]), us / 1000000);
		ck_assert_int_eq(atoll(f[TF_MILLI][1]), us / 1000);
		ck_assert_int_eq(atoll(f[TF_NANO][1]), us * 1000);
		ck_assert_int_eq(parse_rfc3339_us(f[TF_RFC_NANO][1]), us);
		ck_assert(is_rfc3339(f[TF_RFC_NANO][1], strlen(f[TF_RFC_NANO][1]), 0));
		ck_assert_int_eq(parse_rfc3339_us(f[TF_RFC][1]), us / 1000000 * 1000000);
		ck_assert(is_rfc3339(f[TF_RFC][1], strlen(f[TF_RFC][1]), 1));
		ck_assert_str_eq(f[TF_RFC][1] + strlen(f[TF_RFC][1]) - 6, "+01:00");

		/* %f values, and the counts. */
		{
			const char *dot = strchr(f[TF_UNIX][2], '.');
			tally *tl = tally_get(&ts, f[TF_UNIX][0]);
			ck_assert_msg(dot && strlen(dot) == 7, "value %s", f[TF_UNIX][2]);
			tl->points++;
			tl->sum += atof(f[TF_UNIX][2]);
		}
		/* A request's row: its system tags in their columns, the
		 * script's own tag in extra_tags (quoted: it has a comma). */
		if (!strcmp(f[TF_UNIX][0], "http_reqs")) {
			char want[256];
			seen_req++;
			ck_assert_str_eq(f[TF_UNIX][2], "1.000000");
			ck_assert_str_eq(f[TF_UNIX][3], "");                 /* check */
			ck_assert_str_eq(f[TF_UNIX][6], "true");             /* expected_response */
			ck_assert_str_eq(f[TF_UNIX][8], "GET");              /* method */
			ck_assert_str_eq(f[TF_UNIX][10], "HTTP/1.1");        /* proto */
			ck_assert_str_eq(f[TF_UNIX][11], "default");         /* scenario */
			ck_assert_str_eq(f[TF_UNIX][13], "200");             /* status */
			snprintf(want, sizeof(want), "%s/get?a=1&b=2", sr_base_url());
			ck_assert_str_eq(f[TF_UNIX][16], want);              /* url */
			ck_assert_str_eq(f[TF_UNIX][17], "my_tag=x,y");      /* extra_tags */
			ck_assert_str_eq(f[TF_UNIX][18], "");                /* metadata */
		}
		if (!strcmp(f[TF_UNIX][0], "checks"))
			ck_assert_str_eq(f[TF_UNIX][3], "status is 200");
	}
	ck_assert_int_gt(seen_req, 0);
	assert_counts(&ts, doc);
	{
		/* The raw text: Go's csv quotes the field with a comma. */
		char *again = slurp(paths[TF_UNIX], 0, NULL);
		ck_assert_ptr_nonnull(strstr(again, ",\"my_tag=x,y\",\n"));
		free(again);
	}

	for (int i = 0; i < TF_N; i++) {
		free(lines[i]);
		free(text[i]);
	}
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
	unsetenv("K6_CSV_TIME_FORMAT");
}
END_TEST

/* Only the enabled system tags get a column (vu and iter never: they are
 * metadata); a disabled one is not in extra_tags either. */
START_TEST(test_api_out_file__csv_system_tags)
{
	tcap cap;
	char path[256], spec[300];
	k6c_test *t = ar_make_test(&cap, "out.js",
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('my_c');\n"
		"export default function () { c.add(1, { status: 'mine', zz: 'z', aa: 'a' }); }\n",
		"{\"vus\":1,\"iterations\":2,\"systemTags\":[\"scenario\",\"vu\",\"iter\",\"ip\"]}");
	char *text, **lines;
	size_t n;
	const char *row = NULL;

	tmp_path(path, sizeof(path), "tags.csv");
	snprintf(spec, sizeof(spec), "csv=%s", path);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 0);
	text = slurp(path, 0, NULL);
	n = split_lines(text, &lines);
	ck_assert_uint_ge(n, 3);
	ck_assert_str_eq(lines[0], "metric_name,timestamp,metric_value,ip,scenario,extra_tags,metadata");
	for (size_t i = 1; i < n && !row; i++) {
		if (!strncmp(lines[i], "my_c,", 5))
			row = lines[i];
	}
	ck_assert_ptr_nonnull(row);
	ck_assert_msg(strstr(row, ",1.000000,,default,aa=a&zz=z,vu=1&iter=") != NULL, "%s", row);
	free(lines);
	free(text);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* Bad settings fail the run before it starts (104), naming the value. */
START_TEST(test_api_out_file__csv_bad_settings)
{
	static const struct {
		const char *env, *spec, *msg;
	} cases[] = {
		{ NULL, "csv=fileName=x.csv,timeFormat=iso",
		  "could not create the 'csv' output: iso does not belong to TimeFormat values" },
		{ NULL, "csv=fileName=x.csv,color=red",
		  "could not create the 'csv' output: unknown key \"color\" as argument for csv output" },
		{ NULL, "csv=fileName=",
		  "could not create the 'csv' output: couldn't parse \"fileName=\" as argument" },
		{ NULL, "csv=saveInterval=soon",
		  "could not create the 'csv' output: invalid saveInterval \"soon\"" },
		{ "K6_CSV_SAVE_INTERVAL=-1s", "csv",
		  "could not create the 'csv' output: invalid K6_CSV_SAVE_INTERVAL \"-1s\"" },
		{ "K6_CSV_TIME_FORMAT=UNIX", "csv",
		  "could not create the 'csv' output: UNIX does not belong to TimeFormat values" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tcap cap;
		k6c_test *t = ar_make_test(&cap, "out.js", "export default function () {}\n",
			"{\"iterations\":1}");

		if (cases[i].env) {
			char kv[64], *eq;
			snprintf(kv, sizeof(kv), "%s", cases[i].env);
			eq = strchr(kv, '=');
			*eq = '\0';
			setenv(kv, eq + 1, 1);
			ck_assert_int_eq(k6c_test_set_system_env(t), 0);
			unsetenv(kv);
		}
		ck_assert_int_eq(k6c_test_add_output(t, cases[i].spec), 0);
		ar_run(t, &cap, 104);
		ck_assert_msg(tcap_find(&cap, K6C_LOG_ERROR, cases[i].msg) != NULL, "no \"%s\"",
			cases[i].msg);
		k6c_test_free(t);
		tcap_free(&cap);
	}
}
END_TEST

/* ---- sqlite --------------------------------------------------------------- */

static const char *g_doc;   /* doc/outputs.md, argv[1] */

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* One integer from a query (with one optional integer parameter). */
static long long db_int(sqlite3 *db, const char *sql, long long param)
{
	sqlite3_stmt *st = NULL;
	long long v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		sqlite3_errmsg(db));
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, param);
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row (%s)", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Samples of a metric in a run. */
static long long db_count(sqlite3 *db, long long run, const char *metric)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples s JOIN metrics m ON m.run = s.run "
		"AND m.id = s.metric WHERE s.run = ? AND m.name = '%s'", metric);
	return db_int(db, sql, run);
}

static double db_sum(sqlite3 *db, long long run, const char *metric)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	double v;

	snprintf(sql, sizeof(sql), "SELECT total(value) FROM sample_view WHERE run = ? AND "
		"metric = '%s'", metric);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, run);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void assert_db_counts(sqlite3 *db, long long run, const tj *doc)
{
	ck_assert(ar_metric(doc, "http_reqs", "count") > 0);
	ck_assert_int_eq(db_count(db, run, "http_reqs"),
		(long long)ar_metric(doc, "http_reqs", "count"));
	ck_assert_int_eq(db_count(db, run, "iterations"),
		(long long)ar_metric(doc, "iterations", "count"));
	ck_assert_int_eq(db_count(db, run, "checks"),
		(long long)(ar_metric(doc, "checks", "passes") +
			ar_metric(doc, "checks", "fails")));
	ck_assert_int_eq(db_count(db, run, "http_req_duration"),
		(long long)ar_metric(doc, "http_reqs", "count"));
	ck_assert(db_sum(db, run, "data_received") == ar_metric(doc, "data_received", "count"));
	ck_assert(db_sum(db, run, "my_counter") == ar_metric(doc, "my_counter", "count"));
}

/* The ```sql blocks of doc/outputs.md whose first line is "-- title". */
static char *doc_query(const char *title)
{
	char *text = slurp(g_doc, 0, NULL), *p = text, *q = NULL;
	char head[128];

	snprintf(head, sizeof(head), "```sql\n-- %s\n", title);
	if ((p = strstr(text, head)) != NULL) {
		char *end = strstr(p + 7, "```");
		ck_assert_ptr_nonnull(end);
		*end = '\0';
		q = strdup(p + 7);
	}
	free(text);
	ck_assert_msg(q != NULL, "doc/outputs.md has no sql block starting \"-- %s\"", title);
	return q;
}

/* Runs a query of the doc; calls row() for each row. */
static int run_doc_query(sqlite3 *db, const char *title,
	void (*row)(sqlite3_stmt *st, void *arg), void *arg)
{
	char *sql = doc_query(title);
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rows = 0, rc;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, &tail) == SQLITE_OK, "%s: %s", sql,
		sqlite3_errmsg(db));
	while (*tail == ' ' || *tail == '\n')
		tail++;
	ck_assert_msg(*tail == '\0', "more than one statement in \"%s\"", title);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		if (row)
			row(st, arg);
	}
	ck_assert_msg(rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(sql);
	return rows;
}

typedef struct query_check {
	long long http_reqs, iterations, sum, urls;
	double p95;
} query_check;

static void count_row(sqlite3_stmt *st, void *arg)
{
	query_check *q = arg;
	const char *name = (const char *)sqlite3_column_text(st, 0);

	ck_assert_str_eq(sqlite3_column_name(st, 0), "metric");
	ck_assert_str_eq(sqlite3_column_name(st, 1), "samples");
	if (!strcmp(name, "http_reqs"))
		q->http_reqs = sqlite3_column_int64(st, 1);
	if (!strcmp(name, "iterations"))
		q->iterations = sqlite3_column_int64(st, 1);
}

static void p95_row(sqlite3_stmt *st, void *arg)
{
	query_check *q = arg;

	ck_assert_str_eq(sqlite3_column_name(st, 0), "url");
	ck_assert_ptr_nonnull(strstr((const char *)sqlite3_column_text(st, 0), "/get?a=1&b=2"));
	q->urls++;
	q->sum += sqlite3_column_int64(st, 1);
	q->p95 = sqlite3_column_double(st, 2);
}

static void rate_row(sqlite3_stmt *st, void *arg)
{
	query_check *q = arg;

	ck_assert(sqlite3_column_int64(st, 0) > 1700000000LL);
	q->sum += sqlite3_column_int64(st, 1);
}

/* Two runs into one file: a runs row each, every sample of each, the tag
 * sets shared, the thresholds' sources; the doc's queries run. */
START_TEST(test_api_out_file__sqlite)
{
	tcap cap;
	char path[256], spec[300];
	k6c_test *t = ar_make_test(&cap, "out.js", SCRIPT, OPTIONS);
	tj *doc[2];
	sqlite3 *db;
	long long tag_sets;
	query_check q;

	tmp_path(path, sizeof(path), "runs.db");
	snprintf(spec, sizeof(spec), "sqlite=%s", path);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 0);
	doc[0] = ar_summary(t);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, "output: sqlite ("));
	db = db_open(path);
	tag_sets = db_int(db, "SELECT count(*) FROM tag_sets", 0);
	sqlite3_close(db);
	ar_run(t, &cap, 0);
	doc[1] = ar_summary(t);

	db = db_open(path);
	ck_assert_int_eq(db_int(db, "PRAGMA user_version", 0), 1);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM runs", 0), 2);
	for (long long run_id = 1; run_id <= 2; run_id++) {
		assert_db_counts(db, run_id, doc[run_id - 1]);
		ck_assert_int_eq(db_int(db, "SELECT count(*) FROM runs WHERE id = ? AND exit_code = 0 AND "
			"status = 'finished' AND ended_us >= started_us AND script = 'out.js' AND "
			"json_extract(options, '$.scenarios.default.iterations') = 30", run_id), 1);
		/* The thresholds' sources and their verdicts (all pass: exit 0),
		 * from the summary the sink reads in stop(). */
		ck_assert_int_eq(db_int(db, "SELECT count(*) FROM thresholds WHERE run = ? AND ok = 1",
			run_id), 4);
		ck_assert_int_eq(db_int(db, "SELECT count(*) FROM thresholds WHERE run = ? AND metric = "
			"'http_req_duration{expected_response:true}' AND source = 'max<10000'", run_id), 1);
		/* Every sample's metric and tag set exist. */
		ck_assert_int_eq(db_int(db, "SELECT count(*) FROM samples WHERE run = ?", run_id),
			db_int(db, "SELECT count(*) FROM sample_view WHERE run = ?", run_id));
	}
	/* The second run added no tag set: the same tags are stored once. */
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM tag_sets", 0), tag_sets);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM sample_view WHERE run = 2 AND metric = "
		"'iterations' AND metadata IS NULL AND json_extract(tags, '$.scenario') = 'default'", 0),
		30);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM sample_view WHERE run = 2 AND metric = "
		"'http_reqs' AND json_extract(tags, '$.my_tag') = 'x,y' AND "
		"json_extract(tags, '$.status') = '200'", 0), 30);

	/* The doc's queries, on the last run. */
	memset(&q, 0, sizeof(q));
	ck_assert_int_gt(run_doc_query(db, "samples per metric", count_row, &q), 10);
	ck_assert_int_eq(q.http_reqs, 30);
	ck_assert_int_eq(q.iterations, 30);
	memset(&q, 0, sizeof(q));
	ck_assert_int_eq(run_doc_query(db, "p95 of http_req_duration per url", p95_row, &q), 1);
	ck_assert_int_eq(q.urls, 1);
	ck_assert_int_eq(q.sum, 30);
	ck_assert(q.p95 > 0 && q.p95 < 10000);
	memset(&q, 0, sizeof(q));
	ck_assert_int_ge(run_doc_query(db, "requests per second", rate_row, &q), 1);
	ck_assert_int_eq(q.sum, 30);
	ck_assert_int_eq(run_doc_query(db, "runs", NULL, NULL), 2);
	sqlite3_close(db);

	tj_free(doc[0]);
	tj_free(doc[1]);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

typedef struct aborter {
	k6c_test *t;
	const char *path;
	long long rows_seen;
} aborter;

/* Waits (bounded) until the run has committed samples to the file, then
 * aborts the test from this thread. */
static void *aborter_main(void *arg)
{
	aborter *a = arg;

	for (int i = 0; i < 600 && a->rows_seen < 20; i++) {
		sqlite3 *db = NULL;
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
		if (sqlite3_open_v2(a->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v2(db, "SELECT count(*) FROM samples", -1, &st, NULL) == SQLITE_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				a->rows_seen = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
	}
	k6c_test_abort(a->t);
	return NULL;
}

/* An aborted run keeps what it committed, and its end is written: exit
 * code 105, status aborted, and still every sample of the summary. */
START_TEST(test_api_out_file__sqlite_abort)
{
	tcap cap;
	char path[256], spec[300];
	k6c_test *t = ar_make_test(&cap, "out.js",
		"import http from 'k6/http';\n"
		"import { sleep } from 'k6';\n"
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('my_counter');\n"
		"export default function () {\n"
		"  http.get(`${__ENV.BASE_URL}/get`);\n"
		"  c.add(1);\n"
		"  sleep(0.02);\n"
		"}\n",
		"{\"vus\":2,\"duration\":\"60s\"}");
	aborter a;
	pthread_t th;
	sqlite3 *db;
	tj *doc;

	tmp_path(path, sizeof(path), "abort.db");
	snprintf(spec, sizeof(spec), "sqlite=%s", path);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	memset(&a, 0, sizeof(a));
	a.t = t;
	a.path = path;
	ck_assert_int_eq(pthread_create(&th, NULL, aborter_main, &a), 0);
	ar_run(t, &cap, 105);
	pthread_join(th, NULL);
	ck_assert_msg(a.rows_seen >= 20, "only %lld rows were committed before the abort",
		a.rows_seen);
	doc = ar_summary(t);
	db = db_open(path);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM runs WHERE exit_code = 105 AND "
		"status = 'aborted' AND ended_us IS NOT NULL", 0), 1);
	ck_assert_int_ge(db_int(db, "SELECT count(*) FROM samples", 0), a.rows_seen);
	ck_assert_int_eq(db_count(db, 1, "http_reqs"),
		(long long)ar_metric(doc, "http_reqs", "count"));
	ck_assert_int_eq(db_count(db, 1, "iterations"),
		(long long)ar_metric(doc, "iterations", "count"));
	ck_assert(db_sum(db, 1, "my_counter") == ar_metric(doc, "my_counter", "count"));
	sqlite3_close(db);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* Two runs writing one file at the same time: SQLite serialises their
 * transactions; each run has its row and all its samples. */
START_TEST(test_api_out_file__sqlite_concurrent)
{
	tcap cap[2];
	char path[256], spec[300];
	k6c_test *t[2];
	tj *doc[2];
	sqlite3 *db;

	tmp_path(path, sizeof(path), "concurrent.db");
	snprintf(spec, sizeof(spec), "sqlite=%s", path);
	for (int i = 0; i < 2; i++) {
		t[i] = ar_make_test(&cap[i], "out.js", SCRIPT, OPTIONS);
		ck_assert_int_eq(k6c_test_add_output(t[i], spec), 0);
	}
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(k6c_test_start(t[i]), 0);
	for (int i = 0; i < 2; i++) {
		int rc = k6c_test_wait(t[i]);
		if (rc != 0 || k6c_test_exit_code(t[i]) != 0)
			tcap_dump(&cap[i], stderr);
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(k6c_test_exit_code(t[i]), 0);
		doc[i] = ar_summary(t[i]);
	}
	db = db_open(path);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM runs WHERE status = 'finished'", 0), 2);
	for (long long run_id = 1; run_id <= 2; run_id++) {
		/* Which test got which run id is a race; their counts are equal. */
		assert_db_counts(db, run_id, doc[0]);
		assert_db_counts(db, run_id, doc[1]);
	}
	sqlite3_close(db);
	for (int i = 0; i < 2; i++) {
		tj_free(doc[i]);
		k6c_test_free(t[i]);
		tcap_free(&cap[i]);
	}
}
END_TEST

/* sqlite needs a file; one that is not SQLite stops the run. */
START_TEST(test_api_out_file__sqlite_bad)
{
	tcap cap;
	char path[256], spec[300];
	k6c_test *t = ar_make_test(&cap, "out.js", "export default function () {}\n",
		"{\"iterations\":1}");
	FILE *f;

	ck_assert_int_eq(k6c_test_add_output(t, "sqlite"), 0);
	ar_run(t, &cap, 104);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_ERROR,
		"could not create the 'sqlite' output: the database file is missing"));
	k6c_test_free(t);
	tcap_free(&cap);

	t = ar_make_test(&cap, "out.js", "export default function () {}\n", "{\"iterations\":1}");
	tmp_path(path, sizeof(path), "not-a.db");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not an SQLite database, but it is long enough to look like a header.\n", f);
	fclose(f);
	snprintf(spec, sizeof(spec), "sqlite=%s", path);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 255);
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_ERROR, "could not start output \"sqlite\": ",
		path, "file is not a database", NULL));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static int nop_factory(const k6c_output_params *params, void *fp, const k6c_sink_vtable **vt,
	void **payload, char *err, size_t errlen)
{
	(void)params, (void)fp, (void)vt, (void)payload;
	snprintf(err, errlen, "never called");
	return 1;
}

/* Built-in names cannot be registered again. */
START_TEST(test_api_out_file__builtin_names)
{
	ck_assert_int_eq(k6c_output_register("json", nop_factory, NULL), K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "as a built-in"));
}
END_TEST

int main(int argc, char **argv)
{
	const sr_case cases[] = {
		{ "json", test_api_out_file__json },
		{ "json_metadata", test_api_out_file__json_metadata },
		{ "json_bad_path", test_api_out_file__json_bad_path },
		{ "csv", test_api_out_file__csv },
		{ "csv_system_tags", test_api_out_file__csv_system_tags },
		{ "csv_bad_settings", test_api_out_file__csv_bad_settings },
		{ "sqlite", test_api_out_file__sqlite },
		{ "sqlite_concurrent", test_api_out_file__sqlite_concurrent },
		{ "sqlite_abort", test_api_out_file__sqlite_abort },
		{ "sqlite_bad", test_api_out_file__sqlite_bad },
		{ "builtin_names", test_api_out_file__builtin_names },
	};
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s path/to/doc/outputs.md\n", argv[0]);
		return 1;
	}
	g_doc = argv[1];
	snprintf(g_dir, sizeof(g_dir), "/tmp/k6c-out-file-XXXXXX");
	if (!mkdtemp(g_dir)) {
		perror("mkdtemp");
		return 1;
	}
	rc = sr_main("test_api_out_file", sr_suite("api_out_file", cases,
		sizeof(cases) / sizeof(cases[0])));
	/* Kept after a failure, to look at. */
	if (rc == 0) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", g_dir);
	}
	return rc;
}
