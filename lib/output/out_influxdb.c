/*
 * out_influxdb.c - the `influxdb[=http://host:port/db]` output: k6's
 * built-in InfluxDB v1 output. Samples go into a bounded queue
 * (flusher.h); every push interval the flusher thread turns them into
 * InfluxDB line protocol and POSTs them to /write, split into payloads of
 * at most payload_size points sent by up to concurrent_writes threads.
 *
 * Configuration, as k6 consolidates it: defaults, then the K6_INFLUXDB_*
 * environment, then the URL argument (its query parameters too). The line
 * format follows what k6's InfluxDB client writes: measurement = the
 * metric's name, tags sorted by key (empty values left out), the sample's
 * metadata treated as tags, the tags named by tagsAsFields moved into the
 * fields with their types, the value in the field `value`, fields sorted
 * by key, the timestamp in the configured precision.
 */
#include "output/flusher.h"
#include "output/out_net.h"
#include "output/output.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field_kind { FK_STRING, FK_INT, FK_FLOAT, FK_BOOL };

typedef struct tag_field {
	char *name;
	enum field_kind kind;
} tag_field;

/* The flusher comes first: the shared sink entries find it there
 * (flusher.h). */
typedef struct influx {
	k6c__flusher *f;
	k6c_sink *sink;
	char *addr;                 /* scheme://host[:port][/prefix] */
	char *db;
	char *username, *password;  /* NULL when unset */
	char *proxy;
	char *precision;            /* as given ("" = ns) */
	char *retention, *consistency;
	bool insecure;
	double push_ms;
	long concurrent;
	long payload_size;          /* 0: one payload per flush */
	int64_t unit_ns;            /* nanoseconds per timestamp unit */
	tag_field *taf;
	size_t ntaf;
	char *write_url, *query_url, *desc;
} influx;
_Static_assert(offsetof(influx, f) == 0, "the flusher must be influx's first member");

/* ---- configuration ----------------------------------------------------- */

static void influx_free(void *p)
{
	influx *x = p;

	if (!x)
		return;
	k6c__flusher_free(x->f);
	k6c__free(x->addr);
	k6c__free(x->db);
	k6c__free(x->username);
	k6c__free(x->password);
	k6c__free(x->proxy);
	k6c__free(x->precision);
	k6c__free(x->retention);
	k6c__free(x->consistency);
	for (size_t i = 0; i < x->ntaf; i++)
		k6c__free(x->taf[i].name);
	k6c__free(x->taf);
	k6c__free(x->write_url);
	k6c__free(x->query_url);
	k6c__free(x->desc);
	k6c__free(x);
}

/* Replaces *dst with a copy of src[0..n). Return 0 or K6C_ENOMEM. */
static int set_str(char **dst, const char *src, size_t n)
{
	char *c = k6c__strndup(src, n);
	if (!c)
		return K6C_ENOMEM;
	k6c__free(*dst);
	*dst = c;
	return 0;
}

/* "name[:type]" entries, comma separated (env) or one (URL). */
static int taf_add(influx *x, const char *s, size_t n, char *err, size_t errlen)
{
	const char *colon = memchr(s, ':', n);
	size_t nl = colon ? (size_t)(colon - s) : n;
	enum field_kind kind = FK_STRING;
	tag_field *v;

	if (colon) {
		const char *t = colon + 1;
		size_t tl = n - nl - 1;
		if (tl == 3 && !memcmp(t, "int", 3))
			kind = FK_INT;
		else if (tl == 5 && !memcmp(t, "float", 5))
			kind = FK_FLOAT;
		else if (tl == 4 && !memcmp(t, "bool", 4))
			kind = FK_BOOL;
		else if (tl == 6 && !memcmp(t, "string", 6))
			kind = FK_STRING;
		else {
			snprintf(err, errlen, "an invalid type (%.*s) is specified for the tag field "
				"'%.*s' in tagsAsFields (int, float, bool or string)", (int)tl, t, (int)nl, s);
			return K6C_ECONFIG;
		}
	}
	if (nl == 0) {
		snprintf(err, errlen, "an empty tag name in tagsAsFields");
		return K6C_ECONFIG;
	}
	if (!(v = k6c__realloc(x->taf, (x->ntaf + 1) * sizeof(*v))))
		return K6C_ENOMEM;
	x->taf = v;
	v[x->ntaf].name = NULL;
	if (set_str(&v[x->ntaf].name, s, nl))
		return K6C_ENOMEM;
	v[x->ntaf++].kind = kind;
	return 0;
}

