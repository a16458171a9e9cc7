/*
 * codec.c - content codings for k6/http: params.compression for request
 * bodies and the decoding of response bodies, for both transfer paths.
 *
 * k6 compresses a body with each coding of params.compression in turn and
 * names them in Content-Encoding in that order; it decodes a response by
 * walking Content-Encoding from the last coding to the first, skipping the
 * ones it does not know. Its "deflate" is the zlib format (Go's
 * compress/zlib); like curl we also accept a bare deflate stream under that
 * name, and like Go's gzip reader we read concatenated gzip members as one
 * body. Every library here allocates through k6c__malloc.
 */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_customMem: the allocator hook */
#include "http/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* At most this many codings are undone for one response (k6 has no limit,
 * but a longer chain is no real server's). */
#define MAX_STAGES 4
#define CHUNK 16384u

static const struct {
	const char *name;
	int coding;
} codings[] = {
	{ "gzip", K6C__CODING_GZIP },
	{ "deflate", K6C__CODING_DEFLATE },
	{ "zstd", K6C__CODING_ZSTD },
	{ "br", K6C__CODING_BR },
	{ "x-gzip", K6C__CODING_GZIP },
};

static const char *coding_name(int c)
{
	for (size_t i = 0; i < K6C__ARRAY_LEN(codings); i++)
		if (codings[i].coding == c)
			return codings[i].name;
	return "";
}

int k6c__coding_lookup(const char *name, size_t len)
{
	while (len > 0 && (*name == ' ' || *name == '\t')) {
		name++;
		len--;
	}
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t' || name[len - 1] == '\r' ||
			   name[len - 1] == '\n'))
		len--;
	if (len == 0)
		return K6C__CODING_NONE;
	for (size_t i = 0; i < K6C__ARRAY_LEN(codings); i++)
		if (strlen(codings[i].name) == len && strncasecmp(name, codings[i].name, len) == 0)
			return codings[i].coding;
	return -1;
}

const char *k6c__coding_names(void)
{
	return "[gzip deflate zstd br]";
}

/* ---- allocators ------------------------------------------------------ */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	K6C__UNUSED(opaque);
	if (size != 0 && items > (uInt)-1 / size)
		return Z_NULL;
	return k6c__malloc((size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p)
{
	K6C__UNUSED(opaque);
	k6c__free(p);
}

static void *mem_alloc(void *opaque, size_t n)
{
	K6C__UNUSED(opaque);
	return k6c__malloc(n);
}

static void mem_free(void *opaque, void *p)
{
	K6C__UNUSED(opaque);
	k6c__free(p);
}

static const ZSTD_customMem zstd_mem = { mem_alloc, mem_free, NULL };

/* ---- compression ------------------------------------------------------- */

/* The next name of a comma list at *p: its bounds, and *p moves past it.
 * false at the end. */
static bool next_item(const char **p, const char **name, size_t *len)
{
	const char *s = *p, *e;

	if (*s == '\0')
		return false;
	e = s + strcspn(s, ",");
	*name = s;
	*len = (size_t)(e - s);
	*p = *e == ',' ? e + 1 : e;
	return true;
}

int k6c__compress_check(const char *list, size_t *count)
{
	const char *p = list ? list : "", *name;
	size_t len, n = 0;

	/* k6 trims the whole value and ignores it when empty. */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*count = 0;
		return 0;
	}
	while (next_item(&p, &name, &len)) {
		int c = k6c__coding_lookup(name, len);

		if (c <= 0 || strncasecmp(name + strspn(name, " \t"), "x-gzip", 6) == 0) {
			while (len > 0 && (*name == ' ' || *name == '\t')) {
				name++;
				len--;
			}
			while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
				len--;
			return k6c__error(K6C_EINVAL,
				"unknown compression algorithm %.*s, supported algorithms are %s", (int)len,
				name, k6c__coding_names());
		}
		n++;
	}
	*count = n;
	return 0;
}

