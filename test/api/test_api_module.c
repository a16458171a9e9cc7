/*
 * test_api_module.c - API tier: native k6/x/ modules (k6c/module.h) through
 * the public headers only, linked against the shared library as a host
 * links it. Registration and its errors, the life cycle (one instance per
 * VU, VU 0 included, everything freed, per-test state shared), an import of
 * an unregistered module, VU accessors, custom metrics from C in the
 * summary and thresholds, exceptions from native functions, objects owning
 * C data, suspending a VU on a socket while another VU of the same worker
 * goes on, and promises settled from another thread or abandoned.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>
#include <k6c/module.h>

#include "tcapture.h"
#include "tjson.h"

/* ---- helpers ------------------------------------------------------------ */

static k6c_test *make_test(tcap *cap, const char *src, const char *options)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_set_script_source(t, "module.js", src, strlen(src)), 0);
	if (options != NULL)
		ck_assert_int_eq(k6c_test_set_options(t, options), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(t, tcap_cb, cap, NULL), 0);
	return t;
}

static void expect_exit(k6c_test *t, tcap *cap, int want)
{
	int got = k6c_test_exit_code(t);

	if (got != want) {
		fprintf(stderr, "exit code %d, expected %d; log:\n", got, want);
		tcap_dump(cap, stderr);
		if (k6c_test_summary_text(t) != NULL)
			fprintf(stderr, "summary:\n%s\n", k6c_test_summary_text(t));
	}
	ck_assert_int_eq(got, want);
}