static void taf_clear(influx *x)
{
	for (size_t i = 0; i < x->ntaf; i++)
		k6c__free(x->taf[i].name);
	x->ntaf = 0;
}

static int taf_list(influx *x, const char *list, char *err, size_t errlen)
{
	int rc;

	taf_clear(x);
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t n = comma ? (size_t)(comma - list) : strlen(list);
		while (n > 0 && *list == ' ') {
			list++;
			n--;
		}
		while (n > 0 && list[n - 1] == ' ')
			n--;
		if (n > 0 && (rc = taf_add(x, list, n, err, errlen)))
			return rc;
		if (!comma)
			break;
		list = comma + 1;
	}
	return 0;
}

static int parse_positive(const char *what, const char *v, long *out, bool zero_ok, char *err,
	size_t errlen)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < (zero_ok ? 0 : 1)) {
		snprintf(err, errlen, "invalid %s '%s' (a %s integer)", what, v,
			zero_ok ? "non-negative" : "positive");
		return K6C_ECONFIG;
	}
	*out = n;
	return 0;
}

static int parse_push(influx *x, const char *v, char *err, size_t errlen)
{
	double ms;

	if (k6c__duration_parse(v, &ms) != 0 || ms <= 0) {
		snprintf(err, errlen, "invalid pushInterval '%s' (a duration such as 1s or 500ms)", v);
		return K6C_ECONFIG;
	}
	x->push_ms = ms;
	return 0;
}

static int set_precision(influx *x, const char *v, char *err, size_t errlen)
{
	static const struct { const char *name; int64_t ns; } units[] = {
		{ "", 1 }, { "ns", 1 }, { "n", 1 }, { "us", 1000 }, { "u", 1000 },
		{ "\xc2\xb5s", 1000 }, { "\xc2\xb5", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000 }, { "m", 60000000000LL }, { "h", 3600000000000LL },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(v, units[i].name)) {
			x->unit_ns = units[i].ns;
			return set_str(&x->precision, v, strlen(v));
		}
	}
	snprintf(err, errlen, "invalid precision '%s' (ns, us, ms, s, m or h)", v);
	return K6C_ECONFIG;
}

