/*
 * mod_http_body.c - k6/http request bodies and http.file(). A string is sent
 * as UTF-8 (Duktape keeps strings in CESU-8), an ArrayBuffer, typed array or
 * DataView as the bytes it views, and a plain object as
 * application/x-www-form-urlencoded, or as multipart/form-data with a random
 * boundary when one of its values is an http.file() (a FileData object).
 * Values k6 cannot send (numbers, booleans, arrays, functions) give k6's
 * "unknown request body type" error instead of a request.
 */
#include "engine/mod_http_body.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* The hidden Symbol marking a FileData object (scripts cannot reach it). */
#define FILE_MARK "\xff" "k6cFileData"

/* A scratch buffer grown past this for one large value is freed after use,
 * so a VU does not keep that much memory for the rest of the test. */
#define SCRATCH_KEEP_MAX (64 * 1024)

/* ---- Text ----------------------------------------------------------------- */

/* The UTF-8 form of s[0..*n), a string in Duktape's encoding: s itself when
 * it holds no surrogate (the usual case), else a conversion in tmp. */
static const char *utf8_of(duk_context *ctx, k6c__buf *tmp, const char *s, size_t *n)
{
	if (*n == 0 || memchr(s, 0xED, *n) == NULL)
		return s;
	k6c__buf_clear(tmp);
	if (k6c__vm_to_utf8(s, *n, tmp) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	*n = tmp->len;
	return tmp->ptr;
}

/* Appends the UTF-8 form of the string s[0..n) to b. */
static void put_utf8(duk_context *ctx, k6c__buf *b, const char *s, size_t n)
{
	if (k6c__vm_to_utf8(s, n, b) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
}

static bool is_file(duk_context *ctx, duk_idx_t idx)
{
	bool yes;

	if (!duk_is_object(ctx, idx) || duk_is_buffer_data(ctx, idx))
		return false;
	yes = duk_get_prop_string(ctx, idx, FILE_MARK) && duk_to_boolean(ctx, -1);
	duk_pop(ctx);
	return yes;
}

/* ---- application/x-www-form-urlencoded ------------------------------------ */

/* Go's url.QueryEscape (which k6's form encoding uses) of the UTF-8 form of
 * the string s[0..n). */
static void query_escape(duk_context *ctx, k6c__vm *vm, k6c__buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	s = utf8_of(ctx, &vm->scratch, s, &n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~') {
			k6c__vm_put(ctx, b, &s[i], 1);
		} else if (c == ' ') {
			k6c__vm_put(ctx, b, "+", 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			k6c__vm_put(ctx, b, e, 3);
		}
	}
}

/* key=value with value at the stack top: null/undefined give "key=". */
static void form_pair(duk_context *ctx, k6c__vm *vm, k6c__buf *b, const char *key)
{
	const char *v;
	duk_size_t n;

	if (b->len > 0)
		k6c__vm_put(ctx, b, "&", 1);
	query_escape(ctx, vm, b, key, strlen(key));
	k6c__vm_put(ctx, b, "=", 1);
	if (duk_is_null_or_undefined(ctx, -1))
		return;
	if (duk_is_object(ctx, -1) && !duk_is_function(ctx, -1))
		return;   /* nested objects become "" */
	v = duk_to_lstring(ctx, -1, &n);
	query_escape(ctx, vm, b, v, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A plain object as application/x-www-form-urlencoded, keys sorted as Go's
 * url.Values.Encode does; arrays repeat the key. */
static void form_encode(duk_context *ctx, k6c__vm *vm, duk_idx_t obj, k6c__buf *b)
{
	size_t nkeys = 0;
	duk_idx_t e;

	k6c__buf_clear(b);
	duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
	e = duk_get_top_index(ctx);
	while (duk_next(ctx, e, 0)) {
		/* The key stays on the stack (under the enum's later keys), so
		 * the borrowed pointer lives until the request is done. */
		duk_require_stack(ctx, 2);
		k6c__vm_ptrs_reserve(ctx, vm, nkeys + 1);
		vm->ptrs[nkeys++] = duk_get_string(ctx, -1);
	}
	qsort(vm->ptrs, nkeys, sizeof(*vm->ptrs), cmp_str);
	for (size_t i = 0; i < nkeys; i++) {
		const char *key = vm->ptrs[i];

		duk_get_prop_string(ctx, obj, key);
		if (duk_is_array(ctx, -1)) {
			duk_size_t len = duk_get_length(ctx, -1);

			for (duk_size_t j = 0; j < len; j++) {
				duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
				form_pair(ctx, vm, b, key);
				duk_pop(ctx);
			}
		} else {
			form_pair(ctx, vm, b, key);
		}
		duk_pop(ctx);
	}
	k6c__vm_put(ctx, b, "", 0);
}

/* ---- multipart/form-data -------------------------------------------------- */

/* An object body is multipart when a value, or an element of an array
 * value, is a FileData. (k6 looks at the values only; files in an array
 * are an addition.) */
static bool has_file(duk_context *ctx, duk_idx_t obj)
{
	bool found = false;

	duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (!found && duk_next(ctx, -1, 1)) {
		if (duk_is_array(ctx, -1)) {
			duk_size_t len = duk_get_length(ctx, -1);

			for (duk_size_t j = 0; j < len && !found; j++) {
				duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
				found = is_file(ctx, -1);
				duk_pop(ctx);
			}
		} else {
			found = is_file(ctx, -1);
		}
		duk_pop_2(ctx);
	}
	duk_pop(ctx);
	return found;
}

/* A name or filename inside Content-Disposition's quotes: \ and " escaped
 * as Go's mime/multipart does, CR and LF percent-encoded as browsers do
 * (a raw line break would end the part's header). */
static void put_quoted(duk_context *ctx, k6c__vm *vm, k6c__buf *b, const char *s, size_t n)
{
	s = utf8_of(ctx, &vm->scratch, s, &n);
	k6c__vm_put(ctx, b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			k6c__vm_put(ctx, b, "\\", 1);
		if (s[i] == '\r')
			k6c__vm_put(ctx, b, "%0D", 3);
		else if (s[i] == '\n')
			k6c__vm_put(ctx, b, "%0A", 3);
		else
			k6c__vm_put(ctx, b, &s[i], 1);
	}
	k6c__vm_put(ctx, b, "\"", 1);
}

/* Appends the bytes of the value at idx: a string as UTF-8, buffer data as
 * it is, null/undefined and other objects as nothing, anything else as its
 * string form. */
static void put_value_bytes(duk_context *ctx, k6c__buf *b, duk_idx_t idx)
{
	const char *s;
	duk_size_t n;

	if (duk_is_buffer_data(ctx, idx)) {
		s = duk_get_buffer_data(ctx, idx, &n);
		k6c__vm_put(ctx, b, s, n);
		return;
	}
	if (duk_is_null_or_undefined(ctx, idx) ||
		(duk_is_object(ctx, idx) && !duk_is_function(ctx, idx)))
		return;
	duk_dup(ctx, idx);
	s = duk_to_lstring(ctx, -1, &n);
	put_utf8(ctx, b, s, n);
	duk_pop(ctx);
}

/* One part for the value at the stack top, named key. */
static void multipart_part(duk_context *ctx, k6c__vm *vm, k6c__buf *b, const char *boundary,
	const char *key, size_t keylen)
{
	static const char cd[] = "Content-Disposition: form-data; name=";

	if (b->len > 0)
		k6c__vm_put(ctx, b, "\r\n", 2);
	k6c__vm_put(ctx, b, "--", 2);
	k6c__vm_put(ctx, b, boundary, strlen(boundary));
	k6c__vm_put(ctx, b, "\r\n", 2);
	k6c__vm_put(ctx, b, cd, sizeof(cd) - 1);
	put_quoted(ctx, vm, b, key, keylen);
	if (is_file(ctx, -1)) {
		const char *s;
		duk_size_t n;

		/* The fields are read now, so a script may change them after
		 * http.file(); missing ones get http.file()'s defaults. */
		k6c__vm_put(ctx, b, "; filename=", 11);
		duk_get_prop_string(ctx, -1, "filename");
		if (duk_is_null_or_undefined(ctx, -1)) {
			put_quoted(ctx, vm, b, "", 0);
		} else {
			s = duk_to_lstring(ctx, -1, &n);
			put_quoted(ctx, vm, b, s, n);
		}
		duk_pop(ctx);
		k6c__vm_put(ctx, b, "\r\nContent-Type: ", 16);
		duk_get_prop_string(ctx, -1, "content_type");
		if (duk_is_null_or_undefined(ctx, -1)) {
			k6c__vm_put(ctx, b, "application/octet-stream", 24);
		} else {
			s = duk_to_lstring(ctx, -1, &n);
			s = utf8_of(ctx, &vm->scratch, s, &n);
			for (size_t i = 0; i < n; i++)
				if (s[i] != '\r' && s[i] != '\n')
					k6c__vm_put(ctx, b, &s[i], 1);
		}
		duk_pop(ctx);
		k6c__vm_put(ctx, b, "\r\n\r\n", 4);
		duk_get_prop_string(ctx, -1, "data");
		put_value_bytes(ctx, b, -1);
		duk_pop(ctx);
	} else {
		k6c__vm_put(ctx, b, "\r\n\r\n", 4);
		put_value_bytes(ctx, b, -1);
	}
}

/* 60 hex digits from 30 random bytes, as Go's multipart.Writer makes. */
static void random_boundary(k6c__vm *vm, char out[61])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[30];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, GRND_NONBLOCK);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(r)) {
		/* No entropy yet (early boot): a splitmix64 stream seeded from
		 * the clock and the VU is unique enough for a boundary. */
		uint64_t x = (uint64_t)k6c__wall_us() ^ ((uint64_t)(uintptr_t)vm << 16);

		for (size_t i = 0; i < sizeof(r); i++) {
			uint64_t z = (x += 0x9E3779B97F4A7C15ull);

			z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
			z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
			r[i] = (unsigned char)(z ^ (z >> 31));
		}
	}
	for (size_t i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[60] = '\0';
}

/* The object at obj as multipart/form-data in b, parts in the object's
 * key order (k6 uses Go's random map order); an array value gives one part
 * per element. */
static void multipart_encode(duk_context *ctx, k6c__vm *vm, duk_idx_t obj, k6c__buf *b,
	k6c__http_body *out)
{
	char boundary[61];

	random_boundary(vm, boundary);
	k6c__buf_clear(b);
	duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 1)) {
		duk_size_t keylen;
		const char *key = duk_get_lstring(ctx, -2, &keylen);

		if (duk_is_array(ctx, -1)) {
			duk_size_t len = duk_get_length(ctx, -1);

			for (duk_size_t j = 0; j < len; j++) {
				duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
				multipart_part(ctx, vm, b, boundary, key, keylen);
				duk_pop(ctx);
			}
		} else {
			multipart_part(ctx, vm, b, boundary, key, keylen);
		}
		duk_pop_2(ctx);
	}
	duk_pop(ctx);
	k6c__vm_put(ctx, b, "\r\n--", 4);
	k6c__vm_put(ctx, b, boundary, 60);
	k6c__vm_put(ctx, b, "--\r\n", 4);
	snprintf(out->content_type, sizeof(out->content_type), "multipart/form-data; boundary=%s",
		boundary);
}

