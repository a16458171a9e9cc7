/*
 * test_engine_lower.c - unit tests of the lowering library: every ES2015+
 * syntax feature k6 scripts use is lowered by Babel in Duktape, then run in
 * a fresh Duktape heap that has only the prelude chunks selected for it and
 * a tiny require() registry, and its JSON result is compared with what
 * node 20 gives for the original module (the expected strings below were
 * produced that way). Also: syntax errors, the on-disk cache, chunk
 * selection and the Duktape hooks.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "duktape.h"
#include "engine/duk_hooks.h"
#include "engine/lower.h"
#include "engine/prelude.h"
#include "k6c/errors.h"
#include "k6c/test.h"

struct module {
	const char *name;
	const char *src;
};

/* --- snippets (expected values from node 20.20 running the same modules) -- */

/* modules */
static const char modules_lib[] =
	"export default function greet(n) { return 'hi ' + n; }\n"
	"export const a = 1;\n"
	"export let counter = 0;\n"
	"export function inc() { counter++; }\n"
	"export class K { v() { return 7; } }";
static const char modules_lib2[] =
	"export * from 'lib';\n"
	"export * as ns from 'lib';\n"
	"export { a as renamed, default as greet2 } from 'lib';\n"
	"export const own = 'own';";
static const char modules_side[] =
	"globalThis.sideEffect = (globalThis.sideEffect || 0) + 1;";
static const char modules_main[] =
	"import greet, { a, counter, inc, K } from 'lib';\n"
	"import * as L from 'lib';\n"
	"import * as L2 from 'lib2';\n"
	"import { renamed, greet2, ns, own } from 'lib2';\n"
	"import 'side';\n"
	"import 'side';\n"
	"const before = counter;\n"
	"inc();\n"
	"inc();\n"
	"export const result = [greet('x'), a, before, counter, L.counter, typeof L2.default,\n"
	"  Object.keys(L2).sort(), renamed, greet2('y'), ns.a, ns.counter, own, new K().v(), L2.inc === inc,\n"
	"  globalThis.sideEffect];";
static const struct module modules_mods[] = {
	{ "lib", modules_lib },
	{ "lib2", modules_lib2 },
	{ "side", modules_side },
	{ "main", modules_main },
	{ NULL, NULL }
};
static const char modules_expected[] =
	"[\"hi x\",1,0,2,2,\"undefined\",[\"K\",\"a\",\"counter\",\"greet2\",\"inc\",\"ns\",\"own\",\"renamed\"],1,\"hi y\",1,2,\"own\",7,true,1]";

/* arrows */
static const char arrows_main[] =
	"function outer() {\n"
	"  const f = () => [this.x, arguments[0], arguments.length];\n"
	"  const g = () => () => this.x * 2;\n"
	"  return [f(), g()()];\n"
	"}\n"
	"const obj = { x: 3, m() { return [1, 2].map((v) => v * this.x); } };\n"
	"export const result = [outer.call({ x: 5 }, 'arg', 'b'), obj.m(), ((a, b = a + 1) => a + b)(1)];";
static const struct module arrows_mods[] = {
	{ "main", arrows_main },
	{ NULL, NULL }
};
static const char arrows_expected[] =
	"[[[5,\"arg\",2],10],[3,6],3]";

/* letconst */
static const char letconst_main[] =
	"const fs = [];\n"
	"for (let i = 0; i < 3; i++) fs.push(() => i);\n"
	"const gs = [];\n"
	"for (const k in { a: 1, b: 2 }) gs.push(() => k);\n"
	"const ofs = [];\n"
	"for (const v of [10, 20]) ofs.push(() => v);\n"
	"let j = 0;\n"
	"const hs = [];\n"
	"while (j < 2) { let jj = j; hs.push(() => jj); j++; }\n"
	"let x = 1;\n"
	"{ let x = 2; { const x = 3; } }\n"
	"let errored = false;\n"
	"try { const c = 1; c = 2; } catch (e) { errored = e instanceof TypeError; }\n"
	"export const result = [fs.map((f) => f()), gs.map((g) => g()), ofs.map((f) => f()), hs.map((h) => h()), x, errored];";
static const struct module letconst_mods[] = {
	{ "main", letconst_main },
	{ NULL, NULL }
};
static const char letconst_expected[] =
	"[[0,1,2],[\"a\",\"b\"],[10,20],[0,1],1,true]";

/* templates */
static const char templates_main[] =
	"function tag(s, ...v) { return s.raw.join('|') + '#' + s.join('|') + '#' + v.join(','); }\n"
	"const n = 2;\n"
	"export const result = [`a${n + 1}b`, tag`x${1}\\n${2}z`, `multi\n"
	"line`, String.raw`a\\nb${3}`, `nested ${`inner ${n}`}`, tag``];";
static const struct module templates_mods[] = {
	{ "main", templates_main },
	{ NULL, NULL }
};
static const char templates_expected[] =
	"[\"a3b\",\"x|\\\\n|z#x|\\n|z#1,2\",\"multi\\nline\",\"a\\\\nb3\",\"nested inner 2\",\"##\"]";

/* destructuring */
static const char destructuring_main[] =
	"const { a, b: { c, d = 4 }, ...rest } = { a: 1, b: { c: 3 }, e: 5, f: 6 };\n"
	"const [p, , q = 9, ...others] = [1, 2, undefined, 4, 5];\n"
	"const [[x1, x2], { y1 }] = [[7, 8], { y1: 'y' }];\n"
	"function params({ u, v = 'dv' }, [w1, w2] = [0, 0], ...more) { return [u, v, w1, w2, more]; }\n"
	"let s1 = 1, s2 = 2;\n"
	"[s1, s2] = [s2, s1];\n"
	"const key = 'dyn';\n"
	"const { [key]: dynv } = { dyn: 'D' };\n"
	"export const result = [a, c, d, rest, p, q, others, x1, x2, y1, params({ u: 'U' }), params({ u: 1, v: 2 }, [3, 4], 5, 6), s1, s2, dynv];";
static const struct module destructuring_mods[] = {
	{ "main", destructuring_main },
	{ NULL, NULL }
};
static const char destructuring_expected[] =
	"[1,3,4,{\"e\":5,\"f\":6},1,9,[4,5],7,8,\"y\",[\"U\",\"dv\",0,0,[]],[1,2,3,4,[5,6]],2,1,\"D\"]";

/* spread */
static const char spread_main[] =
	"function sum(...xs) { return xs.reduce((s, x) => s + x, 0); }\n"
	"function pick({ a, ...others }) { return [a, others]; }\n"
	"const arr = [1, 2, 3];\n"
	"const o1 = { a: 1, b: 2 };\n"
	"const o2 = { ...o1, b: 3, c: 4 };\n"
	"export const result = [sum(...arr, 4), Math.max(...arr), [...arr, ...'hi'], pick({ a: 1, b: 2, c: 3 }), o2, { ...null, ...'ab' }, [...new Set([1, 1, 2])]];";
static const struct module spread_mods[] = {
	{ "main", spread_main },
	{ NULL, NULL }
};
static const char spread_expected[] =
	"[10,3,[1,2,3,\"h\",\"i\"],[1,{\"b\":2,\"c\":3}],{\"a\":1,\"b\":3,\"c\":4},{\"0\":\"a\",\"1\":\"b\"},[1,2]]";

/* defaults */
static const char defaults_main[] =
	"function f(a, b = a * 2, c = (() => a + b)()) { return [a, b, c]; }\n"
	"function g(x = 1, { y = 2 } = {}) { return x + y; }\n"
	"export const result = [f(1), f(1, 5), f(1, undefined, 0), g(), g(undefined, { y: 10 }), f.length];";
static const struct module defaults_mods[] = {
	{ "main", defaults_main },
	{ NULL, NULL }
};
static const char defaults_expected[] =
	"[[1,2,3],[1,5,6],[1,2,0],3,11,1]";

