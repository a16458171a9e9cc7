/*
 * lower.c - ES2015+ modules to ES5 CommonJS (see lower.h), with two engines,
 * each in a Duktape heap of its own:
 *
 * - the fast path: acorn and lib/engine/js/lower/lower.js, one bytecode
 *   image (k6c__lower_bc). It loads in a few milliseconds, lowers a typical
 *   script in about ten and never holds more than a few MiB. It returns the
 *   code, a syntax error, or a decline (a construct it cannot lower
 *   faithfully, with the line and the reason);
 * - Babel standalone (k6c__babel_bc), which lowers everything but costs
 *   about 0.4 s to load and tens of MiB.
 *
 * Both images are built at compile time by tools/js-bytecode.c and embedded
 * with .incbin. Each heap is created on the first cache miss that needs it
 * and reused for every later module of the same test. Results are cached on
 * disk under the SHA-256 of everything that determines the output, with a
 * different key per engine, so the engines never share an entry and a
 * second run of an unchanged script starts neither.
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
#include "engine/duk_hooks.h"
#include "engine/prelude.h"
#include "k6c/errors.h"
#include "k6c/test.h"
#include "lower_version.h"

/* Bump when the cached text would differ for the same Babel and options
 * (for instance a change in how this file post-processes Babel's output). */
#define LOWER_FORMAT_VERSION "1"

/* The same for the fast path's output. Its passes and acorn are covered by
 * the image's hash and the run-time helpers (prelude chunks) by their own
 * hash, so this only changes with what this file does around them. */
#define FAST_FORMAT_VERSION "1"

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

/* Called as f(source) in the fast heap. Returns the code; for a syntax
 * error {line, column, message} (column 0-based, acorn's "(l:c)" suffix
 * already stripped by lower.js); for a decline {decline: reason, line}.
 * Anything else thrown is a bug of the passes and propagates. */
static const char fast_glue[] =
	"(function (L) {\n"
	"  return function (src) {\n"
	"    try {\n"
	"      return L.lower(src);\n"
	"    } catch (e) {\n"
	"      if (e instanceof L.K6cDecline)\n"
	"        return { decline: String(e.reason), line: Number(e.line) || 0 };\n"
	"      if (e && !(e instanceof Error) && typeof e.line === 'number' && typeof e.message === 'string')\n"
	"        return { line: e.line, column: Number(e.column) || 0, message: e.message };\n"
	"      throw e;\n"
	"    }\n"
	"  };\n"
	"})(K6cLower)";

extern const unsigned char k6c__babel_bc[];
extern const unsigned char k6c__babel_bc_end[];
extern const char k6c__babel_bc_sha256[];
extern const unsigned char k6c__lower_bc[];
extern const unsigned char k6c__lower_bc_end[];
extern const char k6c__lower_bc_sha256[];

/* A heap and the bytes it holds, counted by its allocator. The heap's
 * udata is this struct, and the interrupt hook reads it as a
 * k6c__duk_udata first (duk_hooks.h): no interrupt for lowering. */
struct engine {
	struct k6c__duk_udata hooks; /* first: zeroed, never interrupts */
	duk_context *ctx;  /* NULL until the first miss that needs it */
	size_t cur, peak;
};

