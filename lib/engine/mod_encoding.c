/*
 * mod_encoding.c - the `k6/encoding` module: b64encode and b64decode in
 * k6's four base64 variants (std, rawstd, url, rawurl), on strings (as
 * UTF-8, as k6 sees them) or bytes (ArrayBuffer, typed array, DataView).
 * Also the byte helpers k6/crypto shares (k6c__enc_bytes,
 * k6c__enc_push_arraybuffer).
 */
#include "engine/vm.h"

#include <string.h>

#include "util/base64.h"

const void *k6c__enc_bytes(duk_context *ctx, duk_idx_t idx, k6c__buf *tmp, const char *fn,
	const char *param, size_t *len)
{
	if (duk_is_string(ctx, idx)) {
		duk_size_t n;
		const char *s = duk_get_lstring(ctx, idx, &n);

		k6c__buf_clear(tmp);
		if (k6c__vm_to_utf8(s, n, tmp) != 0)
			(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		*len = tmp->len;
		return tmp->ptr != NULL ? tmp->ptr : "";
	}
	if (duk_is_buffer_data(ctx, idx)) {
		duk_size_t n = 0;
		const void *p = duk_get_buffer_data(ctx, idx, &n);

		*len = n;
		return p != NULL ? p : "";
	}
	(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: invalid type %s for %s, expected a string "
		"or an ArrayBuffer", fn, duk_is_null(ctx, idx) ? "null" :
		duk_is_array(ctx, idx) ? "array" : duk_is_undefined(ctx, idx) ? "undefined" :
		duk_is_number(ctx, idx) ? "number" : duk_is_boolean(ctx, idx) ? "boolean" :
		duk_is_function(ctx, idx) ? "function" : "object", param);
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

/* The length of the valid UTF-8 sequence at s[0..n), or 0 (Go's rules:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

/* [ ... ] -> [ ... string ]: UTF-8 bytes as a JavaScript string, as k6
 * turns Go strings into JavaScript ones: a character above U+FFFF becomes
 * a surrogate pair (Duktape's internal CESU-8 form), each byte that is not
 * part of a valid sequence becomes U+FFFD. */
static void push_utf8(duk_context *ctx, k6c__buf *tmp, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, start = 0;

	k6c__buf_clear(tmp);
	while (i < n) {
		size_t len = utf8_seq(s + i, n - i);

		if (len == 1 || len == 2 || len == 3) {
			i += len;
			continue;
		}
		k6c__vm_put(ctx, tmp, p + start, i - start);
		if (len == 4) {
			uint32_t cp = ((uint32_t)(s[i] & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
				((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
			uint32_t hs = 0xD800 + ((cp - 0x10000) >> 10), ls = 0xDC00 + (cp & 0x3FF);
			char enc[6] = {
				(char)(0xE0 | (hs >> 12)), (char)(0x80 | ((hs >> 6) & 0x3F)),
				(char)(0x80 | (hs & 0x3F)),
				(char)(0xE0 | (ls >> 12)), (char)(0x80 | ((ls >> 6) & 0x3F)),
				(char)(0x80 | (ls & 0x3F)),
			};

			k6c__vm_put(ctx, tmp, enc, sizeof(enc));
			i += 4;
		} else {
			k6c__vm_put(ctx, tmp, "\xEF\xBF\xBD", 3);
			i++;
		}
		start = i;
	}
	if (start == 0) {
		duk_push_lstring(ctx, p, n);
		return;
	}
	k6c__vm_put(ctx, tmp, p + start, n - start);
	duk_push_lstring(ctx, tmp->ptr, tmp->len);
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
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__b64 v = variant_arg(ctx, 1);
	size_t len;
	const void *in = k6c__enc_bytes(ctx, 0, &vm->scratch, "b64encode", "input", &len);

	k6c__buf_clear(&vm->scratch2);
	if (k6c__b64_encode(&vm->scratch2, in, len, v) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	duk_push_lstring(ctx, vm->scratch2.ptr, vm->scratch2.len);
	return 1;
}

/* b64decode(input, encoding = "std", format) -> ArrayBuffer, or a string
 * when format is "s". Bad input throws Go's error, as k6. */
static duk_ret_t js_b64decode(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__b64 v = variant_arg(ctx, 1);
	bool as_string = duk_is_string(ctx, 2) && strcmp(duk_get_string(ctx, 2), "s") == 0;
	size_t len, bad = 0;
	const void *in = k6c__enc_bytes(ctx, 0, &vm->scratch, "b64decode", "input", &len);
	int rc;

	k6c__buf_clear(&vm->scratch2);
	rc = k6c__b64_decode(&vm->scratch2, in, len, v, &bad);
	if (rc == K6C_EINVAL)
		return duk_error(ctx, DUK_ERR_ERROR, "illegal base64 data at input byte %lu",
			(unsigned long)bad);
	if (rc != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	if (as_string)
		push_utf8(ctx, &vm->scratch, vm->scratch2.ptr, vm->scratch2.len);
	else
		k6c__enc_push_arraybuffer(ctx, vm->scratch2.ptr, vm->scratch2.len);
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
