/*
 * test_metrics_summary.c - the summary rendered from a handleSummary data
 * document: the compact text of a hand-written document against a golden
 * text derived from k6's layout rules, the registry's text as the rendering
 * of its own document, the indent and colour options, the --summary-export
 * document, documents that are not what they should be, and the other
 * summary modes: legacy and full against golden texts, disabled, and the
 * registry's per-group and per-scenario breakdown for full.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "util/json.h"
#include "util/util.h"

/* JSON written with single quotes, for readable literals (no test string
 * here holds an apostrophe). */
static char *q(const char *s)
{
	char *r = k6c__strdup(s);
	ck_assert_ptr_nonnull(r);
	for (char *p = r; *p; p++)
		if (*p == '\'')
			*p = '"';
	return r;
}

/* A small test's data document as k6 hands it to handleSummary: checks in
 * the root group and in a group (one name in both), every metric type, time
 * and data contents, submetrics, thresholds that passed and failed, one on a
 * trend stat outside summaryTrendStats. Metrics are listed out of order on
 * purpose: the text sorts them. */
static const char golden_doc[] =
	"{'root_group':{'name':'','path':'','id':'d41d8cd98f00b204e9800998ecf8427e',"
	"  'groups':[{'name':'api','path':'::api','id':'e6550cde192dbabccfbb3b1bac03a92a','groups':[],"
	"    'checks':[{'name':'body has token','path':'::api::body has token','id':'x','passes':18,'fails':2},"
	"              {'name':'status is 200','path':'::api::status is 200','id':'y','passes':10,'fails':0}]}],"
	"  'checks':[{'name':'status is 200','path':'::status is 200','id':'z','passes':38,'fails':2}]},"
	" 'options':{'summaryTrendStats':['avg','min','med','max','p(90)','p(95)'],'summaryTimeUnit':'','noColor':false},"
	" 'state':{'isStdOutTTY':false,'isStdErrTTY':false,'testRunDurationMs':10000},"
	" 'setup_data':{'token':'abc','n':[1,2]},"
	" 'metrics':{"
	"  'vus_max':{'type':'gauge','contains':'default','values':{'value':5,'min':5,'max':5}},"
	"  'checks':{'type':'rate','contains':'default','values':{'rate':0.9428571428571428,'passes':66,'fails':4}},"
	"  'my_rate':{'type':'rate','contains':'default','values':{'rate':0.75,'passes':3,'fails':1},"
	"    'thresholds':{'rate>0.9':{'ok':false}}},"
	"  'http_req_duration':{'type':'trend','contains':'time','values':{'avg':120.5,'min':98.1,'med':110.2,"
	"    'max':480.9,'p(90)':190.3,'p(95)':212.4,'p(99)':450.05},"
	"    'thresholds':{'p(95)<500':{'ok':true},'p(99)<300':{'ok':false}}},"
	"  'http_req_duration{expected_response:true}':{'type':'trend','contains':'time','values':{'avg':118.9,"
	"    'min':98.1,'med':109.8,'max':480.9,'p(90)':188,'p(95)':210.1},'thresholds':{'p(95)<300':{'ok':true}}},"
	"  'http_req_failed':{'type':'rate','contains':'default','values':{'rate':0.025,'passes':1,'fails':39},"
	"    'thresholds':{'rate<0.01':{'ok':false}}},"
	"  'http_req_waiting':{'type':'trend','contains':'time','values':{'avg':100,'min':90,'med':95,'max':470,"
	"    'p(90)':180,'p(95)':200}},"
	"  'http_reqs':{'type':'counter','contains':'default','values':{'count':40,'rate':3.97},"
	"    'thresholds':{'count>10':{'ok':true},'rate>5':{'ok':false}}},"
	"  'my_counter{status:200}':{'type':'counter','contains':'default','values':{'count':3,'rate':0.3}},"
	"  'my_counter':{'type':'counter','contains':'default','values':{'count':5,'rate':0.5}},"
	"  'my_gauge':{'type':'gauge','contains':'default','values':{'value':2,'min':1,'max':3}},"
	"  'iteration_duration':{'type':'trend','contains':'time','values':{'avg':1120,'min':1090,'med':1110,"
	"    'max':1480,'p(90)':1190,'p(95)':1210}},"
	"  'iterations':{'type':'counter','contains':'default','values':{'count':40,'rate':3.97}},"
	"  'group_duration':{'type':'trend','contains':'time','values':{'avg':50,'min':12,'med':31,'max':50,"
	"    'p(90)':45.8,'p(95)':47.9}},"
	"  'vus':{'type':'gauge','contains':'default','values':{'value':5,'min':5,'max':5}},"
	"  'data_sent':{'type':'counter','contains':'data','values':{'count':4200,'rate':420}},"
	"  'data_received':{'type':'counter','contains':'data','values':{'count':512000,'rate':51200}}"
	" }}";

/* The text expected of golden_doc, line by line. Widths: the widest name
 * column is "  { expected_response:true }" (28) plus the 4 of indentation,
 * so names end 3 dots past column 32; non-trend values pad to 6 ("75.00%",
 * "512 kB"), the gauges' first extra to 11 ("1 out of 40"), and every trend
 * column to its widest cell. http_req_waiting and group_duration are not
 * shown; checks_* come from the checks metric, the check list merges the
 * two "status is 200" (38/2 in the root, 10/0 in api). */
static const char *const golden_lines[] = {
	"",
	"  █ THRESHOLDS ",
	"",
	"    http_req_duration",
	"    ✓ 'p(95)<500' p(95)=212.4ms",
	"    ✗ 'p(99)<300' p(99)=450.05ms",
	"",
	"      {expected_response:true}",
	"      ✓ 'p(95)<300' p(95)=210.1ms",
	"",
	"    http_req_failed",
	"    ✗ 'rate<0.01' rate=2.50%",
	"",
	"    http_reqs",
	"    ✓ 'count>10' count=40",
	"    ✗ 'rate>5' rate=3.97/s",
	"",
	"    my_rate",
	"    ✗ 'rate>0.9' rate=75.00%",
	"",
	"",
	"  █ TOTAL RESULTS ",
	"",
	"    checks_total.......: 70     7/s",
	"    checks_succeeded...: 94.28% 66 out of 70",
	"    checks_failed......: 5.71%  4 out of 70",
	"",
	"    ✗ status is 200",
	"      ↳  96% — ✓ 48 / ✗ 2",
	"    ✗ body has token",
	"      ↳  90% — ✓ 18 / ✗ 2",
	"",
	"    CUSTOM",
	"    my_counter.....................: 5      0.5/s",
	"      { status:200 }...............: 3      0.3/s",
	"    my_gauge.......................: 2      min=1       max=3",
	"    my_rate........................: 75.00% 3 out of 4",
	"",
	"    HTTP",
	"    http_req_duration..............: avg=120.5ms min=98.1ms med=110.2ms max=480.9ms p(90)=190.3ms p(95)=212.4ms",
	"      { expected_response:true }...: avg=118.9ms min=98.1ms med=109.8ms max=480.9ms p(90)=188ms   p(95)=210.1ms",
	"    http_req_failed................: 2.50%  1 out of 40",
	"    http_reqs......................: 40     3.97/s",
	"",
	"    EXECUTION",
	"    iteration_duration.............: avg=1.12s   min=1.09s  med=1.11s   max=1.48s   p(90)=1.19s   p(95)=1.21s  ",
	"    iterations.....................: 40     3.97/s",
	"    vus............................: 5      min=5       max=5",
	"    vus_max........................: 5      min=5       max=5",
	"",
	"    NETWORK",
	"    data_received..................: 512 kB 51 kB/s",
	"    data_sent......................: 4.2 kB 420 B/s",
	"",
	"",
};

