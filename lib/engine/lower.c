/*
 * lower.c - ES2015+ modules to ES5 CommonJS with Babel standalone running in
 * a Duktape heap of its own (see lower.h).
 *
 * Babel's bytecode is built at compile time (tools/babel-bytecode.c) and
 * embedded with .incbin (k6c__babel_bc). The heap is created on the first
 * cache miss, because loading and initialising Babel costs a few hundred
 * milliseconds and its heap grows to a couple of hundred megabytes, and it
 * is reused for every later module of the same test. Results are cached on
 * disk under the SHA-256 of everything that determines the output, so a
 * second run of an unchanged script never starts Babel at all.
 */
#include "engine/lower.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "babel_version.h"
#include "duktape.h"

/* Bump when the cached text would differ for the same Babel and options
 * (for instance a change in how this file post-processes Babel's output). */
#define LOWER_FORMAT_VERSION "1"

/* The Babel options; they are part of the cache key, so any change here
 * invalidates old entries by itself. preset-env 7.20 with an ie 11 target
 * lowers everything Duktape lacks (including async functions and
 * generators, through an inlined regenerator runtime helper). Duktape has
 * real symbols, so typeof needs no _typeof() wrapper around every use. */
static const char babel_options[] =
	"{\"presets\":[[\"env\",{\"targets\":{\"ie\":11},\"modules\":\"commonjs\","
	"\"exclude\":[\"transform-typeof-symbol\"]}]],"
	"\"sourceType\":\"module\",\"retainLines\":true,\"babelrc\":false,"
	"\"configFile\":false,\"compact\":false,\"comments\":false,"
	"\"highlightCode\":false}";

/* Called as f(source, optionsJSON). Returns the code, or, for an error
 * Babel attributes to a place in the source, {line, column, message} with
 * the 0-based column Babel uses. Other errors are thrown. The options object
 * is parsed once and reused: Babel caches loaded presets and plugins by the
 * identity of their option objects, which saves about 70 ms per module after
 * the first. Babel is not told the file name: it would only resolve it
 * against a made-up working directory for its messages, which put_reason()
 * strips anyway. */
static const char transform_glue[] =
	"(function (B) {\n"
	"  var cached = null, cachedText = null;\n"
	"  return function (src, opts) {\n"
	"    if (opts !== cachedText) {\n"
	"      cached = JSON.parse(opts);\n"
	"      cachedText = opts;\n"
	"    }\n"
	"    try {\n"
	"      return B.transform(src, cached).code;\n"
	"    } catch (e) {\n"
	"      if (e && e.loc && typeof e.loc.line === 'number')\n"
	"        return { line: e.loc.line, column: e.loc.column, message: String(e.message) };\n"
	"      if (e && e.name === 'SyntaxError')\n"
	"        return { line: 0, column: 0, message: String(e.message) };\n"
	"      throw e;\n"
	"    }\n"
	"  };\n"
	"})(Babel)";

extern const unsigned char k6c__babel_bc[];
extern const unsigned char k6c__babel_bc_end[];
extern const char k6c__babel_bc_sha256[];

struct k6c__lowerer {
	char *cache_dir;        /* NULL: no cache */
	duk_context *babel;     /* NULL until the first miss */
	k6c__lower_stats stats;
};

static double ms_since(uint64_t t0)
{
	return (double)(k6c__now_ns() - t0) / 1e6;
}

/* --- cache directory ------------------------------------------------------ */

static char *default_cache_dir(void)
{
	const char *v = getenv("K6C_CACHE_DIR");
	k6c__buf b = K6C__BUF_INIT;

	if (v != NULL)
		return k6c__strdup(v); /* "" (disabled) included */
	v = getenv("XDG_CACHE_HOME");
	if (v != NULL && v[0] == '/') {
		if (k6c__buf_printf(&b, "%s/k6c", v) != 0)
			return NULL;
		return k6c__buf_detach(&b);
	}
	v = getenv("HOME");
	if (v != NULL && v[0] != '\0') {
		if (k6c__buf_printf(&b, "%s/.cache/k6c", v) != 0)
			return NULL;
		return k6c__buf_detach(&b);
	}
	return k6c__strdup("");
}

/* mkdir -p; errors are left to the open() that follows. */
static void make_dirs(const char *path)
{
	char *p = k6c__strdup(path), *s;

	if (p == NULL)
		return;
	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		(void)mkdir(p, 0777);
		*s = '/';
	}
	(void)mkdir(p, 0777);
	k6c__free(p);
}