static int z_compress(int window_bits, const void *in, size_t n, k6c__buf *out)
{
	z_stream z;
	int zr;

	memset(&z, 0, sizeof(z));
	z.zalloc = z_alloc;
	z.zfree = z_free;
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return K6C_ENOMEM;
	if (k6c__buf_reserve(out, deflateBound(&z, (uLong)n) + 1) != 0) {
		deflateEnd(&z);
		return K6C_ENOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->ptr;
	z.avail_out = (uInt)(out->cap - 1);
	zr = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	out->ptr[out->len] = '\0';
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : K6C_ENOMEM;
}

static int br_compress(const void *in, size_t n, k6c__buf *out)
{
	size_t cap = BrotliEncoderMaxCompressedSize(n);
	size_t got;

	if (cap == 0)
		cap = n + 1024;
	if (k6c__buf_reserve(out, cap + 1) != 0)
		return K6C_ENOMEM;
	got = out->cap - 1;
	/* Go's brotli.NewWriter uses quality 6 (its default level). */
	if (!BrotliEncoderCompress(6, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, in, &got,
		(uint8_t *)out->ptr))
		return K6C_ENOMEM;
	out->len = got;
	out->ptr[got] = '\0';
	return 0;
}

static int zstd_compress(const void *in, size_t n, k6c__buf *out)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx_advanced(zstd_mem);
	size_t r;

	if (cc == NULL)
		return K6C_ENOMEM;
	if (k6c__buf_reserve(out, ZSTD_compressBound(n) + 1) != 0) {
		ZSTD_freeCCtx(cc);
		return K6C_ENOMEM;
	}
	r = ZSTD_compressCCtx(cc, out->ptr, out->cap - 1, in, n, ZSTD_CLEVEL_DEFAULT);
	ZSTD_freeCCtx(cc);
	if (ZSTD_isError(r))
		return K6C_ENOMEM;
	out->len = r;
	out->ptr[r] = '\0';
	return 0;
}

