/*
 * test_engine_vm.c - the JavaScript runtime: loading a script graph once
 * (imports, syntax and init errors, options, exports), and VUs run by the
 * real scheduler against a local httpbin: k6 and k6/http semantics checked
 * through the samples the metrics layer receives and the log lines; the
 * lifecycle seen from JavaScript (handleSummary and its outputs, the
 * k6c/summary module, k6/execution, test.abort/fail, per-scenario env and
 * tags, init-context rules).
 */
#include <check.h>
#include <malloc.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "http/http.h"
#include "k6c/test.h"
#include "metrics/metrics.h"
#include "sched/sched.h"
#include "server.h"
#include "util/util.h"

static ts_server httpbin;
static bool httpbin_ok;

/* ---- Collecting logs and samples ------------------------------------------- */

typedef struct collect {
	pthread_mutex_t lock;
	k6c__buf logs;       /* "<level>|<line>\n" */
	k6c__buf samples;    /* "<metric>|k=v|k=v|...|md:k=v|...|#<value>\n" */
	k6c__metrics *m;
	bool set_system_tags;    /* give the registry system_tags (else k6's default) */
	uint32_t system_tags;
	size_t raw_tag_sets;     /* k6c__metrics_raw_tag_sets at the end of the run */
	/* With handleSummary: the data it was given and the default text
	 * (no colours) of the same run. */
	bool summary;
	k6c__buf sum_json;
	k6c__buf sum_text;
} collect;

static void on_log(int level, const char *msg, void *arg)
{
	collect *c = arg;

	pthread_mutex_lock(&c->lock);
	k6c__buf_printf(&c->logs, "%d|%s\n", level, msg);
	pthread_mutex_unlock(&c->lock);
}

static void on_samples(const k6c__sample_view *s, size_t n, void *arg)
{
	collect *c = arg;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < n; i++) {
		k6c__metric_info info;

		if (k6c__metrics_info(c->m, s[i].metric, &info) != 0)
			info.name = "?";
		k6c__buf_printf(&c->samples, "%s|", info.name);
		for (size_t j = 0; j < s[i].ntags; j++)
			k6c__buf_printf(&c->samples, "%s=%s|", s[i].tags[j].key, s[i].tags[j].value);
		for (size_t j = 0; j < s[i].nmetadata; j++)
			k6c__buf_printf(&c->samples, "md:%s=%s|", s[i].metadata[j].key,
				s[i].metadata[j].value);
		k6c__buf_printf(&c->samples, "#%.17g\n", s[i].value);
	}
	pthread_mutex_unlock(&c->lock);
}

/* Samples of metric carrying every "k=v" of filters (NULL-terminated);
 * *sum gets the sum of their values. */
static int count_samples(collect *c, const char *metric, const char *const *filters, double *sum)
{
	const char *p = c->samples.ptr;
	int count = 0;
	size_t mlen = strlen(metric);

	if (sum != NULL)
		*sum = 0;
	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		char *line = strndup(p, len);
		bool match = strncmp(line, metric, mlen) == 0 && line[mlen] == '|';

		for (size_t i = 0; match && filters != NULL && filters[i] != NULL; i++) {
			char pat[512];

			snprintf(pat, sizeof(pat), "|%s|", filters[i]);
			if (strstr(line, pat) == NULL)
				match = false;
		}
		if (match) {
			count++;
			if (sum != NULL)
				*sum += strtod(strrchr(line, '#') + 1, NULL);
		}
		free(line);
		p = eol != NULL ? eol + 1 : NULL;
	}
	return count;
}

static bool log_has(collect *c, const char *needle)
{
	return c->logs.ptr != NULL && strstr(c->logs.ptr, needle) != NULL;
}

static const char *logs_of(collect *c)
{
	return c->logs.ptr != NULL ? c->logs.ptr : "";
}

/* ---- Loading and running --------------------------------------------------- */

static char fixture[PATH_MAX + 64];

/* Fixture paths are normalised the way the loader names files in messages
 * (K6C_TEST_SRCDIR may contain ".."). */
static const char *fixture_path(const char *name)
{
	char dir[PATH_MAX];

	if (realpath(ts_srcdir(), dir) == NULL)
		snprintf(dir, sizeof(dir), "%s", ts_srcdir());
	snprintf(fixture, sizeof(fixture), "%s/unit/js/%s", dir, name);
	return fixture;
}

static int load(k6c__program **out, const char *name, const char *src, collect *c)
{
	const char *env[4] = { "BASE", httpbin.base_url, "CLOSED", "" };
	char closed[64];
	k6c__engine_config cfg;

	snprintf(closed, sizeof(closed), "http://127.0.0.1:%d/", ts_closed_port());
	env[3] = closed;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cache_dir = getenv("K6C_CACHE_DIR");
	cfg.env = env;
	cfg.nenv = 2;
	cfg.log = on_log;
	cfg.log_arg = c;
	return k6c__program_new(out, name, src, src != NULL ? strlen(src) : 0, &cfg);
}

static void collect_init(collect *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

static void collect_free(collect *c)
{
	k6c__buf_free(&c->logs);
	k6c__buf_free(&c->samples);
	k6c__buf_free(&c->sum_json);
	k6c__buf_free(&c->sum_text);
	pthread_mutex_destroy(&c->lock);
}

/* The scheduler's summary_data hook: what the API does (finalise the
 * metrics, render the data), plus the default text for comparisons. */
static const char *on_summary_data(void *arg, const k6c__sched_result *r)
{
	collect *c = arg;
	k6c__summary_opts so;

	memset(&so, 0, sizeof(so));
	so.test_duration_ms = r->duration_ms;
	so.no_color = true;
	k6c__metrics_stop(c->m);
	k6c__buf_clear(&c->sum_json);
	k6c__buf_clear(&c->sum_text);
	if (k6c__metrics_summary_json(c->m, &so, &c->sum_json) != 0 ||
		k6c__metrics_summary_text(c->m, &so, &c->sum_text) != 0)
		return NULL;
	return c->sum_json.ptr;
}

/* Runs prog with the scenarios; samples and logs land in c. With
 * c->summary, handleSummary runs with the run's summary data. */
static k6c__sched_result run_multi(k6c__program *prog, const k6c__scenario *scs, size_t nsc,
	collect *c)
{
	k6c__metrics_config mcfg;
	k6c__sched_config scfg;
	k6c__sched *s = NULL;
	k6c__sched_result res;

	memset(&mcfg, 0, sizeof(mcfg));
	mcfg.on_samples = on_samples;
	mcfg.on_samples_arg = c;
	ck_assert_int_eq(k6c__metrics_new(&c->m, &mcfg), 0);
	if (c->set_system_tags)
		k6c__metrics_set_system_tags(c->m, c->system_tags);
	ck_assert_int_eq(k6c__metrics_start(c->m), 0);

	memset(&scfg, 0, sizeof(scfg));
	scfg.workers = 2;
	scfg.ops = &k6c__engine_vu_ops;
	scfg.ops_ctx = prog;
	scfg.metrics = c->m;
	scfg.log = on_log;
	scfg.log_arg = c;
	scfg.scenarios = scs;
	scfg.nscenarios = nsc;
	if (c->summary) {
		scfg.summary_data = on_summary_data;
		scfg.summary_data_arg = c;
	}
	ck_assert_int_eq(k6c__sched_new(&s, &scfg), 0);
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(k6c__sched_run(s, &res), 0);
	k6c__sched_free(s);
	k6c__metrics_stop(c->m);
	c->raw_tag_sets = k6c__metrics_raw_tag_sets(c->m);
	k6c__metrics_free(c->m);
	c->m = NULL;
	return res;
}

/* Runs prog with one scenario. */
static k6c__sched_result run(k6c__program *prog, const k6c__scenario *sc, collect *c)
{
	return run_multi(prog, sc, 1, c);
}

static k6c__scenario per_vu(unsigned vus, uint64_t iters)
{
	k6c__scenario sc;

	memset(&sc, 0, sizeof(sc));
	sc.name = "default";
	sc.executor = K6C__EXEC_PER_VU_ITERATIONS;
	sc.vus = vus;
	sc.iterations = iters;
	sc.graceful_stop_ms = -1;
	return sc;
}

/* Loads src (named name, in the fixtures directory) and runs it. */
static k6c__sched_result run_src(const char *name, const char *src, k6c__scenario sc, collect *c)
{
	k6c__program *prog = NULL;
	k6c__sched_result res;
	int rc;

	rc = load(&prog, fixture_path(name), src, c);
	ck_assert_msg(rc == 0, "load: %s", k6c_error_last() ? k6c_error_last()->message : "?");
	res = run(prog, &sc, c);
	k6c__program_free(prog);
	return res;
}

/* ---- Loading ------------------------------------------------------------------- */

START_TEST(test_engine_vm_load__imports_options_open)
{
	k6c__program *prog = NULL;
	collect c;
	const char *json;

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("vm_main.js"), NULL, &c), 0);
	json = k6c__program_options_json(prog);
	ck_assert_ptr_nonnull(strstr(json, "\"vus\":2"));
	ck_assert_ptr_nonnull(strstr(json, "\"greeting\":\"hello k6c!\""));
	ck_assert_ptr_nonnull(strstr(json, "\"limit\":20"));
	ck_assert_ptr_nonnull(strstr(json, "\"text\":\"line one\\nline two\\n\""));
	ck_assert_ptr_nonnull(strstr(json, "\"nbytes\":18"));
	ck_assert_ptr_nonnull(strstr(json, "\"ns\":\"function\""));
	ck_assert(k6c__program_has_function(prog, "default"));
	ck_assert(k6c__program_has_function(prog, "setup"));
	ck_assert(k6c__program_has_function(prog, "teardown"));
	ck_assert(!k6c__program_has_function(prog, "options"));
	ck_assert(!k6c__program_has_function(prog, "handleSummary"));
	k6c__program_free(prog);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_load__no_options)
{
	k6c__program *prog = NULL;
	collect c;

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("inline.js"), "export default function () {}\n", &c), 0);
	ck_assert_str_eq(k6c__program_options_json(prog), "{}");
	k6c__program_free(prog);
	/* In-memory source: relative imports resolve against the name's directory. */
	ck_assert_int_eq(load(&prog, fixture_path("inline.js"),
		"import { greet } from './lib/vm_helper.js';\n"
		"export const options = { ext: greet('x') };\nexport default function () {}\n", &c), 0);
	ck_assert_str_eq(k6c__program_options_json(prog), "{\"ext\":\"hello x!\"}");
	k6c__program_free(prog);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_load__syntax_error)
{
	k6c__program *prog = NULL;
	collect c;
	const k6c_error *e;
	char want[PATH_MAX + 128];

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("bad.js"),
		"export default function () {\n  let x = ;\n}\n", &c), K6C_ESCRIPT);
	ck_assert_ptr_null(prog);
	e = k6c_error_last();
	snprintf(want, sizeof(want), "%s:2:", fixture_path("bad.js"));
	ck_assert_msg(strncmp(e->message, want, strlen(want)) == 0, "message: %s", e->message);
	ck_assert_ptr_nonnull(strstr(e->message, "SyntaxError"));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_load__init_exception)
{
	k6c__program *prog = NULL;
	collect c;
	const k6c_error *e;
	char want[PATH_MAX + 128];

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("throws.js"),
		"const a = 1;\nfunction f() {\n  throw new Error('boom in init');\n}\nf();\n"
		"export default function () {}\n", &c), K6C_ESCRIPT);
	e = k6c_error_last();
	ck_assert_ptr_nonnull(strstr(e->message, "Error: boom in init"));
	snprintf(want, sizeof(want), "at f (%s:3)", fixture_path("throws.js"));
	ck_assert_msg(strstr(e->message, want) != NULL, "message: %s", e->message);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_load__unknown_module)
{
	k6c__program *prog = NULL;
	collect c;

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("unknown.js"),
		"import nope from 'k6/nope';\nexport default function () {}\n", &c), K6C_ESCRIPT);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "unknown module: k6/nope"));
	ck_assert_int_eq(load(&prog, fixture_path("missing.js"),
		"import x from './no_such_file.js';\nexport default function () {}\n", &c), K6C_ESCRIPT);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "no_such_file.js"));
	ck_assert_int_eq(load(&prog, fixture_path("no_such_entry.js"), NULL, &c), K6C_EIO);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_load__init_context_rules)
{
	static const char *const srcs[] = {
		"import { check } from 'k6';\ncheck(1, { a: true });\nexport default function () {}\n",
		"import { group } from 'k6';\ngroup('x', () => {});\nexport default function () {}\n",
		"import http from 'k6/http';\nhttp.get('http://127.0.0.1:1/');\nexport default function () {}\n",
	};
	static const char *const want[] = {
		"Using check() in the init context is not supported",
		"Using group() in the init context is not supported",
		"Making http requests in the init context is not supported",
	};
	collect c;

	collect_init(&c);
	for (size_t i = 0; i < 3; i++) {
		k6c__program *prog = NULL;

		ck_assert_int_eq(load(&prog, fixture_path("init.js"), srcs[i], &c), K6C_ESCRIPT);
		ck_assert_msg(strstr(k6c_error_last()->message, want[i]) != NULL, "%s",
			k6c_error_last()->message);
	}
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_load__cycle_and_commonjs)
{
	k6c__program *prog = NULL;
	collect c;

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("vm_cycle_a.js"), NULL, &c), 0);
	ck_assert_str_eq(k6c__program_options_json(prog), "{\"ext\":{\"v\":\"ba\"}}");
	ck_assert(k6c__program_has_function(prog, "a"));
	k6c__program_free(prog);
	ck_assert_int_eq(load(&prog, fixture_path("cjs.js"),
		"var k6 = require('k6');\nmodule.exports.options = { vus: 3 };\n"
		"module.exports.default = function () { k6.sleep(0); };\n", &c), 0);
	ck_assert_str_eq(k6c__program_options_json(prog), "{\"vus\":3}");
	ck_assert(k6c__program_has_function(prog, "default"));
	k6c__program_free(prog);
	collect_free(&c);
}
END_TEST