/* Compares text with the expected lines one by one, so a failure names the
 * first line that differs. */
static void assert_lines(const char *text, const char *const *want, size_t nwant)
{
	const char *p = text;
	for (size_t i = 0; i < nwant; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		ck_assert_msg(len == strlen(want[i]) && strncmp(p, want[i], len) == 0,
			"line %zu:\n got: '%.*s'\nwant: '%s'\nwhole text:\n%s", i + 1, (int)len, p, want[i],
			text);
		if (i + 1 < nwant) {
			ck_assert_msg(nl != NULL, "text ends at line %zu of %zu:\n%s", i + 1, nwant, text);
			p = nl + 1;
		} else {
			ck_assert_msg(nl == NULL, "text goes on after line %zu:\n%s", nwant, text);
		}
	}
}

static void render(const char *json, const char *indent, bool colors, k6c__buf *out)
{
	k6c__buf_clear(out);
	ck_assert_msg(k6c__summary_text_from_data(json, strlen(json), indent, colors, out) == 0, "%s",
		k6c_error_last() ? k6c_error_last()->message : "");
}

START_TEST(test_metrics_summary_data__text_golden)
{
	char *doc = q(golden_doc);
	k6c__buf out = K6C__BUF_INIT;

	render(doc, " ", false, &out);
	assert_lines(out.ptr, golden_lines, K6C__ARRAY_LEN(golden_lines));
	/* NULL indent is the default one. */
	k6c__buf other = K6C__BUF_INIT;
	render(doc, NULL, false, &other);
	ck_assert_str_eq(other.ptr, out.ptr);
	/* The text appends. */
	k6c__buf_clear(&other);
	k6c__buf_puts(&other, "before");
	ck_assert_int_eq(k6c__summary_text_from_data(doc, strlen(doc), " ", false, &other), 0);
	ck_assert(strncmp(other.ptr, "before\n  █ THRESHOLDS ", 22) == 0);
	ck_assert_str_eq(other.ptr + 6, out.ptr);
	k6c__buf_free(&other);
	k6c__buf_free(&out);
	k6c__free(doc);
}
END_TEST

START_TEST(test_metrics_summary_data__colors)
{
	char *doc = q(golden_doc);
	k6c__buf out = K6C__BUF_INIT;

	render(doc, " ", true, &out);
	static const char *const want[] = {
		"  █ \x1b[1mTHRESHOLDS\x1b[0m \n",
		"\n    \x1b[32m✓\x1b[0m \x1b[37m'p(95)<500'\x1b[0m \x1b[37mp(95)\x1b[0m=\x1b[36m212.4ms\x1b[0m\n",
		"\n    \x1b[31m✗\x1b[0m \x1b[37m'rate<0.01'\x1b[0m \x1b[37mrate\x1b[0m=\x1b[36m2.50%\x1b[0m\n",
		"\n    \x1b[31m✗ status is 200\x1b[0m\n      \x1b[31m↳  96% — ✓ 48 / ✗ 2\x1b[0m\n",
		"\n    \x1b[1mCUSTOM\x1b[0m\n",
		"\n    my_gauge\x1b[2;37m.......................:\x1b[0m \x1b[36m2\x1b[0m      "
		"\x1b[2;36mmin=1\x1b[0m       \x1b[2;36mmax=3\x1b[0m\n",
		"\n    http_reqs\x1b[2;37m......................:\x1b[0m \x1b[36m40\x1b[0m     "
		"\x1b[2;36m3.97/s\x1b[0m\n",
		"p(90)=\x1b[36m188ms\x1b[0m   p(95)=\x1b[36m210.1ms\x1b[0m\n",
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(out.ptr, want[i]) != NULL, "missing %s in:\n%s", want[i], out.ptr);
	/* Without the escapes it is the plain text. */
	k6c__buf plain = K6C__BUF_INIT;
	for (const char *p = out.ptr; *p; p++) {
		if (*p == '\x1b') {
			p = strchr(p, 'm');
			continue;
		}
		k6c__buf_putc(&plain, *p);
	}
	k6c__buf_clear(&out);
	render(doc, " ", false, &out);
	ck_assert_str_eq(plain.ptr, out.ptr);
	k6c__buf_free(&plain);
	k6c__buf_free(&out);
	k6c__free(doc);
}
END_TEST

/* indent takes the place of the first column of every line with text. */
START_TEST(test_metrics_summary_data__indent)
{
	char *doc = q(golden_doc);
	k6c__buf out = K6C__BUF_INIT, want = K6C__BUF_INIT;

	render(doc, "→ ", false, &out);
	for (size_t i = 0; i < K6C__ARRAY_LEN(golden_lines); i++) {
		if (golden_lines[i][0] != '\0')
			k6c__buf_printf(&want, "→ %s", golden_lines[i] + 1);
		if (i + 1 < K6C__ARRAY_LEN(golden_lines))
			k6c__buf_putc(&want, '\n');
	}
	ck_assert_str_eq(out.ptr, want.ptr);
	ck_assert_ptr_nonnull(strstr(out.ptr, "\n→    my_gauge......................."
		": 2      min=1       max=3\n"));
	/* An empty indent. */
	render(doc, "", false, &out);
	ck_assert_ptr_nonnull(strstr(out.ptr, "\n █ TOTAL RESULTS \n\n   checks_total.......: 70"));
	k6c__buf_free(&want);
	k6c__buf_free(&out);
	k6c__free(doc);
}
END_TEST

/* What the document leaves out or sets differently changes the text the
 * way k6's textSummary does. */
