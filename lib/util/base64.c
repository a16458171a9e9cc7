/*
 * base64.c - RFC 4648 base64, standard and URL alphabets, padded or not,
 * decoding with the rules of Go's encoding/base64 (see base64.h).
 */
#include "util/base64.h"

#include <stdbool.h>
#include <string.h>

static const char alpha_std[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char alpha_url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int k6c__b64_variant(const char *name)
{
	static const char *const names[] = { "std", "rawstd", "url", "rawurl" };

	for (size_t i = 0; i < K6C__ARRAY_LEN(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static bool is_url(k6c__b64 v)
{
	return v == K6C__B64_URL || v == K6C__B64_RAWURL;
}

static bool is_padded(k6c__b64 v)
{
	return v == K6C__B64_STD || v == K6C__B64_URL;
}

size_t k6c__b64_encoded_len(size_t n, k6c__b64 variant)
{
	if (is_padded(variant))
		return (n + 2) / 3 * 4;
	return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

void k6c__b64_encode_raw(char *o, const void *data, size_t n, k6c__b64 variant)
{
	const unsigned char *p = data;
	const char *a = is_url(variant) ? alpha_url : alpha_std;
	size_t full = n / 3, rest = n % 3;

	for (size_t i = 0; i < full; i++, p += 3) {
		uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		*o++ = a[(v >> 6) & 63];
		*o++ = a[v & 63];
	}
	if (rest > 0) {
		uint32_t v = (uint32_t)p[0] << 16 | (rest == 2 ? (uint32_t)p[1] << 8 : 0);

		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		if (rest == 2)
			*o++ = a[(v >> 6) & 63];
		if (is_padded(variant)) {
			if (rest == 1)
				*o++ = '=';
			*o = '=';
		}
	}
}

int k6c__b64_encode(k6c__buf *out, const void *data, size_t n, k6c__b64 variant)
{
	size_t len;

	if (n > SIZE_MAX / 2 || k6c__buf_reserve(out, len = k6c__b64_encoded_len(n, variant)) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	k6c__b64_encode_raw(out->ptr + out->len, data, n, variant);
	out->len += len;
	out->ptr[out->len] = '\0';
	return 0;
}

/* The 6-bit value of c in the alphabet, or -1. */
static int sextet(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

static size_t skip_newlines(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

size_t k6c__b64_decoded_max(size_t n)
{
	return n / 4 * 3 + 3;
}

int k6c__b64_decode_raw(char *out, const char *src, size_t n, k6c__b64 variant, size_t *out_len,
	size_t *bad_at)
{
	bool url = is_url(variant), pad = is_padded(variant);
	size_t si = 0;
	char *o = out;
	int rc = 0;

	/* One quantum of up to 4 characters per pass, as Go decodes. */
	while (si < n) {
		unsigned char q[4] = { 0, 0, 0, 0 };
		int j, have = 4;
		bool trailing = false;

		for (j = 0; j < 4; j++) {
			unsigned char c;
			int v;

			if (si == n) {
				if (j == 0)
					goto done;
				if (j == 1 || pad) {
					*bad_at = si - (size_t)j;
					rc = K6C_EINVAL;
					goto done;
				}
				have = j;
				break;
			}
			c = (unsigned char)src[si++];
			v = sextet(c, url);
			if (v >= 0) {
				q[j] = (unsigned char)v;
				continue;
			}
			if (c == '\n' || c == '\r') {
				j--;
				continue;
			}
			if (!pad || c != '=' || j < 2) {
				*bad_at = si - 1;
				rc = K6C_EINVAL;
				goto done;
			}
			/* Padding: "==" after two characters, "=" after three,
			 * then only line breaks may follow. */
			if (j == 2) {
				si = skip_newlines(src, si, n);
				if (si == n) {
					*bad_at = n;
					rc = K6C_EINVAL;
					goto done;
				}
				if (src[si] != '=') {
					*bad_at = si - 1;
					rc = K6C_EINVAL;
					goto done;
				}
				si++;
			}
			si = skip_newlines(src, si, n);
			if (si < n) {
				*bad_at = si;
				trailing = true;
			}
			have = j;
			break;
		}
		{
			uint32_t v = (uint32_t)q[0] << 18 | (uint32_t)q[1] << 12 |
				(uint32_t)q[2] << 6 | q[3];

			*o++ = (char)(v >> 16);
			if (have >= 3)
				*o++ = (char)(v >> 8);
			if (have == 4)
				*o++ = (char)v;
		}
		if (trailing) {
			rc = K6C_EINVAL;
			break;
		}
	}
done:
	*out_len = (size_t)(o - out);
	return rc;
}

int k6c__b64_decode(k6c__buf *out, const char *src, size_t n, k6c__b64 variant, size_t *bad_at)
{
	size_t len = 0;
	int rc;

	if (k6c__buf_reserve(out, k6c__b64_decoded_max(n)) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	rc = k6c__b64_decode_raw(out->ptr + out->len, src, n, variant, &len, bad_at);
	out->len += len;
	out->ptr[out->len] = '\0';
	return rc;
}