/* The value of one URL query component, percent-decoded (+ is a space). */
static char *query_decode(const char *s, size_t n)
{
	char *out = k6c__malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && k6c__hex_value(s[i + 1]) >= 0 &&
		    k6c__hex_value(s[i + 2]) >= 0) {
			*o++ = (char)(k6c__hex_value(s[i + 1]) * 16 + k6c__hex_value(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Applies the URL argument: scheme://[user[:pass]@]host[:port][/prefix]/db
 * [?key=value&...], as k6's ParseURL. */
static int apply_url(influx *x, const char *url, char *err, size_t errlen)
{
	const char *p = strstr(url, "://"), *host, *hend, *at, *path, *q;
	bool taf_seen = false;
	int rc;

	if (!p || p == url) {
		snprintf(err, errlen, "invalid URL '%s' (http://host:port/database)", url);
		return K6C_ECONFIG;
	}
	host = p + 3;
	hend = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(hend - host));
	if (at) {
		const char *colon = memchr(host, ':', (size_t)(at - host));
		char *u = query_decode(host, colon ? (size_t)(colon - host) : (size_t)(at - host));
		char *pw = colon ? query_decode(colon + 1, (size_t)(at - colon - 1)) : NULL;
		if (!u || (colon && !pw)) {
			k6c__free(u);
			k6c__free(pw);
			return K6C_ENOMEM;
		}
		k6c__free(x->username);
		x->username = u;
		if (colon) {
			k6c__free(x->password);
			x->password = pw;
		}
		host = at + 1;
	}
	if (hend == host) {
		snprintf(err, errlen, "invalid URL '%s': no host", url);
		return K6C_ECONFIG;
	}
	path = hend;
	q = path + strcspn(path, "?#");
	{
		/* The last path segment is the database, what is before it a
		 * prefix of the address (a reverse proxy's). */
		const char *end = q;
		const char *slash;
		while (end > path && end[-1] == '/')
			end--;
		slash = end;
		while (slash > path && slash[-1] != '/')
			slash--;
		/* scheme://host[/prefix], without the user info. */
		k6c__buf a = K6C__BUF_INIT;
		if (k6c__buf_put(&a, url, (size_t)(p + 3 - url)) ||
		    k6c__buf_put(&a, host, (size_t)(hend - host)) ||
		    (slash > path + 1 && k6c__buf_put(&a, path, (size_t)(slash - 1 - path)))) {
			k6c__buf_free(&a);
			return K6C_ENOMEM;
		}
		k6c__free(x->addr);
		x->addr = k6c__buf_detach(&a);
		if (end > slash) {
			char *db = query_decode(slash, (size_t)(end - slash));
			if (!db)
				return K6C_ENOMEM;
			k6c__free(x->db);
			x->db = db;
		}
	}
	if (*q != '?')
		return 0;
	q++;
	while (*q && *q != '#') {
		size_t n = strcspn(q, "&#");
		const char *eq = memchr(q, '=', n);
		char *k = query_decode(q, eq ? (size_t)(eq - q) : n);
		char *v = eq ? query_decode(eq + 1, n - (size_t)(eq - q) - 1) : k6c__strdup("");
		rc = 0;
		if (!k || !v) {
			rc = K6C_ENOMEM;
		} else if (!*k) {
			/* an empty component ("a=1&&b=2") */
		} else if (!strcmp(k, "insecure")) {
			if (k6c__output_parse_bool(v, &x->insecure)) {
				snprintf(err, errlen, "invalid insecure '%s' (true or false)", v);
				rc = K6C_ECONFIG;
			}
		} else if (!strcmp(k, "payload_size")) {
			rc = parse_positive("payload_size", v, &x->payload_size, true, err, errlen);
		} else if (!strcmp(k, "precision")) {
			rc = set_precision(x, v, err, errlen);
		} else if (!strcmp(k, "retention")) {
			rc = set_str(&x->retention, v, strlen(v));
		} else if (!strcmp(k, "consistency")) {
			rc = set_str(&x->consistency, v, strlen(v));
		} else if (!strcmp(k, "pushInterval")) {
			rc = parse_push(x, v, err, errlen);
		} else if (!strcmp(k, "concurrentWrites")) {
			rc = parse_positive("concurrentWrites", v, &x->concurrent, false, err, errlen);
		} else if (!strcmp(k, "tagsAsFields")) {
			/* Repeated: each one adds an entry; the first replaces the
			 * list from the defaults and the environment. */
			if (!taf_seen)
				taf_clear(x);
			taf_seen = true;
			rc = taf_add(x, v, strlen(v), err, errlen);
		} else {
			snprintf(err, errlen, "unknown query parameter '%s' in '%s'", k, url);
			rc = K6C_ECONFIG;
		}
		k6c__free(k);
		k6c__free(v);
		if (rc)
			return rc;
		q += n;
		if (*q == '&')
			q++;
	}
	return 0;
}

/* Appends s percent-encoded for a URL query. */
static int put_query(k6c__buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			if (k6c__buf_putc(b, (char)c))
				return K6C_ENOMEM;
		} else if (k6c__buf_printf(b, "%%%02X", c)) {
			return K6C_ENOMEM;
		}
	}
	return 0;
}

