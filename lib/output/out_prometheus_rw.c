/*
 * out_prometheus_rw.c - the Prometheus remote-write output, built in under
 * k6's name `experimental-prometheus-rw` and the seed's
 * `output-prometheus-remote`.
 *
 * add_samples() only copies into the bounded queue of a flusher
 * (flusher.h); every push interval the flusher's thread hands the samples
 * to prw_flush(), which aggregates them per time series (metric + tags) as
 * k6's output does (counters: the total since the start; gauges: the last
 * value; rates: the ratio of non-zero samples since the start; trends: the
 * configured stats over every sample since the start, or a native
 * histogram of them), turns every series updated since the last
 * successful push into remote-write series named k6's way
 * (k6_<name>_total, k6_<name>, k6_<name>_rate, k6_<name>_<stat> or
 * k6_<name>_seconds for a histogram),
 * encodes a WriteRequest (prw.h: our own protobuf encoder, snappy from
 * libsnappy) and POSTs it through the HTTP hook of output.h.
 *
 * The protobuf encoder is ours rather than protoc-c's generated code: the
 * messages are a handful of small types (WriteRequest, TimeSeries, Label,
 * Sample, Histogram, BucketSpan), encoding them is a few varints and
 * length-delimited fields, and the generated code would need protoc-c at
 * build time and libprotobuf-c at run time for what is a few dozen lines.
 */
#include "output/builtin.h"
#include "output/flusher.h"
#include "output/output.h"
#include "output/prw.h"

#include <math.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the wire format (prw.h) ---------------------------------------------- */

static int pb_varint(k6c__buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	return k6c__buf_put(b, tmp, n);
}

static size_t pb_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* A field key: field number and wire type (0 varint, 1 fixed64, 2 bytes). */
static int pb_key(k6c__buf *b, unsigned field, unsigned wire)
{
	return pb_varint(b, ((uint64_t)field << 3) | wire);
}

static int pb_string(k6c__buf *b, unsigned field, const char *s)
{
	size_t n = strlen(s);

	if (pb_key(b, field, 2) || pb_varint(b, n))
		return K6C_ENOMEM;
	return k6c__buf_put(b, s, n);
}

static size_t pb_string_len(const char *s)
{
	size_t n = strlen(s);

	return 1 + pb_varint_len(n) + n;
}

static size_t label_len(const k6c_tag *l)
{
	return pb_string_len(l->key) + pb_string_len(l->value);
}

/* A double field (wire type 1): the IEEE bits little-endian, as fixed64. */
static int pb_double(k6c__buf *b, unsigned field, double v)
{
	unsigned char dbl[8];
	uint64_t bits;

	memcpy(&bits, &v, 8);
	for (int k = 0; k < 8; k++)
		dbl[k] = (unsigned char)(bits >> (8 * k));
	return pb_key(b, field, 1) || k6c__buf_put(b, dbl, 8) ? K6C_ENOMEM : 0;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

/* A nested message or packed field: key, length, bytes. */
static int pb_bytes(k6c__buf *b, unsigned field, const k6c__buf *sub)
{
	return pb_key(b, field, 2) || pb_varint(b, sub->len) || k6c__buf_put(b, sub->ptr, sub->len) ?
		K6C_ENOMEM : 0;
}

/* The spans (field spans_field: BucketSpan{sint32 offset = 1; uint32
 * length = 2}) and packed deltas (deltas_field, sint64) of one side of a
 * native histogram: a span per run of consecutive bucket keys, its offset
 * the gap from the previous run (the first: the first key); deltas are
 * each count minus the previous one. */
static int enc_buckets(k6c__buf *h, k6c__buf *tmp, unsigned spans_field, unsigned deltas_field,
	const k6c__prw_bucket *v, size_t n)
{
	int64_t prev = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		int64_t off = i ? (int64_t)v[i].key - (int64_t)v[i - 1].key - 1 : v[i].key;
		while (j < n && v[j].key == v[j - 1].key + 1)
			j++;
		k6c__buf_clear(tmp);
		if (pb_key(tmp, 1, 0) || pb_varint(tmp, (uint32_t)zigzag(off)) || pb_key(tmp, 2, 0) ||
		    pb_varint(tmp, j - i) || pb_bytes(h, spans_field, tmp))
			return K6C_ENOMEM;
		i = j;
	}
	k6c__buf_clear(tmp);
	for (size_t i = 0; i < n; i++) {
		if (pb_varint(tmp, zigzag((int64_t)v[i].count - prev)))
			return K6C_ENOMEM;
		prev = (int64_t)v[i].count;
	}
	return pb_bytes(h, deltas_field, tmp);
}

/* Histogram{count_int = 1, sum = 3, schema = 4 (sint32), zero_threshold =
 * 5, zero_count_int = 6, negative_spans = 8, negative_deltas = 9,
 * positive_spans = 11, positive_deltas = 12, timestamp = 15}. */
static int enc_histogram(k6c__buf *h, k6c__buf *tmp, const k6c__prw_histogram *hg, int64_t ts)
{
	return pb_key(h, 1, 0) || pb_varint(h, hg->count) || pb_double(h, 3, hg->sum) ||
		pb_key(h, 4, 0) || pb_varint(h, (uint32_t)zigzag(hg->schema)) ||
		pb_double(h, 5, hg->zero_threshold) || pb_key(h, 6, 0) ||
		pb_varint(h, hg->zero_count) ||
		enc_buckets(h, tmp, 8, 9, hg->neg, hg->nneg) ||
		enc_buckets(h, tmp, 11, 12, hg->pos, hg->npos) || pb_key(h, 15, 0) ||
		pb_varint(h, (uint64_t)ts) ? K6C_ENOMEM : 0;
}

