/*
 * test_output.c - unit tests of lib/output: the holdback buffer's order
 * (sorted by time, stable for equal times, within and across batches), the
 * watermark (samples newer than it wait, older ones go out at the next
 * tick), late samples (their time raised, the lag grown), metadata copied
 * at push, the start/stop sequence and its failures, k6c__sink_fail, and
 * the registry of named outputs.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/outfile.h"
#include "output/output.h"

/* ---- a sink that keeps what it gets --------------------------------------- */

typedef struct got {
	int64_t time_us[4096];
	double value[4096];
	char md[4096][16];
	size_t n;
	int batches, empty, starts, stops, frees, stop_code;
	int fail_start, abort_in_add;
	atomic_int delivered;
} got;

static int g_start(k6c_sink *s, void *p, const k6c_sink_start_info *info)
{
	got *g = p;

	(void)info;
	g->starts++;
	if (g->fail_start) {
		k6c__sink_fail(s, 0, "cannot open results.db");
		return 1;
	}
	return 0;
}

static int g_add(k6c_sink *s, void *p, const k6c_sample *v, size_t n)
{
	got *g = p;

	g->batches++;
	if (n == 0)
		g->empty++;
	for (size_t i = 0; i < n && g->n < 4096; i++) {
		g->time_us[g->n] = v[i].time_us;
		g->value[g->n] = v[i].value;
		snprintf(g->md[g->n], sizeof(g->md[0]), "%s", v[i].nmetadata ? v[i].metadata[0].value : "");
		g->n++;
	}
	atomic_store(&g->delivered, (int)g->n);
	if (g->abort_in_add)
		k6c__sink_fail(s, 1, "remote said no");
	return 0;
}

static int g_stop(k6c_sink *s, void *p, int exit_code)
{
	got *g = p;

	(void)s;
	g->stops++;
	g->stop_code = exit_code;
	return 0;
}

static void g_free(void *p)
{
	((got *)p)->frees++;
}

static const k6c_sink_vtable g_vt = { K6C_SINK_VERSION, NULL, g_start, g_add, g_stop, g_free };

static const k6c_metric_info g_metric = { 0, "m", K6C_METRIC_COUNTER, K6C_CONTAINS_DEFAULT };

static int aborts;
static char last_log[512];
static int nlogs;

static void on_abort(void *arg)
{
	(void)arg;
	aborts++;
}

static void on_log(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level == K6C_LOG_ERROR) {
		snprintf(last_log, sizeof(last_log), "%s", msg);
		nlogs++;
	}
}

static k6c_sample smp(int64_t t, double v)
{
	k6c_sample s;

	memset(&s, 0, sizeof(s));
	s.metric = &g_metric;
	s.time_us = t;
	s.value = v;
	return s;
}

static k6c_sink *new_sink(got *g, const char *name)
{
	k6c_sink *s = NULL;

	ck_assert_int_eq(k6c__sink_new(&s, &g_vt, g, name), 0);
	return s;
}

static k6c__output *new_output_max(k6c_sink **sinks, size_t n, size_t queue_max)
{
	k6c__output_config cfg;
	k6c__output *o = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flush_interval_ms = 20;
	cfg.queue_max = queue_max;
	cfg.on_abort = on_abort;
	cfg.log = on_log;
	ck_assert_int_eq(k6c__output_new(&o, &cfg, sinks, n), 0);
	return o;
}

