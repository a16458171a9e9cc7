/*
 * test.c - the public k6c_test object: thin shims that check arguments, set
 * the last error and call the layers. A run is: load the program (lowering,
 * bytecode, init as VU 0, which registers the script's custom metrics),
 * consolidate options, validate thresholds, start the metrics aggregator
 * (which evaluates them), hand scenarios to the scheduler, then evaluate the
 * thresholds once more and build the summary.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "k6c.h"

#include "api/api_int.h"
#include "api/sinks.h"
#include "engine/engine.h"
#include "engine/options.h"
#include "http/http.h"
#include "metrics/metrics.h"
#include "metrics/thresholds.h"
#include "sched/sched.h"
#include "util/util.h"

/* k6's exit codes (errext/exitcodes). */
enum {
	EXIT_OK = 0,
	EXIT_THRESHOLDS = 99,
	EXIT_SETUP_TIMEOUT = 100,
	EXIT_TEARDOWN_TIMEOUT = 101,
	EXIT_INVALID_CONFIG = 104,
	EXIT_EXTERNAL_ABORT = 105,
	EXIT_SCRIPT_EXCEPTION = 107,
	EXIT_SCRIPT_ABORTED = 108,
	EXIT_MARKED_FAILED = 110,
	EXIT_OTHER = 255
};

extern char **environ;

struct k6c_test {
	char *script_path;            /* set_script_file, or the name of in-memory source */
	char *source;                 /* NULL when the script is a file */
	size_t source_len;
	char *options_json;
	char *config_path;            /* set_config_file: the lowest options tier */
	char *cache_dir;
	bool cache_dir_set;
	char **env;                   /* __ENV pairs (key, value, ...) */
	size_t nenv;
	char **sysenv;                /* process environment pairs, read for K6_* options */
	size_t nsysenv;
	k6c__test_sinks sinks;        /* sinks and selected outputs (sink.c) */
	unsigned workers;

	k6c_log_cb log_cb;
	void *log_payload;
	void (*log_free)(void *payload);

	atomic_bool running;
	atomic_bool abort_requested;
	atomic_bool thresholds_abort; /* an abortOnFail threshold failed */
	k6c__thresholds *thresholds;  /* set before the metrics thread starts, cleared after it stops */
	_Atomic(k6c__sched *) sched;  /* published for k6c_test_abort; freed on the next run or free */
	k6c__sched *sched_owned;
	/* Guards sched_owned against being freed (next run, free) while
	 * k6c_test_progress, _scale or _set_paused use it from another thread.
	 * k6c_test_abort stays lock-free (signal handlers) and reads `sched`. */
	pthread_mutex_t sched_mu;
	atomic_bool paused;           /* k6c_test_set_paused before the scheduler exists */

	pthread_t runner;
	bool started;
	int run_rc;

	int exit_code;
	char *summary_json;
	char *summary_text;
	char *summary_stderr;         /* handleSummary's "stderr" */
	char *consolidated;           /* k6c_test_options_json */
	k6c__xmod *xmods;             /* k6c_test_register_module */
	size_t nxmods;
	/* What the test owns for modules it made itself (JSON modules):
	 * freed after the modules' last use, when the test is freed. */
	struct k6c__owned {
		void *p;
		void (*free)(void *p);
	} *owned;
	size_t nowned;

	void **plugins;               /* dlopen() handles (plugin.c), unloaded last */
	size_t nplugins, plugins_cap;
};

static void test_log(int level, const char *message, void *arg)
{
	k6c_test *t = arg;

	if (t->log_cb)
		t->log_cb((k6c_log_level)level, message, t->log_payload);
}

static void test_logf(k6c_test *t, int level, const char *fmt, ...) K6C__PRINTF(3, 4);
static void test_logf(k6c_test *t, int level, const char *fmt, ...)
{
	k6c__buf b = K6C__BUF_INIT;
	va_list ap;

	if (!t->log_cb)
		return;
	va_start(ap, fmt);
	if (k6c__buf_vprintf(&b, fmt, ap) == 0)
		test_log(level, b.ptr, t);
	va_end(ap);
	k6c__buf_free(&b);
}

K6C_EXTERN(int) k6c_test_new(k6c_test **out)
{
	k6c_test *t;

	if (!out)
		return k6c__error(K6C_EINVAL, "k6c_test_new: out is NULL");
	*out = NULL;
	if (!(t = k6c__calloc(1, sizeof(*t))))
		return k6c__error(K6C_ENOMEM, "k6c_test_new: out of memory");
	t->exit_code = -1;
	pthread_mutex_init(&t->sched_mu, NULL);
	*out = t;
	return 0;
}

static void free_pairs(char **pairs, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++)
		k6c__free(pairs[i]);
	k6c__free(pairs);
}

K6C_EXTERN(void) k6c_test_free(k6c_test *t)
{
	if (!t)
		return;
	if (t->started)
		k6c_test_abort(t), k6c_test_wait(t);
	k6c__test_sinks_free(&t->sinks);
	if (t->log_free)
		t->log_free(t->log_payload);
	k6c__sched_free(t->sched_owned);
	k6c__free(t->script_path);
	k6c__free(t->source);
	k6c__free(t->options_json);
	k6c__free(t->config_path);
	k6c__free(t->cache_dir);
	free_pairs(t->env, t->nenv);
	free_pairs(t->sysenv, t->nsysenv);
	k6c__free(t->summary_json);
	k6c__free(t->summary_text);
	k6c__free(t->summary_stderr);
	k6c__free(t->consolidated);
	k6c__free(t->xmods);
	for (size_t i = 0; i < t->nowned; i++)
		t->owned[i].free(t->owned[i].p);
	k6c__free(t->owned);
	pthread_mutex_destroy(&t->sched_mu);
	/* Last: everything above may call into a plugin's code (module and
	 * sink callbacks, free functions of payloads). */
	k6c__plugins_unload(t->plugins, t->nplugins);
	k6c__free(t->plugins);
	k6c__free(t);
}

