/*
 * test_http_transport.c - script tier for k6/http's transport options
 * (issue 4): TLS verification, versions, cipher suites, client
 * certificates, the tls_version and proto tags, HTTP/2, OCSP stapling, the
 * hosts and dns options, connection reuse, localIPs, httpDebug, k6's error
 * codes and compression both ways. The scripts of test/script/transport run
 * through the public API against servers on 127.0.0.1 only: httpbin, nginx
 * with a test PKI in front of it (ts_nginx_tls_start), and a tiny raw
 * server for connection numbers, peers and misbehaviour (ts_raw_start).
 * Scripts check with check(); these tests count the checks (all must pass,
 * none may be missing) and read thresholds, log lines and exit codes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strcasestr */
#endif
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <k6c.h>

#include "server.h"
#include "tcapture.h"
#include "tjson.h"

static ts_server hb, tls, raw;
static bool servers_up;

typedef struct srun {
	const char *file;
	k6c_test *t;
	tcap cap;
	tj *doc;
	int rc;
	int exit_code;
} srun;

static void addr(char *out, size_t n, int port)
{
	snprintf(out, n, "127.0.0.1:%d", port);
}

/* A run of test/script/transport/<file> with the servers' addresses in
 * __ENV and options (JSON, the API tier) if not NULL. */
static void sr_new(srun *r, const char *file, const char *options)
{
	char path[PATH_MAX], a[64];

	memset(r, 0, sizeof(*r));
	r->file = file;
	tcap_init(&r->cap);
	ck_assert_msg(servers_up, "the test servers did not start");
	snprintf(path, sizeof(path), "%s/script/transport/%s", ts_srcdir(), file);
	ck_assert_int_eq(k6c_test_new(&r->t), 0);
	ck_assert_int_eq(k6c_test_set_script_file(r->t, path), 0);
	ck_assert_int_eq(k6c_test_set_log_callback(r->t, tcap_cb, &r->cap, NULL), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "HB", hb.base_url), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "TLS", tls.base_url), 0);
	ck_assert_int_eq(k6c_test_set_env(r->t, "RAW", raw.base_url), 0);
	addr(a, sizeof(a), hb.port);
	ck_assert_int_eq(k6c_test_set_env(r->t, "HB_ADDR", a), 0);
	addr(a, sizeof(a), raw.port);
	ck_assert_int_eq(k6c_test_set_env(r->t, "RAW_ADDR", a), 0);
	addr(a, sizeof(a), tls.port);
	ck_assert_int_eq(k6c_test_set_env(r->t, "TLS_ADDR", a), 0);
	snprintf(a, sizeof(a), "https://127.0.0.1:%d", tls.mtls_port);
	ck_assert_int_eq(k6c_test_set_env(r->t, "MTLS", a), 0);
	snprintf(a, sizeof(a), "https://127.0.0.1:%d", tls.tls12_port);
	ck_assert_int_eq(k6c_test_set_env(r->t, "TLS12", a), 0);
	if (options)
		ck_assert_int_eq(k6c_test_set_options(r->t, options), 0);
}

static void sr_env(srun *r, const char *key, const char *value)
{
	ck_assert_int_eq(k6c_test_set_env(r->t, key, value), 0);
}

/* Runs, prints the log and summary (for diagnosis), parses the summary. */
static void sr_run(srun *r)
{
	const char *json, *text;
	char err[128];

	r->rc = k6c_test_run(r->t);
	r->exit_code = k6c_test_exit_code(r->t);
	text = k6c_test_summary_text(r->t);
	fprintf(stderr, "---- %s: run returned %d, exit code %d, %zu log lines\n", r->file, r->rc,
		r->exit_code, r->cap.n);
	tcap_dump(&r->cap, stderr);
	if (text)
		fprintf(stderr, "%s\n", text);
	json = k6c_test_summary_json(r->t);
	if (json) {
		r->doc = tj_parse(json, err, sizeof(err));
		ck_assert_msg(r->doc != NULL, "%s: summary is not valid JSON: %s", r->file, err);
	}
	ck_assert_msg(r->rc == 0, "%s: the run returned %d (%s)", r->file, r->rc,
		k6c_error_last() ? k6c_error_last()->message : "");
}

static void sr_free(srun *r)
{
	tj_free(r->doc);
	k6c_test_free(r->t);
	tcap_free(&r->cap);
}

