/*
 * options_http.c - k6's transport options, read from the consolidated
 * options (see options_http.h) and checked the way k6 checks them, so a bad
 * value ends the run before it starts (exit code 104) with a message naming
 * the option and the value. Values from K6_* variables arrive as strings:
 * JSON for tlsVersion, tlsAuth and hosts, k6's "ttl=..,select=..,policy=.."
 * for dns, comma lists for tlsCipherSuites and localIPs.
 */
#include "engine/options_http.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/options.h"
#include "http/tls.h"

/* Past this many source addresses a localIPs value is refused: they are
 * kept as a list, one per VU slot. */
#define MAX_LOCAL_IPS 65536u

/* The short names options.c uses too. */
#define bad k6c__options_bad
#define bad_json k6c__options_bad_json

static const k6c__json *get_set(const k6c__json *obj, const char *key)
{
	const k6c__json *v = obj ? k6c__json_get(obj, key) : NULL;

	return v && v->type != K6C__JSON_NULL ? v : NULL;
}


/* A structured option given as JSON text (from a K6_* variable) becomes its
 * value: *tmp holds what to free. v itself otherwise. */
static const k6c__json *unwrap(const k6c__json *v, k6c__json **tmp, k6c__json_type want)
{
	const char *s;

	*tmp = NULL;
	if (v->type != K6C__JSON_STRING)
		return v;
	s = v->string + strspn(v->string, " \t\r\n");
	if ((want == K6C__JSON_OBJECT && *s != '{') || (want == K6C__JSON_ARRAY && *s != '['))
		return v;
	if (k6c__json_parse(tmp, v->string, v->len) != 0)
		return v;
	return *tmp;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		k6c__free(v[i]);
	k6c__free(v);
}

/* Appends a copy of s[0..n) to *v (count *n). */
static int push_str(char ***v, size_t *count, const char *s, size_t n)
{
	char **nv = k6c__realloc(*v, (*count + 1) * sizeof(*nv));

	if (nv == NULL)
		return K6C_ENOMEM;
	*v = nv;
	nv[*count] = k6c__strndup(s, n);
	if (nv[*count] == NULL)
		return K6C_ENOMEM;
	(*count)++;
	return 0;
}

/* ---- tlsVersion ---------------------------------------------------------- */

static int tls_version(const char *name, const k6c__json *v, char **out)
{
	static const char *const known[] = { "tls1.0", "tls1.1", "tls1.2", "tls1.3" };

	*out = NULL;
	if (v == NULL)
		return 0;
	if (v->type != K6C__JSON_STRING)
		return bad_json(name, v, "expected a TLS version such as \"tls1.2\"");
	if (*v->string == '\0')
		return 0;   /* "": any, as k6 */
	for (size_t i = 0; i < K6C__ARRAY_LEN(known); i++) {
		if (!strcmp(v->string, known[i])) {
			*out = k6c__strdup(known[i]);
			return *out ? 0 : K6C_ENOMEM;
		}
	}
	return bad(name, v->string, "unknown TLS version (use tls1.0, tls1.1, tls1.2 or tls1.3)");
}

static int read_tls_version(k6c__transport_opts *o, const k6c__json *v)
{
	k6c__json *tmp;
	const k6c__json *x = unwrap(v, &tmp, K6C__JSON_OBJECT);
	int rc;

	if (x->type == K6C__JSON_OBJECT) {
		if ((rc = tls_version("tlsVersion.min", get_set(x, "min"), &o->tls_min)) == 0)
			rc = tls_version("tlsVersion.max", get_set(x, "max"), &o->tls_max);
	} else if ((rc = tls_version("tlsVersion", x, &o->tls_min)) == 0 && o->tls_min) {
		/* One version: both bounds, as k6. */
		o->tls_max = k6c__strdup(o->tls_min);
		rc = o->tls_max ? 0 : K6C_ENOMEM;
	}
	if (rc == 0 && o->tls_min && o->tls_max && strcmp(o->tls_min, o->tls_max) > 0) {
		k6c__buf b = K6C__BUF_INIT;

		k6c__json_write(&b, x);
		rc = bad("tlsVersion", b.ptr ? b.ptr : "", "min is above max");
		k6c__buf_free(&b);
	}
	k6c__json_free(tmp);
	return rc;
}