START_TEST(test_metrics_summary_data__options)
{
	k6c__buf out = K6C__BUF_INIT;
	char *doc;

	/* No thresholds, no checks, no options, no state, no root_group: just
	 * TOTAL RESULTS with k6's default columns. */
	doc = q("{'metrics':{'iteration_duration':{'type':'trend','contains':'time','values':{"
		"'avg':1,'min':0.5,'med':1,'max':1.5,'p(90)':1.4,'p(95)':1.45}},"
		"'iterations':{'type':'counter','contains':'default','values':{'count':2,'rate':0.2}}}}");
	render(doc, " ", false, &out);
	ck_assert_str_eq(out.ptr,
		"\n  █ TOTAL RESULTS \n"
		"\n    EXECUTION\n"
		"    iteration_duration...: avg=1ms min=500µs med=1ms max=1.5ms p(90)=1.4ms p(95)=1.45ms\n"
		"    iterations...........: 2 0.2/s\n"
		"\n");
	k6c__free(doc);

	/* Its own trend columns (count printed as a number) and time unit. */
	doc = q("{'options':{'summaryTrendStats':['p(99)','count','avg'],'summaryTimeUnit':'s'},"
		"'metrics':{'my_trend':{'type':'trend','contains':'time','values':{"
		"'p(99)':1234.5,'count':12,'avg':12},'thresholds':{'max<100':{'ok':true},"
		"'count<100':{'ok':true}}}}}");
	render(doc, " ", false, &out);
	ck_assert_str_eq(out.ptr,
		"\n  █ THRESHOLDS \n"
		"\n    my_trend"
		"\n    ✓ 'max<100' max=undefined"
		"\n    ✓ 'count<100' count=12\n"
		"\n"
		"\n  █ TOTAL RESULTS \n"
		"\n    CUSTOM\n"
		"    my_trend...: p(99)=1.23s count=12 avg=0.01s\n"
		"\n");
	k6c__free(doc);

	/* An empty thresholds object is no threshold; a submetric whose
	 * parent has none keeps its full name; checks without samples show no
	 * checks block. */
	doc = q("{'root_group':{'checks':[],'groups':[]},'metrics':{"
		"'checks':{'type':'rate','contains':'default','values':{'rate':0,'passes':0,'fails':0}},"
		"'http_reqs':{'type':'counter','contains':'default','values':{'count':0,'rate':0},"
		"'thresholds':{}},"
		"'http_reqs{status:500}':{'type':'counter','contains':'default','values':{'count':0,"
		"'rate':0},'thresholds':{'count==0':{'ok':true}}}}}");
	render(doc, " ", false, &out);
	ck_assert_str_eq(out.ptr,
		"\n  █ THRESHOLDS \n"
		"\n    http_reqs{status:500}"
		"\n    ✓ 'count==0' count=0\n"
		"\n"
		"\n  █ TOTAL RESULTS \n"
		"\n    HTTP\n"
		"    http_reqs..........: 0 0/s\n"
		"      { status:500 }...: 0 0/s\n"
		"\n");
	k6c__free(doc);

	/* null stands for NaN (JSON.stringify's writing of it). */
	doc = q("{'metrics':{'g':{'type':'gauge','contains':'default','values':{'value':null,"
		"'min':null,'max':1}}}}");
	render(doc, " ", false, &out);
	ck_assert_ptr_nonnull(strstr(out.ptr, "    g...: NaN min=NaN max=1\n"));
	k6c__free(doc);
	k6c__buf_free(&out);
}
END_TEST

/* ---- the registry's text is the rendering of its own document ---------- */

static void add1(k6c__samples *s, int metric, double value, ...)
{
	k6c__tag tags[4];
	size_t n = 0;
	va_list ap;
	va_start(ap, value);
	const char *k;
	while ((k = va_arg(ap, const char *)) != NULL && n < 4) {
		tags[n].key = k;
		tags[n].value = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	k6c__samples_add(s, k6c__wall_us(), tags, n, &metric, &value, 1);
}

static k6c__metrics *registry_fixture(void)
{
	k6c__metrics *m = NULL;
	k6c__samples *s = NULL;
	int mt, mc, mg, mr, sub;

	ck_assert_int_eq(k6c__metrics_new(&m, NULL), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_trend", K6C__TREND, K6C__CONTAINS_TIME, &mt), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_counter", K6C__COUNTER, K6C__CONTAINS_DATA, &mc), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_gauge", K6C__GAUGE, K6C__CONTAINS_DEFAULT, &mg), 0);
	ck_assert_int_eq(k6c__metrics_register(m, "my_rate", K6C__RATE, K6C__CONTAINS_DEFAULT, &mr), 0);
	ck_assert_int_eq(k6c__metrics_add_submetric(m, "my_trend{kind:slow}", &sub), 0);
	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	/* A group's check seen before the root's. */
	for (int i = 0; i < 7; i++)
		add1(s, K6C__M_CHECKS, i != 3, "group", "::g", "check", "ok", NULL);
	for (int i = 0; i < 5; i++)
		add1(s, K6C__M_CHECKS, 1, "check", "ok", NULL);
	add1(s, K6C__M_CHECKS, 1, "group", "::g::h", "check", "deep", NULL);
	for (int i = 1; i <= 50; i++)
		add1(s, mt, i * 3.7, "kind", i % 3 ? "fast" : "slow", NULL);
	add1(s, mc, 123456, NULL);
	add1(s, mg, 0.1 + 0.2, NULL);
	add1(s, mr, 1, NULL);
	add1(s, mr, 0, NULL);
	add1(s, mr, 0, NULL);
	add1(s, K6C__M_ITERATIONS, 1, NULL);
	add1(s, K6C__M_ITERATION_DURATION, 61234.5, NULL);
	add1(s, K6C__M_VUS, 3, NULL);
	add1(s, K6C__M_DATA_SENT, 999, NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);
	return m;
}

START_TEST(test_metrics_summary_data__registry_round_trip)
{
	k6c__metrics *m = registry_fixture();
	k6c__summary_threshold th[] = {
		{ "my_trend", "p(99.9)<100", false },
		{ "my_trend", "avg<1000", true },
		{ "my_trend{kind:slow}", "med>1", true },
		{ "my_rate", "rate>0.5", false },
		{ "dropped_iterations", "count<1", true },
	};
	const char *stats[] = { "min", "max", "count", "p(50)" };
	const char *units[] = { NULL, "ms", "us" };

	for (int variant = 0; variant < 6; variant++) {
		k6c__summary_opts opts = { 0 };
		k6c__buf text = K6C__BUF_INIT, json = K6C__BUF_INIT, again = K6C__BUF_INIT;
		opts.test_duration_ms = 12345;
		opts.no_color = variant % 2 == 0;
		opts.time_unit = units[variant / 2];
		if (variant >= 2) {
			opts.thresholds = th;
			opts.nthresholds = K6C__ARRAY_LEN(th);
		}
		if (variant >= 4) {
			opts.trend_stats = stats;
			opts.ntrend_stats = K6C__ARRAY_LEN(stats);
		}
		ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &text), 0);
		ck_assert_int_eq(k6c__metrics_summary_json(m, &opts, &json), 0);
		ck_assert_int_eq(k6c__summary_text_from_data(json.ptr, json.len, " ", !opts.no_color,
			&again), 0);
		ck_assert_msg(strcmp(text.ptr, again.ptr) == 0, "variant %d:\n%s\nvs\n%s", variant,
			text.ptr, again.ptr);
		/* The text has what the registry measured. */
		ck_assert_ptr_nonnull(strstr(text.ptr, "✗ ok"));
		ck_assert_ptr_nonnull(strstr(text.ptr, "✓ deep"));
		ck_assert_ptr_nonnull(strstr(text.ptr, "my_trend"));
		ck_assert_ptr_nonnull(strstr(text.ptr, "{ kind:slow }"));
		if (variant >= 2)
			ck_assert_ptr_nonnull(strstr(text.ptr, opts.no_color ? "✗ 'p(99.9)<100' p(99.9)=1" :
				"\x1b[37mp(99.9)\x1b[0m=\x1b[36m1"));
		k6c__buf_free(&text);
		k6c__buf_free(&json);
		k6c__buf_free(&again);
	}

	/* The registry's text, field by field. */
	k6c__summary_opts opts = { 0 };
	k6c__buf text = K6C__BUF_INIT;
	opts.test_duration_ms = 10000;
	opts.no_color = true;
	ck_assert_int_eq(k6c__metrics_summary_text(m, &opts, &text), 0);
	static const char *const want[] = {
		/* ok: 5/5 in the root and 6/7 in g, merged; deep is in g::h. */
		"    checks_total.......: 13     1.3/s\n"
		"    checks_succeeded...: 92.30% 12 out of 13\n"
		"    checks_failed......: 7.69%  1 out of 13\n"
		"\n"
		"    ✗ ok\n"
		"      ↳  91% — ✓ 11 / ✗ 1\n"
		"    ✓ deep\n",
		"    my_counter...........: 124 kB 12 kB/s\n",
		"    my_gauge.............: 0.3    min=0.3    max=0.3\n",
		"    my_rate..............: 33.33% 1 out of 3\n",
		"    iteration_duration...: avg=1m1s",
		"    data_sent............: 999 B  100 B/s\n",
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(text.ptr, want[i]) != NULL, "missing\n%s\nin:\n%s", want[i], text.ptr);
	k6c__buf_free(&text);
	k6c__metrics_free(m);
}
END_TEST

