/*
 * tcapture.c - log line capture for the test runners. The callback may be
 * called from several worker threads at once (k6c_log_cb's contract), hence
 * the mutex around every access.
 */
#include "tcapture.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void tcap_init(tcap *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
}

void tcap_clear(tcap *c)
{
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i].msg);
	c->n = 0;
	pthread_mutex_unlock(&c->mu);
}

void tcap_free(tcap *c)
{
	tcap_clear(c);
	free(c->lines);
	c->lines = NULL;
	c->cap = 0;
	pthread_mutex_destroy(&c->mu);
}

void tcap_cb(k6c_log_level level, const char *message, void *payload)
{
	tcap *c = payload;
	char *copy = strdup(message ? message : "(null)");

	if (!copy)
		abort();
	pthread_mutex_lock(&c->mu);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		tcap_line *l = realloc(c->lines, cap * sizeof(*l));
		if (!l)
			abort();
		c->lines = l;
		c->cap = cap;
	}
	c->lines[c->n].level = level;
	c->lines[c->n].msg = copy;
	c->n++;
	pthread_mutex_unlock(&c->mu);
}

static int matches(const tcap_line *l, int level, const char *needle)
{
	return (level < 0 || (int)l->level == level) && (!needle || strstr(l->msg, needle));
}

size_t tcap_count(tcap *c, int level, const char *needle)
{
	size_t n = 0;

	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++)
		n += matches(&c->lines[i], level, needle);
	pthread_mutex_unlock(&c->mu);
	return n;
}

const char *tcap_find(tcap *c, int level, const char *needle)
{
	const char *found = NULL;

	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n && !found; i++)
		if (matches(&c->lines[i], level, needle))
			found = c->lines[i].msg;
	pthread_mutex_unlock(&c->mu);
	return found;
}

const char *tcap_find_all(tcap *c, int level, ...)
{
	const char *found = NULL;

	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n && !found; i++) {
		va_list ap;
		const char *needle;
		int ok = level < 0 || (int)c->lines[i].level == level;
		va_start(ap, level);
		while (ok && (needle = va_arg(ap, const char *)) != NULL)
			ok = strstr(c->lines[i].msg, needle) != NULL;
		va_end(ap);
		if (ok)
			found = c->lines[i].msg;
	}
	pthread_mutex_unlock(&c->mu);
	return found;
}

void tcap_dump(tcap *c, FILE *f)
{
	static const char *names[] = { "DEBUG", "INFO", "WARN", "ERROR" };

	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++) {
		unsigned lv = (unsigned)c->lines[i].level;
		fprintf(f, "  [%s] %s\n", lv < 4 ? names[lv] : "?", c->lines[i].msg);
	}
	pthread_mutex_unlock(&c->mu);
}
