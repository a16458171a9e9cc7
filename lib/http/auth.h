/*
 * auth.h - internal to lib/http: credentials in URLs and HTTP digest
 * authentication (RFC 7616), computed here so that k6's two digest hops
 * (the 401, then the authenticated retry) are hops of lib/http. Pure C
 * plus OpenSSL's hashes; without OpenSSL, K6C__HTTP_DIGEST is 0 and curl
 * does digest in one hop.
 */
#ifndef K6C_HTTP_AUTH_H
#define K6C_HTTP_AUTH_H

#include "util/util.h"

#ifdef K6C__HTTP_OPENSSL
#define K6C__HTTP_DIGEST 1
#else
#define K6C__HTTP_DIGEST 0
#endif

/* Moves the userinfo of the absolute URL in *url into *user and *pass
 * (percent-decoded, NUL-terminated), leaving the URL without it. A URL
 * without userinfo is left alone, and so are *user and *pass. Return 0 or
 * K6C_ENOMEM. */
int k6c__http_take_userinfo(k6c__buf *url, k6c__buf *user, k6c__buf *pass);

/* The "Authorization: Digest ..." line (into *line) answering the Digest
 * challenge of a 401's raw header block, for a request of method to url
 * (its request target is what goes into the hash) with body. Returns 1,
 * 0 when there is no challenge it can answer (none, an unknown algorithm
 * or qop, no OpenSSL), or K6C_ENOMEM. */
int k6c__http_digest(k6c__buf *line, const char *headers, size_t hlen, const char *method,
	const char *url, const char *user, const char *pass, const char *body, size_t blen);

#endif /* K6C_HTTP_AUTH_H */