int k6c__compress(const char *list, const void *in, size_t n, k6c__buf *out, k6c__buf *encoding)
{
	k6c__buf tmp = K6C__BUF_INIT;
	const char *p = list ? list : "", *name;
	size_t len, count;
	bool first = true;
	int rc;

	k6c__buf_clear(out);
	k6c__buf_clear(encoding);
	if ((rc = k6c__compress_check(list, &count)) != 0)
		return rc;
	if (k6c__buf_put(out, in, n) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory compressing a request body");
	while (count > 0 && next_item(&p, &name, &len)) {
		int c = k6c__coding_lookup(name, len);
		k6c__buf swap;

		k6c__buf_clear(&tmp);
		switch (c) {
		case K6C__CODING_GZIP: rc = z_compress(15 + 16, out->ptr, out->len, &tmp); break;
		case K6C__CODING_DEFLATE: rc = z_compress(15, out->ptr, out->len, &tmp); break;
		case K6C__CODING_BR: rc = br_compress(out->ptr, out->len, &tmp); break;
		default: rc = zstd_compress(out->ptr, out->len, &tmp); break;
		}
		if (rc == 0 && ((!first && k6c__buf_puts(encoding, ", ") != 0) ||
				k6c__buf_puts(encoding, coding_name(c)) != 0))
			rc = K6C_ENOMEM;
		if (rc != 0) {
			k6c__buf_free(&tmp);
			return k6c__error(K6C_ENOMEM, "out of memory compressing a request body");
		}
		swap = *out;
		*out = tmp;
		tmp = swap;
		first = false;
	}
	k6c__buf_free(&tmp);
	return 0;
}

/* ---- decoding ---------------------------------------------------------- */

typedef struct stage {
	int coding;
	bool done;          /* the stream ended: later input is ignored */
	bool started;       /* some input arrived */
	bool raw;           /* deflate retried as a bare stream */
	bool zinit;
	z_stream z;
	BrotliDecoderState *br;
	ZSTD_DStream *zs;
	size_t zs_hint;     /* the last ZSTD_decompressStream result: 0 between frames */
	k6c__buf out;       /* what this stage hands to the next */
} stage;

struct k6c__decoder {
	stage st[MAX_STAGES];
	int n;
	char err[160];
};

static int fail(k6c__decoder *d, const stage *s, const char *what)
{
	snprintf(d->err, sizeof(d->err), "%s: %s", coding_name(s->coding), what);
	return -2;
}

static int stage_init(stage *s, int coding)
{
	s->coding = coding;
	s->done = s->started = s->raw = false;
	s->zs_hint = 0;
	k6c__buf_clear(&s->out);
	switch (coding) {
	case K6C__CODING_GZIP:
	case K6C__CODING_DEFLATE:
		if (s->zinit)
			return inflateReset2(&s->z, 15 + 32) == Z_OK ? 0 : -1;
		memset(&s->z, 0, sizeof(s->z));
		s->z.zalloc = z_alloc;
		s->z.zfree = z_free;
		if (inflateInit2(&s->z, 15 + 32) != Z_OK)
			return -1;
		s->zinit = true;
		return 0;
	case K6C__CODING_BR:
		if (s->br)
			BrotliDecoderDestroyInstance(s->br);
		s->br = BrotliDecoderCreateInstance(mem_alloc, mem_free, NULL);
		return s->br ? 0 : -1;
	default:
		if (s->zs == NULL && (s->zs = ZSTD_createDStream_advanced(zstd_mem)) == NULL)
			return -1;
		return ZSTD_isError(ZSTD_DCtx_reset(s->zs, ZSTD_reset_session_only)) ? -1 : 0;
	}
}

static void stage_free(stage *s)
{
	if (s->zinit)
		inflateEnd(&s->z);
	if (s->br)
		BrotliDecoderDestroyInstance(s->br);
	if (s->zs)
		ZSTD_freeDStream(s->zs);
	k6c__buf_free(&s->out);
	memset(s, 0, sizeof(*s));
}

int k6c__decoder_reset(k6c__decoder **dec, const char *value, size_t len)
{
	k6c__decoder *d = *dec;
	int list[MAX_STAGES], n = 0;
	const char *p = value, *end = value + len;

	/* The codings to undo, last first. */
	while (p < end) {
		const char *e = memchr(p, ',', (size_t)(end - p));
		const char *ie = e ? e : end;
		int c = k6c__coding_lookup(p, (size_t)(ie - p));

		if (c > 0) {
			if (n == MAX_STAGES)
				memmove(list, list + 1, sizeof(list) - sizeof(list[0])), n--;
			list[n++] = c;
		}
		p = e ? e + 1 : end;
	}
	if (d)
		d->n = 0;
	if (n == 0)
		return 0;
	if (d == NULL) {
		d = k6c__calloc(1, sizeof(*d));
		if (d == NULL)
			return K6C_ENOMEM;
		*dec = d;
	}
	d->err[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (stage_init(&d->st[i], list[n - 1 - i]) != 0)
			return K6C_ENOMEM;
	}
	d->n = n;
	return 1;
}

/* Runs one stage over p[0..n), appending to dst. */
static int stage_write(k6c__decoder *d, stage *s, const unsigned char *p, size_t n, k6c__buf *dst)
{
	if (s->done || n == 0)
		return 0;
	s->started = true;
	if (s->coding == K6C__CODING_GZIP || s->coding == K6C__CODING_DEFLATE) {
		s->z.next_in = (Bytef *)(uintptr_t)p;
		s->z.avail_in = (uInt)n;
		while (s->z.avail_in > 0) {
			size_t room;
			int zr;

			if (k6c__buf_reserve(dst, n * 4 > CHUNK ? n * 4 : CHUNK) != 0)
				return -1;
			room = dst->cap - dst->len - 1;
			s->z.next_out = (Bytef *)dst->ptr + dst->len;
			s->z.avail_out = (uInt)room;
			zr = inflate(&s->z, Z_NO_FLUSH);
			dst->len += room - s->z.avail_out;
			dst->ptr[dst->len] = '\0';
			if (zr == Z_STREAM_END) {
				/* Another gzip member follows: read it too, as Go. */
				if (s->coding == K6C__CODING_GZIP && s->z.avail_in >= 2 &&
				    s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b) {
					if (inflateReset2(&s->z, 15 + 32) != Z_OK)
						return -1;
					continue;
				}
				s->done = true;
				break;
			}
			if (zr == Z_DATA_ERROR && s->coding == K6C__CODING_DEFLATE && !s->raw &&
			    s->z.total_out == 0 && s->z.total_in <= n) {
				/* "deflate" without its zlib wrapper, as curl
				 * accepts it: start over as a bare stream. */
				if (inflateReset2(&s->z, -15) != Z_OK)
					return -1;
				s->raw = true;
				s->z.next_in = (Bytef *)(uintptr_t)p;
				s->z.avail_in = (uInt)n;
				continue;
			}
			if (zr == Z_MEM_ERROR)
				return -1;
			if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT) {
				const char *m = s->z.msg ? s->z.msg : "invalid data";

				if (strstr(m, "header"))
					return fail(d, s, "invalid header");
				if (strstr(m, "check"))
					return fail(d, s, "invalid checksum");
				return fail(d, s, m);
			}
			if (zr == Z_BUF_ERROR && s->z.avail_out != 0)
				break;
		}
		return 0;
	}
	if (s->coding == K6C__CODING_BR) {
		const uint8_t *in = p;
		size_t avail_in = n;

		for (;;) {
			size_t room, avail_out;
			uint8_t *out;
			BrotliDecoderResult r;

			if (k6c__buf_reserve(dst, n * 4 > CHUNK ? n * 4 : CHUNK) != 0)
				return -1;
			room = avail_out = dst->cap - dst->len - 1;
			out = (uint8_t *)dst->ptr + dst->len;
			r = BrotliDecoderDecompressStream(s->br, &avail_in, &in, &avail_out, &out, NULL);
			dst->len += room - avail_out;
			dst->ptr[dst->len] = '\0';
			if (r == BROTLI_DECODER_RESULT_SUCCESS) {
				s->done = true;
				return 0;
			}
			if (r == BROTLI_DECODER_RESULT_ERROR) {
				BrotliDecoderErrorCode e = BrotliDecoderGetErrorCode(s->br);

				if (e == BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES ||
				    e == BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS ||
				    e == BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP ||
				    e == BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1 ||
				    e == BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2 ||
				    e == BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES)
					return -1;
				return fail(d, s, "corrupted input");
			}
			if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
				return 0;
			/* NEEDS_MORE_OUTPUT: go round with more room. */
		}
	}
	{
		ZSTD_inBuffer in = { p, n, 0 };

		while (in.pos < in.size) {
			ZSTD_outBuffer out;
			size_t r;

			if (k6c__buf_reserve(dst, n * 4 > CHUNK ? n * 4 : CHUNK) != 0)
				return -1;
			out.dst = dst->ptr + dst->len;
			out.size = dst->cap - dst->len - 1;
			out.pos = 0;
			r = ZSTD_decompressStream(s->zs, &out, &in);
			dst->len += out.pos;
			dst->ptr[dst->len] = '\0';
			if (ZSTD_isError(r)) {
				if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
					return -1;
				return fail(d, s, ZSTD_getErrorName(r));
			}
			s->zs_hint = r;
		}
		return 0;
	}
}

