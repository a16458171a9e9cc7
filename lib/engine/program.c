/*
 * program.c - loads a test script graph once per test: reads the entry file
 * and every module it imports, lowers each one to ES5 CommonJS, resolves
 * its require() specifiers, compiles each module once (in a throw-away
 * Duktape heap) to bytecode that every VU heap loads, builds the prelude the
 * modules need, and runs the init context once as VU 0 to read `options` and
 * the exported functions.
 */
#include "engine/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/lower.h"
#include "engine/mod_html.h"
#include "engine/options_http.h"
#include "k6c/test.h"
#include "util/json.h"

/* The module specifiers of k6. Those with a NULL push function exist in k6
 * but not yet here: importing them fails at load with a clear message
 * instead of k6's "unknown module". */
const k6c__native_module k6c__native_modules[] = {
	{ "k6", k6c__mod_k6_push },
	{ "k6/http", k6c__mod_http_push },
	{ "k6/metrics", k6c__mod_metrics_push },
	{ "k6/execution", k6c__mod_execution_push },
	{ "k6/data", k6c__mod_data_push },
	{ "k6/encoding", k6c__mod_encoding_push },
	{ "k6/crypto", k6c__mod_crypto_push },
	{ "k6/crypto/x509", NULL },
	{ "k6/html", k6c__mod_html_push },
	{ "k6/ws", NULL },
	{ "k6/websockets", NULL },
	{ "k6/timers", k6c__mod_timers_push },
	{ "k6/net/grpc", NULL },
	{ "k6/secrets", NULL },
	{ "k6/experimental/csv", NULL },
	{ "k6/experimental/fs", NULL },
	/* libk6c's own: jslib's k6-summary (textSummary, jUnit, humanizeValue)
	 * built in; the jslib URLs map here (k6c__engine_native_index). */
	{ "k6c/summary", k6c__mod_summary_push },
	{ NULL, NULL },
};

/* Whether spec is https://jslib.k6.io/k6-summary/<version>/index.js with
 * a version of digits and dots (0.0.1, 0.0.2, 0.1.0, ...). */
