/*
 * util.c - memory wrappers, growable buffers, whole-file reads, clocks and
 * the two hashes (FNV-1a for in-memory tables, SHA-256 for cache keys).
 *
 * Every allocation in libk6c goes through k6c__malloc and friends so that a
 * single allocator hook (and the out-of-memory test loop) can plug in here.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- memory ---------------------------------------------------------- */

void *k6c__malloc(size_t n)
{
	/* malloc(0) may return NULL, which callers would mistake for OOM. */
	return malloc(n ? n : 1);
}

void *k6c__calloc(size_t count, size_t n)
{
	if (count == 0 || n == 0)
		return calloc(1, 1);
	return calloc(count, n);
}

void *k6c__realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

void k6c__free(void *p)
{
	free(p);
}

char *k6c__strdup(const char *s)
{
	return k6c__strndup(s, strlen(s));
}

char *k6c__strndup(const char *s, size_t n)
{
	/* Copies exactly n bytes (which may include NULs), unlike strndup(3),
	 * so length-delimited keys and JSON strings survive intact. */
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = k6c__malloc(n + 1);
	if (p == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- buffers --------------------------------------------------------- */

int k6c__buf_reserve(k6c__buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	/* One byte more than asked for, for the terminating NUL. */
	if (extra > SIZE_MAX - b->len - 1)
		return k6c__error(K6C_ENOMEM, "buffer size overflow");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = k6c__realloc(b->ptr, cap);
	if (p == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int k6c__buf_put(k6c__buf *b, const void *data, size_t n)
{
	int rc = k6c__buf_reserve(b, n);

	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int k6c__buf_puts(k6c__buf *b, const char *s)
{
	return k6c__buf_put(b, s, strlen(s));
}

int k6c__buf_putc(k6c__buf *b, char c)
{
	return k6c__buf_put(b, &c, 1);
}

int k6c__buf_vprintf(k6c__buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t avail;
	int n, rc;

	/* Try in the space we have first; most messages fit. */
	rc = k6c__buf_reserve(b, 32);
	if (rc < 0)
		return rc;
	avail = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->ptr + b->len, avail, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return k6c__error(K6C_EINVAL, "invalid format string \"%s\"", fmt);
	}
	if ((size_t)n >= avail) {
		rc = k6c__buf_reserve(b, (size_t)n);
		if (rc < 0) {
			b->ptr[b->len] = '\0';
			return rc;
		}
		va_copy(ap2, ap);
		n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap2);
		va_end(ap2);
		if (n < 0) {
			b->ptr[b->len] = '\0';
			return k6c__error(K6C_EINVAL, "invalid format string \"%s\"", fmt);
		}
	}
	b->len += (size_t)n;
	return 0;
}

int k6c__buf_printf(k6c__buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = k6c__buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void k6c__buf_clear(k6c__buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void k6c__buf_free(k6c__buf *b)
{
	k6c__free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}

char *k6c__buf_detach(k6c__buf *b)
{
	char *p = b->ptr;

	/* Callers treat the result as an owned C string, so an empty buffer
	 * still yields an allocated "" (NULL only when even that fails). */
	if (p == NULL)
		p = k6c__strndup("", 0);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

/* ---- files ----------------------------------------------------------- */

int k6c__file_read(const char *path, k6c__buf *out)
{
	size_t start = out->len;
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return k6c__error(K6C_EIO, "cannot open \"%s\": %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		memset(&st, 0, sizeof(st));
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return k6c__error(K6C_EIO, "cannot read \"%s\": is a directory", path);
	}
	/* The size is only a hint: files in /proc report 0 and files may grow. */
	rc = k6c__buf_reserve(out, st.st_size > 0 ? (size_t)st.st_size : 4096);
	for (;;) {
		ssize_t n;

		if (rc < 0)
			break;
		if (out->cap - out->len < 4096 + 1 && (rc = k6c__buf_reserve(out, 4096)) < 0)
			break;
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = k6c__error(K6C_EIO, "cannot read \"%s\": %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	close(fd);
	if (rc < 0) {
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
		return rc;
	}
	out->ptr[out->len] = '\0';
	return 0;
}

/* ---- clocks ---------------------------------------------------------- */

uint64_t k6c__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t k6c__wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- hashes ---------------------------------------------------------- */

uint64_t k6c__hash64(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	/* The seed perturbs the offset basis, so seed 0 is exactly standard
	 * FNV-1a (testable against published vectors) and other seeds give
	 * different functions at no per-byte cost. */
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[i * 4] << 24 | (uint32_t)p[i * 4 + 1] << 16 |
		       (uint32_t)p[i * 4 + 2] << 8 | (uint32_t)p[i * 4 + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
		     sha256_k[i] + w[i];
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void k6c__sha256_hex(const void *data, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint32_t h[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	const unsigned char *p = data;
	unsigned char tail[128];
	uint64_t bits = (uint64_t)n * 8;
	size_t rest, tail_len, i;

	for (i = 0; i + 64 <= n; i += 64)
		sha256_block(h, p + i);
	/* Padding: 0x80, zeros, then the bit length big-endian, filling one or
	 * two final blocks. */
	rest = n - i;
	memset(tail, 0, sizeof(tail));
	if (rest)
		memcpy(tail, p + i, rest);
	tail[rest] = 0x80;
	tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[tail_len - 1 - i] = (unsigned char)(bits >> (i * 8));
	sha256_block(h, tail);
	if (tail_len == 128)
		sha256_block(h, tail + 64);
	for (i = 0; i < 8; i++) {
		int j;

		for (j = 0; j < 8; j++)
			out[i * 8 + (size_t)j] = hex[(h[i] >> (28 - 4 * j)) & 0xf];
	}
	out[64] = '\0';
}