int k6c__decoder_write(k6c__decoder *d, const void *p, size_t n, k6c__buf *out)
{
	const unsigned char *in = p;
	size_t len = n;

	for (int i = 0; i < d->n; i++) {
		stage *s = &d->st[i];
		k6c__buf *dst = i + 1 < d->n ? &s->out : out;
		int rc;

		if (i + 1 < d->n)
			k6c__buf_clear(&s->out);
		rc = stage_write(d, s, in, len, dst);
		if (rc != 0)
			return rc;
		if (i + 1 < d->n) {
			in = (const unsigned char *)s->out.ptr;
			len = s->out.len;
		}
	}
	return 0;
}

int k6c__decoder_finish(k6c__decoder *d)
{
	for (int i = 0; i < d->n; i++) {
		const stage *s = &d->st[i];
		bool ended = s->coding == K6C__CODING_ZSTD ? s->zs_hint == 0 : s->done;

		/* An empty body decodes to an empty body, as in Go it does not
		 * (it says EOF), but curl lets it through and so do we. */
		if (s->started && !ended) {
			snprintf(d->err, sizeof(d->err), "unexpected EOF");
			return -2;
		}
	}
	return 0;
}

const char *k6c__decoder_error(const k6c__decoder *d)
{
	return d && d->err[0] ? d->err : "invalid data";
}

void k6c__decoder_free(k6c__decoder *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < MAX_STAGES; i++)
		stage_free(&d->st[i]);
	k6c__free(d);
}