/* classes */
static const char classes_main[] =
	"class Animal {\n"
	"  static count = 0;\n"
	"  #secret = 'hidden';\n"
	"  name = 'anon';\n"
	"  constructor(name) { if (name) this.name = name; Animal.count++; }\n"
	"  speak() { return this.name + ' makes a sound'; }\n"
	"  get upper() { return this.name.toUpperCase(); }\n"
	"  set upper(v) { this.name = v.toLowerCase(); }\n"
	"  reveal() { return this.#secret; }\n"
	"  #priv() { return 'p' + this.#secret.length; }\n"
	"  callPriv() { return this.#priv(); }\n"
	"  static create(n) { return new this(n); }\n"
	"}\n"
	"class Dog extends Animal {\n"
	"  constructor(name) { super(name); this.kind = 'dog'; }\n"
	"  speak() { return super.speak() + ' (woof)'; }\n"
	"  get upper() { return 'DOG:' + super.upper; }\n"
	"}\n"
	"class MyError extends Error {\n"
	"  constructor(msg) { super(msg); this.name = 'MyError'; this.extra = 42; }\n"
	"  describe() { return this.name + ': ' + this.message; }\n"
	"}\n"
	"const d = Dog.create('Rex');\n"
	"const a = new Animal();\n"
	"a.upper = 'LOUD';\n"
	"let err;\n"
	"try { throw new MyError('bad thing'); } catch (e) { err = e; }\n"
	"let notCallable = false;\n"
	"try { Animal(); } catch (e) { notCallable = e instanceof TypeError; }\n"
	"export const result = [d.speak(), d.upper, d.kind, d instanceof Animal, a.name, a.reveal(), a.callPriv(), Animal.count,\n"
	"  err instanceof MyError, err instanceof Error, err.message, err.describe(), err.extra, notCallable, Object.keys(d).sort()];";
static const struct module classes_mods[] = {
	{ "main", classes_main },
	{ NULL, NULL }
};
static const char classes_expected[] =
	"[\"Rex makes a sound (woof)\",\"DOG:REX\",\"dog\",true,\"loud\",\"hidden\",\"p6\",2,true,true,\"bad thing\",\"MyError: bad thing\",42,true,[\"kind\",\"name\"]]";

/* forof */
static const char forof_main[] =
	"const out = [];\n"
	"for (const x of [1, 2]) out.push(x);\n"
	"for (const c of 'ab') out.push(c);\n"
	"const m = new Map([['k1', 'v1'], ['k2', 'v2']]);\n"
	"for (const [k, v] of m) out.push(k + '=' + v);\n"
	"for (const k of m.keys()) out.push(k);\n"
	"for (const v of new Set(['s1', 's2'])) out.push(v);\n"
	"const iterable = { *[Symbol.iterator]() { yield 'g1'; yield 'g2'; } };\n"
	"for (const g of iterable) out.push(g);\n"
	"for (const [i, v] of ['e0', 'e1'].entries()) out.push(i + v);\n"
	"let n = 0;\n"
	"for (const x of [1, 2, 3, 4]) { if (x === 2) continue; if (x === 4) break; n += x; }\n"
	"export const result = [out, n];";
static const struct module forof_mods[] = {
	{ "main", forof_main },
	{ NULL, NULL }
};
static const char forof_expected[] =
	"[[1,2,\"a\",\"b\",\"k1=v1\",\"k2=v2\",\"k1\",\"k2\",\"s1\",\"s2\",\"g1\",\"g2\",\"0e0\",\"1e1\"],4]";

/* optional */
static const char optional_main[] =
	"const o = { a: { b: { c: 1 } }, f() { return 'f'; }, arr: [1], z: 0, e: '' };\n"
	"let u = null;\n"
	"let v1 = null; v1 \?\?= 'set';\n"
	"let v2 = 0; v2 ||= 'or';\n"
	"let v3 = 1; v3 &&= 'and';\n"
	"let v4 = 'keep'; v4 \?\?= 'no';\n"
	"export const result = [o\?.a\?.b\?.c, u\?.a\?.b, o.x\?.y, o.f\?.(), o.g\?.(), o.arr\?.[0], u\?.[0], o.z \?\? 'd', o.e \?\? 'd', u \?\? 'dflt',\n"
	"  o.missing \?\? null \?\? 'chain', v1, v2, v3, v4];";
static const struct module optional_mods[] = {
	{ "main", optional_main },
	{ NULL, NULL }
};
static const char optional_expected[] =
	"[1,null,null,\"f\",null,1,null,0,\"\",\"dflt\",\"chain\",\"set\",\"or\",\"and\",\"keep\"]";

/* objects */
static const char objects_main[] =
	"const k = 'comp';\n"
	"const x = 1;\n"
	"const o = { x, [k + 'uted']: 2, ['a' + 1]: 3, m() { return this.x; }, get g() { return 'G'; } };\n"
	"const merged = { ...o, x: 9 };\n"
	"export const result = [o, o.m(), merged.x, merged.g, Object.entries({ p: 1, q: 2 }), Object.fromEntries([['r', 1]]), Object.values({ s: 5 }),\n"
	"  Object.assign({}, { t: 1 }), 2 ** 10];";
static const struct module objects_mods[] = {
	{ "main", objects_main },
	{ NULL, NULL }
};
static const char objects_expected[] =
	"[{\"x\":1,\"computed\":2,\"a1\":3,\"g\":\"G\"},1,9,\"G\",[[\"p\",1],[\"q\",2]],{\"r\":1},[5],{\"t\":1},1024]";

/* async */
static const char async_main[] =
	"export const result = [];\n"
	"const log = (x) => result.push(x);\n"
	"async function b() { log('b1'); await Promise.resolve(); log('b2'); return 'rb'; }\n"
	"async function a() { log('a1'); await null; log('a2'); const v = await b(); log('a3 ' + v); return 'ra'; }\n"
	"a().then((v) => log(v));\n"
	"Promise.resolve().then(() => log('p1')).then(() => log('p2')).then(() => log('p3')).then(() => log('p4'));\n"
	"log('sync');\n"
	"(async () => {\n"
	"  try { await Promise.reject(new Error('boom')); } catch (e) { log('caught ' + e.message); } finally { log('fin'); }\n"
	"})();\n"
	"Promise.all([1, Promise.resolve(2), new Promise((r) => r(3))]).then((v) => log('all ' + v.join()));\n"
	"Promise.allSettled([Promise.reject(1), 2]).then((v) => log(JSON.stringify(v)));\n"
	"Promise.race([new Promise(() => {}), Promise.resolve('race')]).then((v) => log(v));\n"
	"Promise.any([Promise.reject(1), Promise.resolve('any')]).then((v) => log(v));\n"
	"new Promise((_, rej) => rej('r1')).catch((e) => log('catch ' + e)).finally(() => log('finally'));\n"
	"const thenable = { then(res) { res('thenable'); } };\n"
	"Promise.resolve(thenable).then((v) => log(v));\n"
	"(async () => { for (const p of [Promise.resolve('l1'), 'l2']) log(await p); })();";
static const struct module async_mods[] = {
	{ "main", async_main },
	{ NULL, NULL }
};
static const char async_expected[] =
	"[\"a1\",\"sync\",\"a2\",\"b1\",\"p1\",\"caught boom\",\"fin\",\"catch r1\",\"l1\",\"b2\",\"p2\",\"all 1,2,3\",\"[{\\\"status\\\":\\\"rejected\\\",\\\"reason\\\":1},{\\\"status\\\":\\\"fulfilled\\\",\\\"value\\\":2}]\",\"race\",\"any\",\"finally\",\"thenable\",\"l2\",\"a3 rb\",\"p3\",\"ra\",\"p4\"]";