/* --- cache entries ---------------------------------------------------------
 *
 * <dir>/<key>.js holds one header line, then the lowered code:
 *   // k6c-lower <key> <length of code> <sha256 of code>\n
 * An entry whose header does not match is ignored (and later replaced). */

/* The key covers the source, Babel's version and options, this file's
 * format and the hash of the embedded bytecode (so a rebuilt transpiler,
 * patched or with different polyfills, never reuses old output). False when
 * out of memory: the cache is then skipped for this module. */
static bool cache_key(const char *src, size_t len, char out[65])
{
	static const char prefix[] = "k6c-lower " LOWER_FORMAT_VERSION "\nbabel " K6C__BABEL_VERSION "\n";
	k6c__buf b = K6C__BUF_INIT;
	bool ok;

	ok = k6c__buf_reserve(&b, sizeof(prefix) + 66 + sizeof(babel_options) + len + 2) == 0 &&
	     k6c__buf_put(&b, prefix, sizeof(prefix) - 1) == 0 &&
	     k6c__buf_puts(&b, k6c__babel_bc_sha256) == 0 && k6c__buf_putc(&b, '\n') == 0 &&
	     k6c__buf_put(&b, babel_options, sizeof(babel_options) - 1) == 0 &&
	     k6c__buf_putc(&b, '\n') == 0 && k6c__buf_put(&b, src, len) == 0;
	if (ok)
		k6c__sha256_hex(b.ptr, b.len, out);
	k6c__buf_free(&b);
	return ok;
}

static char *entry_path(const k6c__lowerer *l, const char *key)
{
	k6c__buf b = K6C__BUF_INIT;

	if (k6c__buf_printf(&b, "%s/%s.js", l->cache_dir, key) != 0)
		return NULL;
	return k6c__buf_detach(&b);
}

/* Reads a whole file without touching the thread's last error: a missing
 * entry is the normal case, not a failure. */
static bool read_quietly(const char *path, k6c__buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;
	bool ok = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)1 << 30)
		goto done;
	if (k6c__buf_reserve(out, (size_t)st.st_size + 1) != 0)
		goto done;
	while ((n = read(fd, out->ptr + out->len, out->cap - out->len - 1)) > 0) {
		out->len += (size_t)n;
		if (out->len + 1 >= out->cap && k6c__buf_reserve(out, 4096) != 0)
			goto done;
	}
	out->ptr[out->len] = '\0';
	ok = n == 0;
done:
	close(fd);
	return ok;
}

