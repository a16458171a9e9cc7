/*
 * auth.c - credentials in URLs and HTTP digest authentication (RFC 7616):
 * the challenge of a 401 is parsed and answered here, with OpenSSL's
 * hashes, so lib/http can send the retry as a hop of its own, as k6's
 * digest transport makes two requests that both show in the metrics.
 */
#include "http/auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef K6C__HTTP_OPENSSL
#include <openssl/evp.h>
#include <openssl/rand.h>
#endif

int k6c__http_take_userinfo(k6c__buf *url, k6c__buf *user, k6c__buf *pass)
{
	char *sep = url->ptr != NULL ? strstr(url->ptr, "://") : NULL, *auth, *end, *at, *colon;
	k6c__buf *dst;

	if (sep == NULL)
		return 0;
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	for (at = end; at > auth && at[-1] != '@'; at--)
		;
	if (at == auth)
		return 0;
	k6c__buf_clear(user);
	k6c__buf_clear(pass);
	colon = memchr(auth, ':', (size_t)(at - 1 - auth));
	dst = user;
	for (char *p = auth; p < at - 1; p++) {
		char c = *p;

		if (p == colon) {
			dst = pass;
			continue;
		}
		if (c == '%' && p + 2 < at - 1 && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], '\0' };

			c = (char)strtol(hex, NULL, 16);
			p += 2;
		}
		if (k6c__buf_putc(dst, c) != 0)
			return K6C_ENOMEM;
	}
	if (k6c__buf_put(user, "", 0) != 0 || k6c__buf_put(pass, "", 0) != 0)
		return K6C_ENOMEM;
	memmove(auth, at, strlen(at) + 1);
	url->len -= (size_t)(at - auth);
	return 0;
}

#ifdef K6C__HTTP_OPENSSL
/* The request target of a URL as it is sent: from the path up to any
 * fragment, with a leading '/'. */
static void request_target(const char *url, const char **p, size_t *n, bool *slash)
{
	const char *h = strstr(url, "://");

	h = h != NULL ? h + 3 : url;
	*p = h + strcspn(h, "/?#");
	*n = strcspn(*p, "#");
	*slash = *n == 0 || **p != '/';
}

/* Hex digest of data with md, appended to out. */
static int hash_hex(k6c__buf *out, const EVP_MD *md, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc = 0;

	if (EVP_Digest(data, len, h, &n, md, NULL) != 1)
		return K6C_ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		rc |= k6c__buf_putc(out, hex[h[i] >> 4]);
		rc |= k6c__buf_putc(out, hex[h[i] & 15]);
	}
	return rc;
}

/* The value of parameter name in a Digest challenge's parameter list
 * (name=token or name="quoted \"string\""), unquoted into out. */
static bool challenge_param(const char *p, const char *end, const char *name, k6c__buf *out)
{
	size_t nl = strlen(name);

	k6c__buf_clear(out);
	while (p < end) {
		const char *k, *ke;
		bool match;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		k = p;
		while (p < end && *p != '=' && *p != ',' && *p != ' ')
			p++;
		ke = p;
		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && *p == ' ')
			p++;
		match = (size_t)(ke - k) == nl && strncasecmp(k, name, nl) == 0;
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				if (match && k6c__buf_putc(out, *p) != 0)
					return false;
			}
			if (p < end)
				p++;
		} else {
			const char *v = p;

			while (p < end && *p != ',')
				p++;
			if (match) {
				const char *ve = p;

				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
					ve--;
				if (k6c__buf_put(out, v, (size_t)(ve - v)) != 0)
					return false;
			}
		}
		if (match)
			return k6c__buf_put(out, "", 0) == 0;
	}
	return false;
}

static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; *p; ) {
		size_t l;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		l = strcspn(p, ", \t");
		if (l == n && strncasecmp(p, item, n) == 0)
			return true;
		p += l;
	}
	return false;
}

/* Appends s as a quoted-string's content (quotes and backslashes escaped). */
static int put_quoted(k6c__buf *b, const char *s)
{
	int rc = k6c__buf_putc(b, '"');

	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			rc |= k6c__buf_putc(b, '\\');
		rc |= k6c__buf_putc(b, *s);
	}
	return rc | k6c__buf_putc(b, '"');
}

/* Builds the Authorization line answering the Digest challenge in the
 * header block (RFC 7616: MD5, SHA-256 and SHA-512-256, their -sess
 * forms, and the SHA-512 httpbin offers; qop auth, auth-int or none). */
