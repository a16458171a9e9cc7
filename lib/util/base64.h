/*
 * base64.h - RFC 4648 base64 in the four variants k6 scripts name: "std"
 * (padded, + and /), "rawstd" (unpadded), "url" (padded, - and _) and
 * "rawurl" (unpadded). Decoding follows Go's encoding/base64 (what k6 uses),
 * so scripts see the same results and the same error offsets.
 */
#ifndef K6C_UTIL_BASE64_H
#define K6C_UTIL_BASE64_H

#include <stddef.h>

#include "util/util.h"

typedef enum k6c__b64 {
	K6C__B64_STD,
	K6C__B64_RAWSTD,
	K6C__B64_URL,
	K6C__B64_RAWURL,
} k6c__b64;

/* The variant named by name ("std", "rawstd", "url", "rawurl"), or -1. */
int k6c__b64_variant(const char *name);

/* Characters of the encoding of n bytes (no NUL). */
size_t k6c__b64_encoded_len(size_t n, k6c__b64 variant);
/* Writes the encoding of data[0..n) to out, which has room for
 * k6c__b64_encoded_len(n, variant) characters (no NUL is written). */
void k6c__b64_encode_raw(char *out, const void *data, size_t n, k6c__b64 variant);
/* Appends the encoding of data[0..n) to out. Return 0 or K6C_ENOMEM. */
int k6c__b64_encode(k6c__buf *out, const void *data, size_t n, k6c__b64 variant);

/* Most bytes n characters decode to: the room k6c__b64_decode_raw needs. */
size_t k6c__b64_decoded_max(size_t n);

/* Appends the bytes src[0..n) encode to out. As Go's decoder: CR and LF are
 * skipped anywhere, the padded variants require the padding, the unpadded
 * ones refuse '=', unused trailing bits need not be zero. On bad input
 * returns K6C_EINVAL with *bad_at set to the offset Go reports ("illegal
 * base64 data at input byte N"); out may then hold part of the bytes.
 * Return 0, K6C_EINVAL or K6C_ENOMEM (no error message is recorded for
 * K6C_EINVAL: the caller words it). */
int k6c__b64_decode(k6c__buf *out, const char *src, size_t n, k6c__b64 variant, size_t *bad_at);
/* The same into out (room for k6c__b64_decoded_max(n) bytes; no NUL), the
 * number of bytes in *out_len. Return 0 or K6C_EINVAL (*bad_at set). */
int k6c__b64_decode_raw(char *out, const char *src, size_t n, k6c__b64 variant, size_t *out_len,
	size_t *bad_at);

#endif /* K6C_UTIL_BASE64_H */