/* generators */
static const char generators_main[] =
	"function* g() { const x = yield 1; yield x * 2; return 3; }\n"
	"const it = g();\n"
	"const steps = [it.next(), it.next(5), it.next(), it.next()];\n"
	"function* inner() { yield 'i1'; yield 'i2'; return 'ir'; }\n"
	"function* outer() { const r = yield* inner(); yield r; yield* [7, 8]; }\n"
	"function* inf() { let i = 0; while (true) yield i++; }\n"
	"const taken = [];\n"
	"for (const v of inf()) { if (v > 3) break; taken.push(v); }\n"
	"function* withReturn() { try { yield 1; yield 2; } finally { taken.push('cleanup'); } }\n"
	"const wr = withReturn();\n"
	"wr.next();\n"
	"const ret = wr.return('early');\n"
	"export const result = [steps, [...outer()], taken, ret, Array.from(g())];";
static const struct module generators_mods[] = {
	{ "main", generators_main },
	{ NULL, NULL }
};
static const char generators_expected[] =
	"[[{\"value\":1,\"done\":false},{\"value\":10,\"done\":false},{\"value\":3,\"done\":true},{\"done\":true}],[\"i1\",\"i2\",\"ir\",7,8],[0,1,2,3,\"cleanup\"],{\"value\":\"early\",\"done\":true},[1,null]]";

/* builtins */
static const char builtins_main[] =
	"const arr = [3, 1, NaN, [4, [5]]];\n"
	"const s = 'hello';\n"
	"const wm = new WeakMap();\n"
	"const key = {};\n"
	"wm.set(key, 'wv');\n"
	"const ws = new WeakSet([key]);\n"
	"const m = new Map();\n"
	"m.set(NaN, 'nan').set(0, 'zero');\n"
	"export const result = [arr.includes(NaN), arr.find((x) => x < 2), arr.findIndex((x) => x === 1), arr.flat(2), [1, 2].flatMap((x) => [x, x * 10]),\n"
	"  arr.at(-1), new Array(3).fill(7), Array.from({ length: 3 }, (_, i) => i * i), Array.of(1, 2), [1, 2, 3].findLast((x) => x < 3), [1, 2, 3].findLastIndex((x) => x > 5),\n"
	"  s.padStart(8, '*'), s.padEnd(7, '-'), '  t  '.trimStart() + '|', '|' + '  t  '.trimEnd(), 'a-b-c'.replaceAll('-', '+'), s.at(-1), s.includes('ell'),\n"
	"  Object.hasOwn({ q: 1 }, 'q'), Object.keys(Object.getOwnPropertyDescriptors({ a: 1, get b() { return 2; } })),\n"
	"  wm.get(key), wm.has({}), ws.has(key), m.get(NaN), m.get(-0), m.size, [...m.keys()], typeof globalThis, Array.from('ab'),\n"
	"  Reflect.get({ get v() { return this.w; } }, 'v', { w: 'recv' })];";
static const struct module builtins_mods[] = {
	{ "main", builtins_main },
	{ NULL, NULL }
};
static const char builtins_expected[] =
	"[true,1,1,[3,1,null,4,5],[1,10,2,20],[4,[5]],[7,7,7],[0,1,4],[1,2],2,-1,\"***hello\",\"hello--\",\"t  |\",\"|  t\",\"a+b+c\",\"o\",true,true,[\"a\",\"b\"],\"wv\",false,true,\"nan\",\"zero\",2,[null,0],\"object\",[\"a\",\"b\"],\"recv\"]";

/* async2 */
static const char async2_main[] =
	"export const result = [];\n"
	"const log = (x) => result.push(x);\n"
	"const p1 = Promise.resolve('v1');\n"
	"p1.finally(() => log('f1')).then((v) => log('after f1 ' + v));\n"
	"p1.finally(() => Promise.resolve('ignored')).then((v) => log('after f2 ' + v));\n"
	"Promise.reject('e1').finally(() => { throw 'e2'; }).catch((e) => log('caught ' + e));\n"
	"Promise.resolve().then(() => Promise.resolve('nested')).then((v) => log(v));\n"
	"Promise.resolve().then(() => log('t1')).then(() => log('t2')).then(() => log('t3')).then(() => log('t4')).then(() => log('t5'));\n"
	"Promise.all([Promise.reject('all-rej'), new Promise(() => {})]).catch((e) => log(e));\n"
	"Promise.any([]).catch((e) => log(e.name + ' ' + e.errors.length));\n"
	"Promise.race([]).then(() => log('never'));\n"
	"async function* agen() { yield 'ag1'; await null; yield 'ag2'; }\n"
	"(async () => { for await (const v of agen()) log(v); for await (const v of [Promise.resolve('fa1'), 'fa2']) log(v); log('for-await done'); })();\n"
	"class Res { async get() { return 'method'; } static async s() { return 'static'; } }\n"
	"new Res().get().then(log);\n"
	"Res.s().then(log);\n"
	"const arrow = async (x) => x * 2;\n"
	"arrow(21).then(log);\n"
	"(async () => { try { await (async () => { throw new TypeError('inner'); })(); } catch (e) { log(e instanceof TypeError ? 'typed ' + e.message : 'untyped'); } })();\n"
	"new Promise((res) => res(Promise.reject('late'))).catch((e) => log('late ' + e));\n"
	"";
static const struct module async2_mods[] = {
	{ "main", async2_main },
	{ NULL, NULL }
};
static const char async2_expected[] =
	"[\"f1\",\"t1\",\"AggregateError 0\",\"method\",\"static\",42,\"typed inner\",\"caught e2\",\"t2\",\"all-rej\",\"ag1\",\"t3\",\"late late\",\"after f1 v1\",\"after f2 v1\",\"nested\",\"t4\",\"t5\",\"ag2\",\"fa1\",\"fa2\",\"for-await done\"]";

/* --- harness --------------------------------------------------------------- */

static void fatal_handler(void *udata, const char *msg)
{
	(void)udata;
	ck_abort_msg("duktape fatal error: %s", msg);
}

static const char registry_js[] =
	"var __defs = {}, __cache = {};\n"
	"function require(name) {\n"
	"  var m = __cache[name];\n"
	"  if (m) return m.exports;\n"
	"  if (!__defs[name]) throw new Error('no module ' + name);\n"
	"  m = __cache[name] = { exports: {} };\n"
	"  __defs[name].call(m.exports, m.exports, require, m);\n"
	"  return m.exports;\n"
	"}\n";

static const char finish_js[] =
	"var __main = require('main');\n"
	"if (typeof __k6c_drain_jobs === 'function') __k6c_drain_jobs();\n"
	"JSON.stringify(__main.result);\n";

static const char *error_of(duk_context *ctx)
{
	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "stack");
		return duk_safe_to_string(ctx, -1);
	}
	return duk_safe_to_string(ctx, -1);
}

/* Whether lowered code exports name: Babel assigns exports.<name>, the fast
 * path defines a getter (live binding) on exports. */
static bool exports_name(const char *code, const char *name)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), "exports.%s", name);
	snprintf(b, sizeof(b), "(exports, \"%s\"", name);
	return strstr(code, a) != NULL || strstr(code, b) != NULL;
}

static void lower_ok(k6c__lowerer *l, const char *name, const char *src, k6c__buf *out)
{
	int rc = k6c__lower(l, name, src, strlen(src), out);

	ck_assert_msg(rc == 0, "lowering %s failed: %d %s", name, rc,
		k6c_error_last() ? k6c_error_last()->message : "");
}

/* Lowers the modules, selects their prelude, runs main in a fresh heap and
 * returns JSON.stringify(main's `result` export) after draining the jobs.
 * *prelude_out (if not NULL) receives the prelude text. */