static double metric(const srun *r, const char *name, const char *field)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", field, NULL), NAN);
}

/* Every check passed, and there were n of them. */
static void assert_checks(const srun *r, double n)
{
	double passes = metric(r, "checks", "passes"), fails = metric(r, "checks", "fails");

	ck_assert_msg(fails == 0, "%s: %g checks failed (see the log above)", r->file, fails);
	ck_assert_msg(passes == n, "%s: %g checks passed, expected %g", r->file, passes, n);
	ck_assert_msg(r->exit_code == 0, "%s: exit code %d", r->file, r->exit_code);
}

/* The count of a tagged submetric (which a threshold makes appear). */
static double sub_count(const srun *r, const char *name)
{
	return tj_num(tj_getv(r->doc, "metrics", name, "values", "count", NULL), NAN);
}

/* A run that must end before it starts with k6's exit code 104 and a
 * message naming what (and why). */
static void assert_config_error(srun *r, const char *what, const char *why)
{
	const k6c_error *e = k6c_error_last();
	bool named = false;

	for (size_t i = 0; i < r->cap.n && !named; i++)
		named = strcasestr(r->cap.lines[i].msg, what) && (!why || strcasestr(r->cap.lines[i].msg, why));
	if (!named && e && e->message)
		named = strcasestr(e->message, what) && (!why || strcasestr(e->message, why));
	ck_assert_msg(r->exit_code == 104, "%s: exit code %d, expected 104", r->file, r->exit_code);
	ck_assert_msg(named, "%s: no message names %s (%s)", r->file, what, why ? why : "");
}

/* probe.js on url with the WANT_* pairs (NULL-terminated key, value list). */
static void probe(srun *r, const char *options, const char *url, ...)
{
	va_list ap;
	const char *k;

	sr_new(r, "probe.js", options);
	sr_env(r, "URL", url);
	va_start(ap, url);
	while ((k = va_arg(ap, const char *)) != NULL)
		sr_env(r, k, va_arg(ap, const char *));
	va_end(ap);
	sr_run(r);
}

/* probe() that must pass its n checks. */
#define PROBE_OK(n, options, url, ...) do { \
	srun r_; \
	probe(&r_, (options), (url), __VA_ARGS__, NULL); \
	assert_checks(&r_, (n)); \
	sr_free(&r_); \
} while (0)

static void trust_test_ca(void)
{
	setenv("SSL_CERT_FILE", tls.cert_file, 1);
}

static char *url_of(const char *base, const char *path)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s%s", base, path);
	return buf[i];
}

/* ---- TLS ------------------------------------------------------------------ */

START_TEST(test_http_transport_tls__verify_fails_without_trust)
{
	srun r;

	/* The test CA is nobody's: the system's store does not know it. */
	unsetenv("SSL_CERT_FILE");
	probe(&r, "{\"thresholds\":{\"http_reqs{error_code:1310}\":[\"count==1\"]}}",
		url_of(tls.base_url, "/get"), "WANT_STATUS", "0", "WANT_CODE", "1310", "WANT_ERROR",
		"x509: unknown authority", NULL);
	assert_checks(&r, 3);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1310}"), 1);
	ck_assert_ptr_nonnull(tcap_find(&r.cap, K6C_LOG_WARN, "Request Failed error=\"x509: unknown authority\""));
	sr_free(&r);
}
END_TEST

START_TEST(test_http_transport_tls__insecure_skip_verify)
{
	srun r;

	unsetenv("SSL_CERT_FILE");
	PROBE_OK(2, "{\"insecureSkipTLSVerify\":true}", url_of(tls.base_url, "/get"), "WANT_STATUS", "200",
		"WANT_PROTO", "HTTP/2.0");
	/* The same from K6_INSECURE_SKIP_TLS_VERIFY. */
	setenv("K6_INSECURE_SKIP_TLS_VERIFY", "true", 1);
	sr_new(&r, "probe.js", NULL);
	ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
	sr_env(&r, "URL", url_of(tls.base_url, "/get"));
	sr_env(&r, "WANT_STATUS", "200");
	sr_run(&r);
	assert_checks(&r, 1);
	sr_free(&r);
	unsetenv("K6_INSECURE_SKIP_TLS_VERIFY");
}
END_TEST

