/*
 * test_api_out_influxdb.c - API tier: the built-in `influxdb` output
 * against a real InfluxDB 1.x (Debian's influxd) that the test starts on
 * 127.0.0.1 with free ports and a temporary directory. A fixed-iteration
 * script against the local httpbin writes its samples there; the counts
 * read back with InfluxQL equal the summary's and the samples every output
 * received; iter and url arrive as fields of their types (tagsAsFields),
 * the other tags and vu as tags. A dead
 * endpoint (a closed port) leaves the iterations alone, logs the error
 * with the output's name and reports the samples it could not send, and
 * so does a server that never answers (the writes time out); a bad
 * K6_INFLUXDB_* value fails the run with 104 naming the output.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <k6c.h>

#include "api_run.h"
#include "tcapture.h"
#include "tjson.h"

/* ---- the server ------------------------------------------------------------ */

static pid_t g_pid = -1;
static int g_port;
static char g_base[64];     /* made and removed by main(), whatever the tests do */
static char g_dir[128];

/* A port nobody listens on right now (bound, read and released). */
static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* One HTTP/1.0 request to 127.0.0.1:port; the status, and the body in
 * out (NUL-terminated, truncated to outlen). -1 when nobody answers. */
static int http_req(int port, const char *method, const char *path, char *out, size_t outlen)
{
	struct sockaddr_in a;
	char req[2048], buf[65536];
	size_t got = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
	char *body;

	if (out && outlen)
		out[0] = '\0';
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
		method, path);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	while (got < sizeof(buf) - 1 && (r = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	if (sscanf(buf, "HTTP/%*s %d", &status) != 1)
		return -1;
	if (out && (body = strstr(buf, "\r\n\r\n")) != NULL)
		snprintf(out, outlen, "%s", body + 4);
	return status;
}

/* Percent-encodes s into out. */
static void urlenc(char *out, size_t outlen, const char *s)
{
	size_t k = 0;

	for (; *s && k + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, outlen - k, "%%%02X", c);
	}
	out[k] = '\0';
}

static char *find_influxd(void)
{
	static char path[512];
	const char *env = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof(dirs), "%s:/usr/bin:/usr/sbin", env ? env : "");
	for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
		snprintf(path, sizeof(path), "%s/influxd", d);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

static void influx_stop(void)
{
	char cmd[256];

	if (g_pid > 0) {
		kill(g_pid, SIGTERM);
		waitpid(g_pid, NULL, 0);
		g_pid = -1;
	}
	if (g_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", g_dir);
		g_dir[0] = '\0';
	}
}

/* Starts influxd on free loopback ports with everything in a temporary
 * directory, and waits (bounded) until /ping answers 204. */
