/*
 * test_engine_lower_fast.c - the fast lowering path (K6C_LOWER=fast) against
 * Babel (K6C_LOWER=babel) and node, at the lowering library's level.
 *
 * corpus: each program of test/lower/cases is lowered by both paths (with
 * the modules it imports), run in a fresh Duktape heap that has only the
 * prelude chunks its lowered modules select, and the JSON of what its
 * default export returns (awaited) must equal the case's "// expect:" line.
 * node 20 computed those lines (test/lower/verify_in_node.mjs checks them
 * where node is installed). In fast mode a decline is an error, so a case
 * the fast path cannot lower fails. A case may say "// known-fast: why" or
 * "// known-babel: why" for a known difference of one path: that path must
 * then still give another result, so the line goes when the bug is fixed.
 *
 * errors: each file of test/lower/errors has a syntax error; both paths must
 * report "<file>:<line>:<col>: SyntaxError: " at its "// expect-error:"
 * position ("// expect-error-babel:" where Babel's column differs).
 *
 * sweep: every .js of test/script, test/bench and samples lowers in fast
 * mode, or fails with the same syntax error as through Babel.
 *
 * chunks: the run-time helpers are prelude chunks of their own, so a VU
 * gets only what its lowered code calls (no Promise for a generator).
 */
#include <check.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "duktape.h"
#include "engine/lower.h"
#include "k6c/errors.h"
#include "server.h"
#include "tfile.h"

#define MAX_FILES 512
#define MAX_MODULES 16

/* --- files ---------------------------------------------------------------- */

static char *read_text(const char *path)
{
	char *buf = ts_read_file(path, NULL);

	ck_assert_msg(buf != NULL, "cannot read %s: %s", path, strerror(errno));
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the .js files under dir (recursively if deep) to list, as paths
 * that start with dir. Also called by main() before any test runs, so it
 * reports problems itself instead of with ck_assert. */
static void list_js(const char *dir, int deep, char **list, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL) {
		fprintf(stderr, "cannot open directory %s\n", dir);
		exit(1);
	}
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		size_t len = strlen(e->d_name);
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0) {
			fprintf(stderr, "cannot stat %s\n", path);
			exit(1);
		}
		if (S_ISDIR(st.st_mode)) {
			if (deep)
				list_js(path, deep, list, n);
		} else if (len > 3 && strcmp(e->d_name + len - 3, ".js") == 0) {
			if (*n >= MAX_FILES) {
				fprintf(stderr, "more than %d .js files under %s\n", MAX_FILES, dir);
				exit(1);
			}
			list[(*n)++] = strdup(path);
		}
	}
	closedir(d);
}

static size_t list_sorted(const char *dir, int deep, char **list)
{
	size_t n = 0;

	list_js(dir, deep, list, &n);
	qsort(list, n, sizeof(*list), cmp_str);
	return n;
}

static void free_list(char **list, size_t n)
{
	while (n > 0)
		free(list[--n]);
}

/* The text after "// <marker>: " up to the end of its line, or NULL. */
static char *marker(const char *src, const char *name)
{
	char key[64];
	const char *p, *end;

	snprintf(key, sizeof(key), "// %s: ", name);
	for (p = strstr(src, key); p != NULL; p = strstr(p + 1, key))
		if (p == src || p[-1] == '\n')
			break;
	if (p == NULL)
		return NULL;
	p += strlen(key);
	end = strchr(p, '\n');
	if (end == NULL)
		end = p + strlen(p);
	return strndup(p, (size_t)(end - p));
}

static const char *srcdir(void)
{
	return ts_srcdir();
}

/* --- lowering ------------------------------------------------------------- */