static double metric_value(const k6c_test *t, const char *name, const char *field)
{
	char err[128];
	tj *doc = tj_parse(k6c_test_summary_json(t), err, sizeof(err));
	double v;

	ck_assert_msg(doc != NULL, "summary is not JSON: %s", err);
	v = tj_num(tj_getv(doc, "metrics", name, "values", field, NULL), NAN);
	tj_free(doc);
	return v;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

/* ---- k6/x/life: life cycle, accessors, metrics, helpers ------------------ */

typedef struct life {
	atomic_int test_init, test_free, vu_init, vu_free, vu_zero;
	atomic_int hits;             /* through the per-test state */
	atomic_int emit_in_init;     /* k6c_vu_emit's code in vu_init */
	atomic_int metric_late;      /* k6c_vu_metric's code outside init */
	atomic_int metric_clash, metric_bad;
	atomic_int finalized, cleared;
	int fail_test_init;
} life;

typedef struct life_test {
	atomic_int hits;
} life_test;

typedef struct life_vu {
	life *l;
	life_test *ts;
	k6c_vu *vu;
	int metric;
	int count;
} life_vu;

static int life_test_init(void *payload, void **test_state)
{
	life *l = payload;
	life_test *ts;

	atomic_fetch_add(&l->test_init, 1);
	if (l->fail_test_init) {
		k6c_mod_set_error("cannot reach the %s", "database");
		return -1;
	}
	ts = calloc(1, sizeof(*ts));
	ck_assert_ptr_nonnull(ts);
	*test_state = ts;
	return 0;
}

static void life_test_free(void *payload, void *test_state)
{
	life *l = payload;

	atomic_fetch_add(&l->test_free, 1);
	free(test_state);
}

/* hit(): counts in the VU, in the test, and as a sample of life_hits. */
static duk_ret_t life_hit(duk_context *ctx)
{
	life_vu *v = k6c_mod_data(ctx);
	k6c_tag tag = { "kind", "hit" };
	int dummy;

	ck_assert_ptr_eq(k6c_vu_from_ctx(ctx), v->vu);
	ck_assert_ptr_eq(k6c_vu_ctx(v->vu), ctx);
	v->count++;
	atomic_fetch_add(&v->ts->hits, 1);
	atomic_fetch_add(&v->l->hits, 1);
	ck_assert_int_eq(k6c_vu_emit(v->vu, v->metric, 1, &tag, 1), 0);
	atomic_store(&v->l->metric_late, k6c_vu_metric(v->vu, "life_late", K6C_METRIC_COUNTER,
		K6C_CONTAINS_DEFAULT, &dummy));
	duk_push_int(ctx, v->count);
	return 1;
}

/* info(): what the accessors say, as an object. */
static duk_ret_t life_info(duk_context *ctx)
{
	life_vu *v = k6c_mod_data(ctx);
	const k6c_tag *tags;
	size_t n = k6c_vu_tags(v->vu, &tags);
	const char *env = k6c_vu_env(v->vu, "FOO");

	duk_push_object(ctx);
	duk_push_number(ctx, (double)k6c_vu_id(v->vu));
	duk_put_prop_string(ctx, -2, "id");
	duk_push_number(ctx, (double)k6c_vu_id_in_test(v->vu));
	duk_put_prop_string(ctx, -2, "idInTest");
	duk_push_number(ctx, (double)k6c_vu_iteration(v->vu));
	duk_put_prop_string(ctx, -2, "iter");
	duk_push_string(ctx, k6c_vu_scenario(v->vu));
	duk_put_prop_string(ctx, -2, "scenario");
	if (env != NULL)
		duk_push_string(ctx, env);
	else
		duk_push_null(ctx);
	duk_put_prop_string(ctx, -2, "env");
	env = k6c_vu_env(v->vu, "SC");
	duk_push_string(ctx, env != NULL ? env : "");
	duk_put_prop_string(ctx, -2, "sc");
	duk_push_boolean(ctx, k6c_vu_in_init(v->vu));
	duk_put_prop_string(ctx, -2, "inInit");
	duk_push_boolean(ctx, k6c_vu_cancelled(v->vu));
	duk_put_prop_string(ctx, -2, "cancelled");
	duk_push_object(ctx);
	for (size_t i = 0; i < n; i++) {
		duk_push_string(ctx, tags[i].value);
		duk_put_prop_string(ctx, -2, tags[i].key);
	}
	duk_put_prop_string(ctx, -2, "tags");
	return 1;
}

/* tag(key, value|null), meta(key, value|null) */
static duk_ret_t life_kv(duk_context *ctx, int meta)
{
	life_vu *v = k6c_mod_data(ctx);
	const char *key = k6c_mod_arg_string(ctx, 0, "tag", "key", NULL);
	const char *value = duk_is_null(ctx, 1) ? NULL : k6c_mod_arg_string(ctx, 1, "tag", "value", NULL);
	int rc = meta ? k6c_vu_metadata_set(v->vu, key, value) : k6c_vu_tag_set(v->vu, key, value);

	ck_assert_int_eq(rc, 0);
	return 0;
}

static duk_ret_t life_tag(duk_context *ctx)
{
	return life_kv(ctx, 0);
}

static duk_ret_t life_meta(duk_context *ctx)
{
	return life_kv(ctx, 1);
}

/* boom(n): throws an Error; typed(x): needs a string and a number. */
static duk_ret_t life_boom(duk_context *ctx)
{
	k6c_mod_throw(ctx, "boom %d", (int)k6c_mod_arg_number(ctx, 0, "boom", "n"));
	return 0;
}

static duk_ret_t life_typed(duk_context *ctx)
{
	size_t len;
	const char *s = k6c_mod_arg_string(ctx, 0, "typed", "s", &len);
	double n = k6c_mod_arg_number(ctx, 1, "typed", "n");
	size_t blen;
	const void *b = k6c_mod_arg_bytes(ctx, 2, "typed", "b", &blen);

	ck_assert(len < 64);
	if (n < 0)
		k6c_mod_throw_type(ctx, "typed: n must not be negative");
	char out[256];
	int m = snprintf(out, sizeof(out), "%s:%zu:%g:%zu:%02x", s, len, n, blen, blen > 0 ?
		((const unsigned char *)b)[0] : 0);

	/* UTF-8 in, UTF-8 out: the helper makes surrogate pairs again. */
	k6c_mod_push_string(ctx, out, (size_t)m);
	return 1;
}

/* echo(s): the string through UTF-8 and back; bytes(s): as an ArrayBuffer. */
static duk_ret_t life_echo(duk_context *ctx)
{
	size_t len;
	const char *s = k6c_mod_arg_string(ctx, 0, "echo", "s", &len);
	char *copy = malloc(len + 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len + 1);
	/* Duktape's own push would keep CESU-8; the helper takes UTF-8. */
	duk_pop(ctx);
	k6c_mod_push_string(ctx, copy, len);
	free(copy);
	return 1;
}

static duk_ret_t life_bytes(duk_context *ctx)
{
	size_t len;
	const void *p = k6c_mod_arg_bytes(ctx, 0, "bytes", "v", &len);

	k6c_mod_push_arraybuffer(ctx, p, len);
	return 1;
}

/* open(): an object owning C memory; .get() reads it, .close() takes it back. */
static void life_finalize(void *data)
{
	life *l = *(life **)data;

	atomic_fetch_add(&l->finalized, 1);
	free(data);
}

static duk_ret_t life_get(duk_context *ctx)
{
	life **data = k6c_mod_object_data(ctx, DUK_INVALID_INDEX, "Thing");

	duk_push_boolean(ctx, *data != NULL);
	return 1;
}

static duk_ret_t life_close(duk_context *ctx)
{
	life **data = k6c_mod_object_clear(ctx, DUK_INVALID_INDEX);

	if (data != NULL) {
		atomic_fetch_add(&(*data)->cleared, 1);
		free(data);
	}
	return 0;
}

static duk_ret_t life_open(duk_context *ctx)
{
	static const k6c_mod_fn methods[] = {
		{ "get", life_get, 0 },
		{ "close", life_close, 0 },
		{ NULL, NULL, 0 },
	};
	life_vu *v = k6c_mod_data(ctx);
	life **data = malloc(sizeof(*data));

	ck_assert_ptr_nonnull(data);
	*data = v->l;
	k6c_mod_push_object(ctx, data, life_finalize);
	k6c_mod_put_functions(ctx, -1, methods, NULL);
	return 1;
}

static void life_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	static const k6c_mod_fn fns[] = {
		{ "hit", life_hit, 0 },
		{ "info", life_info, 0 },
		{ "boom", life_boom, 1 },
		{ "typed", life_typed, 3 },
		{ "echo", life_echo, 1 },
		{ "bytes", life_bytes, 1 },
		{ "open", life_open, 0 },
		{ "tag", life_tag, 2 },
		{ "meta", life_meta, 2 },
		{ NULL, NULL, 0 },
	};
	life *l = payload;
	life_vu *v;
	int id;

	ck_assert_int_eq(k6c_vu_in_init(vu), 1);
	ck_assert_ptr_eq(k6c_vu_from_ctx(ctx), vu);
	if (k6c_vu_id(vu) == 0 && k6c_vu_scenario(vu)[0] == '\0')
		atomic_fetch_add(&l->vu_zero, 1);
	v = calloc(1, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	v->l = l;
	v->ts = test_state;
	v->vu = vu;
	ck_assert_int_eq(k6c_vu_metric(vu, "life_hits", K6C_METRIC_COUNTER, K6C_CONTAINS_DEFAULT,
		&v->metric), 0);
	ck_assert_int_eq(k6c_vu_metric(vu, "life_hits", K6C_METRIC_COUNTER, K6C_CONTAINS_DEFAULT,
		&id), 0);
	ck_assert_int_eq(id, v->metric);
	atomic_store(&l->metric_clash, k6c_vu_metric(vu, "http_reqs", K6C_METRIC_GAUGE,
		K6C_CONTAINS_DEFAULT, &id));
	atomic_store(&l->metric_bad, k6c_vu_metric(vu, "a", K6C_METRIC_GAUGE,
		K6C_CONTAINS_DEFAULT, &id));
	atomic_store(&l->emit_in_init, k6c_vu_emit(vu, v->metric, 1, NULL, 0));
	*vu_state = v;
	atomic_fetch_add(&l->vu_init, 1);
	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, fns, v);
	duk_push_int(ctx, 7);
	duk_put_prop_string(ctx, -2, "seven");
	duk_push_string(ctx, "life");
	duk_put_prop_string(ctx, -2, "name");
}