static void influx_start(void)
{
	char conf[256], text[2048], log[256];
	const char *bin = find_influxd();
	int rpc = free_port();
	FILE *f;

	/* A failed check ends the (forked) test process; Check then kills
	 * its process group, the server with it, and main() removes g_base. */
	ck_assert_msg(bin != NULL, "influxd not found: install Debian's influxdb package "
		"(listed in .ci/debian-packages); this test needs a real InfluxDB server");
	snprintf(g_dir, sizeof(g_dir), "%s/influx-XXXXXX", g_base);
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	g_port = free_port();
	snprintf(text, sizeof(text),
		"reporting-disabled = true\n"
		"bind-address = \"127.0.0.1:%d\"\n"
		"[meta]\n  dir = \"%s/meta\"\n"
		"[data]\n  dir = \"%s/data\"\n  wal-dir = \"%s/wal\"\n  query-log-enabled = false\n"
		"[http]\n  enabled = true\n  bind-address = \"127.0.0.1:%d\"\n  log-enabled = false\n"
		"[monitor]\n  store-enabled = false\n"
		"[subscriber]\n  enabled = false\n"
		"[continuous_queries]\n  enabled = false\n"
		"[logging]\n  level = \"warn\"\n",
		rpc, g_dir, g_dir, g_dir, g_port);
	snprintf(conf, sizeof(conf), "%s/influxd.conf", g_dir);
	snprintf(log, sizeof(log), "%s/influxd.log", g_dir);
	ck_assert_ptr_nonnull(f = fopen(conf, "w"));
	fputs(text, f);
	fclose(f);
	g_pid = fork();
	ck_assert_int_ge(g_pid, 0);
	if (g_pid == 0) {
		int fd = creat(log, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, "influxd", "-config", conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 600; i++) {          /* 60 s at most */
		struct timespec ts = { 0, 100000000 };
		int status;
		if (http_req(g_port, "GET", "/ping", NULL, 0) == 204)
			return;
		if (waitpid(g_pid, &status, WNOHANG) == g_pid) {
			g_pid = -1;
			ck_abort_msg("influxd exited before answering /ping; see %s", log);
		}
		nanosleep(&ts, NULL);
	}
	ck_abort_msg("influxd did not answer /ping on 127.0.0.1:%d within 60 s", g_port);
}

/* The first number of the first series of an InfluxQL answer
 * ({"results":[{"series":[{"values":[[time, N]]}]}]}), or -1 when the
 * query returned no series. */
static double query_num(const char *db, const char *q)
{
	char enc[1024], path[1400], body[65536];
	tj *doc;
	const tj *v;
	double n;

	urlenc(enc, sizeof(enc), q);
	snprintf(path, sizeof(path), "/query?db=%s&q=%s", db, enc);
	ck_assert_int_eq(http_req(g_port, "GET", path, body, sizeof(body)), 200);
	ck_assert_msg((doc = tj_parse(body, NULL, 0)) != NULL, "not JSON: %s", body);
	v = tj_getv(doc, "results", "0", "series", "0", "values", "0", "1", NULL);
	n = v ? tj_num(v, -1) : -1;
	tj_free(doc);
	return n;
}

/* The sum over every series of the answer's first number (a query over
 * every measurement). */
static double query_sum(const char *db, const char *q)
{
	char enc[1024], path[1400];
	static char body[1 << 20];
	tj *doc;
	const tj *series;
	double sum = 0;

	urlenc(enc, sizeof(enc), q);
	snprintf(path, sizeof(path), "/query?db=%s&q=%s", db, enc);
	ck_assert_int_eq(http_req(g_port, "GET", path, body, sizeof(body)), 200);
	ck_assert_msg((doc = tj_parse(body, NULL, 0)) != NULL, "not JSON: %s", body);
	series = tj_getv(doc, "results", "0", "series", NULL);
	for (size_t i = 0; series && tj_at(series, i); i++)
		sum += tj_num(tj_getv(tj_at(series, i), "values", "0", "1", NULL), 0);
	tj_free(doc);
	return sum;
}

/* The answer's text (for field keys and types). */
static void query_text(const char *db, const char *q, char *out, size_t outlen)
{
	char enc[1024], path[1400];

	urlenc(enc, sizeof(enc), q);
	snprintf(path, sizeof(path), "/query?db=%s&q=%s", db, enc);
	ck_assert_int_eq(http_req(g_port, "GET", path, out, outlen), 200);
}

/* ---- runs ------------------------------------------------------------------- */

static const char SCRIPT[] =
	"import http from 'k6/http';\n"
	"import { check } from 'k6';\n"
	"export default function () {\n"
	"  const r = http.get(`${__ENV.BASE_URL}/get?a=1`);\n"
	"  check(r, { 'status is 200': (x) => x.status === 200 });\n"
	"}\n";

START_TEST(test_api_out_influxdb__counts)
{
	char spec[128], text[65536];
	tcap cap;
	k6c_test *t;
	double reqs, iters, checks;
	long all = 0;

	influx_start();
	t = ar_make_test(&cap, "influx.js", SCRIPT,
		"{\"vus\":3,\"iterations\":30,\"systemTags\":[\"scenario\",\"vu\","
		"\"iter\",\"url\",\"name\",\"method\",\"status\",\"check\",\"group\",\"proto\","
		"\"expected_response\"]}");
	/* A short push interval, so the run's pushes and the final flush both
	 * take part; two concurrent writers with payloads of 7 points. */
	ck_assert_int_eq(setenv("K6_INFLUXDB_PUSH_INTERVAL", "50ms", 1), 0);
	ck_assert_int_eq(setenv("K6_INFLUXDB_CONCURRENT_WRITES", "2", 1), 0);
	ck_assert_int_eq(setenv("K6_INFLUXDB_PAYLOAD_SIZE", "7", 1), 0);
	/* vu stays a tag here: InfluxDB keeps one point per measurement, tag
	 * set and timestamp, and two VUs' samples may share a microsecond. */
	ck_assert_int_eq(setenv("K6_INFLUXDB_TAGS_AS_FIELDS", "iter:int,url", 1), 0);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	unsetenv("K6_INFLUXDB_TAGS_AS_FIELDS");
	snprintf(spec, sizeof(spec), "influxdb=http://127.0.0.1:%d/k6c_test", g_port);
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ck_assert_int_eq(k6c_test_add_sink(t, &ar_count_vt, &all), 0);
	ar_run(t, &cap, 0);
	unsetenv("K6_INFLUXDB_PUSH_INTERVAL");
	unsetenv("K6_INFLUXDB_CONCURRENT_WRITES");
	unsetenv("K6_INFLUXDB_PAYLOAD_SIZE");

	reqs = ar_summary_value(t, "http_reqs", "count");
	iters = ar_summary_value(t, "iterations", "count");
	checks = ar_summary_value(t, "checks", "passes") + ar_summary_value(t, "checks", "fails");
	ck_assert(reqs == 30 && iters == 30 && checks == 30);
	/* The database was created by the output, and holds every sample. */
	ck_assert(query_num("k6c_test", "SELECT count(value) FROM http_reqs") == reqs);
	/* Every sample of every metric is a point. */
	ck_assert_int_gt(all, 200);
	ck_assert(query_sum("k6c_test", "SELECT count(value) FROM /.*/") == (double)all);
	ck_assert(query_num("k6c_test", "SELECT sum(value) FROM http_reqs") == reqs);
	ck_assert(query_num("k6c_test", "SELECT count(value) FROM iterations") == iters);
	ck_assert(query_num("k6c_test", "SELECT count(value) FROM checks") == checks);
	ck_assert(query_num("k6c_test", "SELECT count(value) FROM http_req_duration") == reqs);
	ck_assert(query_num("k6c_test", "SELECT count(value) FROM http_reqs WHERE status = '200' "
		"AND method = 'GET' AND scenario = 'default'") == reqs);
	/* iter and url are fields (tagsAsFields), with their types; vu, from
	 * the metadata too, a tag. */
	ck_assert(query_num("k6c_test", "SELECT max(iter) FROM http_reqs") >= 9);
	ck_assert(query_num("k6c_test", "SELECT count(url) FROM http_reqs") == reqs);
	ck_assert(query_num("k6c_test", "SELECT count(value) FROM http_reqs WHERE vu =~ /^[1-3]$/") == reqs);
	query_text("k6c_test", "SHOW FIELD KEYS FROM http_reqs", text, sizeof(text));
	ck_assert_msg(strstr(text, "[\"iter\",\"integer\"]") && strstr(text, "[\"url\",\"string\"]") &&
		strstr(text, "[\"value\",\"float\"]") && !strstr(text, "\"vu\""), "%s", text);
	query_text("k6c_test", "SHOW TAG KEYS FROM http_reqs", text, sizeof(text));
	ck_assert_msg(strstr(text, "\"status\"") && strstr(text, "\"vu\"") && !strstr(text, "\"url\"") &&
		!strstr(text, "\"iter\""), "%s", text);
	ck_assert_uint_eq(tcap_count(&cap, K6C_LOG_ERROR, "influxdb"), 0);
	ck_assert_uint_eq(tcap_count(&cap, K6C_LOG_WARN, "influxdb"), 0);
	k6c_test_free(t);
	tcap_free(&cap);
	influx_stop();
}
END_TEST

START_TEST(test_api_out_influxdb__dead_endpoint)
{
	char spec[128];
	tcap cap;
	k6c_test *t = ar_make_test(&cap, "influx.js", SCRIPT, "{\"vus\":2,\"iterations\":20}");

	/* Nobody listens there: every write fails at once. */
	snprintf(spec, sizeof(spec), "influxdb=http://127.0.0.1:%d/db", free_port());
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	ar_run(t, &cap, 0);
	ck_assert(ar_summary_value(t, "iterations", "count") == 20);
	ck_assert(ar_summary_value(t, "http_reqs", "count") == 20);
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_ERROR, "output \"influxdb\"",
		"couldn't write stats", "/write?db=db&precision=ns", NULL));
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_WARN, "output \"influxdb\"",
		"samples could not be sent", NULL));
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

