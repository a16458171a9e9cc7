/*
 * custom_module.c - a host that adds its own JavaScript module: it registers
 * `k6/x/counter` in-process (no plugin, no rebuild of anything) and runs a
 * script that uses it. What xk6 does with a custom k6 binary, in C:
 *
 *   - per-test state shared by every VU (an atomic counter, made by
 *     test_init, freed by test_free);
 *   - per-VU state (how many times this VU counted), made by vu_init with
 *     the exports, freed by vu_free;
 *   - a custom Counter metric, counter_adds, defined in the init context and
 *     emitted from C with an extra tag;
 *   - an asynchronous function returning a Promise settled by a thread of
 *     the module's own, as a module with its own I/O thread would.
 *
 * Usage: custom_module (exit code: k6's; 0 when the script's checks and
 * thresholds pass). Public API only: k6c.h and k6c/module.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <k6c.h>
#include <k6c/module.h>

static const char script[] =
	"import counter from 'k6/x/counter';\n"
	"import { check } from 'k6';\n"
	"export const options = {\n"
	"  vus: 3, iterations: 30,\n"
	"  thresholds: { checks: ['rate==1'], counter_adds: ['count==30'] },\n"
	"};\n"
	"export default async function () {\n"
	"  const total = counter.add();\n"
	"  check(total, { 'total grows': (t) => t >= 1 && t <= 30 });\n"
	"  const doubled = await counter.double(counter.mine());\n"
	"  check(doubled, { 'double': (d) => d === 2 * counter.mine() });\n"
	"}\n"
	"export function teardown() {\n"
	"  console.log(`total: ${counter.total()}`);\n"
	"}\n";

/* ---- The module --------------------------------------------------------- */

/* Per test: shared by the VUs of every worker thread, hence atomic. */
typedef struct counter_test {
	atomic_long total;
} counter_test;

/* Per VU: only ever used on the VU's thread. */
typedef struct counter_vu {
	counter_test *test;
	k6c_vu *vu;
	int metric;                  /* counter_adds */
	long mine;
} counter_vu;

static int counter_test_init(void *payload, void **test_state)
{
	counter_test *t = calloc(1, sizeof(*t));

	(void)payload;
	if (t == NULL) {
		k6c_mod_set_error("k6/x/counter: out of memory");
		return -1;
	}
	atomic_init(&t->total, 0);
	*test_state = t;
	return 0;
}

static void counter_test_free(void *payload, void *test_state)
{
	(void)payload;
	free(test_state);
}

/* counter.add(): counts once for the test and the VU, adds a sample. */
static duk_ret_t counter_add(duk_context *ctx)
{
	counter_vu *v = k6c_mod_data(ctx);
	k6c_tag tag = { "source", "custom_module" };
	long total = atomic_fetch_add(&v->test->total, 1) + 1;

	v->mine++;
	if (k6c_vu_emit(v->vu, v->metric, 1, &tag, 1) != 0)
		k6c_mod_throw(ctx, "counter.add: %s", k6c_error_last()->message);
	duk_push_number(ctx, (double)total);
	return 1;
}

static duk_ret_t counter_mine(duk_context *ctx)
{
	counter_vu *v = k6c_mod_data(ctx);

	duk_push_number(ctx, (double)v->mine);
	return 1;
}

static duk_ret_t counter_total(duk_context *ctx)
{
	counter_vu *v = k6c_mod_data(ctx);

	duk_push_number(ctx, (double)atomic_load(&v->test->total));
	return 1;
}

/* counter.double(n): a Promise of 2n, computed on a thread of our own. */
typedef struct double_job {
	k6c_promise *promise;
	double n;
} double_job;

/* On the VU (ctx) or, if the VU is gone, anywhere (ctx NULL). */
static int double_outcome(duk_context *ctx, void *arg)
{
	double_job *job = arg;
	double value = job->n * 2;

	free(job);
	if (ctx == NULL)
		return 0;
	duk_push_number(ctx, value);
	return 0;
}

