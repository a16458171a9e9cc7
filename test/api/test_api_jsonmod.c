/*
 * test_api_jsonmod.c - API tier: JSON modules (k6c/jsonmod.h) through the
 * public headers only, linked against the shared library as a host links
 * it: arguments of every JSON type reach the callback as JSON text, results
 * come back decoded, failures become Errors with the callback's message or
 * a default one naming the function, text that is not JSON is refused and
 * leaves the result as it was, the VU accessors, calls from several worker
 * threads at once, and registration errors.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <k6c.h>

#include "api_run.h"

/* ---- k6/x/j: the callbacks ------------------------------------------------ */

typedef struct jstate {
	atomic_int echo, count, bad_rc_einval, bad_msg_ok, vu_calls, in_init;
	atomic_int seen_args_ok;
} jstate;

/* Returns its arguments, i.e. the JSON text it was given. */
static int j_echo(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	jstate *s = payload;

	atomic_fetch_add(&s->echo, 1);
	if (strlen(args) == len && args[0] == '[' && args[len - 1] == ']')
		atomic_fetch_add(&s->seen_args_ok, 1);
	return k6c_json_call_return(call, args, len);
}

/* Counts, and returns nothing: the script gets undefined. */
static int j_count(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	jstate *s = payload;

	(void)call;
	(void)len;
	ck_assert_str_eq(args, "[]");
	atomic_fetch_add(&s->count, 1);
	return 0;
}

/* Fails with a message built from its first argument. */
static int j_fail(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	char err[64], msg[64];
	tj *doc = tj_parse(args, err, sizeof(err));

	(void)len;
	(void)payload;
	ck_assert_ptr_nonnull(doc);
	/* The message set last wins. */
	ck_assert_int_eq(k6c_json_call_throw(call, "overwritten"), 0);
	snprintf(msg, sizeof(msg), "no %s here", tj_str(tj_at(doc, 0)));
	tj_free(doc);
	ck_assert_int_eq(k6c_json_call_throw(call, msg), 0);
	return -1;
}

static int j_fail_nomsg(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	(void)call;
	(void)args;
	(void)len;
	(void)payload;
	return 1;
}

/* Sets 1, replaces it with 7, then tries text that is not JSON: refused,
 * and 7 stays. */
static int j_bad_return(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	jstate *s = payload;
	const k6c_error *e;

	(void)args;
	(void)len;
	ck_assert_int_eq(k6c_json_call_return(call, "1", 1), 0);
	ck_assert_int_eq(k6c_json_call_return(call, "7xx", 1), 0);
	if (k6c_json_call_return(call, "{\"a\":", 5) == K6C_EINVAL)
		atomic_fetch_add(&s->bad_rc_einval, 1);
	e = k6c_error_last();
	if (e != NULL && strstr(e->message, "k6c_json_call_return: not JSON") != NULL)
		atomic_fetch_add(&s->bad_msg_ok, 1);
	return 0;
}

/* [vu id, in init]. */
static int j_vu(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	jstate *s = payload;
	char out[64];
	int n;

	(void)args;
	(void)len;
	atomic_fetch_add(&s->vu_calls, 1);
	if (k6c_json_call_in_init(call))
		atomic_fetch_add(&s->in_init, 1);
	n = snprintf(out, sizeof(out), "[%llu,%d]",
		(unsigned long long)k6c_json_call_vu_id(call), k6c_json_call_in_init(call));
	return k6c_json_call_return(call, out, (size_t)n);
}

static void register_j(k6c_test *t, jstate *s)
{
	const k6c_json_fn_def fns[] = {
		{ "echo", j_echo, s },
		{ "count", j_count, s },
		{ "fail", j_fail, s },
		{ "fail_nomsg", j_fail_nomsg, s },
		{ "bad_return", j_bad_return, s },
		{ "vu", j_vu, s },
	};

	ck_assert_int_eq(k6c_test_register_json_module(t, "k6/x/j", fns,
		sizeof(fns) / sizeof(fns[0])), 0);
}

