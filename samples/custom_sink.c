/*
 * custom_sink.c - a host program with a sink of its own: it runs a small
 * in-memory script that GETs a URL with 2 VUs for a few seconds, and a sink
 * counts the http_reqs samples per second of the test, printing each second
 * as it completes, then the total and the summary. Public API only.
 *
 * Usage: custom_sink URL [DURATION]   (or TARGET=URL custom_sink)
 * Exit code: the test's (k6's exit codes); 255 on an API error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <k6c.h>

static const char script[] =
	"import http from 'k6/http';\n"
	"import { sleep } from 'k6';\n"
	"export default function () {\n"
	"  http.get(__ENV.TARGET);\n"
	"  sleep(0.05);\n"
	"}\n";

/* The sink's state. Its callbacks all run on the test's output thread, one
 * at a time, so it needs no lock. */
typedef struct per_second {
	int64_t start_us;      /* the test's start: second 0 begins here */
	int64_t second;        /* the second being counted, -1 before any */
	uint64_t count;        /* requests in it */
	uint64_t total;
} per_second;

static void print_second(per_second *ps)
{
	if (ps->second >= 0)
		printf("%8" PRId64 " %10" PRIu64 "\n", ps->second, ps->count);
}

static const char *ps_description(k6c_sink *sink, void *payload)
{
	(void)sink, (void)payload;
	return "per-second request counts (stdout)";
}

static int ps_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
{
	per_second *ps = payload;

	(void)sink;
	ps->start_us = info->start_us;
	ps->second = -1;
	printf("%8s %10s\n", "second", "requests");
	return 0;
}

/* Samples come in time order, so a second is complete as soon as a sample
 * of a later one arrives. */
static int ps_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	per_second *ps = payload;

	(void)sink;
	for (size_t i = 0; i < n; i++) {
		int64_t second;

		if (strcmp(samples[i].metric->name, "http_reqs") != 0)
			continue;
		second = (samples[i].time_us - ps->start_us) / 1000000;
		if (second < 0)
			second = 0;
		if (second != ps->second) {
			print_second(ps);
			/* Seconds without a request print as 0. */
			for (int64_t s = ps->second + 1; ps->second >= 0 && s < second; s++)
				printf("%8" PRId64 " %10d\n", s, 0);
			ps->second = second;
			ps->count = 0;
		}
		ps->count++;
		ps->total++;
	}
	return 0;
}

static int ps_stop(k6c_sink *sink, void *payload, int exit_code)
{
	per_second *ps = payload;

	(void)sink;
	print_second(ps);
	printf("total: %" PRIu64 " requests (exit code %d)\n", ps->total, exit_code);
	fflush(stdout);
	return 0;
}

static void ps_free(void *payload)
{
	free(payload);
}

static const k6c_sink_vtable per_second_vt = {
	K6C_SINK_VERSION, ps_description, ps_start, ps_add, ps_stop, ps_free
};

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : getenv("TARGET");
	const char *duration = argc > 2 ? argv[2] : "3s";
	char options[128];
	k6c_test *test = NULL;
	per_second *ps;
	int code, rc;

	if (!url || !*url) {
		fprintf(stderr, "usage: custom_sink URL [DURATION]  (or TARGET=URL custom_sink)\n");
		return 255;
	}
	snprintf(options, sizeof(options), "{\"vus\":2,\"duration\":\"%s\"}", duration);
	rc = k6c_test_new(&test);
	if (rc == 0)
		rc = k6c_test_set_script_source(test, "custom_sink.js", script, strlen(script));
	if (rc == 0)
		rc = k6c_test_set_env(test, "TARGET", url);
	if (rc == 0)
		rc = k6c_test_set_options(test, options);
	if (rc == 0) {
		/* The test owns the payload from here on, even if this fails. */
		ps = calloc(1, sizeof(*ps));
		rc = ps ? k6c_test_add_sink(test, &per_second_vt, ps) : K6C_ENOMEM;
	}
	if (rc == 0)
		rc = k6c_test_run(test);
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();
		fprintf(stderr, "custom_sink: %s\n", e ? e->message : k6c_strerror(rc));
		k6c_test_free(test);
		return 255;
	}
	if (k6c_test_summary_text(test))
		puts(k6c_test_summary_text(test));
	code = k6c_test_exit_code(test);
	k6c_test_free(test);
	return code;
}
