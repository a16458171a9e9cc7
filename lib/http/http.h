/*
 * http.h - HTTP transfers on a worker's event loop. One k6c__http_client
 * (a CURLM driven by curl_multi_socket_action) per worker loop; one
 * k6c__http_conn (a reused easy handle) per VU. Everything here runs on the
 * loop's thread. This is the only layer that includes curl.h.
 */
#ifndef K6C_HTTP_H
#define K6C_HTTP_H

#include "http/cookies.h"
#include "http/tls.h"
#include "util/loop.h"
#include "util/util.h"

typedef struct k6c__http_client k6c__http_client;
typedef struct k6c__http_conn k6c__http_conn;

struct k6c__output_http_req;
struct k6c__output_http_resp;
/* A blocking request with its own easy handle: output.h's
 * k6c__output_http_fn, installed by lib/api for the network outputs.
 * Call only between k6c__http_global_init and _cleanup, from a thread of
 * an output's own (blocking.c). */
int k6c__http_blocking(const struct k6c__output_http_req *req, struct k6c__output_http_resp *resp);

/* Global init of libcurl; reference counted, thread-safe. */
int k6c__http_global_init(void);
void k6c__http_global_cleanup(void);

typedef struct k6c__http_client_opts {
	/* Connections kept alive in the worker's pool (CURLMOPT_MAXCONNECTS).
	 * Set to at least the number of VUs on the worker so each VU keeps its
	 * connection across iterations, as in k6. */
	long max_connections;
	const char *user_agent;   /* NULL: "k6c/<version>"; "" sends no User-Agent */
	bool insecure_skip_tls_verify;  /* k6's insecureSkipTLSVerify */
	/* PEM CA bundle to trust instead of the system's; NULL: $SSL_CERT_FILE
	 * (and $SSL_CERT_DIR) when set, as Go (so k6) reads them, else the
	 * system's. */
	const char *ca_file;
	bool no_connection_reuse; /* k6's noConnectionReuse: a new connection per request */
	const char *tls_min;      /* k6's tlsVersion bounds: "tls1.0".."tls1.3"; NULL: library default */
	const char *tls_max;
	/* k6's hosts option: "key=ip" or "key=ip:port" overrides, no DNS
	 * lookup for the names they cover. key is "name" (any port of name
	 * goes to ip, and to port if given), "name:port" (only that port),
	 * "*.domain" or "*.domain:port" (every name under domain, as k6's
	 * wildcards); an exact name wins over a wildcard, a longer wildcard
	 * over a shorter one, a key with a port over one without. IPv6
	 * addresses go in brackets when a port follows ("[::1]:8080"). */
	const char *const *hosts;
	size_t nhosts;
	/* k6's tlsCipherSuites, IANA names (k6c__tls_cipher_openssl must know
	 * each): TLS 1.0-1.2 suites restrict those versions' offer, TLS 1.3
	 * suites that version's. NULL/0: the library's defaults. */
	const char *const *cipher_suites;
	size_t ncipher_suites;
	/* k6's tlsAuth: the first entry whose domains cover a request's host
	 * ("name" or "*.domain"; an entry without domains covers every host)
	 * is presented as the client certificate. The strings are copied. */
	const struct k6c__http_tls_auth *tls_auth;
	size_t ntls_auth;
	/* k6's dns option, as far as curl goes: the resolver cache's TTL in
	 * seconds when dns_ttl_set (-1: forever, 0: no caching; default 300,
	 * k6's 5m) and the address family (0: any, 4: only IPv4, 6: only IPv6). */
	bool dns_ttl_set;
	long dns_ttl_s;
	int ip_family;
	/* k6's localIPs: the source address of a conn's connections, chosen
	 * by k6c__http_conn_set_vu (round-robin by VU). Copied. */
	const char *const *local_ips;
	size_t nlocal_ips;
	/* k6's noVUConnectionReuse: k6c__http_conn_iteration_end closes the
	 * conn's idle connections. */
	bool no_vu_connection_reuse;
} k6c__http_client_opts;

/* One tlsAuth entry (k6c__http_client_opts.tls_auth). */
typedef struct k6c__http_tls_auth {
	const char *const *domains;
	size_t ndomains;
	const char *cert;                 /* PEM */
	const char *key;                  /* PEM */
	const char *password;             /* the key's passphrase, or NULL */
} k6c__http_tls_auth;

int k6c__http_client_new(k6c__http_client **out, k6c__loop *loop, const k6c__http_client_opts *opts);
/* Cancels transfers without callbacks and frees the client's remaining
 * conns too. Call it before freeing the loop (curl unwatches its sockets). */
void k6c__http_client_free(k6c__http_client *c);

int k6c__http_conn_new(k6c__http_client *c, k6c__http_conn **out);
void k6c__http_conn_free(k6c__http_conn *conn);   /* cancels its transfer without callback */

/* Tells conn which VU it serves (1-based, as k6's VU ids), which picks its
 * local address from the client's local_ips (VU n gets entry (n-1) mod
 * count). Without local_ips it does nothing. Call it before a transfer. */
void k6c__http_conn_set_vu(k6c__http_conn *conn, uint64_t vu_id);

/* The end of the VU's iteration. With no_vu_connection_reuse it closes the
 * idle connections conn opened and makes its next request use a new one;
 * otherwise it does nothing. */
void k6c__http_conn_iteration_end(k6c__http_conn *conn);