int k6c__prw_encode(k6c__buf *out, const k6c__prw_series *series, size_t n)
{
	k6c__buf ts = K6C__BUF_INIT, sub = K6C__BUF_INIT, tmp = K6C__BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const k6c__prw_series *s = &series[i];

		k6c__buf_clear(&ts);
		for (size_t j = 0; j < s->nlabels && !rc; j++) {
			/* TimeSeries.labels = 1: Label{name = 1, value = 2} */
			if (pb_key(&ts, 1, 2) || pb_varint(&ts, label_len(&s->labels[j])) ||
			    pb_string(&ts, 1, s->labels[j].key) || pb_string(&ts, 2, s->labels[j].value))
				rc = K6C_ENOMEM;
		}
		k6c__buf_clear(&sub);
		if (rc)
			break;
		if (s->histogram) {
			/* TimeSeries.histograms = 4 */
			rc = enc_histogram(&sub, &tmp, s->histogram, s->timestamp_ms) ||
				pb_bytes(&ts, 4, &sub) ? K6C_ENOMEM : 0;
		} else {
			/* TimeSeries.samples = 2: Sample{double value = 1; int64
			 * timestamp = 2} */
			rc = pb_double(&sub, 1, s->value) || pb_key(&sub, 2, 0) ||
				pb_varint(&sub, (uint64_t)s->timestamp_ms) || pb_bytes(&ts, 2, &sub) ?
				K6C_ENOMEM : 0;
		}
		/* WriteRequest.timeseries = 1 */
		if (!rc && pb_bytes(out, 1, &ts))
			rc = K6C_ENOMEM;
	}
	k6c__buf_free(&ts);
	k6c__buf_free(&sub);
	k6c__buf_free(&tmp);
	return rc;
}

int k6c__prw_snappy(k6c__buf *out, const char *in, size_t n)
{
	size_t max = snappy_max_compressed_length(n), len = max;

	k6c__buf_clear(out);
	if (k6c__buf_reserve(out, max + 1))
		return K6C_ENOMEM;
	if (snappy_compress(in, n, out->ptr, &len) != SNAPPY_OK)
		return K6C_EIO;
	out->len = len;
	out->ptr[len] = '\0';
	return 0;
}

int32_t k6c__prw_bucket_key(double v)
{
	/* 2^(i/8) / 2: the upper bounds of the eight buckets within one power
	 * of two, for frexp's fraction in [0.5, 1). */
	static const double bounds[8] = {
		0.5, 0.5452538663326288, 0.5946035575013605, 0.6484197773255048,
		0.7071067811865476, 0.7711054127039704, 0.8408964152537145, 0.9170040432046712,
	};
	int exp, i = 0;
	double frac = frexp(fabs(v), &exp);

	while (i < 8 && bounds[i] < frac)
		i++;
	return (int32_t)(i + (exp - 1) * 8);
}

double k6c__prw_stale_nan(void)
{
	/* Prometheus's value.StaleNaN: a quiet NaN with payload 2. */
	uint64_t bits = 0x7ff0000000000002ull;
	double d;

	memcpy(&d, &bits, 8);
	return d;
}

/* ---- configuration ---------------------------------------------------------- */

enum stat_kind { ST_COUNT, ST_SUM, ST_MIN, ST_MAX, ST_AVG, ST_MED, ST_P };

typedef struct trend_stat {
	enum stat_kind kind;
	double p;        /* ST_P: 0..1 */
	char suffix[40]; /* "p99", "p095", "max", ... */
} trend_stat;

typedef struct prw_config {
	char *url;
	unsigned push_ms;
	unsigned timeout_ms;
	int stale_markers;
	int insecure;
	int native;       /* trends as native histograms */
	char *username, *password;
	char **headers;   /* "Name: value" */
	size_t nheaders;
	trend_stat *stats;
	size_t nstats;
	size_t max_samples;
} prw_config;

/* Go's strconv.ParseBool, as k6 reads its boolean variables. */
static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(s, yes[i]))
			return *out = 1, 0;
		if (!strcmp(s, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

/* One stat of K6_PROMETHEUS_RW_TREND_STATS: count, sum, min, max, avg, med
 * or p(N) with 0 <= N <= 100. The series suffix of p(N) is "p" and N
 * without its dot, as k6 names it: p(99) -> p99, p(99.9) -> p999,
 * p(0.95) -> p095. */
static int parse_stat(const char *s, size_t n, trend_stat *st)
{
	static const struct { const char *name; enum stat_kind kind; } names[] = {
		{ "count", ST_COUNT }, { "sum", ST_SUM }, { "min", ST_MIN }, { "max", ST_MAX },
		{ "avg", ST_AVG }, { "med", ST_MED },
	};
	char num[32], *end;
	size_t k = 0;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == n && !memcmp(s, names[i].name, n)) {
			st->kind = names[i].kind;
			snprintf(st->suffix, sizeof(st->suffix), "%s", names[i].name);
			return 0;
		}
	}
	if (n < 4 || n - 3 >= sizeof(num) || memcmp(s, "p(", 2) || s[n - 1] != ')')
		return -1;
	memcpy(num, s + 2, n - 3);
	num[n - 3] = '\0';
	if (!num[0] || num[0] == '-' || num[0] == '+' || num[0] == ' ')
		return -1;
	st->p = strtod(num, &end);
	if (*end || !(st->p >= 0 && st->p <= 100))
		return -1;
	for (const char *c = num; *c; c++) {
		if (*c >= '0' && *c <= '9') {
			if (k < 30)
				st->suffix[1 + k++] = *c;
		} else if (*c != '.') {
			return -1;
		}
	}
	st->suffix[0] = 'p';
	st->kind = ST_P;
	st->p /= 100;
	return 0;
}