static int build_urls(influx *x)
{
	k6c__buf b = K6C__BUF_INIT;
	const char *prec = x->precision && *x->precision ? x->precision : "ns";
	int rc = 0;

	/* The server takes "u" for microseconds. */
	if (!strcmp(prec, "us") || !strcmp(prec, "\xc2\xb5s") || !strcmp(prec, "\xc2\xb5"))
		prec = "u";
	rc |= k6c__buf_printf(&b, "%s/write?db=", x->addr);
	rc |= put_query(&b, x->db);
	if (x->retention && *x->retention) {
		rc |= k6c__buf_puts(&b, "&rp=");
		rc |= put_query(&b, x->retention);
	}
	rc |= k6c__buf_printf(&b, "&precision=%s", prec);
	if (x->consistency && *x->consistency) {
		rc |= k6c__buf_puts(&b, "&consistency=");
		rc |= put_query(&b, x->consistency);
	}
	if (rc) {
		k6c__buf_free(&b);
		return K6C_ENOMEM;
	}
	x->write_url = k6c__buf_detach(&b);
	if (k6c__buf_printf(&b, "%s/query", x->addr)) {
		k6c__buf_free(&b);
		return K6C_ENOMEM;
	}
	x->query_url = k6c__buf_detach(&b);
	if (k6c__buf_printf(&b, "InfluxDBv1 (%s)", x->addr)) {
		k6c__buf_free(&b);
		return K6C_ENOMEM;
	}
	x->desc = k6c__buf_detach(&b);
	return 0;
}

/* Reads K6_INFLUXDB_* and the argument into x. */
static int configure(influx *x, const k6c_output_params *params, char *err, size_t errlen)
{
	static const char *const strs[] = { "K6_INFLUXDB_ADDR", "K6_INFLUXDB_DB",
		"K6_INFLUXDB_USERNAME", "K6_INFLUXDB_PASSWORD", "K6_INFLUXDB_PROXY",
		"K6_INFLUXDB_RETENTION", "K6_INFLUXDB_CONSISTENCY" };
	char **dsts[] = { &x->addr, &x->db, &x->username, &x->password, &x->proxy,
		&x->retention, &x->consistency };
	const char *v;
	int rc;

	if (set_str(&x->addr, "http://localhost:8086", 21) || set_str(&x->db, "k6", 2) ||
	    set_str(&x->precision, "", 0))
		return K6C_ENOMEM;
	x->unit_ns = 1;
	x->push_ms = 1000;
	x->concurrent = 4;
	if ((rc = taf_list(x, "vu:int,iter:int,url", err, errlen)))
		return rc;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if ((v = k6c__output_env(params, strs[i])) != NULL && set_str(dsts[i], v, strlen(v)))
			return K6C_ENOMEM;
	}
	if ((v = k6c__output_env(params, "K6_INFLUXDB_INSECURE")) != NULL &&
	    k6c__output_parse_bool(v, &x->insecure)) {
		snprintf(err, errlen, "invalid K6_INFLUXDB_INSECURE '%s' (true or false)", v);
		return K6C_ECONFIG;
	}
	if ((v = k6c__output_env(params, "K6_INFLUXDB_PAYLOAD_SIZE")) != NULL &&
	    (rc = parse_positive("K6_INFLUXDB_PAYLOAD_SIZE", v, &x->payload_size, true, err, errlen)))
		return rc;
	if ((v = k6c__output_env(params, "K6_INFLUXDB_PUSH_INTERVAL")) != NULL &&
	    (rc = parse_push(x, v, err, errlen)))
		return rc;
	if ((v = k6c__output_env(params, "K6_INFLUXDB_CONCURRENT_WRITES")) != NULL &&
	    (rc = parse_positive("K6_INFLUXDB_CONCURRENT_WRITES", v, &x->concurrent, false, err,
		    errlen)))
		return rc;
	if ((v = k6c__output_env(params, "K6_INFLUXDB_PRECISION")) != NULL &&
	    (rc = set_precision(x, v, err, errlen)))
		return rc;
	if ((v = k6c__output_env(params, "K6_INFLUXDB_TAGS_AS_FIELDS")) != NULL &&
	    (rc = taf_list(x, v, err, errlen)))
		return rc;
	if (params->arg && *params->arg && (rc = apply_url(x, params->arg, err, errlen)))
		return rc;
	if (!*x->db) {
		snprintf(err, errlen, "no database name (influxdb=http://host:port/database)");
		return K6C_ECONFIG;
	}
	/* A trailing slash in K6_INFLUXDB_ADDR would double the path's. */
	for (size_t n = strlen(x->addr); n > 0 && x->addr[n - 1] == '/'; n--)
		x->addr[n - 1] = '\0';
	return build_urls(x);
}