static char *run_modules(const struct module *mods, char **prelude_out)
{
	k6c__lowerer *l;
	k6c__buf low[8], prelude = K6C__BUF_INIT, wrapped = K6C__BUF_INIT;
	const char *texts[8];
	size_t lens[8], n, i;
	duk_context *ctx;
	char *result;

	for (n = 0; mods[n].name != NULL; n++)
		ck_assert(n < 8);
	ck_assert_int_eq(k6c__lowerer_new(&l, NULL), 0);
	for (i = 0; i < n; i++) {
		k6c__buf b = K6C__BUF_INIT;

		low[i] = b;
		lower_ok(l, mods[i].name, mods[i].src, &low[i]);
		texts[i] = low[i].ptr;
		lens[i] = low[i].len;
	}
	k6c__lowerer_free(l);
	ck_assert_int_eq(k6c__prelude_for(texts, lens, n, &prelude), 0);

	ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_msg(duk_peval_lstring(ctx, prelude.ptr, prelude.len) == 0, "prelude: %s", error_of(ctx));
	duk_pop(ctx);
	ck_assert_msg(duk_peval_string(ctx, registry_js) == 0, "registry: %s", error_of(ctx));
	duk_pop(ctx);
	for (i = 0; i < n; i++) {
		k6c__buf_clear(&wrapped);
		ck_assert_int_eq(k6c__buf_printf(&wrapped, "(function (exports, require, module) {%s\n})", low[i].ptr), 0);
		duk_get_global_string(ctx, "__defs");
		duk_push_string(ctx, mods[i].name);
		ck_assert_msg(duk_pcompile_lstring_filename(ctx, DUK_COMPILE_EVAL, wrapped.ptr, wrapped.len) == 0,
			"compiling lowered %s: %s\n%s", mods[i].name, error_of(ctx), low[i].ptr);
		ck_assert_msg(duk_pcall(ctx, 0) == 0, "%s: %s", mods[i].name, error_of(ctx));
		duk_put_prop_string(ctx, -2, mods[i].name);
		duk_pop(ctx);
	}
	ck_assert_msg(duk_peval_string(ctx, finish_js) == 0, "running main: %s", error_of(ctx));
	result = strdup(duk_safe_to_string(ctx, -1));
	duk_destroy_heap(ctx);

	for (i = 0; i < n; i++)
		k6c__buf_free(&low[i]);
	k6c__buf_free(&wrapped);
	if (prelude_out != NULL)
		*prelude_out = k6c__buf_detach(&prelude);
	k6c__buf_free(&prelude);
	return result;
}

static void check_snippet(const struct module *mods, const char *expected)
{
	char *got = run_modules(mods, NULL);

	ck_assert_str_eq(got, expected);
	free(got);
}

#define SNIPPET_TEST(name)                                 \
	START_TEST(test_engine_lower_syntax__##name)        \
	{                                                   \
		check_snippet(name##_mods, name##_expected); \
	}                                                   \
	END_TEST

SNIPPET_TEST(modules)
SNIPPET_TEST(arrows)
SNIPPET_TEST(letconst)
SNIPPET_TEST(templates)
SNIPPET_TEST(destructuring)
SNIPPET_TEST(spread)
SNIPPET_TEST(defaults)
SNIPPET_TEST(classes)
SNIPPET_TEST(forof)
SNIPPET_TEST(optional)
SNIPPET_TEST(objects)
SNIPPET_TEST(async)
SNIPPET_TEST(async2)
SNIPPET_TEST(generators)
SNIPPET_TEST(builtins)

/* --- output shape ------------------------------------------------------------ */

START_TEST(test_engine_lower_output__commonjs_requires_and_lines)
{
	static const char src[] =
		"import http from 'k6/http';\n"
		"import { check } from 'k6';\n"
		"\n"
		"export default function () {\n"
		"  throw new Error('line five');\n"
		"}\n"
		"export const kind = typeof check === 'function' && typeof Symbol() === 'symbol';\n";
	k6c__lowerer *l;
	k6c__buf out = K6C__BUF_INIT;
	duk_context *ctx;

	ck_assert_int_eq(k6c__lowerer_new(&l, ""), 0);
	lower_ok(l, "main.js", src, &out);
	ck_assert_ptr_nonnull(strstr(out.ptr, "require(\"k6/http\")"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "require(\"k6\")"));
	ck_assert_ptr_null(strstr(out.ptr, "import "));
	/* Duktape's typeof knows symbols: no _typeof() helper */
	ck_assert_ptr_null(strstr(out.ptr, "_typeof"));

	/* retainLines: the throw is still on line 5 of the lowered text */
	ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);
	{
		k6c__buf pre = K6C__BUF_INIT;
		const char *texts[1] = { out.ptr };
		size_t lens[1] = { out.len };

		ck_assert_int_eq(k6c__prelude_for(texts, lens, 1, &pre), 0);
		ck_assert_int_eq(duk_peval_lstring(ctx, pre.ptr, pre.len), 0);
		duk_pop(ctx);
		k6c__buf_free(&pre);
	}
	duk_push_string(ctx, "main.js");
	{
		k6c__buf w = K6C__BUF_INIT;

		k6c__buf_printf(&w, "(function (exports, require, module) {%s\n})", out.ptr);
		ck_assert_int_eq(duk_pcompile_lstring_filename(ctx, DUK_COMPILE_EVAL, w.ptr, w.len), 0);
		k6c__buf_free(&w);
	}
	ck_assert_int_eq(duk_pcall(ctx, 0), 0);
	ck_assert_int_eq(duk_peval_string(ctx,
		"(function (f) { var e = {}; f(e, function () { return { __esModule: true, default: {} }; }, {});"
		" try { e.default(); } catch (x) { return x.lineNumber; } })"), 0);
	duk_swap(ctx, -1, -2);
	ck_assert_int_eq(duk_pcall(ctx, 1), 0);
	ck_assert_int_eq(duk_get_int(ctx, -1), 5);
	duk_destroy_heap(ctx);
	k6c__buf_free(&out);
	k6c__lowerer_free(l);
}
END_TEST

/* --- syntax errors ----------------------------------------------------------- */

static void check_syntax_error(const char *src, const char *babel, const char *fast)
{
	k6c__lowerer *l;
	k6c__buf out = K6C__BUF_INIT;
	int rc;

	ck_assert_int_eq(k6c__lowerer_new(&l, ""), 0);
	rc = k6c__lower(l, "file:///tmp/bad.js", src, strlen(src), &out);
	ck_assert_int_eq(rc, K6C_ESCRIPT);
	ck_assert_ptr_nonnull(k6c_error_last());
	ck_assert_int_eq(k6c_error_last()->code, K6C_ESCRIPT);
	/* The positions are the same; the engines word a few messages
	 * differently (Babel ends some with a full stop). */
	ck_assert_str_eq(k6c_error_last()->message, k6c__lowerer_mode(l) == K6C__LOWER_BABEL ? babel : fast);
	k6c__buf_free(&out);
	k6c__lowerer_free(l);
}

START_TEST(test_engine_lower_error__unexpected_token)
{
	/* columns are 1-based, as in k6's file:line:col */
	check_syntax_error("export default function () {\n  let x = ;\n}\n",
		"file:///tmp/bad.js:2:11: SyntaxError: Unexpected token",
		"file:///tmp/bad.js:2:11: SyntaxError: Unexpected token");
}
END_TEST

START_TEST(test_engine_lower_error__redeclaration)
{
	check_syntax_error("let a = 1;\n\nlet a = 2;\n",
		"file:///tmp/bad.js:3:5: SyntaxError: Identifier 'a' has already been declared.",
		"file:///tmp/bad.js:3:5: SyntaxError: Identifier 'a' has already been declared");
}
END_TEST

START_TEST(test_engine_lower_error__unterminated)
{
	check_syntax_error("const s = 'abc;\n",
		"file:///tmp/bad.js:1:11: SyntaxError: Unterminated string constant.",
		"file:///tmp/bad.js:1:11: SyntaxError: Unterminated string constant");
}
END_TEST

START_TEST(test_engine_lower_error__lowerer_still_usable)
{
	k6c__lowerer *l;
	k6c__buf out = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__lowerer_new(&l, ""), 0);
	ck_assert_int_eq(k6c__lower(l, "a.js", "export x;", 9, &out), K6C_ESCRIPT);
	lower_ok(l, "b.js", "export const x = () => 1;", &out);
	ck_assert(exports_name(out.ptr, "x"));
	k6c__buf_free(&out);
	k6c__lowerer_free(l);
}
END_TEST