static void config_free(prw_config *c)
{
	k6c__free(c->url);
	k6c__free(c->username);
	k6c__free(c->password);
	for (size_t i = 0; i < c->nheaders; i++)
		k6c__free(c->headers[i]);
	k6c__free(c->headers);
	k6c__free(c->stats);
	memset(c, 0, sizeof(*c));
}

static int set_str(char **dst, const char *v)
{
	char *copy = k6c__strdup(v);

	if (!copy)
		return -1;
	k6c__free(*dst);
	*dst = copy;
	return 0;
}

static int add_header(prw_config *c, const char *name, size_t nlen, const char *value, size_t vlen)
{
	char **v = k6c__realloc(c->headers, (c->nheaders + 1) * sizeof(*v));
	k6c__buf b = { 0 };

	if (!v)
		return -1;
	c->headers = v;
	if (k6c__buf_put(&b, name, nlen) || k6c__buf_puts(&b, ": ") || k6c__buf_put(&b, value, vlen)) {
		k6c__buf_free(&b);
		return -1;
	}
	c->headers[c->nheaders++] = k6c__buf_detach(&b);
	return 0;
}

/* Trims spaces at both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t'))
		s++, (*n)--;
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* Applies one setting, from the environment (key is the variable) or from
 * the argument (key is k6's JSON name). Return 0, or -1 with err set. */
static int apply(prw_config *c, const char *output, const char *key, const char *v, char *err,
	size_t errlen)
{
	int b;

	if (!strcmp(key, "K6_PROMETHEUS_RW_SERVER_URL") || !strcmp(key, "K6_PROMETHEUS_REMOTE_URL") ||
	    !strcmp(key, "url")) {
		if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
			snprintf(err, errlen, "output \"%s\": invalid %s \"%s\" (an http:// or https:// URL "
				"is expected)", output, key, v);
			return -1;
		}
		return set_str(&c->url, v) ? (snprintf(err, errlen, "out of memory"), -1) : 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_PUSH_INTERVAL") || !strcmp(key, "pushInterval") ||
	    !strcmp(key, "K6_PROMETHEUS_FLUSH_PERIOD") || !strcmp(key, "flushPeriod")) {
		double ms;
		if (k6c__duration_parse(v, &ms) || !(ms >= 1) || ms > 3600000.0 * 24) {
			snprintf(err, errlen, "output \"%s\": invalid %s \"%s\" (a duration such as \"5s\" "
				"is expected)", output, key, v);
			return -1;
		}
		c->push_ms = (unsigned)ms;
		return 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_TREND_STATS") || !strcmp(key, "trendStats")) {
		size_t cap = 1;
		trend_stat *st;
		const char *p = v;

		for (const char *q = v; *q; q++)
			cap += *q == ',';
		if (!(st = k6c__calloc(cap, sizeof(*st))))
			return snprintf(err, errlen, "out of memory"), -1;
		k6c__free(c->stats);
		c->stats = st;
		c->nstats = 0;
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			const char *s = trim(p, &n);
			if (parse_stat(s, n, &c->stats[c->nstats])) {
				snprintf(err, errlen, "output \"%s\": invalid trend stat \"%.*s\" in %s "
					"\"%s\" (count, sum, min, max, avg, med or p(N) with N from 0 to 100)",
					output, (int)n, s, key, v);
				return -1;
			}
			c->nstats++;
			if (!comma)
				break;
			p = comma + 1;
		}
		return 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM") ||
	    !strcmp(key, "trendAsNativeHistogram")) {
		if (parse_bool(v, &b))
			goto bad_bool;
		c->native = b;
		return 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_STALE_MARKERS") || !strcmp(key, "staleMarkers")) {
		if (parse_bool(v, &b))
			goto bad_bool;
		c->stale_markers = b;
		return 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY") ||
	    !strcmp(key, "insecureSkipTLSVerify") ||
	    !strcmp(key, "K6_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY")) {
		if (parse_bool(v, &b))
			goto bad_bool;
		c->insecure = b;
		return 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_USERNAME") || !strcmp(key, "username") ||
	    !strcmp(key, "K6_PROMETHEUS_USER") || !strcmp(key, "user"))
		return set_str(&c->username, v) ? (snprintf(err, errlen, "out of memory"), -1) : 0;
	if (!strcmp(key, "K6_PROMETHEUS_RW_PASSWORD") || !strcmp(key, "password") ||
	    !strcmp(key, "K6_PROMETHEUS_PASSWORD"))
		return set_str(&c->password, v) ? (snprintf(err, errlen, "out of memory"), -1) : 0;
	if (!strcmp(key, "K6_PROMETHEUS_RW_BEARER_TOKEN") || !strcmp(key, "bearerToken")) {
		if (strchr(v, '\r') || strchr(v, '\n')) {
			snprintf(err, errlen, "output \"%s\": invalid %s (a line break)", output, key);
			return -1;
		}
		k6c__buf t = { 0 };
		int rc = k6c__buf_printf(&t, "Bearer %s", v) ||
			add_header(c, "Authorization", 13, t.ptr, t.len);
		k6c__buf_free(&t);
		return rc ? (snprintf(err, errlen, "out of memory"), -1) : 0;
	}
	if (!strcmp(key, "K6_PROMETHEUS_RW_HTTP_HEADERS")) {
		/* key1:value1,key2:value2 */
		const char *p = v;
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			const char *colon = memchr(p, ':', n);
			size_t nl, vl;
			const char *name, *val;
			if (!colon) {
				snprintf(err, errlen, "output \"%s\": invalid header \"%.*s\" in %s (name:value "
					"expected)", output, (int)n, p, key);
				return -1;
			}
			nl = (size_t)(colon - p);
			vl = n - nl - 1;
			name = trim(p, &nl);
			val = trim(colon + 1, &vl);
			if (!nl || memchr(name, '\r', nl) || memchr(name, '\n', nl) ||
			    memchr(val, '\r', vl) || memchr(val, '\n', vl)) {
				snprintf(err, errlen, "output \"%s\": invalid header \"%.*s\" in %s", output,
					(int)n, p, key);
				return -1;
			}
			if (add_header(c, name, nl, val, vl))
				return snprintf(err, errlen, "out of memory"), -1;
			if (!comma)
				break;
			p = comma + 1;
		}
		return 0;
	}
	snprintf(err, errlen, "output \"%s\": unknown option \"%s\" in the argument (url, "
		"pushInterval, trendStats, trendAsNativeHistogram, staleMarkers, "
		"insecureSkipTLSVerify, username, password, bearerToken)", output, key);
	return -1;