static const k6c__json *jget(const k6c__json *o, const char *key)
{
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->type, K6C__JSON_OBJECT);
	const k6c__json *v = k6c__json_get(o, key);
	ck_assert_msg(v != NULL, "missing key %s", key);
	return v;
}

static double jnum(const k6c__json *o, const char *key)
{
	const k6c__json *v = jget(o, key);
	ck_assert_int_eq(v->type, K6C__JSON_NUMBER);
	return v->number;
}

static bool jbool(const k6c__json *o, const char *key)
{
	const k6c__json *v = jget(o, key);
	ck_assert_int_eq(v->type, K6C__JSON_BOOL);
	return v->boolean;
}

/* The data's state and setup_data come from the options. */
START_TEST(test_metrics_summary_data__json_state_setup)
{
	k6c__metrics *m = registry_fixture();
	k6c__summary_opts opts = { 0 };
	k6c__buf out = K6C__BUF_INIT;
	k6c__json *doc = NULL;

	opts.test_duration_ms = 2500;
	opts.stdout_tty = true;
	opts.setup_data_json = "{\"users\":[\"a\",\"b\"],\"n\":3}";
	ck_assert_int_eq(k6c__metrics_summary_json(m, &opts, &out), 0);
	ck_assert_int_eq(k6c__json_parse(&doc, out.ptr, out.len), 0);
	const k6c__json *state = jget(doc, "state");
	ck_assert(jbool(state, "isStdOutTTY"));
	ck_assert(!jbool(state, "isStdErrTTY"));
	ck_assert(jnum(state, "testRunDurationMs") == 2500);
	const k6c__json *setup = jget(doc, "setup_data");
	ck_assert(jnum(setup, "n") == 3);
	ck_assert_uint_eq(jget(setup, "users")->len, 2);
	k6c__json_free(doc);
	doc = NULL;

	/* Without setup data there is no key; the other flag. */
	k6c__buf_clear(&out);
	opts.setup_data_json = NULL;
	opts.stdout_tty = false;
	opts.stderr_tty = true;
	ck_assert_int_eq(k6c__metrics_summary_json(m, &opts, &out), 0);
	ck_assert_int_eq(k6c__json_parse(&doc, out.ptr, out.len), 0);
	ck_assert_ptr_null(k6c__json_get(doc, "setup_data"));
	ck_assert(!jbool(jget(doc, "state"), "isStdOutTTY"));
	ck_assert(jbool(jget(doc, "state"), "isStdErrTTY"));
	k6c__json_free(doc);
	k6c__buf_free(&out);
	k6c__metrics_free(m);
}
END_TEST

/* ---- --summary-export --------------------------------------------------- */

START_TEST(test_metrics_summary_export__fields)
{
	char *src = q(golden_doc);
	k6c__buf out = K6C__BUF_INIT;
	k6c__json *doc = NULL;

	ck_assert_int_eq(k6c__summary_export_from_data(src, strlen(src), &out), 0);
	ck_assert_msg(k6c__json_parse(&doc, out.ptr, out.len) == 0, "%s", out.ptr);
	ck_assert_ptr_null(k6c__json_get(doc, "options"));
	ck_assert_ptr_null(k6c__json_get(doc, "state"));
	/* Other keys stay as they were. */
	ck_assert_str_eq(jget(jget(doc, "setup_data"), "token")->string, "abc");

	/* Groups and checks keyed by name. */
	const k6c__json *root = jget(doc, "root_group");
	ck_assert_str_eq(jget(root, "id")->string, "d41d8cd98f00b204e9800998ecf8427e");
	const k6c__json *rc = jget(root, "checks");
	ck_assert_int_eq(rc->type, K6C__JSON_OBJECT);
	ck_assert_uint_eq(rc->len, 1);
	ck_assert(jnum(jget(rc, "status is 200"), "passes") == 38);
	ck_assert_str_eq(jget(jget(rc, "status is 200"), "path")->string, "::status is 200");
	const k6c__json *api = jget(jget(root, "groups"), "api");
	ck_assert_str_eq(jget(api, "path")->string, "::api");
	ck_assert_int_eq(jget(api, "groups")->type, K6C__JSON_OBJECT);
	ck_assert_uint_eq(jget(api, "groups")->len, 0);
	const k6c__json *tok = jget(jget(api, "checks"), "body has token");
	ck_assert(jnum(tok, "passes") == 18);
	ck_assert(jnum(tok, "fails") == 2);
	ck_assert_str_eq(jget(tok, "id")->string, "x");

	/* Values flattened; thresholds true when failed; rates as "value". */
	const k6c__json *ms = jget(doc, "metrics");
	const k6c__json *rate = jget(ms, "my_rate");
	ck_assert(jnum(rate, "value") == 0.75);
	ck_assert(jnum(rate, "passes") == 3);
	ck_assert(jnum(rate, "fails") == 1);
	ck_assert_ptr_null(k6c__json_get(rate, "rate"));
	ck_assert_ptr_null(k6c__json_get(rate, "type"));
	ck_assert_ptr_null(k6c__json_get(rate, "values"));
	ck_assert(jbool(jget(rate, "thresholds"), "rate>0.9") == true);
	const k6c__json *dur = jget(ms, "http_req_duration");
	ck_assert(jnum(dur, "avg") == 120.5);
	ck_assert(jnum(dur, "p(99)") == 450.05);
	ck_assert(jbool(jget(dur, "thresholds"), "p(95)<500") == false);
	ck_assert(jbool(jget(dur, "thresholds"), "p(99)<300") == true);
	const k6c__json *reqs = jget(ms, "http_reqs");
	ck_assert(jnum(reqs, "count") == 40);
	ck_assert(jnum(reqs, "rate") == 3.97);
	ck_assert(jbool(jget(reqs, "thresholds"), "rate>5") == true);
	const k6c__json *vus = jget(ms, "vus");
	ck_assert_uint_eq(vus->len, 3);
	ck_assert(jnum(vus, "value") == 5);
	ck_assert_ptr_null(k6c__json_get(vus, "thresholds"));
	ck_assert(jnum(jget(ms, "checks"), "value") == 0.9428571428571428);
	ck_assert(jnum(jget(ms, "http_req_duration{expected_response:true}"), "p(95)") == 210.1);
	k6c__json_free(doc);
	k6c__buf_free(&out);
	k6c__free(src);
}
END_TEST

