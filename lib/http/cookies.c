/*
 * cookies.c - k6's cookie jar and cookie parsing, with the semantics of
 * Go's net/http/cookiejar (created without a public suffix list, as k6
 * does) and net/http (Set-Cookie and Cookie parsing, the sanitising of
 * what is sent). Written from those packages' documented behaviour.
 *
 * Why not libcurl's cookie engine: the plain-http fast path does not run
 * curl's HTTP code at all; k6 scripts read and write the jar
 * (cookiesForURL, set, clear, delete) with Go's matching rules, switch jars
 * per request (params.jar) and merge request cookies with `replace`, none
 * of which curl's share/cookie interface can express; and curl's rules
 * (public suffix list, sort order, IP hosts) differ from Go's in ways that
 * change which cookies a k6 script sends.
 *
 * A jar is a flat array of entries. Jars hold few cookies (a handful per
 * site), so a linear scan costs less than any index, and an empty jar (the
 * common case of a script without cookies) is a single comparison.
 */
#include "http/cookies.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define HOST_MAX 256

typedef struct entry {
	char *mem;            /* name, value, domain, path, key: NUL-terminated, one block */
	const char *name, *value, *domain, *path, *key;
	bool secure, http_only, host_only, persistent;
	int64_t expires_us;   /* if persistent */
	uint64_t seq;         /* creation order, kept when the cookie is replaced */
} entry;

struct k6c__cookie_jar {
	unsigned refs;
	entry *e;
	size_t n, cap;
	uint64_t next_seq;
	entry **sel;          /* k6c__cookie_jar_each's selection */
	size_t sel_cap;
	k6c__buf path;        /* the decoded path of the URL being looked at */
	k6c__buf store;       /* parse scratch for Set-Cookie lines */
};

/* ---- jar ----------------------------------------------------------------- */

int k6c__cookie_jar_new(k6c__cookie_jar **out)
{
	*out = k6c__calloc(1, sizeof(**out));
	if (*out == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory creating a cookie jar");
	(*out)->refs = 1;
	return 0;
}

k6c__cookie_jar *k6c__cookie_jar_ref(k6c__cookie_jar *jar)
{
	if (jar != NULL)
		jar->refs++;
	return jar;
}

void k6c__cookie_jar_clear_all(k6c__cookie_jar *jar)
{
	for (size_t i = 0; i < jar->n; i++)
		k6c__free(jar->e[i].mem);
	jar->n = 0;
}

void k6c__cookie_jar_free(k6c__cookie_jar *jar)
{
	if (jar == NULL || --jar->refs > 0)
		return;
	k6c__cookie_jar_clear_all(jar);
	k6c__free(jar->e);
	k6c__free(jar->sel);
	k6c__buf_free(&jar->path);
	k6c__buf_free(&jar->store);
	k6c__free(jar);
}

size_t k6c__cookie_jar_count(const k6c__cookie_jar *jar)
{
	return jar != NULL ? jar->n : 0;
}

/* ---- URLs and hosts ---------------------------------------------------------- */

static bool is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/* Go's cookiejar canonicalHost on a URL's host[:port]: the port and a
 * trailing dot dropped, lower case. */
static bool canonical_host(const char *hp, size_t n, char *out)
{
	const char *h = hp;
	size_t hl = n, colons = 0;
	const char *colon = NULL;

	for (size_t i = 0; i < n; i++) {
		if (hp[i] == ':') {
			colons++;
			colon = &hp[i];
		}
	}
	if (colons == 1) {
		hl = (size_t)(colon - hp);
	} else if (colons > 1 && n > 0 && hp[0] == '[') {
		const char *rb = memchr(hp, ']', n);

		if (rb != NULL && rb + 1 < hp + n && rb[1] == ':') {
			h = hp + 1;
			hl = (size_t)(rb - h);
		}
	}
	if (hl > 0 && h[hl - 1] == '.')
		hl--;
	if (hl >= HOST_MAX)
		return false;
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c >= 0x80)
			return false;   /* Go would need punycode here; such hosts get no cookies */
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[hl] = '\0';
	return true;
}

/* The parts of an http(s) URL the jar needs: whether it is https, the
 * canonical host, and the path (percent-decoded, as Go's URL.Path) in
 * jar->path. False for other schemes or an unusable host. */
