/*
 * test_api_out_statsd.c - API tier: the built-in `statsd` output against a
 * UDP listener in the test process on 127.0.0.1 (a large receive buffer,
 * drained by its own thread). A fixed-iteration script against the local
 * httpbin; the lines received for each metric equal the summary's counts
 * (on loopback nothing is lost at this size), in k6's formats (counters
 * `|c`, trends `|ms`, gauges `|g`, checks as `check.<name>.pass`), with
 * the namespace, datagrams of at most K6_STATSD_BUFFER_SIZE lines, and
 * DogStatsD tags only when enabled, without the blocklisted ones. Bad
 * K6_STATSD_* values fail the run with 104 naming the output.
 */
#include <arpa/inet.h>
#include <check.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <k6c.h>

#include "api_run.h"
#include "tcapture.h"
#include "tjson.h"

/* ---- the listener ---------------------------------------------------------- */

typedef struct listener {
	int fd, port;
	pthread_t th;
	/* Written by the thread, read after it is joined. */
	long datagrams, max_lines, lines, bad_lines;
	long http_reqs, http_reqs_sum, http_reqs_200, iterations, durations, check_pass, vus;
	long tagged, untagged_other, blocked_tags, other_ns;
} listener;

static void count_line(listener *l, const char *line, const char *ns)
{
	const char *name, *colon, *bar, *tags;
	size_t nl = strlen(ns);

	l->lines++;
	if (strncmp(line, ns, nl) != 0) {
		l->other_ns++;
		return;
	}
	name = line + nl;
	colon = strchr(name, ':');
	bar = colon ? strchr(colon, '|') : NULL;
	if (!colon || !bar) {
		l->bad_lines++;
		return;
	}
	tags = strstr(bar, "|#");
	if (tags) {
		l->tagged++;
		if (strstr(tags, "#vu:") || strstr(tags, ",vu:") || strstr(tags, "iter:") ||
		    strstr(tags, "url:"))
			l->blocked_tags++;
	}
#define IS(lit) ((size_t)(colon - name) == strlen(lit) && !strncmp(name, lit, strlen(lit)))
	/* vus and vus_max have no tags at all. */
	if (!tags && !IS("vus") && !IS("vus_max"))
		l->untagged_other++;
#undef IS
#define IS(lit) ((size_t)(colon - name) == strlen(lit) && !strncmp(name, lit, strlen(lit)))
	if (IS("http_reqs") && !strncmp(bar, "|c", 2)) {
		l->http_reqs++;
		l->http_reqs_sum += atol(colon + 1);
		if (tags && strstr(tags, "status:200"))
			l->http_reqs_200++;
	} else if (IS("iterations") && !strncmp(bar, "|c", 2)) {
		l->iterations++;
	} else if (IS("http_req_duration") && !strncmp(bar, "|ms", 3)) {
		l->durations++;
	} else if (IS("check.status is 200.pass") && !strncmp(colon, ":1|c", 4)) {
		l->check_pass++;
	} else if (IS("vus") && !strncmp(bar, "|g", 2)) {
		l->vus++;
	}
#undef IS
}

static const char *g_ns;

static void *listen_main(void *arg)
{
	listener *l = arg;
	static char buf[65536];
	ssize_t n;

	while ((n = recv(l->fd, buf, sizeof(buf) - 1, 0)) >= 0) {
		long k = 0;
		buf[n] = '\0';
		if (!strcmp(buf, "END"))
			break;
		l->datagrams++;
		for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save), k++)
			count_line(l, line, g_ns);
		if (k > l->max_lines)
			l->max_lines = k;
	}
	return NULL;
}

static void listener_start(listener *l)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int size = 16 << 20;

	memset(l, 0, sizeof(*l));
	ck_assert_int_ge(l->fd = socket(AF_INET, SOCK_DGRAM, 0), 0);
	/* As root the buffer may exceed rmem_max; otherwise take what is
	 * allowed: the thread drains it as the datagrams come. */
	if (setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(l->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(l->fd, (struct sockaddr *)&a, &len), 0);
	l->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&l->th, NULL, listen_main, l), 0);
}

/* Sends the end marker (after everything the run sent: one receiver on
 * loopback gets datagrams in order) and joins the thread. */
static void listener_stop(listener *l)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)l->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(sendto(fd, "END", 3, 0, (struct sockaddr *)&a, sizeof(a)), 3);
	close(fd);
	pthread_join(l->th, NULL);
	close(l->fd);
}

/* ---- runs ------------------------------------------------------------------- */

static const char SCRIPT[] =
	"import http from 'k6/http';\n"
	"import { check } from 'k6';\n"
	"export default function () {\n"
	"  const r = http.get(`${__ENV.BASE_URL}/get?a=1`);\n"
	"  check(r, { 'status is 200': (x) => x.status === 200 });\n"
	"}\n";

/* One run with the statsd output at the listener; env pairs set around
 * k6c_test_set_system_env. */