static k6c__output *new_output(k6c_sink **sinks, size_t n)
{
	return new_output_max(sinks, n, 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Waits (up to 20 s, never as an assertion on time) until g holds n. */
static void wait_delivered(got *g, int n)
{
	for (int i = 0; i < 2000 && atomic_load(&g->delivered) < n; i++)
		sleep_ms(10);
	ck_assert_int_ge(atomic_load(&g->delivered), n);
}

static k6c_sink_start_info g_info = { "t.js", "{}", &g_metric, 1, 0 };

/* ---- order ---------------------------------------------------------------- */

START_TEST(test_output_order__sorted_and_stable)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "a");
	k6c__output *o = new_output(&s, 1);
	int64_t base = k6c__wall_us() + 3600 * 1000000LL;  /* never below the watermark */
	k6c_sample batch[8];

	ck_assert_int_eq(k6c__output_start(o, &g_info), 0);
	/* Three pushes, unordered within and across; equal times must keep
	 * their push order (the values say which came first). */
	batch[0] = smp(base + 30, 1);
	batch[1] = smp(base + 10, 2);
	batch[2] = smp(base + 30, 3);
	k6c__output_push(o, batch, 3);
	batch[0] = smp(base + 20, 4);
	batch[1] = smp(base + 10, 5);
	k6c__output_push(o, batch, 2);
	batch[0] = smp(base + 30, 6);
	batch[1] = smp(base + 5, 7);
	k6c__output_push(o, batch, 2);
	k6c__output_push(o, batch, 0);
	k6c__output_stop(o, 99, NULL);

	static const double want[] = { 7, 2, 5, 4, 1, 3, 6 };
	ck_assert_int_eq(g->n, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_msg(g->value[i] == want[i], "position %zu: %g, expected %g", i, g->value[i], want[i]);
	/* Everything newer than the watermark came in the one final batch. */
	ck_assert_int_eq(g->batches, 1);
	ck_assert_int_eq(g->empty, 0);
	ck_assert_int_eq(g->starts, 1);
	ck_assert_int_eq(g->stops, 1);
	ck_assert_int_eq(g->stop_code, 99);
	ck_assert_uint_eq(k6c__output_delivered(o), 7);
	k6c__output_free(o);
	ck_assert_int_eq(g->frees, 0);
	k6c__sink_free(s);
	ck_assert_int_eq(g->frees, 1);
	free(g);
}
END_TEST

/* The output holds at most queue_max samples: past it, pushes are
 * dropped (and counted), not queued, so a stalled sink cannot make the
 * memory grow without bound. */
START_TEST(test_output_order__queue_bounded)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "a");
	k6c__output *o = new_output_max(&s, 1, 100);
	int64_t base = k6c__wall_us() + 3600 * 1000000LL;  /* held back until stop */
	k6c_sample batch[60];

	ck_assert_int_eq(k6c__output_start(o, &g_info), 0);
	for (int i = 0; i < 60; i++)
		batch[i] = smp(base + i, i);
	k6c__output_push(o, batch, 60);
	k6c__output_push(o, batch, 40);
	k6c__output_push(o, batch, 30);   /* 130 > 100: dropped whole */
	k6c__output_push(o, batch, 1);    /* still full */
	k6c__output_stop(o, 0, NULL);
	ck_assert_int_eq(g->n, 100);
	ck_assert_uint_eq(k6c__output_delivered(o), 100);
	k6c__output_free(o);
	k6c__sink_free(s);
	free(g);
}
END_TEST

/* Many pushes in one tick (more runs than one merge pass takes), each out
 * of order, with many equal times: sorted by time, equal times in push
 * order. */
START_TEST(test_output_order__many_runs)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "a");
	k6c__output *o = new_output(&s, 1);
	int64_t base = k6c__wall_us() + 3600 * 1000000LL;
	unsigned x = 12345;
	double v = 0;

	ck_assert_int_eq(k6c__output_start(o, &g_info), 0);
	for (int p = 0; p < 40; p++) {
		k6c_sample batch[50];
		for (int i = 0; i < 50; i++) {
			x = x * 1103515245u + 12345u;
			batch[i] = smp(base + (x >> 16) % 100, v++);
		}
		k6c__output_push(o, batch, 50);
	}
	k6c__output_stop(o, 0, NULL);
	ck_assert_int_eq(g->n, 2000);
	for (size_t i = 1; i < g->n; i++) {
		ck_assert_msg(g->time_us[i - 1] <= g->time_us[i], "time goes back at %zu", i);
		if (g->time_us[i - 1] == g->time_us[i])
			ck_assert_msg(g->value[i - 1] < g->value[i], "equal times out of push order at %zu", i);
	}
	k6c__output_free(o);
	k6c__sink_free(s);
	free(g);
}
END_TEST