static bool parse_url(k6c__cookie_jar *jar, const char *url, bool *https, char *host, int *err)
{
	const char *sep = strstr(url, "://"), *auth, *end, *at, *p, *pend;
	size_t slen;

	*err = 0;
	if (sep == NULL)
		return false;
	slen = (size_t)(sep - url);
	if (slen == 4 && strncasecmp(url, "http", 4) == 0)
		*https = false;
	else if (slen == 5 && strncasecmp(url, "https", 5) == 0)
		*https = true;
	else
		return false;
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	for (at = end; at > auth && at[-1] != '@'; at--)
		;
	if (!canonical_host(at, (size_t)(end - at), host))
		return false;

	k6c__buf_clear(&jar->path);
	pend = end + strcspn(end, "?#");
	for (p = end; p < pend; p++) {
		char c = *p;
		int hi, lo;

		if (c == '%' && p + 2 < pend && (hi = k6c__hex_value(p[1])) >= 0 &&
		    (lo = k6c__hex_value(p[2])) >= 0) {
			c = (char)(hi * 16 + lo);
			p += 2;
		}
		if (k6c__buf_putc(&jar->path, c) != 0) {
			*err = K6C_ENOMEM;
			return false;
		}
	}
	if (k6c__buf_put(&jar->path, "", 0) != 0) {   /* allocated and NUL-terminated */
		*err = K6C_ENOMEM;
		return false;
	}
	return true;
}

/* Go's jarKey without a public suffix list: an IP as it is, else the last
 * two labels of the host. */
static void jar_key(const char *host, const char **key)
{
	const char *dot;
	size_t i;

	*key = host;
	if (is_ip(host))
		return;
	dot = strrchr(host, '.');
	if (dot == NULL || dot == host)
		return;
	i = (size_t)(dot - host);
	/* The previous dot, in host[:i-1] as Go looks for it. */
	for (size_t j = i - 1; j > 0; j--) {
		if (host[j - 1] == '.') {
			*key = host + j;
			return;
		}
	}
}

static bool has_dot_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls > lx && s[ls - lx - 1] == '.' && memcmp(s + ls - lx, suffix, lx) == 0;
}

/* Go's Jar.domainAndType: the cookie's domain and whether it is host-only,
 * or false when Go rejects the Domain attribute. */
static bool domain_and_type(const char *host, const char *domain, char *out, bool *host_only)
{
	size_t n;

	if (domain[0] == '\0') {
		strcpy(out, host);
		*host_only = true;
		return true;
	}
	if (is_ip(host)) {
		if (strcmp(host, domain) != 0)
			return false;
		strcpy(out, host);
		*host_only = true;
		return true;
	}
	if (domain[0] == '.')
		domain++;
	n = strlen(domain);
	if (n == 0 || domain[0] == '.' || n >= HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)domain[i];

		if (c >= 0x80)
			return false;
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[n] = '\0';
	if (out[n - 1] == '.')
		return false;
	if (strcmp(host, out) != 0 && !has_dot_suffix(host, out))
		return false;
	*host_only = false;
	return true;
}

/* Go's defaultPath: the directory of the URL's path. */
static size_t default_path_len(const char *path)
{
	const char *slash;

	if (path[0] != '/')
		return 0;
	slash = strrchr(path, '/');
	return slash == path ? 0 : (size_t)(slash - path);
}

static bool path_match(const char *cookie_path, const char *path)
{
	size_t n = strlen(cookie_path);

	if (strcmp(cookie_path, path) == 0)
		return true;
	if (strncmp(path, cookie_path, n) != 0)
		return false;
	return (n > 0 && cookie_path[n - 1] == '/') || path[n] == '/';
}

/* ---- storing ---------------------------------------------------------------- */

static ssize_t find_entry(const k6c__cookie_jar *jar, const char *key, const char *domain,
	const char *path, const char *name)
{
	for (size_t i = 0; i < jar->n; i++) {
		const entry *e = &jar->e[i];

		if (strcmp(e->name, name) == 0 && strcmp(e->path, path) == 0 &&
		    strcmp(e->domain, domain) == 0 && strcmp(e->key, key) == 0)
			return (ssize_t)i;
	}
	return -1;
}

static void remove_entry(k6c__cookie_jar *jar, size_t i)
{
	k6c__free(jar->e[i].mem);
	memmove(&jar->e[i], &jar->e[i + 1], (jar->n - i - 1) * sizeof(*jar->e));
	jar->n--;
}

