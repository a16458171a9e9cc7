/*
 * codec.h - HTTP content codings as k6 handles them: compressing request
 * bodies for params.compression, and decoding response bodies on the fly
 * (both the curl path and the plain-http fast path feed their body bytes
 * through one decoder). The codings are k6's: gzip, deflate (the zlib
 * format, as Go's compress/zlib), br and zstd; "x-gzip" decodes as gzip.
 * Plain C over zlib, libbrotlienc/libbrotlidec and libzstd; no curl here.
 */
#ifndef K6C_HTTP_CODEC_H
#define K6C_HTTP_CODEC_H

#include "util/util.h"

/* The codings, in k6's order (its CompressionTypeValues). */
enum {
	K6C__CODING_NONE = 0,
	K6C__CODING_GZIP,
	K6C__CODING_DEFLATE,
	K6C__CODING_ZSTD,
	K6C__CODING_BR,
};

/* The coding named by name[0..len) (case-insensitive, surrounding spaces
 * ignored): one of K6C__CODING_*, or -1 if unknown. "x-gzip" is gzip; an
 * empty name is K6C__CODING_NONE. */
int k6c__coding_lookup(const char *name, size_t len);

/* k6's list of the codings params.compression accepts, for messages:
 * "[gzip deflate zstd br]". */
const char *k6c__coding_names(void);

/* Checks a params.compression value ("gzip", "gzip, br", ...). Returns 0
 * (*count set to the number of codings; 0 for an empty value) or
 * K6C_EINVAL with k6's message naming the first unknown one in the thread's
 * last error. */
int k6c__compress_check(const char *list, size_t *count);

/* Compresses in[0..n) with each coding of list in turn (k6 applies them left
 * to right) into out (cleared first), and writes the Content-Encoding value
 * ("gzip, br") into encoding (cleared first). Return 0, K6C_EINVAL (an
 * unknown coding, see k6c__compress_check) or K6C_ENOMEM. */
int k6c__compress(const char *list, const void *in, size_t n, k6c__buf *out, k6c__buf *encoding);

/* A streaming decoder for a Content-Encoding header value. */
typedef struct k6c__decoder k6c__decoder;

/* Sets up (or resets, reusing *dec's memory) a decoder for the header value
 * value[0..len). Codings are undone last first, as k6 does; unknown ones
 * are skipped, as k6 does. Returns 1 when there is something to decode, 0
 * when not (no supported coding), or K6C_ENOMEM. *dec may be NULL at first;
 * free it with k6c__decoder_free. */
int k6c__decoder_reset(k6c__decoder **dec, const char *value, size_t len);

/* Decodes p[0..n), appending the result to out. Return 0, -1 (out of
 * memory) or -2 (bad data: see k6c__decoder_error). Input after the end of
 * the (outermost) stream is ignored, as curl does. */
int k6c__decoder_write(k6c__decoder *d, const void *p, size_t n, k6c__buf *out);

/* After the last byte: 0 when every stream ended, -2 when the body was cut
 * short ("unexpected EOF"). */
int k6c__decoder_finish(k6c__decoder *d);

/* What went wrong, as k6 words it inside "error decompressing response
 * body (...)", e.g. "gzip: invalid header". */
const char *k6c__decoder_error(const k6c__decoder *d);

void k6c__decoder_free(k6c__decoder *d);

#endif /* K6C_HTTP_CODEC_H */
