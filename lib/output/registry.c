/*
 * registry.c - named outputs (output.h): libk6c's built-in outputs (a
 * constant table), and the lists behind k6c_output_register() (one for
 * the process, behind a lock) and k6c_test_register_output() (one per
 * test, owned by it).
 */
#include "output/builtin.h"
#include "output/output.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The process's named outputs. A process-wide list is what
 * k6c_output_register() promises (k6's output.RegisterExtension is one
 * too); the lock serialises registrations from any thread. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static k6c__output_list g_outputs;

/* libk6c's own outputs. A table rather than registrations at load time:
 * nothing runs before main(), and a host cannot replace them. */
static const struct builtin {
	const char *name;
	k6c_output_factory factory;
} builtins[] = {
	{ "csv", k6c__out_csv_factory },
	{ "experimental-prometheus-rw", k6c__out_prometheus_rw_factory },
	{ "influxdb", k6c__out_influxdb_factory },
	{ "json", k6c__out_json_factory },
	{ "output-prometheus-remote", k6c__out_prometheus_rw_factory },
	{ "sqlite", k6c__out_sqlite_factory },
	{ "statsd", k6c__out_statsd_factory },
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static const struct builtin *builtin_find(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++) {
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	}
	return NULL;
}

int k6c__output_name_check(const char *name, const char *fn)
{
	size_t n;

	if (!name || !*name)
		return k6c__error(K6C_EINVAL, "%s: the output name is empty", fn);
	n = strlen(name);
	if (n > 64)
		return k6c__error(K6C_EINVAL, "%s: the output name \"%.64s...\" is longer than 64 bytes",
			fn, name);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return k6c__error(K6C_EINVAL, "%s: invalid output name \"%s\" (letters, digits, "
				"'-' and '_' only)", fn, name);
	}
	return 0;
}

const k6c__output_entry *k6c__output_list_find(const k6c__output_list *l, const char *name)
{
	for (size_t i = 0; l && i < l->n; i++) {
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	}
	return NULL;
}

int k6c__output_list_add(k6c__output_list *l, const char *name, k6c_output_factory factory,
	void *payload, const char *fn)
{
	char *copy;

	if (k6c__output_list_find(l, name))
		return k6c__error(K6C_ECONFIG, "%s: an output named \"%s\" is already registered", fn, name);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		k6c__output_entry *v = k6c__realloc(l->v, cap * sizeof(*v));
		if (!v)
			return k6c__error(K6C_ENOMEM, "%s: out of memory", fn);
		l->v = v;
		l->cap = cap;
	}
	if (!(copy = k6c__strdup(name)))
		return k6c__error(K6C_ENOMEM, "%s: out of memory", fn);
	l->v[l->n].name = copy;
	l->v[l->n].factory = factory;
	l->v[l->n].payload = payload;
	l->n++;
	return 0;
}

void k6c__output_list_free(k6c__output_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		k6c__free(l->v[i].name);
	k6c__free(l->v);
	memset(l, 0, sizeof(*l));
}

int k6c__output_register(const char *name, k6c_output_factory factory, void *payload)
{
	int rc;

	if ((rc = k6c__output_name_check(name, "k6c_output_register")))
		return rc;
	if (!factory)
		return k6c__error(K6C_EINVAL, "k6c_output_register: factory is NULL");
	if (builtin_find(name))
		return k6c__error(K6C_ECONFIG, "k6c_output_register: an output named \"%s\" is already "
			"registered as a built-in", name);
	pthread_mutex_lock(&g_mu);
	rc = k6c__output_list_add(&g_outputs, name, factory, payload, "k6c_output_register");
	pthread_mutex_unlock(&g_mu);
	return rc;
}

int k6c__output_find(const char *name, k6c__output_entry *out)
{
	const k6c__output_entry *e;
	const struct builtin *b;
	int rc = K6C_ENOTFOUND;

	if ((b = builtin_find(name)) != NULL) {
		out->name = NULL;
		out->factory = b->factory;
		out->payload = NULL;
		return 0;
	}
	pthread_mutex_lock(&g_mu);
	if ((e = k6c__output_list_find(&g_outputs, name)) != NULL) {
		out->name = NULL;
		out->factory = e->factory;
		out->payload = e->payload;
		rc = 0;
	}
	pthread_mutex_unlock(&g_mu);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int k6c__output_names(const k6c__output_list *extra, k6c__buf *out)
{
	const char **names;
	size_t n = 0, nextra = extra ? extra->n : 0;
	int rc = 0;

	pthread_mutex_lock(&g_mu);
	if (!(names = k6c__malloc((NBUILTINS + g_outputs.n + nextra + 1) * sizeof(*names)))) {
		pthread_mutex_unlock(&g_mu);
		return K6C_ENOMEM;
	}
	for (size_t i = 0; i < NBUILTINS; i++)
		names[n++] = builtins[i].name;
	for (size_t i = 0; i < g_outputs.n; i++)
		names[n++] = g_outputs.v[i].name;
	for (size_t i = 0; i < nextra; i++)
		names[n++] = extra->v[i].name;
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (i > 0 && !strcmp(names[i], names[i - 1]))
			continue;
		rc = k6c__buf_printf(out, "%s%s", i > 0 ? ", " : "", names[i]);
	}
	pthread_mutex_unlock(&g_mu);
	k6c__free(names);
	return rc ? K6C_ENOMEM : 0;
}