/* --- cache --------------------------------------------------------------- */

static char cache_dir[64];

static void make_cache_dir(void)
{
	strcpy(cache_dir, "/tmp/k6c-lower-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(cache_dir));
}

static void remove_cache_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The one entry file in dir (there must be exactly one). */
static void only_entry(const char *dir, char *path, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int count = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		ck_assert_int_eq((int)strlen(e->d_name), 64 + 3);
		ck_assert_str_eq(e->d_name + 64, ".js");
		snprintf(path, size, "%s/%s", dir, e->d_name);
		count++;
	}
	closedir(d);
	ck_assert_int_eq(count, 1);
}

static const char cache_src[] = "export default function () { return [1, ...[2]]; }\n";

static void lower_with(const char *dir, k6c__buf *out, k6c__lower_stats *st)
{
	k6c__lowerer *l;

	ck_assert_int_eq(k6c__lowerer_new(&l, dir), 0);
	lower_ok(l, "c.js", cache_src, out);
	k6c__lowerer_stats(l, st);
	k6c__lowerer_free(l);
}

START_TEST(test_engine_lower_cache__hit_skips_babel)
{
	k6c__buf a = K6C__BUF_INIT, b = K6C__BUF_INIT;
	k6c__lower_stats st;
	char path[256];

	make_cache_dir();
	lower_with(cache_dir, &a, &st);
	ck_assert_uint_eq(st.cache_misses, 1);
	ck_assert_uint_eq(st.cache_hits, 0);
	ck_assert(st.transpiler_load_ms > 0);
	only_entry(cache_dir, path, sizeof(path));

	/* a new lowerer: a hit, and the Babel heap is never created */
	lower_with(cache_dir, &b, &st);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert_uint_eq(st.cache_misses, 0);
	ck_assert(st.transpiler_load_ms == 0);
	ck_assert(st.transform_ms == 0);
	ck_assert_str_eq(a.ptr, b.ptr);

	/* the same lowerer: the second lowering is a hit too */
	{
		k6c__lowerer *l;

		ck_assert_int_eq(k6c__lowerer_new(&l, cache_dir), 0);
		lower_ok(l, "c.js", cache_src, &b);
		lower_ok(l, "other-name.js", cache_src, &b);
		k6c__lowerer_stats(l, &st);
		ck_assert_uint_eq(st.cache_hits, 2);
		ck_assert_str_eq(a.ptr, b.ptr);
		k6c__lowerer_free(l);
	}
	k6c__buf_free(&a);
	k6c__buf_free(&b);
	remove_cache_dir();
}
END_TEST

START_TEST(test_engine_lower_cache__corrupt_entry_ignored)
{
	k6c__buf a = K6C__BUF_INIT, b = K6C__BUF_INIT, f = K6C__BUF_INIT;
	k6c__lower_stats st;
	char path[256];
	FILE *fp;

	make_cache_dir();
	lower_with(cache_dir, &a, &st);
	only_entry(cache_dir, path, sizeof(path));

	/* one byte of the code changed: the hash no longer matches */
	ck_assert_int_eq(k6c__file_read(path, &f), 0);
	f.ptr[f.len - 2] ^= 1;
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	fwrite(f.ptr, 1, f.len, fp);
	fclose(fp);
	lower_with(cache_dir, &b, &st);
	ck_assert_uint_eq(st.cache_misses, 1);
	ck_assert_str_eq(a.ptr, b.ptr);

	/* rewritten by that miss: a hit again */
	lower_with(cache_dir, &b, &st);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert_str_eq(a.ptr, b.ptr);

	/* truncated, then garbage */
	ck_assert_int_eq(truncate(path, 40), 0);
	lower_with(cache_dir, &b, &st);
	ck_assert_uint_eq(st.cache_misses, 1);
	fp = fopen(path, "wb");
	fputs("garbage", fp);
	fclose(fp);
	lower_with(cache_dir, &b, &st);
	ck_assert_uint_eq(st.cache_misses, 1);
	ck_assert_str_eq(a.ptr, b.ptr);

	k6c__buf_free(&a);
	k6c__buf_free(&b);
	k6c__buf_free(&f);
	remove_cache_dir();
}
END_TEST

START_TEST(test_engine_lower_cache__key_covers_source)
{
	k6c__lowerer *l;
	k6c__buf out = K6C__BUF_INIT;
	k6c__lower_stats st;

	make_cache_dir();
	ck_assert_int_eq(k6c__lowerer_new(&l, cache_dir), 0);
	lower_ok(l, "a.js", "export const a = 1;", &out);
	lower_ok(l, "a.js", "export const a = 2;", &out);
	ck_assert_ptr_nonnull(strstr(out.ptr, "2"));
	k6c__lowerer_stats(l, &st);
	ck_assert_uint_eq(st.cache_misses, 2);
	k6c__lowerer_free(l);
	k6c__buf_free(&out);
	remove_cache_dir();
}
END_TEST

START_TEST(test_engine_lower_cache__disabled_and_default_dirs)
{
	k6c__lowerer *l;
	k6c__buf out = K6C__BUF_INIT;
	k6c__lower_stats st;
	char path[256], sub[128];

	make_cache_dir();
	/* "" disables the cache */
	ck_assert_int_eq(k6c__lowerer_new(&l, ""), 0);
	lower_ok(l, "a.js", cache_src, &out);
	lower_ok(l, "a.js", cache_src, &out);
	k6c__lowerer_stats(l, &st);
	ck_assert_uint_eq(st.cache_misses, 2);
	k6c__lowerer_free(l);

	/* NULL: $K6C_CACHE_DIR first (created if missing) */
	snprintf(sub, sizeof(sub), "%s/env/deeper", cache_dir);
	setenv("K6C_CACHE_DIR", sub, 1);
	lower_with(NULL, &out, &st);
	only_entry(sub, path, sizeof(path));

	/* then $XDG_CACHE_HOME/k6c */
	unsetenv("K6C_CACHE_DIR");
	snprintf(sub, sizeof(sub), "%s/xdg", cache_dir);
	setenv("XDG_CACHE_HOME", sub, 1);
	lower_with(NULL, &out, &st);
	snprintf(sub, sizeof(sub), "%s/xdg/k6c", cache_dir);
	only_entry(sub, path, sizeof(path));

	/* then $HOME/.cache/k6c */
	unsetenv("XDG_CACHE_HOME");
	snprintf(sub, sizeof(sub), "%s/home", cache_dir);
	setenv("HOME", sub, 1);
	lower_with(NULL, &out, &st);
	snprintf(sub, sizeof(sub), "%s/home/.cache/k6c", cache_dir);
	only_entry(sub, path, sizeof(path));

	/* an empty $K6C_CACHE_DIR disables it */
	setenv("K6C_CACHE_DIR", "", 1);
	lower_with(NULL, &out, &st);
	lower_with(NULL, &out, &st);
	ck_assert_uint_eq(st.cache_misses, 1);
	ck_assert_uint_eq(st.cache_hits, 0);

	/* a directory that cannot be created only costs the cache */
	lower_with("/proc/k6c-cannot-exist", &out, &st);
	ck_assert(exports_name(out.ptr, "default"));

	k6c__buf_free(&out);
	remove_cache_dir();
}
END_TEST