/* ---- The body ---------------------------------------------------------------- */

void k6c__http_body_encode(duk_context *ctx, k6c__vm *vm, duk_idx_t idx, k6c__http_body *out)
{
	memset(out, 0, sizeof(*out));
	if (idx < 0 || duk_is_null_or_undefined(ctx, idx))
		return;
	if (duk_is_string(ctx, idx)) {
		duk_size_t n;
		const char *s = duk_get_lstring(ctx, idx, &n);
		size_t len = n;

		out->ptr = utf8_of(ctx, &vm->scratch2, s, &len);
		out->len = len;
	} else if (duk_is_buffer_data(ctx, idx)) {
		duk_size_t n;

		out->ptr = duk_get_buffer_data(ctx, idx, &n);
		out->len = n;
		if (out->ptr == NULL)
			out->ptr = "";
	} else if (duk_is_array(ctx, idx)) {
		out->error = "unknown request body type: an array (send a string, an ArrayBuffer "
			"or an object)";
	} else if (is_file(ctx, idx)) {
		out->error = "unknown request body type: a FileData (put http.file() values in an "
			"object to send multipart/form-data)";
	} else if (duk_is_object(ctx, idx) && !duk_is_function(ctx, idx)) {
		if (has_file(ctx, idx)) {
			multipart_encode(ctx, vm, idx, &vm->scratch2, out);
		} else {
			form_encode(ctx, vm, idx, &vm->scratch2);
			snprintf(out->content_type, sizeof(out->content_type),
				"application/x-www-form-urlencoded");
		}
		out->ptr = vm->scratch2.ptr;
		out->len = vm->scratch2.len;
	} else {
		out->error = duk_is_number(ctx, idx) ? "unknown request body type: a number" :
			duk_is_boolean(ctx, idx) ? "unknown request body type: a boolean" :
			duk_is_function(ctx, idx) ? "unknown request body type: a function" :
			"unknown request body type";
	}
}