/* The layout is JSON.stringify(value, null, 4)'s. */
START_TEST(test_metrics_summary_export__layout)
{
	char *src = q("{'root_group':{'name':'','path':'','id':'d41d8cd98f00b204e9800998ecf8427e',"
		"'groups':[{'name':'g','path':'::g','id':'i','groups':[],'checks':[{'name':'c',"
		"'path':'::g::c','id':'j','passes':1,'fails':0}]}],'checks':[]},"
		"'options':{'summaryTrendStats':['avg'],'summaryTimeUnit':'','noColor':true},"
		"'state':{'isStdOutTTY':false,'isStdErrTTY':false,'testRunDurationMs':1000},"
		"'metrics':{'r':{'type':'rate','contains':'default','values':{'rate':0.5,'passes':1,"
		"'fails':1},'thresholds':{'rate>0.9':{'ok':false}}},"
		"'t':{'type':'trend','contains':'time','values':{'avg':1e-7,'med':1e21,'p(90)':0.000001}},"
		"'c':{'type':'counter','contains':'default','values':{'count':3,'rate':3},'thresholds':{}},"
		"'c':{'type':'counter','contains':'default','values':{'count':4,'rate':4}}}}");
	k6c__buf out = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__summary_export_from_data(src, strlen(src), &out), 0);
	ck_assert_str_eq(out.ptr,
		"{\n"
		"    \"root_group\": {\n"
		"        \"name\": \"\",\n"
		"        \"path\": \"\",\n"
		"        \"id\": \"d41d8cd98f00b204e9800998ecf8427e\",\n"
		"        \"groups\": {\n"
		"            \"g\": {\n"
		"                \"name\": \"g\",\n"
		"                \"path\": \"::g\",\n"
		"                \"id\": \"i\",\n"
		"                \"groups\": {},\n"
		"                \"checks\": {\n"
		"                    \"c\": {\n"
		"                        \"name\": \"c\",\n"
		"                        \"path\": \"::g::c\",\n"
		"                        \"id\": \"j\",\n"
		"                        \"passes\": 1,\n"
		"                        \"fails\": 0\n"
		"                    }\n"
		"                }\n"
		"            }\n"
		"        },\n"
		"        \"checks\": {}\n"
		"    },\n"
		"    \"metrics\": {\n"
		"        \"r\": {\n"
		"            \"passes\": 1,\n"
		"            \"fails\": 1,\n"
		"            \"thresholds\": {\n"
		"                \"rate>0.9\": true\n"
		"            },\n"
		"            \"value\": 0.5\n"
		"        },\n"
		"        \"t\": {\n"
		"            \"avg\": 1e-7,\n"
		"            \"med\": 1e+21,\n"
		"            \"p(90)\": 0.000001\n"
		"        },\n"
		"        \"c\": {\n"
		"            \"count\": 4,\n"
		"            \"rate\": 4\n"
		"        }\n"
		"    }\n"
		"}");
	k6c__buf_free(&out);
	k6c__free(src);
}
END_TEST

/* ---- summary modes: legacy, full and disabled -------------------------- */

/* golden_doc in k6's pre-1.0 text (summary-legacy.js): root checks, then
 * the group "api" with its checks two columns in, then every metric sorted
 * by name (group_duration and http_req_waiting included), submetrics under
 * their parent two columns in, a mark where a metric has thresholds (✗ when
 * any failed). Widths: names to the widest, "  { expected_response:true }"
 * (28), plus 3 dots; non-trend values pad to 6, the gauges' first extra to
 * the widest first extra of any non-trend metric ("66 out of 70", 12), a
 * single extra not at all; trend columns to their widest cell. */
static const char *const legacy_lines[] = {
	"",
	"     ✗ status is 200",
	"      ↳  95% — ✓ 38 / ✗ 2",
	"",
	"     █ api",
	"",
	"       ✗ body has token",
	"        ↳  90% — ✓ 18 / ✗ 2",
	"       ✓ status is 200",
	"",
	"     checks.........................: 94.28% 66 out of 70",
	"     data_received..................: 512 kB 51 kB/s",
	"     data_sent......................: 4.2 kB 420 B/s",
	"     group_duration.................: avg=50ms    min=12ms   med=31ms    max=50ms    p(90)=45.8ms  p(95)=47.9ms ",
	"   ✗ http_req_duration..............: avg=120.5ms min=98.1ms med=110.2ms max=480.9ms p(90)=190.3ms p(95)=212.4ms",
	"     ✓ { expected_response:true }...: avg=118.9ms min=98.1ms med=109.8ms max=480.9ms p(90)=188ms   p(95)=210.1ms",
	"   ✗ http_req_failed................: 2.50%  1 out of 40",
	"     http_req_waiting...............: avg=100ms   min=90ms   med=95ms    max=470ms   p(90)=180ms   p(95)=200ms  ",
	"   ✗ http_reqs......................: 40     3.97/s",
	"     iteration_duration.............: avg=1.12s   min=1.09s  med=1.11s   max=1.48s   p(90)=1.19s   p(95)=1.21s  ",
	"     iterations.....................: 40     3.97/s",
	"     my_counter.....................: 5      0.5/s",
	"       { status:200 }...............: 3      0.3/s",
	"     my_gauge.......................: 2      min=1        max=3",
	"   ✗ my_rate........................: 75.00% 3 out of 4",
	"     vus............................: 5      min=5        max=5",
	"     vus_max........................: 5      min=5        max=5",
	"",
};

/* The breakdown of a full run: two top-level groups listed against their
 * sort order ("Auth" after "api" by localeCompare, before it by bytes), one
 * empty; "api" with checks and HTTP metrics and a group nested two deep;
 * one scenario with checks, group_duration (left out, as in k6) and a group
 * without "checks" and "groups" keys. */
static const char breakdown_doc[] =
	"{'groups':{'Auth':{'checks':[],'metrics':{},'groups':{}},"
	"  'api':{'checks':[{'name':'body has token','passes':18,'fails':2}],"
	"   'metrics':{'checks':{'type':'rate','contains':'default','values':{'rate':0.9,'passes':18,'fails':2}},"
	"    'http_reqs':{'type':'counter','contains':'default','values':{'count':20,'rate':2}},"
	"    'http_req_duration':{'type':'trend','contains':'time','values':{'avg':100,'min':90,'med':95,"
	"     'max':110,'p(90)':105,'p(95)':108}}},"
	"   'groups':{'inner':{'checks':[],'metrics':{'my_counter':{'type':'counter','contains':'default',"
	"     'values':{'count':2,'rate':0.2}}},"
	"    'groups':{'deep':{'checks':[{'name':'deep check','passes':0,'fails':1}],"
	"     'metrics':{'checks':{'type':'rate','contains':'default','values':{'rate':0,'passes':0,'fails':1}},"
	"      'my_gauge':{'type':'gauge','contains':'default','values':{'value':1,'min':1,'max':1}}},"
	"     'groups':{}}}}}}},"
	" 'scenarios':{'beta':{'checks':[{'name':'status is 200','passes':10,'fails':0}],"
	"  'metrics':{'checks':{'type':'rate','contains':'default','values':{'rate':1,'passes':10,'fails':0}},"
	"   'iterations':{'type':'counter','contains':'default','values':{'count':10,'rate':1}},"
	"   'data_sent':{'type':'counter','contains':'data','values':{'count':2000,'rate':200}},"
	"   'group_duration':{'type':'trend','contains':'time','values':{'avg':1,'min':1,'med':1,'max':1,"
	"    'p(90)':1,'p(95)':1}}},"
	"  'groups':{'solo':{'metrics':{'my_rate':{'type':'rate','contains':'default',"
	"   'values':{'rate':0.5,'passes':1,'fails':1}}}}}}}}";