/* ---- Running VUs ---------------------------------------------------------------- */

START_TEST(test_engine_vm_run__setup_data_group_check)
{
	k6c__program *prog = NULL;
	k6c__scenario sc = per_vu(2, 3);
	k6c__sched_result res;
	collect c;

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("vm_main.js"), NULL, &c), 0);
	res = run(prog, &sc, &c);
	k6c__program_free(prog);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 6);
	ck_assert_int_eq(count_samples(&c, "checks",
		(const char *const[]){ "check=token passed", "group=::g", "scenario=default", NULL }, NULL), 6);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=token passed", NULL },
		NULL), 6);
	{
		double sum;

		count_samples(&c, "checks", NULL, &sum);
		ck_assert_msg(sum == 6, "passes %g\n%s", sum, logs_of(&c));
	}
	ck_assert_int_eq(count_samples(&c, "group_duration",
		(const char *const[]){ "group=::g", "scenario=default", NULL }, NULL), 6);
	ck_assert_int_ge(count_samples(&c, "data_received", NULL, NULL), 6);
	ck_assert_msg(log_has(&c, "teardown token abc"), "%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

/* Each kind of setup() result reaches every iteration of a VU (the VM keeps
 * objects and strings by heap pointer, undefined as a flag, the rest in the
 * stash); an object is the same one in every iteration of a VU. */
START_TEST(test_engine_vm_run__setup_data_kinds)
{
	static const char *const cases[][2] = {
		{ "return 42;", "data === 42" },
		{ "return 'str';", "data === 'str'" },
		{ "", "data === undefined" },
		{ "return null;", "data === null" },
		{ "return { n: 0 };", "data.n++ === __ITER" },
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		collect c;
		k6c__sched_result res;
		double sum;
		char src[512];

		snprintf(src, sizeof(src),
			"import { check } from 'k6';\n"
			"export function setup() { %s }\n"
			"export default function (data) { check(data, { ok: () => %s }); }\n",
			cases[i][0], cases[i][1]);
		collect_init(&c);
		res = run_src("setup_kinds.js", src, per_vu(2, 3), &c);
		ck_assert_int_eq(res.status, 0);
		ck_assert_int_eq(count_samples(&c, "checks", NULL, &sum), 6);
		ck_assert_msg(sum == 6, "%s: passes %g\n%s", cases[i][0], sum, logs_of(&c));
		collect_free(&c);
	}
}
END_TEST

START_TEST(test_engine_vm_run__exception_counts_and_logs)
{
	collect c;
	k6c__sched_result res;
	char want[PATH_MAX + 128];

	collect_init(&c);
	res = run_src("iter_throw.js",
		"export default function () {\n"
		"  if (__ITER % 2 === 1) {\n"
		"    throw new Error('boom ' + __VU);\n"
		"  }\n"
		"}\n", per_vu(1, 4), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 4);
	ck_assert_msg(log_has(&c, "3|Error: boom 1"), "%s", logs_of(&c));
	snprintf(want, sizeof(want), "\tat default (%s:3)", fixture_path("iter_throw.js"));
	ck_assert_msg(log_has(&c, want), "want %s in\n%s", want, logs_of(&c));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__http_get_post_json)
{
	collect c;
	k6c__sched_result res;
	double sum;

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	res = run_src("http_basic.js",
		"import http from 'k6/http';\n"
		"import { check } from 'k6';\n"
		"export default function () {\n"
		"  const B = __ENV.BASE;\n"
		"  let r = http.get(B + '/get?x=1', { headers: { 'X-Test': 'yes' }, tags: { mytag: 'v1' } });\n"
		"  check(r, {\n"
		"    'get 200': (r) => r.status === 200,\n"
		"    'get json': (r) => r.json('args.x') === '1' && r.json().headers['X-Test'] === 'yes',\n"
		"    'get header': (r) => r.headers['Content-Type'] === 'application/json',\n"
		"    'get fields': (r) => r.proto === 'HTTP/1.1' && r.url === B + '/get?x=1' && r.error === '' &&\n"
		"      r.error_code === 0 && r.timings.duration >= 0 && r.remote_ip === '127.0.0.1' &&\n"
		"      r.request.method === 'GET' && r.status_text.indexOf('200') === 0,\n"
		"  });\n"
		"  r = http.post(B + '/post', { a: 'x y', list: [1, 2], empty: null });\n"
		"  check(r, {\n"
		"    'form': (r) => r.json('form.a') === 'x y' && r.json('form.list.1') === '2' &&\n"
		"      r.json('form.list.#') === 2 && r.json('form.empty') === '' &&\n"
		"      r.json('headers.Content-Type') === 'application/x-www-form-urlencoded',\n"
		"  });\n"
		"  r = http.post(B + '/post', JSON.stringify({ k: [1, { z: true }] }),\n"
		"    { headers: { 'Content-Type': 'application/json' }, tags: { name: 'posty' } });\n"
		"  check(r, { 'json body': (r) => r.json('json.k.1.z') === true && r.json('nope.x') === undefined });\n"
		"  r = http.request('PUT', B + '/put', 'raw');\n"
		"  check(r, { 'put': (r) => r.json('data') === 'raw' });\n"
		"  r = http.del(B + '/delete');\n"
		"  check(r, { 'del': (r) => r.status === 200 });\n"
		"  r = http.get(B + '/status/404');\n"
		"  check(r, { '404': (r) => r.status === 404 });\n"
		"  r = http.get(B + '/redirect/2');\n"
		"  check(r, { 'redirected': (r) => r.status === 200 && r.url === B + '/get' });\n"
		"  r = http.get(B + '/bytes/16', { responseType: 'binary' });\n"
		"  check(r, { 'binary': (r) => r.body.byteLength === 16 });\n"
		"  let threw = false;\n"
		"  try { r.json(); } catch (e) { threw = true; }\n"
		"  check(threw, { 'bad json throws': (t) => t });\n"
		"}\n", per_vu(1, 2), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 2);
	ck_assert_int_eq(count_samples(&c, "checks", NULL, &sum), 2 * 12);
	ck_assert_msg(sum == 2 * 12, "passes %g\n%s\n%s", sum, logs_of(&c), c.samples.ptr);

	/* 8 requests + 2 redirect hops per iteration. */
	ck_assert_int_eq(count_samples(&c, "http_reqs", NULL, NULL), 2 * 10);
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "method=GET",
		"status=200", "mytag=v1", "group=", "scenario=default", "proto=HTTP/1.1",
		"expected_response=true", NULL }, NULL), 2);
	{
		char url[256];

		snprintf(url, sizeof(url), "name=%s/get?x=1", httpbin.base_url);
		ck_assert_int_eq(count_samples(&c, "http_req_duration", (const char *const[]){ url, NULL },
			NULL), 2);
	}
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "name=posty",
		"method=POST", NULL }, NULL), 2);
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "status=302", NULL },
		NULL), 4);
	count_samples(&c, "http_req_failed", NULL, &sum);
	ck_assert_msg(sum == 2, "failed %g", sum);   /* the 404s */
	ck_assert_int_eq(count_samples(&c, "http_req_failed", (const char *const[]){ "status=404",
		"expected_response=false", NULL }, NULL), 2);
	count_samples(&c, "data_sent", NULL, &sum);
	ck_assert(sum > 0);
	count_samples(&c, "data_received", NULL, &sum);
	ck_assert(sum > 0);
	collect_free(&c);
}
END_TEST