/* ---- http.file() -------------------------------------------------------------- */

duk_ret_t k6c__http_js_file(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const void *src;
	duk_size_t n;
	void *dst;
	char stamp[32];

	/* k6's defaults: the time in nanoseconds as the file name, and
	 * application/octet-stream. */
	if (duk_is_string(ctx, 0)) {
		const char *s = duk_get_lstring(ctx, 0, &n);

		k6c__buf_clear(&vm->scratch2);
		put_utf8(ctx, &vm->scratch2, s, n);
		src = vm->scratch2.ptr;
		n = vm->scratch2.len;
	} else if (duk_is_buffer_data(ctx, 0)) {
		src = duk_get_buffer_data(ctx, 0, &n);
	} else {
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "http.file(): invalid data %s, expected a "
			"string or an ArrayBuffer", duk_is_undefined(ctx, 0) ? "undefined" :
			duk_is_null(ctx, 0) ? "null" : duk_is_array(ctx, 0) ? "(an array)" :
			duk_is_object(ctx, 0) ? "(an object)" : duk_to_string(ctx, 0));
	}
	duk_push_object(ctx);                                   /* 3 */
	dst = duk_push_fixed_buffer(ctx, n);
	if (n > 0)
		memcpy(dst, src, n);
	duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_ARRAYBUFFER);
	duk_remove(ctx, -2);
	duk_put_prop_string(ctx, 3, "data");
	if (vm->scratch2.cap > SCRATCH_KEEP_MAX)
		k6c__buf_free(&vm->scratch2);   /* a large string's copy */
	if (duk_is_null_or_undefined(ctx, 1)) {
		snprintf(stamp, sizeof(stamp), "%lld", (long long)k6c__wall_us() * 1000);
		duk_push_string(ctx, stamp);
	} else {
		duk_dup(ctx, 1);
		duk_to_string(ctx, -1);
	}
	duk_put_prop_string(ctx, 3, "filename");
	if (duk_is_null_or_undefined(ctx, 2)) {
		duk_push_string(ctx, "application/octet-stream");
	} else {
		duk_dup(ctx, 2);
		duk_to_string(ctx, -1);
	}
	duk_put_prop_string(ctx, 3, "content_type");
	duk_push_true(ctx);
	duk_put_prop_string(ctx, 3, FILE_MARK);
	return 1;
}
