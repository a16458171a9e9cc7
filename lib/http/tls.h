/*
 * tls.h - the TLS side of k6/http that is not curl's business: k6's cipher
 * suite names (IANA, as Go spells them) and the OpenSSL names curl takes,
 * the check of a tlsAuth client certificate, OCSP stapled responses read
 * the way k6 reports them, and Go's names of TLS alerts for error messages.
 * Everything that needs OpenSSL degrades to "not available" without it.
 */
#ifndef K6C_HTTP_TLS_H
#define K6C_HTTP_TLS_H

#include <stdint.h>

#include "util/util.h"

/* The OpenSSL name of a cipher suite k6 (Go) knows by its IANA name, e.g.
 * "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> "ECDHE-RSA-AES128-GCM-SHA256";
 * *tls13 tells a TLS 1.3 suite (whose OpenSSL name is the IANA one). NULL if
 * k6 does not know the name. */
const char *k6c__tls_cipher_openssl(const char *iana, bool *tls13);

/* Checks a tlsAuth entry: PEM certificate, PEM private key (encrypted with
 * password if given, else not) and that they belong together. Return 0 or
 * K6C_EINVAL with Go's wording in the thread's last error. Without OpenSSL
 * it only checks that both look like PEM. */
int k6c__tls_auth_check(const char *cert, const char *key, const char *password);

/* k6's Response.ocsp: times in Unix seconds (Go's zero time, -62135596800,
 * for a time the response lacks), status "good", "revoked", "unknown" or
 * "server_failed", revocation_reason as k6's OCSP_REASON_* strings. */
typedef struct k6c__http_ocsp {
	int64_t produced_at, this_update, next_update, revoked_at;
	char revocation_reason[32];
	char status[16];                  /* "" without TLS */
} k6c__http_ocsp;

/* Fills *out from a DER OCSP response (a stapled one), as k6 does: status
 * "unknown" and zero times when der is NULL or does not parse. */
void k6c__tls_ocsp_parse(const unsigned char *der, long len, k6c__http_ocsp *out);

/* Go's text of a TLS alert ("handshake failure", "protocol version not
 * supported", ...), or NULL for an unknown number. */
const char *k6c__tls_alert_name(int alert);

#endif /* K6C_HTTP_TLS_H */
