/*
 * test_http.c - lib/http against a real httpbin (gunicorn on 127.0.0.1):
 * methods, headers, bodies, redirects hop by hop, errors mapped to k6's
 * codes, timeouts, concurrency on one loop, connection reuse, timings and
 * the re-entrancy rules of the completion callback.
 *
 * httpbin (and nginx as a TLS/HTTP/2 front) is started once per process in
 * main(); each test gets its own loop, client and connection (checked
 * fixture, in the forked child).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "server.h"

static ts_server srv, tls;
static bool srv_ok, tls_ok;

static k6c__loop *loop;
static k6c__http_client *client;
static k6c__http_conn *conn;

typedef struct rec {
	int hops;
	int hop_status[16];
	bool hop_final_flag[16];
	char hop_url[16][256];
	char hop_method[16][16];
	int finals;
	bool done;
	k6c__http_resp resp;
	/* Behaviour switches for the re-entrancy tests. */
	bool free_on_hop;
	bool cancel_on_hop;
	int chain_left;          /* start this many more requests from the final cb */
	const char *chain_url;
	int chained;
} rec;

static void on_done(k6c__http_conn *c, k6c__http_resp *r, bool is_final, void *arg)
{
	rec *x = arg;

	if (!is_final) {
		if (x->hops < 16) {
			x->hop_status[x->hops] = r->status;
			x->hop_final_flag[x->hops] = is_final;
			snprintf(x->hop_url[x->hops], sizeof(x->hop_url[0]), "%s", r->url ? r->url : "");
			snprintf(x->hop_method[x->hops], sizeof(x->hop_method[0]), "%s", r->method);
		}
		x->hops++;
		if (x->free_on_hop) {
			k6c__http_conn_free(c);
			conn = NULL;
			x->done = true;
		} else if (x->cancel_on_hop) {
			k6c__http_cancel(c);
			x->done = true;
		}
		return;
	}
	x->finals++;
	if (x->chain_left > 0) {
		k6c__http_req req = { .method = "GET", .url = x->chain_url, .max_redirects = -1 };

		x->chain_left--;
		x->chained++;
		/* Recycle the previous final response into the conn, then reuse
		 * the same struct for the next one: the engine's pattern. */
		k6c__http_conn_recycle(c, &x->resp);
		ck_assert_int_eq(k6c__http_start(c, &req, &x->resp, on_done, x), 0);
		return;
	}
	x->done = true;
}

static void run_until(const bool *flag, int max_ms)
{
	uint64_t end = k6c__now_ns() + (uint64_t)max_ms * 1000000u;

	while (!*flag && k6c__now_ns() < end)
		ck_assert_int_ge(k6c__loop_run_once(loop, 50), 0);
}

static void run_for(int ms)
{
	uint64_t end = k6c__now_ns() + (uint64_t)ms * 1000000u;

	while (k6c__now_ns() < end)
		k6c__loop_run_once(loop, 10);
}

static const char *url_of(char *buf, size_t cap, const char *path)
{
	snprintf(buf, cap, "%s%s", srv.base_url, path);
	return buf;
}

/* Runs one request on the fixture's conn and waits for its final callback. */
static void do_req(rec *x, const char *method, const char *path, const char *const *headers,
	size_t nheaders, const char *body, size_t body_len)
{
	char url[512];
	k6c__http_req req = {
		.method = method,
		.url = url_of(url, sizeof(url), path),
		.headers = headers,
		.nheaders = nheaders,
		.body = body,
		.body_len = body_len,
		.max_redirects = -1,
	};

	ck_assert_int_eq(k6c__http_start(conn, &req, &x->resp, on_done, x), 0);
	run_until(&x->done, 20000);
	ck_assert_msg(x->done, "%s %s did not finish", method, path);
}

static bool has_header(const k6c__http_resp *r, const char *line)
{
	return r->headers.ptr && strstr(r->headers.ptr, line) != NULL;
}

static bool body_has(const k6c__http_resp *r, const char *s)
{
	return r->body.ptr && strstr(r->body.ptr, s) != NULL;
}

static void assert_timings_sane(const k6c__http_resp *r)
{
	const k6c__http_timings *t = &r->timings;

	ck_assert(t->blocked >= 0 && t->connecting >= 0 && t->tls_handshaking >= 0);
	ck_assert(t->sending >= 0 && t->waiting >= 0 && t->receiving >= 0);
	ck_assert(t->duration >= 0);
	ck_assert_msg(t->duration - (t->sending + t->waiting + t->receiving) < 1e-6 &&
		(t->sending + t->waiting + t->receiving) - t->duration < 1e-6,
		"duration %f != %f + %f + %f", t->duration, t->sending, t->waiting, t->receiving);
	/* "It finished": no phase of a local request takes a minute. */
	ck_assert(t->duration < 60000 && t->blocked < 60000);
}

/* ---- fixtures -------------------------------------------------------- */

static void setup(void)
{
	k6c__http_client_opts opts = { .max_connections = 256, .user_agent = NULL };

	ck_assert_msg(srv_ok, "httpbin did not start");
	ck_assert_int_eq(k6c__http_global_init(), 0);
	ck_assert_int_eq(k6c__loop_new(&loop), 0);
	ck_assert_int_eq(k6c__http_client_new(&client, loop, &opts), 0);
	ck_assert_int_eq(k6c__http_conn_new(client, &conn), 0);
}

static void tls_setup(void)
{
	ck_assert_msg(tls_ok, "nginx (TLS front) did not start");
	setup();
}

/* Replaces the fixture's client and conn with ones made with opts. */
static void use_client(const k6c__http_client_opts *opts)
{
	k6c__http_client_free(client);  /* frees conn too */
	conn = NULL;
	ck_assert_int_eq(k6c__http_client_new(&client, loop, opts), 0);
	ck_assert_int_eq(k6c__http_conn_new(client, &conn), 0);
}

static void teardown(void)
{
	k6c__http_conn_free(conn);
	conn = NULL;
	k6c__http_client_free(client);
	client = NULL;
	k6c__loop_free(loop);
	loop = NULL;
	k6c__http_global_cleanup();
}

/* ---- requests -------------------------------------------------------- */