static k6c__lowerer *lowerer_for(const char *mode)
{
	k6c__lowerer *l;

	ck_assert_int_eq(setenv("K6C_LOWER", mode, 1), 0);
	ck_assert_int_eq(k6c__lowerer_new(&l, ""), 0);
	ck_assert_int_eq((int)k6c__lowerer_mode(l), (int)(strcmp(mode, "fast") == 0 ? K6C__LOWER_FAST :
		strcmp(mode, "auto") == 0 ? K6C__LOWER_AUTO : K6C__LOWER_BABEL));
	return l;
}

/* "a/b/c.js" + "../d.js" -> "a/d.js" (names relative to the cases dir). */
static void resolve(const char *from, const char *spec, char *out, size_t size)
{
	char buf[1024], *parts[64], *s, *save = NULL;
	size_t n = 0, i, len = 0;
	const char *slash = strrchr(from, '/');

	snprintf(buf, sizeof(buf), "%.*s%s", slash ? (int)(slash - from + 1) : 0, from, spec);
	for (s = strtok_r(buf, "/", &save); s != NULL; s = strtok_r(NULL, "/", &save)) {
		if (strcmp(s, "..") == 0) {
			if (n > 0)
				n--;
		} else if (strcmp(s, ".") != 0) {
			ck_assert_uint_lt(n, 64);
			parts[n++] = s;
		}
	}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "/" : "", parts[i]);
}

struct program {
	size_t n;
	char *name[MAX_MODULES]; /* relative to the cases dir */
	k6c__buf low[MAX_MODULES];
	char *error;             /* the lowering error of the first module that failed */
};

static int program_has(const struct program *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return 1;
	return 0;
}

/* Lowers dir/name and, following the relative require("...") of its output,
 * every module it imports. */
static void lower_program(k6c__lowerer *l, const char *dir, const char *name, struct program *p)
{
	char path[1024], *src, *q;
	size_t i = p->n;
	k6c__buf empty = K6C__BUF_INIT;
	int rc;

	ck_assert_uint_lt(p->n, MAX_MODULES);
	p->name[i] = strdup(name);
	p->low[i] = empty;
	p->n++;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	src = read_text(path);
	rc = k6c__lower(l, name, src, strlen(src), &p->low[i]);
	free(src);
	if (rc != 0) {
		if (p->error == NULL)
			p->error = strdup(k6c_error_last() ? k6c_error_last()->message : "?");
		return;
	}
	for (q = strstr(p->low[i].ptr, "require(\"."); q != NULL; q = strstr(q + 1, "require(\".")) {
		char spec[512], dep[1024];
		const char *e = strchr(q + 9, '"');

		ck_assert_ptr_nonnull(e);
		snprintf(spec, sizeof(spec), "%.*s", (int)(e - (q + 9)), q + 9);
		resolve(name, spec, dep, sizeof(dep));
		if (!program_has(p, dep))
			lower_program(l, dir, dep, p);
	}
}

static void program_free(struct program *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->name[i]);
		k6c__buf_free(&p->low[i]);
	}
	free(p->error);
}

/* --- running ---------------------------------------------------------------- */

static void fatal_handler(void *udata, const char *msg)
{
	(void)udata;
	ck_abort_msg("duktape fatal error: %s", msg);
}

/* A require() per module that resolves relative specifiers; module code
 * runs with `this` undefined, as at the top of an ES module. */
static const char registry_js[] =
	"var __defs = {}, __cache = {};\n"
	"function __resolve(from, spec) {\n"
	"  var parts = (from.replace(/[^\\/]*$/, '') + spec).split('/'), out = [];\n"
	"  for (var i = 0; i < parts.length; i++) {\n"
	"    if (parts[i] === '..') out.pop(); else if (parts[i] !== '.' && parts[i] !== '') out.push(parts[i]);\n"
	"  }\n"
	"  return out.join('/');\n"
	"}\n"
	"function __require(from) {\n"
	"  return function (spec) {\n"
	"    var name = __resolve(from, spec), m = __cache[name];\n"
	"    if (m) return m.exports;\n"
	"    if (!__defs[name]) throw new Error('no module ' + name);\n"
	"    m = __cache[name] = { exports: {} };\n"
	"    __defs[name].call(undefined, m.exports, __require(name), m);\n"
	"    return m.exports;\n"
	"  };\n"
	"}\n";