static k6c_test *run_statsd(listener *l, tcap *cap, const char *const *env, long *all)
{
	char addr[64];
	k6c_test *t = ar_make_test(cap, "statsd.js", SCRIPT,
		"{\"vus\":3,\"iterations\":40,\"systemTags\":[\"scenario\","
		"\"vu\",\"iter\",\"url\",\"name\",\"method\",\"status\",\"check\",\"group\"]}");

	snprintf(addr, sizeof(addr), "127.0.0.1:%d", l->port);
	ck_assert_int_eq(setenv("K6_STATSD_ADDR", addr, 1), 0);
	ck_assert_int_eq(setenv("K6_STATSD_PUSH_INTERVAL", "50ms", 1), 0);
	for (size_t i = 0; env && env[i]; i += 2)
		ck_assert_int_eq(setenv(env[i], env[i + 1], 1), 0);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	unsetenv("K6_STATSD_ADDR");
	unsetenv("K6_STATSD_PUSH_INTERVAL");
	for (size_t i = 0; env && env[i]; i += 2)
		unsetenv(env[i]);
	ck_assert_int_eq(k6c_test_add_output(t, "statsd"), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, &ar_count_vt, all), 0);
	ar_run(t, cap, 0);
	return t;
}

START_TEST(test_api_out_statsd__counts_with_tags)
{
	static const char *const env[] = { "K6_STATSD_ENABLE_TAGS", "true",
		"K6_STATSD_NAMESPACE", "k6c_test.", "K6_STATSD_BUFFER_SIZE", "5", NULL };
	listener l;
	tcap cap;
	k6c_test *t;
	double reqs, iters, passes;
	long all = 0;

	listener_start(&l);
	g_ns = "k6c_test.";
	t = run_statsd(&l, &cap, env, &all);
	listener_stop(&l);
	reqs = ar_summary_value(t, "http_reqs", "count");
	iters = ar_summary_value(t, "iterations", "count");
	passes = ar_summary_value(t, "checks", "passes");
	ck_assert(reqs == 40 && iters == 40 && passes == 40);
	ck_assert_int_eq(l.other_ns, 0);
	ck_assert_int_eq(l.bad_lines, 0);
	/* One line per sample of every metric, none lost on loopback. */
	ck_assert_int_gt(all, 200);
	ck_assert_int_eq(l.lines, all);
	ck_assert(l.http_reqs == reqs);
	ck_assert(l.http_reqs_sum == reqs);
	ck_assert(l.http_reqs_200 == reqs);
	ck_assert(l.iterations == iters);
	ck_assert(l.durations == reqs);
	ck_assert(l.check_pass == passes);
	ck_assert_int_ge(l.vus, 1);
	/* Every sample's line is tagged (scenario at least), never with vu,
	 * iter or url. */
	ck_assert_int_eq(l.untagged_other, 0);
	ck_assert_int_gt(l.tagged, 0);
	ck_assert_int_eq(l.blocked_tags, 0);
	ck_assert_int_le(l.max_lines, 5);
	ck_assert_int_ge(l.datagrams, l.lines / 5);
	ck_assert_uint_eq(tcap_count(&cap, -1, "statsd\""), 0);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_out_statsd__defaults_untagged)
{
	listener l;
	tcap cap;
	k6c_test *t;
	long all = 0;

	listener_start(&l);
	g_ns = "k6.";
	t = run_statsd(&l, &cap, NULL, &all);
	listener_stop(&l);
	ck_assert(l.http_reqs == ar_summary_value(t, "http_reqs", "count"));
	ck_assert(l.iterations == ar_summary_value(t, "iterations", "count"));
	ck_assert_int_eq(l.other_ns, 0);
	ck_assert_int_eq(l.tagged, 0);
	ck_assert_int_le(l.max_lines, 20);
	ck_assert_int_eq(l.lines, all);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_out_statsd__bad_config)
{
	static const ar_bad_output cases[] = {
		{ "K6_STATSD_BUFFER_SIZE", "0", "statsd", "invalid K6_STATSD_BUFFER_SIZE '0'" },
		{ "K6_STATSD_PUSH_INTERVAL", "never", "statsd", "invalid K6_STATSD_PUSH_INTERVAL 'never'" },
		{ "K6_STATSD_ENABLE_TAGS", "yes", "statsd", "invalid K6_STATSD_ENABLE_TAGS 'yes'" },
		{ NULL, NULL, "statsd=localhost:8125", "takes no argument" },
	};

	ar_assert_bad_outputs("statsd.js", SCRIPT, "statsd", cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

int main(void)
{
	const sr_case cases[] = {
		{ "counts_with_tags", test_api_out_statsd__counts_with_tags },
		{ "defaults_untagged", test_api_out_statsd__defaults_untagged },
		{ "bad_config", test_api_out_statsd__bad_config },
	};

	return sr_main("test_api_out_statsd",
		sr_suite("api_out_statsd", cases, sizeof(cases) / sizeof(cases[0])));
}