struct k6c__lowerer {
	char *cache_dir;        /* NULL: no cache */
	k6c__lower_mode mode;
	struct engine babel, fast;
	char runtime_sha[65];   /* of every prelude chunk; "" in babel mode */
	k6c__lower_log_fn log;
	void *log_arg;
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

/* The key covers the source and the engine's parts, joined by newlines:
 * for Babel its version and options, this file's format and the hash of
 * the embedded bytecode (so a rebuilt transpiler, patched or with different
 * polyfills, never reuses old output); for the fast path the image's hash
 * (acorn + passes) and the run-time helpers' hash. False when out of
 * memory: the cache is then skipped for this module. */
static bool cache_key(const char *const *parts, size_t nparts, const char *src, size_t len, char out[65])
{
	k6c__buf b = K6C__BUF_INIT;
	bool ok = true;

	for (size_t i = 0; ok && i < nparts; i++)
		ok = k6c__buf_puts(&b, parts[i]) == 0 && k6c__buf_putc(&b, '\n') == 0;
	ok = ok && k6c__buf_put(&b, src, len) == 0;
	if (ok)
		k6c__sha256_hex(b.ptr, b.len, out);
	k6c__buf_free(&b);
	return ok;
}

enum key_kind { KEY_BABEL, KEY_FAST, KEY_AUTO_BABEL };

/* KEY_AUTO_BABEL is Babel's output for a module the fast path declined in
 * auto mode: it depends on both images, and it must not be found by a run in
 * fast mode (which has to report the decline) or in babel mode. */
static bool engine_key(const k6c__lowerer *l, enum key_kind kind, const char *src, size_t len, char out[65])
{
	const char *babel[] = { "k6c-lower " LOWER_FORMAT_VERSION "\nbabel " K6C__BABEL_VERSION,
				k6c__babel_bc_sha256, babel_options };
	const char *fast[] = { "k6c-lower-fast " FAST_FORMAT_VERSION "\n" K6C__LOWER_VERSION, k6c__lower_bc_sha256,
			       l->runtime_sha };
	const char *autob[] = { "k6c-lower-auto-babel " FAST_FORMAT_VERSION " " LOWER_FORMAT_VERSION
				"\nbabel " K6C__BABEL_VERSION "\n" K6C__LOWER_VERSION,
				k6c__babel_bc_sha256, babel_options, k6c__lower_bc_sha256, l->runtime_sha };

	if (l->cache_dir == NULL)
		return false;
	switch (kind) {
	case KEY_BABEL:
		return cache_key(babel, sizeof(babel) / sizeof(babel[0]), src, len, out);
	case KEY_FAST:
		return cache_key(fast, sizeof(fast) / sizeof(fast[0]), src, len, out);
	case KEY_AUTO_BABEL:
		return cache_key(autob, sizeof(autob) / sizeof(autob[0]), src, len, out);
	}
	return false;
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

/* --- the engine heaps -------------------------------------------------------- */

/* The heaps allocate through libk6c's allocator functions, like the VUs,
 * with a header that records each block's size, so that the bytes a heap
 * holds (and their peak: the lowering memory of doc/performance.md) are
 * known. 16 bytes keep malloc's alignment. */
#define MEM_HDR 16

static void *count_alloc(void *udata, duk_size_t size)
{
	struct engine *e = udata;
	unsigned char *p;

	if (size > SIZE_MAX - MEM_HDR)
		return NULL;
	p = k6c__malloc(size + MEM_HDR);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof(size));
	e->cur += size;
	if (e->cur > e->peak)
		e->peak = e->cur;
	return p + MEM_HDR;
}

static void count_free(void *udata, void *ptr)
{
	struct engine *e = udata;
	unsigned char *p;
	size_t size;

	if (ptr == NULL)
		return;
	p = (unsigned char *)ptr - MEM_HDR;
	memcpy(&size, p, sizeof(size));
	e->cur -= size;
	k6c__free(p);
}

static void *count_realloc(void *udata, void *ptr, duk_size_t size)
{
	struct engine *e = udata;
	unsigned char *p;
	size_t old;

	if (ptr == NULL)
		return count_alloc(udata, size);
	if (size == 0) {
		count_free(udata, ptr);
		return NULL;
	}
	if (size > SIZE_MAX - MEM_HDR)
		return NULL;
	p = (unsigned char *)ptr - MEM_HDR;
	memcpy(&old, p, sizeof(old));
	p = k6c__realloc(p, size + MEM_HDR);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof(size));
	e->cur = e->cur - old + size;
	if (e->cur > e->peak)
		e->peak = e->cur;
	return p + MEM_HDR;
}

static void engine_fatal(void *udata, const char *msg)
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

/* Creates the heap, loads an image from the embedded bytecode, runs it
 * and leaves the glue function (evaluated after it) on the value stack
 * (index 0) for reuse. what names the engine in messages. */