/* A server that accepts connections (the kernel completes them in the
 * listen backlog) and never answers: every write times out. */
START_TEST(test_api_out_influxdb__silent_server)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char spec[128];
	tcap cap;
	k6c_test *t = ar_make_test(&cap, "influx.js", SCRIPT, "{\"vus\":2,\"iterations\":20}");
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 64), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	ck_assert_int_eq(setenv("K6_INFLUXDB_PUSH_INTERVAL", "20ms", 1), 0);
	ck_assert_int_eq(k6c_test_set_system_env(t), 0);
	unsetenv("K6_INFLUXDB_PUSH_INTERVAL");
	snprintf(spec, sizeof(spec), "influxdb=http://127.0.0.1:%d/db", ntohs(a.sin_port));
	ck_assert_int_eq(k6c_test_add_output(t, spec), 0);
	/* The VUs do every iteration while the writes hang; the run ends once
	 * the final flush has given up (its timeout counts from the stop). */
	ar_run(t, &cap, 0);
	ck_assert(ar_summary_value(t, "iterations", "count") == 20);
	ck_assert(ar_summary_value(t, "http_reqs", "count") == 20);
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_ERROR, "output \"influxdb\"",
		"couldn't write stats", "imed out", NULL));
	ck_assert_ptr_nonnull(tcap_find_all(&cap, K6C_LOG_WARN, "output \"influxdb\"",
		"samples could not be sent", NULL));
	close(fd);
	k6c_test_free(t);
	tcap_free(&cap);
}
END_TEST