/* The Response is built lazily (lib/engine/mod_http.c): each response owns
 * its data, so responses kept across later requests stay intact; built
 * members keep their identity and the script's changes; JSON.stringify,
 * console.log and for-in still see every field. */
START_TEST(test_engine_vm_run__http_response_object)
{
	collect c;
	k6c__sched_result res;
	double sum;

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	res = run_src("http_response.js",
		"import http from 'k6/http';\n"
		"import { check } from 'k6';\n"
		"const FIELDS = 'status,status_text,proto,url,body,headers,cookies,timings,error,error_code,' +\n"
		"  'remote_ip,remote_port,tls_version,tls_cipher_suite,ocsp,request';\n"
		"const kept = [];\n"
		"export default function () {\n"
		"  const B = __ENV.BASE;\n"
		"  for (let i = 0; i < 3; i++) kept.push(http.get(B + '/response-headers?n=' + i));\n"
		"  const late = http.post(B + '/status/404', 'payload', { headers: { 'X-A': 'b' } });\n"
		"  check(kept, {\n"
		"    'kept responses stay intact': (k) => k.length % 3 === 0 && k.every((r, j) => {\n"
		"      const i = j % 3;\n"
		"      return r.status === 200 && r.url === B + '/response-headers?n=' + i &&\n"
		"      r.headers['N'] === String(i) &&\n"
		"      r.json('n') === String(i) && r.request.method === 'GET' && r.timings.duration >= 0; }),\n"
		"  });\n"
		"  check(late, {\n"
		"    'fields': (r) => r.status === 404 && r.status_text === '404 NOT FOUND' &&\n"
		"      r.request.method === 'POST' && r.request.body === 'payload' &&\n"
		"      r.request.headers['X-A'][0] === 'b' && r.error === '' && r.error_code === 0 &&\n"
		"      r.remote_port > 0 && r.tls_version === '' && typeof r.cookies === 'object',\n"
		"    'JSON lists every field in order': (r) =>\n"
		"      Object.keys(JSON.parse(JSON.stringify(r))).join(',') === FIELDS,\n"
		"    'for-in lists every field': (r) => { const k = []; for (const x in r) k.push(x);\n"
		"      return FIELDS.split(',').every((f) => k.indexOf(f) >= 0); },\n"
		"    'members keep identity and changes': (r) => { r.headers.Extra = 'x';\n"
		"      return r.headers === r.headers && r.headers.Extra === 'x' && r.timings === r.timings &&\n"
		"        r.request === r.request && JSON.parse(JSON.stringify(r)).headers.Extra === 'x'; },\n"
		"    'assignment sticks': (r) => { r.status = 1; r.body = null; r.mine = 2;\n"
		"      const j = JSON.parse(JSON.stringify(r));\n"
		"      return r.status === 1 && r.body === null && j.status === 1 && j.body === null && j.mine === 2; },\n"
		"  });\n"
		"  const bin = http.get(B + '/bytes/8', { responseType: 'binary' });\n"
		"  const bigBin = http.get(B + '/bytes/20000', { responseType: 'binary' });\n"
		"  const big = http.get(B + '/range/20000');\n"
		"  const none = http.get(B + '/get', { responseType: 'none' });\n"
		"  const frozen = Object.freeze(http.get(B + '/get'));\n"
		"  check(null, {\n"
		"    'binary body': () => bin.body.byteLength === 8 && bin.body === bin.body,\n"
		"    'big bodies': () => bigBin.body.byteLength === 20000 && bigBin.body === bigBin.body &&\n"
		"      big.body.length === 20000 && big.body.indexOf('abc') === 0 &&\n"
		"      JSON.parse(JSON.stringify(big)).body === big.body,\n"
		"    'none body': () => none.body === null && none.status === 200,\n"
		"    'frozen response readable': () => frozen.headers['Content-Type'] === 'application/json' &&\n"
		"      frozen.json('url') === B + '/get',\n"
		"    'inherited response readable': () => Object.create(kept[1]).headers['N'] === '1',\n"
		"  });\n"
		"}\n", per_vu(1, 2), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 2);
	ck_assert_int_eq(count_samples(&c, "checks", NULL, &sum), 2 * 11);
	if (sum != 2 * 11) {
		/* Failed checks only: the whole sample list is too long for Check. */
		const char *p = c.samples.ptr;

		while ((p = strstr(p, "|#0\n")) != NULL) {
			const char *start = p;

			while (start > c.samples.ptr && start[-1] != '\n')
				start--;
			if (strncmp(start, "checks|", 7) == 0)
				fprintf(stderr, "failed: %.*s\n", (int)(p - start), start);
			p++;
		}
	}
	ck_assert_msg(sum == 2 * 11, "passes %g\n%s", sum, logs_of(&c));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__http_errors)
{
	collect c;
	k6c__sched_result res;
	double sum;

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	res = run_src("http_errors.js",
		"import http from 'k6/http';\n"
		"import { check } from 'k6';\n"
		"export default function () {\n"
		"  let r = http.get(__ENV.CLOSED);\n"
		"  check(r, { refused: (r) => r.status === 0 && r.error_code === 1212 && r.error !== '' });\n"
		"  r = http.get(__ENV.BASE + '/delay/5', { timeout: '300ms' });\n"
		"  check(r, { timeout: (r) => r.status === 0 && r.error_code === 1050 });\n"
		"  let threw = false;\n"
		"  try { http.get(__ENV.CLOSED, { throw: true }); } catch (e) { threw = true; }\n"
		"  check(threw, { thrown: (t) => t });\n"
		"}\n", per_vu(1, 1), &c);
	ck_assert_int_eq(res.status, 0);
	count_samples(&c, "checks", NULL, &sum);
	ck_assert_msg(sum == 3, "passes %g\n%s", sum, logs_of(&c));
	ck_assert_int_eq(count_samples(&c, "http_req_failed", (const char *const[]){ "status=0",
		"error_code=1212", "expected_response=false", NULL }, &sum), 2);
	ck_assert(sum == 2);
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "error_code=1050", NULL },
		NULL), 1);
	ck_assert_msg(log_has(&c, "Request Failed"), "%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__busy_loop_interrupted)
{
	collect c;
	k6c__sched_result res;
	k6c__scenario sc;
	uint64_t t0 = k6c__now_ns();

	memset(&sc, 0, sizeof(sc));
	sc.name = "default";
	sc.executor = K6C__EXEC_CONSTANT_VUS;
	sc.vus = 2;
	sc.duration_ms = 300;
	sc.graceful_stop_ms = 0;
	collect_init(&c);
	res = run_src("busy.js", "export default function () {\n  while (true) {}\n}\n", sc, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 0);
	ck_assert_int_ge(res.iterations_interrupted, 2);
	ck_assert_msg(log_has(&c, "interrupted: test is stopping"), "%s", logs_of(&c));
	ck_assert_msg(k6c__now_ns() - t0 < 30ull * 1000000000ull, "took too long");
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__sleep_interrupted)
{
	collect c;
	k6c__sched_result res;
	k6c__scenario sc;

	memset(&sc, 0, sizeof(sc));
	sc.name = "default";
	sc.executor = K6C__EXEC_CONSTANT_VUS;
	sc.vus = 1;
	sc.duration_ms = 200;
	sc.graceful_stop_ms = 0;
	collect_init(&c);
	res = run_src("sleepy.js",
		"import { sleep, group } from 'k6';\n"
		"export default function () {\n"
		"  group('a', () => { try { sleep(30); } catch (e) { } sleep(30); });\n"
		"}\n", sc, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 0);
	ck_assert_int_eq(res.iterations_interrupted, 1);
	ck_assert_int_eq(count_samples(&c, "group_duration", NULL, NULL), 0);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__random_seed)
{
	collect c;
	const char *l, *a, *b;

	collect_init(&c);
	run_src("seed.js",
		"import { randomSeed } from 'k6';\n"
		"export default function () {\n"
		"  randomSeed(42);\n"
		"  const a = [Math.random(), Math.random()];\n"
		"  randomSeed(43);\n"
		"  console.log('seeded', a.join(','), 'other', Math.random());\n"
		"}\n", per_vu(2, 1), &c);
	l = logs_of(&c);
	a = strstr(l, "seeded ");
	ck_assert_ptr_nonnull(a);
	b = strstr(a + 1, "seeded ");
	ck_assert_ptr_nonnull(b);
	ck_assert_msg(strncmp(a, b, strcspn(a, "\n")) == 0, "%s", l);
	ck_assert_msg(strncmp(a + 7, strstr(a, "other ") + 6, 6) != 0, "%s", l);
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__console_and_globals)
{
	collect c;

	collect_init(&c);
	run_src("console.js",
		"export default function () {\n"
		"  console.log('obj', { a: 1, b: [true, null] }, 2, undefined);\n"
		"  console.warn('vu', __VU, 'iter', __ITER, 'env', __ENV.BASE === undefined ? 'no' : 'yes');\n"
		"  console.error(new Error('err obj'));\n"
		"  const cyc = {}; cyc.self = cyc;\n"
		"  console.debug(cyc);\n"
		"  let r = 'no';\n"
		"  try { open('vm_data.txt'); } catch (e) { r = e.message; }\n"
		"  console.log('open:', r);\n"
		"}\n", per_vu(1, 2), &c);
	ck_assert_msg(log_has(&c, "1|obj {\"a\":1,\"b\":[true,null]} 2 undefined"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "2|vu 1 iter 0 env yes"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "2|vu 1 iter 1 env yes"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "3|Error: err obj"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "0|[object Object]"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "1|open: The \"open()\" function is only available in the init stage"),
		"%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__check_throwing_and_tags)
{
	collect c;
	k6c__sched_result res;

	collect_init(&c);
	res = run_src("check_throw.js",
		"import { check, group, fail } from 'k6';\n"
		"export default function () {\n"
		"  const v = group('outer', () => group('inner', () => check(1, { one: (x) => x === 1, two: false },\n"
		"    { extra: 'e' }) ? 'yes' : 'no'));\n"
		"  console.log('group returned', v);\n"
		"  try {\n"
		"    check(0, { 'throws': () => { throw new Error('in check'); }, 'never': true }, { t: 'x' });\n"
		"  } catch (e) { console.log('caught', e.message); }\n"
		"  group('nested', () => check(0, { 'first': () => check(1, { inner: true }, { deep: 'd' }),\n"
		"    'second': true }, { outer: 'o' }));\n"
		"  try { fail('failed on purpose'); } catch (e) { console.log('fail:', e.message); }\n"
		"}\n", per_vu(1, 1), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=one",
		"group=::outer::inner", "extra=e", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=two", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=throws", "group=", NULL },
		NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=never", NULL }, NULL), 0);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=throws", "t=x", NULL },
		NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=inner", "deep=d",
		"group=::nested", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=first", "outer=o",
		"group=::nested", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "check=second", "outer=o",
		NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "deep=d", "outer=o", NULL },
		NULL), 0);
	ck_assert_int_eq(count_samples(&c, "group_duration", (const char *const[]){ "group=::outer::inner",
		NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "group_duration", (const char *const[]){ "group=::outer", NULL },
		NULL), 1);
	ck_assert_msg(log_has(&c, "group returned no"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "caught in check"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "fail: failed on purpose"), "%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__metrics_and_execution)
{
	collect c;
	k6c__sched_result res;
	double sum;

	collect_init(&c);
	res = run_src("metrics.js",
		"import { Counter, Gauge, Rate, Trend } from 'k6/metrics';\n"
		"import exec from 'k6/execution';\n"
		"import { group } from 'k6';\n"
		"const c = new Counter('my_counter');\n"
		"const g = new Gauge('my_gauge');\n"
		"const r = new Rate('my_rate');\n"
		"const t = new Trend('my_trend', true);\n"
		"let bad = '';\n"
		"try { new Trend('bad-name'); } catch (e) { bad = e.message; }\n"
		"export default function () {\n"
		"  c.add(2, { k: 'v' });\n"
		"  g.add(exec.vu.idInTest);\n"
		"  r.add(true); r.add(0);\n"
		"  group('tg', () => t.add(1.5));\n"
		"  console.log('exec', exec.vu.iterationInScenario, exec.scenario.name, exec.scenario.executor, bad);\n"
		"}\n", per_vu(2, 2), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(count_samples(&c, "my_counter", (const char *const[]){ "k=v", NULL }, &sum), 4);
	ck_assert(sum == 8);
	ck_assert_int_eq(count_samples(&c, "my_rate", NULL, &sum), 8);
	ck_assert(sum == 4);
	ck_assert_int_eq(count_samples(&c, "my_trend", (const char *const[]){ "group=::tg", NULL }, NULL), 4);
	count_samples(&c, "my_gauge", NULL, &sum);
	ck_assert(sum == 1 + 1 + 2 + 2);
	ck_assert_msg(log_has(&c, "exec 1 default per-vu-iterations Invalid metric name: 'bad-name'"),
		"%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

START_TEST(test_engine_vm_run__async_default)
{
	collect c;
	k6c__sched_result res;
	double sum;

	collect_init(&c);
	res = run_src("async.js",
		"import { check } from 'k6';\n"
		"export default async function () {\n"
		"  const v = await Promise.resolve(41);\n"
		"  check(v, { 'awaited': (x) => x === 41 });\n"
		"  if (__ITER === 1) {\n"
		"    await Promise.reject(new Error('rejected'));\n"
		"  }\n"
		"}\n", per_vu(1, 2), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 2);
	count_samples(&c, "checks", NULL, &sum);
	ck_assert_msg(sum == 2, "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "3|Error: rejected"), "%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

/* Objects whose last reference goes away while a Duktape coroutine runs
 * (the lowered generators and async functions run in one) are finalized:
 * Duktape refused to call the finalizer on the resuming heap thread and
 * freed the object without it, so C memory it owned leaked. One object is
 * freed by refcount in the coroutine, one in a cycle by a collection there;
 * the CookieJar is there for ASan, which reports its jar if it leaks. */
START_TEST(test_engine_vm_run__finalizer_in_coroutine)
{
	collect c;
	k6c__sched_result res;
	double sum;

	collect_init(&c);
	res = run_src("fin_thread.js",
		"import http from 'k6/http';\n"
		"import { check } from 'k6';\n"
		"export default function () {\n"
		"  let n = 0;\n"
		"  const t = new Duktape.Thread(function () {\n"
		"    let o = {};\n"
		"    Duktape.fin(o, function () { n++; });\n"
		"    o = null;\n"
		"    let a = { jar: new http.CookieJar() };\n"
		"    a.self = a;\n"
		"    Duktape.fin(a, function () { n++; });\n"
		"    a = null;\n"
		"    Duktape.gc();\n"
		"    return 1;\n"
		"  });\n"
		"  Duktape.Thread.resume(t, 0);\n"
		"  check(n, { 'finalized in the coroutine': (x) => x === 2 });\n"
		"}\n", per_vu(1, 1), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 1);
	ck_assert_int_eq(count_samples(&c, "checks", NULL, &sum), 1);
	ck_assert_msg(sum == 1, "%s", logs_of(&c));
	collect_free(&c);
}
END_TEST

/* ---- handleSummary and k6c/summary ------------------------------------------ */

/* Loads src and runs it with handleSummary (and the summary data hook). */
static k6c__sched_result run_summary(const char *name, const char *src, collect *c)
{
	c->summary = true;
	return run_src(name, src, per_vu(1, 1), c);
}

static const k6c__summary_output *find_out(const k6c__sched_result *r, const char *key)
{
	for (size_t i = 0; i < r->nsummary_out; i++)
		if (strcmp(r->summary_out[i].key, key) == 0)
			return &r->summary_out[i];
	return NULL;
}

/* Strings become UTF-8 (a character outside the BMP too), ArrayBuffers and
 * typed arrays their bytes; HTTP works and its samples are dropped, as in
 * k6; __VU is 0. */
START_TEST(test_engine_vm_summary__outputs)
{
	collect c;
	k6c__sched_result res;
	const k6c__summary_output *o;

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	res = run_summary("summary_out.js",
		"import http from 'k6/http';\n"
		"export default function () {}\n"
		"export function handleSummary(data) {\n"
		"  const r = http.get(__ENV.BASE + '/get');\n"
		"  return {\n"
		"    stdout: 'out \\u2713 ' + __VU + ' ' + r.status + ' ' + typeof data.metrics,\n"
		"    stderr: 'err \\u{1F600}',\n"
		"    'report.bin': new Uint8Array([0, 1, 2, 255]).buffer,\n"
		"    'typed.bin': new Uint8Array([7, 8, 9]).subarray(1),\n"
		"  };\n"
		"}\n", &c);
	ck_assert_msg(res.summary_ran, "%s", logs_of(&c));
	ck_assert_msg(res.summary_rc == 0, "rc %d\n%s", res.summary_rc, logs_of(&c));
	ck_assert_uint_eq(res.nsummary_out, 4);
	o = find_out(&res, "stdout");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->data, "out \xe2\x9c\x93 0 200 object");
	o = find_out(&res, "stderr");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->len, 8);
	ck_assert(memcmp(o->data, "err \xf0\x9f\x98\x80", 8) == 0);
	o = find_out(&res, "report.bin");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->len, 4);
	ck_assert(memcmp(o->data, "\x00\x01\x02\xff", 4) == 0);
	o = find_out(&res, "typed.bin");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->len, 2);
	ck_assert(memcmp(o->data, "\x08\x09", 2) == 0);
	ck_assert_int_eq(count_samples(&c, "http_reqs", NULL, NULL), 0);
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* An exception is logged with its place and gives K6C_ESCRIPT; so does a
 * value that is not a string or bytes (naming the key) and a result that
 * is not a map. No handleSummary: K6C_ENOTFOUND. A Promise is awaited.
 * Nothing returned: k6's default text. */
START_TEST(test_engine_vm_summary__errors_and_default)
{
	collect c;
	k6c__sched_result res;
	const k6c__summary_output *o;
	char want[PATH_MAX + 128];
	k6c__buf def = K6C__BUF_INIT;

	collect_init(&c);
	res = run_summary("summary_throw.js",
		"export default function () {}\n"
		"export function handleSummary(data) {\n"
		"  throw new Error('boom in summary');\n"
		"}\n", &c);
	ck_assert(res.summary_ran);
	ck_assert_int_eq(res.summary_rc, K6C_ESCRIPT);
	ck_assert_uint_eq(res.nsummary_out, 0);
	ck_assert_msg(log_has(&c, "3|Error: boom in summary"), "%s", logs_of(&c));
	snprintf(want, sizeof(want), "\tat handleSummary (%s:3)", fixture_path("summary_throw.js"));
	ck_assert_msg(log_has(&c, want), "want %s in\n%s", want, logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	res = run_summary("summary_bad.js",
		"export default function () {}\n"
		"export function handleSummary() { return { 'a.txt': 'ok', 'bad.txt': 42 }; }\n", &c);
	ck_assert_int_eq(res.summary_rc, K6C_ESCRIPT);
	ck_assert_uint_eq(res.nsummary_out, 0);
	ck_assert_msg(log_has(&c, "handleSummary() returned a number for \"bad.txt\""), "%s",
		logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	res = run_summary("summary_str.js",
		"export default function () {}\n"
		"export function handleSummary() { return 'just text'; }\n", &c);
	ck_assert_int_eq(res.summary_rc, K6C_ESCRIPT);
	ck_assert_msg(log_has(&c, "handleSummary() should return a map with string keys"), "%s",
		logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	res = run_summary("summary_none.js", "export default function () {}\n", &c);
	ck_assert(!res.summary_ran || res.summary_rc == K6C_ENOTFOUND);
	ck_assert_uint_eq(res.nsummary_out, 0);
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	res = run_summary("summary_async.js",
		"export default function () {}\n"
		"export async function handleSummary(data) {\n"
		"  const v = await Promise.resolve('async ' + data.state.isStdOutTTY);\n"
		"  return { stdout: v };\n"
		"}\n", &c);
	ck_assert_msg(res.summary_rc == 0, "%s", logs_of(&c));
	o = find_out(&res, "stdout");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->data, "async false");
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	res = run_summary("summary_undef.js",
		"import { check } from 'k6';\n"
		"export default function () { check(1, { fine: true }); }\n"
		"export function handleSummary(data) { console.log('saw', data.root_group.checks.length); }\n",
		&c);
	ck_assert_msg(res.summary_rc == 0, "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "1|saw 1"), "%s", logs_of(&c));
	o = find_out(&res, "stdout");
	ck_assert_ptr_nonnull(o);
	k6c__buf_printf(&def, "\n%s\n\n", c.sum_text.ptr != NULL ? c.sum_text.ptr : "");
	ck_assert_str_eq(o->data, def.ptr);
	ck_assert_ptr_nonnull(strstr(o->data, "fine"));
	k6c__buf_free(&def);
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* textSummary from k6c/summary and from jslib's URLs (no network) is the
 * default summary text of the same data; with colours by default. */
START_TEST(test_engine_vm_summary__text_summary)
{
	collect c;
	k6c__sched_result res;
	const char *keys[] = { "a", "b", "c" };
	const k6c__summary_output *o;

	collect_init(&c);
	res = run_summary("summary_text.js",
		"import { check, group } from 'k6';\n"
		"import { Trend } from 'k6/metrics';\n"
		"import { textSummary as t0 } from 'k6c/summary';\n"
		"import { textSummary as t1 } from 'https://jslib.k6.io/k6-summary/0.0.1/index.js';\n"
		"import { textSummary as t2 } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';\n"
		"const t = new Trend('waiting_time', true);\n"
		"export default function () {\n"
		"  group('g', () => { check(1, { 'is one': (x) => x === 1, 'is two': (x) => x === 2 }); });\n"
		"  t.add(12.5);\n"
		"}\n"
		"export function handleSummary(data) {\n"
		"  const o = { indent: ' ', enableColors: false };\n"
		"  let err = 'none';\n"
		"  try { t0('not data'); } catch (e) { err = e.message; }\n"
		"  return { a: t0(data, o), b: t1(data, o), c: t2(data, o), d: t0(data), e: err };\n"
		"}\n", &c);
	ck_assert_msg(res.summary_rc == 0, "%s", logs_of(&c));
	ck_assert_ptr_nonnull(c.sum_text.ptr);
	ck_assert_ptr_nonnull(strstr(c.sum_text.ptr, "waiting_time"));
	for (size_t i = 0; i < K6C__ARRAY_LEN(keys); i++) {
		o = find_out(&res, keys[i]);
		ck_assert_ptr_nonnull(o);
		ck_assert_str_eq(o->data, c.sum_text.ptr);
	}
	o = find_out(&res, "d");
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(strstr(o->data, "\x1b["));
	o = find_out(&res, "e");
	ck_assert_ptr_nonnull(o);
	ck_assert_msg(strstr(o->data, "textSummary() requires the summary data") != NULL, "%s", o->data);
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* jUnit() in jslib's format (thresholds in data order, failures with the
 * metric's values, XML escaping) and humanizeValue(). */
START_TEST(test_engine_vm_summary__junit_humanize)
{
	static const char junit[] =
		"<?xml version=\"1.0\"?>\n<testsuites tests=\"4\" failures=\"2\">\n"
		"<testsuite name=\"suite &quot;x&quot;\" tests=\"4\" failures=\"2\">"
		"<testcase name=\"http_req_duration - p(95)&lt;100\" />\n"
		"<testcase name=\"http_req_duration - avg&lt;1\"><failure message=\"failed, average "
		"value: 1.5, min value: 1, mean value: 1.5, max value: 2\"/></testcase>\n"
		"<testcase name=\"checks - rate&gt;0.9\"><failure message=\"failed, number of fails: 1, "
		"number of passes: 1, rate: 0.5\"/></testcase>\n"
		"<testcase name=\"my&lt;&amp;&gt; - value&lt;&#39;5&#39;\" />\n"
		"</testsuite >\n</testsuites >";
	collect c;
	k6c__sched_result res;
	double sum;

	collect_init(&c);
	res = run_src("junit.js",
		"import { check } from 'k6';\n"
		"import { jUnit, humanizeValue as h } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';\n"
		"const data = { metrics: {\n"
		"  http_req_duration: { type: 'trend', contains: 'time', values: { avg: 1.5, min: 1, med: 1.5,\n"
		"    max: 2 }, thresholds: { 'p(95)<100': { ok: true }, 'avg<1': { ok: false } } },\n"
		"  checks: { type: 'rate', contains: 'default', values: { rate: 0.5, passes: 1, fails: 1 },\n"
		"    thresholds: { 'rate>0.9': { ok: false } } },\n"
		"  iterations: { type: 'counter', contains: 'default', values: { count: 3, rate: 1.5 } },\n"
		"  'my<&>': { type: 'gauge', contains: 'default', values: { value: 1, min: 0, max: 2 },\n"
		"    thresholds: { \"value<'5'\": { ok: true } } },\n"
		"} };\n"
		"export default function () {\n"
		"  console.log('JUNIT[' + jUnit(data, { name: 'suite \"x\"' }) + ']');\n"
		"  console.log('CLASS[' + jUnit({ metrics: { m: data.metrics.checks } }, { classname: 'k6' }) + ']');\n"
		"  const T = { type: 'trend', contains: 'time' };\n"
		"  const cases = [\n"
		"    [h(0.12345, { type: 'rate' }), '12.34%'],\n"
		"    [h(1536, { type: 'counter', contains: 'data' }), '1.5 kB'],\n"
		"    [h(5, { contains: 'data' }), '5 B'],\n"
		"    [h(123456789, { contains: 'data' }), '124 MB'],\n"
		"    [h(123.456789, T), '123.45ms'],\n"
		"    [h(0.5, T), '500\\u00b5s'],\n"
		"    [h(0.0005, T), '500ns'],\n"
		"    [h(0, T), '0s'],\n"
		"    [h(1500, T), '1.5s'],\n"
		"    [h(65432.1, T), '1m5s'],\n"
		"    [h(3723000, T), '1h2m3s'],\n"
		"    [h(1500, T, 's'), '1.50s'],\n"
		"    [h(1.5, T, 'us'), '1500.00\\u00b5s'],\n"
		"    [h(2.5, { contains: 'default' }), '2.5'],\n"
		"    [h(1 / 3, { contains: 'default' }), '0.333333'],\n"
		"  ];\n"
		"  cases.forEach((x, i) => {\n"
		"    if (!check(x, { ['humanize ' + i]: (v) => v[0] === v[1] })) console.log('got', x[0], 'want', x[1]);\n"
		"  });\n"
		"}\n", per_vu(1, 1), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_msg(strstr(logs_of(&c), junit) != NULL, "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "<testcase name=\"m - rate&gt;0.9\" classname=\"k6\"><failure"), "%s",
		logs_of(&c));
	ck_assert_int_eq(count_samples(&c, "checks", NULL, &sum), 15);
	ck_assert_msg(sum == 15, "%s", logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* ---- k6/execution ----------------------------------------------------------------- */

/* Loads src, gives it the consolidated options json (may be NULL), runs
 * the scenarios. */
static k6c__sched_result run_opts(const char *name, const char *src, const char *options_json,
	const k6c__scenario *scs, size_t nsc, collect *c)
{
	k6c__program *prog = NULL;
	k6c__sched_result res;
	int rc;

	rc = load(&prog, fixture_path(name), src, c);
	ck_assert_msg(rc == 0, "load: %s", k6c_error_last() ? k6c_error_last()->message : "?");
	if (options_json != NULL)
		ck_assert_int_eq(k6c__program_set_options(prog, options_json), 0);
	res = run_multi(prog, scs, nsc, c);
	k6c__program_free(prog);
	return res;
}

START_TEST(test_engine_vm_exec__values)
{
	static const char src[] =
		"import exec from 'k6/execution';\n"
		"import { check, sleep } from 'k6';\n"
		"const t0 = Date.now();\n"
		"export function setup() {\n"
		"  let sc = 'none';\n"
		"  try { exec.scenario.name; } catch (e) { sc = e.message; }\n"
		"  console.log('setup', exec.vu.idInInstance, __VU, sc, exec.instance.vusInitialized >= 2,\n"
		"    exec.test.options.scenarios.sc1.executor);\n"
		"}\n"
		"export default function () {\n"
		"  const v = exec.vu, s = exec.scenario, i = exec.instance, o = exec.test.options;\n"
		"  const st = s.startTime, p = s.progress;\n"
		"  console.log('it', s.iterationInInstance, s.iterationInTest);\n"
		"  check(null, {\n"
		"    'ids': () => v.idInInstance === __VU && v.idInTest === __VU && __VU >= 1 && __VU <= 2,\n"
		"    'iters': () => v.iterationInInstance === __ITER && v.iterationInScenario === __ITER,\n"
		"    'scenario': () => s.name === 'sc1' && s.executor === 'per-vu-iterations',\n"
		"    'same iteration': () => s.iterationInInstance === s.iterationInTest,\n"
		"    'progress': () => typeof p === 'number' && p >= 0 && p <= 1,\n"
		"    'startTime': () => st === Math.floor(st) && st >= t0 - 1000 && st <= Date.now(),\n"
		"    'instance': () => i.vusInitialized >= 2 && i.vusActive >= 1 && i.vusActive <= 2 &&\n"
		"      i.iterationsCompleted >= 0 && i.iterationsCompleted <= 5 &&\n"
		"      i.iterationsInterrupted === 0 && i.currentTestRunDuration > 0,\n"
		"    'options': () => o.vus === undefined && o.iterations === undefined &&\n"
		"      o.consoleOutput === null && o.scenarios.sc1.iterations === 3 && o.tags.run === 'r1' &&\n"
		"      Object.isFrozen(o) && Object.isFrozen(o.scenarios.sc1) && o === exec.test.options,\n"
		"    'frozen': () => { try { o.scenarios.sc1.iterations = 9; } catch (e) {\n"
		"      return e instanceof TypeError; } return false; },\n"
		"  });\n"
		"  sleep(0.01);\n"
		"}\n";
	static const char options[] =
		"{\"vus\":2,\"iterations\":6,\"scenarios\":{\"sc1\":{\"executor\":\"per-vu-iterations\","
		"\"vus\":2,\"iterations\":3}},\"tags\":{\"run\":\"r1\"},\"consoleOutput\":null}";
	collect c;
	k6c__sched_result res;
	k6c__scenario sc = per_vu(2, 3);
	double sum;
	char want[32];

	sc.name = "sc1";
	collect_init(&c);
	res = run_opts("exec_values.js", src, options, &sc, 1, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 6);
	ck_assert_int_eq(count_samples(&c, "checks", NULL, &sum), 6 * 9);
	ck_assert_msg(sum == 6 * 9, "%s\n%s", logs_of(&c), c.samples.ptr);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "run=r1", "scenario=sc1",
		NULL }, NULL), 6 * 9);
	/* Each iteration of the scenario has its own index. */
	for (int i = 0; i < 6; i++) {
		snprintf(want, sizeof(want), "1|it %d %d\n", i, i);
		ck_assert_msg(log_has(&c, want), "%s missing in\n%s", want, logs_of(&c));
	}
	ck_assert_msg(log_has(&c, "1|setup 0 0 getting scenario information outside of the VU "
		"context is not supported true per-vu-iterations"), "%s", logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* vu.tags / vu.metrics.tags: reads show the VU's tags; a change reaches
 * every later sample of the VU (across iterations of the scenario); values
 * become strings; objects are refused with k6's TypeError; metadata is
 * kept but is no tag. */
START_TEST(test_engine_vm_exec__vu_tags)
{
	static const char src[] =
		"import exec from 'k6/execution';\n"
		"import http from 'k6/http';\n"
		"import { check } from 'k6';\n"
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('tagged');\n"
		"export default function () {\n"
		"  const t = exec.vu.tags, m = exec.vu.metrics;\n"
		"  if (__ITER === 0) {\n"
		"    t.mytag = 'v1';\n"
		"    c.add(1);\n"
		"    m.tags.num = 2;\n"
		"    c.add(1);\n"
		"    delete t.mytag;\n"
		"    c.add(1);\n"
		"    let err = '';\n"
		"    try { t.bad = { a: 1 }; } catch (e) { err = e.name + ': ' + e.message; }\n"
		"    console.log('err', err);\n"
		"    try { c.add(1, { bad: [1] }); } catch (e) { console.log('addtag', e.message); }\n"
		"    m.metadata.trace_id = 'abc';\n"
		"    console.log('keys', Object.keys(t).sort().join(','), JSON.stringify(m.metadata));\n"
		"    return;\n"
		"  }\n"
		"  c.add(1, { extra: 'e' });\n"
		"  http.get(__ENV.BASE + '/get', { tags: { num: 'own' } });\n"
		"  http.get(__ENV.BASE + '/get');\n"
		"  check(null, {\n"
		"    'read': () => t.num === '2' && t.scenario === 'default' && t.group === '' &&\n"
		"      t.mytag === undefined && 'num' in t && !('mytag' in t) && t === m.tags,\n"
		"    'metadata': () => m.metadata.trace_id === 'abc' && m.metadata.none === undefined,\n"
		"  });\n"
		"}\n";
	collect c;
	k6c__sched_result res;

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	res = run_opts("vu_tags.js", src, NULL, (k6c__scenario[]){ per_vu(1, 2) }, 1, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_msg(count_samples(&c, "tagged", NULL, NULL) == 4, "%s", logs_of(&c));
	ck_assert_int_eq(count_samples(&c, "tagged", (const char *const[]){ "mytag=v1", NULL }, NULL), 2);
	ck_assert_int_eq(count_samples(&c, "tagged", (const char *const[]){ "num=2", NULL }, NULL), 3);
	ck_assert_int_eq(count_samples(&c, "tagged", (const char *const[]){ "num=2", "extra=e",
		"scenario=default", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "num=2", NULL }, NULL), 2);
	ck_assert_int_eq(count_samples(&c, "tagged", (const char *const[]){ "trace_id=abc", NULL }, NULL), 0);
	/* Requests too; a request's own tags win. */
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "num=2", "status=200",
		NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "num=own", NULL }, NULL), 1);
	ck_assert_msg(log_has(&c, "1|err TypeError: invalid value for metric tag 'bad': only String, "
		"Boolean and Number types are accepted as a metric tag values"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "1|keys group,num,scenario {\"trace_id\":\"abc\"}"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "1|addtag invalid value for metric tag 'bad'"), "%s", logs_of(&c));
	{
		double sum;

		count_samples(&c, "checks", NULL, &sum);
		ck_assert_msg(sum == 2, "%s", logs_of(&c));
	}
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* systemTags and metadata on a VU's samples: vu and iter are metadata
 * (strings) when enabled, never tags; exec.vu.metrics.metadata reaches
 * every later sample, the scheduler's iterations samples included; HTTP
 * samples lose the disabled tags (so a submetric on them stays empty) and
 * get ip when it is enabled. */
START_TEST(test_engine_vm_exec__system_tags_and_metadata)
{
	static const char src[] =
		"import exec from 'k6/execution';\n"
		"import http from 'k6/http';\n"
		"import { check, group } from 'k6';\n"
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('marked');\n"
		"export default function () {\n"
		"  c.add(1);\n"
		"  exec.vu.metrics.metadata.trace_id = 't' + __ITER;\n"
		"  c.add(1, { vu: 'mine' });\n"
		"  group('g', () => { check(null, { ok: () => true }); });\n"
		"  http.get(__ENV.BASE + '/get');\n"
		"}\n";
	collect c;
	k6c__sched_result res;
	const char *const vu1[] = { "md:vu=1", NULL }, *const vu2[] = { "md:vu=2", NULL };

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	c.set_system_tags = true;
	c.system_tags = K6C__TAG_STATUS | K6C__TAG_SCENARIO | K6C__TAG_VU | K6C__TAG_ITER | K6C__TAG_IP;
	res = run_opts("systags.js", src, NULL, (k6c__scenario[]){ per_vu(2, 2) }, 1, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_msg(count_samples(&c, "marked", NULL, NULL) == 8, "%s\n%s", logs_of(&c), c.samples.ptr);
	ck_assert_int_eq(count_samples(&c, "marked", vu1, NULL), 4);
	ck_assert_int_eq(count_samples(&c, "marked", vu2, NULL), 4);
	ck_assert_int_eq(count_samples(&c, "marked", (const char *const[]){ "md:vu=1", "md:iter=1",
		NULL }, NULL), 2);
	/* The metadata set in iteration 0 is still there in iteration 1. */
	ck_assert_int_eq(count_samples(&c, "marked", (const char *const[]){ "md:iter=0",
		"md:trace_id=t0", NULL }, NULL), 2);
	ck_assert_int_eq(count_samples(&c, "marked", (const char *const[]){ "md:iter=1",
		"md:trace_id=t0", NULL }, NULL), 2);
	ck_assert_int_eq(count_samples(&c, "marked", (const char *const[]){ "md:trace_id=t1", NULL },
		NULL), 2);
	/* A user tag named vu stays a tag (the metadata does not replace it). */
	ck_assert_int_eq(count_samples(&c, "marked", (const char *const[]){ "scenario=default",
		"vu=mine", "md:vu=1", NULL }, NULL), 2);
	/* The scheduler's samples carry the iteration that ended. */
	ck_assert_int_eq(count_samples(&c, "iterations", NULL, NULL), 4);
	ck_assert_int_eq(count_samples(&c, "iterations", (const char *const[]){ "md:vu=2", "md:iter=0",
		"md:trace_id=t0", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "iteration_duration", (const char *const[]){ "md:vu=1",
		"md:iter=1", "md:trace_id=t1", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "checks", (const char *const[]){ "md:trace_id=t1", NULL },
		NULL), 2);
	ck_assert_int_eq(count_samples(&c, "data_sent", vu2, NULL), 2);
	/* HTTP: only status, scenario and the opt-in ip are left. */
	ck_assert_int_eq(count_samples(&c, "http_reqs", NULL, NULL), 4);
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "ip=127.0.0.1",
		"scenario=default", "status=200", "md:trace_id=t1", NULL }, NULL), 2);
	ck_assert_msg(c.samples.ptr != NULL && strstr(c.samples.ptr, "|method=") == NULL &&
		strstr(c.samples.ptr, "|url=") == NULL && strstr(c.samples.ptr, "|name=") == NULL &&
		strstr(c.samples.ptr, "|group=") == NULL && strstr(c.samples.ptr, "|check=") == NULL &&
		strstr(c.samples.ptr, "|proto=") == NULL, "%s", c.samples.ptr);
	k6c__sched_result_free(&res);
	collect_free(&c);

	/* k6's default set: no vu, iter or ip; the script's metadata still. */
	collect_init(&c);
	res = run_opts("systags.js", src, NULL, (k6c__scenario[]){ per_vu(1, 1) }, 1, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(count_samples(&c, "http_reqs", (const char *const[]){ "method=GET",
		"status=200", "group=", "md:trace_id=t0", NULL }, NULL), 1);
	ck_assert_int_eq(count_samples(&c, "iterations", (const char *const[]){ "md:trace_id=t0",
		NULL }, NULL), 1);
	ck_assert_msg(strstr(c.samples.ptr, "md:vu=") == NULL && strstr(c.samples.ptr, "md:iter=") == NULL &&
		strstr(c.samples.ptr, "|ip=") == NULL, "%s", c.samples.ptr);
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* A disabled system tag is not even produced: requests to 24 URLs make 24
 * tag sets with url and name on, and one with them off, so turning them
 * off bounds the memory a URL per request would take. */
START_TEST(test_engine_vm_exec__disabled_tags_not_produced)
{
	static const char src[] =
		"import http from 'k6/http';\n"
		"export default function () {\n"
		"  for (let i = 0; i < 24; i++) http.get(`${__ENV.BASE}/anything/${i}`);\n"
		"}\n";
	collect c;
	k6c__sched_result res;
	size_t on;

	ck_assert_msg(httpbin_ok, "httpbin did not start");
	collect_init(&c);
	res = run_opts("urls.js", src, NULL, (k6c__scenario[]){ per_vu(1, 1) }, 1, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(count_samples(&c, "http_reqs", NULL, NULL), 24);
	on = c.raw_tag_sets;
	ck_assert_msg(on >= 24, "%zu tag sets with url on", on);
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	c.set_system_tags = true;
	c.system_tags = K6C__SYSTEM_TAGS_DEFAULT & ~(K6C__TAG_URL | K6C__TAG_NAME);
	res = run_opts("urls.js", src, NULL, (k6c__scenario[]){ per_vu(1, 1) }, 1, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(count_samples(&c, "http_reqs", NULL, NULL), 24);
	/* The 24 sets of the requests are one now. */
	ck_assert_msg(c.raw_tag_sets + 23 <= on, "%zu tag sets with url off, %zu on", c.raw_tag_sets, on);
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* test.abort(): the iteration stops at once (a catch block does not run),
 * nothing more is measured, the result says why, teardown still runs. */
START_TEST(test_engine_vm_exec__abort)
{
	collect c;
	k6c__sched_result res;
	k6c__program *prog = NULL;
	char want[PATH_MAX + 128];

	collect_init(&c);
	res = run_src("abort.js",
		"import exec from 'k6/execution';\n"
		"import { Counter } from 'k6/metrics';\n"
		"const after = new Counter('after_abort');\n"
		"export default function () {\n"
		"  if (__ITER === 1) {\n"
		"    try { exec.test.abort('enough'); } catch (e) { console.log('caught it'); }\n"
		"    finally { console.log('finally ran'); }\n"
		"    console.log('still running');\n"
		"    after.add(1);\n"
		"  }\n"
		"}\n"
		"export function teardown() { console.log('teardown ran'); }\n", per_vu(1, 5), &c);
	ck_assert(res.script_aborted);
	ck_assert_int_eq(res.status, K6C_EABORTED);
	ck_assert_ptr_nonnull(res.abort_reason);
	ck_assert_str_eq(res.abort_reason, "enough");
	ck_assert_int_eq(res.iterations_complete, 1);
	ck_assert_msg(!log_has(&c, "caught it") && !log_has(&c, "finally ran") &&
		!log_has(&c, "still running"), "%s", logs_of(&c));
	ck_assert_int_eq(count_samples(&c, "after_abort", NULL, NULL), 0);
	snprintf(want, sizeof(want), "3|test aborted: enough\n\tat default (%s:6)", fixture_path("abort.js"));
	ck_assert_msg(log_has(&c, want), "want %s in\n%s", want, logs_of(&c));
	ck_assert_msg(log_has(&c, "teardown ran"), "%s", logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);

	/* In setup: no iteration runs; no reason. (Whether teardown runs then
	 * is the scheduler's choice: k6 does not run it after setup failed.) */
	collect_init(&c);
	res = run_src("abort_setup.js",
		"import exec from 'k6/execution';\n"
		"export function setup() { exec.test.abort(); }\n"
		"export default function () { console.log('iteration ran'); }\n", per_vu(1, 2), &c);
	ck_assert(res.script_aborted);
	ck_assert_ptr_null(res.abort_reason);
	ck_assert_int_eq(res.iterations_complete, 0);
	ck_assert_msg(!log_has(&c, "iteration ran"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "3|test aborted\n\tat setup ("), "%s", logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);

	/* In the init code that reads options: the load ends with K6C_EABORTED
	 * (k6's exit code 108). */
	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("abort_init.js"),
		"import exec from 'k6/execution';\n"
		"exec.test.abort('from init');\n"
		"export default function () {}\n", &c), K6C_EABORTED);
	ck_assert_ptr_null(prog);
	ck_assert_msg(strstr(k6c_error_last()->message, "test aborted: from init") ==
		k6c_error_last()->message, "%s", k6c_error_last()->message);
	collect_free(&c);

	/* In one VU's init only. */
	collect_init(&c);
	res = run_src("abort_vu_init.js",
		"import exec from 'k6/execution';\n"
		"if (__VU === 2) { exec.test.abort('vu 2 init'); }\n"
		"export default function () {}\n", per_vu(2, 1), &c);
	ck_assert(res.script_aborted);
	ck_assert_str_eq(res.abort_reason, "vu 2 init");
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* test.fail(): logged, the run goes on and ends marked failed. */
START_TEST(test_engine_vm_exec__fail)
{
	collect c;
	k6c__sched_result res;

	collect_init(&c);
	res = run_src("fail.js",
		"import exec from 'k6/execution';\n"
		"export default function () {\n"
		"  if (__ITER === 0) { exec.test.fail('bad thing'); }\n"
		"  console.log('after fail', __ITER);\n"
		"}\n", per_vu(1, 3), &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert(res.marked_failed);
	ck_assert(!res.script_aborted);
	ck_assert_int_eq(res.iterations_complete, 3);
	ck_assert_msg(log_has(&c, "3|test marked as failed: bad thing"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "1|after fail 0") && log_has(&c, "1|after fail 2"), "%s", logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* Per-scenario env over the test's env, and scenario tags on every sample
 * of the scenario's iterations (B starts after A, so a VU may move from A
 * to B); the `tags` option on all of them. */
START_TEST(test_engine_vm_exec__scenario_env_tags)
{
	static const char *const env_a[] = { "MODE", "a", "ONLY_A", "yes" };
	static const char *const env_b[] = { "MODE", "b" };
	static const char *const tags_a[] = { "team", "x" };
	static const char *const tags_b[] = { "team", "y", "run", "overridden" };
	static const char src[] =
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('per_scenario');\n"
		"function add() {\n"
		"  c.add(1, { mode: String(__ENV.MODE), only: String(__ENV.ONLY_A),\n"
		"    base: __ENV.BASE ? 'set' : 'unset' });\n"
		"}\n"
		"export function fa() { add(); }\n"
		"export default function () { add(); }\n";
	k6c__scenario scs[2];
	collect c;
	k6c__sched_result res;

	scs[0] = per_vu(1, 2);
	scs[0].name = "A";
	scs[0].exec = "fa";
	scs[0].env = env_a;
	scs[0].nenv = 2;
	scs[0].tags = tags_a;
	scs[0].ntags = 1;
	memset(&scs[1], 0, sizeof(scs[1]));
	scs[1].name = "B";
	scs[1].executor = K6C__EXEC_SHARED_ITERATIONS;
	scs[1].vus = 1;
	scs[1].iterations = 3;
	scs[1].graceful_stop_ms = -1;
	scs[1].start_time_ms = 300;   /* after A: the scheduler may reuse A's VU */
	scs[1].env = env_b;
	scs[1].nenv = 1;
	scs[1].tags = tags_b;
	scs[1].ntags = 2;
	collect_init(&c);
	res = run_opts("scenario_env.js", src, "{\"tags\":{\"run\":\"r1\"}}", scs, 2, &c);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.iterations_complete, 5);
	ck_assert_int_eq(count_samples(&c, "per_scenario", (const char *const[]){ "scenario=A", "team=x",
		"mode=a", "only=yes", "base=set", "run=r1", NULL }, NULL), 2);
	ck_assert_int_eq(count_samples(&c, "per_scenario", (const char *const[]){ "scenario=B", "team=y",
		"mode=b", "only=undefined", "base=set", "run=overridden", NULL }, NULL), 3);
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* k6's init-context rules and messages. */
START_TEST(test_engine_vm_exec__init_context)
{
	static const char *const srcs[] = {
		"import exec from 'k6/execution';\nexec.vu.idInInstance;\nexport default function () {}\n",
		"import exec from 'k6/execution';\nexec.scenario.name;\nexport default function () {}\n",
		"import exec from 'k6/execution';\nexec.instance.vusActive;\nexport default function () {}\n",
		"import exec from 'k6/execution';\nexec.test.options;\nexport default function () {}\n",
		"import { Counter } from 'k6/metrics';\nnew Counter('cc').add(1);\nexport default function () {}\n",
	};
	static const char *const want[] = {
		"getting VU information in the init context is not supported",
		"getting scenario information outside of the VU context is not supported",
		"getting instance information in the init context is not supported",
		"getting test options in the init context is not supported",
		"Adding to metrics in the init context is not supported",
	};
	k6c__program *prog = NULL;
	collect c;
	k6c__sched_result res;

	collect_init(&c);
	for (size_t i = 0; i < K6C__ARRAY_LEN(srcs); i++) {
		ck_assert_int_eq(load(&prog, fixture_path("init_exec.js"), srcs[i], &c), K6C_ESCRIPT);
		ck_assert_msg(strstr(k6c_error_last()->message, want[i]) != NULL, "%s",
			k6c_error_last()->message);
	}
	/* exec.test and its functions are there in init. */
	ck_assert_int_eq(load(&prog, fixture_path("init_test.js"),
		"import exec from 'k6/execution';\n"
		"export const options = { t: typeof exec.test.abort + typeof exec.test.fail };\n"
		"export default function () {}\n", &c), 0);
	ck_assert_str_eq(k6c__program_options_json(prog), "{\"t\":\"functionfunction\"}");
	k6c__program_free(prog);
	collect_free(&c);

	/* Metrics only in init; bad values warn (throw with `throw`). */
	collect_init(&c);
	res = run_src("late_metric.js",
		"import { Counter } from 'k6/metrics';\n"
		"const c = new Counter('cc');\n"
		"export default function () {\n"
		"  console.log('nan', c.add(NaN), 'none', c.add(), 'null', c.add(null), 'str', c.add('0'));\n"
		"  new Counter('late');\n"
		"}\n", per_vu(1, 1), &c);
	ck_assert_msg(log_has(&c, "3|Error: metrics must be declared in the init context"), "%s",
		logs_of(&c));
	ck_assert_msg(log_has(&c, "2|'NaN' is an invalid value for metric 'cc', a number or a boolean "
		"value is expected"), "%s", logs_of(&c));
	/* add() without a value has k6's own message. */
	ck_assert_msg(log_has(&c, "2|no value was provided for metric 'cc', a number or a boolean "
		"value is expected"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "2|'null' is an invalid value for metric 'cc'"), "%s", logs_of(&c));
	ck_assert_msg(log_has(&c, "1|nan false none false null false str true"), "%s", logs_of(&c));
	{
		double sum;

		ck_assert_int_eq(count_samples(&c, "cc", NULL, &sum), 1);
		ck_assert(sum == 1);   /* '0' is truthy: 1, as in k6 */
	}
	k6c__sched_result_free(&res);
	collect_free(&c);

	collect_init(&c);
	res = run_src("throw_metric.js",
		"import { Counter } from 'k6/metrics';\n"
		"export const options = { throw: true };\n"
		"const c = new Counter('cc');\n"
		"export default function () {\n"
		"  try { c.add(NaN); } catch (e) { console.log('threw', e.message); }\n"
		"}\n", per_vu(1, 1), &c);
	ck_assert_msg(log_has(&c, "1|threw 'NaN' is an invalid value for metric 'cc'"), "%s", logs_of(&c));
	k6c__sched_result_free(&res);
	collect_free(&c);
}
END_TEST

/* ---- Memory ------------------------------------------------------------------ */

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Not a timing or size assertion beyond a generous bound: prints the figure
 * for the report and fails only if a VU costs over 1 MiB. */
START_TEST(test_engine_vm_memory__per_vu)
{
	static const char src[] =
		"import http from 'k6/http';\n"
		"import { check, group, sleep } from 'k6';\n"
		"export const options = { vus: 200, duration: '1s' };\n"
		"export default function () {\n"
		"  group('g', () => {\n"
		"    const r = http.get('http://127.0.0.1/');\n"
		"    check(r, { ok: (r) => r.status === 200, body: (r) => r.body.length > 0 });\n"
		"  });\n"
		"  for (const x of [1, 2, 3]) { const y = `v${x}`; }\n"
		"  sleep(1);\n"
		"}\n";
	enum { N = 200 };
	k6c__program *prog = NULL;
	collect c;
	void *states[N];
	long before, after;
	size_t live;

	collect_init(&c);
	ck_assert_int_eq(load(&prog, fixture_path("mem.js"), src, &c), 0);
	/* Give the transpiler's freed memory back first, or the VUs would
	 * reuse it without growing the resident size. */
	malloc_trim(0);
	before = rss_kib();
	live = mallinfo2().uordblks;
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(k6c__engine_vu_ops.init(prog, NULL, &states[i]), 0);
	after = rss_kib();
	live = mallinfo2().uordblks - live;
	printf("engine_vm: %d VUs: %.1f KiB RSS, %.1f KiB allocated per VU after init\n", N,
		(double)(after - before) / N, (double)live / 1024.0 / N);
	ck_assert_int_lt((long)(live / 1024 / N), 1024);
	for (int i = 0; i < N; i++)
		k6c__engine_vu_ops.free(states[i]);
	k6c__program_free(prog);
	collect_free(&c);
}
END_TEST

static Suite *engine_vm_suite(void)
{
	Suite *s = suite_create("engine_vm");
	TCase *load_tc = tcase_create("load");
	TCase *run_tc = tcase_create("run");
	TCase *life_tc = tcase_create("lifecycle");
	TCase *mem_tc = tcase_create("memory");

	tcase_set_timeout(load_tc, 120);
	tcase_add_test(load_tc, test_engine_vm_load__imports_options_open);
	tcase_add_test(load_tc, test_engine_vm_load__no_options);
	tcase_add_test(load_tc, test_engine_vm_load__syntax_error);
	tcase_add_test(load_tc, test_engine_vm_load__init_exception);
	tcase_add_test(load_tc, test_engine_vm_load__unknown_module);
	tcase_add_test(load_tc, test_engine_vm_load__init_context_rules);
	tcase_add_test(load_tc, test_engine_vm_load__cycle_and_commonjs);
	suite_add_tcase(s, load_tc);

	tcase_set_timeout(run_tc, 120);
	tcase_add_test(run_tc, test_engine_vm_run__setup_data_group_check);
	tcase_add_test(run_tc, test_engine_vm_run__setup_data_kinds);
	tcase_add_test(run_tc, test_engine_vm_run__exception_counts_and_logs);
	tcase_add_test(run_tc, test_engine_vm_run__http_get_post_json);
	tcase_add_test(run_tc, test_engine_vm_run__http_response_object);
	tcase_add_test(run_tc, test_engine_vm_run__http_errors);
	tcase_add_test(run_tc, test_engine_vm_run__busy_loop_interrupted);
	tcase_add_test(run_tc, test_engine_vm_run__sleep_interrupted);
	tcase_add_test(run_tc, test_engine_vm_run__random_seed);
	tcase_add_test(run_tc, test_engine_vm_run__console_and_globals);
	tcase_add_test(run_tc, test_engine_vm_run__check_throwing_and_tags);
	tcase_add_test(run_tc, test_engine_vm_run__metrics_and_execution);
	tcase_add_test(run_tc, test_engine_vm_run__async_default);
	tcase_add_test(run_tc, test_engine_vm_run__finalizer_in_coroutine);
	suite_add_tcase(s, run_tc);

	tcase_set_timeout(life_tc, 120);
	tcase_add_test(life_tc, test_engine_vm_summary__outputs);
	tcase_add_test(life_tc, test_engine_vm_summary__errors_and_default);
	tcase_add_test(life_tc, test_engine_vm_summary__text_summary);
	tcase_add_test(life_tc, test_engine_vm_summary__junit_humanize);
	tcase_add_test(life_tc, test_engine_vm_exec__values);
	tcase_add_test(life_tc, test_engine_vm_exec__vu_tags);
	tcase_add_test(life_tc, test_engine_vm_exec__system_tags_and_metadata);
	tcase_add_test(life_tc, test_engine_vm_exec__disabled_tags_not_produced);
	tcase_add_test(life_tc, test_engine_vm_exec__abort);
	tcase_add_test(life_tc, test_engine_vm_exec__fail);
	tcase_add_test(life_tc, test_engine_vm_exec__scenario_env_tags);
	tcase_add_test(life_tc, test_engine_vm_exec__init_context);
	suite_add_tcase(s, life_tc);

	tcase_set_timeout(mem_tc, 120);
	tcase_add_test(mem_tc, test_engine_vm_memory__per_vu);
	suite_add_tcase(s, mem_tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	k6c__http_global_init();
	httpbin_ok = ts_httpbin_start(&httpbin) == 0;
	sr = srunner_create(engine_vm_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (httpbin_ok)
		ts_server_stop(&httpbin);
	k6c__http_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