/* --- prelude selection ------------------------------------------------------- */

static char *prelude_of(const char *text)
{
	k6c__buf out = K6C__BUF_INIT;
	size_t len = strlen(text);

	ck_assert_int_eq(k6c__prelude_for(&text, &len, 1, &out), 0);
	return k6c__buf_detach(&out);
}

static bool has_chunk(const char *prelude, const char *name)
{
	char marker[128];

	snprintf(marker, sizeof(marker), "/* k6c prelude: %s */", name);
	return strstr(prelude, marker) != NULL;
}

START_TEST(test_engine_lower_prelude__selection)
{
	char *p;
	const char *texts[2] = { "var r = Reflect.get(a, 'b');", "var m = new Map(); var w = new WeakMap();" };
	size_t lens[2] = { strlen(texts[0]), strlen(texts[1]) };
	k6c__buf out = K6C__BUF_INIT;

	p = prelude_of("var x = 1 + 1;");
	ck_assert_str_eq(p, "");
	free(p);

	p = prelude_of("var m = new Map();");
	ck_assert(has_chunk(p, "collections"));
	ck_assert(!has_chunk(p, "weakcollections"));
	ck_assert(!has_chunk(p, "promise"));
	free(p);

	/* word boundaries and quoted names do not count */
	p = prelude_of("var Mapping = 1; if (n === \"Map\" || n === 'Set') {} var xincludes = 2;");
	ck_assert_str_eq(p, "");
	free(p);

	p = prelude_of("function f() { return _asyncToGenerator(g); }");
	ck_assert(has_chunk(p, "promise"));
	ck_assert_ptr_nonnull(strstr(p, "__k6c_drain_jobs"));
	free(p);

	p = prelude_of("var out = []; for (const m of 'a1b22c'.matchAll(/\\d+/g)) out.push(m[0] + '@' + m.index);");
	ck_assert(has_chunk(p, "string.matchAll"));
	{
		duk_context *ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);

		ck_assert_int_eq(duk_peval_string(ctx, p), 0);
		ck_assert_int_eq(duk_peval_string(ctx,
			"var out = [], it = 'a1b22c'.matchAll(/\\d+/g), r;"
			" while (!(r = it.next()).done) out.push(r.value[0] + '@' + r.value.index); out.join()"), 0);
		ck_assert_str_eq(duk_get_string(ctx, -1), "1@1,22@3");
		duk_destroy_heap(ctx);
	}
	free(p);

	p = prelude_of("a.at(-1); s.padStart(3); [].includes(1); Object.entries(o);");
	ck_assert(has_chunk(p, "array.at"));
	ck_assert(has_chunk(p, "string.at"));
	ck_assert(has_chunk(p, "string.pad"));
	ck_assert(has_chunk(p, "array.includes"));
	ck_assert(has_chunk(p, "object.entries"));
	ck_assert(!has_chunk(p, "array.flat"));
	free(p);

	/* several modules, install order fixed: collections before reflect */
	ck_assert_int_eq(k6c__prelude_for(texts, lens, 2, &out), 0);
	ck_assert(has_chunk(out.ptr, "reflect") && has_chunk(out.ptr, "collections") &&
		  has_chunk(out.ptr, "weakcollections"));
	ck_assert(strstr(out.ptr, "prelude: collections") < strstr(out.ptr, "prelude: weakcollections"));
	ck_assert(strstr(out.ptr, "prelude: weakcollections") < strstr(out.ptr, "prelude: reflect"));
	k6c__buf_free(&out);
}
END_TEST

START_TEST(test_engine_lower_prelude__job_queue)
{
	duk_context *ctx;
	char *p = prelude_of("new Promise(function () {});");

	ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);
	ck_assert_int_eq(duk_peval_string(ctx, p), 0);
	/* nothing runs until drained; jobs queued while draining run too, FIFO */
	ck_assert_int_eq(duk_peval_string(ctx,
		"var log = [];\n"
		"Promise.resolve(1).then(function (v) { log.push('a' + v); Promise.resolve().then(function () { log.push('c'); }); });\n"
		"Promise.resolve(2).then(function (v) { log.push('b' + v); });\n"
		"log.length"), 0);
	ck_assert_int_eq(duk_get_int(ctx, -1), 0);
	ck_assert_int_eq(duk_peval_string(ctx, "__k6c_drain_jobs()"), 0);
	ck_assert_int_eq(duk_get_int(ctx, -1), 3);
	ck_assert_int_eq(duk_peval_string(ctx, "log.join()"), 0);
	ck_assert_str_eq(duk_get_string(ctx, -1), "a1,b2,c");
	ck_assert_int_eq(duk_peval_string(ctx, "__k6c_drain_jobs()"), 0);
	ck_assert_int_eq(duk_get_int(ctx, -1), 0);
	/* rejections nobody handled by the time the queue ran dry */
	ck_assert_int_eq(duk_peval_string(ctx,
		"Promise.reject(new Error('lost'));\n"
		"Promise.reject(2).catch(function () {});\n"
		"new Promise(function (res, rej) { rej(3); }).then(function () {});\n"
		"Promise.reject(4).then(null, function () {});\n"
		"__k6c_drain_jobs();\n"
		"var u = __k6c_take_unhandled();\n"
		"JSON.stringify([u.map(String), __k6c_take_unhandled().length])"), 0);
	ck_assert_str_eq(duk_get_string(ctx, -1), "[[\"Error: lost\",\"3\"],0]");
	/* polyfilled methods are not enumerable */
	ck_assert_int_eq(duk_peval_string(ctx, "Object.keys(Promise.prototype).length + Object.keys(Promise).length"), 0);
	ck_assert_int_eq(duk_get_int(ctx, -1), 0);
	duk_destroy_heap(ctx);
	free(p);
}
END_TEST

START_TEST(test_engine_lower_prelude__all_chunks_install_together)
{
	/* every chunk, in order, in one heap; for-in over arrays stays clean */
	char *p = prelude_of("Map WeakMap Symbol.iterator Promise Array.from Array.of includes find fill flat .at( "
			     "Object.entries Object.fromEntries getOwnPropertyDescriptors Object.hasOwn padStart "
			     "trimStart replaceAll matchAll String.raw Reflect");
	duk_context *ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);

	ck_assert_msg(duk_peval_string(ctx, p) == 0, "%s", duk_safe_to_string(ctx, -1));
	ck_assert_int_eq(duk_peval_string(ctx,
		"var k = []; for (var i in [1]) k.push(i); for (var j in 'a') k.push(j); k.join()"), 0);
	ck_assert_str_eq(duk_get_string(ctx, -1), "0,0");
	duk_destroy_heap(ctx);
	free(p);
}
END_TEST

/* --- Duktape hooks ---------------------------------------------------------- */

static int interrupt_calls;

static bool interrupt_after_some(void *arg)
{
	(void)arg;
	return ++interrupt_calls > 3;
}

/* Reports a low stack once, so the error object itself can be built. */
static int stack_low_pending;

static int stack_low(void)
{
	if (stack_low_pending == 0)
		return 0;
	stack_low_pending--;
	return 1;
}