START_TEST(test_http_transport_tls__h2_ocsp_versions_and_tags)
{
	srun r;

	trust_test_ca();
	sr_new(&r, "tls.js", NULL);
	sr_run(&r);
	assert_checks(&r, 13);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{tls_version:tls1.3}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{tls_version:tls1.2}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{proto:HTTP/2.0}"), 1);
	sr_free(&r);
}
END_TEST

START_TEST(test_http_transport_tls__version_limits)
{
	srun r;

	trust_test_ca();
	PROBE_OK(2, "{\"tlsVersion\":\"tls1.2\"}", url_of(tls.base_url, "/get"), "WANT_STATUS", "200",
		"WANT_TLS", "tls1.2");
	PROBE_OK(2, "{\"tlsVersion\":{\"max\":\"tls1.2\"}}", url_of(tls.base_url, "/get"), "WANT_STATUS",
		"200", "WANT_TLS", "tls1.2");
	PROBE_OK(2, "{\"tlsVersion\":{\"min\":\"tls1.3\",\"max\":\"tls1.3\"}}", url_of(tls.base_url, "/get"),
		"WANT_STATUS", "200", "WANT_TLS", "tls1.3");
	/* The TLS 1.2-only server refuses a client that wants 1.3. */
	{
		char u[128];

		snprintf(u, sizeof(u), "https://127.0.0.1:%d/get", tls.tls12_port);
		PROBE_OK(3, "{\"tlsVersion\":{\"min\":\"tls1.3\"}}", u, "WANT_STATUS", "0", "WANT_CODE", "1010",
			"WANT_ERROR", "remote error: tls: protocol version not supported");
	}
	/* Bad values end the run before it starts. */
	probe(&r, "{\"tlsVersion\":\"tls9\"}", url_of(tls.base_url, "/get"), NULL);
	assert_config_error(&r, "tlsVersion", "tls9");
	sr_free(&r);
	probe(&r, "{\"tlsVersion\":{\"min\":\"tls1.3\",\"max\":\"tls1.2\"}}", url_of(tls.base_url, "/get"), NULL);
	assert_config_error(&r, "tlsVersion", "min is above max");
	sr_free(&r);
}
END_TEST