/* ---- tlsCipherSuites ----------------------------------------------------- */

static int add_suite(k6c__transport_opts *o, const char *s, size_t n)
{
	char name[128];

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)n, s);
	if (n >= sizeof(name) || k6c__tls_cipher_openssl(name, NULL) == NULL)
		return bad("tlsCipherSuites", name, "unknown cipher suite");
	return push_str(&o->cipher_suites, &o->ncipher_suites, s, n);
}

static int each_suite(const char *s, size_t n, void *arg)
{
	return add_suite(arg, s, n);
}

static int read_cipher_suites(k6c__transport_opts *o, const k6c__json *v)
{
	k6c__json *tmp;
	const k6c__json *x = unwrap(v, &tmp, K6C__JSON_ARRAY);
	int rc = k6c__options_each_item("tlsCipherSuites", x, "expected a cipher suite name",
		"expected an array of cipher suite names", each_suite, o);

	k6c__json_free(tmp);
	return rc;
}

/* ---- tlsAuth ------------------------------------------------------------- */

static int auth_string(const char *path, const k6c__json *e, const char *key, bool required, char **out)
{
	const k6c__json *v = get_set(e, key);
	char name[64];

	*out = NULL;
	snprintf(name, sizeof(name), "%s.%s", path, key);
	if (v == NULL) {
		if (required)
			return k6c__error(K6C_ECONFIG, "invalid option \"%s\": it is required", name);
		return 0;
	}
	if (v->type != K6C__JSON_STRING)
		return bad_json(name, v, "expected a string");
	*out = k6c__strdup(v->string);
	return *out ? 0 : K6C_ENOMEM;
}

static int read_tls_auth(k6c__transport_opts *o, const k6c__json *v)
{
	k6c__json *tmp;
	const k6c__json *x = unwrap(v, &tmp, K6C__JSON_ARRAY);
	int rc = 0;

	if (x->type != K6C__JSON_ARRAY) {
		rc = bad_json("tlsAuth", x, "expected an array of {domains, cert, key, password}");
		goto out;
	}
	o->tls_auth = k6c__calloc(x->len ? x->len : 1, sizeof(*o->tls_auth));
	if (o->tls_auth == NULL) {
		rc = K6C_ENOMEM;
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < x->len; i++) {
		const k6c__json *e = x->items[i], *d;
		k6c__http_tls_auth *a = &o->tls_auth[i];
		char path[32];
		char *cert = NULL, *key = NULL, *pw = NULL;

		snprintf(path, sizeof(path), "tlsAuth[%zu]", i);
		o->ntls_auth++;
		if (e->type != K6C__JSON_OBJECT) {
			rc = bad_json(path, e, "expected an object {domains, cert, key, password}");
			break;
		}
		if ((rc = auth_string(path, e, "cert", true, &cert)) != 0 ||
		    (a->cert = cert, rc = auth_string(path, e, "key", true, &key)) != 0 ||
		    (a->key = key, rc = auth_string(path, e, "password", false, &pw)) != 0)
			break;
		a->password = pw;
		if ((d = get_set(e, "domains")) != NULL) {
			char **dv = NULL;
			size_t nd = 0;

			if (d->type != K6C__JSON_ARRAY) {
				char name[48];

				snprintf(name, sizeof(name), "%s.domains", path);
				rc = bad_json(name, d, "expected an array of host names");
				break;
			}
			for (size_t k = 0; rc == 0 && k < d->len; k++) {
				if (d->items[k]->type != K6C__JSON_STRING) {
					char name[48];

					snprintf(name, sizeof(name), "%s.domains", path);
					rc = bad_json(name, d->items[k], "expected a host name");
				} else {
					rc = push_str(&dv, &nd, d->items[k]->string, d->items[k]->len);
				}
			}
			a->domains = (const char *const *)dv;
			a->ndomains = nd;
			if (rc != 0)
				break;
		}
		if (k6c__tls_auth_check(a->cert, a->key, a->password) != 0) {
			rc = k6c__error(K6C_ECONFIG, "invalid option \"%s\": %s", path, k6c_error_last()->message);
			break;
		}
	}
out:
	k6c__json_free(tmp);
	return rc;
}

/* ---- hosts --------------------------------------------------------------- */