/* ---- line protocol ------------------------------------------------------ */

/* Appends s with the characters of esc preceded by a backslash. */
static int put_escaped(k6c__buf *b, const char *s, const char *esc)
{
	for (; *s; s++) {
		if (strchr(esc, *s) && k6c__buf_putc(b, '\\'))
			return K6C_ENOMEM;
		if (k6c__buf_putc(b, *s))
			return K6C_ENOMEM;
	}
	return 0;
}

/* Appends v as Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest
 * digits that read back as v, in positional notation. */
int k6c__output_put_float(k6c__buf *b, double v)
{
	char e[40], digits[24];
	int prec, exp, nd = 0;
	const char *p;
	int rc = 0;

	if (v == 0)
		return k6c__buf_puts(b, signbit(v) ? "-0" : "0");
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	p = e;
	if (*p == '-') {
		rc |= k6c__buf_putc(b, '-');
		p++;
	}
	for (; *p && *p != 'e'; p++) {
		if (*p != '.')
			digits[nd++] = *p;
	}
	exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	/* value = 0.d1d2...dn * 10^(exp+1) */
	if (exp < 0) {
		rc |= k6c__buf_puts(b, "0.");
		for (int i = 0; i < -exp - 1; i++)
			rc |= k6c__buf_putc(b, '0');
		rc |= k6c__buf_put(b, digits, (size_t)nd);
	} else if (exp + 1 >= nd) {
		rc |= k6c__buf_put(b, digits, (size_t)nd);
		for (int i = 0; i < exp + 1 - nd; i++)
			rc |= k6c__buf_putc(b, '0');
	} else {
		rc |= k6c__buf_put(b, digits, (size_t)exp + 1);
		rc |= k6c__buf_putc(b, '.');
		rc |= k6c__buf_put(b, digits + exp + 1, (size_t)(nd - exp - 1));
	}
	return rc ? K6C_ENOMEM : 0;
}

typedef struct kv {
	const char *key, *value;
	const tag_field *field;     /* non-NULL: written as a field */
} kv;

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const kv *)a)->key, ((const kv *)b)->key);
}

static const tag_field *taf_find(const influx *x, const char *key)
{
	for (size_t i = 0; i < x->ntaf; i++) {
		if (!strcmp(x->taf[i].name, key))
			return &x->taf[i];
	}
	return NULL;
}

/* Go's strconv.ParseBool. */
int k6c__output_parse_bool(const char *v, bool *out)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(v, t[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(v, f[i])) {
			*out = false;
			return 0;
		}
	}
	return K6C_EINVAL;
}