/* Calls the default export bare, as k6 does, and settles its promise. */
static const char finish_fmt[] =
	"var __out = 'no result';\n"
	"(function () {\n"
	"  var f = __require('')(%s)['default'], r;\n"
	"  try { r = f(); } catch (e) { __out = 'threw ' + e; return; }\n"
	"  if (r && typeof r.then === 'function') {\n"
	"    __out = 'still pending';\n"
	"    r.then(function (v) { __out = JSON.stringify(v); }, function (e) { __out = 'threw ' + e; });\n"
	"  } else __out = JSON.stringify(r);\n"
	"})();\n"
	"if (typeof __k6c_drain_jobs === 'function') __k6c_drain_jobs();\n"
	"__out;\n";

static const char *error_of(duk_context *ctx)
{
	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "stack");
		return duk_safe_to_string(ctx, -1);
	}
	return duk_safe_to_string(ctx, -1);
}

/* Runs the lowered program (its first module is the entry) and returns what
 * it gave as its result, or why it did not run (a lowered module that does
 * not compile is a result too: a known difference may be just that);
 * malloc'ed. */
static char *run_program(const struct program *p)
{
	const char *texts[MAX_MODULES];
	size_t lens[MAX_MODULES], i;
	k6c__buf prelude = K6C__BUF_INIT, w = K6C__BUF_INIT;
	duk_context *ctx;
	char *result = NULL;

	for (i = 0; i < p->n; i++) {
		texts[i] = p->low[i].ptr;
		lens[i] = p->low[i].len;
	}
	ck_assert_int_eq(k6c__prelude_for(texts, lens, p->n, &prelude), 0);
	ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal_handler);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_msg(duk_peval_lstring(ctx, prelude.ptr, prelude.len) == 0, "prelude: %s", error_of(ctx));
	duk_pop(ctx);
	ck_assert_msg(duk_peval_string(ctx, registry_js) == 0, "registry: %s", error_of(ctx));
	duk_pop(ctx);
	for (i = 0; i < p->n && result == NULL; i++) {
		k6c__buf_clear(&w);
		ck_assert_int_eq(k6c__buf_printf(&w, "(function (exports, require, module) {%s\n})", p->low[i].ptr), 0);
		duk_get_global_string(ctx, "__defs");
		duk_push_string(ctx, p->name[i]);
		if (duk_pcompile_lstring_filename(ctx, DUK_COMPILE_EVAL, w.ptr, w.len) != 0 || duk_pcall(ctx, 0) != 0) {
			k6c__buf_clear(&w);
			ck_assert_int_eq(k6c__buf_printf(&w, "lowered %s does not compile: %s", p->name[i],
				duk_safe_to_string(ctx, -1)), 0);
			printf("%s\n%s\n", w.ptr, p->low[i].ptr);
			result = strdup(w.ptr);
			break;
		}
		duk_put_prop_string(ctx, -2, p->name[i]);
		duk_pop(ctx);
	}
	if (result == NULL) {
		k6c__buf_clear(&w);
		ck_assert_int_eq(k6c__buf_printf(&w, finish_fmt, "'./' + __entry"), 0);
		duk_push_string(ctx, p->name[0]);
		duk_put_global_string(ctx, "__entry");
		ck_assert_msg(duk_peval_lstring(ctx, w.ptr, w.len) == 0, "running %s: %s", p->name[0], error_of(ctx));
		result = strdup(duk_safe_to_string(ctx, -1));
	}
	duk_destroy_heap(ctx);
	k6c__buf_free(&w);
	k6c__buf_free(&prelude);
	return result;
}

/* --- corpus ------------------------------------------------------------------ */

static char *cases[MAX_FILES];
static size_t ncases;