static void life_vu_free(k6c_vu *vu, void *payload, void *test_state, void *vu_state)
{
	life *l = payload;

	ck_assert_ptr_nonnull(vu);
	ck_assert_ptr_nonnull(test_state);
	atomic_fetch_add(&l->vu_free, 1);
	free(vu_state);
}

static const k6c_module_def life_def = {
	K6C_MODULE_ABI, "k6/x/life", life_test_init, life_test_free, life_vu_init, life_vu_free,
};

static const char life_script[] =
	"import life, { hit, seven } from 'k6/x/life';\n"
	"export const options = { vus: 3, iterations: 12 };\n"
	"if (seven !== 7 || life.name !== 'life') throw new Error('bad exports');\n"
	"export default function () { hit(); }\n";

START_TEST(test_api_module_life__instances_and_state)
{
	life l;
	tcap cap;
	k6c_test *t;

	memset(&l, 0, sizeof(l));
	tcap_init(&cap);
	t = make_test(&cap, life_script, NULL);
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(atomic_load(&l.test_init), 1);
	ck_assert_int_eq(atomic_load(&l.test_free), 1);
	/* VUs 1-3 and the options-reading VU 0 at least (the setup VU may
	 * be one more), each freed. */
	ck_assert_int_ge(atomic_load(&l.vu_init), 4);
	ck_assert_int_eq(atomic_load(&l.vu_init), atomic_load(&l.vu_free));
	ck_assert_int_ge(atomic_load(&l.vu_zero), 1);
	ck_assert_int_eq(atomic_load(&l.hits), 12);
	/* Metrics from C: init only, k6's rules, samples outside init. */
	ck_assert_int_eq(atomic_load(&l.emit_in_init), K6C_ESTATE);
	ck_assert_int_eq(atomic_load(&l.metric_late), K6C_ESTATE);
	ck_assert_int_eq(atomic_load(&l.metric_clash), K6C_ECONFIG);
	ck_assert_int_eq(atomic_load(&l.metric_bad), K6C_EINVAL);
	ck_assert_double_eq(metric_value(t, "life_hits", "count"), 12);

	/* A second run of the same test makes a new per-test state. */
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(atomic_load(&l.test_init), 2);
	ck_assert_int_eq(atomic_load(&l.test_free), 2);
	ck_assert_int_eq(atomic_load(&l.hits), 24);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_module_life__threshold_on_c_metric)
{
	life l;
	tcap cap;
	k6c_test *t;

	memset(&l, 0, sizeof(l));
	tcap_init(&cap);
	t = make_test(&cap, life_script, "{\"thresholds\":{\"life_hits\":[\"count<5\"],"
		"\"life_hits{kind:hit}\":[\"count>=12\"]}}");
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 99);
	ck_assert_ptr_nonnull(tcap_find(&cap, -1, "life_hits"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_module_life__accessors)
{
	static const char script[] =
		"import { check } from 'k6';\n"
		"import exec from 'k6/execution';\n"
		"import { info, tag, meta } from 'k6/x/life';\n"
		"export const options = {\n"
		"  scenarios: { main: { executor: 'per-vu-iterations', vus: 2, iterations: 3,\n"
		"    env: { SC: 'yes' }, tags: { sct: 'v' } } },\n"
		"  tags: { run: 'r1' }, thresholds: { checks: ['rate==1'] } };\n"
		"const init = info();\n"
		"export default function () {\n"
		"  const i = info();\n"
		"  check(i, {\n"
		"    'id': (i) => i.id === exec.vu.idInInstance && i.id >= 1,\n"
		"    'idInTest': (i) => i.idInTest === exec.vu.idInTest,\n"
		"    'iter': (i) => i.iter === exec.vu.iterationInInstance,\n"
		"    'scenario': (i) => i.scenario === 'main',\n"
		"    'env': (i) => i.env === 'bar' && i.sc === 'yes',\n"
		"    'not init': (i) => i.inInit === false && i.cancelled === false,\n"
		"    'tags': (i) => i.tags.run === 'r1' && i.tags.sct === 'v' &&\n"
		"      i.tags.scenario === 'main' && i.tags.group === '',\n"
		"    'init info': () => init.inInit === true && init.iter === 0 &&\n"
		"      init.scenario === '' && init.env === 'bar',\n"
		"  });\n"
		"  tag('mod', 'x' + exec.vu.idInInstance);\n"
		"  check(exec.vu.tags, { 'tag set': (t) => t.mod === 'x' + exec.vu.idInInstance });\n"
		"  check(info(), { 'tag seen': (i) => i.tags.mod === 'x' + exec.vu.idInInstance });\n"
		"  tag('mod', null);\n"
		"  check(exec.vu.tags, { 'tag removed': (t) => t.mod === undefined });\n"
		"  meta('trace', 'abc');\n"
		"  check(exec.vu.metrics.metadata, { 'metadata': (m) => m.trace === 'abc' });\n"
		"}\n";
	life l;
	tcap cap;
	k6c_test *t;

	memset(&l, 0, sizeof(l));
	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_set_env(t, "FOO", "bar"), 0);
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_double_eq(metric_value(t, "checks", "passes"), 6 * 12);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_module_helpers__errors_objects_strings)
{
	static const char script[] =
		"import { check } from 'k6';\n"
		"import { boom, typed, echo, bytes, open } from 'k6/x/life';\n"
		"export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };\n"
		"function err(f) { try { f(); return null; } catch (e) { return e; } }\n"
		"export default function () {\n"
		"  check(err(() => boom(42)), { 'boom': (e) => e instanceof Error &&\n"
		"    e.message === 'boom 42' });\n"
		"  check(err(() => typed(5, 1, 'x')), { 'string arg': (e) => e instanceof TypeError &&\n"
		"    e.message === 'typed: s must be a string, not a number' });\n"
		"  check(err(() => typed('a', 'b', 'x')), { 'number arg': (e) => e instanceof TypeError\n"
		"    && e.message === 'typed: n must be a number, not a string' });\n"
		"  check(err(() => typed('a', -1, 'x')), { 'throw_type': (e) => e instanceof TypeError\n"
		"    && e.message === 'typed: n must not be negative' });\n"
		"  check(typed('h\\u00e9', 2, new Uint8Array([171, 2]).buffer), {\n"
		"    'typed': (s) => s === 'h\\u00e9:3:2:2:ab' });\n"
		"  check(echo('a\\ud83d\\ude00b'), { 'echo': (s) => s === 'a\\ud83d\\ude00b' });\n"
		"  check(typed('\\ud83d\\ude00', 0, ''), { 'utf-8': (s) => s === '\\ud83d\\ude00:4:0:0:00' });\n"
		"  check(new Uint8Array(bytes('\\u00e9')), { 'bytes': (b) => b.length === 2 &&\n"
		"    b[0] === 0xc3 && b[1] === 0xa9 });\n"
		"  const o = open();\n"
		"  check(o.get(), { 'object': (v) => v === true });\n"
		"  o.close();\n"
		"  check(err(() => o.get()), { 'closed': (e) => e instanceof TypeError &&\n"
		"    e.message.indexOf('Thing') >= 0 });\n"
		"  open();\n"
		"}\n";
	life l;
	tcap cap;
	k6c_test *t;

	memset(&l, 0, sizeof(l));
	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_double_eq(metric_value(t, "checks", "passes"), 2 * 10);
	/* Each iteration closed one object and left one to the collector or
	 * the heap's end. */
	ck_assert_int_eq(atomic_load(&l.cleared), 2);
	ck_assert_int_eq(atomic_load(&l.finalized), 2);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- Registration ---------------------------------------------------------- */

static void noop_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	duk_push_object(ctx);
}