static bool cache_get(const k6c__lowerer *l, const char *key, k6c__buf *out)
{
	k6c__buf f = K6C__BUF_INIT;
	char *path = entry_path(l, key), hash[65], *nl, *body;
	char hkey[65], hhash[65];
	unsigned long long hlen;
	size_t blen;
	bool hit = false;

	if (path == NULL || !read_quietly(path, &f))
		goto done;
	nl = memchr(f.ptr, '\n', f.len);
	if (nl == NULL)
		goto done;
	*nl = '\0';
	if (sscanf(f.ptr, "// k6c-lower %64s %llu %64s", hkey, &hlen, hhash) != 3 || strcmp(hkey, key) != 0)
		goto done;
	body = nl + 1;
	blen = f.len - (size_t)(body - f.ptr);
	if (hlen != blen)
		goto done;
	k6c__sha256_hex(body, blen, hash);
	if (strcmp(hash, hhash) != 0)
		goto done;
	k6c__buf_clear(out);
	hit = k6c__buf_put(out, body, blen) == 0;
done:
	k6c__buf_free(&f);
	k6c__free(path);
	return hit;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Best effort: a cache that cannot be written only costs time later. The
 * temporary file in the same directory plus rename() means readers see
 * either no entry or a whole one, even with concurrent writers. */
static void cache_put(const k6c__lowerer *l, const char *key, const char *code, size_t len)
{
	k6c__buf tmp = K6C__BUF_INIT;
	char *path = entry_path(l, key), hash[65], header[200];
	int fd = -1;
	bool ok;

	if (path == NULL || k6c__buf_printf(&tmp, "%s/.%s.XXXXXX", l->cache_dir, key) != 0)
		goto done;
	make_dirs(l->cache_dir);
	/* mkstemp's mode 0600 stays: entries are private to the user. */
	fd = mkstemp(tmp.ptr);
	if (fd < 0)
		goto done;
	k6c__sha256_hex(code, len, hash);
	snprintf(header, sizeof(header), "// k6c-lower %s %zu %s\n", key, len, hash);
	ok = write_all(fd, header, strlen(header)) && write_all(fd, code, len);
	ok = close(fd) == 0 && ok;
	fd = -1;
	if (!ok || rename(tmp.ptr, path) != 0)
		(void)unlink(tmp.ptr);
done:
	if (fd >= 0) {
		close(fd);
		(void)unlink(tmp.ptr);
	}
	k6c__buf_free(&tmp);
	k6c__free(path);
}

/* --- the Babel heap --------------------------------------------------------- */

/* The heap allocates through libk6c's allocator functions, like the VUs. */
static void *babel_alloc(void *udata, duk_size_t size)
{
	K6C__UNUSED(udata);
	return k6c__malloc(size);
}

static void *babel_realloc(void *udata, void *ptr, duk_size_t size)
{
	K6C__UNUSED(udata);
	return k6c__realloc(ptr, size);
}

static void babel_free(void *udata, void *ptr)
{
	K6C__UNUSED(udata);
	k6c__free(ptr);
}

static void babel_fatal(void *udata, const char *msg)
{
	/* Every call into the heap is protected, so this means a Duktape bug
	 * or a corrupted heap; there is no way to continue. */
	K6C__UNUSED(udata);
	K6C__UNUSED(msg);
	abort();
}

static const char *error_text(duk_context *ctx)
{
	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "stack");
		if (duk_is_string(ctx, -1))
			return duk_get_string(ctx, -1);
		duk_pop(ctx);
	}
	return duk_safe_to_string(ctx, -1);
}

/* Creates the heap, loads Babel from the embedded bytecode and leaves the
 * transform glue function on the value stack (index 0) for reuse. */
static int babel_start(k6c__lowerer *l)
{
	uint64_t t0 = k6c__now_ns();
	duk_context *ctx;
	size_t n = (size_t)(k6c__babel_bc_end - k6c__babel_bc);

	ctx = duk_create_heap(babel_alloc, babel_realloc, babel_free, NULL, babel_fatal);
	if (ctx == NULL)
		return k6c__error(K6C_ENOMEM, "cannot create the transpiler heap");
	/* The loader copies what it needs, so the read-only image is not
	 * copied into the heap first. */
	duk_push_external_buffer(ctx);
	duk_config_buffer(ctx, -1, (void *)(uintptr_t)k6c__babel_bc, n);
	duk_load_function(ctx);
	if (duk_pcall(ctx, 0) != 0) {
		int rc = k6c__error(K6C_EINTERNAL, "cannot start the transpiler: %s", error_text(ctx));

		duk_destroy_heap(ctx);
		return rc;
	}
	duk_pop(ctx);
	if (duk_peval_string(ctx, transform_glue) != 0) {
		int rc = k6c__error(K6C_EINTERNAL, "cannot start the transpiler: %s", error_text(ctx));

		duk_destroy_heap(ctx);
		return rc;
	}
	l->babel = ctx;
	l->stats.transpiler_load_ms += ms_since(t0);
	return 0;
}

/* Babel's messages read "unknown: <what> (<line>:<col>)" followed by a
 * code frame; keep only <what>. */
static int put_reason(k6c__buf *b, const char *msg)
{
	size_t n = strcspn(msg, "\n");

	if (n > 9 && strncmp(msg, "unknown: ", 9) == 0) {
		msg += 9;
		n -= 9;
	}
	if (n > 0 && msg[n - 1] == ')') {
		size_t i = n - 1;

		while (i > 0 && (msg[i - 1] == ':' || (msg[i - 1] >= '0' && msg[i - 1] <= '9')))
			i--;
		if (i >= 2 && msg[i - 1] == '(' && msg[i - 2] == ' ' && i < n - 1)
			n = i - 2;
	}
	return k6c__buf_put(b, msg, n);
}

/* Locates "> N | ..." and the caret line below it in a code frame, for
 * errors that carry no loc. */