START_TEST(test_http_transport_tls__cipher_suites)
{
	char u[128];
	srun r;

	trust_test_ca();
	snprintf(u, sizeof(u), "https://127.0.0.1:%d/get", tls.tls12_port);
	PROBE_OK(2, "{\"tlsCipherSuites\":[\"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"]}", u, "WANT_STATUS",
		"200", "WANT_CIPHER", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
	PROBE_OK(2, "{\"tlsCipherSuites\":[\"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\"]}", u, "WANT_STATUS",
		"200", "WANT_CIPHER", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
	/* TLS 1.3 names restrict TLS 1.3's suites. */
	PROBE_OK(3, "{\"tlsCipherSuites\":[\"TLS_CHACHA20_POLY1305_SHA256\"]}", url_of(tls.base_url, "/get"),
		"WANT_STATUS", "200", "WANT_TLS", "tls1.3", "WANT_CIPHER", "TLS_CHACHA20_POLY1305_SHA256");
	/* No suite in common: the server's alert, as k6 reports it. */
	PROBE_OK(2, "{\"tlsCipherSuites\":[\"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256\"]}", u,
		"WANT_CODE", "1010", "WANT_ERROR", "remote error: tls: handshake failure");
	/* K6_TLS_CIPHER_SUITES: a comma list. */
	setenv("K6_TLS_CIPHER_SUITES", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 1);
	sr_new(&r, "probe.js", NULL);
	ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
	sr_env(&r, "URL", u);
	sr_env(&r, "WANT_CIPHER", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
	sr_run(&r);
	assert_checks(&r, 1);
	sr_free(&r);
	unsetenv("K6_TLS_CIPHER_SUITES");
	probe(&r, "{\"tlsCipherSuites\":[\"TLS_NOT_A_SUITE\"]}", u, NULL);
	assert_config_error(&r, "tlsCipherSuites", "TLS_NOT_A_SUITE");
	sr_free(&r);
}
END_TEST

/* tls_auth.js with AUTH (entries built from the test PKI) and EXPECT. */
static void tls_auth_run(srun *r, const char *auth, const char *expect, const char *hosts, bool insecure)
{
	sr_new(r, "tls_auth.js", NULL);
	sr_env(r, "AUTH", auth);
	sr_env(r, "EXPECT", expect);
	if (hosts)
		sr_env(r, "HOSTS", hosts);
	if (insecure)
		sr_env(r, "INSECURE", "1");
	sr_run(r);
}

START_TEST(test_http_transport_tls__client_certificates)
{
	char auth[2048], expect[1024], hosts[256];
	srun r;

	trust_test_ca();
	/* Accepted: the CA's client certificate, plain and encrypted key. */
	snprintf(auth, sizeof(auth), "[{\"domains\":[\"127.0.0.1\"],\"cert\":\"%s\",\"key\":\"%s\"}]",
		tls.client_cert, tls.client_key);
	snprintf(expect, sizeof(expect), "[[\"https://127.0.0.1:%d/\",200,\"client CN=k6c-client\"],"
		"[\"%s/get\",200,\"url\"]]", tls.mtls_port, tls.base_url);
	tls_auth_run(&r, auth, expect, NULL, false);
	assert_checks(&r, 2);
	sr_free(&r);
	snprintf(auth, sizeof(auth), "[{\"domains\":[\"127.0.0.1\"],\"cert\":\"%s\",\"key\":\"%s\","
		"\"password\":\"%s\"}]", tls.client_cert, tls.client_key_enc, TS_CLIENT_KEY_PASSWORD);
	tls_auth_run(&r, auth, expect, NULL, false);
	assert_checks(&r, 2);
	sr_free(&r);
	/* Rejected: a certificate the server's CA did not sign; and a good
	 * one whose domains do not cover the host is not offered at all. */
	snprintf(expect, sizeof(expect), "[[\"https://127.0.0.1:%d/\",400,\"SSL certificate error\"]]",
		tls.mtls_port);
	snprintf(auth, sizeof(auth), "[{\"cert\":\"%s\",\"key\":\"%s\"}]", tls.rogue_cert, tls.rogue_key);
	tls_auth_run(&r, auth, expect, NULL, false);
	assert_checks(&r, 1);
	sr_free(&r);
	snprintf(auth, sizeof(auth), "[{\"domains\":[\"other.test\"],\"cert\":\"%s\",\"key\":\"%s\"}]",
		tls.client_cert, tls.client_key);
	snprintf(expect, sizeof(expect), "[[\"https://127.0.0.1:%d/\",400,\"No required SSL certificate\"]]",
		tls.mtls_port);
	tls_auth_run(&r, auth, expect, NULL, false);
	assert_checks(&r, 1);
	sr_free(&r);
	/* A wildcard domain: the first entry that covers the host wins. */
	snprintf(auth, sizeof(auth), "[{\"domains\":[\"*.other.test\"],\"cert\":\"%s\",\"key\":\"%s\"},"
		"{\"domains\":[\"*.mtls.test\"],\"cert\":\"%s\",\"key\":\"%s\"}]",
		tls.rogue_cert, tls.rogue_key, tls.client_cert, tls.client_key);
	snprintf(hosts, sizeof(hosts), "{\"*.mtls.test\":\"127.0.0.1:%d\",\"x.other.test\":\"127.0.0.1:%d\"}",
		tls.mtls_port, tls.mtls_port);
	snprintf(expect, sizeof(expect), "[[\"https://a.mtls.test/\",200,\"client CN=k6c-client\"],"
		"[\"https://x.other.test/\",400,\"SSL certificate error\"]]");
	tls_auth_run(&r, auth, expect, hosts, true);
	assert_checks(&r, 2);
	sr_free(&r);
	/* An encrypted key without its password ends the run. */
	snprintf(auth, sizeof(auth), "[{\"cert\":\"%s\",\"key\":\"%s\"}]", tls.client_cert, tls.client_key_enc);
	tls_auth_run(&r, auth, "[]", NULL, false);
	assert_config_error(&r, "tlsAuth[0]", "private key");
	sr_free(&r);
	/* A key that is not the certificate's. */
	snprintf(auth, sizeof(auth), "[{\"cert\":\"%s\",\"key\":\"%s\"}]", tls.client_cert, tls.rogue_key);
	tls_auth_run(&r, auth, "[]", NULL, false);
	assert_config_error(&r, "tlsAuth[0]", "does not match");
	sr_free(&r);
}
END_TEST

/* ---- hosts, dns, connections ------------------------------------------------ */

START_TEST(test_http_transport_hosts__names_wildcards_ports)
{
	srun r;

	trust_test_ca();
	sr_new(&r, "hosts.js", NULL);
	sr_run(&r);
	assert_checks(&r, 6);
	sr_free(&r);
	/* K6_HOSTS holds the same JSON object. */
	{
		char v[128], u[64];

		snprintf(v, sizeof(v), "{\"env.made.up.test\":\"127.0.0.1:%d\"}", hb.port);
		setenv("K6_HOSTS", v, 1);
		sr_new(&r, "probe.js", NULL);
		ck_assert_int_eq(k6c_test_set_system_env(r.t), 0);
		snprintf(u, sizeof(u), "http://env.made.up.test/get");
		sr_env(&r, "URL", u);
		sr_env(&r, "WANT_STATUS", "200");
		sr_env(&r, "WANT_BODY", "env.made.up.test");
		sr_run(&r);
		assert_checks(&r, 2);
		sr_free(&r);
		unsetenv("K6_HOSTS");
	}
	probe(&r, "{\"hosts\":{\"a.test\":\"not-an-ip\"}}", url_of(hb.base_url, "/get"), NULL);
	assert_config_error(&r, "hosts", "not-an-ip");
	sr_free(&r);
	probe(&r, "{\"hosts\":{\"a.*.test\":\"127.0.0.1\"}}", url_of(hb.base_url, "/get"), NULL);
	assert_config_error(&r, "hosts", "a.*.test");
	sr_free(&r);
}
END_TEST

START_TEST(test_http_transport_dns__option_read_and_checked)
{
	char o[256];
	srun r;

	/* ttl, select and policy as the JSON object, the K6_DNS string and
	 * bad values; what curl can apply is applied (ttl, onlyIPv4). */
	snprintf(o, sizeof(o), "{\"dns\":{\"ttl\":\"0\",\"select\":\"roundRobin\",\"policy\":\"onlyIPv4\"},"
		"\"hosts\":{\"dns.test\":\"127.0.0.1:%d\"}}", hb.port);
	PROBE_OK(1, o, "http://dns.test/get", "WANT_STATUS", "200");
	snprintf(o, sizeof(o), "{\"dns\":\"ttl=inf,select=first,policy=preferIPv6\"}");
	PROBE_OK(1, o, url_of(hb.base_url, "/get"), "WANT_STATUS", "200");
	probe(&r, "{\"dns\":\"ttl=5m,select=sometimes\"}", url_of(hb.base_url, "/get"), NULL);
	assert_config_error(&r, "dns.select", "sometimes");
	sr_free(&r);
	probe(&r, "{\"dns\":{\"policy\":\"onlyIPv5\"}}", url_of(hb.base_url, "/get"), NULL);
	assert_config_error(&r, "dns.policy", "onlyIPv5");
	sr_free(&r);
	probe(&r, "{\"dns\":\"ttl=soon\"}", url_of(hb.base_url, "/get"), NULL);
	assert_config_error(&r, "dns.ttl", "soon");
	sr_free(&r);
}
END_TEST

/* reuse.js's two "conns iter=N a,b,c tls x,y,z" lines. */
static void reuse_lines(srun *r, char conns[2][64], char hs[2][64])
{
	for (int it = 0; it < 2; it++) {
		char needle[32];
		const char *l;

		snprintf(needle, sizeof(needle), "conns iter=%d ", it);
		l = tcap_find(&r->cap, -1, needle);
		ck_assert_msg(l != NULL, "no line \"%s\"", needle);
		ck_assert_int_eq(sscanf(strstr(l, needle) + strlen(needle), "%63s tls %63s", conns[it], hs[it]), 2);
	}
}

START_TEST(test_http_transport_reuse__options)
{
	char c[2][64], h[2][64];
	unsigned a[6];
	srun r;

	trust_test_ca();
	/* Default: one connection for the VU's whole life. */
	sr_new(&r, "reuse.js", NULL);
	sr_run(&r);
	reuse_lines(&r, c, h);
	ck_assert_int_eq(sscanf(c[0], "%u,%u,%u", &a[0], &a[1], &a[2]), 3);
	ck_assert_int_eq(sscanf(c[1], "%u,%u,%u", &a[3], &a[4], &a[5]), 3);
	for (int i = 1; i < 6; i++)
		ck_assert_uint_eq(a[i], a[0]);
	ck_assert_str_eq(h[0], "new,reused,reused");
	ck_assert_str_eq(h[1], "reused,reused,reused");
	sr_free(&r);

	/* noConnectionReuse: a new connection per request. */
	sr_new(&r, "reuse.js", "{\"noConnectionReuse\":true}");
	sr_run(&r);
	reuse_lines(&r, c, h);
	ck_assert_int_eq(sscanf(c[0], "%u,%u,%u", &a[0], &a[1], &a[2]), 3);
	ck_assert_int_eq(sscanf(c[1], "%u,%u,%u", &a[3], &a[4], &a[5]), 3);
	for (int i = 0; i < 6; i++)
		for (int j = i + 1; j < 6; j++)
			ck_assert_uint_ne(a[i], a[j]);
	ck_assert_str_eq(h[0], "new,new,new");
	ck_assert_str_eq(h[1], "new,new,new");
	sr_free(&r);

	/* noVUConnectionReuse: kept within an iteration, not across. */
	sr_new(&r, "reuse.js", "{\"noVUConnectionReuse\":true}");
	sr_run(&r);
	reuse_lines(&r, c, h);
	ck_assert_int_eq(sscanf(c[0], "%u,%u,%u", &a[0], &a[1], &a[2]), 3);
	ck_assert_int_eq(sscanf(c[1], "%u,%u,%u", &a[3], &a[4], &a[5]), 3);
	ck_assert_uint_eq(a[1], a[0]);
	ck_assert_uint_eq(a[2], a[0]);
	ck_assert_uint_eq(a[4], a[3]);
	ck_assert_uint_eq(a[5], a[3]);
	ck_assert_uint_ne(a[3], a[0]);
	ck_assert_str_eq(h[0], "new,reused,reused");
	ck_assert_str_eq(h[1], "new,reused,reused");
	sr_free(&r);
}
END_TEST

START_TEST(test_http_transport_local_ips__round_robin_per_vu)
{
	srun r;

	sr_new(&r, "localips.js", "{\"localIPs\":\"127.0.0.2-127.0.0.3\"}");
	sr_env(&r, "IPS", "127.0.0.2,127.0.0.3");
	sr_run(&r);
	assert_checks(&r, 6);
	sr_free(&r);
	sr_new(&r, "localips.js", "{\"localIPs\":[\"127.0.0.4/31\",\"127.0.0.9\"]}");
	sr_env(&r, "IPS", "127.0.0.4,127.0.0.5,127.0.0.9");
	sr_run(&r);
	assert_checks(&r, 6);
	sr_free(&r);
	probe(&r, "{\"localIPs\":\"127.0.0.9-127.0.0.1\"}", url_of(hb.base_url, "/get"), NULL);
	assert_config_error(&r, "localIPs", "start is above its end");
	sr_free(&r);
}
END_TEST

/* ---- errors, debug, compression ------------------------------------------------ */

START_TEST(test_http_transport_errors__k6_codes)
{
	char port[16];
	srun r;

	snprintf(port, sizeof(port), "%d", ts_closed_port());
	sr_new(&r, "errors.js", NULL);
	sr_env(&r, "CLOSED_PORT", port);
	sr_run(&r);
	assert_checks(&r, 10);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1101}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1212}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1050}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1301}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1220}"), 1);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1000}"), 3);
	ck_assert_int_eq((int)sub_count(&r, "http_reqs{error_code:1701}"), 1);
	ck_assert_ptr_nonnull(tcap_find(&r.cap, K6C_LOG_WARN, "Request Failed error=\"lookup: no such host\""));
	sr_free(&r);
}
END_TEST