static void expect_register(k6c_test *t, const k6c_module_def *def, int want, const char *needle)
{
	int rc = t != NULL ? k6c_test_register_module(t, def, NULL) : k6c_module_register(def, NULL);
	const k6c_error *e = k6c_error_last();

	ck_assert_msg(rc == want, "%s: got %d, want %d", def != NULL && def->name != NULL ?
		def->name : "(null)", rc, want);
	if (needle != NULL) {
		ck_assert_ptr_nonnull(e);
		ck_assert_msg(strstr(e->message, needle) != NULL, "message \"%s\" lacks \"%s\"",
			e->message, needle);
	}
}

START_TEST(test_api_module_register__errors)
{
	static char long_name[5 + 102];
	const k6c_module_def ok = { K6C_MODULE_ABI, "k6/x/reg-ok_1.v2/sub", NULL, NULL,
		noop_vu_init, NULL };
	const k6c_module_def proc = { K6C_MODULE_ABI, "k6/x/reg-proc", NULL, NULL,
		noop_vu_init, NULL };
	const k6c_module_def abi = { K6C_MODULE_ABI + 1, "k6/x/reg-abi", NULL, NULL,
		noop_vu_init, NULL };
	const k6c_module_def no_init = { K6C_MODULE_ABI, "k6/x/reg-noinit", NULL, NULL, NULL, NULL };
	static const char *const bad[] = { "k6/x/", "foo", "k6/foo", "k6/x//a", "k6/x/a/",
		"k6/x/a b", "k6/x/\xc3\xa9", "k6/X/a", long_name };
	/* Registered definitions are borrowed until the test is freed. */
	k6c_module_def longest = ok;
	k6c_test *t = NULL;

	memset(long_name, 'a', sizeof(long_name) - 1);
	memcpy(long_name, "k6/x/", 5);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k6c_module_def d = ok;

		d.name = bad[i];
		expect_register(NULL, &d, K6C_EINVAL, "invalid module name");
		expect_register(t, &d, K6C_EINVAL, "invalid module name");
	}
	long_name[5 + 100] = '\0';          /* exactly 100 bytes is fine */
	longest.name = long_name;
	expect_register(t, &longest, 0, NULL);
	expect_register(NULL, NULL, K6C_EINVAL, NULL);
	expect_register(t, NULL, K6C_EINVAL, NULL);
	expect_register(NULL, &abi, K6C_ENOTSUP, "k6/x/reg-abi");
	expect_register(t, &abi, K6C_ENOTSUP, "k6/x/reg-abi");
	expect_register(NULL, &no_init, K6C_EINVAL, "k6/x/reg-noinit");
	expect_register(t, &ok, 0, NULL);
	expect_register(t, &ok, K6C_ECONFIG, "k6/x/reg-ok_1.v2/sub");
	expect_register(NULL, &proc, 0, NULL);
	expect_register(NULL, &proc, K6C_ECONFIG, "k6/x/reg-proc");
	expect_register(t, &proc, K6C_ECONFIG, "k6/x/reg-proc");
	ck_assert_int_eq(k6c_test_register_module(NULL, &ok, NULL), K6C_EINVAL);
	k6c_test_free(t);
}
END_TEST

