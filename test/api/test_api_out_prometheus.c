/*
 * test_api_out_prometheus.c - API tier: the Prometheus remote-write output
 * (`experimental-prometheus-rw`, `output-prometheus-remote`) against a real
 * Prometheus (Debian's `prometheus`) started here on 127.0.0.1 with its
 * remote-write receiver, no scrape targets and a temporary data directory.
 * Fixed-iteration scripts run with the output; PromQL queries then find the
 * summary's counts (http_reqs, iterations, a custom counter, the trend's
 * count stat), k6's series names and labels, native histograms (their
 * count and sum), the seed's configuration (K6_PROMETHEUS_REMOTE_URL),
 * stale markers, a dead endpoint (the test is
 * unchanged, the error logged with the output's name) and bad settings.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <k6c.h>

#include "api_run.h"
#include "server.h"
#include "tcapture.h"
#include "tjson.h"

/* ---- the Prometheus server ---------------------------------------------------- */

static pid_t prom_pid;
static int prom_port;
static char prom_dir[256];
static char prom_url[128];   /* the remote-write endpoint */
static char prom_why[512];   /* why it did not start */

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A GET on 127.0.0.1:port with HTTP/1.0 (the server closes when done).
 * Returns the status (the body, NUL-terminated, in *body; free it), or -1
 * when the connection failed. */
static int http_get(int port, const char *path, char **body)
{
	struct sockaddr_in sa;
	char req[4096], *buf = NULL, *p;
	size_t len = 0, cap = 0;
	int fd, status = -1;
	ssize_t n;

	*body = NULL;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 65536;
			/* No ck_assert here: this also runs before the suite. */
			if (!(buf = realloc(buf, cap)))
				abort();
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		return -1;
	buf[len] = '\0';
	if (sscanf(buf, "HTTP/%*s %d", &status) != 1)
		status = -1;
	p = strstr(buf, "\r\n\r\n");
	*body = strdup(p ? p + 4 : "");
	free(buf);
	return status;
}

/* Starts prometheus on a free port with a config that scrapes nothing,
 * and waits (up to 30 s) for /-/ready. Returns 0, or -1 with prom_why. */