typedef struct k6c__http_req {
	const char *method;               /* "GET", "POST", ... */
	const char *url;
	const char *const *headers;       /* "Name: value" lines */
	size_t nheaders;
	const char *body;                 /* may be NULL */
	size_t body_len;
	double timeout_ms;                /* 0: 60000, k6's default */
	int max_redirects;                /* -1: 10, k6's default; 0: do not follow */
	bool discard_body;                /* responseType "none": count the body, keep none of it */
	int debug;                        /* K6C__HTTP_DEBUG_*: fill each hop's debug_req */
	/* Cookies, as k6's active jar: every hop's Set-Cookie lines go into
	 * jar (received from that hop's URL), and every redirect hop sends
	 * the cookies of `cookies` (params.cookies) and of the jar for its
	 * URL instead of the Cookie lines in headers (which the first hop
	 * sends as they are: k6 builds them when the request is made).
	 * jar NULL: no cookie handling at all. The conn holds a reference to
	 * jar from k6c__http_start until its next request or its end; cookies
	 * are copied. */
	k6c__cookie_jar *jar;
	const k6c__http_cookie *cookies;
	size_t ncookies;
	int auth;                         /* K6C__HTTP_AUTH_*, with the credentials of the URL's userinfo */
} k6c__http_req;

/* k6's httpDebug levels. */
enum { K6C__HTTP_DEBUG_OFF = 0, K6C__HTTP_DEBUG_HEADERS, K6C__HTTP_DEBUG_FULL };

/* k6's params.auth. Basic needs nothing: credentials in the URL are sent
 * as Basic whatever the setting, as Go's client does. Digest sends the
 * request without credentials and, on a 401 with a Digest challenge,
 * repeats it with an Authorization computed from the challenge: two hops,
 * each reported (and sampled) as in k6. NTLM is curl's, in one hop. */
enum { K6C__HTTP_AUTH_NONE = 0, K6C__HTTP_AUTH_BASIC, K6C__HTTP_AUTH_DIGEST, K6C__HTTP_AUTH_NTLM };

typedef struct k6c__http_timings {    /* float milliseconds, k6's definitions */
	double blocked, connecting, tls_handshaking, sending, waiting, receiving, duration;
} k6c__http_timings;

/* The result of one hop (a redirect chain produces several). All memory is
 * owned by the response and freed by k6c__http_resp_free. */
typedef struct k6c__http_resp {
	int status;                       /* 0 on transport failure */
	char status_text[64];             /* e.g. "200 OK" as k6 ("<code> <reason>") */
	char proto[16];                   /* "HTTP/1.1", "HTTP/2.0", "" on failure */
	char *url;                        /* this hop's URL */
	char method[16];                  /* this hop's method */
	k6c__buf headers;                 /* this hop's response header block, raw lines: "Name: value\r\n"
	                                   * as received (HTTP/2 names in lower case), without the
	                                   * status line, the blank line or 1xx blocks */
	k6c__buf body;                    /* body bytes (decoded content-encoding) */
	k6c__http_timings timings;
	char remote_ip[64];
	int remote_port;
	int error_code;                   /* k6 error code (1050 timeout, 1212 refused, ...); 0 if none */
	char error[256];                  /* k6-style error text, "" if none */
	uint64_t bytes_sent;              /* request line + headers + body */
	uint64_t bytes_received;          /* status line + headers + body as on the wire */
	int64_t start_us;                 /* wall clock at the start of this hop */
	char tls_version[16];             /* "tls1.2", "tls1.3" as k6's tag; "" without TLS */
	char tls_cipher_suite[64];        /* IANA name as Go's ("TLS_AES_128_GCM_SHA256"); "" without TLS */
	k6c__http_ocsp ocsp;              /* the stapled OCSP response, as k6 reports it */
	k6c__buf debug_req;               /* with req.debug: this hop's request as sent (header
	                                   * block, then the body with K6C__HTTP_DEBUG_FULL) */
	int redirects;                    /* the final response: redirects followed before it */
} k6c__http_resp;

void k6c__http_resp_free(k6c__http_resp *r);

/* Like k6c__http_resp_free, but hands r's buffers back to conn so that its
 * next response reuses the memory instead of allocating. r is zeroed. */
void k6c__http_conn_recycle(k6c__http_conn *conn, k6c__http_resp *r);

/* Called on the loop thread. For a redirect chain (or a digest
 * authentication's 401 and retry) it is called once per hop
 * with is_final false, then once with is_final true for the last response.
 * The callee may take ownership of resp's members by zeroing them; resp
 * itself is owned by the caller of k6c__http_start (hop responses are
 * temporary and freed after the callback). */
typedef void (*k6c__http_cb)(k6c__http_conn *conn, k6c__http_resp *resp, bool is_final, void *arg);

/* Starts a transfer on conn (one at a time per conn). req and everything it
 * points to are copied, so they need not outlive the call. The final hop is
 * written into *final_resp when the transfer ends (its previous contents are
 * ignored and overwritten, so free or recycle them first). Returns 0 or
 * K6C_EINVAL/K6C_ENOMEM without calling cb; transport errors are reported
 * through cb, never as a return.
 * Re-entrancy: cb may start the next transfer on conn, cancel it or free it
 * (in a hop callback, cancelling or freeing stops the chain); it must not free
 * the client. */
int k6c__http_start(k6c__http_conn *conn, const k6c__http_req *req, k6c__http_resp *final_resp,
	k6c__http_cb cb, void *arg);
/* Cancels conn's transfer, if any; cb is not called afterwards. */
void k6c__http_cancel(k6c__http_conn *conn);

#endif /* K6C_HTTP_H */