/* A Duktape heap of the host's own (libk6c's exported Duktape) is no VU. */
START_TEST(test_api_module_vu__foreign_context)
{
	duk_context *ctx = duk_create_heap_default();
	const k6c_tag *tags = (const k6c_tag *)&tags;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_ptr_null(k6c_vu_from_ctx(ctx));
	ck_assert_ptr_null(k6c_vu_from_ctx(NULL));
	ck_assert_ptr_null(k6c_promise_new(ctx));
	ck_assert_int_eq(duk_get_top(ctx), 0);
	duk_eval_string(ctx, "6 * 7");
	ck_assert_int_eq(duk_get_int(ctx, -1), 42);
	duk_destroy_heap(ctx);
	ck_assert_uint_eq(k6c_vu_tags(NULL, &tags), 0);
	ck_assert_ptr_null(tags);
	ck_assert_int_eq(k6c_vu_tag_set(NULL, "a", "b"), K6C_EINVAL);
	ck_assert_int_eq(k6c_vu_emit(NULL, 0, 1, NULL, 0), K6C_EINVAL);
	ck_assert_int_eq(k6c_vu_sleep(NULL, 1), K6C_EINVAL);
}
END_TEST

START_TEST(test_api_module_register__process_wide_and_running)
{
	static const char script[] =
		"import { hit } from 'k6/x/life-global';\n"
		"import { sleep } from 'k6';\n"
		"export const options = { vus: 1, iterations: 2 };\n"
		"export default function () { hit(); sleep(0.2); }\n";
	k6c_module_def def = life_def;
	life l;
	tcap cap;
	k6c_test *t;

	def.name = "k6/x/life-global";
	memset(&l, 0, sizeof(l));
	tcap_init(&cap);
	ck_assert_int_eq(k6c_module_register(&def, &l), 0);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_start(t), 0);
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), K6C_ESTATE);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(atomic_load(&l.hits), 2);
	ck_assert_int_eq(atomic_load(&l.test_init), 1);
	ck_assert_int_eq(atomic_load(&l.test_free), 1);
	ck_assert_int_eq(atomic_load(&l.vu_init), atomic_load(&l.vu_free));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_module_load__unregistered_and_failed_init)
{
	static const char script[] =
		"import nope from 'k6/x/nope';\n"
		"export default function () {}\n";
	static const char script2[] =
		"import { hit } from 'k6/x/life';\n"
		"export default function () { hit(); }\n";
	static const char script3[] =
		"const name = ['k6', 'x', 'life'].join('/');\n"
		"export default function () { require(name); }\n";
	life l;
	tcap cap;
	k6c_test *t;

	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 107);
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_ERROR, "k6/x/nope", "not registered",
		NULL));
	k6c_test_free(t);

	/* test_init fails: 107 with its message, test_free still called,
	 * no VU made. */
	tcap_clear(&cap);
	memset(&l, 0, sizeof(l));
	l.fail_test_init = 1;
	t = make_test(&cap, script2, NULL);
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 107);
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_ERROR, "k6/x/life",
		"cannot reach the database", NULL));
	ck_assert_int_eq(atomic_load(&l.test_init), 1);
	ck_assert_int_eq(atomic_load(&l.test_free), 1);
	ck_assert_int_eq(atomic_load(&l.vu_init), 0);
	k6c_test_free(t);

	/* A module the script does not name at load is not there later
	 * (require() of a computed name), and gets no test_init. */
	tcap_clear(&cap);
	memset(&l, 0, sizeof(l));
	t = make_test(&cap, script3, "{\"iterations\":1}");
	ck_assert_int_eq(k6c_test_register_module(t, &life_def, &l), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(atomic_load(&l.test_init), 0);
	ck_assert_int_eq(atomic_load(&l.vu_init), 0);
	ck_assert_ptr_nonnull(tcap_find(&cap, -1, "k6/x/life"));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* ---- Suspending on a socket ---------------------------------------------------- */

typedef struct sock {
	int fds[2];
	atomic_int ticks;            /* the other VU's iterations */
	atomic_int waiting;          /* the wait began: ticks then + 1 */
	atomic_int ticks_during;     /* ticks the other VU made while we waited */
	atomic_int rc, revents, done;
	atomic_int timeout_rc, sleep_rc;
} sock;

static duk_ret_t sock_wait(duk_context *ctx)
{
	sock *s = k6c_mod_data(ctx);
	k6c_vu *vu = k6c_vu_from_ctx(ctx);
	unsigned revents = 0;
	int start = atomic_load(&s->ticks), rc;
	char c;

	/* A descriptor nobody writes to times out. */
	atomic_store(&s->timeout_rc, k6c_vu_wait_fd(vu, s->fds[0], K6C_WAIT_READ, 10, &revents));
	ck_assert_uint_eq(revents, 0);
	atomic_store(&s->waiting, start + 1);
	rc = k6c_vu_wait_fd(vu, s->fds[0], K6C_WAIT_READ, 10000, &revents);
	atomic_store(&s->ticks_during, atomic_load(&s->ticks) - start);
	atomic_store(&s->rc, rc);
	atomic_store(&s->revents, (int)revents);
	if (rc == 0)
		ck_assert_int_eq(read(s->fds[0], &c, 1), 1);
	atomic_store(&s->sleep_rc, k6c_vu_sleep(vu, 1));
	atomic_store(&s->done, 1);
	return 0;
}

static duk_ret_t sock_tick(duk_context *ctx)
{
	sock *s = k6c_mod_data(ctx);

	duk_push_boolean(ctx, atomic_load(&s->done) != 0);
	if (!atomic_load(&s->done))
		atomic_fetch_add(&s->ticks, 1);
	return 1;
}

static void sock_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	static const k6c_mod_fn fns[] = {
		{ "wait", sock_wait, 0 },
		{ "tick", sock_tick, 0 },
		{ NULL, NULL, 0 },
	};

	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, fns, payload);
}