/* Old samples go out at the next tick, newer ones wait for the watermark;
 * a sample older than what went out gets the last delivered time. */
START_TEST(test_output_order__watermark_and_late)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "a");
	k6c__output *o = new_output(&s, 1);
	int64_t now = k6c__wall_us();
	k6c_sample x;

	ck_assert_int_eq(k6c__output_start(o, &g_info), 0);
	ck_assert_int_eq(k6c__output_lag_us(o), 40000);
	x = smp(now + 3600 * 1000000LL, 1);  /* the future: held until stop */
	k6c__output_push(o, &x, 1);
	x = smp(now - 10 * 1000000LL, 2);
	k6c__output_push(o, &x, 1);
	wait_delivered(g, 1);
	ck_assert_int_eq(g->batches, 1);
	ck_assert(g->value[0] == 2);
	/* Later than any lag: delivered after the first, with its time. */
	x = smp(now - 20 * 1000000LL, 3);
	k6c__output_push(o, &x, 1);
	wait_delivered(g, 2);
	ck_assert(g->value[1] == 3);
	ck_assert_int_eq(g->time_us[1], now - 10 * 1000000LL);
	/* The lag grew to cover such a delay, up to its cap of 5 s. */
	ck_assert_int_eq(k6c__output_lag_us(o), 5000000);
	ck_assert_int_eq(atomic_load(&g->delivered), 2);
	k6c__output_stop(o, 0, NULL);
	ck_assert_int_eq(g->n, 3);
	ck_assert(g->value[2] == 1);
	ck_assert_int_eq(g->batches, 3);
	k6c__output_free(o);
	k6c__sink_free(s);
	free(g);
}
END_TEST

START_TEST(test_output_order__metadata_copied)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "a");
	k6c__output *o = new_output(&s, 1);
	char key[8] = "vu", val[8] = "17";
	k6c_tag md = { key, val };
	k6c_sample x = smp(k6c__wall_us(), 1);

	x.metadata = &md;
	x.nmetadata = 1;
	/* Before start and after stop, pushes are dropped. */
	k6c__output_push(o, &x, 1);
	ck_assert_int_eq(k6c__output_start(o, &g_info), 0);
	k6c__output_push(o, &x, 1);
	strcpy(val, "xx");
	k6c__output_stop(o, 0, NULL);
	k6c__output_push(o, &x, 1);
	ck_assert_int_eq(g->n, 1);
	ck_assert_str_eq(g->md[0], "17");
	k6c__output_free(o);
	k6c__sink_free(s);
	free(g);
}
END_TEST

/* ---- life cycle and errors ------------------------------------------------ */

START_TEST(test_output_life__start_fails)
{
	got *g[3];
	k6c_sink *s[3];
	k6c__output *o;

	for (int i = 0; i < 3; i++) {
		g[i] = calloc(1, sizeof(*g[i]));
		s[i] = new_sink(g[i], i == 1 ? "db" : "other");
	}
	g[1]->fail_start = 1;
	o = new_output(s, 3);
	ck_assert_int_eq(k6c__output_start(o, &g_info), K6C_EIO);
	ck_assert_str_eq(k6c_error_last()->message, "could not start output \"db\": cannot open results.db");
	ck_assert_int_eq(k6c__output_start(o, &g_info), K6C_ESTATE);
	k6c__output_stop(o, 255, NULL);
	k6c__output_stop(o, 0, NULL);
	ck_assert_int_eq(g[0]->starts, 1);
	ck_assert_int_eq(g[0]->stops, 1);
	ck_assert_int_eq(g[0]->stop_code, 255);
	ck_assert_int_eq(g[1]->starts, 1);
	ck_assert_int_eq(g[1]->stops, 0);
	ck_assert_int_eq(g[2]->starts, 0);
	ck_assert_int_eq(g[2]->stops, 0);
	k6c__output_free(o);
	for (int i = 0; i < 3; i++) {
		k6c__sink_free(s[i]);
		ck_assert_int_eq(g[i]->frees, 1);
		free(g[i]);
	}
}
END_TEST