START_TEST(test_api_out_influxdb__bad_config)
{
	static const ar_bad_output cases[] = {
		{ "K6_INFLUXDB_CONCURRENT_WRITES", "0", "influxdb",
		  "invalid K6_INFLUXDB_CONCURRENT_WRITES '0'" },
		{ "K6_INFLUXDB_PUSH_INTERVAL", "soon", "influxdb", "invalid pushInterval 'soon'" },
		{ "K6_INFLUXDB_TAGS_AS_FIELDS", "vu:integer", "influxdb",
		  "an invalid type (integer) is specified for the tag field 'vu'" },
		{ NULL, NULL, "influxdb=http://127.0.0.1:1/db?bogus=1", "unknown query parameter 'bogus'" },
		{ NULL, NULL, "influxdb=127.0.0.1/db", "invalid URL '127.0.0.1/db'" },
		{ "K6_INFLUXDB_PRECISION", "fortnight", "influxdb", "invalid precision 'fortnight'" },
	};

	ar_assert_bad_outputs("influx.js", SCRIPT, "influxdb", cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

int main(void)
{
	const sr_case cases[] = {
		{ "counts", test_api_out_influxdb__counts },
		{ "dead_endpoint", test_api_out_influxdb__dead_endpoint },
		{ "silent_server", test_api_out_influxdb__silent_server },
		{ "bad_config", test_api_out_influxdb__bad_config },
	};
	char cmd[256];
	int rc;

	snprintf(g_base, sizeof(g_base), "/tmp/k6c-influx-XXXXXX");
	if (!mkdtemp(g_base)) {
		perror("mkdtemp");
		return 1;
	}
	rc = sr_main("test_api_out_influxdb",
		sr_suite("api_out_influxdb", cases, sizeof(cases) / sizeof(cases[0])));
	influx_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_base);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", g_base);
	return rc;
}