/* golden_doc and breakdown_doc in full mode: golden_lines with
 * http_req_waiting (full leaves out only checks and group_duration) and
 * these blocks after them, one per top-level group and per scenario,
 * sorted; a block's checks, sections and widths are computed as in TOTAL
 * RESULTS; every nested group has k6's "↳ GROUP:" title at 4 columns and
 * content at 6, however deep, and a failed check's counts at 10 there. */
static const char full_waiting[] =
	"    http_req_waiting...............: avg=100ms   min=90ms   med=95ms    max=470ms   p(90)=180ms   "
	"p(95)=200ms  ";
static const char *const full_blocks[] = {
	"  █ GROUP: api ",
	"",
	"    checks_total.......: 20     2/s",
	"    checks_succeeded...: 90.00% 18 out of 20",
	"    checks_failed......: 10.00% 2 out of 20",
	"",
	"    ✗ body has token",
	"      ↳  90% — ✓ 18 / ✗ 2",
	"",
	"    HTTP",
	"    http_req_duration...: avg=100ms min=90ms med=95ms max=110ms p(90)=105ms p(95)=108ms",
	"    http_reqs...........: 20 2/s",
	"",
	"    ↳ GROUP: inner ",
	"      CUSTOM",
	"      my_counter...: 2 0.2/s",
	"",
	"    ↳ GROUP: deep ",
	"      checks_total.......: 1       0.1/s",
	"      checks_succeeded...: 0.00%   0 out of 1",
	"      checks_failed......: 100.00% 1 out of 1",
	"",
	"      ✗ deep check",
	"          ↳  0% — ✓ 0 / ✗ 1",
	"",
	"      CUSTOM",
	"      my_gauge...: 1 min=1 max=1",
	"",
	"",
	"  █ GROUP: Auth ",
	"",
	"",
	"  █ SCENARIO: beta ",
	"",
	"    checks_total.......: 10      1/s",
	"    checks_succeeded...: 100.00% 10 out of 10",
	"    checks_failed......: 0.00%   0 out of 10",
	"",
	"    ✓ status is 200",
	"",
	"    EXECUTION",
	"    iterations...: 10     1/s",
	"",
	"    NETWORK",
	"    data_sent....: 2.0 kB 200 B/s",
	"",
	"    ↳ GROUP: solo ",
	"      CUSTOM",
	"      my_rate...: 50.00% 1 out of 2",
	"",
	"",
};

static void render_mode(const char *json, const char *bd, k6c__summary_mode mode, bool colors,
	k6c__buf *out)
{
	k6c__buf_clear(out);
	ck_assert_msg(k6c__summary_text_mode(json, strlen(json), bd, mode, " ", colors, out) == 0, "%s",
		k6c_error_last() ? k6c_error_last()->message : "");
}

START_TEST(test_metrics_summary_modes__legacy_golden)
{
	char *doc = q(golden_doc);
	k6c__buf out = K6C__BUF_INIT;

	render_mode(doc, NULL, K6C__SUMMARY_LEGACY, false, &out);
	assert_lines(out.ptr, legacy_lines, K6C__ARRAY_LEN(legacy_lines));
	/* Colours as summary-legacy.js decorates: the check with its
	 * indentation, faint dots, cyan values, faint cyan extras. */
	render_mode(doc, NULL, K6C__SUMMARY_LEGACY, true, &out);
	static const char *const want[] = {
		"\n\x1b[31m     ✗ status is 200\n      ↳  95% — ✓ 38 / ✗ 2\x1b[0m\n",
		"\n\x1b[32m       ✓ status is 200\x1b[0m\n",
		"\n   \x1b[31m✗\x1b[0m http_reqs\x1b[2m......................:\x1b[0m \x1b[36m40\x1b[0m     "
		"\x1b[36;2m3.97/s\x1b[0m\n",
		"\n     \x1b[32m✓\x1b[0m { expected_response:true }\x1b[2m...:\x1b[0m avg=\x1b[36m118.9ms\x1b[0m ",
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(out.ptr, want[i]) != NULL, "no '%s' in:\n%s", want[i], out.ptr);
	k6c__buf_free(&out);
	k6c__free(doc);
}
END_TEST

START_TEST(test_metrics_summary_modes__full_golden)
{
	char *doc = q(golden_doc), *bd = q(breakdown_doc);
	k6c__buf out = K6C__BUF_INIT, compact = K6C__BUF_INIT;

	const char *want[K6C__ARRAY_LEN(golden_lines) + 1 + K6C__ARRAY_LEN(full_blocks)];
	size_t n = 0;
	for (size_t i = 0; i < K6C__ARRAY_LEN(golden_lines); i++) {
		want[n++] = golden_lines[i];
		if (strncmp(golden_lines[i], "    http_req_failed.", 20) == 0)
			want[n++] = full_waiting;
	}
	ck_assert_uint_eq(n, K6C__ARRAY_LEN(golden_lines) + 1);
	for (size_t i = 0; i < K6C__ARRAY_LEN(full_blocks); i++)
		want[n++] = full_blocks[i];
	render_mode(doc, bd, K6C__SUMMARY_FULL, false, &out);
	assert_lines(out.ptr, want, n);
	/* Without a breakdown, full is compact with the longer metric list. */
	render_mode(doc, NULL, K6C__SUMMARY_FULL, false, &out);
	ck_assert_ptr_null(strstr(out.ptr, "GROUP:"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "http_req_waiting"));
	/* Compact ignores a breakdown. */
	render_mode(doc, bd, K6C__SUMMARY_COMPACT, false, &out);
	render(doc, " ", false, &compact);
	ck_assert_str_eq(out.ptr, compact.ptr);
	/* Titles are bold like the others. */
	render_mode(doc, bd, K6C__SUMMARY_FULL, true, &out);
	ck_assert_ptr_nonnull(strstr(out.ptr, "\n  █ \x1b[1mSCENARIO: beta\x1b[0m \n"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "\n    ↳ \x1b[1mGROUP: inner\x1b[0m \n"));
	/* A breakdown that is not one fails without output. */
	k6c__buf_clear(&out);
	ck_assert_int_eq(k6c__summary_text_mode(doc, strlen(doc), "[1]", K6C__SUMMARY_FULL, " ", false,
		&out), K6C_EINVAL);
	ck_assert_uint_eq(out.len, 0);
	k6c__buf_free(&compact);
	k6c__buf_free(&out);
	k6c__free(doc);
	k6c__free(bd);
}
END_TEST

START_TEST(test_metrics_summary_modes__disabled_and_names)
{
	static const char *const names[] = { "compact", "full", "legacy", "disabled" };
	k6c__summary_mode mode;
	k6c__buf out = K6C__BUF_INIT;
	char *doc = q(golden_doc);

	for (size_t i = 0; i < K6C__ARRAY_LEN(names); i++) {
		ck_assert_int_eq(k6c__summary_mode_parse(names[i], &mode), 0);
		ck_assert_int_eq(mode, (k6c__summary_mode)i);
	}
	ck_assert_int_eq(k6c__summary_mode_parse("Full", &mode), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "'Full'"));
	ck_assert_int_eq(k6c__summary_mode_parse("", &mode), K6C_EINVAL);
	k6c__buf_puts(&out, "kept");
	ck_assert_int_eq(k6c__summary_text_mode(doc, strlen(doc), NULL, K6C__SUMMARY_DISABLED, " ", false,
		&out), 0);
	ck_assert_str_eq(out.ptr, "kept");
	k6c__buf_free(&out);
	k6c__free(doc);
}
END_TEST