static const char script_j[] =
	"import j from 'k6/x/j';\n"
	"import * as ns from 'k6/x/j';\n"
	"import { check } from 'k6';\n"
	"const initVu = j.vu();\n"
	"export const options = { vus: 4, iterations: 40 };\n"
	"export default function () {\n"
	"  const want = ['s', 1, 2.5, -3e21, true, null, [1, 'a'], { k: { n: [false] } }, null];\n"
	"  const e = j.echo('s', 1, 2.5, -3e21, true, null, [1, 'a'], { k: { n: [false] } }, undefined);\n"
	"  check(e, { 'echo': (v) => JSON.stringify(v) === JSON.stringify(want) });\n"
	"  check(j.echo('é\"\\n'), { 'string escapes': (v) => v[0] === 'é\"\\n' });\n"
	"  check(j.count(), { 'undefined': (v) => v === undefined });\n"
	"  let msg = '';\n"
	"  try { j.fail('x'); } catch (err) { msg = err.message + '|' + (err instanceof Error); }\n"
	"  check(msg, { 'thrown': (m) => m === 'no x here|true' });\n"
	"  try { j.fail_nomsg(); } catch (err) { msg = err.message; }\n"
	"  check(msg, { 'default message': (m) => m === 'k6/x/j.fail_nomsg failed' });\n"
	"  check(j.bad_return(), { 'last good value': (v) => v === 7 });\n"
	"  const v = j.vu();\n"
	"  check(v, { 'vu': (x) => x[0] === __VU && x[1] === 0 });\n"
	"  check(initVu, { 'init vu': (x) => x[0] === __VU && x[1] === 1 });\n"
	"  check(ns.echo, { 'namespace import': (f) => f === j.echo });\n"
	"  const cyc = {}; cyc.self = cyc;\n"
	"  let name = '';\n"
	"  try { j.echo(cyc); } catch (err) { name = err.name; }\n"
	"  check(name, { 'cyclic argument': (n) => n === 'TypeError' });\n"
	"}\n";