static void check_case(const char *file, const char *mode)
{
	char dir[1024], *src, *expect, *known, *got;
	const char *name = strrchr(file, '/') + 1;
	struct program p;
	k6c__lowerer *l;
	char why[32];

	memset(&p, 0, sizeof(p));
	snprintf(dir, sizeof(dir), "%.*s", (int)(name - 1 - file), file);
	src = read_text(file);
	expect = marker(src, "expect");
	ck_assert_msg(expect != NULL, "%s has no \"// expect:\" line", file);
	snprintf(why, sizeof(why), "known-%s", mode);
	known = marker(src, why);

	l = lowerer_for(mode);
	lower_program(l, dir, name, &p);
	k6c__lowerer_free(l);
	got = p.error != NULL ? strdup(p.error) : run_program(&p);
	if (known == NULL) {
		ck_assert_msg(p.error == NULL, "%s (K6C_LOWER=%s) does not lower: %s", name, mode, p.error);
		ck_assert_msg(strcmp(got, expect) == 0, "%s (K6C_LOWER=%s):\n  got      %s\n  expected %s", name,
			mode, got, expect);
	} else {
		/* Printed, so the test log lists each known difference. */
		printf("%s (K6C_LOWER=%s): known difference (%s): %s\n", name, mode, known, got);
		ck_assert_msg(strcmp(got, expect) != 0,
			"%s (K6C_LOWER=%s) now gives the expected value: remove its \"// known-%s:\" line", name,
			mode, mode);
	}
	free(got);
	free(known);
	free(expect);
	free(src);
	program_free(&p);
}

START_TEST(test_engine_lower_fast_corpus__fast)
{
	ck_assert_uint_gt(ncases, (size_t)_i);
	check_case(cases[_i], "fast");
}
END_TEST

START_TEST(test_engine_lower_fast_corpus__babel)
{
	ck_assert_uint_gt(ncases, (size_t)_i);
	check_case(cases[_i], "babel");
}
END_TEST

/*
 * mixed: in auto mode one program can hold modules of both paths. Each
 * program of test/lower/mixed with an "// expect:" line imports a module
 * that the fast path declines; classes must extend across the two.
 */
static char *mixed[MAX_FILES];
static size_t nmixed;

START_TEST(test_engine_lower_fast_mixed__classes_across_paths)
{
	char dir[1024], *src, *expect, *got;
	const char *name;
	struct program p;
	k6c__lowerer *l;
	k6c__lower_stats st;

	ck_assert_uint_gt(nmixed, (size_t)_i);
	name = strrchr(mixed[_i], '/') + 1;
	src = read_text(mixed[_i]);
	expect = marker(src, "expect");
	if (expect == NULL) {
		free(src);
		return; /* a module the programs import */
	}
	memset(&p, 0, sizeof(p));
	snprintf(dir, sizeof(dir), "%.*s", (int)(name - 1 - mixed[_i]), mixed[_i]);
	l = lowerer_for("auto");
	lower_program(l, dir, name, &p);
	k6c__lowerer_stats(l, &st);
	k6c__lowerer_free(l);
	ck_assert_msg(p.error == NULL, "%s does not lower: %s", name, p.error);
	ck_assert_msg(st.lowered_fast >= 1 && st.lowered_babel >= 1, "%s: %u module(s) fast, %u through Babel", name,
		(unsigned)st.lowered_fast, (unsigned)st.lowered_babel);
	got = run_program(&p);
	ck_assert_msg(strcmp(got, expect) == 0, "%s (K6C_LOWER=auto):\n  got      %s\n  expected %s", name, got, expect);
	free(got);
	free(expect);
	free(src);
	program_free(&p);
}
END_TEST

START_TEST(test_engine_lower_fast_corpus__size)
{
	/* Every feature of issue 9 has a program: a lost directory must not pass. */
	ck_assert_uint_ge(ncases, 20);
}
END_TEST

/* --- syntax errors ----------------------------------------------------------- */