START_TEST(test_http_get__json)
{
	rec x = { 0 };
	char url[512];

	do_req(&x, "GET", "/get?a=1", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.finals, 1);
	ck_assert_int_eq(x.hops, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.status_text, "200 OK");
	ck_assert_str_eq(x.resp.proto, "HTTP/1.1");
	ck_assert_str_eq(x.resp.method, "GET");
	ck_assert_str_eq(x.resp.url, url_of(url, sizeof(url), "/get?a=1"));
	ck_assert_int_eq(x.resp.error_code, 0);
	ck_assert_str_eq(x.resp.error, "");
	ck_assert_ptr_nonnull(x.resp.body.ptr);
	ck_assert_msg(x.resp.body.ptr[0] == '{', "body: %s", x.resp.body.ptr);
	ck_assert(body_has(&x.resp, "\"args\":{\"a\":\"1\"}"));
	/* k6's defaults: our User-Agent, and none of curl's Accept: or
	 * Accept-Encoding: headers (Go sends neither). */
	ck_assert_msg(body_has(&x.resp, "\"User-Agent\":\"k6c/"), "body: %s", x.resp.body.ptr);
	ck_assert(!body_has(&x.resp, "\"Accept\""));
	ck_assert(!body_has(&x.resp, "\"Accept-Encoding\""));
	ck_assert(has_header(&x.resp, "Content-Type: application/json\r\n"));
	ck_assert(!has_header(&x.resp, "HTTP/1.1"));
	ck_assert_str_eq(x.resp.remote_ip, "127.0.0.1");
	ck_assert_int_eq(x.resp.remote_port, srv.port);
	ck_assert(x.resp.bytes_sent > strlen("GET /get?a=1 HTTP/1.1\r\n"));
	ck_assert(x.resp.bytes_received > x.resp.body.len + x.resp.headers.len);
	ck_assert(x.resp.start_us > 0);
	ck_assert_str_eq(x.resp.tls_version, "");
	ck_assert_str_eq(x.resp.tls_cipher_suite, "");
	assert_timings_sane(&x.resp);
	/* A new connection: connecting took some time, no TLS. */
	ck_assert(x.resp.timings.connecting > 0);
	ck_assert(x.resp.timings.tls_handshaking == 0);
	ck_assert(x.resp.timings.blocked >= x.resp.timings.connecting);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_post__echo)
{
	static const char body[] = "{\"hello\":\"world\"}";
	const char *headers[] = { "Content-Type: application/json", "X-Test: abc",
		"X-Empty:", "Content-Length: 999" };
	rec x = { 0 };

	do_req(&x, "POST", "/post", headers, 4, body, strlen(body));
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.method, "POST");
	ck_assert_msg(body_has(&x.resp, "\"data\":\"{\\\"hello\\\":\\\"world\\\"}\""), "body: %s",
		x.resp.body.ptr);
	ck_assert(body_has(&x.resp, "\"json\":{\"hello\":\"world\"}"));
	ck_assert(body_has(&x.resp, "\"X-Test\":\"abc\""));
	/* An empty value is sent as an empty header, not dropped. */
	ck_assert_msg(body_has(&x.resp, "\"X-Empty\":\"\""), "body: %s", x.resp.body.ptr);
	/* The user's Content-Length is replaced by the body's, as in k6. */
	ck_assert(body_has(&x.resp, "\"Content-Length\":\"17\""));
	ck_assert(body_has(&x.resp, "\"Content-Type\":\"application/json\""));
	ck_assert(!body_has(&x.resp, "\"Expect\""));
	ck_assert(x.resp.bytes_sent >= strlen(body) + strlen("POST /post HTTP/1.1\r\n"));
	assert_timings_sane(&x.resp);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_post__empty_body)
{
	rec x = { 0 }, y = { 0 };

	/* No body at all on a POST: Go still sends Content-Length: 0. */
	do_req(&x, "POST", "/post", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_msg(body_has(&x.resp, "\"Content-Length\":\"0\""), "body: %s", x.resp.body.ptr);
	ck_assert(body_has(&x.resp, "\"data\":\"\""));
	/* No default form Content-Type from curl either. */
	ck_assert(!body_has(&x.resp, "\"Content-Type\""));
	k6c__http_resp_free(&x.resp);

	do_req(&y, "POST", "/post", NULL, 0, "", 0);
	ck_assert_int_eq(y.resp.status, 200);
	ck_assert(body_has(&y.resp, "\"Content-Length\":\"0\""));
	k6c__http_resp_free(&y.resp);
}
END_TEST

START_TEST(test_http_head__no_body)
{
	rec x = { 0 };

	do_req(&x, "HEAD", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.method, "HEAD");
	ck_assert_uint_eq(x.resp.body.len, 0);
	ck_assert(has_header(&x.resp, "Content-Length: "));
	assert_timings_sane(&x.resp);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_methods__all)
{
	static const struct { const char *method, *path, *body; } cases[] = {
		{ "PUT", "/put", "put-body" },
		{ "PATCH", "/patch", "patch-body" },
		{ "DELETE", "/delete", NULL },
		{ "OPTIONS", "/get", NULL },
		{ "GET", "/anything", "get-with-body" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rec x = { 0 };

		do_req(&x, cases[i].method, cases[i].path, NULL, 0, cases[i].body,
			cases[i].body ? strlen(cases[i].body) : 0);
		ck_assert_msg(x.resp.status == 200, "%s %s: %d", cases[i].method, cases[i].path,
			x.resp.status);
		ck_assert_str_eq(x.resp.method, cases[i].method);
		if (strcmp(cases[i].method, "OPTIONS") == 0) {
			ck_assert(has_header(&x.resp, "Allow: "));
			ck_assert_uint_eq(x.resp.body.len, 0);
		} else {
			char want[64];

			snprintf(want, sizeof(want), "\"data\":\"%s\"", cases[i].body ? cases[i].body : "");
			ck_assert_msg(body_has(&x.resp, want), "%s: %s", cases[i].method, x.resp.body.ptr);
		}
		if (strcmp(cases[i].path, "/anything") == 0)
			ck_assert(body_has(&x.resp, "\"method\":\"GET\""));
		k6c__http_resp_free(&x.resp);
	}
}
END_TEST

START_TEST(test_http_headers__custom_echoed)
{
	const char *headers[] = { "X-Foo: bar", "User-Agent: custom/1.0", "Accept: text/plain" };
	rec x = { 0 };

	do_req(&x, "GET", "/headers", headers, 3, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(body_has(&x.resp, "\"X-Foo\":\"bar\""));
	ck_assert(body_has(&x.resp, "\"User-Agent\":\"custom/1.0\""));
	ck_assert(!body_has(&x.resp, "k6c/"));
	ck_assert(body_has(&x.resp, "\"Accept\":\"text/plain\""));
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_headers__user_agent_option)
{
	k6c__http_client_opts none = { .max_connections = 4, .user_agent = "" };
	k6c__http_client_opts mine = { .max_connections = 4, .user_agent = "mine/2" };
	k6c__http_client *c2;
	k6c__http_conn *saved = conn;
	rec x = { 0 }, y = { 0 };

	ck_assert_int_eq(k6c__http_client_new(&c2, loop, &none), 0);
	ck_assert_int_eq(k6c__http_conn_new(c2, &conn), 0);
	do_req(&x, "GET", "/headers", NULL, 0, NULL, 0);
	ck_assert(!body_has(&x.resp, "User-Agent"));
	k6c__http_client_free(c2);  /* frees its conn too */

	ck_assert_int_eq(k6c__http_client_new(&c2, loop, &mine), 0);
	ck_assert_int_eq(k6c__http_conn_new(c2, &conn), 0);
	do_req(&y, "GET", "/headers", NULL, 0, NULL, 0);
	ck_assert(body_has(&y.resp, "\"User-Agent\":\"mine/2\""));
	k6c__http_client_free(c2);
	conn = saved;
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
}
END_TEST

START_TEST(test_http_headers__response)
{
	rec x = { 0 };

	do_req(&x, "GET", "/response-headers?X-Resp=val&X-Other=2", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(has_header(&x.resp, "X-Resp: val\r\n"));
	ck_assert(has_header(&x.resp, "X-Other: 2\r\n"));
	ck_assert(has_header(&x.resp, "Server: gunicorn"));
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_status__500)
{
	rec x = { 0 };

	do_req(&x, "GET", "/status/500", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 500);
	/* The server's own reason phrase, as Go's Response.Status keeps it. */
	ck_assert_str_eq(x.resp.status_text, "500 INTERNAL SERVER ERROR");
	ck_assert_int_eq(x.resp.error_code, 0);
	ck_assert_str_eq(x.resp.proto, "HTTP/1.1");
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_body__gzip_decoded)
{
	rec x = { 0 };

	do_req(&x, "GET", "/gzip", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(has_header(&x.resp, "Content-Encoding: gzip"));
	ck_assert_msg(body_has(&x.resp, "\"gzipped\":true"), "body: %s", x.resp.body.ptr);
	/* Nothing was asked for: the server compresses on its own here. */
	ck_assert(!body_has(&x.resp, "Accept-Encoding"));
	k6c__http_resp_free(&x.resp);
}
END_TEST

/* ---- redirects ------------------------------------------------------- */

START_TEST(test_http_redirect__three_hops)
{
	rec x = { 0 };
	char url[512];

	do_req(&x, "GET", "/redirect/3", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.hops, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(x.hop_status[i], 302);
		ck_assert(!x.hop_final_flag[i]);
	}
	ck_assert_str_eq(x.hop_url[0], url_of(url, sizeof(url), "/redirect/3"));
	ck_assert_str_eq(x.hop_url[1], url_of(url, sizeof(url), "/relative-redirect/2"));
	ck_assert_int_eq(x.finals, 1);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.url, url_of(url, sizeof(url), "/get"));
	/* Go sets Referer to the previous hop. */
	ck_assert_msg(body_has(&x.resp, "/relative-redirect/1\""), "body: %s", x.resp.body.ptr);
	assert_timings_sane(&x.resp);
	/* Hops after the first reuse the connection. */
	ck_assert(x.resp.timings.connecting == 0);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_redirect__limit_returns_redirect)
{
	rec x = { 0 };
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/redirect/3"),
		.max_redirects = 1 };

	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_until(&x.done, 20000);
	ck_assert(x.done);
	ck_assert_int_eq(x.hops, 1);
	ck_assert_int_eq(x.resp.status, 302);
	ck_assert_int_eq(x.resp.error_code, 0);
	ck_assert(has_header(&x.resp, "Location: "));
	k6c__http_resp_free(&x.resp);

	/* 0: do not follow at all. */
	memset(&x, 0, sizeof(x));
	req.max_redirects = 0;
	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_until(&x.done, 20000);
	ck_assert_int_eq(x.hops, 0);
	ck_assert_int_eq(x.resp.status, 302);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_redirect__post_becomes_get)
{
	const char *headers[] = { "Content-Type: text/plain" };
	rec x = { 0 }, y = { 0 };
	char url[512];

	do_req(&x, "POST", "/redirect-to?url=%2Fanything&status_code=302", headers, 1, "abc", 3);
	ck_assert_int_eq(x.hops, 1);
	ck_assert_str_eq(x.hop_method[0], "POST");
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.method, "GET");
	ck_assert_str_eq(x.resp.url, url_of(url, sizeof(url), "/anything"));
	ck_assert(body_has(&x.resp, "\"method\":\"GET\""));
	ck_assert(body_has(&x.resp, "\"data\":\"\""));
	k6c__http_resp_free(&x.resp);

	/* 307 repeats the method and the body. */
	do_req(&y, "POST", "/redirect-to?url=%2Fanything&status_code=307", headers, 1, "abc", 3);
	ck_assert_int_eq(y.hops, 1);
	ck_assert_int_eq(y.resp.status, 200);
	ck_assert_str_eq(y.resp.method, "POST");
	ck_assert(body_has(&y.resp, "\"method\":\"POST\""));
	ck_assert(body_has(&y.resp, "\"data\":\"abc\""));
	k6c__http_resp_free(&y.resp);
}
END_TEST

/* ---- errors ---------------------------------------------------------- */

START_TEST(test_http_error__timeout)
{
	rec x = { 0 };
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/delay/3"),
		.timeout_ms = 500, .max_redirects = -1 };

	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_until(&x.done, 10000);
	ck_assert(x.done);
	ck_assert_int_eq(x.resp.error_code, 1050);
	ck_assert_str_eq(x.resp.error, "request timeout");
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_str_eq(x.resp.proto, "");
	ck_assert_str_eq(x.resp.status_text, "");
	ck_assert_uint_eq(x.resp.body.len, 0);
	assert_timings_sane(&x.resp);
	/* It waited for the response. */
	ck_assert(x.resp.timings.waiting > 0);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_error__refused)
{
	rec x = { 0 };
	char url[128];
	k6c__http_req req = { .method = "GET", .url = url, .max_redirects = -1 };

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/get", ts_closed_port());
	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_until(&x.done, 10000);
	ck_assert(x.done);
	ck_assert_int_eq(x.resp.error_code, 1212);
	ck_assert_str_eq(x.resp.error, "dial: connection refused");
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_str_eq(x.resp.proto, "");
	ck_assert_str_eq(x.resp.url, url);
	assert_timings_sane(&x.resp);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_error__bad_urls)
{
	rec x = { 0 }, y = { 0 };
	k6c__http_req req = { .method = "GET", .url = "http://[::1", .max_redirects = -1 };

	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_until(&x.done, 10000);
	ck_assert_int_eq(x.resp.error_code, 1020);
	ck_assert_msg(strncmp(x.resp.error, "invalid URL", 11) == 0, "%s", x.resp.error);
	k6c__http_resp_free(&x.resp);

	req.url = "ftp://127.0.0.1/x";
	ck_assert_int_eq(k6c__http_start(conn, &req, &y.resp, on_done, &y), 0);
	run_until(&y.done, 10000);
	ck_assert_int_eq(y.resp.error_code, 1000);
	ck_assert_str_eq(y.resp.error, "unsupported protocol scheme \"ftp\"");
	k6c__http_resp_free(&y.resp);
}
END_TEST

START_TEST(test_http_error__start_busy_and_invalid)
{
	rec x = { 0 }, y = { 0 };
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/get"),
		.max_redirects = -1 };

	ck_assert_int_eq(k6c__http_start(conn, NULL, &x.resp, on_done, &x), K6C_EINVAL);
	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	/* One transfer at a time per conn; no callback for the refused one. */
	ck_assert_int_eq(k6c__http_start(conn, &req, &y.resp, on_done, &y), K6C_EINVAL);
	run_until(&x.done, 10000);
	ck_assert(x.done);
	ck_assert_int_eq(y.finals, 0);
	k6c__http_resp_free(&x.resp);
}
END_TEST

