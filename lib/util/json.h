/*
 * json.h - a small JSON DOM parser and writer helpers (RFC 8259), used for
 * options, the summary document and the transpile cache index.
 */
#ifndef K6C_UTIL_JSON_H
#define K6C_UTIL_JSON_H

#include "util.h"

typedef enum k6c__json_type {
	K6C__JSON_NULL,
	K6C__JSON_BOOL,
	K6C__JSON_NUMBER,
	K6C__JSON_STRING,
	K6C__JSON_ARRAY,
	K6C__JSON_OBJECT
} k6c__json_type;

typedef struct k6c__json k6c__json;
struct k6c__json {
	k6c__json_type type;
	bool boolean;
	double number;
	char *string;        /* STRING: NUL-terminated (may hold embedded NULs; see len) */
	size_t len;          /* STRING: byte length; ARRAY/OBJECT: number of items */
	k6c__json **items;   /* ARRAY/OBJECT: values in document order */
	char **keys;         /* OBJECT: keys, parallel to items */
};

/* Parses text[0..len). On error returns K6C_EINVAL with a message giving the
 * byte offset and what was expected. */
int k6c__json_parse(k6c__json **out, const char *text, size_t len);
void k6c__json_free(k6c__json *v);
/* The value of key in an object (last one wins), or NULL. */
const k6c__json *k6c__json_get(const k6c__json *obj, const char *key);
/* Deep copy. */
k6c__json *k6c__json_clone(const k6c__json *v);
/* Serialises v compactly. */
int k6c__json_write(k6c__buf *out, const k6c__json *v);

/* Writer helpers. */
int k6c__json_write_string(k6c__buf *out, const char *s, size_t n);   /* quotes and escapes */
int k6c__json_write_number(k6c__buf *out, double v);  /* shortest round-trip form; NaN/Inf as null */

#endif /* K6C_UTIL_JSON_H */
