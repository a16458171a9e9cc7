/*
 * util.h - plain-libc helpers every layer uses: memory, growable buffers,
 * the thread-local last error, clocks, a string-keyed hash map and an
 * intrusive MPSC list. Nothing here depends on any other libk6c layer.
 */
#ifndef K6C_UTIL_H
#define K6C_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "k6c/errors.h"

#define K6C__UNUSED(x) ((void)(x))
#define K6C__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define K6C__PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Memory. These are the one place a future allocator hook plugs in. */
void *k6c__malloc(size_t n);
void *k6c__calloc(size_t count, size_t n);
void *k6c__realloc(void *p, size_t n);
void k6c__free(void *p);
char *k6c__strdup(const char *s);
char *k6c__strndup(const char *s, size_t n);

/* Records code and message as the calling thread's last error (see
 * k6c_error_last()) and returns code, so callers can `return k6c__error(...)`. */
int k6c__error(int code, const char *fmt, ...) K6C__PRINTF(2, 3);

/* A growable byte buffer; always NUL-terminated after a successful put. The
 * zero value (K6C__BUF_INIT) is an empty buffer. */
typedef struct k6c__buf {
	char *ptr;
	size_t len;
	size_t cap;
} k6c__buf;
#define K6C__BUF_INIT { NULL, 0, 0 }

int k6c__buf_reserve(k6c__buf *b, size_t extra);            /* 0 or K6C_ENOMEM */
int k6c__buf_put(k6c__buf *b, const void *data, size_t n);
int k6c__buf_puts(k6c__buf *b, const char *s);
int k6c__buf_putc(k6c__buf *b, char c);
int k6c__buf_printf(k6c__buf *b, const char *fmt, ...) K6C__PRINTF(2, 3);
int k6c__buf_vprintf(k6c__buf *b, const char *fmt, va_list ap);
void k6c__buf_clear(k6c__buf *b);                            /* len = 0, keeps memory */
void k6c__buf_free(k6c__buf *b);
char *k6c__buf_detach(k6c__buf *b);  /* returns the NUL-terminated string (never NULL); b is empty after */

/* Reads a whole file. Return: 0, K6C_EIO (message names the path), K6C_ENOMEM. */
int k6c__file_read(const char *path, k6c__buf *out);

/* Clocks. Monotonic nanoseconds for durations; wall-clock microseconds since
 * the Unix epoch for sample time stamps. */
uint64_t k6c__now_ns(void);
int64_t k6c__wall_us(void);

/* Parses a k6 duration: Go-style "1h2m3.5s", "500ms", "10us", "1d", or a bare
 * number (or numeric string), which means milliseconds as in k6. Writes
 * milliseconds. Return: 0 or K6C_EINVAL (message quotes the text). */
int k6c__duration_parse(const char *text, double *out_ms);

/* Formats milliseconds the way k6 prints durations in its summary header
 * ("1m30s", "10m0s", "500ms"). */
int k6c__duration_format(k6c__buf *out, double ms);

/* A string-keyed open-addressing hash map; keys are copied, values borrowed. */
typedef struct k6c__map k6c__map;
int k6c__map_new(k6c__map **out);
void k6c__map_free(k6c__map *m, void (*free_value)(void *value));
int k6c__map_set(k6c__map *m, const char *key, size_t keylen, void *value);  /* replaces */
void *k6c__map_get(const k6c__map *m, const char *key, size_t keylen);     /* NULL if absent */
size_t k6c__map_count(const k6c__map *m);
/* Iteration: start with *pos = 0; returns false at the end. Order is unspecified. */
bool k6c__map_next(const k6c__map *m, size_t *pos, const char **key, size_t *keylen, void **value);

/* 64-bit FNV-1a; used for tag-set interning and cache keys. */
uint64_t k6c__hash64(const void *data, size_t n, uint64_t seed);

/* The value of a hexadecimal digit (either case), or -1. */
static inline int k6c__hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* SHA-256 of a buffer as 64 lowercase hex characters plus NUL (cache keys). */
void k6c__sha256_hex(const void *data, size_t n, char out[65]);

#endif /* K6C_UTIL_H */