/* The log line that starts with prefix and contains every needle. */
static const char *line_with(srun *r, const char *prefix, const char *a, const char *b)
{
	for (size_t i = 0; i < r->cap.n; i++) {
		const char *m = r->cap.lines[i].msg;

		if (strncmp(m, prefix, strlen(prefix)) == 0 && (!a || strstr(m, a)) && (!b || strstr(m, b)))
			return m;
	}
	return NULL;
}

START_TEST(test_http_transport_debug__headers_and_full)
{
	srun r;

	trust_test_ca();
	sr_new(&r, "debug.js", "{\"httpDebug\":\"full\"}");
	sr_run(&r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_ptr_nonnull(line_with(&r, "Request:\nGET /get?via=debug HTTP/1.1\nHost: 127.0.0.1:", "\n\n",
		"source=http-debug"));
	ck_assert_ptr_nonnull(line_with(&r, "Response:\nHTTP/1.1 200 OK\n", "/get?via=debug", "request_id="));
	ck_assert_ptr_nonnull(line_with(&r, "Request:\nPOST /post HTTP/1.1\n", "\n\nping-body-123", "mine=yes"));
	ck_assert_ptr_nonnull(line_with(&r, "Response:\nHTTP/1.1 200 OK\n", "ping-body-123", NULL));
	/* A failed request has no response to show. */
	ck_assert_ptr_nonnull(line_with(&r, "Request:\nGET /debug HTTP/1.1\nHost: no-such-host.k6c.invalid", NULL, NULL));
	/* The curl path (https, HTTP/2) too. */
	ck_assert_ptr_nonnull(line_with(&r, "Request:\nGET /get?via=curl HTTP/", NULL, NULL));
	ck_assert_ptr_nonnull(line_with(&r, "Response:\nHTTP/2.0 200 OK\n", "/get?via=curl", NULL));
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_INFO, "Request:\n"), 4);
	ck_assert_uint_eq(tcap_count(&r.cap, K6C_LOG_INFO, "Response:\n"), 3);
	sr_free(&r);

	sr_new(&r, "debug.js", "{\"httpDebug\":\"headers\"}");
	sr_run(&r);
	ck_assert_ptr_nonnull(line_with(&r, "Request:\nPOST /post HTTP/1.1\n", "Content-Length: 13", NULL));
	ck_assert_ptr_null(line_with(&r, "Request:\n", "ping-body-123", NULL));
	ck_assert_ptr_nonnull(line_with(&r, "Response:\nHTTP/1.1 200 OK\n", "Content-Type: application/json", NULL));
	ck_assert_ptr_null(line_with(&r, "Response:\n", "/get?via=debug", NULL));
	sr_free(&r);

	/* Off by default. */
	sr_new(&r, "debug.js", NULL);
	sr_run(&r);
	ck_assert_uint_eq(tcap_count(&r.cap, -1, "Request:\n"), 0);
	sr_free(&r);
}
END_TEST