int k6c__test_reserve_plugin(k6c_test *t)
{
	void **p;
	size_t cap;

	if (t->nplugins < t->plugins_cap)
		return 0;
	cap = t->plugins_cap ? 2 * t->plugins_cap : 4;
	if (!(p = k6c__realloc(t->plugins, cap * sizeof(*p))))
		return k6c__error(K6C_ENOMEM, "k6c_test_load_plugin: out of memory");
	t->plugins = p;
	t->plugins_cap = cap;
	return 0;
}

void k6c__test_keep_plugin(k6c_test *t, void *handle)
{
	t->plugins[t->nplugins++] = handle;
}

/* Setters refuse to touch a running test: the run reads these fields. */
#define CHECK_IDLE(t, fn)                                                              \
	do {                                                                           \
		if (!(t))                                                              \
			return k6c__error(K6C_EINVAL, fn ": test is NULL");            \
		if (atomic_load(&(t)->running))                                         \
			return k6c__error(K6C_ESTATE, fn ": the test is running");     \
	} while (0)

int k6c__test_sinks_for(k6c_test *t, const char *fn, k6c__test_sinks **out)
{
	if (!t)
		return k6c__error(K6C_EINVAL, "%s: test is NULL", fn);
	if (atomic_load(&t->running))
		return k6c__error(K6C_ESTATE, "%s: the test is running", fn);
	*out = &t->sinks;
	return 0;
}

const char *k6c__test_sysenv(const k6c_test *t, const char *key)
{
	for (size_t i = 0; i < t->nsysenv; i++) {
		if (!strcmp(t->sysenv[2 * i], key))
			return t->sysenv[2 * i + 1];
	}
	return NULL;
}

const char *k6c__test_sysenv_at(const k6c_test *t, size_t i, const char **value)
{
	if (i >= t->nsysenv)
		return NULL;
	if (value)
		*value = t->sysenv[2 * i + 1];
	return t->sysenv[2 * i];
}

int k6c__test_check_idle(k6c_test *t, const char *fn)
{
	if (atomic_load(&t->running))
		return k6c__error(K6C_ESTATE, "%s: the test is running", fn);
	return 0;
}

K6C_EXTERN(int) k6c_test_set_script_file(k6c_test *t, const char *path)
{
	char *p;

	CHECK_IDLE(t, "k6c_test_set_script_file");
	if (!path || !*path)
		return k6c__error(K6C_EINVAL, "k6c_test_set_script_file: path is empty");
	if (!(p = k6c__strdup(path)))
		return k6c__error(K6C_ENOMEM, "k6c_test_set_script_file: out of memory");
	k6c__free(t->script_path);
	k6c__free(t->source);
	t->script_path = p;
	t->source = NULL;
	t->source_len = 0;
	return 0;
}

K6C_EXTERN(int) k6c_test_set_script_source(k6c_test *t, const char *name, const char *source, size_t len)
{
	char *n, *s;

	CHECK_IDLE(t, "k6c_test_set_script_source");
	if (!name || !*name || (!source && len))
		return k6c__error(K6C_EINVAL, "k6c_test_set_script_source: name or source missing");
	n = k6c__strdup(name);
	s = k6c__malloc(len + 1);
	if (!n || !s) {
		k6c__free(n);
		k6c__free(s);
		return k6c__error(K6C_ENOMEM, "k6c_test_set_script_source: out of memory");
	}
	if (len)
		memcpy(s, source, len);
	s[len] = '\0';
	k6c__free(t->script_path);
	k6c__free(t->source);
	t->script_path = n;
	t->source = s;
	t->source_len = len;
	return 0;
}

#include "util/json.h"

K6C_EXTERN(int) k6c_test_set_options(k6c_test *t, const char *json)
{
	k6c__json *v = NULL;
	char *copy;
	int rc;

	CHECK_IDLE(t, "k6c_test_set_options");
	if (!json)
		return k6c__error(K6C_EINVAL, "k6c_test_set_options: json is NULL");
	if ((rc = k6c__json_parse(&v, json, strlen(json)))) {
		const k6c_error *e = k6c_error_last();
		return k6c__error(K6C_EINVAL, "k6c_test_set_options: %s", e ? e->message : "invalid JSON");
	}
	rc = v->type == K6C__JSON_OBJECT;
	k6c__json_free(v);
	if (!rc)
		return k6c__error(K6C_EINVAL, "k6c_test_set_options: expected a JSON object");
	if (!(copy = k6c__strdup(json)))
		return k6c__error(K6C_ENOMEM, "k6c_test_set_options: out of memory");
	k6c__free(t->options_json);
	t->options_json = copy;
	return 0;
}

/* Sets key in a pair list; value NULL removes it. */
static int pairs_set(char ***pairs, size_t *n, const char *key, const char *value)
{
	char **p = *pairs;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp(p[2 * i], key))
			continue;
		if (!value) {
			k6c__free(p[2 * i]);
			k6c__free(p[2 * i + 1]);
			memmove(&p[2 * i], &p[2 * i + 2], (2 * (*n - i - 1)) * sizeof(*p));
			(*n)--;
			return 0;
		}
		char *v = k6c__strdup(value);
		if (!v)
			return K6C_ENOMEM;
		k6c__free(p[2 * i + 1]);
		p[2 * i + 1] = v;
		return 0;
	}
	if (!value)
		return 0;
	p = k6c__realloc(p, 2 * (*n + 1) * sizeof(*p));
	if (!p)
		return K6C_ENOMEM;
	*pairs = p;
	p[2 * *n] = k6c__strdup(key);
	p[2 * *n + 1] = k6c__strdup(value);
	if (!p[2 * *n] || !p[2 * *n + 1]) {
		k6c__free(p[2 * *n]);
		k6c__free(p[2 * *n + 1]);
		return K6C_ENOMEM;
	}
	(*n)++;
	return 0;
}