bad_bool:
	snprintf(err, errlen, "output \"%s\": invalid %s \"%s\" (true or false expected)", output,
		key, v);
	return -1;
}

/* The rest of the K6_PROMETHEUS_RW_* environment: each
 * K6_PROMETHEUS_RW_HEADERS_<name> adds the header <name>, as in k6; any
 * other name of the family is one of k6's options this output does not
 * have (a client certificate, SigV4, ...) or a typo, and is refused rather
 * than silently ignored. */
static int env_family(prw_config *c, const k6c_output_params *params, const char *const *known,
	size_t nknown, char *err, size_t errlen)
{
	static const char hdr[] = "K6_PROMETHEUS_RW_HEADERS_";
	const char *key, *v;

	for (size_t i = 0; (key = k6c__output_env_at(params, i, &v)) != NULL; i++) {
		bool ok = false;

		if (strncmp(key, "K6_PROMETHEUS_RW_", 17) != 0)
			continue;
		if (!strncmp(key, hdr, sizeof(hdr) - 1) && key[sizeof(hdr) - 1] != '\0') {
			const char *h = key + sizeof(hdr) - 1;
			if (strpbrk(v, "\r\n")) {
				snprintf(err, errlen, "output \"%s\": invalid %s (a line break in the value)",
					params->name, key);
				return -1;
			}
			if (add_header(c, h, strlen(h), v, strlen(v)))
				return snprintf(err, errlen, "out of memory"), -1;
			continue;
		}
		for (size_t k = 0; k < nknown && !ok; k++)
			ok = !strcmp(key, known[k]);
		if (!ok) {
			snprintf(err, errlen, "output \"%s\": %s is not supported by libk6c's Prometheus "
				"remote-write output (unset it; doc/outputs.md lists the supported options)",
				params->name, key);
			return -1;
		}
	}
	return 0;
}

/* The configuration: k6's defaults, then the environment (the seed's
 * variables first, so that k6's win), then the argument's key=value pairs
 * separated by commas. */
static int config_load(prw_config *c, const k6c_output_params *params, char *err, size_t errlen)
{
	static const char *const env[] = {
		"K6_PROMETHEUS_REMOTE_URL", "K6_PROMETHEUS_FLUSH_PERIOD", "K6_PROMETHEUS_USER",
		"K6_PROMETHEUS_PASSWORD", "K6_PROMETHEUS_INSECURE_SKIP_TLS_VERIFY",
		"K6_PROMETHEUS_RW_SERVER_URL", "K6_PROMETHEUS_RW_PUSH_INTERVAL",
		"K6_PROMETHEUS_RW_TREND_STATS", "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM",
		"K6_PROMETHEUS_RW_STALE_MARKERS", "K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY",
		"K6_PROMETHEUS_RW_USERNAME", "K6_PROMETHEUS_RW_PASSWORD",
		"K6_PROMETHEUS_RW_BEARER_TOKEN", "K6_PROMETHEUS_RW_HTTP_HEADERS",
	};
	const char *name = params->name;
	char *arg = NULL, *p;

	memset(c, 0, sizeof(*c));
	c->push_ms = 5000;
	c->max_samples = 1000000;
	if (set_str(&c->url, "http://localhost:9090/api/v1/write") ||
	    apply(c, name, "K6_PROMETHEUS_RW_TREND_STATS", "p(99)", err, errlen))
		goto fail;
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++) {
		const char *v = k6c__output_env(params, env[i]);
		if (v && apply(c, name, env[i], v, err, errlen))
			goto fail;
	}
	if (env_family(c, params, env, sizeof(env) / sizeof(env[0]), err, errlen))
		goto fail;
	if (params->arg && *params->arg) {
		if (!(arg = k6c__strdup(params->arg))) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		for (p = arg; p;) {
			char *comma = strchr(p, ','), *eq;
			if (comma)
				*comma = '\0';
			if (!(eq = strchr(p, '='))) {
				snprintf(err, errlen, "output \"%s\": invalid argument \"%s\" (key=value pairs "
					"separated by commas expected, e.g. url=http://host:9090/api/v1/write)",
					name, params->arg);
				goto fail;
			}
			*eq = '\0';
			if (apply(c, name, p, eq + 1, err, errlen))
				goto fail;
			p = comma ? comma + 1 : NULL;
		}
		k6c__free(arg);
	}
	c->timeout_ms = c->push_ms > 10000 ? c->push_ms : 10000;
	return 0;