int k6c__http_digest(k6c__buf *line, const char *headers, size_t hlen, const char *method,
	const char *url, const char *user, const char *pass, const char *body, size_t blen)
{
	const char *h = headers, *end = headers + hlen;
	const char *chal = NULL, *chal_end = NULL;
	k6c__buf realm = K6C__BUF_INIT, nonce = K6C__BUF_INIT, opaque = K6C__BUF_INIT;
	k6c__buf qops = K6C__BUF_INIT, alg = K6C__BUF_INIT, tmp = K6C__BUF_INIT;
	k6c__buf ha1 = K6C__BUF_INIT, ha2 = K6C__BUF_INIT, resp = K6C__BUF_INIT;
	const char *qop = NULL, *target;
	const EVP_MD *md = EVP_md5();
	bool sess = false, has_alg, slash;
	unsigned char rnd[8];
	char cnonce[17];
	size_t tlen;
	int rc = 0, result = 0;

	while (h != NULL && h < end && chal == NULL) {
		const char *nl = memchr(h, '\n', (size_t)(end - h));
		const char *le = nl != NULL ? nl : end;

		if ((size_t)(le - h) > 17 && strncasecmp(h, "www-authenticate:", 17) == 0) {
			const char *v = h + 17;

			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(le - v) > 7 && strncasecmp(v, "digest ", 7) == 0) {
				chal = v + 7;
				chal_end = le;
				while (chal_end > chal && (chal_end[-1] == '\r' || chal_end[-1] == ' '))
					chal_end--;
			}
		}
		h = nl != NULL ? nl + 1 : end;
	}
	if (chal == NULL || !challenge_param(chal, chal_end, "nonce", &nonce))
		goto out;
	if (!challenge_param(chal, chal_end, "realm", &realm) && k6c__buf_put(&realm, "", 0) != 0)
		goto oom;
	challenge_param(chal, chal_end, "opaque", &opaque);
	has_alg = challenge_param(chal, chal_end, "algorithm", &alg);
	if (has_alg) {
		const char *a = alg.ptr;
		size_t al = alg.len;

		if (al > 5 && strcasecmp(a + al - 5, "-sess") == 0) {
			sess = true;
			al -= 5;
		}
		if (al == 3 && strncasecmp(a, "MD5", 3) == 0)
			md = EVP_md5();
		else if (al == 7 && strncasecmp(a, "SHA-256", 7) == 0)
			md = EVP_sha256();
		else if (al == 11 && strncasecmp(a, "SHA-512-256", 11) == 0)
			md = EVP_sha512_256();
		else if (al == 7 && strncasecmp(a, "SHA-512", 7) == 0)
			md = EVP_sha512();
		else
			goto out;
	}
	if (challenge_param(chal, chal_end, "qop", &qops)) {
		if (list_has(qops.ptr, "auth"))
			qop = "auth";
		else if (list_has(qops.ptr, "auth-int"))
			qop = "auth-int";
		else
			goto out;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
	request_target(url, &target, &tlen, &slash);

	/* HA1 = H(user:realm:pass), for -sess H(HA1:nonce:cnonce). */
	rc |= k6c__buf_printf(&tmp, "%s:%s:%s", user, realm.ptr, pass);
	rc |= hash_hex(&ha1, md, tmp.ptr, tmp.len);
	if (sess && rc == 0) {
		k6c__buf_clear(&tmp);
		rc |= k6c__buf_printf(&tmp, "%s:%s:%s", ha1.ptr, nonce.ptr, cnonce);
		k6c__buf_clear(&ha1);
		rc |= hash_hex(&ha1, md, tmp.ptr, tmp.len);
	}
	/* HA2 = H(method:uri), for auth-int H(method:uri:H(body)). */
	k6c__buf_clear(&tmp);
	rc |= k6c__buf_printf(&tmp, "%s:%s", method, slash ? "/" : "");
	rc |= k6c__buf_put(&tmp, target, tlen);
	if (qop != NULL && strcmp(qop, "auth-int") == 0) {
		rc |= k6c__buf_putc(&tmp, ':');
		rc |= hash_hex(&tmp, md, body != NULL ? body : "", body != NULL ? blen : 0);
	}
	rc |= hash_hex(&ha2, md, tmp.ptr, tmp.len);
	k6c__buf_clear(&tmp);
	if (qop != NULL)
		rc |= k6c__buf_printf(&tmp, "%s:%s:00000001:%s:%s:%s", ha1.ptr, nonce.ptr, cnonce, qop,
			ha2.ptr);
	else
		rc |= k6c__buf_printf(&tmp, "%s:%s:%s", ha1.ptr, nonce.ptr, ha2.ptr);
	rc |= hash_hex(&resp, md, tmp.ptr, tmp.len);
	if (rc != 0)
		goto oom;

	k6c__buf_clear(line);
	rc |= k6c__buf_puts(line, "Authorization: Digest username=");
	rc |= put_quoted(line, user);
	rc |= k6c__buf_puts(line, ", realm=");
	rc |= put_quoted(line, realm.ptr);
	rc |= k6c__buf_puts(line, ", nonce=");
	rc |= put_quoted(line, nonce.ptr);
	rc |= k6c__buf_printf(line, ", uri=\"%s", slash ? "/" : "");
	rc |= k6c__buf_put(line, target, tlen);
	rc |= k6c__buf_putc(line, '"');
	if (has_alg)
		rc |= k6c__buf_printf(line, ", algorithm=%s", alg.ptr);
	rc |= k6c__buf_printf(line, ", response=\"%s\"", resp.ptr);
	if (opaque.len > 0) {
		rc |= k6c__buf_puts(line, ", opaque=");
		rc |= put_quoted(line, opaque.ptr);
	}
	if (qop != NULL)
		rc |= k6c__buf_printf(line, ", qop=%s, nc=00000001, cnonce=\"%s\"", qop, cnonce);
	if (rc != 0)
		goto oom;
	result = 1;
	goto out;
oom:
	result = K6C_ENOMEM;
	k6c__buf_clear(line);
out:
	k6c__buf_free(&realm);
	k6c__buf_free(&nonce);
	k6c__buf_free(&opaque);
	k6c__buf_free(&qops);
	k6c__buf_free(&alg);
	k6c__buf_free(&tmp);
	k6c__buf_free(&ha1);
	k6c__buf_free(&ha2);
	k6c__buf_free(&resp);
	return result;
}
#else
int k6c__http_digest(k6c__buf *line, const char *headers, size_t hlen, const char *method,
	const char *url, const char *user, const char *pass, const char *body, size_t blen)
{
	K6C__UNUSED(line);
	K6C__UNUSED(headers);
	K6C__UNUSED(hlen);
	K6C__UNUSED(method);
	K6C__UNUSED(url);
	K6C__UNUSED(user);
	K6C__UNUSED(pass);
	K6C__UNUSED(body);
	K6C__UNUSED(blen);
	return 0;
}
#endif