/* Declared in k6c/module.h, which is not included here: it exposes Duktape,
 * whose headers only lib/engine uses. The checks are the engine's. */
K6C_EXTERN(int) k6c_test_register_module(k6c_test *t, const struct k6c_module_def *def,
	void *payload);
K6C_EXTERN(int) k6c_test_register_module(k6c_test *t, const struct k6c_module_def *def,
	void *payload)
{
	CHECK_IDLE(t, "k6c_test_register_module");
	return k6c__xmod_list_add("k6c_test_register_module", &t->xmods, &t->nxmods, def, payload);
}

int k6c__test_add_owned_xmod(k6c_test *t, const char *fn, const struct k6c_module_def *def,
	void *payload, void (*free_payload)(void *payload))
{
	struct k6c__owned *o;
	int rc;

	/* Room first, so that once the module is on the list, keeping its
	 * payload cannot fail. */
	o = k6c__realloc(t->owned, (t->nowned + 1) * sizeof(*o));
	if (o == NULL) {
		free_payload(payload);
		return k6c__error(K6C_ENOMEM, "%s: out of memory", fn);
	}
	t->owned = o;
	rc = k6c__xmod_list_add(fn, &t->xmods, &t->nxmods, def, payload);
	if (rc != 0) {
		free_payload(payload);
		return rc;
	}
	t->owned[t->nowned].p = payload;
	t->owned[t->nowned].free = free_payload;
	t->nowned++;
	return 0;
}

K6C_EXTERN(int) k6c_test_set_env(k6c_test *t, const char *key, const char *value)
{
	CHECK_IDLE(t, "k6c_test_set_env");
	if (!key || !*key || strchr(key, '='))
		return k6c__error(K6C_EINVAL, "k6c_test_set_env: invalid key");
	if (pairs_set(&t->env, &t->nenv, key, value))
		return k6c__error(K6C_ENOMEM, "k6c_test_set_env: out of memory");
	return 0;
}

K6C_EXTERN(int) k6c_test_set_system_env(k6c_test *t)
{
	CHECK_IDLE(t, "k6c_test_set_system_env");
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		char *key;
		int rc;

		if (!eq || eq == *e)
			continue;
		if (!(key = k6c__strndup(*e, (size_t)(eq - *e))))
			return k6c__error(K6C_ENOMEM, "k6c_test_set_system_env: out of memory");
		rc = pairs_set(&t->sysenv, &t->nsysenv, key, eq + 1);
		if (!rc)
			rc = pairs_set(&t->env, &t->nenv, key, eq + 1);
		k6c__free(key);
		if (rc)
			return k6c__error(K6C_ENOMEM, "k6c_test_set_system_env: out of memory");
	}
	return 0;
}

K6C_EXTERN(int) k6c_test_set_log_callback(k6c_test *t, k6c_log_cb cb, void *payload,
	void (*free_payload)(void *payload))
{
	CHECK_IDLE(t, "k6c_test_set_log_callback");
	if (t->log_free)
		t->log_free(t->log_payload);
	t->log_cb = cb;
	t->log_payload = payload;
	t->log_free = free_payload;
	return 0;
}

K6C_EXTERN(int) k6c_test_set_workers(k6c_test *t, unsigned workers)
{
	CHECK_IDLE(t, "k6c_test_set_workers");
	if (workers > 1024)
		return k6c__error(K6C_EINVAL, "k6c_test_set_workers: %u workers is more than 1024", workers);
	t->workers = workers;
	return 0;
}

K6C_EXTERN(int) k6c_test_set_cache_dir(k6c_test *t, const char *dir)
{
	char *d = NULL;

	CHECK_IDLE(t, "k6c_test_set_cache_dir");
	if (dir && !(d = k6c__strdup(dir)))
		return k6c__error(K6C_ENOMEM, "k6c_test_set_cache_dir: out of memory");
	k6c__free(t->cache_dir);
	t->cache_dir = d;
	t->cache_dir_set = dir != NULL;
	return 0;
}