fail:
	k6c__free(arg);
	config_free(c);
	return -1;
}

/* ---- aggregation ------------------------------------------------------------ */

typedef struct prw_series {
	const char *metric;      /* points into key */
	k6c_metric_type type;
	k6c_metric_contains contains;
	k6c_tag *tags;           /* sorted, without empty ones and __name__; into key */
	size_t ntags;
	char *key;               /* metric \0 k \0 v \0 ... */
	size_t keylen;
	/* What k6's sinks keep. */
	double sum, last;
	uint64_t count, nonzero;
	double min, max;
	double *vals;            /* trends: every value, sorted when needed */
	size_t nvals, capvals;
	bool sorted;
	/* Trends as native histograms: the buckets of positive and negative
	 * values (sorted by key), in the base unit (seconds for times). */
	k6c__prw_bucket *hpos, *hneg;
	size_t nhpos, caphpos, nhneg, caphneg;
	uint64_t hzero;
	double hsum;
	k6c__prw_histogram hist;  /* what the last push encoded */
	int64_t latest_ms;       /* the newest sample's time, ms */
	int64_t sent_ms;         /* the timestamp last pushed, 0: never */
	bool dirty;              /* updated since the last successful push */
	int64_t pending_ms;      /* the timestamp of the push in flight */
} prw_series;

/* The flusher comes first: the shared add_samples entry finds it there
 * (flusher.h). */
typedef struct prw {
	k6c__flusher *flusher;
	prw_config cfg;
	char *desc;
	char *name;
	k6c__map *index;         /* key -> prw_series* */
	prw_series **series;
	size_t nseries, capseries;
	k6c__buf key, pb, body, names;
	k6c__prw_series *out;
	size_t capout;
	k6c_tag *labels;
	size_t caplabels;
} prw;
_Static_assert(offsetof(prw, flusher) == 0, "the flusher must be prw's first member");

static void series_free(prw_series *s)
{
	if (!s)
		return;
	k6c__free(s->tags);
	k6c__free(s->key);
	k6c__free(s->vals);
	k6c__free(s->hpos);
	k6c__free(s->hneg);
	k6c__free(s);
}

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(((const k6c_tag *)a)->key, ((const k6c_tag *)b)->key);
}

/* The series of a sample: the metric and its tags (those with an empty key
 * or value, or named __name__, are left out, as k6 leaves them out of the
 * labels). NULL when out of memory. */
static prw_series *series_get(prw *o, const k6c_sample *sm)
{
	prw_series *s;
	size_t ntags = 0;

	k6c__buf_clear(&o->key);
	if (k6c__buf_put(&o->key, sm->metric->name, strlen(sm->metric->name) + 1))
		return NULL;
	for (size_t i = 0; i < sm->ntags; i++) {
		const k6c_tag *t = &sm->tags[i];
		if (!*t->key || !*t->value || !strcmp(t->key, "__name__"))
			continue;
		if (k6c__buf_put(&o->key, t->key, strlen(t->key) + 1) ||
		    k6c__buf_put(&o->key, t->value, strlen(t->value) + 1))
			return NULL;
		ntags++;
	}
	if ((s = k6c__map_get(o->index, o->key.ptr, o->key.len)))
		return s;
	if (!(s = k6c__calloc(1, sizeof(*s))))
		return NULL;
	if (!(s->key = k6c__malloc(o->key.len)) ||
	    (ntags && !(s->tags = k6c__calloc(ntags, sizeof(*s->tags))))) {
		series_free(s);
		return NULL;
	}
	memcpy(s->key, o->key.ptr, o->key.len);
	s->keylen = o->key.len;
	s->metric = s->key;
	s->type = sm->metric->type;
	s->contains = sm->metric->contains;
	for (const char *p = s->key + strlen(s->key) + 1; s->ntags < ntags; s->ntags++) {
		s->tags[s->ntags].key = p;
		p += strlen(p) + 1;
		s->tags[s->ntags].value = p;
		p += strlen(p) + 1;
	}
	/* The sink's tags come sorted; sorting again costs little once per
	 * series and keeps the labels sorted whatever the source. */
	if (s->ntags > 1)
		qsort(s->tags, s->ntags, sizeof(*s->tags), tag_cmp);
	if (o->nseries == o->capseries) {
		size_t cap = o->capseries ? 2 * o->capseries : 64;
		prw_series **v = k6c__realloc(o->series, cap * sizeof(*v));
		if (!v) {
			series_free(s);
			return NULL;
		}
		o->series = v;
		o->capseries = cap;
	}
	if (k6c__map_set(o->index, s->key, s->keylen, s)) {
		series_free(s);
		return NULL;
	}
	o->series[o->nseries++] = s;
	return s;
}