static bool is_jslib_summary(const char *spec)
{
	static const char prefix[] = "https://jslib.k6.io/k6-summary/";
	const char *v, *slash;

	if (strncmp(spec, prefix, sizeof(prefix) - 1) != 0)
		return false;
	v = spec + sizeof(prefix) - 1;
	slash = strchr(v, '/');
	if (slash == NULL || slash == v || strcmp(slash, "/index.js") != 0)
		return false;
	for (const char *c = v; c < slash; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.'))
			return false;
	return true;
}

int k6c__native_count(void)
{
	return (int)K6C__ARRAY_LEN(k6c__native_modules) - 1;
}

int k6c__engine_native_index(const char *spec)
{
	if (is_jslib_summary(spec))
		spec = "k6c/summary";
	for (int i = 0; k6c__native_modules[i].name != NULL; i++)
		if (k6c__native_modules[i].push != NULL && strcmp(k6c__native_modules[i].name, spec) == 0)
			return i;
	return -1;
}

/* ---- Paths -------------------------------------------------------------- */

/* Lexically normalises an absolute path in place: collapses "//", drops "."
 * and resolves ".." (never above the root). Symlinks are left alone, as k6
 * works on file URLs. */
static void path_normalise(char *p)
{
	char *out = p;
	const char *in = p;

	while (*in != '\0') {
		const char *seg;
		size_t n;

		while (*in == '/')
			in++;
		seg = in;
		while (*in != '\0' && *in != '/')
			in++;
		n = (size_t)(in - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/* An absolute, normalised path: path itself if absolute, else joined to
 * base_dir (ends with '/') or to the current directory. */
int k6c__engine_path_absolute(char **out, const char *base_dir, const char *path)
{
	k6c__buf b = K6C__BUF_INIT;
	int rc = 0;

	if (path[0] != '/') {
		if (base_dir != NULL) {
			rc = k6c__buf_puts(&b, base_dir);
		} else {
			char cwd[4096];

			if (getcwd(cwd, sizeof(cwd)) == NULL)
				return k6c__error(K6C_EIO, "cannot get the current directory: %s", strerror(errno));
			rc = k6c__buf_printf(&b, "%s/", cwd);
		}
	}
	if (rc == 0)
		rc = k6c__buf_puts(&b, path);
	if (rc != 0) {
		k6c__buf_free(&b);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	*out = k6c__buf_detach(&b);
	path_normalise(*out);
	return 0;
}

static char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	return k6c__strndup(path, (size_t)(slash - path) + 1);
}

/* ---- Finding require("...") in lowered code ------------------------------ */

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Whether a '/' after the identifier word[0..n) starts a regexp literal. */
static bool keyword_before_regexp(const char *word, size_t n)
{
	static const char *const kw[] = { "return", "typeof", "case", "do", "else", "in",
		"instanceof", "new", "delete", "void", "throw", "yield", "await" };

	for (size_t i = 0; i < K6C__ARRAY_LEN(kw); i++)
		if (strlen(kw[i]) == n && memcmp(kw[i], word, n) == 0)
			return true;
	return false;
}

/* Skips a quoted string starting at s[i] (the quote); returns the index
 * after the closing quote. */
static size_t skip_string(const char *s, size_t len, size_t i)
{
	char q = s[i++];

	while (i < len && s[i] != q) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '\n' && q != '`')
			break;
		i++;
	}
	return i < len ? i + 1 : len;
}

static size_t skip_regexp(const char *s, size_t len, size_t i)
{
	bool in_class = false;

	i++;
	while (i < len && s[i] != '\n') {
		char c = s[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[')
			in_class = true;
		else if (c == ']')
			in_class = false;
		else if (c == '/' && !in_class)
			break;
		i++;
	}
	i++;
	while (i < len && is_ident(s[i]))
		i++;
	return i;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

typedef int (*spec_cb)(const char *spec, size_t n, void *arg);

/* Calls cb for each require("literal") in code, skipping comments, strings
 * and regexp literals, so text that merely mentions require() is ignored. */
static int scan_requires(const char *s, size_t len, spec_cb cb, void *arg)
{
	size_t i = 0;
	char last = '(';           /* last significant character */
	size_t word = 0, wordlen = 0;

	while (i < len) {
		char c = s[i];

		if (c == '/' && i + 1 < len && s[i + 1] == '/') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *end = strstr(s + i + 2, "*/");

			i = end != NULL ? (size_t)(end - s) + 2 : len;
		} else if (c == '"' || c == '\'' || c == '`') {
			i = skip_string(s, len, i);
			last = '"';
		} else if (c == '/') {
			bool regexp = !(is_ident(last) || last == ')' || last == ']' || last == '"');

			if (is_ident(last) && keyword_before_regexp(s + word, wordlen))
				regexp = true;
			if (regexp) {
				i = skip_regexp(s, len, i);
				last = '"';
			} else {
				i++;
				last = '/';
			}
		} else if (is_ident(c)) {
			size_t start = i;

			while (i < len && is_ident(s[i]))
				i++;
			word = start;
			wordlen = i - start;
			if (wordlen == 7 && memcmp(s + start, "require", 7) == 0 && last != '.') {
				size_t j = skip_ws(s, len, i);

				if (j < len && s[j] == '(') {
					j = skip_ws(s, len, j + 1);
					if (j < len && (s[j] == '"' || s[j] == '\'')) {
						size_t end = skip_string(s, len, j);
						size_t k = skip_ws(s, len, end);

						if (k < len && s[k] == ')' && end - j >= 2 && s[end - 1] == s[j]) {
							int rc = cb(s + j + 1, end - j - 2, arg);

							if (rc != 0)
								return rc;
						}
					}
				}
			}
			last = s[i - 1];
		} else {
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
				last = c;
			i++;
		}
	}
	return 0;
}

/* ---- Loading the graph ---------------------------------------------------- */

typedef struct loader {
	k6c__program *p;
	k6c__lowerer *lowerer;
	k6c__buf *lowered;          /* per module */
	size_t cap;
	size_t current;             /* module being scanned */
} loader;

static int native_index(const char *spec)
{
	for (int i = 0; k6c__native_modules[i].name != NULL; i++)
		if (strcmp(k6c__native_modules[i].name, spec) == 0)
			return i;
	return -1;
}

static int add_module(loader *ld, char *path, int *out_index)
{
	k6c__program *p = ld->p;

	if (p->nmods == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 8;
		k6c__module *mods = k6c__realloc(p->mods, cap * sizeof(*mods));
		k6c__buf *low;

		if (mods == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory");
		p->mods = mods;
		low = k6c__realloc(ld->lowered, cap * sizeof(*low));
		if (low == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory");
		ld->lowered = low;
		ld->cap = cap;
	}
	memset(&p->mods[p->nmods], 0, sizeof(p->mods[0]));
	ld->lowered[p->nmods] = (k6c__buf)K6C__BUF_INIT;
	p->mods[p->nmods].path = path;
	p->mods[p->nmods].dir = path_dir(path);
	if (p->mods[p->nmods].dir == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	*out_index = (int)p->nmods++;
	return 0;
}

static int on_spec(const char *raw, size_t n, void *arg)
{
	loader *ld = arg;
	k6c__program *p = ld->p;
	k6c__module *from = &p->mods[ld->current];
	k6c__module_dep *deps;
	char *spec, *path = NULL;
	const char *file;
	int target = 0, rc;

	for (size_t i = 0; i < from->ndeps; i++)
		if (strlen(from->deps[i].spec) == n && memcmp(from->deps[i].spec, raw, n) == 0)
			return 0;
	spec = k6c__strndup(raw, n);
	if (spec == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");

	if (k6c__engine_native_index(spec) >= 0) {
		target = -(k6c__engine_native_index(spec) + 1);
	} else if (strncmp(spec, "k6/x/", 5) == 0) {
		int i = k6c__xmods_find(p, spec);

		if (i < 0) {
			rc = k6c__error(K6C_ESCRIPT, "%s: unknown module: %s (a native module that is "
				"not registered with this libk6c host)", from->path, spec);
			goto fail;
		}
		p->xmods[i].used = true;
		target = -(k6c__native_count() + i + 1);
	} else if (strcmp(spec, "k6") == 0 || strncmp(spec, "k6/", 3) == 0) {
		int ni = native_index(spec);

		if (ni < 0) {
			rc = k6c__error(K6C_ESCRIPT, "%s: unknown module: %s", from->path, spec);
			goto fail;
		}
		if (k6c__native_modules[ni].push == NULL) {
			rc = k6c__error(K6C_ESCRIPT, "%s: module %s is not supported by k6c yet",
				from->path, spec);
			goto fail;
		}
		target = -(ni + 1);
	} else {
		file = spec;
		if (strncmp(file, "file://", 7) == 0)
			file += 7;
		if (strstr(spec, "://") != NULL && file == spec) {
			rc = k6c__error(K6C_ESCRIPT, "%s: remote module %s: only local files and k6 "
				"modules can be imported", from->path, spec);
			goto fail;
		}
		if (file[0] != '/' && strncmp(file, "./", 2) != 0 && strncmp(file, "../", 3) != 0) {
			rc = k6c__error(K6C_ESCRIPT, "%s: The moduleSpecifier \"%s\" couldn't be found "
				"on local disk. Use a relative path (\"./%s\") or an absolute one.",
				from->path, spec, spec);
			goto fail;
		}
		rc = k6c__engine_path_absolute(&path, from->dir, file);
		if (rc != 0)
			goto fail;
		target = -1;
		for (size_t i = 0; i < p->nmods; i++) {
			if (strcmp(p->mods[i].path, path) == 0) {
				target = (int)i;
				break;
			}
		}
		if (target < 0) {
			if (access(path, R_OK) != 0) {
				rc = k6c__error(K6C_ESCRIPT, "%s: The moduleSpecifier \"%s\" couldn't be "
					"found on local disk (%s). Make sure that you've specified the right "
					"path to the file.", from->path, spec, path);
				goto fail;
			}
			rc = add_module(ld, path, &target);
			if (rc != 0)
				goto fail;
			path = NULL;
			from = &p->mods[ld->current];   /* mods may have moved */
		} else {
			k6c__free(path);
			path = NULL;
		}
	}

	deps = k6c__realloc(from->deps, (from->ndeps + 1) * sizeof(*deps));
	if (deps == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto fail;
	}
	from->deps = deps;
	deps[from->ndeps].spec = spec;
	deps[from->ndeps].target = target;
	from->ndeps++;
	return 0;
fail:
	k6c__free(path);
	k6c__free(spec);
	return rc;
}

/* Compiles code (wrapped as a CommonJS function unless is_prelude) and
 * dumps it to bytecode. */
static int compile_dump(duk_context *ctx, const char *filename, const char *code, size_t len,
	bool is_prelude, void **out, size_t *out_len)
{
	static const char head[] = "function (exports, require, module, __filename, __dirname) {";
	k6c__buf src = K6C__BUF_INIT;
	int rc = 0;
	void *bc;
	duk_size_t n;

	if (!is_prelude) {
		/* The wrapper opens on the module's first line so line numbers
		 * stay those of the file. */
		if (k6c__buf_puts(&src, head) != 0 || k6c__buf_put(&src, code, len) != 0 ||
			k6c__buf_puts(&src, "\n}") != 0) {
			k6c__buf_free(&src);
			return k6c__error(K6C_ENOMEM, "out of memory");
		}
		code = src.ptr;
		len = src.len;
	}
	duk_push_string(ctx, filename);
	if (duk_pcompile_lstring_filename(ctx, is_prelude ? 0 : DUK_COMPILE_FUNCTION, code, len) != 0) {
		duk_int_t line = 0;

		if (duk_is_error(ctx, -1)) {
			duk_get_prop_string(ctx, -1, "lineNumber");
			line = duk_to_int(ctx, -1);
			duk_pop(ctx);
		}
		rc = k6c__error(is_prelude ? K6C_EINTERNAL : K6C_ESCRIPT, "%s:%d: %s", filename,
			(int)line, duk_safe_to_string(ctx, -1));
		duk_pop(ctx);
		k6c__buf_free(&src);
		return rc;
	}
	k6c__buf_free(&src);
	duk_dump_function(ctx);
	bc = duk_get_buffer(ctx, -1, &n);
	*out = k6c__malloc(n ? n : 1);
	if (*out == NULL) {
		duk_pop(ctx);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	memcpy(*out, bc, n);
	*out_len = n;
	duk_pop(ctx);
	return 0;
}

static int compile_all(loader *ld)
{
	k6c__program *p = ld->p;
	duk_context *ctx;
	k6c__buf prelude = K6C__BUF_INIT;
	const char **texts = NULL;
	size_t *lens = NULL;
	int rc = 0;

	ctx = duk_create_heap(k6c__engine_duk_alloc, k6c__engine_duk_realloc, k6c__engine_duk_free, NULL, NULL);
	if (ctx == NULL)
		return k6c__error(K6C_ENOMEM, "cannot create a JavaScript heap");
	for (size_t i = 0; i < p->nmods && rc == 0; i++)
		rc = compile_dump(ctx, p->mods[i].path, ld->lowered[i].ptr, ld->lowered[i].len, false,
			&p->mods[i].bytecode, &p->mods[i].bytecode_len);
	if (rc == 0) {
		texts = k6c__calloc(p->nmods, sizeof(*texts));
		lens = k6c__calloc(p->nmods, sizeof(*lens));
		if (texts == NULL || lens == NULL)
			rc = k6c__error(K6C_ENOMEM, "out of memory");
	}
	if (rc == 0) {
		for (size_t i = 0; i < p->nmods; i++) {
			texts[i] = ld->lowered[i].ptr != NULL ? ld->lowered[i].ptr : "";
			lens[i] = ld->lowered[i].len;
		}
		rc = k6c__prelude_for(texts, lens, p->nmods, &prelude);
	}
	if (rc == 0 && prelude.len > 0)
		rc = compile_dump(ctx, "k6c:prelude.js", prelude.ptr, prelude.len, true,
			&p->prelude_bc, &p->prelude_len);
	k6c__free(texts);
	k6c__free(lens);
	k6c__buf_free(&prelude);
	duk_destroy_heap(ctx);
	return rc;
}

/* ---- Reading what init left: options and exported functions ---------------- */

static duk_ret_t read_exports_safe(duk_context *ctx, void *udata)
{
	k6c__program *p = udata;
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *json;

	duk_push_heapptr(ctx, vm->exports);
	duk_get_prop_string(ctx, -1, "options");
	if (duk_is_undefined(ctx, -1) || duk_is_null(ctx, -1)) {
		json = "{}";
	} else {
		json = duk_json_encode(ctx, -1);
		if (json == NULL)
			json = "{}";
	}
	p->options_json = k6c__strdup(json);
	if (p->options_json == NULL)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	duk_pop(ctx);

	duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 1)) {
		if (duk_is_function(ctx, -1)) {
			char **f = k6c__realloc(p->functions, (p->nfunctions + 1) * sizeof(*f));

			if (f == NULL)
				return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
			p->functions = f;
			f[p->nfunctions] = k6c__strdup(duk_get_string(ctx, -2));
			if (f[p->nfunctions] == NULL)
				return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
			p->nfunctions++;
		}
		duk_pop_2(ctx);
	}
	duk_pop_2(ctx);
	return 0;
}

static int read_init_results(k6c__program *p, k6c__vm *vm)
{
	duk_context *ctx = vm->ctx;
	int rc = 0;

	if (duk_safe_call(ctx, read_exports_safe, p, 0, 1) != 0) {
		k6c__buf msg = K6C__BUF_INIT;

		k6c__vm_format_error(ctx, -1, &msg);
		rc = k6c__error(K6C_ESCRIPT, "cannot read the script's options: %s",
			msg.ptr != NULL ? msg.ptr : "");
		k6c__buf_free(&msg);
	}
	duk_pop(ctx);
	return rc;
}

/* A boolean option: true/false, or the strings an environment variable or
 * a CLI flag gives ("true", "1", "false", "0", ""). Other values leave
 * *out alone. */
static void read_bool(const k6c__json *v, bool *out)
{
	if (v == NULL)
		return;
	if (v->type == K6C__JSON_BOOL)
		*out = v->boolean;
	else if (v->type == K6C__JSON_STRING && (!strcmp(v->string, "true") || !strcmp(v->string, "1")))
		*out = true;
	else if (v->type == K6C__JSON_STRING && (!strcmp(v->string, "false") ||
		!strcmp(v->string, "0") || v->string[0] == '\0'))
		*out = false;
}

/* A count given as a number or, from K6_* variables, a numeric string
 * (the options layer has checked it); anything else leaves *out alone. */
static void read_count(const k6c__json *v, unsigned *out)
{
	double d = -1;
	char *end = NULL;

	if (v != NULL && v->type == K6C__JSON_NUMBER) {
		d = v->number;
	} else if (v != NULL && v->type == K6C__JSON_STRING) {
		d = strtod(v->string, &end);
		if (end == v->string || *end != '\0')
			d = -1;
	}
	if (d >= 0 && d <= 1e9)
		*out = (unsigned)d;
}

/* The options a VU applies by itself (the rest are the scheduler's), from
 * an options object: each one it sets with a value of the right type. */
static void read_vu_options(k6c__program *p, const k6c__json *o)
{
	const k6c__json *v;

	read_bool(k6c__json_get(o, "discardResponseBodies"), &p->discard_bodies);
	if ((v = k6c__json_get(o, "throw")) != NULL && v->type == K6C__JSON_BOOL)
		p->throw_errors = v->boolean;
	/* A number, or the digits K6_MAX_REDIRECTS or --max-redirects give. */
	if ((v = k6c__json_get(o, "maxRedirects")) != NULL && v->type == K6C__JSON_NUMBER &&
		v->number >= 0)
		p->max_redirects = v->number > 1e6 ? 1000000 : (int)v->number;
	else if (v != NULL && v->type == K6C__JSON_STRING && v->string[0] != '\0' &&
		strspn(v->string, "0123456789") == strlen(v->string) && strlen(v->string) <= 6)
		p->max_redirects = atoi(v->string);
	read_count(k6c__json_get(o, "batch"), &p->batch);
	read_count(k6c__json_get(o, "batchPerHost"), &p->batch_per_host);
	if ((v = k6c__json_get(o, "httpDebug")) != NULL)
		p->http_debug = k6c__transport_http_debug(v);
	read_bool(k6c__json_get(o, "noCookiesReset"), &p->no_cookies_reset);
}

static void read_script_vu_options(k6c__program *p)
{
	k6c__json *o = NULL;

	p->max_redirects = -1;
	p->batch = 20;              /* k6's defaults */
	p->batch_per_host = 6;
	if (k6c__json_parse(&o, p->options_json, strlen(p->options_json)) != 0)
		return;
	read_vu_options(p, o);
	k6c__json_free(o);
}

static void free_tags(k6c__program *p)
{
	for (size_t i = 0; i < p->ntags * 2; i++)
		k6c__free(p->tags[i]);
	k6c__free(p->tags);
	p->tags = NULL;
	p->ntags = 0;
}

/* The `tags` option: every sample of the run carries them. Values that are
 * numbers or booleans keep their JSON text, as k6 reads them as strings. */
static int read_run_tags(k6c__program *p, const k6c__json *o)
{
	const k6c__json *t = k6c__json_get(o, "tags");
	k6c__buf b = K6C__BUF_INIT;

	free_tags(p);
	if (t == NULL || t->type != K6C__JSON_OBJECT || t->len == 0)
		return 0;
	p->tags = k6c__calloc(t->len * 2, sizeof(char *));
	if (p->tags == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->len; i++) {
		const k6c__json *v = t->items[i];
		char *value;

		if (v->type == K6C__JSON_STRING) {
			value = k6c__strdup(v->string);
		} else if (v->type == K6C__JSON_NUMBER || v->type == K6C__JSON_BOOL) {
			k6c__buf_clear(&b);
			value = k6c__json_write(&b, v) == 0 ? k6c__strdup(b.ptr) : NULL;
		} else {
			continue;
		}
		p->tags[2 * p->ntags] = k6c__strdup(t->keys[i]);
		p->tags[2 * p->ntags + 1] = value;
		p->ntags++;
		if (value == NULL || p->tags[2 * p->ntags - 2] == NULL) {
			k6c__buf_free(&b);
			free_tags(p);
			return k6c__error(K6C_ENOMEM, "out of memory");
		}
	}
	k6c__buf_free(&b);
	return 0;
}

/* ---- Public functions ----------------------------------------------------- */

static int copy_env(k6c__program *p, const k6c__engine_config *cfg)
{
	if (cfg == NULL || cfg->nenv == 0)
		return 0;
	p->env = k6c__calloc(cfg->nenv * 2, sizeof(char *));
	if (p->env == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	p->nenv = cfg->nenv;
	for (size_t i = 0; i < cfg->nenv * 2; i++) {
		p->env[i] = k6c__strdup(cfg->env[i] != NULL ? cfg->env[i] : "");
		if (p->env[i] == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory");
	}
	return 0;
}

int k6c__program_new(k6c__program **out, const char *filename, const char *source, size_t len,
	const k6c__engine_config *cfg)
{
	k6c__program *p;
	loader ld;
	k6c__vm *vm = NULL;
	char *path = NULL;
	int rc, idx;

	*out = NULL;
	if (filename == NULL)
		return k6c__error(K6C_EINVAL, "no script file name");
	p = k6c__calloc(1, sizeof(*p));
	if (p == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	pthread_mutex_init(&p->lock, NULL);
	memset(&ld, 0, sizeof(ld));
	ld.p = p;
	if (cfg != NULL) {
		p->log = cfg->log;
		p->log_arg = cfg->log_arg;
		p->metrics = cfg->metrics;
	}
	rc = copy_env(p, cfg);
	if (rc == 0)
		rc = k6c__map_new(&p->files);
	if (rc == 0)
		rc = k6c__engine_path_absolute(&path, NULL, filename);
	if (rc == 0) {
		rc = add_module(&ld, path, &idx);
		if (rc != 0)
			k6c__free(path);
	}
	if (rc == 0)
		rc = k6c__xmods_load(p, cfg);
	if (rc == 0)
		rc = k6c__lowerer_new(&ld.lowerer, cfg != NULL ? cfg->cache_dir : NULL);
	/* A module the fast path declines is logged (lowered by Babel). */
	if (rc == 0)
		k6c__lowerer_set_log(ld.lowerer, p->log, p->log_arg);

	/* Breadth-first over the import graph; add_module appends. */
	for (size_t i = 0; rc == 0 && i < p->nmods; i++) {
		k6c__buf src = K6C__BUF_INIT;
		const char *text = source;
		size_t tlen = len;

		if (i > 0 || source == NULL) {
			rc = k6c__file_read(p->mods[i].path, &src);
			if (rc != 0)
				break;
			text = src.ptr != NULL ? src.ptr : "";
			tlen = src.len;
		}
		rc = k6c__lower(ld.lowerer, p->mods[i].path, text, tlen, &ld.lowered[i]);
		k6c__buf_free(&src);
		if (rc == 0 && ld.lowered[i].ptr == NULL)
			rc = k6c__buf_puts(&ld.lowered[i], "");
		if (rc == 0) {
			ld.current = i;
			rc = scan_requires(ld.lowered[i].ptr, ld.lowered[i].len, on_spec, &ld);
		}
	}
	if (ld.lowerer != NULL && p->log != NULL) {
		/* What lowering cost, for -v and test/bench/lower.sh. */
		k6c__lower_stats st;
		char line[320];

		k6c__lowerer_stats(ld.lowerer, &st);
		snprintf(line, sizeof(line),
			 "lowering: %u modules (fast %u, babel %u, cached %u, declined %u); "
			 "fast %.1f ms load + %.1f ms, peak %.1f MiB; babel %.1f ms load + %.1f ms, peak %.1f MiB",
			 st.cache_hits + st.cache_misses, st.lowered_fast, st.lowered_babel, st.cache_hits, st.declines,
			 st.fast_load_ms, st.fast_transform_ms, (double)st.fast_heap_peak / 1048576.0, st.babel_load_ms,
			 st.babel_transform_ms, (double)st.babel_heap_peak / 1048576.0);
		p->log(K6C_LOG_DEBUG, line, p->log_arg);
	}
	k6c__lowerer_free(ld.lowerer);
	if (rc == 0)
		rc = compile_all(&ld);
	/* Before any init code, as k6c/module.h promises. */
	if (rc == 0)
		rc = k6c__xmods_test_init(p);
	for (size_t i = 0; i < p->nmods; i++)
		k6c__buf_free(&ld.lowered[i]);
	k6c__free(ld.lowered);

	if (rc == 0) {
		rc = k6c__vm_new(&vm, p, NULL);
		/* An exception, or exec.test.abort() (K6C_EABORTED: k6 exits
		 * with 108), in the init code. */
		if ((rc == K6C_ESCRIPT || rc == K6C_EABORTED) && p->log != NULL)
			p->log(K6C_LOG_ERROR, k6c_error_last()->message, p->log_arg);
		if (rc == 0)
			rc = read_init_results(p, vm);
		k6c__vm_free(vm);
		if (rc == 0)
			read_script_vu_options(p);
	}
	if (rc != 0) {
		k6c__program_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static void free_file(void *v)
{
	k6c__buf *b = v;

	k6c__buf_free(b);
	k6c__free(b);
}

void k6c__program_free(k6c__program *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nmods; i++) {
		k6c__module *m = &p->mods[i];

		k6c__free(m->path);
		k6c__free(m->dir);
		for (size_t j = 0; j < m->ndeps; j++)
			k6c__free(m->deps[j].spec);
		k6c__free(m->deps);
		k6c__free(m->bytecode);
	}
	k6c__free(p->mods);
	k6c__free(p->prelude_bc);
	k6c__free(p->options_json);
	for (size_t i = 0; i < p->nfunctions; i++)
		k6c__free(p->functions[i]);
	k6c__free(p->functions);
	for (size_t i = 0; i < p->nenv * 2; i++)
		k6c__free(p->env[i]);
	k6c__free(p->env);
	k6c__free(p->setup_json);
	k6c__free(p->test_options_json);
	free_tags(p);
	if (p->files != NULL)
		k6c__map_free(p->files, free_file);
	k6c__mod_data_free(p);
	k6c__mod_crypto_free(p);
	/* Every VU heap is gone by now: the modules' test_free comes last. */
	k6c__xmods_free(p);
	pthread_mutex_destroy(&p->lock);
	k6c__free(p);
}

const char *k6c__program_options_json(const k6c__program *p)
{
	return p != NULL && p->options_json != NULL ? p->options_json : "{}";
}

int k6c__program_set_options(k6c__program *p, const char *json)
{
	k6c__json *o = NULL;
	char *copy;
	int rc;

	if (p == NULL || json == NULL)
		return k6c__error(K6C_EINVAL, "no program or options");
	copy = k6c__strdup(json);
	if (copy == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	/* The consolidated options were validated by the options layer; text
	 * that does not parse only leaves the script's choices in place. */
	if (k6c__json_parse(&o, json, strlen(json)) == 0) {
		rc = read_run_tags(p, o);
		if (rc != 0) {
			k6c__json_free(o);
			k6c__free(copy);
			return rc;
		}
		read_vu_options(p, o);
		k6c__json_free(o);
	}
	k6c__free(p->test_options_json);
	p->test_options_json = copy;
	return 0;
}

const char *k6c__program_setup_json(const k6c__program *p)
{
	const char *json;

	if (p == NULL)
		return NULL;
	/* The lock orders this read after the setup VU's write. */
	pthread_mutex_lock((pthread_mutex_t *)&p->lock);
	json = p->setup_json;
	pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
	return json;
}

bool k6c__program_has_function(const k6c__program *p, const char *name)
{
	if (p == NULL || name == NULL)
		return false;
	for (size_t i = 0; i < p->nfunctions; i++)
		if (strcmp(p->functions[i], name) == 0)
			return true;
	return false;
}

int k6c__program_file(k6c__program *p, const char *path, const k6c__buf **out)
{
	k6c__buf *b;
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	b = k6c__map_get(p->files, path, strlen(path));
	if (b == NULL) {
		b = k6c__calloc(1, sizeof(*b));
		if (b == NULL) {
			rc = k6c__error(K6C_ENOMEM, "out of memory");
		} else {
			rc = k6c__file_read(path, b);
			if (rc == 0 && b->ptr == NULL)
				rc = k6c__buf_puts(b, "");
			if (rc == 0)
				rc = k6c__map_set(p->files, path, strlen(path), b);
			if (rc != 0) {
				k6c__buf_free(b);
				k6c__free(b);
				b = NULL;
			}
		}
	}
	pthread_mutex_unlock(&p->lock);
	*out = b;
	return rc;
}