START_TEST(test_http_transport_compression__both_ways)
{
	srun r;

	trust_test_ca();
	sr_new(&r, "compression.js", NULL);
	sr_run(&r);
	assert_checks(&r, 7 * 3 + 3 + 2 * 4);
	sr_free(&r);
}
END_TEST

static Suite *transport_suite(void)
{
	Suite *s = suite_create("script_http_transport");
	TCase *tc = tcase_create("transport");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_http_transport_tls__verify_fails_without_trust);
	tcase_add_test(tc, test_http_transport_tls__insecure_skip_verify);
	tcase_add_test(tc, test_http_transport_tls__h2_ocsp_versions_and_tags);
	tcase_add_test(tc, test_http_transport_tls__version_limits);
	tcase_add_test(tc, test_http_transport_tls__cipher_suites);
	tcase_add_test(tc, test_http_transport_tls__client_certificates);
	tcase_add_test(tc, test_http_transport_hosts__names_wildcards_ports);
	tcase_add_test(tc, test_http_transport_dns__option_read_and_checked);
	tcase_add_test(tc, test_http_transport_reuse__options);
	tcase_add_test(tc, test_http_transport_local_ips__round_robin_per_vu);
	tcase_add_test(tc, test_http_transport_errors__k6_codes);
	tcase_add_test(tc, test_http_transport_debug__headers_and_full);
	tcase_add_test(tc, test_http_transport_compression__both_ways);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	servers_up = ts_httpbin_start(&hb) == 0 && ts_nginx_tls_start(&tls, &hb) == 0 &&
		ts_raw_start(&raw) == 0;
	if (!servers_up)
		fprintf(stderr, "test_http_transport: a test server did not start; every case will fail\n");
	sr = srunner_create(transport_suite());
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	ts_server_stop(&raw);
	ts_server_stop(&tls);
	ts_server_stop(&hb);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