static char *errors[MAX_FILES];
static size_t nerrors;

static void check_error(const char *file, const char *mode)
{
	char *src = read_text(file), *pos, *bpos, want[512];
	const char *name = strstr(file, "lower/errors/");
	k6c__lowerer *l;
	k6c__buf out = K6C__BUF_INIT;
	int rc;

	pos = marker(src, "expect-error");
	ck_assert_msg(pos != NULL, "%s has no \"// expect-error:\" line", file);
	bpos = strcmp(mode, "babel") == 0 ? marker(src, "expect-error-babel") : NULL;
	snprintf(want, sizeof(want), "%s:%s: SyntaxError: ", name, bpos ? bpos : pos);

	l = lowerer_for(mode);
	rc = k6c__lower(l, name, src, strlen(src), &out);
	ck_assert_msg(rc == K6C_ESCRIPT, "%s (K6C_LOWER=%s): lowering returned %d, not K6C_ESCRIPT", name, mode, rc);
	ck_assert_ptr_nonnull(k6c_error_last());
	ck_assert_msg(strncmp(k6c_error_last()->message, want, strlen(want)) == 0,
		"K6C_LOWER=%s:\n  got      %s\n  expected %s...", mode, k6c_error_last()->message, want);
	k6c__lowerer_free(l);
	k6c__buf_free(&out);
	free(bpos);
	free(pos);
	free(src);
}

START_TEST(test_engine_lower_fast_error__fast)
{
	ck_assert_uint_gt(nerrors, (size_t)_i);
	check_error(errors[_i], "fast");
}
END_TEST

START_TEST(test_engine_lower_fast_error__babel)
{
	ck_assert_uint_gt(nerrors, (size_t)_i);
	check_error(errors[_i], "babel");
}
END_TEST

/* --- sweep --------------------------------------------------------------------- */

START_TEST(test_engine_lower_fast_sweep__project_scripts)
{
	static const char *const dirs[] = { "script", "bench", "../samples" };
	char *files[MAX_FILES], dir[1024];
	size_t n = 0, i, d, lowered = 0, bad = 0;
	k6c__lowerer *fast = lowerer_for("fast"), *babel = NULL;
	k6c__buf out = K6C__BUF_INIT;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(dir, sizeof(dir), "%s/%s", srcdir(), dirs[d]);
		list_js(dir, 1, files, &n);
	}
	ck_assert_uint_ge(n, 50);
	for (i = 0; i < n; i++) {
		char *src = read_text(files[i]), *msg;

		if (k6c__lower(fast, files[i], src, strlen(src), &out) == 0) {
			lowered++;
			free(src);
			continue;
		}
		/* Only a file that Babel rejects with the same message may fail. */
		msg = strdup(k6c_error_last()->message);
		if (babel == NULL)
			babel = lowerer_for("babel");
		if (strstr(msg, "SyntaxError") == NULL ||
		    k6c__lower(babel, files[i], src, strlen(src), &out) != K6C_ESCRIPT ||
		    strcmp(k6c_error_last()->message, msg) != 0) {
			printf("fast path fails on %s: %s\n", files[i], msg);
			bad++;
		}
		free(msg);
		free(src);
	}
	printf("sweep: %zu of %zu project scripts lowered in fast mode\n", lowered, n);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_ge(lowered, n - 1);
	k6c__buf_free(&out);
	k6c__lowerer_free(fast);
	if (babel != NULL)
		k6c__lowerer_free(babel);
	free_list(files, n);
}
END_TEST

/* --- helper chunks ------------------------------------------------------------- */

/* The chunk names (comma-separated, in install order) that the prelude for
 * the fast path's output of src holds. */