/* The socket's other end: answers once the other VU ticked 5 times after
 * the wait began, which it can only do if the wait does not block the
 * (single) worker. */
static void *sock_answer(void *arg)
{
	sock *s = arg;

	for (int i = 0; i < 20000; i++) {
		int w = atomic_load(&s->waiting);

		if (w > 0 && atomic_load(&s->ticks) >= w - 1 + 5)
			break;
		sleep_ms(1);
	}
	ck_assert_int_eq(write(s->fds[1], "x", 1), 1);
	return NULL;
}

START_TEST(test_api_module_wait__socket_other_vus_run)
{
	static const char script[] =
		"import { sleep } from 'k6';\n"
		"import { wait, tick } from 'k6/x/sock';\n"
		"export const options = { scenarios: {\n"
		"  slow: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'slow' },\n"
		"  fast: { executor: 'per-vu-iterations', vus: 1, iterations: 3000, exec: 'fast' } } };\n"
		"export function slow() { wait(); }\n"
		"export function fast() { if (!tick()) sleep(0.002); }\n";
	static const k6c_module_def def = { K6C_MODULE_ABI, "k6/x/sock", NULL, NULL,
		sock_vu_init, NULL };
	sock s;
	tcap cap;
	k6c_test *t;
	pthread_t th;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s.fds), 0);
	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_set_workers(t, 1), 0);
	ck_assert_int_eq(k6c_test_register_module(t, &def, &s), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, sock_answer, &s), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	pthread_join(th, NULL);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(atomic_load(&s.timeout_rc), K6C_EIO);
	ck_assert_int_eq(atomic_load(&s.rc), 0);
	ck_assert_int_eq(atomic_load(&s.revents), (int)K6C_WAIT_READ);
	ck_assert_int_ge(atomic_load(&s.ticks_during), 5);
	ck_assert_int_eq(atomic_load(&s.sleep_rc), 0);
	k6c_test_free(t);
	tcap_free(&cap);
	close(s.fds[0]);
	close(s.fds[1]);
}
END_TEST