/* ---- concurrency, reuse, cancellation -------------------------------- */

START_TEST(test_http_concurrency__hundred_on_one_loop)
{
	enum { N = 100 };
	k6c__http_conn *conns[N];
	rec *recs = calloc(N, sizeof(*recs));
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/get"),
		.max_redirects = -1 };
	uint64_t end = k6c__now_ns() + 60000000000ull;
	int done = 0;

	ck_assert_ptr_nonnull(recs);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(k6c__http_conn_new(client, &conns[i]), 0);
		ck_assert_int_eq(k6c__http_start(conns[i], &req, &recs[i].resp, on_done, &recs[i]), 0);
	}
	while (done < N && k6c__now_ns() < end) {
		ck_assert_int_ge(k6c__loop_run_once(loop, 50), 0);
		done = 0;
		for (int i = 0; i < N; i++)
			done += recs[i].done;
	}
	ck_assert_int_eq(done, N);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(recs[i].resp.status, 200);
		ck_assert_int_eq(recs[i].finals, 1);
		assert_timings_sane(&recs[i].resp);
		k6c__http_resp_free(&recs[i].resp);
		k6c__http_conn_free(conns[i]);
	}
	free(recs);
}
END_TEST

START_TEST(test_http_reuse__second_request_no_connect)
{
	rec x = { 0 }, y = { 0 };

	do_req(&x, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(x.resp.timings.connecting > 0);
	do_req(&y, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(y.resp.status, 200);
	ck_assert(y.resp.timings.connecting == 0);
	ck_assert(y.resp.timings.tls_handshaking == 0);
	assert_timings_sane(&y.resp);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
}
END_TEST

START_TEST(test_http_reentry__chain_from_final_callback)
{
	rec x = { 0 };
	char next[512];

	x.chain_left = 3;
	x.chain_url = url_of(next, sizeof(next), "/status/201");
	do_req(&x, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.chained, 3);
	ck_assert_int_eq(x.finals, 4);
	ck_assert_int_eq(x.resp.status, 201);
	ck_assert_str_eq(x.resp.status_text, "201 CREATED");
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_reentry__free_in_hop_callback)
{
	rec x = { 0 };

	x.free_on_hop = true;
	do_req(&x, "GET", "/redirect/3", NULL, 0, NULL, 0);
	ck_assert_ptr_null(conn);
	ck_assert_int_eq(x.hops, 1);
	/* Nothing else arrives for the freed conn. */
	run_for(300);
	ck_assert_int_eq(x.hops, 1);
	ck_assert_int_eq(x.finals, 0);
	ck_assert_int_eq(k6c__http_conn_new(client, &conn), 0);
}
END_TEST

START_TEST(test_http_reentry__cancel_in_hop_callback)
{
	rec x = { 0 }, y = { 0 };

	x.cancel_on_hop = true;
	do_req(&x, "GET", "/redirect/2", NULL, 0, NULL, 0);
	run_for(300);
	ck_assert_int_eq(x.hops, 1);
	ck_assert_int_eq(x.finals, 0);
	/* The conn is usable again. */
	do_req(&y, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(y.resp.status, 200);
	k6c__http_resp_free(&y.resp);
}
END_TEST

START_TEST(test_http_cancel__no_callback_then_reuse)
{
	rec x = { 0 }, y = { 0 };
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/delay/2"),
		.max_redirects = -1 };

	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_for(200);
	k6c__http_cancel(conn);
	k6c__http_cancel(conn);  /* idempotent */
	run_for(300);
	ck_assert_int_eq(x.finals, 0);
	do_req(&y, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(y.resp.status, 200);
	k6c__http_resp_free(&y.resp);

	/* Freeing a conn with a transfer in flight: no callback either. */
	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_for(100);
	k6c__http_conn_free(conn);
	conn = NULL;
	run_for(200);
	ck_assert_int_eq(x.finals, 0);
}
END_TEST

START_TEST(test_http_recycle__reuses_memory)
{
	rec x = { 0 };
	const char *last = NULL;

	for (int i = 0; i < 5; i++) {
		memset(&x, 0, sizeof(x));
		do_req(&x, "GET", "/bytes/4096", NULL, 0, NULL, 0);
		ck_assert_int_eq(x.resp.status, 200);
		ck_assert_uint_eq(x.resp.body.len, 4096);
		/* The same size again: the recycled body buffer is the one used. */
		if (i > 0)
			ck_assert_ptr_eq(x.resp.body.ptr, last);
		last = x.resp.body.ptr;
		k6c__http_conn_recycle(conn, &x.resp);
		ck_assert_ptr_null(x.resp.body.ptr);
		ck_assert_ptr_null(x.resp.url);
	}
	k6c__http_conn_recycle(NULL, &x.resp);
	k6c__http_resp_free(NULL);
}
END_TEST

/* ---- TLS and HTTP/2 (nginx in front of httpbin) ---------------------- */

static void do_url(rec *x, const char *method, const char *base, const char *path,
	const char *body)
{
	char url[512];
	k6c__http_req req = { .method = method, .url = url, .body = body,
		.body_len = body ? strlen(body) : 0, .max_redirects = -1 };

	snprintf(url, sizeof(url), "%s%s", base, path);
	ck_assert_int_eq(k6c__http_start(conn, &req, &x->resp, on_done, x), 0);
	run_until(&x->done, 20000);
	ck_assert_msg(x->done, "%s %s did not finish", method, url);
}

START_TEST(test_http_tls__http2_trusted)
{
	k6c__http_client_opts o = { .max_connections = 4, .ca_file = tls.cert_file };
	rec x = { 0 }, y = { 0 }, z = { 0 };

	use_client(&o);
	do_url(&x, "GET", tls.base_url, "/get", NULL);
	ck_assert_msg(x.resp.status == 200, "%d %s", x.resp.error_code, x.resp.error);
	ck_assert_str_eq(x.resp.proto, "HTTP/2.0");
	ck_assert_str_eq(x.resp.status_text, "200 OK");
	ck_assert(has_header(&x.resp, "content-type: application/json"));
	ck_assert(body_has(&x.resp, "\"User-Agent\":\"k6c/"));
	ck_assert(x.resp.timings.connecting > 0);
	ck_assert(x.resp.timings.tls_handshaking > 0);
	ck_assert(x.resp.timings.blocked >= x.resp.timings.connecting + x.resp.timings.tls_handshaking);
	ck_assert_int_eq(x.resp.remote_port, tls.port);
	ck_assert_str_eq(x.resp.tls_version, "tls1.3");
	ck_assert_msg(strncmp(x.resp.tls_cipher_suite, "TLS_", 4) == 0, "%s", x.resp.tls_cipher_suite);
	assert_timings_sane(&x.resp);

	/* Reused: no connect, no handshake. A body over HTTP/2. */
	do_url(&y, "POST", tls.base_url, "/post", "h2-body");
	ck_assert_int_eq(y.resp.status, 200);
	ck_assert_str_eq(y.resp.proto, "HTTP/2.0");
	ck_assert(body_has(&y.resp, "\"data\":\"h2-body\""));
	ck_assert(y.resp.timings.connecting == 0);
	ck_assert(y.resp.timings.tls_handshaking == 0);
	ck_assert_str_eq(y.resp.tls_version, "tls1.3");
	assert_timings_sane(&y.resp);

	do_url(&z, "GET", tls.base_url, "/redirect/2", NULL);
	ck_assert_int_eq(z.hops, 2);
	ck_assert_int_eq(z.hop_status[0], 302);
	ck_assert_int_eq(z.resp.status, 200);
	ck_assert(strstr(z.resp.url, "https://127.0.0.1:") == z.resp.url);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
	k6c__http_resp_free(&z.resp);
}
END_TEST

START_TEST(test_http_tls__unknown_authority)
{
	rec x = { 0 };

	do_url(&x, "GET", tls.base_url, "/get", NULL);
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_int_eq(x.resp.error_code, 1310);
	ck_assert_str_eq(x.resp.error, "x509: unknown authority");
	ck_assert_str_eq(x.resp.proto, "");
	assert_timings_sane(&x.resp);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_tls__hostname_mismatch)
{
	k6c__http_client_opts o = { .max_connections = 4, .ca_file = tls.cert_file };
	rec x = { 0 };
	char base[64];

	/* The certificate names 127.0.0.1 only; "localhost" is loopback too. */
	snprintf(base, sizeof(base), "https://localhost:%d", tls.port);
	use_client(&o);
	do_url(&x, "GET", base, "/get", NULL);
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_int_eq(x.resp.error_code, 1311);
	ck_assert_str_eq(x.resp.error, "x509: certificate doesn't match hostname");
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_tls__insecure_skip_verify)
{
	k6c__http_client_opts o = { .max_connections = 4, .insecure_skip_tls_verify = true };
	rec x = { 0 };

	use_client(&o);
	do_url(&x, "GET", tls.base_url, "/get", NULL);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.proto, "HTTP/2.0");
	k6c__http_resp_free(&x.resp);
}
END_TEST

/* A misbehaving server on the test's own loop: it answers a TLS client in
 * plain text at once (keeping the connection open, so the client sees the
 * bytes, not a reset), or reads the request and then resets the connection
 * or closes it without a word. */
enum { BAD_PLAIN_REPLY, BAD_RESET, BAD_CLOSE, BAD_ANSWER_CLOSE, BAD_ANSWER_CONN_CLOSE,
	BAD_ANSWER_RAW_DEFLATE };

typedef struct bad_server {
	int lfd, peer, mode;
	int accepts;
	char base[64];
} bad_server;

static void on_bad_peer(k6c__loop *l, int fd, unsigned events, void *arg)
{
	bad_server *b = arg;
	char buf[4096];

	(void)events;
	if (recv(fd, buf, sizeof(buf), 0) > 0) {
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
		static const char ok_close[] =
			"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

		/* "hello raw" as a deflate stream without its zlib wrapper,
		 * then keep the connection. */
		static const char raw[] = "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
			"Content-Length: 11\r\n\r\n\xcb\x48\xcd\xc9\xc9\x57\x28\x4a\x2c\x07\x00";

		if (b->mode == BAD_PLAIN_REPLY)
			return;
		if (b->mode == BAD_ANSWER_RAW_DEFLATE) {
			ck_assert_int_eq(send(fd, raw, sizeof(raw) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(raw) - 1);
			return;
		}
		/* An answer, keep-alive as far as the client can tell or not,
		 * then the server drops the connection. */
		if (b->mode == BAD_ANSWER_CLOSE)
			ck_assert_int_eq(send(fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(ok) - 1);
		else if (b->mode == BAD_ANSWER_CONN_CLOSE)
			ck_assert_int_eq(send(fd, ok_close, sizeof(ok_close) - 1, MSG_NOSIGNAL),
				(ssize_t)sizeof(ok_close) - 1);
	}
	k6c__loop_watch(l, fd, 0, NULL, NULL);
	if (b->mode == BAD_RESET) {
		struct linger lg = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(fd);
	b->peer = -1;
}

static void on_bad_accept(k6c__loop *l, int fd, unsigned events, void *arg)
{
	static const char reply[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	bad_server *b = arg;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	(void)events;
	if (c < 0)
		return;
	b->accepts++;
	if (b->peer >= 0) {
		k6c__loop_watch(l, b->peer, 0, NULL, NULL);
		close(b->peer);
	}
	b->peer = c;
	if (b->mode == BAD_PLAIN_REPLY)
		ck_assert_int_eq(send(c, reply, sizeof(reply) - 1, MSG_NOSIGNAL),
			(ssize_t)sizeof(reply) - 1);
	ck_assert_int_eq(k6c__loop_watch(l, c, K6C__IO_READ, on_bad_peer, b), 0);
}

static void bad_server_start(bad_server *b, int mode, const char *scheme)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	b->mode = mode;
	b->peer = -1;
	b->accepts = 0;
	b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(b->lfd, 0);
	ck_assert_int_eq(bind(b->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(b->lfd, 8), 0);
	ck_assert_int_eq(getsockname(b->lfd, (struct sockaddr *)&sa, &len), 0);
	ck_assert_int_eq(k6c__loop_watch(loop, b->lfd, K6C__IO_READ, on_bad_accept, b), 0);
	snprintf(b->base, sizeof(b->base), "%s://127.0.0.1:%d", scheme, ntohs(sa.sin_port));
}

static void bad_server_stop(bad_server *b)
{
	k6c__loop_watch(loop, b->lfd, 0, NULL, NULL);
	close(b->lfd);
	if (b->peer >= 0) {
		k6c__loop_watch(loop, b->peer, 0, NULL, NULL);
		close(b->peer);
	}
}

START_TEST(test_http_tls__plain_server)
{
	bad_server b;
	rec x = { 0 };

	/* TLS spoken to a server that does not speak it. */
	bad_server_start(&b, BAD_PLAIN_REPLY, "https");
	do_url(&x, "GET", b.base, "/get", NULL);
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_msg(x.resp.error_code == 1301, "%d %s", x.resp.error_code, x.resp.error);
	ck_assert_str_eq(x.resp.error, "tls: first record does not look like a TLS handshake");
	k6c__http_resp_free(&x.resp);
	bad_server_stop(&b);
}
END_TEST

START_TEST(test_http_error__reset_and_eof)
{
	bad_server b;
	rec x = { 0 }, y = { 0 };

	bad_server_start(&b, BAD_RESET, "http");
	do_url(&x, "GET", b.base, "/get", NULL);
	ck_assert_int_eq(x.resp.status, 0);
	ck_assert_msg(x.resp.error_code == 1220, "%d %s", x.resp.error_code, x.resp.error);
	ck_assert_str_eq(x.resp.error, "read: connection reset by peer");
	assert_timings_sane(&x.resp);
	k6c__http_resp_free(&x.resp);
	bad_server_stop(&b);

	bad_server_start(&b, BAD_CLOSE, "http");
	do_url(&y, "GET", b.base, "/get", NULL);
	ck_assert_int_eq(y.resp.status, 0);
	ck_assert_int_eq(y.resp.error_code, 1000);
	ck_assert_str_eq(y.resp.error, "EOF");
	k6c__http_resp_free(&y.resp);
	bad_server_stop(&b);
}
END_TEST

START_TEST(test_http_reuse__server_closes_idle)
{
	bad_server b;
	rec x[8] = { 0 };

	/* Every answer is followed by the server closing the connection. The
	 * client's idle socket stays registered with the loop between
	 * requests: a hang-up seen while idle, none seen before the next
	 * request, or the client closing the socket itself after a
	 * "Connection: close" answer (the next socket usually gets the same
	 * number) must all end with a fresh connection that works. */
	for (int mode = 0; mode < 2; mode++) {
		bad_server_start(&b, mode ? BAD_ANSWER_CONN_CLOSE : BAD_ANSWER_CLOSE, "http");
		for (int i = 0; i < 4; i++) {
			rec *r = &x[mode * 4 + i];

			do_url(r, "GET", b.base, "/", NULL);
			ck_assert_msg(r->resp.status == 200, "%d/%d: %d %s", mode, i, r->resp.error_code,
				r->resp.error);
			ck_assert_int_eq(r->resp.body.len, 2);
			if (i % 2 == 0)
				run_for(50);
			k6c__http_resp_free(&r->resp);
		}
		ck_assert_int_eq(b.accepts, 4);
		bad_server_stop(&b);
	}
}
END_TEST

/* ---- the plain-http fast path (our own HTTP/1.1 on keep-alive) -------- */

/* A GET on the fixture's conn that must find the previous response framed
 * exactly right: it runs on the same connection, so nothing is connected. */
static void assert_reuse_works(void)
{
	rec y = { 0 };

	do_req(&y, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_msg(y.resp.status == 200, "%d %s", y.resp.error_code, y.resp.error);
	ck_assert(y.resp.timings.connecting == 0);
	ck_assert(body_has(&y.resp, "\"url\""));
	assert_timings_sane(&y.resp);
	k6c__http_resp_free(&y.resp);
}

START_TEST(test_http_fast__keepalive_fields)
{
	rec x = { 0 };

	do_req(&x, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.proto, "HTTP/1.1");
	ck_assert_str_eq(x.resp.status_text, "200 OK");
	ck_assert_str_eq(x.resp.remote_ip, "127.0.0.1");
	ck_assert_int_gt(x.resp.remote_port, 0);
	ck_assert(x.resp.bytes_sent > 20);
	ck_assert(x.resp.bytes_received > x.resp.body.len + x.resp.headers.len);
	ck_assert(has_header(&x.resp, "Content-Type: application/json\r\n"));
	/* Go's defaults: a User-Agent, no Accept or Accept-Encoding. */
	ck_assert(body_has(&x.resp, "\"User-Agent\":\"k6c/"));
	ck_assert(!body_has(&x.resp, "\"Accept\""));
	ck_assert(!body_has(&x.resp, "Accept-Encoding"));
	k6c__http_resp_free(&x.resp);
	assert_reuse_works();
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__chunked)
{
	rec x = { 0 };
	size_t lines = 0;

	do_req(&x, "GET", "/stream/3", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(has_header(&x.resp, "Transfer-Encoding: chunked"));
	for (size_t i = 0; i < x.resp.body.len; i++)
		lines += x.resp.body.ptr[i] == '\n';
	ck_assert_uint_eq(lines, 3);
	ck_assert_msg(body_has(&x.resp, "\"id\": 2") || body_has(&x.resp, "\"id\":2"), "body: %s", x.resp.body.ptr);
	k6c__http_resp_free(&x.resp);
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__gzip_then_reuse)
{
	rec x = { 0 };

	do_req(&x, "GET", "/gzip", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_msg(body_has(&x.resp, "\"gzipped\":true"), "body: %s", x.resp.body.ptr);
	k6c__http_resp_free(&x.resp);
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__deflate_decoded)
{
	rec x = { 0 };

	do_req(&x, "GET", "/deflate", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(has_header(&x.resp, "Content-Encoding: deflate"));
	ck_assert_msg(body_has(&x.resp, "\"deflated\":true") || body_has(&x.resp, "\"deflated\": true"),
		"body: %s", x.resp.body.ptr);
	k6c__http_resp_free(&x.resp);
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__head_and_204_have_no_body)
{
	rec x = { 0 }, y = { 0 };

	do_req(&x, "HEAD", "/bytes/5000", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.body.len, 0);
	k6c__http_resp_free(&x.resp);
	assert_reuse_works();
	do_req(&y, "GET", "/status/204", NULL, 0, NULL, 0);
	ck_assert_int_eq(y.resp.status, 204);
	ck_assert_str_eq(y.resp.status_text, "204 NO CONTENT");
	ck_assert_uint_eq(y.resp.body.len, 0);
	k6c__http_resp_free(&y.resp);
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__large_body)
{
	rec x = { 0 };

	do_req(&x, "GET", "/bytes/100000", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.body.len, 100000);
	ck_assert(x.resp.bytes_received > 100000);
	k6c__http_resp_free(&x.resp);
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__large_post_body)
{
	rec x = { 0 };
	size_t n = 300000;
	char *body = malloc(n);

	ck_assert_ptr_nonnull(body);
	memset(body, 'a', n);
	do_req(&x, "POST", "/post", NULL, 0, body, n);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert(x.resp.bytes_sent > n);
	ck_assert(body_has(&x.resp, "\"Content-Length\":\"300000\""));
	k6c__http_resp_free(&x.resp);
	free(body);
	assert_reuse_works();
}
END_TEST

START_TEST(test_http_fast__timeout_on_reused_connection)
{
	rec x = { 0 }, y = { 0 }, z = { 0 };
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/delay/3"),
		.timeout_ms = 500, .max_redirects = -1 };

	do_req(&x, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_int_eq(k6c__http_start(conn, &req, &y.resp, on_done, &y), 0);
	run_until(&y.done, 10000);
	ck_assert(y.done);
	ck_assert_int_eq(y.resp.error_code, 1050);
	ck_assert_str_eq(y.resp.error, "request timeout");
	ck_assert_int_eq(y.resp.status, 0);
	ck_assert(y.resp.timings.connecting == 0);
	ck_assert(y.resp.timings.waiting > 0);
	assert_timings_sane(&y.resp);
	/* The timed-out connection is gone: the next request makes a new one. */
	do_req(&z, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(z.resp.status, 200);
	ck_assert(z.resp.timings.connecting > 0);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
	k6c__http_resp_free(&z.resp);
}
END_TEST

START_TEST(test_http_fast__server_closes_idle_reconnects)
{
	bad_server b;
	rec x = { 0 }, y = { 0 };

	/* The server answers as if keep-alive, then closes: the next request
	 * (sent before the client saw the close) goes out again on a new
	 * connection instead of failing. */
	bad_server_start(&b, BAD_ANSWER_CLOSE, "http");
	do_url(&x, "GET", b.base, "/", NULL);
	ck_assert_int_eq(x.resp.status, 200);
	do_url(&y, "GET", b.base, "/", NULL);
	ck_assert_msg(y.resp.status == 200, "%d %s", y.resp.error_code, y.resp.error);
	ck_assert_int_eq(y.resp.body.len, 2);
	ck_assert(y.resp.timings.connecting > 0);
	ck_assert_int_eq(b.accepts, 2);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
	bad_server_stop(&b);
}
END_TEST

START_TEST(test_http_fast__raw_deflate_decoded)
{
	bad_server b;
	rec x = { 0 }, y = { 0 };

	bad_server_start(&b, BAD_ANSWER_RAW_DEFLATE, "http");
	do_url(&x, "GET", b.base, "/", NULL);
	ck_assert_msg(x.resp.status == 200, "%d %s", x.resp.error_code, x.resp.error);
	ck_assert_uint_eq(x.resp.body.len, 9);
	ck_assert_str_eq(x.resp.body.ptr, "hello raw");
	do_url(&y, "GET", b.base, "/", NULL);
	ck_assert_str_eq(y.resp.body.ptr, "hello raw");
	ck_assert(y.resp.timings.connecting == 0);
	ck_assert_int_eq(b.accepts, 1);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
	bad_server_stop(&b);
}
END_TEST

START_TEST(test_http_opts__proxy_from_environment)
{
	k6c__http_client_opts o = { .max_connections = 4 };
	rec x = { 0 }, y = { 0 }, z = { 0 };
	char closed[64];

	/* httpbin answers a proxy's absolute-form request line too, so it
	 * stands in for the proxy: a name without an address works through
	 * it (only the proxy's address is looked up). The variables are read
	 * when the client is made (each test runs in its own process). */
	ck_assert_int_eq(setenv("http_proxy", srv.base_url, 1), 0);
	use_client(&o);
	do_url(&x, "GET", "http://k6c-proxy.test", "/headers", NULL);
	ck_assert_msg(x.resp.status == 200, "%d %s", x.resp.error_code, x.resp.error);
	ck_assert(body_has(&x.resp, "\"Host\":\"k6c-proxy.test\""));
	k6c__http_resp_free(&x.resp);

	/* A proxy that refuses connections: no_proxy bypasses it... */
	snprintf(closed, sizeof(closed), "http://127.0.0.1:%d", ts_closed_port());
	ck_assert_int_eq(setenv("http_proxy", closed, 1), 0);
	ck_assert_int_eq(setenv("no_proxy", "127.0.0.1", 1), 0);
	use_client(&o);
	do_url(&y, "GET", srv.base_url, "/get", NULL);
	ck_assert_msg(y.resp.status == 200, "%d %s", y.resp.error_code, y.resp.error);
	k6c__http_resp_free(&y.resp);
	/* ...and without it the request fails at the proxy. */
	ck_assert_int_eq(unsetenv("no_proxy"), 0);
	use_client(&o);
	do_url(&z, "GET", srv.base_url, "/get", NULL);
	ck_assert_int_eq(z.resp.status, 0);
	ck_assert_msg(z.resp.error_code != 0, "%s", z.resp.error);
	k6c__http_resp_free(&z.resp);
}
END_TEST

START_TEST(test_http_tls__version_bounds)
{
	k6c__http_client_opts o = { .max_connections = 4, .ca_file = tls.cert_file,
		.tls_max = "tls1.2" };
	k6c__http_client_opts bad = { .tls_min = "ssl3" };
	k6c__http_client *c2 = NULL;
	rec x = { 0 };

	ck_assert_int_eq(k6c__http_client_new(&c2, loop, &bad), K6C_EINVAL);
	ck_assert_ptr_null(c2);
	use_client(&o);
	do_url(&x, "GET", tls.base_url, "/get", NULL);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_str_eq(x.resp.tls_version, "tls1.2");
	ck_assert_msg(strncmp(x.resp.tls_cipher_suite, "TLS_ECDHE_", 10) == 0, "%s",
		x.resp.tls_cipher_suite);
	k6c__http_resp_free(&x.resp);
}
END_TEST

START_TEST(test_http_opts__hosts_override)
{
	char any_port[64], with_port[64], base[64];
	const char *hosts[] = { any_port, with_port };
	k6c__http_client_opts o = { .max_connections = 4, .hosts = hosts, .nhosts = 2 };
	const char *bad_hosts[] = { "no-equals-sign" };
	k6c__http_client_opts bad = { .hosts = bad_hosts, .nhosts = 1 };
	k6c__http_client *c2 = NULL;
	rec x = { 0 }, y = { 0 };

	/* Names that never reach DNS: the override connects to 127.0.0.1. */
	snprintf(any_port, sizeof(any_port), "k6c-a.test=127.0.0.1");
	snprintf(with_port, sizeof(with_port), "k6c-b.test=127.0.0.1:%d", srv.port);
	use_client(&o);
	snprintf(base, sizeof(base), "http://k6c-a.test:%d", srv.port);
	do_url(&x, "GET", base, "/headers", NULL);
	ck_assert_msg(x.resp.status == 200, "%d %s", x.resp.error_code, x.resp.error);
	ck_assert(body_has(&x.resp, "\"Host\":\"k6c-a.test:"));
	ck_assert_str_eq(x.resp.remote_ip, "127.0.0.1");
	do_url(&y, "GET", "http://k6c-b.test", "/headers", NULL);
	ck_assert_msg(y.resp.status == 200, "%d %s", y.resp.error_code, y.resp.error);
	ck_assert(body_has(&y.resp, "\"Host\":\"k6c-b.test\""));
	ck_assert_int_eq(y.resp.remote_port, srv.port);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);

	ck_assert_int_eq(k6c__http_client_new(&c2, loop, &bad), K6C_EINVAL);
}
END_TEST

START_TEST(test_http_opts__no_connection_reuse)
{
	k6c__http_client_opts o = { .max_connections = 4, .no_connection_reuse = true };
	rec x = { 0 }, y = { 0 };

	use_client(&o);
	do_req(&x, "GET", "/get", NULL, 0, NULL, 0);
	do_req(&y, "GET", "/get", NULL, 0, NULL, 0);
	ck_assert_int_eq(y.resp.status, 200);
	ck_assert(x.resp.timings.connecting > 0);
	ck_assert(y.resp.timings.connecting > 0);
	k6c__http_resp_free(&x.resp);
	k6c__http_resp_free(&y.resp);
}
END_TEST

START_TEST(test_http_body__discard)
{
	rec x = { 0 };
	char url[512];
	k6c__http_req req = { .method = "GET", .url = url_of(url, sizeof(url), "/bytes/20000"),
		.max_redirects = -1, .discard_body = true };

	ck_assert_int_eq(k6c__http_start(conn, &req, &x.resp, on_done, &x), 0);
	run_until(&x.done, 20000);
	ck_assert_int_eq(x.resp.status, 200);
	ck_assert_uint_eq(x.resp.body.len, 0);
	ck_assert(x.resp.bytes_received > 20000);
	ck_assert(x.resp.timings.receiving >= 0);
	k6c__http_resp_free(&x.resp);
}
END_TEST

static Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("httpbin");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_http_get__json);
	tcase_add_test(tc, test_http_post__echo);
	tcase_add_test(tc, test_http_post__empty_body);
	tcase_add_test(tc, test_http_head__no_body);
	tcase_add_test(tc, test_http_methods__all);
	tcase_add_test(tc, test_http_headers__custom_echoed);
	tcase_add_test(tc, test_http_headers__user_agent_option);
	tcase_add_test(tc, test_http_headers__response);
	tcase_add_test(tc, test_http_status__500);
	tcase_add_test(tc, test_http_body__gzip_decoded);
	tcase_add_test(tc, test_http_redirect__three_hops);
	tcase_add_test(tc, test_http_redirect__limit_returns_redirect);
	tcase_add_test(tc, test_http_redirect__post_becomes_get);
	tcase_add_test(tc, test_http_error__timeout);
	tcase_add_test(tc, test_http_error__refused);
	tcase_add_test(tc, test_http_error__bad_urls);
	tcase_add_test(tc, test_http_error__start_busy_and_invalid);
	tcase_add_test(tc, test_http_error__reset_and_eof);
	tcase_add_test(tc, test_http_concurrency__hundred_on_one_loop);
	tcase_add_test(tc, test_http_reuse__second_request_no_connect);
	tcase_add_test(tc, test_http_reentry__chain_from_final_callback);
	tcase_add_test(tc, test_http_reentry__free_in_hop_callback);
	tcase_add_test(tc, test_http_reentry__cancel_in_hop_callback);
	tcase_add_test(tc, test_http_cancel__no_callback_then_reuse);
	tcase_add_test(tc, test_http_recycle__reuses_memory);
	tcase_add_test(tc, test_http_opts__hosts_override);
	tcase_add_test(tc, test_http_opts__no_connection_reuse);
	tcase_add_test(tc, test_http_opts__proxy_from_environment);
	tcase_add_test(tc, test_http_reuse__server_closes_idle);
	tcase_add_test(tc, test_http_body__discard);
	tcase_add_test(tc, test_http_fast__keepalive_fields);
	tcase_add_test(tc, test_http_fast__chunked);
	tcase_add_test(tc, test_http_fast__gzip_then_reuse);
	tcase_add_test(tc, test_http_fast__deflate_decoded);
	tcase_add_test(tc, test_http_fast__raw_deflate_decoded);
	tcase_add_test(tc, test_http_fast__head_and_204_have_no_body);
	tcase_add_test(tc, test_http_fast__large_body);
	tcase_add_test(tc, test_http_fast__large_post_body);
	tcase_add_test(tc, test_http_fast__timeout_on_reused_connection);
	tcase_add_test(tc, test_http_fast__server_closes_idle_reconnects);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls");
	tcase_add_checked_fixture(tc, tls_setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_http_tls__http2_trusted);
	tcase_add_test(tc, test_http_tls__unknown_authority);
	tcase_add_test(tc, test_http_tls__hostname_mismatch);
	tcase_add_test(tc, test_http_tls__insecure_skip_verify);
	tcase_add_test(tc, test_http_tls__plain_server);
	tcase_add_test(tc, test_http_tls__version_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	/* One httpbin (and one nginx in front of it) for the whole process;
	 * the tests run in forked children and inherit the ports. */
	srv_ok = ts_httpbin_start(&srv) == 0;
	tls_ok = srv_ok && ts_nginx_tls_start(&tls, &srv) == 0;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	ts_server_stop(&tls);
	ts_server_stop(&srv);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