static int put_field(k6c__buf *b, const kv *e)
{
	int rc = put_escaped(b, e->key, ", =\"");

	rc |= k6c__buf_putc(b, '=');
	switch (e->field->kind) {
	case FK_INT: {
		/* k6 keeps what does not parse as 0. */
		char *end;
		long long n = strtoll(e->value, &end, 10);
		rc |= k6c__buf_printf(b, "%lldi", *e->value && !*end ? n : 0);
		break;
	}
	case FK_FLOAT: {
		char *end;
		double d = strtod(e->value, &end);
		rc |= k6c__output_put_float(b, *e->value && !*end && isfinite(d) ? d : 0);
		break;
	}
	case FK_BOOL: {
		bool t = false;
		k6c__output_parse_bool(e->value, &t);
		rc |= k6c__buf_puts(b, t ? "true" : "false");
		break;
	}
	case FK_STRING:
		rc |= k6c__buf_putc(b, '"');
		rc |= put_escaped(b, e->value, "\"\\");
		rc |= k6c__buf_putc(b, '"');
		break;
	}
	return rc ? K6C_ENOMEM : 0;
}

/* Appends one sample's line (with its '\n'); a NaN or infinite value,
 * which InfluxDB refuses, writes nothing. kvs has room for the sample's
 * tags and metadata. Return 0, 1 (skipped) or K6C_ENOMEM. */
static int put_line(const influx *x, k6c__buf *b, const k6c_sample *s, kv *kvs)
{
	size_t n = 0;
	bool value_done = false;
	int rc = 0;

	if (!isfinite(s->value))
		return 1;
	for (size_t i = 0; i < s->ntags; i++) {
		kvs[n].key = s->tags[i].key;
		kvs[n].value = s->tags[i].value;
		kvs[n++].field = NULL;
	}
	/* Metadata join the tags (a metadata entry wins over a tag with its
	 * key), so vu and iter become fields through tagsAsFields. */
	for (size_t i = 0; i < s->nmetadata; i++) {
		size_t j;
		for (j = 0; j < n && strcmp(kvs[j].key, s->metadata[i].key); j++)
			;
		kvs[j].key = s->metadata[i].key;
		kvs[j].value = s->metadata[i].value;
		kvs[j].field = NULL;
		if (j == n)
			n++;
	}
	if (s->nmetadata)
		qsort(kvs, n, sizeof(*kvs), cmp_kv);
	rc |= put_escaped(b, s->metric->name, ", ");
	for (size_t i = 0; i < n; i++) {
		if ((kvs[i].field = taf_find(x, kvs[i].key)) != NULL)
			continue;
		if (!*kvs[i].value || !*kvs[i].key)
			continue;
		rc |= k6c__buf_putc(b, ',');
		rc |= put_escaped(b, kvs[i].key, ", =");
		rc |= k6c__buf_putc(b, '=');
		rc |= put_escaped(b, kvs[i].value, ", =");
	}
	rc |= k6c__buf_putc(b, ' ');
	/* Fields sorted by key, `value` among them. */
	for (size_t i = 0, k = 0; i <= n; i++) {
		const kv *e = i < n ? &kvs[i] : NULL;
		if (e && !e->field)
			continue;
		if (!value_done && (!e || strcmp("value", e->key) < 0)) {
			if (k++)
				rc |= k6c__buf_putc(b, ',');
			rc |= k6c__buf_puts(b, "value=");
			rc |= k6c__output_put_float(b, s->value);
			value_done = true;
		}
		if (!e)
			break;
		if (!strcmp(e->key, "value"))
			continue;   /* a tag named value would clash: the sample's value wins */
		if (k++)
			rc |= k6c__buf_putc(b, ',');
		rc |= put_field(b, e);
	}
	rc |= k6c__buf_printf(b, " %lld\n",
		(long long)((s->time_us * 1000) / x->unit_ns));
	return rc ? K6C_ENOMEM : 0;
}