static int engine_start(struct engine *e, const unsigned char *bc, const unsigned char *bc_end, const char *glue,
			const char *what)
{
	duk_context *ctx;
	size_t n = (size_t)(bc_end - bc);

	e->cur = 0;
	ctx = duk_create_heap(count_alloc, count_realloc, count_free, e, engine_fatal);
	if (ctx == NULL)
		return k6c__error(K6C_ENOMEM, "cannot create the %s heap", what);
	/* The loader copies what it needs, so the read-only image is not
	 * copied into the heap first. */
	duk_push_external_buffer(ctx);
	duk_config_buffer(ctx, -1, (void *)(uintptr_t)bc, n);
	duk_load_function(ctx);
	if (duk_pcall(ctx, 0) != 0) {
		int rc = k6c__error(K6C_EINTERNAL, "cannot start the %s: %s", what, error_text(ctx));

		duk_destroy_heap(ctx);
		return rc;
	}
	duk_pop(ctx);
	if (duk_peval_string(ctx, glue) != 0) {
		int rc = k6c__error(K6C_EINTERNAL, "cannot start the %s: %s", what, error_text(ctx));

		duk_destroy_heap(ctx);
		return rc;
	}
	e->ctx = ctx;
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

/* Reads {line, column (0-based), message} at the top of ctx's stack into
 * "<file>:<line>:<col>: SyntaxError: <what>" (K6C_ESCRIPT). Both engines
 * report syntax errors this way. */
static int syntax_error(duk_context *ctx, const char *filename)
{
	k6c__buf msg = K6C__BUF_INIT;
	long line, col;
	const char *what;
	int rc;

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
	return rc;
}

/* The run-time helpers are prelude chunks that the output calls, so their
 * text decides what the output means: its hash goes into the fast path's
 * cache keys. All chunks are hashed, which also covers any helper split. */
static void hash_runtime(k6c__lowerer *l)
{
	k6c__buf b = K6C__BUF_INIT;
	bool ok = true;

	for (size_t i = 0; ok && i < k6c__prelude_nchunks; i++)
		ok = k6c__buf_printf(&b, "%s\n%zu\n", k6c__prelude_chunks[i].name, k6c__prelude_chunks[i].len) == 0 &&
		     k6c__buf_put(&b, k6c__prelude_chunks[i].src, k6c__prelude_chunks[i].len) == 0;
	if (ok)
		k6c__sha256_hex(b.ptr != NULL ? b.ptr : "", b.len, l->runtime_sha);
	else
		l->runtime_sha[0] = '\0';
	k6c__buf_free(&b);
}

int k6c__lowerer_new(k6c__lowerer **out, const char *cache_dir)
{
	k6c__lowerer *l;
	const char *mode = getenv("K6C_LOWER");
	k6c__lower_mode m;

	*out = NULL;
	if (mode == NULL || mode[0] == '\0' || strcmp(mode, "auto") == 0)
		m = K6C__LOWER_AUTO;
	else if (strcmp(mode, "fast") == 0)
		m = K6C__LOWER_FAST;
	else if (strcmp(mode, "babel") == 0)
		m = K6C__LOWER_BABEL;
	else
		return k6c__error(K6C_EINVAL, "K6C_LOWER: unknown lowering mode \"%s\" (use auto, fast or babel)", mode);
	l = k6c__calloc(1, sizeof(*l));
	if (l == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	l->mode = m;
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
	if (m != K6C__LOWER_BABEL && l->cache_dir != NULL) {
		hash_runtime(l);
		if (l->runtime_sha[0] == '\0') {
			/* Without the helpers' hash no key is safe: no cache. */
			k6c__free(l->cache_dir);
			l->cache_dir = NULL;
		}
	}
	*out = l;
	return 0;
}

void k6c__lowerer_free(k6c__lowerer *l)
{
	if (l == NULL)
		return;
	if (l->babel.ctx != NULL)
		duk_destroy_heap(l->babel.ctx);
	if (l->fast.ctx != NULL)
		duk_destroy_heap(l->fast.ctx);
	k6c__free(l->cache_dir);
	k6c__free(l);
}

k6c__lower_mode k6c__lowerer_mode(const k6c__lowerer *l)
{
	return l->mode;
}

void k6c__lowerer_set_log(k6c__lowerer *l, k6c__lower_log_fn fn, void *arg)
{
	l->log = fn;
	l->log_arg = arg;
}

void k6c__lowerer_stats(const k6c__lowerer *l, k6c__lower_stats *out)
{
	*out = l->stats;
	out->fast_heap_peak = l->fast.peak;
	out->babel_heap_peak = l->babel.peak;
	out->transpiler_load_ms = out->fast_load_ms + out->babel_load_ms;
	out->transform_ms = out->fast_transform_ms + out->babel_transform_ms;
}

/* Takes the string at the top of ctx's stack as the lowered code. */
static int take_code(duk_context *ctx, k6c__buf *out)
{
	size_t n;
	const char *code = duk_get_lstring(ctx, -1, &n);

	k6c__buf_clear(out);
	if (k6c__buf_put(out, code, n) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	return 0;
}

/* Babel, no cache. */
static int babel_transform(k6c__lowerer *l, const char *filename, const char *src, size_t len, k6c__buf *out)
{
	duk_context *ctx;
	uint64_t t0;
	int rc;

	if (l->babel.ctx == NULL) {
		t0 = k6c__now_ns();
		rc = engine_start(&l->babel, k6c__babel_bc, k6c__babel_bc_end, transform_glue, "transpiler");
		l->stats.babel_load_ms += ms_since(t0);
		if (rc != 0)
			return rc;
	}
	ctx = l->babel.ctx;

	t0 = k6c__now_ns();
	duk_dup(ctx, 0);
	duk_push_lstring(ctx, src, len);
	duk_push_lstring(ctx, babel_options, sizeof(babel_options) - 1);
	rc = duk_pcall(ctx, 2);
	l->stats.babel_transform_ms += ms_since(t0);
	if (rc != 0)
		rc = k6c__error(K6C_EINTERNAL, "%s: the transpiler failed: %s", filename, error_text(ctx));
	else if (duk_is_string(ctx, -1))
		rc = take_code(ctx, out);
	else
		rc = syntax_error(ctx, filename);
	if (rc == 0)
		l->stats.lowered_babel++;
	duk_set_top(ctx, 1);
	return rc;
}

/* The fast path, no cache. Returns 0 with the code in out; 0 with
 * *declined set, the reason in why and the line (0: unknown) in *line,
 * for a decline, and also (in auto mode only) when the passes failed;
 * K6C_ESCRIPT for a syntax error; K6C_EINTERNAL, K6C_ENOMEM. */
static int fast_transform(k6c__lowerer *l, const char *filename, const char *src, size_t len, k6c__buf *out,
			  bool *declined, k6c__buf *why, long *line)
{
	duk_context *ctx;
	uint64_t t0;
	int rc;

	*declined = false;
	*line = 0;
	if (l->fast.ctx == NULL) {
		t0 = k6c__now_ns();
		rc = engine_start(&l->fast, k6c__lower_bc, k6c__lower_bc_end, fast_glue, "fast lowerer");
		l->stats.fast_load_ms += ms_since(t0);
		if (rc != 0)
			return rc;
	}
	ctx = l->fast.ctx;

	t0 = k6c__now_ns();
	duk_dup(ctx, 0);
	duk_push_lstring(ctx, src, len);
	rc = duk_pcall(ctx, 1);
	l->stats.fast_transform_ms += ms_since(t0);
	if (rc != 0) {
		/* A bug of the passes (or out of memory in the heap). In auto
		 * mode Babel still lowers the module, and the log line says so. */
		const char *e = error_text(ctx);

		if (l->mode == K6C__LOWER_AUTO) {
			*declined = true;
			rc = k6c__buf_printf(why, "the fast lowerer failed: %.*s", (int)strcspn(e, "\n"), e);
			if (rc != 0)
				rc = k6c__error(K6C_ENOMEM, "out of memory");
		} else {
			rc = k6c__error(K6C_EINTERNAL, "%s: the fast lowerer failed: %s", filename, e);
		}
	} else if (duk_is_string(ctx, -1)) {
		rc = take_code(ctx, out);
		if (rc == 0)
			l->stats.lowered_fast++;
	} else if (duk_get_prop_string(ctx, -1, "decline")) {
		*declined = true;
		rc = k6c__buf_puts(why, duk_to_string(ctx, -1)) != 0 ? k6c__error(K6C_ENOMEM, "out of memory") : 0;
		duk_pop(ctx);
		duk_get_prop_string(ctx, -1, "line");
		*line = (long)duk_to_number(ctx, -1);
	} else {
		duk_pop(ctx);
		rc = syntax_error(ctx, filename);
	}
	duk_set_top(ctx, 1);
	return rc;
}

static void log_line(const k6c__lowerer *l, int level, const char *filename, long line, const char *what)
{
	k6c__buf b = K6C__BUF_INIT;

	if (l->log == NULL)
		return;
	if ((line > 0 ? k6c__buf_printf(&b, "%s:%ld: lowering with Babel: %s", filename, line, what)
		      : k6c__buf_printf(&b, "%s: lowering with Babel: %s", filename, what)) == 0)
		l->log(level, b.ptr, l->log_arg);
	k6c__buf_free(&b);
}

int k6c__lower(k6c__lowerer *l, const char *filename, const char *src, size_t len, k6c__buf *out)
{
	char key[65], akey[65];
	bool keyed, akeyed, declined;
	k6c__buf why = K6C__BUF_INIT;
	long line;
	int rc;

	if (filename == NULL)
		filename = "<input>";

	if (l->mode == K6C__LOWER_BABEL) {
		keyed = engine_key(l, KEY_BABEL, src, len, key);
		if (keyed && cache_get(l, key, out)) {
			l->stats.cache_hits++;
			return 0;
		}
		l->stats.cache_misses++;
		rc = babel_transform(l, filename, src, len, out);
		if (rc == 0 && keyed)
			cache_put(l, key, out->ptr, out->len);
		return rc;
	}

	keyed = engine_key(l, KEY_FAST, src, len, key);
	if (keyed && cache_get(l, key, out)) {
		l->stats.cache_hits++;
		return 0;
	}
	akeyed = l->mode == K6C__LOWER_AUTO && engine_key(l, KEY_AUTO_BABEL, src, len, akey);
	if (akeyed && cache_get(l, akey, out)) {
		l->stats.cache_hits++;
		return 0;
	}
	l->stats.cache_misses++;
	rc = fast_transform(l, filename, src, len, out, &declined, &why, &line);
	if (rc == 0 && !declined) {
		if (keyed)
			cache_put(l, key, out->ptr, out->len);
		k6c__buf_free(&why);
		return 0;
	}
	if (rc != 0) {
		k6c__buf_free(&why);
		return rc;
	}
	l->stats.declines++;
	if (l->mode == K6C__LOWER_FAST) {
		rc = line > 0 ? k6c__error(K6C_ESCRIPT, "%s:%ld: the fast lowerer cannot lower this (K6C_LOWER=fast): %s",
					   filename, line, why.ptr)
			      : k6c__error(K6C_ESCRIPT, "%s: the fast lowerer cannot lower this (K6C_LOWER=fast): %s",
					   filename, why.ptr);
		k6c__buf_free(&why);
		return rc;
	}
	/* A decline is normal (INFO); a failure of the passes is a bug (WARN). */
	log_line(l, strncmp(why.ptr, "the fast lowerer failed", 23) == 0 ? K6C_LOG_WARN : K6C_LOG_INFO, filename, line,
		 why.ptr);
	k6c__buf_free(&why);
	rc = babel_transform(l, filename, src, len, out);
	if (rc == 0 && akeyed)
		cache_put(l, akey, out->ptr, out->len);
	return rc;
}