/* Feeds the same samples to two registries, one keeping the breakdown. */
static void breakdown_samples(k6c__metrics *m, int counter)
{
	k6c__samples *s = NULL;

	ck_assert_int_eq(k6c__samples_new(m, &s), 0);
	/* The default scenario's groups are top-level groups. */
	add1(s, K6C__M_CHECKS, 1, "scenario", "default", "group", "::a", "check", "c1", NULL);
	add1(s, counter, 2, "scenario", "default", "group", "::a::b", NULL);
	add1(s, counter, 3, "scenario", "default", "group", "::a::b", NULL);
	/* Another scenario gets its own samples and its groups. */
	add1(s, counter, 5, "scenario", "s2", NULL);
	add1(s, K6C__M_CHECKS, 0, "scenario", "s2", "group", "::a", "check", "c2", NULL);
	add1(s, K6C__M_CHECKS, 1, "scenario", "s2", "group", "::a", "check", "c2", NULL);
	/* Neither a group nor a named scenario: the totals only. */
	add1(s, counter, 7, NULL);
	add1(s, K6C__M_VUS, 1, "scenario", "default", NULL);
	k6c__samples_free(s);
	k6c__metrics_stop(m);
}

/* The value at a "/"-separated path of keys, or NULL. */
static const k6c__json *jpath(const k6c__json *j, const char *path)
{
	char buf[256], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k != NULL; k = strtok_r(NULL, "/", &save)) {
		ck_assert_msg(j != NULL && j->type == K6C__JSON_OBJECT, "%s: not an object at %s", path, k);
		j = k6c__json_get(j, k);
	}
	return j;
}

static double jpath_num(const k6c__json *j, const char *path)
{
	const k6c__json *v = jpath(j, path);
	ck_assert_msg(v != NULL && v->type == K6C__JSON_NUMBER, "%s: no number", path);
	return v->number;
}

START_TEST(test_metrics_summary_modes__registry_breakdown)
{
	k6c__metrics *on = NULL, *off = NULL;
	int c_on, c_off;
	k6c__summary_opts opts = { 0 };
	k6c__buf bd = K6C__BUF_INIT, j_on = K6C__BUF_INIT, j_off = K6C__BUF_INIT, text = K6C__BUF_INIT;
	k6c__json *j = NULL;

	ck_assert_int_eq(k6c__metrics_new(&on, NULL), 0);
	ck_assert_int_eq(k6c__metrics_new(&off, NULL), 0);
	ck_assert_int_eq(k6c__metrics_register(on, "things", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &c_on), 0);
	ck_assert_int_eq(k6c__metrics_register(off, "things", K6C__COUNTER, K6C__CONTAINS_DEFAULT, &c_off), 0);
	k6c__metrics_set_breakdown(on, true);
	breakdown_samples(on, c_on);
	breakdown_samples(off, c_off);
	opts.test_duration_ms = 1000;
	opts.no_color = true;

	/* handleSummary's data does not change with the breakdown. */
	ck_assert_int_eq(k6c__metrics_summary_json(on, &opts, &j_on), 0);
	ck_assert_int_eq(k6c__metrics_summary_json(off, &opts, &j_off), 0);
	ck_assert_str_eq(j_on.ptr, j_off.ptr);

	ck_assert_int_eq(k6c__metrics_summary_breakdown_json(off, &opts, &bd), 0);
	ck_assert_str_eq(bd.ptr, "{\"groups\":{},\"scenarios\":{}}");
	k6c__buf_clear(&bd);
	ck_assert_int_eq(k6c__metrics_summary_breakdown_json(on, &opts, &bd), 0);
	ck_assert_int_eq(k6c__json_parse(&j, bd.ptr, bd.len), 0);
	/* ::a has its check; ::a::b's samples count in b only. */
	ck_assert_double_eq(jpath_num(j, "groups/a/metrics/checks/values/passes"), 1);
	ck_assert_ptr_null(jpath(j, "groups/a/metrics/things"));
	ck_assert_double_eq(jpath_num(j, "groups/a/groups/b/metrics/things/values/count"), 5);
	ck_assert_double_eq(jpath_num(j, "groups/a/groups/b/metrics/things/values/rate"), 5);
	ck_assert_str_eq(jpath(j, "groups/a/checks")->items[0]->items[0]->string, "c1");
	/* s2 has its own sample and its group's, and the group its checks. */
	ck_assert_double_eq(jpath_num(j, "scenarios/s2/metrics/things/values/count"), 5);
	ck_assert_double_eq(jpath_num(j, "scenarios/s2/metrics/checks/values/fails"), 1);
	ck_assert_double_eq(jpath_num(j, "scenarios/s2/groups/a/metrics/checks/values/rate"), 0.5);
	const k6c__json *c2 = jpath(j, "scenarios/s2/groups/a/checks")->items[0];
	ck_assert_str_eq(k6c__json_get(c2, "name")->string, "c2");
	ck_assert_double_eq(k6c__json_get(c2, "passes")->number, 1);
	ck_assert_double_eq(k6c__json_get(c2, "fails")->number, 1);
	/* No block for the default scenario, and nothing of the untagged. */
	ck_assert_ptr_null(jpath(j, "scenarios/default"));
	ck_assert_uint_eq(jpath(j, "scenarios")->len, 1);
	ck_assert_uint_eq(jpath(j, "groups")->len, 1);

	/* The registry's text in each mode. */
	opts.mode = K6C__SUMMARY_FULL;
	ck_assert_int_eq(k6c__metrics_summary_text(on, &opts, &text), 0);
	ck_assert_ptr_nonnull(strstr(text.ptr, "\n  █ GROUP: a \n"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "\n    ↳ GROUP: b \n      CUSTOM\n      things...: 5 5/s\n"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "\n  █ SCENARIO: s2 \n"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "\n      ✗ c2\n          ↳  50% — ✓ 1 / ✗ 1\n"));
	k6c__buf_clear(&text);
	opts.mode = K6C__SUMMARY_LEGACY;
	ck_assert_int_eq(k6c__metrics_summary_text(on, &opts, &text), 0);
	ck_assert_ptr_nonnull(strstr(text.ptr, "\n     █ a\n\n       ✓ c1\n"));
	ck_assert_ptr_nonnull(strstr(text.ptr, "\n     things...: 17     17/s"));
	k6c__buf_clear(&text);
	opts.mode = K6C__SUMMARY_DISABLED;
	ck_assert_int_eq(k6c__metrics_summary_text(on, &opts, &text), 0);
	ck_assert_uint_eq(text.len, 0);

	k6c__json_free(j);
	k6c__buf_free(&bd);
	k6c__buf_free(&j_on);
	k6c__buf_free(&j_off);
	k6c__buf_free(&text);
	k6c__metrics_free(on);
	k6c__metrics_free(off);
}
END_TEST

/* ---- documents that are not what they should be ------------------------ */