static bool is_ip(const char *s, size_t n, bool v6)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) == 1;
}

static bool valid_port(const char *p)
{
	char *end;
	long n = strtol(p, &end, 10);

	return *p != '\0' && *end == '\0' && n > 0 && n <= 65535;
}

/* "ip", "ip:port", "v6", "[v6]", "[v6]:port". */
static bool valid_address(const char *a)
{
	const char *colon = strrchr(a, ':');

	if (a[0] == '[') {
		const char *close = strchr(a, ']');

		return close && is_ip(a + 1, (size_t)(close - a - 1), true) &&
		       (close[1] == '\0' || (close[1] == ':' && valid_port(close + 2)));
	}
	if (colon && strchr(a, ':') != colon)
		return is_ip(a, strlen(a), true);
	if (colon)
		return is_ip(a, (size_t)(colon - a), false) && valid_port(colon + 1);
	return is_ip(a, strlen(a), false);
}

static int read_hosts(k6c__transport_opts *o, const k6c__json *v)
{
	k6c__json *tmp;
	const k6c__json *x = unwrap(v, &tmp, K6C__JSON_OBJECT);
	k6c__buf b = K6C__BUF_INIT;
	int rc = 0;

	if (x->type != K6C__JSON_OBJECT) {
		rc = bad_json("hosts", x, "expected an object of host names to IP addresses");
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < x->len; i++) {
		const char *key = x->keys[i];
		const k6c__json *val = x->items[i];
		const char *kc = strrchr(key, ':');

		if (val->type != K6C__JSON_STRING || !valid_address(val->string)) {
			rc = bad_json("hosts", val, "expected an IP address, or IP:port");
			break;
		}
		if (*key == '\0' || key[strcspn(key, "=[] /")] != '\0' || (kc && !valid_port(kc + 1)) ||
		    (strchr(key, '*') && (key[0] != '*' || key[1] != '.' || strchr(key + 1, '*')))) {
			rc = bad("hosts", key, "expected a host name, *.domain or either with :port");
			break;
		}
		k6c__buf_clear(&b);
		if (k6c__buf_printf(&b, "%s=%s", key, val->string) != 0 ||
		    push_str(&o->hosts, &o->nhosts, b.ptr, b.len) != 0)
			rc = K6C_ENOMEM;
	}
out:
	k6c__buf_free(&b);
	k6c__json_free(tmp);
	return rc;
}

/* ---- dns ----------------------------------------------------------------- */

static int dns_field(k6c__transport_opts *o, const char *key, const char *val, size_t n)
{
	char v[64];

	snprintf(v, sizeof(v), "%.*s", (int)n, val);
	if (!strcmp(key, "ttl")) {
		double ms = 0;

		if (!strcmp(v, "inf")) {
			o->http.dns_ttl_s = -1;
		} else if (k6c__duration_parse(v, &ms) == 0 && ms >= 0) {
			o->http.dns_ttl_s = (long)ceil(ms / 1000.0);
		} else {
			return bad("dns.ttl", v, "expected inf, 0 or a duration such as \"5m\"");
		}
		o->http.dns_ttl_set = true;
		return 0;
	}
	if (!strcmp(key, "select")) {
		/* curl tries the addresses in the resolver's order: "first"
		 * is what happens whatever is chosen (see doc/modules.md). */
		if (strcmp(v, "first") && strcmp(v, "random") && strcmp(v, "roundRobin"))
			return bad("dns.select", v, "expected first, random or roundRobin");
		return 0;
	}
	if (!strcmp(key, "policy")) {
		if (!strcmp(v, "onlyIPv4"))
			o->http.ip_family = 4;
		else if (!strcmp(v, "onlyIPv6"))
			o->http.ip_family = 6;
		else if (!strcmp(v, "preferIPv4") || !strcmp(v, "preferIPv6") || !strcmp(v, "any"))
			o->http.ip_family = 0;
		else
			return bad("dns.policy", v, "expected preferIPv4, preferIPv6, onlyIPv4, onlyIPv6 or any");
		return 0;
	}
	return bad("dns", key, "unknown field (ttl, select or policy)");
}