static int prom_start(void)
{
	char cfg[300], log[300], listen[64], cfg_arg[320], path_arg[320];
	long long deadline;
	FILE *f;
	int status;

	snprintf(prom_dir, sizeof(prom_dir), "/tmp/k6c-prom-XXXXXX");
	if (!mkdtemp(prom_dir)) {
		snprintf(prom_why, sizeof(prom_why), "mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(cfg, sizeof(cfg), "%s/prometheus.yml", prom_dir);
	snprintf(log, sizeof(log), "%s/prometheus.log", prom_dir);
	if (!(f = fopen(cfg, "w"))) {
		snprintf(prom_why, sizeof(prom_why), "%s: %s", cfg, strerror(errno));
		return -1;
	}
	/* No scrape_configs: nothing is scraped, not even Prometheus itself. */
	fputs("global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\n", f);
	fclose(f);
	prom_port = ts_free_port();
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d", prom_port);
	snprintf(cfg_arg, sizeof(cfg_arg), "--config.file=%s", cfg);
	snprintf(path_arg, sizeof(path_arg), "--storage.tsdb.path=%s/data", prom_dir);
	snprintf(prom_url, sizeof(prom_url), "http://127.0.0.1:%d/api/v1/write", prom_port);
	fflush(NULL);
	prom_pid = fork();
	if (prom_pid < 0) {
		snprintf(prom_why, sizeof(prom_why), "fork: %s", strerror(errno));
		return -1;
	}
	if (prom_pid == 0) {
		char *argv[] = { "prometheus", cfg_arg, path_arg, listen,
			"--web.enable-remote-write-receiver", "--enable-feature=native-histograms",
			"--log.level=warn", NULL };
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		setpgid(0, 0);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execvp("prometheus", argv);
		fprintf(stderr, "exec prometheus: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(prom_pid, prom_pid);
	ts__remember(prom_pid);
	deadline = mono_ms() + 30000;
	for (;;) {
		char *body;
		int st = http_get(prom_port, "/-/ready", &body);
		free(body);
		if (st == 200)
			return 0;
		if (waitpid(prom_pid, &status, WNOHANG) == prom_pid) {
			snprintf(prom_why, sizeof(prom_why), "prometheus exited (status %d; is the "
				"`prometheus` package installed? see %s)", status, log);
			prom_pid = 0;
			return -1;
		}
		if (mono_ms() > deadline) {
			snprintf(prom_why, sizeof(prom_why), "prometheus was not ready on port %d within "
				"30 s (see %s)", prom_port, log);
			return -1;
		}
		usleep(100 * 1000);
	}
}

static void prom_stop(void)
{
	char cmd[300];

	if (prom_pid > 0) {
		kill(-prom_pid, SIGTERM);
		waitpid(prom_pid, NULL, 0);
		prom_pid = 0;
	}
	if (prom_dir[0] && !getenv("K6C_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", prom_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", prom_dir);
	}
}

static void url_escape(char *out, size_t outlen, const char *s)
{
	size_t n = 0;

	for (; *s && n + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || c == '.')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, outlen - n, "%%%02X", c);
	}
	out[n] = '\0';
}

/* An instant PromQL query (now). Returns the parsed answer's data.result
 * array's document (free it), failing the test unless status is success. */
static tj *promql(const char *q)
{
	char esc[2048], path[2200], err[128];
	char *body;
	int st;
	tj *doc;

	url_escape(esc, sizeof(esc), q);
	snprintf(path, sizeof(path), "/api/v1/query?query=%s", esc);
	st = http_get(prom_port, path, &body);
	ck_assert_msg(st == 200, "query %s: HTTP %d: %s", q, st, body ? body : "");
	doc = tj_parse(body, err, sizeof(err));
	ck_assert_msg(doc != NULL, "query %s: not JSON (%s): %s", q, err, body);
	ck_assert_str_eq(tj_str(tj_get(doc, "status")), "success");
	free(body);
	return doc;
}

/* The value of a query expected to give exactly one sample; NAN when it
 * gives none. */
static double promql_value(const char *q)
{
	tj *doc = promql(q);
	const tj *res = tj_getv(doc, "data", "result", NULL);
	double v = NAN;

	ck_assert_ptr_nonnull(res);
	ck_assert_msg(res->len <= 1, "query %s: %zu results", q, res->len);
	if (res->len == 1) {
		const char *s = tj_str(tj_at(tj_get(tj_at(res, 0), "value"), 1));
		ck_assert_ptr_nonnull(s);
		v = strtod(s, NULL);
	}
	tj_free(doc);
	return v;
}

/* ---- runs --------------------------------------------------------------------- */

static const char *SCRIPT =
	"import http from 'k6/http';\n"
	"import { check, sleep } from 'k6';\n"
	"import { Counter, Gauge, Rate } from 'k6/metrics';\n"
	"const extra = new Counter('prw_extra');\n"
	"const level = new Gauge('prw_level');\n"
	"const odd = new Rate('prw_odd');\n"
	"export default function () {\n"
	"  const r = http.get(`${__ENV.BASE_URL}/get`);\n"
	"  check(r, { 'status is 200': (x) => x.status === 200 });\n"
	"  extra.add(2, { kind: 'two' });\n"
	"  level.add(7);\n"
	"  odd.add(__ITER % 2 === 1);\n"
	"  if (__ENV.PAUSE) sleep(Number(__ENV.PAUSE));\n"
	"}\n";

static k6c_test *make_test(tcap *cap, const char *testid, int iterations)
{
	char opts[256];

	snprintf(opts, sizeof(opts), "{\"vus\":3,\"iterations\":%d,\"tags\":{\"testid\":\"%s\"}}",
		iterations, testid);
	return ar_make_test(cap, "prw.js", SCRIPT, opts);
}

static void need_prom(void)
{
	ck_assert_msg(prom_pid > 0, "no Prometheus server: %s", prom_why);
}

static double q(const char *fmt, const char *testid)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, testid);
	return promql_value(buf);
}

/* ---- tests -------------------------------------------------------------------- */

START_TEST(test_api_out_prometheus__counts)
{
	tcap cap;
	k6c_test *t;
	tj *doc, *res;
	double reqs, iters, dur_max;

	need_prom();
	setenv("K6_PROMETHEUS_RW_SERVER_URL", prom_url, 1);
	/* Several pushes during the run (about 1 s): the values pushed are
	 * cumulative, the last one is the total. */
	setenv("K6_PROMETHEUS_RW_PUSH_INTERVAL", "200ms", 1);
	setenv("K6_PROMETHEUS_RW_TREND_STATS", "p(90),p(99.9),max,count,sum,avg,med,min", 1);
	t = make_test(&cap, "counts", 30);
	ck_assert_int_eq(k6c_test_set_env(t, "PAUSE", "0.1"), 0);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "experimental-prometheus-rw"), 0);
	ar_run(t, &cap, 0);
	ck_assert_ptr_nonnull(tcap_find(&cap, K6C_LOG_DEBUG, "Prometheus remote write (http://127.0.0.1:"));
	doc = ar_summary(t);
	reqs = ar_metric(doc, "http_reqs", "count");
	iters = ar_metric(doc, "iterations", "count");
	dur_max = ar_metric(doc, "http_req_duration", "max");
	ck_assert_double_eq(iters, 30);
	ck_assert_double_eq(reqs, 30);

	/* Counters: k6_<name>_total, the cumulative total per series. */
	ck_assert_double_eq(q("sum(k6_http_reqs_total{testid=\"%s\"})", "counts"), reqs);
	ck_assert_double_eq(q("sum(k6_iterations_total{testid=\"%s\"})", "counts"), iters);
	ck_assert_double_eq(q("sum(k6_prw_extra_total{testid=\"%s\",kind=\"two\"})", "counts"),
		2 * iters);
	ck_assert_msg(q("max(count_over_time(k6_iterations_total{testid=\"%s\"}[10m]))", "counts") > 1,
		"one push only");
	/* Every request's tags are labels. */
	ck_assert_double_eq(q("sum(k6_http_reqs_total{testid=\"%s\",method=\"GET\",status=\"200\","
		"scenario=\"default\",expected_response=\"true\"})", "counts"), reqs);
	/* Trends: k6_<name>_<stat>; the count stat adds up to the number of
	 * requests (one duration each), times are in seconds. */
	ck_assert_double_eq(q("sum(k6_http_req_duration_count{testid=\"%s\"})", "counts"), reqs);
	{
		double got = q("max(k6_http_req_duration_max{testid=\"%s\"})", "counts");
		ck_assert_msg(fabs(got - dur_max / 1000) <= 1e-6 * (1 + dur_max),
			"max %g s, the summary's %g ms", got, dur_max);
		ck_assert_msg(q("max(k6_http_req_duration_p999{testid=\"%s\"})", "counts") <= got,
			"p(99.9) above the max");
		ck_assert_msg(q("max(k6_http_req_duration_p90{testid=\"%s\"})", "counts") > 0, "p90");
		ck_assert_msg(!isnan(q("max(k6_http_req_duration_med{testid=\"%s\"})", "counts")), "med");
		ck_assert_msg(!isnan(q("max(k6_http_req_duration_avg{testid=\"%s\"})", "counts")), "avg");
		ck_assert_msg(!isnan(q("max(k6_http_req_duration_min{testid=\"%s\"})", "counts")), "min");
		ck_assert_msg(!isnan(q("max(k6_http_req_duration_sum{testid=\"%s\"})", "counts")), "sum");
	}
	/* Gauges: k6_<name>, the last value. Rates: k6_<name>_rate. */
	ck_assert_double_eq(q("k6_prw_level{testid=\"%s\"}", "counts"), 7);
	ck_assert_double_eq(q("k6_prw_odd_rate{testid=\"%s\"}", "counts"),
		ar_metric(doc, "prw_odd", "rate"));
	ck_assert_double_eq(q("k6_checks_rate{testid=\"%s\"}", "counts"), 1);
	/* k6's names only: no unsuffixed counter. */
	ck_assert_msg(isnan(q("sum(k6_http_reqs{testid=\"%s\"})", "counts")), "k6_http_reqs exists");
	/* The series carry __name__ and the sample's tags, nothing else: vu
	 * and iter are metadata, not labels. */
	res = promql("count(k6_http_reqs_total{testid=\"counts\",vu!=\"\"})");
	ck_assert_uint_eq(tj_getv(res, "data", "result", NULL)->len, 0);
	tj_free(res);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* The seed's form: K6_PROMETHEUS_REMOTE_URL and `-o output-prometheus-remote`. */