/* Counts v in the bucket of key in v[0..*n) (sorted), growing it. */
static int bucket_add(k6c__prw_bucket **v, size_t *n, size_t *cap, int32_t key)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((*v)[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && (*v)[lo].key == key) {
		(*v)[lo].count++;
		return 0;
	}
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		k6c__prw_bucket *nv = k6c__realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return K6C_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	memmove(&(*v)[lo + 1], &(*v)[lo], (*n - lo) * sizeof(**v));
	(*v)[lo].key = key;
	(*v)[lo].count = 1;
	(*n)++;
	return 0;
}

/* Prometheus's base unit for time is the second; k6's samples are ms. */
static double base_unit(const prw_series *s, double v)
{
	return s->contains == K6C_CONTAINS_TIME ? v / 1000 : v;
}

/* client_golang's default zero threshold, 2^-128, which k6 keeps. */
#define ZERO_THRESHOLD 2.938735877055719e-39

static int series_add(prw_series *s, const k6c_sample *sm, bool native)
{
	double v = sm->value;
	int64_t ms = sm->time_us / 1000;

	if (s->type == K6C_METRIC_TREND && native) {
		double u = base_unit(s, v);
		int rc = 0;
		if (fabs(u) <= ZERO_THRESHOLD || isnan(u))
			s->hzero++;
		else if (u > 0)
			rc = bucket_add(&s->hpos, &s->nhpos, &s->caphpos, k6c__prw_bucket_key(u));
		else
			rc = bucket_add(&s->hneg, &s->nhneg, &s->caphneg, k6c__prw_bucket_key(u));
		if (rc)
			return rc;
		s->hsum += u;
	} else if (s->type == K6C_METRIC_TREND) {
		if (s->nvals == s->capvals) {
			size_t cap = s->capvals ? 2 * s->capvals : 16;
			double *nv = k6c__realloc(s->vals, cap * sizeof(*nv));
			if (!nv)
				return K6C_ENOMEM;
			s->vals = nv;
			s->capvals = cap;
		}
		if (s->nvals && v < s->vals[s->nvals - 1])
			s->sorted = false;
		else if (!s->nvals)
			s->sorted = true;
		s->vals[s->nvals++] = v;
	}
	if (!s->count || v < s->min)
		s->min = v;
	if (!s->count || v > s->max)
		s->max = v;
	s->count++;
	s->sum += v;
	s->last = v;
	if (v != 0)
		s->nonzero++;
	if (ms > s->latest_ms)
		s->latest_ms = ms;
	s->dirty = true;
	return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* k6's TrendSink percentile: linear interpolation between the two values
 * around pct * (count - 1) of the sorted values. */
static double trend_p(prw_series *s, double pct)
{
	double i, f;
	size_t lo, hi;

	if (!s->nvals)
		return 0;
	if (!s->sorted) {
		qsort(s->vals, s->nvals, sizeof(double), dbl_cmp);
		s->sorted = true;
	}
	if (s->nvals == 1)
		return s->vals[0];
	i = pct * (double)(s->nvals - 1);
	lo = (size_t)floor(i);
	hi = (size_t)ceil(i);
	f = i - floor(i);
	return s->vals[lo] + (s->vals[hi] - s->vals[lo]) * f;
}

static double trend_stat_value(prw_series *s, const trend_stat *st)
{
	double v;

	switch (st->kind) {
	case ST_COUNT:
		/* A count, not a time: k6 divides it by 1000 too for time trends,
		 * which we do not copy. */
		return (double)s->count;
	case ST_SUM: v = s->sum; break;
	case ST_MIN: v = s->min; break;
	case ST_MAX: v = s->max; break;
	case ST_AVG: v = s->count ? s->sum / (double)s->count : 0; break;
	case ST_MED: v = trend_p(s, 0.5); break;
	default: v = trend_p(s, st->p); break;
	}
	return base_unit(s, v);
}

/* ---- pushing ---------------------------------------------------------------- */

/* Room for one more output series whose labels are the series' tags plus
 * __name__ = names[name_off..]. */
static int out_push(prw *o, size_t *nout, const prw_series *s, size_t name_off, double value,
	int64_t ts, size_t *nlabels)
{
	if (*nout == o->capout) {
		size_t cap = o->capout ? 2 * o->capout : 256;
		k6c__prw_series *v = k6c__realloc(o->out, cap * sizeof(*v));
		if (!v)
			return K6C_ENOMEM;
		o->out = v;
		o->capout = cap;
	}
	if (*nlabels + s->ntags + 1 > o->caplabels) {
		/* Labels are referenced by index until the end (the array may
		 * move), so the pointers are set once everything is collected. */
		size_t cap = o->caplabels ? 2 * o->caplabels : 1024;
		k6c_tag *v;
		while (cap < *nlabels + s->ntags + 1)
			cap *= 2;
		if (!(v = k6c__realloc(o->labels, cap * sizeof(*v))))
			return K6C_ENOMEM;
		o->labels = v;
		o->caplabels = cap;
	}
	o->labels[*nlabels].key = "__name__";
	o->labels[*nlabels].value = (const char *)(uintptr_t)name_off;
	/* A series without tags has no tag array (NULL), which memcpy may not
	 * be given even for 0 bytes. */
	if (s->ntags > 0)
		memcpy(&o->labels[*nlabels + 1], s->tags, s->ntags * sizeof(*s->tags));
	o->out[*nout].labels = (const k6c_tag *)(uintptr_t)*nlabels;
	o->out[*nout].nlabels = s->ntags + 1;
	o->out[*nout].value = value;
	o->out[*nout].timestamp_ms = ts;
	o->out[*nout].histogram = NULL;
	*nlabels += s->ntags + 1;
	(*nout)++;
	return 0;
}

static int add_name(prw *o, size_t *off, const char *metric, const char *suffix)
{
	*off = o->names.len;
	return k6c__buf_printf(&o->names, "k6_%s%s%s", metric, *suffix ? "_" : "", suffix) ||
		k6c__buf_putc(&o->names, '\0');
}

/* The remote-write series of one k6 series, with value and timestamp
 * (stale: Prometheus's stale marker instead of the value). */
static int series_emit(prw *o, prw_series *s, int64_t ts, bool stale, size_t *nout,
	size_t *nlabels)
{
	double stale_v = k6c__prw_stale_nan();
	size_t off;

	switch (s->type) {
	case K6C_METRIC_COUNTER:
		return add_name(o, &off, s->metric, "total") ||
			out_push(o, nout, s, off, stale ? stale_v : s->sum, ts, nlabels);
	case K6C_METRIC_GAUGE:
		return add_name(o, &off, s->metric, "") ||
			out_push(o, nout, s, off, stale ? stale_v : s->last, ts, nlabels);
	case K6C_METRIC_RATE:
		return add_name(o, &off, s->metric, "rate") ||
			out_push(o, nout, s, off,
				stale ? stale_v : s->count ? (double)s->nonzero / (double)s->count : 0, ts,
				nlabels);
	default:
		if (o->cfg.native) {
			/* k6_<name>_<base unit>: seconds for times, bytes for data. */
			const char *unit = s->contains == K6C_CONTAINS_TIME ? "seconds" :
				s->contains == K6C_CONTAINS_DATA ? "bytes" : "";
			if (add_name(o, &off, s->metric, unit) ||
			    out_push(o, nout, s, off, stale_v, ts, nlabels))
				return K6C_ENOMEM;
			if (!stale) {
				s->hist.count = s->count;
				s->hist.zero_count = s->hzero;
				s->hist.sum = s->hsum;
				s->hist.zero_threshold = ZERO_THRESHOLD;
				s->hist.schema = 3;
				s->hist.pos = s->hpos;
				s->hist.npos = s->nhpos;
				s->hist.neg = s->hneg;
				s->hist.nneg = s->nhneg;
				o->out[*nout - 1].histogram = &s->hist;
			}
			return 0;
		}
		for (size_t i = 0; i < o->cfg.nstats; i++) {
			if (add_name(o, &off, s->metric, o->cfg.stats[i].suffix) ||
			    out_push(o, nout, s, off, stale ? stale_v : trend_stat_value(s, &o->cfg.stats[i]),
				    ts, nlabels))
				return K6C_ENOMEM;
		}
		return 0;
	}
}

/* Encodes out[0..n) (labels by index, see out_push) and POSTs it. */
static int push(prw *o, size_t n, uint64_t deadline_ns)
{
	k6c__output_http_req req;
	k6c__output_http_resp resp;
	const char *headers[64];
	size_t nh = 0;
	uint64_t now = k6c__now_ns();
	int rc;

	for (size_t i = 0; i < n; i++) {
		size_t first = (size_t)(uintptr_t)o->out[i].labels;
		k6c_tag *l = &o->labels[first];
		l->value = o->names.ptr + (size_t)(uintptr_t)l->value;
		o->out[i].labels = l;
	}
	k6c__buf_clear(&o->pb);
	if (k6c__prw_encode(&o->pb, o->out, n) || k6c__prw_snappy(&o->body, o->pb.ptr, o->pb.len)) {
		k6c__flusher_error(o->flusher, "could not encode the write request (out of memory)");
		return -1;
	}
	headers[nh++] = "Content-Encoding: snappy";
	headers[nh++] = "Content-Type: application/x-protobuf";
	headers[nh++] = "X-Prometheus-Remote-Write-Version: 0.1.0";
	headers[nh++] = "User-Agent: k6c";
	for (size_t i = 0; i < o->cfg.nheaders && nh < 63; i++)
		headers[nh++] = o->cfg.headers[i];
	headers[nh] = NULL;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = "POST";
	req.url = o->cfg.url;
	req.headers = headers;
	req.nheaders = nh;
	req.body = o->body.ptr;
	req.body_len = o->body.len;
	req.timeout_ms = deadline_ns > now ? (unsigned)((deadline_ns - now) / 1000000) : 1;
	if (!req.timeout_ms)
		req.timeout_ms = 1;
	req.username = o->cfg.username;
	req.password = o->cfg.password;
	req.insecure = o->cfg.insecure;
	rc = k6c__output_http(&req, &resp);
	if (rc) {
		/* The hook's message names the method and URL already. */
		k6c__flusher_error(o->flusher, "remote write failed: %s",
			resp.error[0] ? resp.error : "request failed");
		k6c__buf_free(&resp.body);
		return -1;
	}
	if (resp.status < 200 || resp.status > 299) {
		/* Prometheus says why in the body (an out-of-order sample, a bad
		 * label): the first line is enough for the log. */
		size_t blen = resp.body.len ? strcspn(resp.body.ptr, "\n") : 0;
		k6c__flusher_error(o->flusher, "remote write to %s failed: HTTP %ld%s%.*s", o->cfg.url,
			resp.status, blen ? ": " : "", (int)(blen > 200 ? 200 : blen),
			blen ? resp.body.ptr : "");
		k6c__buf_free(&resp.body);
		return -1;
	}
	k6c__buf_free(&resp.body);
	return 0;
}

static int prw_flush(void *arg, const k6c_sample *samples, size_t n, uint64_t deadline_ns,
	bool final)
{
	prw *o = arg;
	size_t nout = 0, nlabels = 0;
	bool oom = false;

	for (size_t i = 0; i < n; i++) {
		prw_series *s = series_get(o, &samples[i]);
		if (!s || series_add(s, &samples[i], o->cfg.native))
			oom = true;
	}
	if (oom)
		k6c__flusher_error(o->flusher, "out of memory: some samples were not aggregated");
	k6c__buf_clear(&o->names);
	for (size_t i = 0; i < o->nseries; i++) {
		prw_series *s = o->series[i];
		/* Prometheus refuses a second sample of a series at the same
		 * millisecond (and k6 skips such an update, losing it): a series
		 * updated within the millisecond it was last pushed at goes out
		 * one millisecond later. */
		int64_t ts = s->latest_ms > s->sent_ms ? s->latest_ms : s->sent_ms + 1;
		if (!s->dirty)
			continue;
		s->pending_ms = ts;
		if (series_emit(o, s, ts, false, &nout, &nlabels)) {
			k6c__flusher_error(o->flusher, "out of memory: a push was skipped");
			return -1;
		}
	}
	if (nout) {
		if (push(o, nout, deadline_ns))
			return -1;
		for (size_t i = 0; i < o->nseries; i++) {
			prw_series *s = o->series[i];
			if (s->dirty) {
				s->sent_ms = s->pending_ms;
				s->dirty = false;
			}
		}
	}
	if (final && o->cfg.stale_markers && o->nseries) {
		/* The end of the test: every series seen is marked stale, one
		 * millisecond after now (and after its last sample), as k6 does
		 * with K6_PROMETHEUS_RW_STALE_MARKERS. */
		int64_t now_ms = k6c__wall_us() / 1000 + 1;
		nout = nlabels = 0;
		k6c__buf_clear(&o->names);
		for (size_t i = 0; i < o->nseries; i++) {
			prw_series *s = o->series[i];
			int64_t ts = now_ms > s->sent_ms ? now_ms : s->sent_ms + 1;
			if (series_emit(o, s, ts, true, &nout, &nlabels)) {
				k6c__flusher_error(o->flusher, "out of memory: no stale markers");
				return -1;
			}
		}
		if (push(o, nout, deadline_ns))
			return -1;
	}
	return 0;
}

/* ---- the sink --------------------------------------------------------------- */

static const char *prw_description(k6c_sink *sink, void *payload)
{
	(void)sink;
	return ((prw *)payload)->desc;
}

static int prw_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
{
	prw *o = payload;

	(void)info;
	return k6c__flusher_open(&o->flusher, sink, o->name, o->cfg.push_ms, o->cfg.timeout_ms,
		o->cfg.max_samples, prw_flush, o, NULL) ? -1 : 0;
}

static int prw_stop(k6c_sink *sink, void *payload, int exit_code)
{
	prw *o = payload;

	(void)sink;
	(void)exit_code;
	return k6c__flusher_stop(o->flusher) ? -1 : 0;
}

static void prw_free(void *payload)
{
	prw *o = payload;

	if (!o)
		return;
	k6c__flusher_free(o->flusher);
	for (size_t i = 0; i < o->nseries; i++)
		series_free(o->series[i]);
	k6c__free(o->series);
	k6c__map_free(o->index, NULL);
	k6c__buf_free(&o->key);
	k6c__buf_free(&o->pb);
	k6c__buf_free(&o->body);
	k6c__buf_free(&o->names);
	k6c__free(o->out);
	k6c__free(o->labels);
	k6c__free(o->desc);
	k6c__free(o->name);
	config_free(&o->cfg);
	k6c__free(o);
}

static const k6c_sink_vtable prw_vt = {
	K6C_SINK_VERSION, prw_description, prw_start, k6c__flusher_sink_add, prw_stop, prw_free,
};

int k6c__out_prometheus_rw_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	prw *o;
	k6c__buf d = { 0 };

	(void)factory_payload;
	if (!(o = k6c__calloc(1, sizeof(*o)))) {
		snprintf(err, errlen, "output \"%s\": out of memory", params->name);
		return -1;
	}
	if (config_load(&o->cfg, params, err, errlen)) {
		k6c__free(o);
		return -1;
	}
	if (!(o->name = k6c__strdup(params->name)) || k6c__map_new(&o->index) ||
	    k6c__buf_printf(&d, "Prometheus remote write (%s)", o->cfg.url)) {
		k6c__buf_free(&d);
		prw_free(o);
		snprintf(err, errlen, "output \"%s\": out of memory", params->name);
		return -1;
	}
	o->desc = k6c__buf_detach(&d);
	*vt = &prw_vt;
	*payload = o;
	return 0;
}