START_TEST(test_output_life__never_started)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "a");
	k6c__output *o = new_output(&s, 1);

	k6c__output_free(o);
	ck_assert_int_eq(g->starts + g->stops + g->batches, 0);
	k6c__sink_free(s);
	ck_assert_int_eq(g->frees, 1);
	free(g);
}
END_TEST

START_TEST(test_output_life__abort)
{
	got *g = calloc(1, sizeof(*g));
	k6c_sink *s = new_sink(g, "remote");
	k6c__output *o = new_output(&s, 1);
	k6c_sample x = smp(k6c__wall_us() - 1000000, 1);
	const char *name, *msg;

	aborts = 0;
	nlogs = 0;
	g->abort_in_add = 1;
	ck_assert_int_eq(k6c__output_start(o, &g_info), 0);
	ck_assert(!k6c__output_aborted(o, NULL, NULL));
	k6c__output_push(o, &x, 1);
	wait_delivered(g, 1);
	k6c__output_push(o, &x, 1);
	wait_delivered(g, 2);
	/* Asked twice: the run is told once. */
	ck_assert_int_eq(aborts, 1);
	ck_assert(k6c__output_aborted(o, &name, &msg));
	ck_assert_str_eq(name, "remote");
	ck_assert_str_eq(msg, "remote said no");
	k6c__output_stop(o, 255, NULL);
	/* After stop there is nothing to abort: only logged, once. */
	k6c__sink_fail(s, 1, "late");
	k6c__sink_fail(s, 1, "late");
	ck_assert_int_eq(aborts, 1);
	ck_assert_str_eq(last_log, "output \"remote\": late");
	ck_assert_int_eq(nlogs, 1);
	k6c__sink_fail(s, 0, "other");
	ck_assert_int_eq(nlogs, 2);
	k6c__output_free(o);
	/* Between runs a sink has nobody to tell. */
	ck_assert_int_eq(k6c__sink_fail(s, 1, NULL), 0);
	ck_assert_int_eq(nlogs, 2);
	k6c__sink_free(s);
	free(g);
}
END_TEST

START_TEST(test_output_life__bad_vtables)
{
	k6c_sink_vtable v = g_vt;
	got g;
	k6c_sink *s = (k6c_sink *)&g;

	memset(&g, 0, sizeof(g));
	v.version = 2;
	ck_assert_int_eq(k6c__sink_new(&s, &v, &g, "x"), K6C_ENOTSUP);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(g.frees, 1);
	v = g_vt;
	v.add_samples = NULL;
	ck_assert_int_eq(k6c__sink_new(&s, &v, &g, "x"), K6C_EINVAL);
	ck_assert_int_eq(g.frees, 2);
	ck_assert_int_eq(k6c__sink_new(&s, NULL, &g, "x"), K6C_EINVAL);
	ck_assert_int_eq(g.frees, 2);
}
END_TEST

/* ---- named outputs -------------------------------------------------------- */

static int nop_factory(const k6c_output_params *params, void *fp, const k6c_sink_vtable **vt,
	void **payload, char *err, size_t errlen)
{
	(void)params, (void)fp, (void)vt, (void)payload, (void)err, (void)errlen;
	return 1;
}