static char *chunks_for(const char *src)
{
	k6c__lowerer *l = lowerer_for("fast");
	k6c__buf low = K6C__BUF_INIT, pre = K6C__BUF_INIT, names = K6C__BUF_INIT;
	const char *text, *p;
	size_t len;
	char *out;

	ck_assert_msg(k6c__lower(l, "chunks.js", src, strlen(src), &low) == 0, "%s",
		k6c_error_last() ? k6c_error_last()->message : "");
	text = low.ptr;
	len = low.len;
	ck_assert_int_eq(k6c__prelude_for(&text, &len, 1, &pre), 0);
	ck_assert_int_eq(k6c__buf_put(&names, "", 0), 0);
	for (p = strstr(pre.ptr, "/* k6c prelude: "); p != NULL; p = strstr(p + 1, "/* k6c prelude: ")) {
		const char *e = strstr(p, " */");

		ck_assert_int_eq(k6c__buf_printf(&names, "%s%.*s", names.len ? "," : "", (int)(e - p - 16), p + 16), 0);
	}
	out = strdup(names.ptr);
	k6c__buf_free(&names);
	k6c__buf_free(&pre);
	k6c__buf_free(&low);
	k6c__lowerer_free(l);
	return out;
}

static void check_chunks(const char *src, const char *expected)
{
	char *got = chunks_for(src);

	ck_assert_str_eq(got, expected);
	free(got);
}

START_TEST(test_engine_lower_fast_chunks__by_feature)
{
	check_chunks("export default function () { return 1; }\n", "");
	check_chunks("export default function* g() { yield 1; }\n", "lower.iter,lower.coro");
	check_chunks("export default async function f(p) { return await p; }\n",
		"promise,lower.iter,lower.coro,lower.async");
	check_chunks("export default async function f(xs) { for await (const x of xs) return x; }\n",
		"asynciterator,promise,lower.iter,lower.coro,lower.async,lower.asyncgen");
	check_chunks("export default async function* f() { yield 1; }\n",
		"asynciterator,promise,lower.iter,lower.coro,lower.asyncgen");
	check_chunks("export default function f(a) { const [x, y] = a; return { ...x, y }; }\n",
		"lower.iter,lower.arr,lower.keys,lower.assign");
	check_chunks("export default class A { #x = 1; get x() { return this.#x; } }\n", "lower.fname,lower.class");
}
END_TEST

int main(void)
{
	char dir[1024];
	Suite *s = suite_create("engine_lower_fast");
	TCase *tc;
	SRunner *sr;
	int failed;

	snprintf(dir, sizeof(dir), "%s/lower/cases", srcdir());
	ncases = list_sorted(dir, 0, cases);
	snprintf(dir, sizeof(dir), "%s/lower/mixed", srcdir());
	nmixed = list_sorted(dir, 0, mixed);
	snprintf(dir, sizeof(dir), "%s/lower/errors", srcdir());
	nerrors = list_sorted(dir, 0, errors);

	/* Babel takes up to seconds per program on a cold lowerer. */
	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_engine_lower_fast_corpus__size);
	tcase_add_loop_test(tc, test_engine_lower_fast_corpus__fast, 0, (int)ncases);
	tcase_add_loop_test(tc, test_engine_lower_fast_corpus__babel, 0, (int)ncases);
	suite_add_tcase(s, tc);

	tc = tcase_create("mixed");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_engine_lower_fast_mixed__classes_across_paths, 0, (int)nmixed);
	suite_add_tcase(s, tc);

	tc = tcase_create("error");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_engine_lower_fast_error__fast, 0, (int)nerrors);
	tcase_add_loop_test(tc, test_engine_lower_fast_error__babel, 0, (int)nerrors);
	suite_add_tcase(s, tc);

	tc = tcase_create("chunks");
	tcase_add_test(tc, test_engine_lower_fast_chunks__by_feature);
	suite_add_tcase(s, tc);

	tc = tcase_create("sweep");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_engine_lower_fast_sweep__project_scripts);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free_list(cases, ncases);
	free_list(errors, nerrors);
	free_list(mixed, nmixed);
	return failed == 0 ? 0 : 1;
}
