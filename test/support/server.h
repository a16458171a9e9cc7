/*
 * server.h - test harness helpers: start real servers (python3-httpbin under
 * gunicorn, nginx) on a free 127.0.0.1 port for one test executable, and stop
 * them. Nothing here ever listens on or connects to a non-loopback address.
 */
#ifndef K6C_TEST_SERVER_H
#define K6C_TEST_SERVER_H

#include <sys/types.h>

typedef struct ts_server {
	pid_t pid;
	int port;
	char base_url[64];   /* "http://127.0.0.1:<port>" */
	/* TLS servers only: the test CA (PEM) that signed the server's
	 * certificate (valid for IP 127.0.0.1 only), which a client trusts as
	 * its CA file; "" otherwise. */
	char cert_file[256];
	/* TLS servers only: a client certificate and key signed by that CA,
	 * the same key encrypted (PKCS#8, password TS_CLIENT_KEY_PASSWORD), and
	 * a self-signed client certificate and key the server rejects. */
	char client_cert[256], client_key[256], client_key_enc[256];
	char rogue_cert[256], rogue_key[256];
	/* TLS servers only: a port that requires a client certificate signed
	 * by the CA (without one nginx answers 400; with one, 200 and the body
	 * "client CN=k6c-client"), and one that speaks TLS 1.2 only with the
	 * suites ECDHE-ECDSA-AES128-GCM-SHA256 and -AES256-GCM-SHA384. The main
	 * port staples a "good" OCSP response. */
	int mtls_port;
	int tls12_port;
} ts_server;

#define TS_CLIENT_KEY_PASSWORD "k6c-secret"

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int ts_free_port(void);
/* A port on 127.0.0.1 with nothing listening (connections are refused). */
int ts_closed_port(void);
/* Starts httpbin under gunicorn (2 threaded workers) and waits until GET /get
 * answers 200 (up to 20 s). Return 0 or -1 (a message is printed). */
int ts_httpbin_start(ts_server *out);
/* Starts nginx on free ports as a TLS front (HTTP/2 and HTTP/1.1 by ALPN)
 * for upstream (e.g. an httpbin server), with a fresh test PKI (see the
 * TLS fields of ts_server); base_url is "https://127.0.0.1:<port>". Needs
 * the nginx and openssl programs. Return 0 or -1 (a message is printed). */
int ts_nginx_tls_start(ts_server *out, const ts_server *upstream);
/* Starts a tiny HTTP/1.1 server (one process per connection) for what
 * httpbin cannot do; base_url is "http://127.0.0.1:<port>". Paths:
 *   GET /conn         200 "conn N": N numbers the server's connections (keep-alive)
 *   GET /peer         200 with the client's IP address as the body
 *   POST /echo        200 echoing the body, with the request's Content-Encoding
 *                     (?cut=N drops the body's last N bytes)
 *   GET /corrupt-gzip 200, "Content-Encoding: gzip" on a body that is not gzip
 *   GET /reset        the connection is reset (RST) after the request
 *   GET /eof          the connection is closed after the request, no answer
 *   GET /garbage      "garbage" instead of a status line, then close
 * Return 0 or -1 (a message is printed). Stop it with ts_server_stop. */
int ts_raw_start(ts_server *out);
void ts_server_stop(ts_server *s);
/* Internal to test/support: stop pid's process group at exit if a test
 * leaves it running. */
void ts__remember(pid_t pid);
/* Directory of the test sources (for .js fixtures): K6C_TEST_SRCDIR. */
const char *ts_srcdir(void);

#endif /* K6C_TEST_SERVER_H */