START_TEST(test_output_registry__names)
{
	k6c__output_list l;
	k6c__output_entry e;
	k6c__buf b = K6C__BUF_INIT;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(k6c__output_name_check("output-prometheus-remote", "f"), 0);
	ck_assert_int_eq(k6c__output_name_check("a_B-9", "f"), 0);
	ck_assert_int_eq(k6c__output_name_check("a=b", "f"), K6C_EINVAL);
	ck_assert_int_eq(k6c__output_name_check("", "f"), K6C_EINVAL);
	ck_assert_int_eq(k6c__output_name_check(NULL, "f"), K6C_EINVAL);
	/* The built-ins are always there, and cannot be registered again. */
	ck_assert_int_eq(k6c__output_names(NULL, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.ptr, "json"));
	ck_assert_ptr_nonnull(strstr(b.ptr, "influxdb, "));
	ck_assert_ptr_nonnull(strstr(b.ptr, "statsd"));
	ck_assert_int_eq(k6c__output_find("json", &e), 0);
	ck_assert(e.factory != NULL);
	ck_assert_int_eq(k6c__output_register("json", nop_factory, NULL), K6C_ECONFIG);
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__output_names(NULL, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.ptr, "experimental-prometheus-rw, "));
	ck_assert_ptr_nonnull(strstr(b.ptr, "output-prometheus-remote"));
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__output_find("experimental-prometheus-rw", &e), 0);
	ck_assert(e.factory != NULL);
	ck_assert_int_eq(k6c__output_register("output-prometheus-remote", nop_factory, NULL),
		K6C_ECONFIG);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "as a built-in"));

	ck_assert_int_eq(k6c__output_register("zeta", nop_factory, NULL), 0);
	ck_assert_int_eq(k6c__output_register("zeta", nop_factory, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c__output_register("alpha", nop_factory, &l), 0);
	ck_assert_int_eq(k6c__output_find("alpha", &e), 0);
	ck_assert_ptr_eq(e.payload, &l);
	ck_assert_int_eq(k6c__output_find("beta", &e), K6C_ENOTFOUND);
	ck_assert_int_eq(k6c__output_list_add(&l, "mid", nop_factory, NULL, "f"), 0);
	ck_assert_int_eq(k6c__output_list_add(&l, "mid", nop_factory, NULL, "f"), K6C_ECONFIG);
	ck_assert_int_eq(k6c__output_list_add(&l, "alpha", nop_factory, NULL, "f"), 0);
	ck_assert_ptr_nonnull(k6c__output_list_find(&l, "mid"));
	ck_assert_int_eq(k6c__output_names(&l, &b), 0);
	/* Sorted, each once, built-ins among them. */
	ck_assert_ptr_nonnull(strstr(b.ptr, "alpha, "));
	ck_assert_ptr_nonnull(strstr(b.ptr, "json, mid, "));
	ck_assert_ptr_nonnull(strstr(b.ptr, ", zeta"));
	ck_assert_ptr_null(strstr(strstr(b.ptr, "alpha") + 1, "alpha"));
	ck_assert(strstr(b.ptr, "alpha") < strstr(b.ptr, "experimental-prometheus-rw"));
	ck_assert(strstr(b.ptr, "experimental-prometheus-rw") < strstr(b.ptr, "json"));
	ck_assert(strstr(b.ptr, "mid") < strstr(b.ptr, "output-prometheus-remote"));
	ck_assert(strstr(b.ptr, "output-prometheus-remote") < strstr(b.ptr, "zeta"));
	k6c__buf_free(&b);
	k6c__output_list_free(&l);
}
END_TEST

/* ---- the file outputs' text forms --------------------------------------- */

static const char *num(k6c__buf *b, double v)
{
	k6c__buf_clear(b);
	ck_assert_int_eq(k6c__fmt_json_number(b, v), 0);
	return b->ptr;
}