static unsigned resolve_workers(const k6c_test *t)
{
	const char *e;
	long n;

	if (t->workers)
		return t->workers;
	if ((e = getenv("K6C_WORKERS")) && *e) {
		char *end;
		n = strtol(e, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 1024)
			return (unsigned)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n >= 1 ? (unsigned)n : 1;
}

static void log_scenarios(k6c_test *t, const k6c__options *o)
{
	k6c__buf b = K6C__BUF_INIT, d = K6C__BUF_INIT;

	k6c__duration_format(&d, o->max_duration_ms);
	k6c__buf_printf(&b, "scenarios: (100.00%%) %zu scenario%s, %u max VUs, %s max duration (incl. graceful stop):",
		o->nscenarios, o->nscenarios == 1 ? "" : "s", o->max_vus, d.ptr ? d.ptr : "");
	for (size_t i = 0; i < o->nscenarios; i++) {
		k6c__buf_printf(&b, "\n         * %s: ", o->scenarios[i].name);
		k6c__options_describe_scenario(&o->scenarios[i], &b);
	}
	if (b.ptr)
		test_log(K6C_LOG_DEBUG, b.ptr, t);
	k6c__buf_free(&b);
	k6c__buf_free(&d);
}

/* The registry's on_tick (metrics thread): thresholds are evaluated there. */
static void on_metrics_tick(k6c__metrics *m, void *arg)
{
	k6c_test *t = arg;

	if (t->thresholds)
		k6c__thresholds_tick(m, t->thresholds);
}

/* An abortOnFail threshold failed (metrics thread): stop the run as an abort
 * does, so teardown and the summary still happen. */
static void on_thresholds_abort(void *arg)
{
	k6c_test *t = arg;
	k6c__sched *s;

	atomic_store(&t->thresholds_abort, true);
	if ((s = atomic_load(&t->sched)) != NULL)
		k6c__sched_abort(s);
}

/* A sink called k6c_sink_fail() to abort (any thread): stop the run as an
 * abort does; the verdict then reads why from the output. */
static void on_sink_abort(void *arg)
{
	k6c_test *t = arg;
	k6c__sched *s;

	if ((s = atomic_load(&t->sched)) != NULL)
		k6c__sched_abort(s);
}

/* Parses the thresholds option and validates it against the registry, which
 * by now holds the built-in metrics and those the script's init declared.
 * With noThresholds a problem is only a warning and nothing is evaluated
 * (*out stays NULL), but the submetrics are still registered. Return 0,
 * K6C_ECONFIG (message set) or K6C_ENOMEM. */
static int load_thresholds(k6c_test *t, const k6c__options *o, k6c__metrics *m,
	k6c__thresholds **out)
{
	k6c__thresholds *th = NULL;
	int rc;

	*out = NULL;
	if (!o->thresholds_json)
		return 0;
	rc = k6c__thresholds_parse(&th, o->thresholds_json, strlen(o->thresholds_json));
	if (rc == 0)
		rc = k6c__thresholds_bind(th, m);
	if (rc == 0 && !o->no_thresholds) {
		*out = th;
		return 0;
	}
	k6c__thresholds_free(th);
	if (rc && !o->no_thresholds)
		return rc;
	if (rc && rc != K6C_ENOMEM)
		test_logf(t, K6C_LOG_WARN, "%s", k6c_error_last() ? k6c_error_last()->message : k6c_strerror(rc));
	return rc == K6C_ENOMEM ? rc : 0;
}

/* Everything a run (or an inspection) builds before the scheduler starts,
 * and what finalising the metrics produced; freed by run_ctx_free. */
typedef struct run_ctx {
	k6c_test *t;
	k6c__program *prog;
	k6c__options opts;
	k6c__metrics *metrics;
	k6c__thresholds *thresholds;
	k6c__summary_opts sopts;
	k6c__run_sinks sinks;
	double duration_ms;
	bool finalized;               /* metrics stopped, thresholds evaluated, summary built */
	int final_rc;                 /* an API error while finalising */
	char *data_json;              /* the handleSummary data */
} run_ctx;

static void run_ctx_free(run_ctx *c)
{
	/* The sinks stop (if the run did not stop them) once the last sample
	 * is folded, and before the registry whose metric names and tag sets
	 * they borrow is freed. Freeing the registry stops its thread, so the
	 * thresholds are no longer in use after it. */
	k6c__metrics_stop(c->metrics);
	k6c__run_sinks_close(&c->sinks, c->t->exit_code);
	k6c__metrics_free(c->metrics);
	c->t->thresholds = NULL;
	k6c__thresholds_free(c->thresholds);
	k6c__options_free(&c->opts);
	k6c__program_free(c->prog);
	k6c__free(c->data_json);
}

static void log_error_last(k6c_test *t, int rc)
{
	const k6c_error *e = k6c_error_last();
	test_logf(t, K6C_LOG_ERROR, "%s", e && e->code == rc ? e->message : k6c_strerror(rc));
}

/* Reads the --config file as the lowest options tier. */
static int read_config(k6c_test *t, k6c__buf *out)
{
	if (!t->config_path)
		return 0;
	int rc = k6c__file_read(t->config_path, out);
	if (rc == K6C_ENOMEM)
		return rc;
	if (rc)
		return k6c__error(K6C_ECONFIG, "cannot read the config file \"%s\": %s", t->config_path,
			k6c_error_last() ? k6c_error_last()->message : k6c_strerror(rc));
	return 0;
}

/* Loads the program and consolidates the options: the part of a run that
 * k6c_test_inspect also does. Sets exit_code on a script or configuration
 * problem and returns 1 then; 0 when everything is ready; an API error. */
static int load_test(k6c_test *t, run_ctx *c)
{
	k6c__engine_config ecfg;
	k6c__metrics_config mcfg;
	k6c__buf config = K6C__BUF_INIT;
	int rc;

	memset(&ecfg, 0, sizeof(ecfg));
	ecfg.cache_dir = t->cache_dir_set ? t->cache_dir : NULL;
	ecfg.env = (const char *const *)t->env;
	ecfg.nenv = t->nenv;
	ecfg.log = test_log;
	ecfg.log_arg = t;
	ecfg.xmods = t->xmods;
	ecfg.nxmods = t->nxmods;

	/* The registry exists before the program so that the init code of VU 0
	 * registers the script's custom metrics, which thresholds may name. */
	memset(&mcfg, 0, sizeof(mcfg));
	mcfg.on_tick = on_metrics_tick;
	mcfg.on_tick_arg = t;
	mcfg.log = test_log;
	mcfg.log_arg = t;
	if (k6c__test_sinks_wanted(&t->sinks)) {
		mcfg.on_samples = k6c__run_sinks_on_samples;
		mcfg.on_samples_arg = &c->sinks;
	}
	t->thresholds = NULL;
	if ((rc = k6c__metrics_new(&c->metrics, &mcfg)))
		return rc;
	ecfg.metrics = c->metrics;

	rc = k6c__program_new(&c->prog, t->script_path, t->source, t->source_len, &ecfg);
	if (rc) {
		if (rc == K6C_ENOMEM)
			return rc;
		log_error_last(t, rc);
		t->exit_code = rc == K6C_ESCRIPT ? EXIT_SCRIPT_EXCEPTION :
			rc == K6C_EABORTED ? EXIT_SCRIPT_ABORTED : EXIT_OTHER;
		return 1;
	}
	rc = read_config(t, &config);
	if (rc == 0)
		rc = k6c__options_consolidate(&c->opts, config.ptr, k6c__program_options_json(c->prog),
			(const char *const *)t->sysenv, t->nsysenv, t->options_json);
	k6c__buf_free(&config);
	if (rc) {
		if (rc == K6C_ENOMEM)
			return rc;
		log_error_last(t, rc);
		t->exit_code = EXIT_INVALID_CONFIG;
		return 1;
	}
	k6c__metrics_set_tag_sets_warn(c->metrics, c->opts.tag_sets_warn);
	/* Only the full summary pays for per-group and per-scenario aggregates. */
	k6c__metrics_set_breakdown(c->metrics, c->opts.summary_mode == K6C__SUMMARY_FULL);
	for (size_t i = 0; i < c->opts.nscenarios; i++) {
		const char *exec = c->opts.scenarios[i].exec ? c->opts.scenarios[i].exec : "default";
		if (!k6c__program_has_function(c->prog, exec)) {
			if (!c->opts.scenarios[i].exec)
				test_logf(t, K6C_LOG_ERROR, "could not find an exported default function in the script");
			else
				test_logf(t, K6C_LOG_ERROR, "invalid option \"scenarios.%s.exec\": function '%s' is not exported by the script",
					c->opts.scenarios[i].name, exec);
			t->exit_code = c->opts.scenarios[i].exec ? EXIT_INVALID_CONFIG : EXIT_SCRIPT_EXCEPTION;
			return 1;
		}
	}
	if ((rc = load_thresholds(t, &c->opts, c->metrics, &c->thresholds))) {
		if (rc == K6C_ENOMEM)
			return rc;
		log_error_last(t, rc);
		t->exit_code = EXIT_INVALID_CONFIG;
		return 1;
	}
	if ((rc = k6c__program_set_options(c->prog, c->opts.json)))
		return rc;
	/* Nothing has been folded yet: VU 0's init samples are dropped. */
	k6c__metrics_set_system_tags(c->metrics, c->opts.system_tags);
	k6c__free(t->consolidated);
	t->consolidated = c->opts.json ? k6c__strdup(c->opts.json) : NULL;
	if (c->opts.json && !t->consolidated)
		return K6C_ENOMEM;
	return 0;
}

/* Resolves the run's outputs, logs the header's output line and starts the
 * sinks: after the init of VU 0 (whose samples are not kept) and before
 * any other VU's. Sets exit_code and returns 1 when the run must not go on
 * (104: an unknown output or a failed factory; 255: a start() failed); 0
 * when ready; an API error. */
static int open_sinks(k6c_test *t, run_ctx *c)
{
	k6c__run_sinks_config cfg;
	k6c__buf header = K6C__BUF_INIT;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.test = t;
	cfg.sinks = &t->sinks;
	cfg.script_path = t->script_path;
	cfg.metrics = c->metrics;
	cfg.log = test_log;
	cfg.log_arg = t;
	cfg.on_abort = on_sink_abort;
	cfg.on_abort_arg = t;
	rc = k6c__run_sinks_open(&c->sinks, &cfg, &header);
	if (rc == 0)
		test_log(K6C_LOG_DEBUG, header.ptr, t);
	k6c__buf_free(&header);
	if (rc == 0)
		rc = k6c__run_sinks_start(&c->sinks, t->script_path, t->consolidated);
	if (rc == K6C_ECONFIG || rc == K6C_EIO) {
		log_error_last(t, rc);
		t->exit_code = rc == K6C_ECONFIG ? EXIT_INVALID_CONFIG : EXIT_OTHER;
		return 1;
	}
	return rc;
}

/* Stops the metrics, evaluates the thresholds a last time and builds the
 * summary data. Runs once: from the scheduler's summary_data hook (controller
 * thread, before handleSummary) or after the run. */
static int finalize(run_ctx *c, double duration_ms)
{
	k6c__buf json = K6C__BUF_INIT;
	int rc;

	if (c->finalized)
		return c->final_rc;
	c->finalized = true;
	k6c__metrics_stop(c->metrics);
	/* The final evaluation sees every metric, empty ones included, over the
	 * same duration as the summary's rates. */
	if (c->thresholds && (rc = k6c__thresholds_evaluate(c->thresholds, c->metrics, duration_ms, true)))
		return c->final_rc = rc;
	memset(&c->sopts, 0, sizeof(c->sopts));
	c->sopts.trend_stats = (const char *const *)c->opts.trend_stats;
	c->sopts.ntrend_stats = c->opts.ntrend_stats;
	c->sopts.time_unit = c->opts.time_unit;
	c->sopts.no_color = !c->opts.color;
	c->sopts.test_duration_ms = duration_ms;
	c->sopts.thresholds = k6c__thresholds_results(c->thresholds, &c->sopts.nthresholds);
	c->sopts.setup_data_json = k6c__program_setup_json(c->prog);
	c->sopts.stdout_tty = isatty(STDOUT_FILENO) == 1;
	c->sopts.stderr_tty = isatty(STDERR_FILENO) == 1;
	c->sopts.mode = c->opts.summary_mode;
	if ((rc = k6c__metrics_summary_json(c->metrics, &c->sopts, &json))) {
		k6c__buf_free(&json);
		return c->final_rc = rc;
	}
	c->data_json = k6c__buf_detach(&json);
	c->duration_ms = duration_ms;
	return 0;
}

/* k6c__sched_config.summary_data: the scheduler is about to run
 * handleSummary. */
static const char *summary_data_hook(void *arg, const k6c__sched_result *res)
{
	run_ctx *c = arg;

	if (finalize(c, res->duration_ms) != 0)
		return NULL;
	return c->data_json;
}

/* Writes handleSummary's outputs: "stdout" and "stderr" become the test's
 * summary texts, any other key is a file written here, as k6 does. */
static int apply_summary_outputs(k6c_test *t, const k6c__sched_result *res)
{
	for (size_t i = 0; i < res->nsummary_out; i++) {
		const k6c__summary_output *o = &res->summary_out[i];
		char **dst = !strcmp(o->key, "stdout") ? &t->summary_text :
			!strcmp(o->key, "stderr") ? &t->summary_stderr : NULL;
		if (dst) {
			k6c__free(*dst);
			if (!(*dst = k6c__strndup(o->data ? o->data : "", o->len)))
				return K6C_ENOMEM;
			continue;
		}
		FILE *f = fopen(o->key, "wb");
		if (!f || (o->len && fwrite(o->data, 1, o->len, f) != o->len) || fclose(f) != 0) {
			int err = errno;
			if (f)
				fclose(f);
			test_logf(t, K6C_LOG_ERROR, "handleSummary: cannot write \"%s\": %s", o->key, strerror(err));
		}
	}
	return 0;
}

static int write_summary_export(k6c_test *t, const run_ctx *c)
{
	k6c__buf doc = K6C__BUF_INIT;
	int rc;

	rc = k6c__summary_export_from_data(c->data_json, strlen(c->data_json), &doc);
	if (rc == 0) {
		FILE *f = fopen(c->opts.summary_export, "wb");
		if (!f || fwrite(doc.ptr, 1, doc.len, f) != doc.len || fclose(f) != 0) {
			int err = errno;
			if (f)
				fclose(f);
			test_logf(t, K6C_LOG_ERROR, "cannot write the summary export \"%s\": %s",
				c->opts.summary_export, strerror(err));
		}
	} else if (rc != K6C_ENOMEM) {
		log_error_last(t, rc);
		rc = 0;
	}
	k6c__buf_free(&doc);
	return rc;
}

/* The summary text of the summary mode from the data document (and, for
 * full, the registry's breakdown); NULL (nothing) when disabled. */
static int default_summary_text(run_ctx *c, k6c__buf *text)
{
	k6c__buf bd = K6C__BUF_INIT;
	int rc = 0;

	if (c->opts.summary_mode == K6C__SUMMARY_DISABLED)
		return 0;
	if (c->opts.summary_mode == K6C__SUMMARY_FULL)
		rc = k6c__metrics_summary_breakdown_json(c->metrics, &c->sopts, &bd);
	if (rc == 0)
		rc = k6c__summary_text_mode(c->data_json, strlen(c->data_json), bd.ptr, c->opts.summary_mode,
			" ", !c->sopts.no_color, text);
	k6c__buf_free(&bd);
	return rc;
}

/* k6's exit code for the verdict of a run. */
static int verdict(k6c_test *t, run_ctx *c, const k6c__sched_result *res)
{
	const char *crossed;

	if (res->setup_timed_out) {
		test_logf(t, K6C_LOG_ERROR, "setup() execution timed out after %.0f seconds",
			(c->opts.setup_timeout_ms > 0 ? c->opts.setup_timeout_ms : 60000) / 1000);
		return EXIT_SETUP_TIMEOUT;
	}
	if (res->status == K6C_ESCRIPT)
		return EXIT_SCRIPT_EXCEPTION;
	if (res->script_aborted) {
		test_logf(t, K6C_LOG_ERROR, "test aborted: %s", res->abort_reason && *res->abort_reason ?
			res->abort_reason : "test aborted");
		return EXIT_SCRIPT_ABORTED;
	}
	if (k6c__run_sinks_aborted(&c->sinks, NULL)) {
		k6c__buf why = K6C__BUF_INIT;
		k6c__run_sinks_aborted(&c->sinks, &why);
		test_logf(t, K6C_LOG_ERROR, "%s", why.ptr ? why.ptr : "test run aborted by an output");
		k6c__buf_free(&why);
		return EXIT_OTHER;
	}
	if (res->status == K6C_EABORTED && k6c__thresholds_aborted(c->thresholds, &crossed)) {
		test_logf(t, K6C_LOG_ERROR, "thresholds on metrics '%s' were crossed; at least one has "
			"abortOnFail enabled, stopping test prematurely", crossed);
		return EXIT_THRESHOLDS;
	}
	if (res->status == K6C_EABORTED || atomic_load(&t->abort_requested))
		return EXIT_EXTERNAL_ABORT;
	if (res->teardown_timed_out) {
		test_logf(t, K6C_LOG_ERROR, "teardown() execution timed out after %.0f seconds",
			(c->opts.teardown_timeout_ms > 0 ? c->opts.teardown_timeout_ms : 60000) / 1000);
		return EXIT_TEARDOWN_TIMEOUT;
	}
	if (k6c__thresholds_failed(c->thresholds)) {
		k6c__buf names = K6C__BUF_INIT;
		if (k6c__thresholds_crossed(c->thresholds, &names) == 0)
			test_logf(t, K6C_LOG_ERROR, "thresholds on metrics '%s' have been crossed", names.ptr ? names.ptr : "");
		k6c__buf_free(&names);
		return EXIT_THRESHOLDS;
	}
	if (res->marked_failed)
		return EXIT_MARKED_FAILED;
	return EXIT_OK;
}

/* Replaces the scheduler k6c_test_progress and friends see. */
static void publish_sched(k6c_test *t, k6c__sched *s)
{
	pthread_mutex_lock(&t->sched_mu);
	atomic_store(&t->sched, NULL);
	k6c__sched_free(t->sched_owned);
	t->sched_owned = s;
	atomic_store(&t->sched, s);
	pthread_mutex_unlock(&t->sched_mu);
}

/* The body of a run; sets exit_code and the summaries. Returns an API error
 * only for failures of the library itself, never for script problems. */
static int run_test(k6c_test *t)
{
	run_ctx c;
	k6c__sched_config scfg;
	k6c__sched_result res;
	k6c__sched *s = NULL;
	k6c__buf text = K6C__BUF_INIT;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	c.t = t;
	publish_sched(t, NULL);
	rc = load_test(t, &c);
	if (rc == 1) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto fail;
	if ((rc = open_sinks(t, &c)) == 1) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto fail;
	log_scenarios(t, &c.opts);

	if (c.thresholds) {
		k6c__thresholds_set_abort(c.thresholds, on_thresholds_abort, t);
		k6c__thresholds_start(c.thresholds);
		t->thresholds = c.thresholds;
	}
	if ((rc = k6c__metrics_start(c.metrics)))
		goto fail;
	memset(&scfg, 0, sizeof(scfg));
	scfg.workers = resolve_workers(t);
	scfg.ops = &k6c__engine_vu_ops;
	scfg.ops_ctx = c.prog;
	scfg.metrics = c.metrics;
	scfg.log = test_log;
	scfg.log_arg = t;
	scfg.scenarios = c.opts.scenarios;
	scfg.nscenarios = c.opts.nscenarios;
	scfg.no_setup = c.opts.no_setup;
	scfg.no_teardown = c.opts.no_teardown;
	scfg.user_agent = c.opts.user_agent;
	scfg.http = &c.opts.transport.http;
	scfg.stripe = c.opts.stripe;
	scfg.paused = c.opts.paused || atomic_load(&t->paused);
	scfg.setup_timeout_ms = c.opts.setup_timeout_ms;
	scfg.teardown_timeout_ms = c.opts.teardown_timeout_ms;
	scfg.summary_timeout_ms = c.opts.summary_timeout_ms;
	/* summaryMode disabled is k6's --no-summary: no handleSummary(), no
	 * text and no --summary-export. */
	if (c.opts.summary_mode != K6C__SUMMARY_DISABLED &&
	    k6c__program_has_function(c.prog, "handleSummary")) {
		scfg.summary_data = summary_data_hook;
		scfg.summary_data_arg = &c;
	}
	if ((rc = k6c__sched_new(&s, &scfg)))
		goto fail;
	publish_sched(t, s);
	/* An abort that arrived before the scheduler existed still counts. */
	if (atomic_load(&t->abort_requested) || atomic_load(&t->thresholds_abort) ||
	    k6c__run_sinks_aborted(&c.sinks, NULL))
		k6c__sched_abort(s);
	if ((rc = k6c__sched_run(s, &res)))
		goto fail;
	if ((rc = finalize(&c, res.duration_ms)))
		goto fail;
	t->exit_code = verdict(t, &c, &res);
	/* Every sample is folded: the final batch, then the sinks' stop(). */
	k6c__run_sinks_stop(&c.sinks, t->exit_code, c.data_json);

	if (res.summary_ran && res.summary_rc == 0) {
		/* handleSummary replaces the default summary. */
		if ((rc = apply_summary_outputs(t, &res)))
			goto fail;
	} else {
		if (res.summary_ran && res.summary_rc != K6C_ENOTFOUND)
			test_logf(t, K6C_LOG_ERROR, "failed to handle the end-of-test summary; the default summary is printed instead");
		if ((rc = default_summary_text(&c, &text)))
			goto fail;
		t->summary_text = k6c__buf_detach(&text);
	}
	if (c.opts.summary_export && c.opts.summary_mode != K6C__SUMMARY_DISABLED &&
	    (rc = write_summary_export(t, &c)))
		goto fail;
	t->summary_json = c.data_json;
	c.data_json = NULL;
	rc = 0;
	goto out;
fail:
	test_logf(t, K6C_LOG_ERROR, "run failed: %s", k6c_error_last() ? k6c_error_last()->message : k6c_strerror(rc));
	if (t->exit_code < 0)
		t->exit_code = EXIT_OTHER;
out:
	/* Unpublished for k6c_test_abort now, long before the next run frees
	 * it (progress still reads it under sched_mu). */
	atomic_store(&t->sched, NULL);
	k6c__sched_result_free(&res);
	run_ctx_free(&c);
	k6c__buf_free(&text);
	return rc;
}

/* The network outputs send through output.h's hook (lib/output never
 * includes curl.h); lib/http's blocking request is installed once, and
 * the built-in outputs' factories read the environment through
 * k6c_output_env. */
static pthread_once_t g_http_hook_once = PTHREAD_ONCE_INIT;

static void http_hook_install(void)
{
	k6c__output_set_http(k6c__http_blocking);
	k6c__output_set_env(k6c_output_env);
	k6c__output_set_env_at(k6c_output_env_at);
}

static int begin_run(k6c_test *t, const char *fn)
{
	bool expected = false;

	if (!t)
		return k6c__error(K6C_EINVAL, "%s: test is NULL", fn);
	if (!t->script_path)
		return k6c__error(K6C_EINVAL, "%s: no script was set", fn);
	if (!atomic_compare_exchange_strong(&t->running, &expected, true))
		return k6c__error(K6C_ESTATE, "%s: the test is already running", fn);
	atomic_store(&t->abort_requested, false);
	atomic_store(&t->thresholds_abort, false);
	t->exit_code = -1;
	k6c__free(t->summary_json);
	k6c__free(t->summary_text);
	k6c__free(t->summary_stderr);
	t->summary_json = t->summary_text = t->summary_stderr = NULL;
	if (k6c__http_global_init() != 0) {
		atomic_store(&t->running, false);
		return k6c__error(K6C_EIO, "%s: cannot initialise libcurl", fn);
	}
	pthread_once(&g_http_hook_once, http_hook_install);
	return 0;
}

static void end_run(k6c_test *t)
{
	k6c__http_global_cleanup();
	atomic_store(&t->running, false);
}

K6C_EXTERN(int) k6c_test_run(k6c_test *t)
{
	int rc;

	if ((rc = begin_run(t, "k6c_test_run")))
		return rc;
	if (t->started) {
		end_run(t);
		return k6c__error(K6C_ESTATE, "k6c_test_run: the test was started; wait for it first");
	}
	rc = run_test(t);
	end_run(t);
	return rc;
}

static void *runner_main(void *arg)
{
	k6c_test *t = arg;

	t->run_rc = run_test(t);
	return NULL;
}

K6C_EXTERN(int) k6c_test_start(k6c_test *t)
{
	int rc;

	if ((rc = begin_run(t, "k6c_test_start")))
		return rc;
	if (t->started) {
		end_run(t);
		return k6c__error(K6C_ESTATE, "k6c_test_start: the test was started; wait for it first");
	}
	t->run_rc = 0;
	if ((rc = pthread_create(&t->runner, NULL, runner_main, t)) != 0) {
		end_run(t);
		return k6c__error(K6C_EIO, "k6c_test_start: cannot start the runner thread: %s", strerror(rc));
	}
	t->started = true;
	return 0;
}

K6C_EXTERN(int) k6c_test_wait(k6c_test *t)
{
	if (!t)
		return k6c__error(K6C_EINVAL, "k6c_test_wait: test is NULL");
	if (!t->started)
		return k6c__error(K6C_ESTATE, "k6c_test_wait: the test was not started");
	pthread_join(t->runner, NULL);
	t->started = false;
	end_run(t);
	return t->run_rc;
}

K6C_EXTERN(void) k6c_test_abort(k6c_test *t)
{
	k6c__sched *s;

	if (!t || !atomic_load(&t->running))
		return;
	atomic_store(&t->abort_requested, true);
	if ((s = atomic_load(&t->sched)) != NULL)
		k6c__sched_abort(s);
}

K6C_EXTERN(int) k6c_test_exit_code(const k6c_test *t)
{
	return t ? t->exit_code : -1;
}

K6C_EXTERN(const char *) k6c_test_summary_json(const k6c_test *t)
{
	return t ? t->summary_json : NULL;
}

K6C_EXTERN(const char *) k6c_test_summary_text(const k6c_test *t)
{
	return t ? t->summary_text : NULL;
}

K6C_EXTERN(const char *) k6c_test_summary_stderr(const k6c_test *t)
{
	return t ? t->summary_stderr : NULL;
}

K6C_EXTERN(const char *) k6c_test_options_json(const k6c_test *t)
{
	return t ? t->consolidated : NULL;
}

K6C_EXTERN(int) k6c_test_set_config_file(k6c_test *t, const char *path)
{
	char *p = NULL;

	CHECK_IDLE(t, "k6c_test_set_config_file");
	if (path && !*path)
		return k6c__error(K6C_EINVAL, "k6c_test_set_config_file: path is empty");
	if (path && !(p = k6c__strdup(path)))
		return k6c__error(K6C_ENOMEM, "k6c_test_set_config_file: out of memory");
	k6c__free(t->config_path);
	t->config_path = p;
	return 0;
}

K6C_EXTERN(int) k6c_test_set_paused(k6c_test *t, int paused)
{
	if (!t)
		return k6c__error(K6C_EINVAL, "k6c_test_set_paused: test is NULL");
	atomic_store(&t->paused, paused != 0);
	pthread_mutex_lock(&t->sched_mu);
	if (t->sched_owned)
		k6c__sched_pause(t->sched_owned, paused != 0);
	pthread_mutex_unlock(&t->sched_mu);
	return 0;
}

K6C_EXTERN(int) k6c_test_scale(k6c_test *t, const char *scenario, unsigned vus, unsigned max_vus)
{
	int rc;

	if (!t)
		return k6c__error(K6C_EINVAL, "k6c_test_scale: test is NULL");
	pthread_mutex_lock(&t->sched_mu);
	if (!t->sched_owned || !atomic_load(&t->running))
		rc = k6c__error(K6C_ESTATE, "k6c_test_scale: the test is not running");
	else
		rc = k6c__sched_scale(t->sched_owned, scenario, vus, max_vus);
	pthread_mutex_unlock(&t->sched_mu);
	return rc;
}

K6C_EXTERN(int) k6c_test_progress(k6c_test *t, size_t index, k6c_scenario_progress *out)
{
	k6c__scenario_progress p;
	int rc;

	if (!t || !out)
		return k6c__error(K6C_EINVAL, "k6c_test_progress: NULL argument");
	pthread_mutex_lock(&t->sched_mu);
	if (!t->sched_owned)
		rc = k6c__error(K6C_ENOTFOUND, "k6c_test_progress: no run has reached the scenarios");
	else
		rc = k6c__sched_progress(t->sched_owned, index, &p);
	pthread_mutex_unlock(&t->sched_mu);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	/* The names live as long as the scheduler, which is replaced only by
	 * the next run or freed by k6c_test_free, as documented. */
	out->name = p.name;
	out->executor = k6c__executor_name(p.executor);
	out->state = (k6c_scenario_state)p.state;
	out->progress = p.progress;
	out->elapsed_ms = p.elapsed_ms;
	out->vus_active = p.vus_active;
	out->vus_max = p.vus_max;
	out->iterations_complete = p.iterations_complete;
	out->iterations_interrupted = p.iterations_interrupted;
	out->iterations_dropped = p.iterations_dropped;
	return 0;
}

K6C_EXTERN(int) k6c_test_inspect(k6c_test *t)
{
	run_ctx c;
	int rc;

	if ((rc = begin_run(t, "k6c_test_inspect")))
		return rc;
	if (t->started) {
		end_run(t);
		return k6c__error(K6C_ESTATE, "k6c_test_inspect: the test was started; wait for it first");
	}
	memset(&c, 0, sizeof(c));
	c.t = t;
	k6c__free(t->consolidated);
	t->consolidated = NULL;
	rc = load_test(t, &c);
	if (rc == 0)
		t->exit_code = EXIT_OK;
	if (rc == 1)
		rc = 0;
	run_ctx_free(&c);
	end_run(t);
	return rc;
}