static void frame_position(const char *msg, long *line, long *col)
{
	const char *p = strstr(msg, "\n>");
	const char *bar, *nl, *caret;

	*line = *col = 0;
	if (p == NULL)
		return;
	*line = strtol(p + 2, NULL, 10);
	bar = strchr(p + 2, '|');
	nl = strchr(p + 2, '\n');
	if (bar == NULL || nl == NULL || bar > nl)
		return;
	caret = strchr(nl + 1, '^');
	if (caret != NULL && (strchr(nl + 1, '\n') == NULL || caret < strchr(nl + 1, '\n')) &&
	    caret - (nl + 1) > bar - (p + 1) + 1)
		*col = (long)((caret - (nl + 1)) - (bar - (p + 1)) - 1);
}

int k6c__lowerer_new(k6c__lowerer **out, const char *cache_dir)
{
	k6c__lowerer *l = k6c__calloc(1, sizeof(*l));

	*out = NULL;
	if (l == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	if (cache_dir == NULL)
		l->cache_dir = default_cache_dir();
	else
		l->cache_dir = k6c__strdup(cache_dir);
	if (l->cache_dir == NULL) {
		k6c__free(l);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	if (l->cache_dir[0] == '\0') {
		k6c__free(l->cache_dir);
		l->cache_dir = NULL;
	}
	*out = l;
	return 0;
}

void k6c__lowerer_free(k6c__lowerer *l)
{
	if (l == NULL)
		return;
	if (l->babel != NULL)
		duk_destroy_heap(l->babel);
	k6c__free(l->cache_dir);
	k6c__free(l);
}

void k6c__lowerer_stats(const k6c__lowerer *l, k6c__lower_stats *out)
{
	*out = l->stats;
}

int k6c__lower(k6c__lowerer *l, const char *filename, const char *src, size_t len, k6c__buf *out)
{
	char key[65];
	bool cached;
	duk_context *ctx;
	uint64_t t0;
	int rc;

	if (filename == NULL)
		filename = "<input>";
	cached = l->cache_dir != NULL && cache_key(src, len, key);
	if (cached) {
		if (cache_get(l, key, out)) {
			l->stats.cache_hits++;
			return 0;
		}
	}
	l->stats.cache_misses++;
	if (l->babel == NULL && (rc = babel_start(l)) != 0)
		return rc;
	ctx = l->babel;

	t0 = k6c__now_ns();
	duk_dup(ctx, 0);
	duk_push_lstring(ctx, src, len);
	duk_push_lstring(ctx, babel_options, sizeof(babel_options) - 1);
	if (duk_pcall(ctx, 2) != 0) {
		rc = k6c__error(K6C_EINTERNAL, "%s: the transpiler failed: %s", filename, error_text(ctx));
		duk_set_top(ctx, 1);
		l->stats.transform_ms += ms_since(t0);
		return rc;
	}
	l->stats.transform_ms += ms_since(t0);

	if (duk_is_string(ctx, -1)) {
		size_t n;
		const char *code = duk_get_lstring(ctx, -1, &n);

		k6c__buf_clear(out);
		rc = k6c__buf_put(out, code, n);
		if (rc == 0 && cached)
			cache_put(l, key, code, n);
		duk_set_top(ctx, 1);
		return rc != 0 ? k6c__error(K6C_ENOMEM, "out of memory") : 0;
	}

	/* A syntax error: {line, column (0-based), message}. */
	{
		k6c__buf msg = K6C__BUF_INIT;
		long line, col;
		const char *what;

		duk_get_prop_string(ctx, -1, "line");
		line = (long)duk_to_number(ctx, -1);
		duk_get_prop_string(ctx, -2, "column");
		col = (long)duk_to_number(ctx, -1);
		duk_get_prop_string(ctx, -3, "message");
		what = duk_to_string(ctx, -1);
		if (line <= 0)
			frame_position(what, &line, &col);
		if (line > 0)
			rc = k6c__buf_printf(&msg, "%s:%ld:%ld: SyntaxError: ", filename, line, col + 1);
		else
			rc = k6c__buf_printf(&msg, "%s: SyntaxError: ", filename);
		if (rc == 0)
			rc = put_reason(&msg, what);
		if (rc == 0)
			rc = k6c__error(K6C_ESCRIPT, "%s", msg.ptr);
		else
			rc = k6c__error(K6C_ENOMEM, "out of memory");
		k6c__buf_free(&msg);
		duk_set_top(ctx, 1);
		return rc;
	}
}