START_TEST(test_engine_lower_hooks__interrupt_and_stack_check)
{
	struct k6c__duk_udata u = { interrupt_after_some, NULL };
	duk_context *ctx = duk_create_heap(NULL, NULL, NULL, &u, fatal_handler);

	ck_assert_int_eq(k6c__duk_exec_timeout(NULL), 0);
	ck_assert_int_ne(duk_peval_string(ctx, "for (;;) {}"), 0);
	ck_assert_ptr_nonnull(strstr(duk_safe_to_string(ctx, -1), "RangeError"));
	ck_assert_int_gt(interrupt_calls, 3);
	duk_destroy_heap(ctx);

	ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);
	ck_assert_int_eq(duk_peval_string(ctx, "(function f(n) { return n ? f(n - 1) : 'deep'; })(50)"), 0);
	k6c__duk_stack_low_fn = stack_low;
	ck_assert_int_eq(duk_peval_string(ctx, "var f = function (x) { return x; }; 1"), 0);
	stack_low_pending = 1;
	ck_assert_int_ne(duk_peval_string(ctx, "[1, 2].map(f)"), 0);
	ck_assert_str_eq(duk_safe_to_string(ctx, -1), "RangeError: C stack depth limit");
	ck_assert_int_eq(stack_low_pending, 0);
	k6c__duk_stack_low_fn = NULL;
	ck_assert_int_eq(duk_peval_string(ctx, "[1, 2].map(function (x) { return x; }).length"), 0);
	ck_assert_int_eq(duk_get_int(ctx, -1), 2);
	duk_destroy_heap(ctx);
}
END_TEST

/* --- modes (K6C_LOWER) ------------------------------------------------------ */

struct logged {
	int n, level;
	char msg[512];
};

static void capture_log(int level, const char *message, void *arg)
{
	struct logged *lg = arg;

	lg->n++;
	lg->level = level;
	snprintf(lg->msg, sizeof(lg->msg), "%s", message);
}

/* Something only Babel lowers (its regexpu rewrite of a Unicode-mode
 * regexp with an astral range): the fast path declines it, on line 2. */
static const char declined_src[] =
	"export const a = 1;\n"
	"export const r = /[\\u{1F600}-\\u{1F64F}]/u.test('\\u{1F601}');\n";

static k6c__lowerer *new_in_mode(const char *mode, const char *dir)
{
	k6c__lowerer *l;

	setenv("K6C_LOWER", mode, 1);
	ck_assert_int_eq(k6c__lowerer_new(&l, dir), 0);
	return l;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_engine_lower_mode__parsing)
{
	static const struct {
		const char *value;
		k6c__lower_mode mode;
	} good[] = {
		{ "", K6C__LOWER_AUTO },
		{ "babel", K6C__LOWER_BABEL },
		{ "fast", K6C__LOWER_FAST },
		{ "auto", K6C__LOWER_AUTO },
	};
	k6c__lowerer *l;

	unsetenv("K6C_LOWER");
	ck_assert_int_eq(k6c__lowerer_new(&l, ""), 0);
	ck_assert_int_eq(k6c__lowerer_mode(l), K6C__LOWER_AUTO);
	k6c__lowerer_free(l);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		l = new_in_mode(good[i].value, "");
		ck_assert_int_eq(k6c__lowerer_mode(l), good[i].mode);
		k6c__lowerer_free(l);
	}
	setenv("K6C_LOWER", "Fast", 1);
	l = (k6c__lowerer *)&l;
	ck_assert_int_eq(k6c__lowerer_new(&l, ""), K6C_EINVAL);
	ck_assert_ptr_null(l);
	ck_assert_str_eq(k6c_error_last()->message,
		"K6C_LOWER: unknown lowering mode \"Fast\" (use auto, fast or babel)");
	unsetenv("K6C_LOWER");
}
END_TEST

START_TEST(test_engine_lower_mode__auto_declines_to_babel_with_log)
{
	k6c__lowerer *l = new_in_mode("auto", "");
	k6c__buf out = K6C__BUF_INIT;
	k6c__lower_stats st;
	struct logged lg = { 0, -1, "" };
	static const char prefix[] = "d.js:2: lowering with Babel: ";

	k6c__lowerer_set_log(l, capture_log, &lg);
	lower_ok(l, "d.js", declined_src, &out);
	ck_assert_ptr_nonnull(strstr(out.ptr, "exports"));
	k6c__lowerer_stats(l, &st);
	ck_assert_uint_eq(st.declines, 1);
	ck_assert_uint_eq(st.lowered_fast, 0);
	ck_assert_uint_eq(st.lowered_babel, 1);
	ck_assert(st.babel_load_ms > 0 && st.fast_load_ms > 0);
	ck_assert_int_eq(lg.n, 1);
	ck_assert_int_eq(lg.level, K6C_LOG_INFO);
	ck_assert_msg(strncmp(lg.msg, prefix, sizeof(prefix) - 1) == 0 && strlen(lg.msg) > sizeof(prefix) - 1,
		"log line: %s", lg.msg);

	/* the next module takes the fast path again, silently */
	lower_ok(l, "e.js", "export const b = () => 2;\n", &out);
	ck_assert_ptr_null(strstr(out.ptr, "=>"));
	k6c__lowerer_stats(l, &st);
	ck_assert_uint_eq(st.lowered_fast, 1);
	ck_assert_uint_eq(st.lowered_babel, 1);
	ck_assert_int_eq(lg.n, 1);
	k6c__buf_free(&out);
	k6c__lowerer_free(l);
}
END_TEST

START_TEST(test_engine_lower_mode__fast_decline_is_an_error)
{
	k6c__lowerer *l = new_in_mode("fast", "");
	k6c__buf out = K6C__BUF_INIT;
	k6c__lower_stats st;
	struct logged lg = { 0, -1, "" };
	static const char prefix[] = "d.js:2: the fast lowerer cannot lower this (K6C_LOWER=fast): ";

	k6c__lowerer_set_log(l, capture_log, &lg);
	ck_assert_int_eq(k6c__lower(l, "d.js", declined_src, strlen(declined_src), &out), K6C_ESCRIPT);
	ck_assert_msg(strncmp(k6c_error_last()->message, prefix, sizeof(prefix) - 1) == 0,
		"error: %s", k6c_error_last()->message);
	k6c__lowerer_stats(l, &st);
	ck_assert_uint_eq(st.declines, 1);
	ck_assert_uint_eq(st.lowered_babel, 0);
	ck_assert(st.babel_load_ms == 0);
	ck_assert_int_eq(lg.n, 0);
	k6c__buf_free(&out);
	k6c__lowerer_free(l);
}
END_TEST

START_TEST(test_engine_lower_mode__syntax_error_positions)
{
	/* test/script/syntax_error.js's error, and one after a template that
	 * spans lines and a comment: the same position from every mode, and
	 * the fast modes never start Babel for it. */
	static const char *const src[] = {
		"import { check } from 'k6';\n\nexport default function () {\n  const x = 1 +;\n}\n",
		"/* a\n b */ const t = `x\n${1}\ny`;\nlet o = { a: 1, };\n  o = {b: 2 c: 3};\n",
	};
	static const char *const want[] = { "s.js:4:16: SyntaxError: ", "s.js:6:13: SyntaxError: " };
	static const char *const modes[] = { "fast", "auto", "babel" };
	k6c__buf out = K6C__BUF_INIT;

	for (size_t m = 0; m < 3; m++) {
		for (size_t i = 0; i < 2; i++) {
			k6c__lowerer *l = new_in_mode(modes[m], "");
			k6c__lower_stats st;

			ck_assert_int_eq(k6c__lower(l, "s.js", src[i], strlen(src[i]), &out), K6C_ESCRIPT);
			ck_assert_msg(strncmp(k6c_error_last()->message, want[i], strlen(want[i])) == 0,
				"%s: %s", modes[m], k6c_error_last()->message);
			k6c__lowerer_stats(l, &st);
			ck_assert_uint_eq(st.lowered_fast + st.lowered_babel, 0);
			if (m < 2)
				ck_assert(st.babel_load_ms == 0);
			k6c__lowerer_free(l);
		}
	}
	k6c__buf_free(&out);
}
END_TEST

