/*
 * tcapture.h - collects a test's log lines (k6c_log_cb) for the API and
 * script runners, thread-safely, so a test can assert on what was logged.
 */
#ifndef K6C_TEST_TCAPTURE_H
#define K6C_TEST_TCAPTURE_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include <k6c.h>

typedef struct tcap_line {
	k6c_log_level level;
	char *msg;
} tcap_line;

typedef struct tcap {
	pthread_mutex_t mu;
	tcap_line *lines;
	size_t n, cap;
} tcap;

void tcap_init(tcap *c);
void tcap_clear(tcap *c);
void tcap_free(tcap *c);
/* The k6c_log_cb; payload is a tcap. */
void tcap_cb(k6c_log_level level, const char *message, void *payload);
/* Lines at @level (-1: any level) containing @needle (NULL: any). */
size_t tcap_count(tcap *c, int level, const char *needle);
/* The first such line, or NULL; the pointer stays valid until tcap_clear. */
const char *tcap_find(tcap *c, int level, const char *needle);
/* The first line containing every needle of a NULL-terminated list. */
const char *tcap_find_all(tcap *c, int level, ...);
/* Prints every line to @f, prefixed with its level. */
void tcap_dump(tcap *c, FILE *f);

#endif /* K6C_TEST_TCAPTURE_H */
