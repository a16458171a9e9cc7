/*
 * tls.c - cipher suite names, tlsAuth checks, OCSP stapled responses and
 * TLS alert names for k6/http (see tls.h). OpenSSL is curl's TLS backend on
 * Debian; where it is not available the parts that need it say so.
 */
#include "http/tls.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef K6C__HTTP_OPENSSL
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#endif

/* Go's cipher suites (crypto/tls CipherSuites and InsecureCipherSuites),
 * which is what k6's tlsCipherSuites accepts, with OpenSSL's names. */
static const struct {
	const char *iana, *openssl;
	bool tls13;
} suites[] = {
	{ "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", false },
	{ "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", false },
	{ "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", false },
	{ "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", false },
	{ "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", false },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", false },
	{ "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", false },
	{ "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", false },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", false },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", false },
	{ "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", false },
	{ "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", false },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", false },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", false },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", false },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", false },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", false },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", false },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", false },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", false },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", false },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", false },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", false },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305", false },
	{ "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", true },
	{ "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", true },
	{ "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", true },
};

const char *k6c__tls_cipher_openssl(const char *iana, bool *tls13)
{
	for (size_t i = 0; iana != NULL && i < K6C__ARRAY_LEN(suites); i++) {
		if (strcmp(iana, suites[i].iana) == 0) {
			if (tls13)
				*tls13 = suites[i].tls13;
			return suites[i].openssl;
		}
	}
	return NULL;
}

/* Go's alert texts (crypto/tls), by alert number. */
const char *k6c__tls_alert_name(int alert)
{
	static const struct {
		int n;
		const char *text;
	} alerts[] = {
		{ 0, "close notify" },
		{ 10, "unexpected message" },
		{ 20, "bad record MAC" },
		{ 21, "decryption failed" },
		{ 22, "record overflow" },
		{ 30, "decompression failure" },
		{ 40, "handshake failure" },
		{ 42, "bad certificate" },
		{ 43, "unsupported certificate" },
		{ 44, "revoked certificate" },
		{ 45, "expired certificate" },
		{ 46, "unknown certificate" },
		{ 47, "illegal parameter" },
		{ 48, "unknown certificate authority" },
		{ 49, "access denied" },
		{ 50, "error decoding message" },
		{ 51, "error decrypting message" },
		{ 60, "export restriction" },
		{ 70, "protocol version not supported" },
		{ 71, "insufficient security level" },
		{ 80, "internal error" },
		{ 86, "inappropriate fallback" },
		{ 90, "user canceled" },
		{ 100, "no renegotiation" },
		{ 109, "missing extension" },
		{ 110, "unsupported extension" },
		{ 111, "certificate unobtainable" },
		{ 112, "unrecognized name" },
		{ 113, "bad certificate status response" },
		{ 114, "bad certificate hash value" },
		{ 115, "unknown PSK identity" },
		{ 116, "certificate required" },
		{ 120, "no application protocol" },
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(alerts); i++)
		if (alerts[i].n == alert)
			return alerts[i].text;
	return NULL;
}

/* Go's zero time.Time as Unix seconds: what k6 reports for an OCSP time
 * the response does not carry. */
#define GO_ZERO_TIME (-62135596800LL)

static void ocsp_unknown(k6c__http_ocsp *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->status, sizeof(out->status), "unknown");
}

#ifdef K6C__HTTP_OPENSSL

static int64_t asn1_unix(const ASN1_GENERALIZEDTIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return GO_ZERO_TIME;
	return (int64_t)timegm(&tm);
}