START_TEST(test_metrics_summary_data__bad_documents)
{
	static const struct { const char *doc, *msg; } bad[] = {
		{ "{", "not valid JSON" },
		{ "[]", "not a JSON object" },
		{ "{}", "no \"metrics\" object" },
		{ "{'metrics':[]}", "no \"metrics\" object" },
		{ "{'metrics':{'a':1}}", "metric 'a' is not an object" },
		{ "{'metrics':{'a':{'values':{}}}}", "metric 'a' has no \"type\" string" },
		{ "{'metrics':{'a':{'type':'histogram','values':{}}}}", "type 'histogram'" },
		{ "{'metrics':{'a':{'type':'counter','contains':'bytes','values':{}}}}", "contains 'bytes'" },
		{ "{'metrics':{'a':{'type':'counter','contains':'data'}}}", "metric 'a' has no \"values\" object" },
		{ "{'metrics':{'a':{'type':'counter','values':{'count':1}}}}",
			"metric 'a' (counter) has no number \"rate\"" },
		{ "{'metrics':{'a':{'type':'counter','values':{'count':'1','rate':1}}}}",
			"has no number \"count\"" },
		{ "{'metrics':{'a':{'type':'trend','values':{'avg':1,'min':1,'med':1,'max':1,'p(90)':1}}}}",
			"metric 'a' (trend) has no number \"p(95)\"" },
		{ "{'metrics':{'a':{'type':'rate','values':{'rate':1,'passes':1,'fails':0},"
			"'thresholds':{'rate>0':{'ok':1}}}}}", "threshold 'rate>0' of metric 'a'" },
		{ "{'metrics':{'a':{'type':'rate','values':{'rate':1,'passes':1,'fails':0},"
			"'thresholds':[]}}}", "\"thresholds\" is not an object" },
		{ "{'options':[],'metrics':{}}", "\"options\" is not an object" },
		{ "{'options':{'summaryTrendStats':'avg'},'metrics':{}}", "summaryTrendStats is not an array" },
		{ "{'options':{'summaryTrendStats':['avg',1]},'metrics':{}}", "summaryTrendStats[1]" },
		{ "{'options':{'summaryTimeUnit':'h'},'metrics':{}}", "summaryTimeUnit 'h'" },
		{ "{'state':{'testRunDurationMs':'1s'},'metrics':{}}", "testRunDurationMs is not a number" },
		{ "{'root_group':[],'metrics':{}}", "root_group is not an object" },
		{ "{'root_group':{'checks':{}},'metrics':{}}", "checks of root_group are not an array" },
		{ "{'root_group':{'checks':[{'name':'c','passes':1}]},'metrics':{}}",
			"check 'c' of root_group has no numbers" },
		{ "{'root_group':{'checks':[{'passes':1,'fails':0}]},'metrics':{}}",
			"check 0 of root_group has no \"name\"" },
		{ "{'root_group':{'groups':[{'name':'g','groups':[{'name':'h','checks':[1]}]}]},'metrics':{}}",
			"check 0 of group 'h'" },
	};
	k6c__buf out = K6C__BUF_INIT;

	k6c__buf_puts(&out, "kept");
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad); i++) {
		char *doc = q(bad[i].doc);
		const char *msg = bad[i].msg;
		ck_assert_msg(k6c__summary_text_from_data(doc, strlen(doc), " ", false, &out) == K6C_EINVAL,
			"accepted %s", doc);
		ck_assert_msg(strstr(k6c_error_last()->message, msg) != NULL &&
			strncmp(k6c_error_last()->message, "summary data: ", 14) == 0,
			"%s: message '%s' does not say '%s'", doc, k6c_error_last()->message, msg);
		ck_assert_str_eq(out.ptr, "kept");
		k6c__free(doc);
	}
	ck_assert_int_eq(k6c__summary_text_from_data(NULL, 0, " ", false, &out), K6C_EINVAL);
	ck_assert_int_eq(k6c__summary_text_from_data("{}", 2, " ", false, NULL), K6C_EINVAL);
	/* len bounds the text. */
	ck_assert_int_eq(k6c__summary_text_from_data("{\"metrics\":{}}", 5, " ", false, &out),
		K6C_EINVAL);

	static const struct { const char *doc, *msg; } bad_export[] = {
		{ "1", "not a JSON object" },
		{ "{'root_group':{}}", "no \"metrics\" object" },
		{ "{'metrics':{}}", "no \"root_group\" object" },
		{ "{'root_group':{},'metrics':{'a':[]}}", "metric 'a' is not an object" },
		{ "{'root_group':{},'metrics':{'a':{'type':'rate'}}}", "metric 'a' has no \"values\" object" },
		{ "{'root_group':{},'metrics':{'a':{'type':1,'values':{}}}}", "\"type\" is not a string" },
		{ "{'root_group':{},'metrics':{'a':{'values':{},'thresholds':{'x':{}}}}}",
			"threshold 'x' of metric 'a' has no boolean \"ok\"" },
		{ "{'root_group':{'groups':[{'checks':[]}]},'metrics':{}}",
			"group 0 of root_group has no \"name\" string" },
		{ "{'root_group':{'groups':[{'name':'g','checks':[{'passes':1}]}]},'metrics':{}}",
			"check 0 of group 'g' has no \"name\" string" },
		{ "{'root_group':{'groups':[1]},'metrics':{}}", "group 0 of root_group" },
	};
	for (size_t i = 0; i < K6C__ARRAY_LEN(bad_export); i++) {
		char *doc = q(bad_export[i].doc);
		const char *msg = bad_export[i].msg;
		ck_assert_msg(k6c__summary_export_from_data(doc, strlen(doc), &out) == K6C_EINVAL,
			"accepted %s", doc);
		ck_assert_msg(strstr(k6c_error_last()->message, msg) != NULL,
			"%s: message '%s' does not say '%s'", doc, k6c_error_last()->message, msg);
		ck_assert_str_eq(out.ptr, "kept");
		k6c__free(doc);
	}
	ck_assert_int_eq(k6c__summary_export_from_data(NULL, 0, &out), K6C_EINVAL);
	ck_assert_int_eq(k6c__summary_export_from_data("{}", 2, NULL), K6C_EINVAL);
	k6c__buf_free(&out);
}
END_TEST

static Suite *summary_suite(void)
{
	Suite *s = suite_create("metrics_summary");
	TCase *tc = tcase_create("metrics_summary");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_metrics_summary_data__text_golden);
	tcase_add_test(tc, test_metrics_summary_data__colors);
	tcase_add_test(tc, test_metrics_summary_data__indent);
	tcase_add_test(tc, test_metrics_summary_data__options);
	tcase_add_test(tc, test_metrics_summary_data__registry_round_trip);
	tcase_add_test(tc, test_metrics_summary_data__json_state_setup);
	tcase_add_test(tc, test_metrics_summary_export__fields);
	tcase_add_test(tc, test_metrics_summary_export__layout);
	tcase_add_test(tc, test_metrics_summary_data__bad_documents);
	tcase_add_test(tc, test_metrics_summary_modes__legacy_golden);
	tcase_add_test(tc, test_metrics_summary_modes__full_golden);
	tcase_add_test(tc, test_metrics_summary_modes__disabled_and_names);
	tcase_add_test(tc, test_metrics_summary_modes__registry_breakdown);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(summary_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