START_TEST(test_engine_lower_mode__cache_separation)
{
	k6c__lowerer *l;
	k6c__buf a = K6C__BUF_INIT, b = K6C__BUF_INIT;
	k6c__lower_stats st;
	struct logged lg = { 0, -1, "" };

	make_cache_dir();
	l = new_in_mode("babel", cache_dir);
	lower_ok(l, "c.js", cache_src, &a);
	k6c__lowerer_free(l);
	ck_assert_int_eq(count_entries(cache_dir), 1);

	/* fast: Babel's entry is not taken */
	l = new_in_mode("fast", cache_dir);
	lower_ok(l, "c.js", cache_src, &b);
	k6c__lowerer_stats(l, &st);
	k6c__lowerer_free(l);
	ck_assert_uint_eq(st.cache_misses, 1);
	ck_assert_uint_eq(st.lowered_fast, 1);
	ck_assert_str_ne(a.ptr, b.ptr);
	ck_assert_int_eq(count_entries(cache_dir), 2);

	/* fast and auto share the fast path's entry */
	l = new_in_mode("fast", cache_dir);
	lower_ok(l, "c.js", cache_src, &a);
	k6c__lowerer_stats(l, &st);
	k6c__lowerer_free(l);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert(st.fast_load_ms == 0);
	ck_assert_str_eq(a.ptr, b.ptr);
	l = new_in_mode("auto", cache_dir);
	lower_ok(l, "c.js", cache_src, &a);
	k6c__lowerer_stats(l, &st);
	k6c__lowerer_free(l);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert(st.transpiler_load_ms == 0);
	ck_assert_str_eq(a.ptr, b.ptr);

	/* auto caches Babel's output of a declined module under a key of its
	 * own: the next auto run hits it without a log line... */
	l = new_in_mode("auto", cache_dir);
	k6c__lowerer_set_log(l, capture_log, &lg);
	lower_ok(l, "d.js", declined_src, &a);
	k6c__lowerer_free(l);
	ck_assert_int_eq(lg.n, 1);
	l = new_in_mode("auto", cache_dir);
	k6c__lowerer_set_log(l, capture_log, &lg);
	lower_ok(l, "d.js", declined_src, &b);
	k6c__lowerer_stats(l, &st);
	k6c__lowerer_free(l);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert(st.transpiler_load_ms == 0);
	ck_assert_int_eq(lg.n, 1);
	ck_assert_str_eq(a.ptr, b.ptr);
	ck_assert_int_eq(count_entries(cache_dir), 3);

	/* ...while fast mode still reports the decline and babel mode lowers
	 * it again, into its own entry */
	l = new_in_mode("fast", cache_dir);
	ck_assert_int_eq(k6c__lower(l, "d.js", declined_src, strlen(declined_src), &b), K6C_ESCRIPT);
	k6c__lowerer_free(l);
	l = new_in_mode("babel", cache_dir);
	lower_ok(l, "d.js", declined_src, &b);
	k6c__lowerer_stats(l, &st);
	k6c__lowerer_free(l);
	ck_assert_uint_eq(st.cache_misses, 1);
	ck_assert_uint_eq(st.lowered_babel, 1);
	ck_assert_int_eq(count_entries(cache_dir), 4);

	unsetenv("K6C_LOWER");
	k6c__buf_free(&a);
	k6c__buf_free(&b);
	remove_cache_dir();
}
END_TEST

START_TEST(test_engine_lower_mode__heap_memory_counted)
{
	k6c__lowerer *l = new_in_mode("fast", "");
	k6c__buf out = K6C__BUF_INIT;
	k6c__lower_stats st;

	lower_ok(l, "c.js", cache_src, &out);
	k6c__lowerer_stats(l, &st);
	/* acorn and the passes alone hold several hundred KiB */
	ck_assert_uint_gt(st.fast_heap_peak, 256 * 1024);
	ck_assert_uint_eq(st.babel_heap_peak, 0);
	k6c__buf_free(&out);
	k6c__lowerer_free(l);
}
END_TEST

/* Every helper the fast path's run-time chunks define is a trigger of its
 * chunk: lowered code that calls only that helper gets it installed. */
START_TEST(test_engine_lower_prelude__every_helper_triggers_its_chunk)
{
	size_t checked = 0;

	for (size_t i = 0; i < k6c__prelude_nchunks; i++) {
		const struct k6c__prelude_chunk *c = &k6c__prelude_chunks[i];
		const char *p = c->src;

		while ((p = strstr(p, "\nfunction __k6c_")) != NULL) {
			char name[64], call[80], tag[96];
			size_t n = strcspn(p + 10, "( ");
			k6c__buf out = K6C__BUF_INIT;
			const char *texts[1] = { call };
			size_t lens[1];

			ck_assert(n < sizeof(name));
			memcpy(name, p + 10, n);
			name[n] = '\0';
			snprintf(call, sizeof(call), "%s();", name);
			lens[0] = strlen(call);
			snprintf(tag, sizeof(tag), "/* k6c prelude: %s */", c->name);
			ck_assert_int_eq(k6c__prelude_for(texts, lens, 1, &out), 0);
			ck_assert_msg(out.ptr != NULL && strstr(out.ptr, tag) != NULL, "%s does not install chunk %s",
				name, c->name);
			k6c__buf_free(&out);
			checked++;
			p += 10;
		}
	}
	ck_assert_uint_gt(checked, 10);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("engine_lower");
	TCase *tc = tcase_create("syntax");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_engine_lower_syntax__modules);
	tcase_add_test(tc, test_engine_lower_syntax__arrows);
	tcase_add_test(tc, test_engine_lower_syntax__letconst);
	tcase_add_test(tc, test_engine_lower_syntax__templates);
	tcase_add_test(tc, test_engine_lower_syntax__destructuring);
	tcase_add_test(tc, test_engine_lower_syntax__spread);
	tcase_add_test(tc, test_engine_lower_syntax__defaults);
	tcase_add_test(tc, test_engine_lower_syntax__classes);
	tcase_add_test(tc, test_engine_lower_syntax__forof);
	tcase_add_test(tc, test_engine_lower_syntax__optional);
	tcase_add_test(tc, test_engine_lower_syntax__objects);
	tcase_add_test(tc, test_engine_lower_syntax__async);
	tcase_add_test(tc, test_engine_lower_syntax__async2);
	tcase_add_test(tc, test_engine_lower_syntax__generators);
	tcase_add_test(tc, test_engine_lower_syntax__builtins);
	tcase_add_test(tc, test_engine_lower_output__commonjs_requires_and_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_engine_lower_error__unexpected_token);
	tcase_add_test(tc, test_engine_lower_error__redeclaration);
	tcase_add_test(tc, test_engine_lower_error__unterminated);
	tcase_add_test(tc, test_engine_lower_error__lowerer_still_usable);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_engine_lower_cache__hit_skips_babel);
	tcase_add_test(tc, test_engine_lower_cache__corrupt_entry_ignored);
	tcase_add_test(tc, test_engine_lower_cache__key_covers_source);
	tcase_add_test(tc, test_engine_lower_cache__disabled_and_default_dirs);
	suite_add_tcase(s, tc);

	tc = tcase_create("modes");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_engine_lower_mode__parsing);
	tcase_add_test(tc, test_engine_lower_mode__auto_declines_to_babel_with_log);
	tcase_add_test(tc, test_engine_lower_mode__fast_decline_is_an_error);
	tcase_add_test(tc, test_engine_lower_mode__syntax_error_positions);
	tcase_add_test(tc, test_engine_lower_mode__cache_separation);
	tcase_add_test(tc, test_engine_lower_mode__heap_memory_counted);
	suite_add_tcase(s, tc);

	tc = tcase_create("prelude");
	tcase_add_test(tc, test_engine_lower_prelude__selection);
	tcase_add_test(tc, test_engine_lower_prelude__job_queue);
	tcase_add_test(tc, test_engine_lower_prelude__all_chunks_install_together);
	tcase_add_test(tc, test_engine_lower_prelude__every_helper_triggers_its_chunk);
	tcase_add_test(tc, test_engine_lower_hooks__interrupt_and_stack_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lower_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