static int read_dns(k6c__transport_opts *o, const k6c__json *v)
{
	int rc = 0;

	if (v->type == K6C__JSON_OBJECT) {
		for (size_t i = 0; rc == 0 && i < v->len; i++) {
			const k6c__json *f = v->items[i];
			k6c__buf b = K6C__BUF_INIT;

			if (f->type == K6C__JSON_NULL)
				continue;
			if (f->type == K6C__JSON_NUMBER && !strcmp(v->keys[i], "ttl"))
				k6c__buf_printf(&b, "%.17g", f->number);
			else if (f->type == K6C__JSON_STRING)
				k6c__buf_puts(&b, f->string);
			else
				return bad_json("dns", f, "expected a string");
			rc = dns_field(o, v->keys[i], b.ptr ? b.ptr : "", b.len);
			k6c__buf_free(&b);
		}
		return rc;
	}
	if (v->type != K6C__JSON_STRING)
		return bad_json("dns", v, "expected \"ttl=5m,select=random,policy=preferIPv4\" or an object");
	for (const char *p = v->string; rc == 0 && *p;) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		char key[32];

		if (n > 0) {
			if (eq == NULL || (size_t)(eq - p) >= sizeof(key))
				return bad("dns", v->string, "expected key=value pairs (ttl, select, policy)");
			snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
			rc = dns_field(o, key, eq + 1, (size_t)(p + n - eq - 1));
		}
		p += n + (p[n] == ',');
	}
	return rc;
}

/* ---- localIPs ------------------------------------------------------------ */

static int push_ip4(k6c__transport_opts *o, uint32_t ip)
{
	char s[INET_ADDRSTRLEN];
	struct in_addr a = { htonl(ip) };

	if (o->nlocal_ips >= MAX_LOCAL_IPS)
		return bad("localIPs", "", "more than 65536 addresses");
	inet_ntop(AF_INET, &a, s, sizeof(s));
	return push_str(&o->local_ips, &o->nlocal_ips, s, strlen(s));
}

/* One item of k6's localIPs: an address, "from-to" or a CIDR block. */
static int add_local(k6c__transport_opts *o, const char *s, size_t n)
{
	char item[96], *dash, *slash;
	struct in_addr a, b;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	if (n >= sizeof(item))
		return bad("localIPs", s, "not an IP address, range or CIDR block");
	memcpy(item, s, n);
	item[n] = '\0';
	dash = strchr(item, '-');
	slash = strchr(item, '/');
	if (!dash && !slash) {
		if (is_ip(item, n, false) || is_ip(item, n, true))
			return push_str(&o->local_ips, &o->nlocal_ips, item, n);
		return bad("localIPs", item, "not an IP address, range or CIDR block");
	}
	if (dash) {
		*dash = '\0';
		if (inet_pton(AF_INET, item, &a) != 1 || inet_pton(AF_INET, dash + 1, &b) != 1) {
			*dash = '-';
			return bad("localIPs", item, "only IPv4 ranges (a.b.c.d-e.f.g.h) are supported");
		}
		*dash = '-';
		if (ntohl(a.s_addr) > ntohl(b.s_addr))
			return bad("localIPs", item, "the range's start is above its end");
		for (uint64_t ip = ntohl(a.s_addr); ip <= ntohl(b.s_addr); ip++) {
			int rc = push_ip4(o, (uint32_t)ip);

			if (rc != 0)
				return rc;
		}
		return 0;
	}
	{
		char *end;
		long bits = strtol(slash + 1, &end, 10);
		uint32_t base, count;

		*slash = '\0';
		if (inet_pton(AF_INET, item, &a) != 1 || *end != '\0' || bits < 0 || bits > 32 || end == slash + 1) {
			*slash = '/';
			return bad("localIPs", item, "only IPv4 CIDR blocks (a.b.c.d/n) are supported");
		}
		*slash = '/';
		count = bits == 0 ? 0 : (uint32_t)1 << (32 - bits);
		if (bits < 16)
			return bad("localIPs", item, "more than 65536 addresses");
		base = bits == 32 ? ntohl(a.s_addr) : ntohl(a.s_addr) & ~(count - 1);
		for (uint32_t i = 0; i < (bits == 32 ? 1 : count); i++) {
			int rc = push_ip4(o, base + i);

			if (rc != 0)
				return rc;
		}
		return 0;
	}
}