int k6c__influxdb_lines(const void *cfg, k6c__buf *b, const k6c_sample *samples, size_t n)
{
	const influx *x = cfg;
	size_t cap = 0;
	kv *kvs = NULL;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		size_t need = samples[i].ntags + samples[i].nmetadata + 1;
		if (need > cap) {
			kv *v = k6c__realloc(kvs, need * sizeof(*v));
			if (!v) {
				rc = K6C_ENOMEM;
				break;
			}
			kvs = v;
			cap = need;
		}
		if (put_line(x, b, &samples[i], kvs) == K6C_ENOMEM) {
			rc = K6C_ENOMEM;
			break;
		}
	}
	k6c__free(kvs);
	return rc;
}

/* ---- sending ------------------------------------------------------------ */

typedef struct chunk {
	k6c__buf body;
	size_t points;
} chunk;

typedef struct send_job {
	influx *x;
	chunk *chunks;
	size_t nchunks;
	atomic_size_t next;
	atomic_int failed;
	uint64_t deadline_ns;
} send_job;

static unsigned remaining_ms(uint64_t deadline_ns)
{
	uint64_t now = k6c__now_ns();
	uint64_t ms = deadline_ns > now ? (deadline_ns - now) / 1000000u : 0;
	return ms > 0 ? (unsigned)ms : 1;
}

/* One write: POST the body, 204 (any 2xx) is success. */
static int write_chunk(influx *x, const chunk *c, uint64_t deadline_ns)
{
	const char *hdrs[] = { "Content-Type: application/octet-stream", "Expect:" };
	k6c__output_http_req req;
	k6c__output_http_resp resp;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = "POST";
	req.url = x->write_url;
	req.headers = hdrs;
	req.nheaders = 2;
	req.body = c->body.ptr;
	req.body_len = c->body.len;
	req.timeout_ms = remaining_ms(deadline_ns);
	req.username = x->username;
	req.password = x->password;
	req.insecure = x->insecure;
	req.proxy = x->proxy;
	rc = k6c__output_http(&req, &resp);
	if (rc) {
		k6c__flusher_error(x->f, "couldn't write stats: %s", resp.error);
	} else if (resp.status < 200 || resp.status > 299) {
		/* InfluxDB answers {"error":"..."}; its text is the message. */
		size_t len = resp.body.len;
		while (len > 0 && (resp.body.ptr[len - 1] == '\n' || resp.body.ptr[len - 1] == '\r'))
			len--;
		k6c__flusher_error(x->f, "couldn't write stats: HTTP %ld from %s: %.*s", resp.status,
			x->write_url, (int)(len > 300 ? 300 : len), len ? resp.body.ptr : "");
		rc = K6C_EIO;
	}
	k6c__buf_free(&resp.body);
	return rc;
}

static void *send_main(void *arg)
{
	send_job *j = arg;
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->nchunks) {
		if (write_chunk(j->x, &j->chunks[i], j->deadline_ns) != 0)
			atomic_fetch_add(&j->failed, 1);
	}
	return NULL;
}