START_TEST(test_api_out_prometheus__seed_form)
{
	tcap cap;
	k6c_test *t;
	tj *doc;

	need_prom();
	unsetenv("K6_PROMETHEUS_RW_SERVER_URL");
	setenv("K6_PROMETHEUS_REMOTE_URL", prom_url, 1);
	setenv("K6_PROMETHEUS_RW_PUSH_INTERVAL", "1s", 1);
	t = make_test(&cap, "seed", 12);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "output-prometheus-remote"), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	ck_assert_double_eq(q("sum(k6_iterations_total{testid=\"%s\"})", "seed"),
		ar_metric(doc, "iterations", "count"));
	ck_assert_double_eq(q("sum(k6_http_reqs_total{testid=\"%s\"})", "seed"),
		ar_metric(doc, "http_reqs", "count"));
	/* The default trend stat is p(99). */
	ck_assert_msg(!isnan(q("max(k6_http_req_duration_p99{testid=\"%s\"})", "seed")), "p99");
	ck_assert_msg(isnan(q("max(k6_http_req_duration_p90{testid=\"%s\"})", "seed")), "p90");
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* K6_PROMETHEUS_RW_STALE_MARKERS: at the end every series is marked stale,
 * so an instant query finds nothing although the samples are stored. */
START_TEST(test_api_out_prometheus__stale_markers)
{
	tcap cap;
	k6c_test *t;

	need_prom();
	setenv("K6_PROMETHEUS_RW_STALE_MARKERS", "true", 1);
	t = make_test(&cap, "stale", 6);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	{
		char spec[256];
		snprintf(spec, sizeof(spec), "experimental-prometheus-rw=url=%s,pushInterval=1s",
			prom_url);
		ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	}
	ar_run(t, &cap, 0);
	/* The markers are stamped one millisecond after the end of the run;
	 * an instant query evaluated at that very millisecond would still see
	 * the last value, so ask again for a short while before failing. */
	for (int i = 0; i < 20 && !isnan(q("sum(k6_iterations_total{testid=\"%s\"})", "stale")); i++)
		usleep(100 * 1000);
	if (!isnan(q("sum(k6_iterations_total{testid=\"%s\"})", "stale")))
		tcap_dump(&cap, stderr);
	ck_assert_msg(isnan(q("sum(k6_iterations_total{testid=\"%s\"})", "stale")),
		"a stale series is still current");
	ck_assert_double_eq(q("max(max_over_time(k6_iterations_total{testid=\"%s\"}[10m]))", "stale"),
		6);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: trends are native
 * histograms named with their base unit (k6_http_req_duration_seconds),
 * whose count and sum Prometheus's histogram functions read back. */
START_TEST(test_api_out_prometheus__native_histograms)
{
	tcap cap;
	k6c_test *t;
	tj *doc;
	double reqs, got_sum, want_sum;

	need_prom();
	setenv("K6_PROMETHEUS_RW_SERVER_URL", prom_url, 1);
	setenv("K6_PROMETHEUS_RW_PUSH_INTERVAL", "200ms", 1);
	setenv("K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM", "true", 1);
	t = make_test(&cap, "native", 24);
	ck_assert_int_eq(k6c_test_set_env(t, "PAUSE", "0.05"), 0);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "experimental-prometheus-rw"), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	reqs = ar_metric(doc, "http_reqs", "count");
	ck_assert_double_eq(reqs, 24);
	ck_assert_double_eq(
		q("histogram_count(sum(k6_http_req_duration_seconds{testid=\"%s\"}))", "native"), reqs);
	ck_assert_double_eq(
		q("histogram_count(sum(k6_iteration_duration_seconds{testid=\"%s\"}))", "native"),
		ar_metric(doc, "iterations", "count"));
	/* The sum of the durations, in seconds: the summary's avg x count. */
	got_sum = q("histogram_sum(sum(k6_http_req_duration_seconds{testid=\"%s\"}))", "native");
	want_sum = ar_metric(doc, "http_req_duration", "avg") * reqs / 1000;
	ck_assert_msg(fabs(got_sum - want_sum) <= 1e-6 * (1 + want_sum), "sum %g s, want %g s",
		got_sum, want_sum);
	/* A quantile comes out between the fastest and the slowest request. */
	{
		double p90 = q("histogram_quantile(0.9, sum(k6_http_req_duration_seconds{testid=\"%s\"}))",
			"native");
		ck_assert_msg(p90 >= ar_metric(doc, "http_req_duration", "min") / 1000 / 1.1 &&
			p90 <= ar_metric(doc, "http_req_duration", "max") / 1000 * 1.1,
			"p90 %g s", p90);
	}
	/* No stats series; counters as before. */
	ck_assert_msg(isnan(q("max(k6_http_req_duration_p99{testid=\"%s\"})", "native")), "p99");
	ck_assert_double_eq(q("sum(k6_http_reqs_total{testid=\"%s\"})", "native"), reqs);
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* A dead endpoint (a closed port): the test runs as without the output,
 * the error is logged with the output's name, and the run still ends. */
START_TEST(test_api_out_prometheus__dead_endpoint)
{
	tcap cap;
	k6c_test *t;
	char url[128];
	tj *doc;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/write", ts_closed_port());
	setenv("K6_PROMETHEUS_RW_SERVER_URL", url, 1);
	setenv("K6_PROMETHEUS_RW_PUSH_INTERVAL", "200ms", 1);
	t = make_test(&cap, "dead", 20);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	ck_assert_int_eq(k6c_test_add_output(t, "experimental-prometheus-rw"), 0);
	ar_run(t, &cap, 0);
	doc = ar_summary(t);
	ck_assert_double_eq(ar_metric(doc, "iterations", "count"), 20);
	ck_assert_double_eq(ar_metric(doc, "http_reqs", "count"), 20);
	if (!tcap_find_all(&cap, K6C_LOG_ERROR, "experimental-prometheus-rw", "remote write failed", url,
		    NULL)) {
		tcap_dump(&cap, stderr);
		ck_abort_msg("no error naming the output and the endpoint");
	}
	tj_free(doc);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* Bad settings fail the run with 104 and a message naming the output and
 * the value. */
START_TEST(test_api_out_prometheus__bad_config)
{
	static const struct { const char *key, *value, *spec, *msg; } cases[] = {
		{ "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM", "maybe", "experimental-prometheus-rw",
		  "invalid K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM \"maybe\"" },
		{ "K6_PROMETHEUS_RW_TREND_STATS", "p(90),p(101)", "experimental-prometheus-rw",
		  "invalid trend stat \"p(101)\"" },
		{ "K6_PROMETHEUS_RW_TREND_STATS", "avg,mean", "output-prometheus-remote",
		  "invalid trend stat \"mean\"" },
		{ "K6_PROMETHEUS_RW_PUSH_INTERVAL", "soon", "experimental-prometheus-rw",
		  "invalid K6_PROMETHEUS_RW_PUSH_INTERVAL \"soon\"" },
		{ "K6_PROMETHEUS_RW_SERVER_URL", "localhost:9090", "experimental-prometheus-rw",
		  "invalid K6_PROMETHEUS_RW_SERVER_URL \"localhost:9090\"" },
		{ "K6_PROMETHEUS_RW_STALE_MARKERS", "yes", "experimental-prometheus-rw",
		  "invalid K6_PROMETHEUS_RW_STALE_MARKERS \"yes\"" },
		/* k6 options this output does not have are refused, not ignored. */
		{ "K6_PROMETHEUS_RW_SIGV4_REGION", "eu-west-1", "experimental-prometheus-rw",
		  "K6_PROMETHEUS_RW_SIGV4_REGION is not supported" },
		{ "K6_PROMETHEUS_RW_HEADERS_X-Token", "a\nb", "output-prometheus-remote",
		  "invalid K6_PROMETHEUS_RW_HEADERS_X-Token" },
		{ NULL, NULL, "experimental-prometheus-rw=flush", "invalid argument \"flush\"" },
		{ NULL, NULL, "experimental-prometheus-rw=colour=red", "unknown option \"colour\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tcap cap;
		k6c_test *t;
		if (cases[i].key)
			setenv(cases[i].key, cases[i].value, 1);
		t = make_test(&cap, "bad", 3);
		ck_assert_int_eq(k6c_test_set_system_env(t), 0);
		ck_assert_int_eq(k6c_test_add_output(t, cases[i].spec), 0);
		ar_run(t, &cap, 104);
		if (!tcap_find_all(&cap, K6C_LOG_ERROR, "output \"", cases[i].msg, NULL)) {
			tcap_dump(&cap, stderr);
			ck_abort_msg("case %zu: no error with \"%s\"", i, cases[i].msg);
		}
		k6c_test_free(t);
		tcap_free(&cap);
		if (cases[i].key)
			unsetenv(cases[i].key);
	}
}
END_TEST

/* The built-in names cannot be taken by a host. */
START_TEST(test_api_out_prometheus__builtin_names)
{
	k6c_test *t = NULL;

	ck_assert_int_eq(k6c_output_register("experimental-prometheus-rw",
		(k6c_output_factory)(void (*)(void))abort, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c_output_register("output-prometheus-remote",
		(k6c_output_factory)(void (*)(void))abort, NULL), K6C_ECONFIG);
	ck_assert_int_eq(k6c_test_new(&t), 0);
	ck_assert_int_eq(k6c_test_register_output(t, "output-prometheus-remote",
		(k6c_output_factory)(void (*)(void))abort, NULL), K6C_ECONFIG);
	k6c_test_free(t);
}
END_TEST

int main(void)
{
	const sr_case cases[] = {
		{ "counts", test_api_out_prometheus__counts },
		{ "seed_form", test_api_out_prometheus__seed_form },
		{ "stale_markers", test_api_out_prometheus__stale_markers },
		{ "native_histograms", test_api_out_prometheus__native_histograms },
		{ "dead_endpoint", test_api_out_prometheus__dead_endpoint },
		{ "bad_config", test_api_out_prometheus__bad_config },
		{ "builtin_names", test_api_out_prometheus__builtin_names },
	};
	int rc;

	/* Started before the suite, so the forked test cases share it. */
	if (prom_start())
		fprintf(stderr, "test_api_out_prometheus: %s\n", prom_why);
	rc = sr_main("test_api_out_prometheus",
		sr_suite("api_out_prometheus", cases, sizeof(cases) / sizeof(cases[0])));
	prom_stop();
	return rc;
}