/* A hard stop cuts a wait with no limit short. */
static duk_ret_t stuck_wait(duk_context *ctx)
{
	sock *s = k6c_mod_data(ctx);

	atomic_store(&s->waiting, 1);
	atomic_store(&s->rc, k6c_vu_wait_fd(k6c_vu_from_ctx(ctx), s->fds[0], K6C_WAIT_READ, -1,
		NULL));
	atomic_store(&s->done, 1);
	return 0;
}

static void stuck_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	static const k6c_mod_fn fns[] = {
		{ "wait", stuck_wait, 0 },
		{ NULL, NULL, 0 },
	};

	sock *s = payload;
	int rc;

	ck_assert_int_eq(k6c_vu_wait_fd(vu, 0, 0, 0, NULL), K6C_EINVAL);
	ck_assert_int_eq(k6c_vu_sleep(vu, -1), K6C_EINVAL);
	/* Only the options-reading VU 0 has no coroutine; a real VU's init
	 * may wait. */
	rc = k6c_vu_sleep(vu, 0);
	ck_assert(rc == 0 || rc == K6C_ESTATE);
	if (rc == K6C_ESTATE) {
		ck_assert_uint_eq(k6c_vu_id(vu), 0);
		atomic_fetch_add(&s->sleep_rc, 1);
	} else {
		atomic_fetch_add(&s->ticks, 1);
	}
	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, fns, payload);
}

START_TEST(test_api_module_wait__hard_stop)
{
	static const char script[] =
		"import { wait } from 'k6/x/stuck';\n"
		"export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1,\n"
		"  duration: '300ms', gracefulStop: '0s' } } };\n"
		"export default function () { wait(); }\n";
	static const k6c_module_def def = { K6C_MODULE_ABI, "k6/x/stuck", NULL, NULL,
		stuck_vu_init, NULL };
	sock s;
	tcap cap;
	k6c_test *t;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s.fds), 0);
	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_register_module(t, &def, &s), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(atomic_load(&s.waiting), 1);
	ck_assert_int_eq(atomic_load(&s.rc), K6C_EABORTED);
	/* VU 0 could not sleep in its init, the real VU could. */
	ck_assert_int_eq(atomic_load(&s.sleep_rc), 1);
	ck_assert_int_ge(atomic_load(&s.ticks), 1);
	k6c_test_free(t);
	tcap_free(&cap);
	close(s.fds[0]);
	close(s.fds[1]);
}
END_TEST

/* ---- Promises ---------------------------------------------------------------------- */

typedef struct prom {
	pthread_mutex_t mu;
	pthread_t threads[64];
	int nthreads;
	k6c_promise *kept;           /* never settled by the script's run */
	atomic_int calls, abandoned;
} prom;

typedef struct prom_job {
	prom *pr;
	k6c_promise *p;
	double value;
	int fail;
} prom_job;

static int prom_outcome(duk_context *ctx, void *arg)
{
	prom_job *j = arg;
	int fail = j->fail;

	if (ctx == NULL) {
		atomic_fetch_add(&j->pr->abandoned, 1);
		free(j);
		return 0;
	}
	atomic_fetch_add(&j->pr->calls, 1);
	if (fail == 2) {
		free(j);
		k6c_mod_throw(ctx, "thrown from the outcome");
	}
	if (fail)
		duk_push_error_object(ctx, DUK_ERR_ERROR, "nope %g", j->value);
	else
		duk_push_number(ctx, j->value * 2);
	free(j);
	return fail;
}

static void *prom_settler(void *arg)
{
	prom_job *j = arg;

	sleep_ms(20);
	ck_assert_int_eq(k6c_promise_settle(j->p, prom_outcome, j), 0);
	return NULL;
}

/* later(v, fail): a promise settled by a thread of the module's. */
static duk_ret_t prom_later(duk_context *ctx)
{
	prom *pr = k6c_mod_data(ctx);
	prom_job *j = calloc(1, sizeof(*j));

	ck_assert_ptr_nonnull(j);
	j->pr = pr;
	j->value = k6c_mod_arg_number(ctx, 0, "later", "v");
	j->fail = duk_get_int(ctx, 1);
	j->p = k6c_promise_new(ctx);
	ck_assert_ptr_nonnull(j->p);
	pthread_mutex_lock(&pr->mu);
	ck_assert_int_lt(pr->nthreads, 64);
	ck_assert_int_eq(pthread_create(&pr->threads[pr->nthreads++], NULL, prom_settler, j), 0);
	pthread_mutex_unlock(&pr->mu);
	return 1;
}

/* never(): a promise the test settles after the run. */
static duk_ret_t prom_never(duk_context *ctx)
{
	prom *pr = k6c_mod_data(ctx);
	k6c_promise *p = k6c_promise_new(ctx);

	ck_assert_ptr_nonnull(p);
	pthread_mutex_lock(&pr->mu);
	ck_assert_ptr_null(pr->kept);
	pr->kept = p;
	pthread_mutex_unlock(&pr->mu);
	return 1;
}