static int each_local(const char *s, size_t n, void *arg)
{
	return add_local(arg, s, n);
}

static int read_local_ips(k6c__transport_opts *o, const k6c__json *v)
{
	return k6c__options_each_item("localIPs", v, "expected an IP address, range or CIDR block",
		"expected \"10.0.0.1-10.0.0.9,192.168.0.0/24\" or an array", each_local, o);
}

/* ---- all together -------------------------------------------------------- */

int k6c__transport_http_debug(const k6c__json *v)
{
	if (v == NULL || v->type == K6C__JSON_NULL)
		return K6C__HTTP_DEBUG_OFF;
	if (v->type == K6C__JSON_BOOL)
		return v->boolean ? K6C__HTTP_DEBUG_HEADERS : K6C__HTTP_DEBUG_OFF;
	if (v->type != K6C__JSON_STRING || *v->string == '\0' || !strcmp(v->string, "false"))
		return K6C__HTTP_DEBUG_OFF;
	return !strcmp(v->string, "full") ? K6C__HTTP_DEBUG_FULL : K6C__HTTP_DEBUG_HEADERS;
}

int k6c__transport_opts_read(k6c__transport_opts *out, const k6c__json *options)
{
	const k6c__json *v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (options == NULL || options->type != K6C__JSON_OBJECT)
		return 0;
	if ((v = get_set(options, "insecureSkipTLSVerify")))
		rc = k6c__options_get_bool("insecureSkipTLSVerify", v, &out->http.insecure_skip_tls_verify);
	if (rc == 0 && (v = get_set(options, "noConnectionReuse")))
		rc = k6c__options_get_bool("noConnectionReuse", v, &out->http.no_connection_reuse);
	if (rc == 0 && (v = get_set(options, "noVUConnectionReuse")))
		rc = k6c__options_get_bool("noVUConnectionReuse", v, &out->http.no_vu_connection_reuse);
	if (rc == 0 && (v = get_set(options, "tlsVersion")))
		rc = read_tls_version(out, v);
	if (rc == 0 && (v = get_set(options, "tlsCipherSuites")))
		rc = read_cipher_suites(out, v);
	if (rc == 0 && (v = get_set(options, "tlsAuth")))
		rc = read_tls_auth(out, v);
	if (rc == 0 && (v = get_set(options, "hosts")))
		rc = read_hosts(out, v);
	if (rc == 0 && (v = get_set(options, "dns")))
		rc = read_dns(out, v);
	if (rc == 0 && (v = get_set(options, "localIPs")))
		rc = read_local_ips(out, v);
	out->http_debug = k6c__transport_http_debug(get_set(options, "httpDebug"));
	if (rc != 0) {
		if (rc == K6C_ENOMEM)
			k6c__error(K6C_ENOMEM, "out of memory reading the transport options");
		k6c__transport_opts_free(out);
		return rc;
	}
	out->http.tls_min = out->tls_min;
	out->http.tls_max = out->tls_max;
	out->http.cipher_suites = (const char *const *)out->cipher_suites;
	out->http.ncipher_suites = out->ncipher_suites;
	out->http.tls_auth = out->tls_auth;
	out->http.ntls_auth = out->ntls_auth;
	out->http.hosts = (const char *const *)out->hosts;
	out->http.nhosts = out->nhosts;
	out->http.local_ips = (const char *const *)out->local_ips;
	out->http.nlocal_ips = out->nlocal_ips;
	return 0;
}

void k6c__transport_opts_free(k6c__transport_opts *o)
{
	if (o == NULL)
		return;
	k6c__free(o->tls_min);
	k6c__free(o->tls_max);
	free_strv(o->cipher_suites, o->ncipher_suites);
	for (size_t i = 0; i < o->ntls_auth; i++) {
		k6c__http_tls_auth *a = &o->tls_auth[i];

		free_strv((char **)(uintptr_t)a->domains, a->ndomains);
		k6c__free((void *)(uintptr_t)a->cert);
		k6c__free((void *)(uintptr_t)a->key);
		k6c__free((void *)(uintptr_t)a->password);
	}
	k6c__free(o->tls_auth);
	free_strv(o->hosts, o->nhosts);
	free_strv(o->local_ips, o->nlocal_ips);
	memset(o, 0, sizeof(*o));
}