void k6c__tls_ocsp_parse(const unsigned char *der, long len, k6c__http_ocsp *out)
{
	static const char *const reasons[] = {
		"unspecified", "key_compromise", "ca_compromise", "affiliation_changed",
		"superseded", "cessation_of_operation", "certificate_hold", "", "remove_from_crl",
		"privilege_withdrawn", "aa_compromise",
	};
	const unsigned char *p = der;
	OCSP_RESPONSE *resp;
	OCSP_BASICRESP *bs = NULL;
	OCSP_SINGLERESP *single;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
	int status, reason = -1;

	ocsp_unknown(out);
	if (der == NULL || len <= 0)
		return;
	resp = d2i_OCSP_RESPONSE(NULL, &p, len);
	/* Go's ocsp.ParseResponse fails on anything but a successful response
	 * with at least one certificate status; k6 then keeps "unknown". */
	if (resp == NULL || OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (bs = OCSP_response_get1_basic(resp)) == NULL || OCSP_resp_count(bs) < 1 ||
	    (single = OCSP_resp_get0(bs, 0)) == NULL) {
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(resp);
		ERR_clear_error();
		return;
	}
	status = OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
	if (status == V_OCSP_CERTSTATUS_GOOD)
		snprintf(out->status, sizeof(out->status), "good");
	else if (status == V_OCSP_CERTSTATUS_REVOKED)
		snprintf(out->status, sizeof(out->status), "revoked");
	/* Go's RevocationReason is 0 (unspecified) unless the response says. */
	snprintf(out->revocation_reason, sizeof(out->revocation_reason), "%s",
		reason >= 0 && (size_t)reason < K6C__ARRAY_LEN(reasons) ? reasons[reason] : reasons[0]);
	out->produced_at = asn1_unix(OCSP_resp_get0_produced_at(bs));
	out->this_update = asn1_unix(thisupd);
	out->next_update = asn1_unix(nextupd);
	out->revoked_at = asn1_unix(rev);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
}

/* The key's passphrase, or none: never OpenSSL's prompt on the terminal. */
static int pem_password(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	K6C__UNUSED(rwflag);
	if (pw == NULL)
		return -1;
	n = strlen(pw);
	if (n > (size_t)size)
		n = (size_t)size;
	memcpy(buf, pw, n);
	return (int)n;
}

int k6c__tls_auth_check(const char *cert, const char *key, const char *password)
{
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *pk = NULL;
	int rc = 0;

	if (cert == NULL || strstr(cert, "-----BEGIN") == NULL) {
		rc = k6c__error(K6C_EINVAL, "tls: failed to find any PEM data in certificate input");
		goto out;
	}
	if (key == NULL || strstr(key, "-----BEGIN") == NULL) {
		rc = k6c__error(K6C_EINVAL, "tls: failed to find any PEM data in key input");
		goto out;
	}
	b = BIO_new_mem_buf(cert, -1);
	x = b ? PEM_read_bio_X509(b, NULL, pem_password, NULL) : NULL;
	BIO_free(b);
	if (x == NULL) {
		rc = k6c__error(K6C_EINVAL, "tls: failed to parse the certificate");
		goto out;
	}
	b = BIO_new_mem_buf(key, -1);
	pk = b ? PEM_read_bio_PrivateKey(b, NULL, pem_password, (void *)(uintptr_t)password) : NULL;
	BIO_free(b);
	if (pk == NULL) {
		rc = k6c__error(K6C_EINVAL, password ? "tls: failed to decrypt the private key with the password given"
			: "tls: failed to parse private key (is it encrypted? then give its password)");
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1)
		rc = k6c__error(K6C_EINVAL, "tls: private key does not match public key");
out:
	EVP_PKEY_free(pk);
	X509_free(x);
	ERR_clear_error();
	return rc;
}

#else /* !K6C__HTTP_OPENSSL */

void k6c__tls_ocsp_parse(const unsigned char *der, long len, k6c__http_ocsp *out)
{
	K6C__UNUSED(der);
	K6C__UNUSED(len);
	ocsp_unknown(out);
}

int k6c__tls_auth_check(const char *cert, const char *key, const char *password)
{
	K6C__UNUSED(password);
	if (cert == NULL || strstr(cert, "-----BEGIN") == NULL)
		return k6c__error(K6C_EINVAL, "tls: failed to find any PEM data in certificate input");
	if (key == NULL || strstr(key, "-----BEGIN") == NULL)
		return k6c__error(K6C_EINVAL, "tls: failed to find any PEM data in key input");
	return 0;
}

#endif /* K6C__HTTP_OPENSSL */
