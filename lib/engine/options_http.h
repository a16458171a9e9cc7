/*
 * options_http.h - k6's transport options (k6-compat.md section 2.2):
 * insecureSkipTLSVerify, tlsVersion, tlsCipherSuites, tlsAuth, hosts, dns,
 * noConnectionReuse, noVUConnectionReuse, httpDebug and localIPs, read and
 * checked from the consolidated options and handed to every worker's HTTP
 * client as one k6c__http_client_opts.
 */
#ifndef K6C_ENGINE_OPTIONS_HTTP_H
#define K6C_ENGINE_OPTIONS_HTTP_H

#include "http/http.h"
#include "util/json.h"

typedef struct k6c__transport_opts {
	/* What lib/http gets (the caller fills in max_connections and
	 * user_agent); every pointer in it points into this struct's own
	 * memory, which lives until k6c__transport_opts_free. */
	k6c__http_client_opts http;
	int http_debug;                 /* K6C__HTTP_DEBUG_* */
	/* Owned storage behind http. */
	char *tls_min, *tls_max;
	char **cipher_suites;
	size_t ncipher_suites;
	k6c__http_tls_auth *tls_auth;
	size_t ntls_auth;
	char **hosts;
	size_t nhosts;
	char **local_ips;
	size_t nlocal_ips;
} k6c__transport_opts;

/* Reads the transport options from a consolidated options object (each
 * option as the highest tier set it; values from K6_* variables arrive as
 * strings and are read as k6 reads them there). Return 0, K6C_ECONFIG
 * with a message naming the option and the value, or K6C_ENOMEM; out is
 * then empty. */
int k6c__transport_opts_read(k6c__transport_opts *out, const k6c__json *options);
void k6c__transport_opts_free(k6c__transport_opts *o);

/* k6's httpDebug value: "" or false: off; "full": with bodies; any other
 * string (the bare --http-debug flag gives "headers") or true: headers. */
int k6c__transport_http_debug(const k6c__json *v);

#endif /* K6C_ENGINE_OPTIONS_HTTP_H */