static void *double_worker(void *arg)
{
	double_job *job = arg;
	struct timespec ts = { 0, 5 * 1000000L };

	nanosleep(&ts, NULL);                /* "I/O" */
	k6c_promise_settle(job->promise, double_outcome, job);
	return NULL;
}

/* Rejects a promise that could not get its job. */
static int oom_outcome(duk_context *ctx, void *arg)
{
	(void)arg;
	if (ctx == NULL)
		return 0;
	duk_push_error_object(ctx, DUK_ERR_ERROR, "counter.double: out of memory");
	return 1;
}

static duk_ret_t counter_double(duk_context *ctx)
{
	double n = k6c_mod_arg_number(ctx, 0, "counter.double", "n");
	/* Pushes the promise; throws (before anything is ours) if out of
	 * memory. From here on it must be settled exactly once. */
	k6c_promise *promise = k6c_promise_new(ctx);
	double_job *job = malloc(sizeof(*job));
	pthread_t th;

	if (job == NULL) {
		k6c_promise_settle(promise, oom_outcome, NULL);
		return 1;
	}
	job->n = n;
	job->promise = promise;
	if (pthread_create(&th, NULL, double_worker, job) != 0) {
		k6c_promise_settle(promise, double_outcome, job);   /* settled at once */
		return 1;
	}
	pthread_detach(th);
	return 1;
}

static void counter_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	static const k6c_mod_fn fns[] = {
		{ "add", counter_add, 0 },
		{ "mine", counter_mine, 0 },
		{ "total", counter_total, 0 },
		{ "double", counter_double, 1 },
		{ NULL, NULL, 0 },
	};
	counter_vu *v;
	int metric;

	(void)payload;
	/* Defined in every VU's init, as k6 scripts do: the same id each time. */
	if (k6c_vu_metric(vu, "counter_adds", K6C_METRIC_COUNTER, K6C_CONTAINS_DEFAULT,
		&metric) != 0)
		k6c_mod_throw(ctx, "k6/x/counter: %s", k6c_error_last()->message);
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		k6c_mod_throw(ctx, "k6/x/counter: out of memory");
	v->test = test_state;
	v->vu = vu;
	v->metric = metric;
	/* From here on vu_free owns v, even if a push below throws. */
	*vu_state = v;
	duk_push_object(ctx);
	k6c_mod_put_functions(ctx, -1, fns, v);
}

static void counter_vu_free(k6c_vu *vu, void *payload, void *test_state, void *vu_state)
{
	(void)vu;
	(void)payload;
	(void)test_state;
	free(vu_state);
}

static const k6c_module_def counter_module = {
	K6C_MODULE_ABI,
	"k6/x/counter",
	counter_test_init,
	counter_test_free,
	counter_vu_init,
	counter_vu_free,
};

/* ---- The host ----------------------------------------------------------- */

static void on_log(k6c_log_level level, const char *message, void *payload)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };

	(void)payload;
	fprintf(stderr, "[%s] %s\n", names[level & 3], message);
}

int main(void)
{
	k6c_test *test = NULL;
	int code, rc;

	/* For every test of the process; k6c_test_register_module() would
	 * make it one test's only. */
	rc = k6c_module_register(&counter_module, NULL);
	if (rc == 0)
		rc = k6c_test_new(&test);
	if (rc == 0)
		rc = k6c_test_set_script_source(test, "counter.js", script, strlen(script));
	if (rc == 0)
		rc = k6c_test_set_log_callback(test, on_log, NULL, NULL);
	if (rc == 0)
		rc = k6c_test_run(test);
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		fprintf(stderr, "custom_module: %s\n", e != NULL ? e->message : k6c_strerror(rc));
		k6c_test_free(test);
		return 255;
	}
	if (k6c_test_summary_text(test) != NULL)
		puts(k6c_test_summary_text(test));
	code = k6c_test_exit_code(test);
	k6c_test_free(test);
	return code;
}
