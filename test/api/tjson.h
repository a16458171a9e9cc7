/*
 * tjson.h - a small JSON reader for the API and script test runners: parses a
 * whole document (the summary JSON) into a tree and looks values up by key
 * path. Test-only; strict enough to reject malformed summaries.
 */
#ifndef K6C_TEST_TJSON_H
#define K6C_TEST_TJSON_H

#include <stddef.h>

typedef enum tj_type { TJ_NULL, TJ_BOOL, TJ_NUM, TJ_STR, TJ_ARR, TJ_OBJ } tj_type;

typedef struct tj {
	tj_type type;
	double num;         /* TJ_NUM, and TJ_BOOL as 0/1 */
	char *str;          /* TJ_STR, decoded, NUL-terminated */
	char *key;          /* the member name when the parent is an object */
	struct tj *child;   /* first element or member */
	struct tj *next;    /* next sibling */
	size_t len;         /* number of children */
} tj;

/* Parses a complete document; NULL if it is not valid JSON (err, if not NULL,
 * receives a short description with the byte offset). */
tj *tj_parse(const char *text, char *err, size_t errlen);
void tj_free(tj *v);

/* Member of an object, element of an array; NULL if absent or wrong type. */
const tj *tj_get(const tj *obj, const char *key);
const tj *tj_at(const tj *arr, size_t i);
/* Walks keys (array indexes as decimal strings), NULL-terminated list. */
const tj *tj_getv(const tj *root, ...);
/* Number value, or dflt if v is NULL or not a number/bool. */
double tj_num(const tj *v, double dflt);
/* String value, or NULL. */
const char *tj_str(const tj *v);

#endif /* K6C_TEST_TJSON_H */