START_TEST(test_jsonmod__calls)
{
	tcap cap;
	jstate s;
	k6c_test *t;

	memset(&s, 0, sizeof(s));
	t = ar_make_test(&cap, "jsonmod.js", script_j, "{}");
	/* Two workers: the callbacks are called from both at once. */
	ck_assert_int_eq(k6c_test_set_workers(t, 2), 0);
	register_j(t, &s);
	ar_run(t, &cap, 0);

	/* 10 checks per iteration, all passing. */
	ck_assert_double_eq(ar_summary_value(t, "checks", "passes"), 400);
	ck_assert_double_eq(ar_summary_value(t, "checks", "fails"), 0);
	ck_assert_int_eq(atomic_load(&s.count), 40);
	/* Two echoes per iteration reach the callback; the cyclic one throws
	 * before it. */
	ck_assert_int_eq(atomic_load(&s.echo), 80);
	ck_assert_int_eq(atomic_load(&s.seen_args_ok), 80);
	ck_assert_int_eq(atomic_load(&s.bad_rc_einval), 40);
	ck_assert_int_eq(atomic_load(&s.bad_msg_ok), 40);
	/* Once per iteration outside init, and in the init of every VU heap:
	 * VU 0 (options), the 4 VUs and the one that runs setup/teardown. */
	ck_assert_int_eq(atomic_load(&s.vu_calls) - atomic_load(&s.in_init), 40);
	ck_assert_int_ge(atomic_load(&s.in_init), 5);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* A module with no function is an empty object; one registered but never
 * imported costs nothing and is freed with the test. */
START_TEST(test_jsonmod__empty_and_unused)
{
	static const char src[] =
		"import e from 'k6/x/empty';\n"
		"export const options = { iterations: 1 };\n"
		"export default function () {\n"
		"  if (Object.keys(e).length !== 0) throw new Error('not empty');\n"
		"}\n";
	tcap cap;
	jstate s;
	k6c_test *t;

	memset(&s, 0, sizeof(s));
	t = ar_make_test(&cap, "jsonmod.js", src, "{}");
	ck_assert_int_eq(k6c_test_register_json_module(t, "k6/x/empty", NULL, 0), 0);
	register_j(t, &s);
	ar_run(t, &cap, 0);
	ck_assert_double_eq(ar_summary_value(t, "iterations", "count"), 1);
	ck_assert_int_eq(atomic_load(&s.vu_calls), 0);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static int nop(k6c_json_call *call, const char *args, size_t len, void *payload)
{
	(void)call;
	(void)args;
	(void)len;
	(void)payload;
	return 0;
}

static void expect_refused(k6c_test *t, const char *name, const k6c_json_fn_def *fns,
	size_t n, int code, const char *needle)
{
	const k6c_error *e;

	ck_assert_int_eq(k6c_test_register_json_module(t, name, fns, n), code);
	e = k6c_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(strstr(e->message, needle) != NULL, "message \"%s\" lacks \"%s\"",
		e->message, needle);
}

START_TEST(test_jsonmod__registration_errors)
{
	const k6c_json_fn_def ok[] = { { "f", nop, NULL } };
	const k6c_json_fn_def digit[] = { { "1f", nop, NULL } };
	const k6c_json_fn_def dash[] = { { "a-b", nop, NULL } };
	const k6c_json_fn_def noname[] = { { NULL, nop, NULL } };
	const k6c_json_fn_def nofn[] = { { "g", NULL, NULL } };
	const k6c_json_fn_def twice[] = { { "f", nop, NULL }, { "f", nop, NULL } };
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_register_json_module(NULL, "k6/x/a", ok, 1), K6C_EINVAL);
	expect_refused(t, NULL, ok, 1, K6C_EINVAL, "no name");
	expect_refused(t, "k6/y/a", ok, 1, K6C_EINVAL, "invalid module name \"k6/y/a\"");
	expect_refused(t, "k6/x/a", NULL, 1, K6C_EINVAL, "k6/x/a: no function table");
	expect_refused(t, "k6/x/a", digit, 1, K6C_EINVAL, "invalid name \"1f\"");
	expect_refused(t, "k6/x/a", dash, 1, K6C_EINVAL, "invalid name \"a-b\"");
	expect_refused(t, "k6/x/a", noname, 1, K6C_EINVAL, "invalid name \"(null)\"");
	expect_refused(t, "k6/x/a", nofn, 1, K6C_EINVAL, "function g has no callback");
	expect_refused(t, "k6/x/a", twice, 2, K6C_EINVAL, "function f is given twice");
	ck_assert_int_eq(k6c_test_register_json_module(t, "k6/x/a", ok, 1), 0);
	expect_refused(t, "k6/x/a", ok, 1, K6C_ECONFIG,
		"k6c_test_register_json_module: module k6/x/a is already registered for this test");
	k6c_test_free(t);
}
END_TEST

/* A running test refuses a registration. */
START_TEST(test_jsonmod__running)
{
	static const char src[] =
		"export const options = { iterations: 1 };\n"
		"export default function () {}\n";
	const k6c_json_fn_def ok[] = { { "f", nop, NULL } };
	tcap cap;
	k6c_test *t;

	t = ar_make_test(&cap, "jsonmod.js", src, "{}");
	/* Paused: the run waits before setup until resumed, so it is running
	 * for certain during the registration below. */
	ck_assert_int_eq(k6c_test_set_paused(t, 1), 0);
	ck_assert_int_eq(k6c_test_start(t), 0);
	expect_refused(t, "k6/x/late", ok, 1, K6C_ESTATE, "the test is running");
	ck_assert_int_eq(k6c_test_set_paused(t, 0), 0);
	ck_assert_int_eq(k6c_test_wait(t), 0);
	if (k6c_test_exit_code(t) != 0)
		tcap_dump(&cap, stderr);
	ck_assert_int_eq(k6c_test_exit_code(t), 0);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

static Suite *jsonmod_suite(void)
{
	Suite *s = suite_create("api_jsonmod");
	TCase *tc = tcase_create("jsonmod");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_jsonmod__calls);
	tcase_add_test(tc, test_jsonmod__empty_and_unused);
	tcase_add_test(tc, test_jsonmod__registration_errors);
	tcase_add_test(tc, test_jsonmod__running);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonmod_suite());
	int failed;

	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