/* Go's encoding/json: plain decimals between 1e-6 and 1e21, shortest. */
START_TEST(test_output_format__json_numbers)
{
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_str_eq(num(&b, 0), "0");
	ck_assert_str_eq(num(&b, 1), "1");
	ck_assert_str_eq(num(&b, -2.5), "-2.5");
	ck_assert_str_eq(num(&b, 104.293), "104.293");
	ck_assert_str_eq(num(&b, 0.1), "0.1");
	ck_assert_str_eq(num(&b, 1.0 / 3), "0.3333333333333333");
	ck_assert_str_eq(num(&b, 1500000), "1500000");
	ck_assert_str_eq(num(&b, 123456789012.5), "123456789012.5");
	ck_assert_str_eq(num(&b, 0.000015), "0.000015");
	ck_assert_str_eq(num(&b, 0.000001), "0.000001");
	ck_assert_str_eq(num(&b, 1e-7), "1e-7");
	ck_assert_str_eq(num(&b, 1.25e-10), "1.25e-10");
	ck_assert_str_eq(num(&b, 1e20), "100000000000000000000");
	ck_assert_str_eq(num(&b, 1e21), "1e+21");
	ck_assert_str_eq(num(&b, 1.5e300), "1.5e+300");
	k6c__buf_free(&b);
}
END_TEST

static const char *when(k6c__buf *b, int64_t us, bool nano)
{
	k6c__buf_clear(b);
	ck_assert_int_eq(k6c__fmt_rfc3339(b, us, nano), 0);
	return b->ptr;
}

/* Go's RFC3339Nano in the local zone: fraction without trailing zeros,
 * none for a whole second, "Z" for UTC. */
START_TEST(test_output_format__times)
{
	k6c__buf b = K6C__BUF_INIT;
	/* 2025-03-01T11:00:01Z */
	int64_t t = 1740826801LL * 1000000;

	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_str_eq(when(&b, t, true), "2025-03-01T11:00:01Z");
	ck_assert_str_eq(when(&b, t + 123456, true), "2025-03-01T11:00:01.123456Z");
	ck_assert_str_eq(when(&b, t + 200000, true), "2025-03-01T11:00:01.2Z");
	ck_assert_str_eq(when(&b, t + 200000, false), "2025-03-01T11:00:01Z");
	/* POSIX zone strings: no tzdata needed. */
	setenv("TZ", "CET-1", 1);
	tzset();
	ck_assert_str_eq(when(&b, t + 120, true), "2025-03-01T12:00:01.00012+01:00");
	setenv("TZ", "NST+3:30", 1);
	tzset();
	ck_assert_str_eq(when(&b, t, false), "2025-03-01T07:30:01-03:30");
	unsetenv("TZ");
	tzset();
	k6c__buf_free(&b);
}
END_TEST

static const char *field(k6c__buf *b, const char *s)
{
	k6c__buf_clear(b);
	ck_assert_int_eq(k6c__fmt_csv_field(b, s), 0);
	return b->ptr ? b->ptr : "";
}

/* Go's encoding/csv quoting. */
START_TEST(test_output_format__csv_fields)
{
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_str_eq(field(&b, ""), "");
	ck_assert_str_eq(field(&b, "plain"), "plain");
	ck_assert_str_eq(field(&b, "a,b"), "\"a,b\"");
	ck_assert_str_eq(field(&b, "say \"hi\""), "\"say \"\"hi\"\"\"");
	ck_assert_str_eq(field(&b, " lead"), "\" lead\"");
	ck_assert_str_eq(field(&b, "two\nlines"), "\"two\nlines\"");
	ck_assert_str_eq(field(&b, "trail "), "trail ");
	k6c__buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_output_order__sorted_and_stable);
	tcase_add_test(tc, test_output_order__many_runs);
	tcase_add_test(tc, test_output_order__watermark_and_late);
	tcase_add_test(tc, test_output_order__metadata_copied);
	tcase_add_test(tc, test_output_order__queue_bounded);
	tcase_add_test(tc, test_output_life__start_fails);
	tcase_add_test(tc, test_output_life__never_started);
	tcase_add_test(tc, test_output_life__abort);
	tcase_add_test(tc, test_output_life__bad_vtables);
	tcase_add_test(tc, test_output_registry__names);
	tcase_add_test(tc, test_output_format__json_numbers);
	tcase_add_test(tc, test_output_format__times);
	tcase_add_test(tc, test_output_format__csv_fields);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
