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
	/* TLS servers only: the self-signed certificate (PEM) a client can
	 * trust as its CA file, valid for IP 127.0.0.1 only; "" otherwise. */
	char cert_file[256];
} ts_server;

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int ts_free_port(void);
/* A port on 127.0.0.1 with nothing listening (connections are refused). */
int ts_closed_port(void);
/* Starts httpbin under gunicorn (2 threaded workers) and waits until GET /get
 * answers 200 (up to 20 s). Return 0 or -1 (a message is printed). */
int ts_httpbin_start(ts_server *out);
/* Starts nginx on a free port as a TLS front (HTTP/2 and HTTP/1.1 by ALPN)
 * for upstream (e.g. an httpbin server), with a fresh self-signed
 * certificate; base_url is "https://127.0.0.1:<port>". Needs the nginx and
 * openssl programs. Return 0 or -1 (a message is printed). */
int ts_nginx_tls_start(ts_server *out, const ts_server *upstream);
void ts_server_stop(ts_server *s);
/* Directory of the test sources (for .js fixtures): K6C_TEST_SRCDIR. */
const char *ts_srcdir(void);

#endif /* K6C_TEST_SERVER_H */