/* Go's Jar.newEntry plus the store: one cookie received from host. */
static int set_one(k6c__cookie_jar *jar, const char *host, const char *key, const char *defpath,
	size_t defpath_len, const k6c__cookie *c, int64_t now_us)
{
	char domain[HOST_MAX];
	const char *path = c->path;
	size_t path_len, lens[5];
	bool host_only, remove = false, persistent = false;
	int64_t expires = 0;
	ssize_t old;
	entry e;
	char *m;

	if (c->name == NULL || c->value == NULL)
		return 0;
	if (path == NULL || path[0] != '/') {
		path = defpath;
		path_len = defpath_len;
	} else {
		path_len = strlen(path);
	}
	if (!domain_and_type(host, c->domain != NULL ? c->domain : "", domain, &host_only))
		return 0;
	if (c->max_age < 0) {
		remove = true;
	} else if (c->max_age > 0) {
		expires = now_us + (int64_t)c->max_age * 1000000;
		persistent = true;
	} else if (c->has_expires) {
		if (c->expires_us <= now_us)
			remove = true;
		expires = c->expires_us;
		persistent = true;
	}

	/* The id is domain;path;name within the key's bucket, as Go's. */
	lens[0] = strlen(c->name);
	lens[1] = strlen(c->value);
	lens[2] = strlen(domain);
	lens[3] = path_len;
	lens[4] = strlen(key);
	m = k6c__malloc(lens[0] + lens[1] + lens[2] + lens[3] + lens[4] + 5);
	if (m == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory storing a cookie");
	memset(&e, 0, sizeof(e));
	e.mem = m;
	e.name = m;
	memcpy(m, c->name, lens[0] + 1);
	m += lens[0] + 1;
	e.value = m;
	memcpy(m, c->value, lens[1] + 1);
	m += lens[1] + 1;
	e.domain = m;
	memcpy(m, domain, lens[2] + 1);
	m += lens[2] + 1;
	e.path = m;
	memcpy(m, path, path_len);
	m[path_len] = '\0';
	m += path_len + 1;
	e.key = m;
	memcpy(m, key, lens[4] + 1);

	old = find_entry(jar, e.key, e.domain, e.path, e.name);
	if (remove) {
		if (old >= 0)
			remove_entry(jar, (size_t)old);
		k6c__free(e.mem);
		return 0;
	}
	e.secure = c->secure;
	e.http_only = c->http_only;
	e.host_only = host_only;
	e.persistent = persistent;
	e.expires_us = expires;
	if (old >= 0) {
		e.seq = jar->e[old].seq;
		k6c__free(jar->e[old].mem);
		jar->e[old] = e;
		return 0;
	}
	if (jar->n == jar->cap) {
		size_t cap = jar->cap ? jar->cap * 2 : 8;
		entry *ne = k6c__realloc(jar->e, cap * sizeof(*ne));

		if (ne == NULL) {
			k6c__free(e.mem);
			return k6c__error(K6C_ENOMEM, "out of memory storing a cookie");
		}
		jar->e = ne;
		jar->cap = cap;
	}
	e.seq = jar->next_seq++;
	jar->e[jar->n++] = e;
	return 0;
}

int k6c__cookie_jar_set(k6c__cookie_jar *jar, const char *url, const k6c__cookie *cookies,
	size_t n, int64_t now_us)
{
	char host[HOST_MAX];
	const char *key;
	size_t dlen;
	bool https;
	int err;

	if (n == 0)
		return 0;
	if (!parse_url(jar, url, &https, host, &err))
		return err;
	jar_key(host, &key);
	dlen = default_path_len(jar->path.ptr);
	for (size_t i = 0; i < n; i++) {
		/* The default path is jar->path's directory: "/" when empty. */
		const char *defpath = dlen > 0 ? jar->path.ptr : "/";
		size_t deflen = dlen > 0 ? dlen : 1;
		int rc = set_one(jar, host, key, defpath, deflen, &cookies[i], now_us);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- lookups ---------------------------------------------------------------- */

static int cmp_sel(const void *a, const void *b)
{
	const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
	size_t lx = strlen(x->path), ly = strlen(y->path);

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int k6c__cookie_jar_each(k6c__cookie_jar *jar, const char *url, int64_t now_us,
	k6c__cookie_fn fn, void *arg)
{
	char host[HOST_MAX];
	const char *key, *path;
	size_t nsel = 0;
	bool https;
	int err;

	if (jar == NULL || jar->n == 0)
		return 0;
	if (!parse_url(jar, url, &https, host, &err))
		return err;
	jar_key(host, &key);
	path = jar->path.len > 0 ? jar->path.ptr : "/";
	if (jar->sel_cap < jar->n) {
		entry **sel = k6c__realloc(jar->sel, jar->n * sizeof(*sel));

		if (sel == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory reading cookies");
		jar->sel = sel;
		jar->sel_cap = jar->n;
	}
	/* Expired cookies of this bucket go first, so the selection's
	 * pointers stay valid. */
	for (size_t i = 0; i < jar->n; ) {
		const entry *e = &jar->e[i];

		if (strcmp(e->key, key) == 0 && e->persistent && e->expires_us <= now_us)
			remove_entry(jar, i);
		else
			i++;
	}
	for (size_t i = 0; i < jar->n; i++) {
		entry *e = &jar->e[i];

		if (strcmp(e->key, key) != 0)
			continue;
		if (!(strcmp(e->domain, host) == 0 || (!e->host_only && has_dot_suffix(host, e->domain))))
			continue;
		if (!path_match(e->path, path) || (e->secure && !https))
			continue;
		jar->sel[nsel++] = e;
	}
	if (nsel > 1)
		qsort(jar->sel, nsel, sizeof(*jar->sel), cmp_sel);
	for (size_t i = 0; i < nsel; i++) {
		int rc = fn(jar->sel[i]->name, jar->sel[i]->value, arg);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- sending ---------------------------------------------------------------- */

static bool value_byte_ok(unsigned char b)
{
	return b >= 0x20 && b < 0x7f && b != '"' && b != ';' && b != '\\';
}

typedef struct header_ctx {
	k6c__buf *out;
	bool sep;                         /* a "; " goes before the next pair */
	const k6c__http_cookie *req;
	size_t nreq;
} header_ctx;

/* Go's AddCookie: name with CR/LF turned into '-', the value stripped of
 * bytes a cookie value cannot hold and quoted when it has a space or a
 * comma. */
static int add_pair(const char *name, const char *value, void *arg)
{
	header_ctx *h = arg;
	k6c__buf *b = h->out;
	bool quote = false;
	int rc = 0;

	if (h->sep)
		rc |= k6c__buf_put(b, "; ", 2);
	h->sep = true;
	for (const char *p = name; *p; p++)
		rc |= k6c__buf_putc(b, (*p == '\r' || *p == '\n') ? '-' : *p);
	rc |= k6c__buf_putc(b, '=');
	for (const char *p = value; *p; p++)
		if (*p == ' ' || *p == ',')
			quote = true;
	if (quote)
		rc |= k6c__buf_putc(b, '"');
	for (const char *p = value; *p; p++)
		if (value_byte_ok((unsigned char)*p))
			rc |= k6c__buf_putc(b, *p);
	if (quote)
		rc |= k6c__buf_putc(b, '"');
	return rc ? k6c__error(K6C_ENOMEM, "out of memory building a Cookie header") : 0;
}

static int add_jar_pair(const char *name, const char *value, void *arg)
{
	header_ctx *h = arg;

	for (size_t i = 0; i < h->nreq; i++)
		if (h->req[i].replace && strcmp(h->req[i].name, name) == 0)
			return 0;
	return add_pair(name, value, arg);
}

int k6c__cookie_header(k6c__buf *out, bool sep, k6c__cookie_jar *jar, const char *url,
	const k6c__http_cookie *req, size_t nreq, int64_t now_us)
{
	header_ctx h = { out, sep, req, nreq };
	int rc;

	for (size_t i = 0; i < nreq; i++)
		if ((rc = add_pair(req[i].name, req[i].value != NULL ? req[i].value : "", &h)) != 0)
			return rc;
	return k6c__cookie_jar_each(jar, url, now_us, add_jar_pair, &h);
}

/* ---- parsing ---------------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* textproto.TrimString */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

static bool token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!token_char((unsigned char)s[i]))
			return false;
	return true;
}

/* Go's parseCookieValue: surrounding double quotes dropped when allowed,
 * every byte checked. */
static bool cookie_value(const char **s, size_t *n, bool allow_quotes)
{
	if (allow_quotes && *n > 1 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
	}
	for (size_t i = 0; i < *n; i++)
		if (!value_byte_ok((unsigned char)(*s)[i]))
			return false;
	return true;
}

/* Copies s[0..n) and a NUL into store, which has room (reserved up front). */
static const char *put_str(k6c__buf *store, const char *s, size_t n)
{
	char *p = store->ptr + store->len;

	memcpy(p, s, n);
	p[n] = '\0';
	store->len += n + 1;
	return p;
}

static bool parse_max_age(const char *s, size_t n, int *out)
{
	long long v = 0;
	size_t i = 0;
	bool neg = false;

	if (n == 0)
		return false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i = 1;
		if (n == 1)
			return false;
	}
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > 0x7fffffffLL)
			return false;   /* Go's Atoi would take more, but no cookie lives that long */
	}
	if (neg)
		v = -v;
	/* A leading zero makes a non-zero value invalid, as in Go. */
	if (v != 0 && s[0] == '0')
		return false;
	*out = v <= 0 ? -1 : (int)v;
	return true;
}

int k6c__cookie_parse_set(k6c__cookie *out, const char *line, size_t len, k6c__buf *store)
{
	const char *s = line, *end, *part, *eq, *name, *value, *first_end;
	size_t n = len, plen, nlen, vlen;

	memset(out, 0, sizeof(*out));
	out->domain = "";
	out->path = "";
	k6c__buf_clear(store);
	/* Every string is a distinct piece of the line plus a NUL, so twice
	 * the line's length is enough; reserved now so the pointers handed
	 * out stay put. */
	if (k6c__buf_reserve(store, 2 * len + 8) != 0)
		return K6C_ENOMEM;
	trim(&s, &n);
	end = s + n;
	part = s;
	first_end = memchr(s, ';', n);
	if (first_end == NULL)
		first_end = end;
	plen = (size_t)(first_end - part);
	trim(&part, &plen);
	eq = memchr(part, '=', plen);
	if (eq == NULL)
		return 0;
	name = part;
	nlen = (size_t)(eq - part);
	trim(&name, &nlen);
	if (!name_ok(name, nlen))
		return 0;
	value = eq + 1;
	vlen = (size_t)(part + plen - value);
	if (!cookie_value(&value, &vlen, true))
		return 0;
	out->name = put_str(store, name, nlen);
	out->value = put_str(store, value, vlen);

	for (const char *p = first_end; p < end; ) {
		const char *a = p + 1, *ae, *v;
		size_t alen, al, vl;
		char lower[16];

		if (a > end)
			break;
		ae = memchr(a, ';', (size_t)(end - a));
		if (ae == NULL)
			ae = end;
		p = ae;
		alen = (size_t)(ae - a);
		trim(&a, &alen);
		if (alen == 0)
			continue;
		eq = memchr(a, '=', alen);
		al = eq != NULL ? (size_t)(eq - a) : alen;
		v = eq != NULL ? eq + 1 : a + alen;
		vl = (size_t)(a + alen - v);
		if (!cookie_value(&v, &vl, false) || al >= sizeof(lower))
			continue;
		for (size_t i = 0; i < al; i++)
			lower[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] - 'A' + 'a' : a[i]);
		lower[al] = '\0';
		if (strcmp(lower, "secure") == 0) {
			out->secure = true;
		} else if (strcmp(lower, "httponly") == 0) {
			out->http_only = true;
		} else if (strcmp(lower, "domain") == 0) {
			out->domain = put_str(store, v, vl);
		} else if (strcmp(lower, "path") == 0) {
			out->path = put_str(store, v, vl);
		} else if (strcmp(lower, "max-age") == 0) {
			int secs;

			if (parse_max_age(v, vl, &secs))
				out->max_age = secs;
		} else if (strcmp(lower, "expires") == 0) {
			int64_t t;

			if (k6c__cookie_parse_date(v, vl, false, &t) ||
			    k6c__cookie_parse_date(v, vl, true, &t)) {
				out->has_expires = true;
				out->expires_us = t;
			} else {
				out->has_expires = false;
			}
		}
	}
	return 1;
}

int k6c__cookie_parse_request(const char *value, size_t len, k6c__buf *store,
	k6c__cookie_fn fn, void *arg)
{
	const char *s = value, *end;
	size_t n = len;

	k6c__buf_clear(store);
	if (k6c__buf_reserve(store, 2 * len + 8) != 0)
		return K6C_ENOMEM;
	trim(&s, &n);
	end = s + n;
	while (s < end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		const char *part = s, *eq, *name, *v;
		size_t plen = (size_t)((semi != NULL ? semi : end) - s), nlen, vlen;
		int rc;

		s = semi != NULL ? semi + 1 : end;
		trim(&part, &plen);
		if (plen == 0)
			continue;
		eq = memchr(part, '=', plen);
		name = part;
		nlen = eq != NULL ? (size_t)(eq - part) : plen;
		trim(&name, &nlen);
		if (!name_ok(name, nlen))
			continue;
		v = eq != NULL ? eq + 1 : part + plen;
		vlen = (size_t)(part + plen - v);
		if (!cookie_value(&v, &vlen, true))
			continue;
		name = put_str(store, name, nlen);
		v = put_str(store, v, vlen);
		if ((rc = fn(name, v, arg)) != 0)
			return rc;
	}
	return 0;
}

int k6c__cookie_jar_set_from_headers(k6c__cookie_jar *jar, const char *url, const char *headers,
	size_t len, int64_t now_us)
{
	const char *p = headers, *end = headers + len;

	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;

		if ((size_t)(le - p) > 11 && strncasecmp(p, "set-cookie:", 11) == 0) {
			k6c__cookie c;
			const char *v = p + 11;
			int rc = k6c__cookie_parse_set(&c, v, (size_t)(le - v), &jar->store);

			if (rc < 0)
				return rc;
			if (rc > 0 && (rc = k6c__cookie_jar_set(jar, url, &c, 1, now_us)) != 0)
				return rc;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}

/* ---- dates ------------------------------------------------------------------ */

static int days_in(int month, int year)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 29;
	return d[month - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool k6c__cookie_parse_date(const char *s, size_t len, bool dashes, int64_t *out_us)
{
	static const char days[] = "sunmontuewedthufrisat";
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p = s, *end = s + len;
	char lc[3];
	int day, month = 0, year, hour, min, sec;
	size_t zl;
	bool found = false;

	/* "Mon, " */
	if (end - p < 5)
		return false;
	for (int i = 0; i < 3; i++)
		lc[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
	for (int i = 0; i < 7 && !found; i++)
		found = memcmp(days + 3 * i, lc, 3) == 0;
	if (!found || p[3] != ',' || p[4] != ' ')
		return false;
	p += 5;
	/* "02 Jan 2006 " or "02-Jan-2006 " */
	if (end - p < 12 || !digits(p, 2, &day) || p[2] != (dashes ? '-' : ' '))
		return false;
	p += 3;
	for (int i = 0; i < 3; i++)
		lc[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
	for (int i = 0; i < 12 && month == 0; i++)
		if (memcmp(months + 3 * i, lc, 3) == 0)
			month = i + 1;
	if (month == 0 || p[3] != (dashes ? '-' : ' '))
		return false;
	p += 4;
	if (!digits(p, 4, &year) || p[4] != ' ')
		return false;
	p += 5;
	/* "15:04:05 " (the hour may have one digit) */
	if (end - p >= 2 && p[1] == ':') {
		if (!digits(p, 1, &hour))
			return false;
		p += 2;
	} else {
		if (end - p < 3 || !digits(p, 2, &hour) || p[2] != ':')
			return false;
		p += 3;
	}
	if (end - p < 6 || !digits(p, 2, &min) || p[2] != ':' || !digits(p + 3, 2, &sec) ||
	    p[5] != ' ')
		return false;
	p += 6;
	/* The zone: an abbreviation of 3 to 5 capitals (GMT, UTC, CEST). */
	zl = (size_t)(end - p);
	if (zl < 3 || zl > 5)
		return false;
	for (size_t i = 0; i < zl; i++)
		if (p[i] < 'A' || p[i] > 'Z')
			return false;
	if (day < 1 || day > days_in(month, year) || hour > 23 || min > 59 || sec > 59)
		return false;
	*out_us = ((days_from_civil(year, month, day) * 86400) + hour * 3600 + min * 60 + sec) *
		(int64_t)1000000;
	return true;
}