static int influx_flush(void *arg, const k6c_sample *samples, size_t n, uint64_t deadline_ns,
	bool final)
{
	influx *x = arg;
	size_t per = x->payload_size > 0 ? (size_t)x->payload_size : n;
	size_t nchunks = (n + per - 1) / per, nthreads;
	send_job job;
	pthread_t th[64];
	size_t started = 0;
	int rc = 0;

	(void)final;
	if (n == 0)
		return 0;
	memset(&job, 0, sizeof(job));
	if (!(job.chunks = k6c__calloc(nchunks, sizeof(*job.chunks)))) {
		k6c__flusher_error(x->f, "out of memory writing %zu samples", n);
		return K6C_ENOMEM;
	}
	for (size_t c = 0; c < nchunks && rc == 0; c++) {
		size_t from = c * per, to = from + per < n ? from + per : n;
		job.chunks[c].points = to - from;
		rc = k6c__influxdb_lines(x, &job.chunks[c].body, samples + from, to - from);
	}
	if (rc) {
		k6c__flusher_error(x->f, "out of memory writing %zu samples", n);
	} else {
		job.x = x;
		job.nchunks = nchunks;
		job.deadline_ns = deadline_ns;
		atomic_init(&job.next, 0);
		atomic_init(&job.failed, 0);
		/* concurrentWrites bounds the requests in flight; this thread is
		 * one of the senders. */
		nthreads = (size_t)x->concurrent < nchunks ? (size_t)x->concurrent : nchunks;
		if (nthreads > sizeof(th) / sizeof(th[0]) + 1)
			nthreads = sizeof(th) / sizeof(th[0]) + 1;
		for (size_t t = 1; t < nthreads; t++) {
			if (pthread_create(&th[started], NULL, send_main, &job) != 0)
				break;
			started++;
		}
		send_main(&job);
		for (size_t t = 0; t < started; t++)
			pthread_join(th[t], NULL);
		rc = atomic_load(&job.failed) ? K6C_EIO : 0;
	}
	for (size_t c = 0; c < nchunks; c++)
		k6c__buf_free(&job.chunks[c].body);
	k6c__free(job.chunks);
	return rc;
}

/* ---- the sink ----------------------------------------------------------- */

static const char *influx_description(k6c_sink *sink, void *p)
{
	(void)sink;
	return ((influx *)p)->desc;
}

static int influx_start(k6c_sink *sink, void *p, const k6c_sink_start_info *info)
{
	influx *x = p;
	k6c__output_http_req req;
	k6c__output_http_resp resp;
	k6c__buf url = K6C__BUF_INIT;
	k6c__buf q = K6C__BUF_INIT;
	int rc;

	(void)info;
	x->sink = sink;
	/* As k6: try to create the database; a failure is usually harmless
	 * (a user without the right to, an existing database), so it is only
	 * a debug message and the writes tell whether it matters. */
	rc = k6c__buf_puts(&q, "CREATE DATABASE \"");
	rc |= put_escaped(&q, x->db, "\"\\");
	rc |= k6c__buf_putc(&q, '"');
	rc |= k6c__buf_printf(&url, "%s?q=", x->query_url);
	rc |= put_query(&url, q.ptr ? q.ptr : "");
	if (rc == 0) {
		memset(&req, 0, sizeof(req));
		memset(&resp, 0, sizeof(resp));
		req.method = "POST";
		req.url = url.ptr;
		req.timeout_ms = 10000;
		req.username = x->username;
		req.password = x->password;
		req.insecure = x->insecure;
		req.proxy = x->proxy;
		if (k6c__output_http(&req, &resp) != 0)
			k6c__sink_log(sink, K6C_LOG_DEBUG, resp.error);
		else if (resp.status < 200 || resp.status > 299)
			k6c__sink_log(sink, K6C_LOG_DEBUG, "couldn't create the database; most likely "
				"harmless");
		k6c__buf_free(&resp.body);
	}
	k6c__buf_free(&url);
	k6c__buf_free(&q);
	/* A write gets as long as k6's client would wait at most; the final
	 * flush is bounded by it too. */
	return k6c__flusher_open(&x->f, sink, "influxdb", x->push_ms < 1 ? 1 : (unsigned)x->push_ms,
		10000, 1000000, influx_flush, x, "cannot start the flusher thread");
}

static const k6c_sink_vtable influx_vt = {
	K6C_SINK_VERSION, influx_description, influx_start, k6c__flusher_sink_add,
	k6c__flusher_sink_stop, influx_free,
};

int k6c__out_influxdb_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	influx *x = k6c__calloc(1, sizeof(*x));
	int rc;

	(void)factory_payload;
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return K6C_ENOMEM;
	}
	if ((rc = configure(x, params, err, errlen)) != 0) {
		if (rc == K6C_ENOMEM)
			snprintf(err, errlen, "out of memory");
		influx_free(x);
		return rc;
	}
	*vt = &influx_vt;
	*payload = x;
	return 0;
}
