/*
 * mod_encoding.c - the `k6/encoding` module: b64encode and b64decode in
 * k6's four base64 variants (std, rawstd, url, rawurl), on strings (as
 * UTF-8, as k6 sees them) or bytes (ArrayBuffer, typed array, DataView).
 * Also the byte helpers k6/crypto shares (k6c__enc_bytes,
 * k6c__enc_push_arraybuffer). Temporary bytes live in Duktape buffers on
 * the value stack, never in the VM's scratch buffers: script code that a
 * native caller runs (a toString() while k6/http builds a body in them)
 * may call these functions.
 */
#include "engine/vm.h"

#include <stdint.h>
#include <string.h>

#include "util/base64.h"

/* Duktape's strings are CESU-8: a character above U+FFFF is two 3-byte
 * surrogates (ED A0..AF xx ED B0..BF xx). Writes s[0..n) as UTF-8 to out
 * (never longer than the input) and returns its length. A lone surrogate
 * becomes U+FFFD, as Go converts a JavaScript string (k6c__vm_to_utf8 does
 * the same into a k6c__buf). */
static size_t cesu_to_utf8(char *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < n) {
		if (i + 6 <= n && u[i] == 0xED && (u[i + 1] & 0xF0) == 0xA0 && u[i + 3] == 0xED &&
			(u[i + 4] & 0xF0) == 0xB0) {
			uint32_t hi = ((uint32_t)(u[i + 1] & 0x0F) << 6) | (u[i + 2] & 0x3F);
			uint32_t lo = ((uint32_t)(u[i + 4] & 0x0F) << 6) | (u[i + 5] & 0x3F);
			uint32_t cp = 0x10000 + (hi << 10) + lo;

			out[o++] = (char)(0xF0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
			i += 6;
		} else if (i + 3 <= n && u[i] == 0xED && (u[i + 1] & 0xE0) == 0xA0) {
			out[o++] = (char)0xEF;
			out[o++] = (char)0xBF;
			out[o++] = (char)0xBD;
			i += 3;
		} else {
			out[o++] = s[i++];
		}
	}
	return o;
}

const void *k6c__enc_bytes(duk_context *ctx, duk_idx_t idx, const char *fn, const char *param,
	size_t *len)
{
	if (duk_is_string(ctx, idx) && !duk_is_symbol(ctx, idx)) {
		duk_size_t n;
		const char *s = duk_get_lstring(ctx, idx, &n);
		char *out;

		*len = n;
		/* Without a surrogate the bytes are UTF-8 already. */
		if (memchr(s, 0xED, n) == NULL)
			return s;
		out = duk_push_fixed_buffer(ctx, n);
		*len = cesu_to_utf8(out, s, n);
		return out;
	}
	if (duk_is_buffer_data(ctx, idx)) {
		duk_size_t n = 0;
		const void *p = duk_get_buffer_data(ctx, idx, &n);

		*len = n;
		return p != NULL ? p : "";
	}
	(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: invalid type %s for %s, expected a string "
		"or an ArrayBuffer", fn, duk_is_null(ctx, idx) ? "null" :
		duk_is_undefined(ctx, idx) ? "undefined" : duk_is_number(ctx, idx) ? "number" :
		duk_is_boolean(ctx, idx) ? "boolean" : duk_is_symbol(ctx, idx) ? "symbol" :
		duk_is_array(ctx, idx) ? "array" : duk_is_function(ctx, idx) ? "function" : "object",
		param);
	return NULL;
}

void k6c__enc_push_arraybuffer(duk_context *ctx, const void *p, size_t n)
{
	void *b = duk_push_fixed_buffer(ctx, n);

	if (n > 0)
		memcpy(b, p, n);
	duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_ARRAYBUFFER);
	duk_remove(ctx, -2);
}

/* The variant argument at idx: k6 falls back to "std" for anything it does
 * not know, so does this. */
static k6c__b64 variant_arg(duk_context *ctx, duk_idx_t idx)
{
	int v;

	if (duk_is_undefined(ctx, idx))
		return K6C__B64_STD;
	v = k6c__b64_variant(duk_to_string(ctx, idx));
	return v < 0 ? K6C__B64_STD : (k6c__b64)v;
}

/* b64encode(input, encoding = "std") -> string */
static duk_ret_t js_b64encode(duk_context *ctx)
{
	k6c__b64 v = variant_arg(ctx, 1);
	size_t len;
	const void *in = k6c__enc_bytes(ctx, 0, "b64encode", "input", &len);
	char *out;

	if (len > (size_t)0x7fffffff)
		return duk_error(ctx, DUK_ERR_RANGE_ERROR, "b64encode: input too large");
	out = duk_push_fixed_buffer(ctx, k6c__b64_encoded_len(len, v));
	k6c__b64_encode_raw(out, in, len, v);
	duk_buffer_to_string(ctx, -1);
	return 1;
}

/* b64decode(input, encoding = "std", format) -> ArrayBuffer, or a string
 * when format is "s". Bad input throws Go's error, as k6. */
static duk_ret_t js_b64decode(duk_context *ctx)
{
	k6c__b64 v = variant_arg(ctx, 1);
	bool as_string = duk_is_string(ctx, 2) && strcmp(duk_get_string(ctx, 2), "s") == 0;
	size_t len, n = 0, bad = 0;
	const char *in = k6c__enc_bytes(ctx, 0, "b64decode", "input", &len);
	char *out = duk_push_fixed_buffer(ctx, k6c__b64_decoded_max(len));
	duk_idx_t buf = duk_get_top_index(ctx);

	if (k6c__b64_decode_raw(out, in, len, v, &n, &bad) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "illegal base64 data at input byte %lu",
			(unsigned long)bad);
	if (as_string)
		k6c__vm_push_text(ctx, out, n);
	else
		duk_push_buffer_object(ctx, buf, 0, n, DUK_BUFOBJ_ARRAYBUFFER);
	return 1;
}

void k6c__mod_encoding_push(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "b64encode", js_b64encode, 2, 0 },
		{ "b64decode", js_b64decode, 3, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
}