static void prom_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	static const k6c_mod_fn fns[] = {
		{ "later", prom_later, 2 },
		{ "never", prom_never, 0 },
		{ NULL, NULL, 0 },
	};

	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, fns, payload);
}

static const k6c_module_def prom_def = { K6C_MODULE_ABI, "k6/x/prom", NULL, NULL,
	prom_vu_init, NULL };

START_TEST(test_api_module_promise__settled_from_threads)
{
	static const char script[] =
		"import { check } from 'k6';\n"
		"import { later } from 'k6/x/prom';\n"
		"export const options = { vus: 2, iterations: 6, thresholds: { checks: ['rate==1'] } };\n"
		"export default async function () {\n"
		"  const r = await later(21);\n"
		"  check(r, { 'resolved': (v) => v === 42 });\n"
		"  let e = null;\n"
		"  try { await later(5, 1); } catch (x) { e = x; }\n"
		"  check(e, { 'rejected': (x) => x instanceof Error && x.message === 'nope 5' });\n"
		"  e = null;\n"
		"  try { await later(5, 2); } catch (x) { e = x; }\n"
		"  check(e, { 'thrown': (x) => x instanceof Error &&\n"
		"    x.message === 'thrown from the outcome' });\n"
		"  const all = await Promise.all([later(1), later(2)]);\n"
		"  check(all, { 'all': (a) => a[0] === 2 && a[1] === 4 });\n"
		"}\n";
	prom pr;
	tcap cap;
	k6c_test *t;

	memset(&pr, 0, sizeof(pr));
	pthread_mutex_init(&pr.mu, NULL);
	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_register_module(t, &prom_def, &pr), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	for (int i = 0; i < pr.nthreads; i++)
		pthread_join(pr.threads[i], NULL);
	expect_exit(t, &cap, 0);
	ck_assert_int_eq(pr.nthreads, 6 * 5);
	ck_assert_int_eq(atomic_load(&pr.calls), 6 * 5);
	ck_assert_int_eq(atomic_load(&pr.abandoned), 0);
	ck_assert_double_eq(metric_value(t, "checks", "passes"), 6 * 4);
	k6c_test_free(t);
	tcap_free(&cap);
	pthread_mutex_destroy(&pr.mu);
}
END_TEST

START_TEST(test_api_module_promise__abandoned)
{
	/* The iteration waits for a promise nobody settles until the hard
	 * stop drops it; the settle after the run calls the outcome without
	 * a context, once. */
	static const char script[] =
		"import { never } from 'k6/x/prom';\n"
		"export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1,\n"
		"  iterations: 1, maxDuration: '300ms', gracefulStop: '0s' } } };\n"
		"export default async function () { await never(); }\n";
	prom pr;
	tcap cap;
	k6c_test *t;
	prom_job *j;

	memset(&pr, 0, sizeof(pr));
	pthread_mutex_init(&pr.mu, NULL);
	tcap_init(&cap);
	t = make_test(&cap, script, NULL);
	ck_assert_int_eq(k6c_test_register_module(t, &prom_def, &pr), 0);
	ck_assert_int_eq(k6c_test_run(t), 0);
	expect_exit(t, &cap, 0);
	ck_assert_ptr_nonnull(pr.kept);
	j = calloc(1, sizeof(*j));
	ck_assert_ptr_nonnull(j);
	j->pr = &pr;
	ck_assert_int_eq(k6c_promise_settle(NULL, prom_outcome, j), K6C_EINVAL);
	ck_assert_int_eq(k6c_promise_settle(pr.kept, NULL, j), K6C_EINVAL);
	ck_assert_int_eq(k6c_promise_settle(pr.kept, prom_outcome, j), 0);
	ck_assert_int_eq(atomic_load(&pr.abandoned), 1);
	ck_assert_int_eq(atomic_load(&pr.calls), 0);
	k6c_test_free(t);
	tcap_free(&cap);
	pthread_mutex_destroy(&pr.mu);
}
END_TEST

/* ---- Runner ------------------------------------------------------------------------ */

static Suite *module_suite(void)
{
	Suite *s = suite_create("api_module");
	TCase *reg = tcase_create("register");
	TCase *run = tcase_create("run");

	tcase_add_test(reg, test_api_module_register__errors);
	tcase_add_test(reg, test_api_module_vu__foreign_context);
	suite_add_tcase(s, reg);
	tcase_set_timeout(run, 120);
	tcase_add_test(run, test_api_module_life__instances_and_state);
	tcase_add_test(run, test_api_module_life__threshold_on_c_metric);
	tcase_add_test(run, test_api_module_life__accessors);
	tcase_add_test(run, test_api_module_helpers__errors_objects_strings);
	tcase_add_test(run, test_api_module_register__process_wide_and_running);
	tcase_add_test(run, test_api_module_load__unregistered_and_failed_init);
	tcase_add_test(run, test_api_module_wait__socket_other_vus_run);
	tcase_add_test(run, test_api_module_wait__hard_stop);
	tcase_add_test(run, test_api_module_promise__settled_from_threads);
	tcase_add_test(run, test_api_module_promise__abandoned);
	suite_add_tcase(s, run);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(module_suite());
	int failed;

	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
