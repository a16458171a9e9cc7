/*
 * http.h - HTTP transfers on a worker's event loop. One k6c__http_client
 * (a CURLM driven by curl_multi_socket_action) per worker loop; one
 * k6c__http_conn (a reused easy handle) per VU. Everything here runs on the
 * loop's thread. This is the only layer that includes curl.h.
 */
#ifndef K6C_HTTP_H
#define K6C_HTTP_H

#include "util/loop.h"
#include "util/util.h"

typedef struct k6c__http_client k6c__http_client;
typedef struct k6c__http_conn k6c__http_conn;

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
	const char *ca_file;      /* PEM CA bundle to trust instead of the system's; NULL: system */
	bool no_connection_reuse; /* k6's noConnectionReuse: a new connection per request */
	const char *tls_min;      /* k6's tlsVersion bounds: "tls1.0".."tls1.3"; NULL: library default */
	const char *tls_max;
	/* k6's hosts option: "name=ip" or "name=ip:port" overrides (any port of
	 * name goes to ip, and to port if given); no DNS lookup for name. */
	const char *const *hosts;
	size_t nhosts;
} k6c__http_client_opts;

int k6c__http_client_new(k6c__http_client **out, k6c__loop *loop, const k6c__http_client_opts *opts);
/* Cancels transfers without callbacks and frees the client's remaining
 * conns too. Call it before freeing the loop (curl unwatches its sockets). */
void k6c__http_client_free(k6c__http_client *c);

int k6c__http_conn_new(k6c__http_client *c, k6c__http_conn **out);
void k6c__http_conn_free(k6c__http_conn *conn);   /* cancels its transfer without callback */

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
} k6c__http_req;

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
} k6c__http_resp;

void k6c__http_resp_free(k6c__http_resp *r);

/* Like k6c__http_resp_free, but hands r's buffers back to conn so that its
 * next response reuses the memory instead of allocating. r is zeroed. */
void k6c__http_conn_recycle(k6c__http_conn *conn, k6c__http_resp *r);

/* Called on the loop thread. For a redirect chain it is called once per hop
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
