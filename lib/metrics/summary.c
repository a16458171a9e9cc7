/*
 * summary.c - k6's end-of-test summary: the handleSummary(data) JSON document
 * built from the registry, the compact text report (THRESHOLDS and TOTAL
 * RESULTS) rendered from such a document, and the --summary-export document
 * derived from it.
 *
 * There is one text renderer and it reads only the data document, because
 * scripts call it (jslib's textSummary) with a document they may have
 * changed; the registry's own text is the rendering of its own document. The
 * document does not say which submetric belongs to which metric or in which
 * order metrics came, so both are derived from the names ("parent{tags}")
 * and the sorting k6 applies.
 *
 * The text follows k6's layout rules: one name column for every metric line
 * (dots up to a common ':'), trend columns padded to align across all trend
 * lines, non-trend values and their extras padded likewise, metrics sorted by
 * name inside their section with submetrics under their parent. Numbers are
 * humanised with JavaScript's semantics (toFixed rounding, shortest
 * Number-to-string), since that is what k6's report code runs on.
 */
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

const char *const k6c__default_trend_stats[] = { "avg", "min", "med", "max", "p(90)", "p(95)" };
const size_t k6c__default_ntrend_stats = 6;

/* ---- MD5 (RFC 1321), for group and check ids ------------------------- */

typedef struct md5_ctx {
	uint32_t a, b, c, d;
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
} md5_ctx;

static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
	0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
	0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
	0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
	0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
	0xeb86d391,
};

static const unsigned char md5_r[64] = {
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

static void md5_block(md5_ctx *c, const unsigned char *p)
{
	uint32_t w[16], a = c->a, b = c->b, cc = c->c, d = c->d;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int g;
		if (i < 16) {
			f = (b & cc) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & cc);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ cc ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = cc ^ (b | ~d);
			g = (7 * i) % 16;
		}
		uint32_t t = d;
		d = cc;
		cc = b;
		uint32_t x = a + f + md5_k[i] + w[g];
		b = b + ((x << md5_r[i]) | (x >> (32 - md5_r[i])));
		a = t;
	}
	c->a += a;
	c->b += b;
	c->c += cc;
	c->d += d;
}

static void md5_update(md5_ctx *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	c->len += n;
	while (n > 0) {
		size_t take = 64 - c->nbuf < n ? 64 - c->nbuf : n;
		memcpy(c->buf + c->nbuf, p, take);
		c->nbuf += take;
		p += take;
		n -= take;
		if (c->nbuf == 64) {
			md5_block(c, c->buf);
			c->nbuf = 0;
		}
	}
}

/* The MD5 of a string as 32 lowercase hex digits. */
static void md5_hex(const char *s, char out[33])
{
	md5_ctx c = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0, { 0 }, 0 };
	uint64_t bits;
	unsigned char pad = 0x80, zero = 0, len[8];

	md5_update(&c, s, strlen(s));
	bits = c.len * 8;
	md5_update(&c, &pad, 1);
	while (c.nbuf != 56)
		md5_update(&c, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (8 * i));
	md5_update(&c, len, 8);
	uint32_t words[4] = { c.a, c.b, c.c, c.d };
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned)(words[i / 4] >> (8 * (i % 4))) & 0xffu);
}

/* Concatenates the NULL-terminated list of strings into out (truncating at
 * cap); formatted cells are far shorter than their buffers. */
static void join(char *out, size_t cap, ...)
{
	va_list ap;
	size_t o = 0;
	const char *part;

	va_start(ap, cap);
	while ((part = va_arg(ap, const char *)) != NULL) {
		size_t n = strlen(part);
		if (n > cap - 1 - o)
			n = cap - 1 - o;
		memcpy(out + o, part, n);
		o += n;
	}
	va_end(ap);
	out[o] = '\0';
}

/* ---- JavaScript number formatting ------------------------------------ */

/* Number.prototype.toString() for a double: the shortest digits that read
 * back as the same value, in plain notation from 1e-7 to 1e21. */
static void js_num(char *out, size_t cap, double x)
{
	if (isnan(x)) {
		snprintf(out, cap, "NaN");
		return;
	}
	if (isinf(x)) {
		snprintf(out, cap, x > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (x == 0) {
		snprintf(out, cap, "0");
		return;
	}
	char tmp[40];
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	/* tmp is "-d.ddde+XX": collect the digits and the exponent. */
	char digits[24];
	int k = 0;
	const char *p = tmp;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[k++] = *p;
	digits[k] = '\0';
	while (k > 1 && digits[k - 1] == '0')
		digits[--k] = '\0';
	int n = atoi(p + 1) + 1;   /* the decimal point sits after n digits */

	size_t o = 0;
	char buf[64];
	if (neg)
		buf[o++] = '-';
	if (k <= n && n <= 21) {
		memcpy(buf + o, digits, (size_t)k);
		o += (size_t)k;
		for (int i = 0; i < n - k; i++)
			buf[o++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(buf + o, digits, (size_t)n);
		o += (size_t)n;
		buf[o++] = '.';
		memcpy(buf + o, digits + n, (size_t)(k - n));
		o += (size_t)(k - n);
	} else if (-6 < n && n <= 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (int i = 0; i < -n; i++)
			buf[o++] = '0';
		memcpy(buf + o, digits, (size_t)k);
		o += (size_t)k;
	} else {
		buf[o++] = digits[0];
		if (k > 1) {
			buf[o++] = '.';
			memcpy(buf + o, digits + 1, (size_t)(k - 1));
			o += (size_t)(k - 1);
		}
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "e%c%d", n - 1 >= 0 ? '+' : '-',
			abs(n - 1));
	}
	buf[o] = '\0';
	snprintf(out, cap, "%s", buf);
}

/* Number.prototype.toFixed(f): the exact decimal value rounded to f places,
 * halves away from zero (printf rounds exact halves to even). */
static void js_to_fixed(char *out, size_t cap, double x, int f)
{
	if (!isfinite(x) || fabs(x) >= 1e21) {
		js_num(out, cap, x);
		return;
	}
	bool neg = x < 0;
	double ax = fabs(x);
	char wide[400];
	snprintf(wide, sizeof(wide), "%.*f", f + 30, ax);
	char *dot = strchr(wide, '.');
	bool tie = dot != NULL && dot[f + 1] == '5';
	for (int i = f + 2; tie && dot[i]; i++)
		if (dot[i] != '0')
			tie = false;
	char res[400];
	if (!tie) {
		snprintf(res, sizeof(res), "%.*f", f, ax);
	} else {
		/* Truncate after f places and add one unit in the last place. */
		size_t len = (size_t)(dot - wide) + (f > 0 ? (size_t)f + 1 : 0);
		memcpy(res + 1, wide, len);
		res[0] = '0';
		res[len + 1] = '\0';
		for (size_t i = len; i > 0; i--) {
			if (res[i] == '.')
				continue;
			if (res[i] == '9') {
				res[i] = '0';
				continue;
			}
			res[i]++;
			break;
		}
		if (res[0] == '0')
			memmove(res, res + 1, strlen(res));
	}
	/* -0 prints without its sign; other negatives keep it even when they
	 * round to zero, as in JavaScript. */
	snprintf(out, cap, "%s%s", neg ? "-" : "", res);
}

/* parseFloat(x.toFixed(prec)).toString() */
static void fixed_no_zeros(char *out, size_t cap, double x, int prec)
{
	char tmp[400];
	js_to_fixed(tmp, sizeof(tmp), x, prec);
	js_num(out, cap, strtod(tmp, NULL));
}

/* The same after truncating (not rounding) to prec places. */
static void fixed_no_zeros_trunc(char *out, size_t cap, double x, int prec)
{
	double mult = pow(10, prec);
	fixed_no_zeros(out, cap, trunc(mult * x) / mult, prec);
}

static void humanize_bytes(char *out, size_t cap, double bytes)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
	char num[64];

	if (bytes < 10) {
		js_num(num, sizeof(num), bytes);
		join(out, cap, num, " B", (char *)NULL);
		return;
	}
	double e = floor(log(bytes) / log(1000));
	int ei = (int)e;
	if (ei < 0)
		ei = 0;
	if ((size_t)ei >= K6C__ARRAY_LEN(units))
		ei = (int)K6C__ARRAY_LEN(units) - 1;
	double val = floor((bytes / pow(1000, e)) * 10 + 0.5) / 10;
	js_to_fixed(num, sizeof(num), val, val < 10 ? 1 : 0);
	join(out, cap, num, " ", units[ei], (char *)NULL);
}

static void humanize_generic_duration(char *out, size_t cap, double d)
{
	char a[64], b[64];

	if (d == 0) {
		snprintf(out, cap, "0s");
		return;
	}
	if (d < 0.001) {
		js_num(a, sizeof(a), trunc(d * 1000000));
		join(out, cap, a, "ns", (char *)NULL);
		return;
	}
	if (d < 1) {
		fixed_no_zeros_trunc(a, sizeof(a), d * 1000, 2);
		join(out, cap, a, "µs", (char *)NULL);
		return;
	}
	if (d < 1000) {
		fixed_no_zeros_trunc(a, sizeof(a), d, 2);
		join(out, cap, a, "ms", (char *)NULL);
		return;
	}
	fixed_no_zeros_trunc(a, sizeof(a), fmod(d, 60000) / 1000, d > 60000 ? 0 : 2);
	double rem = trunc(d / 60000);
	if (rem < 1) {
		join(out, cap, a, "s", (char *)NULL);
		return;
	}
	js_num(b, sizeof(b), fmod(rem, 60));
	rem = trunc(rem / 60);
	if (rem < 1) {
		join(out, cap, b, "m", a, "s", (char *)NULL);
		return;
	}
	char h[64];
	js_num(h, sizeof(h), rem);
	join(out, cap, h, "h", b, "m", a, "s", (char *)NULL);
}

static void humanize_duration(char *out, size_t cap, double d, const char *unit)
{
	char num[400];

	if (unit != NULL && strcmp(unit, "s") == 0) {
		js_to_fixed(num, sizeof(num), d * 0.001, 2);
		join(out, cap, num, "s", (char *)NULL);
	} else if (unit != NULL && strcmp(unit, "ms") == 0) {
		js_to_fixed(num, sizeof(num), d * 1, 2);
		join(out, cap, num, "ms", (char *)NULL);
	} else if (unit != NULL && strcmp(unit, "us") == 0) {
		js_to_fixed(num, sizeof(num), d * 1000, 2);
		join(out, cap, num, "µs", (char *)NULL);
	} else {
		humanize_generic_duration(out, cap, d);
	}
}

/* k6's humanizeValue: rates as truncated percentages, then by contents. */
static void humanize(char *out, size_t cap, double v, k6c__metric_type type,
	k6c__metric_contains contains, const char *unit)
{
	char num[400];

	if (type == K6C__RATE) {
		js_to_fixed(num, sizeof(num), trunc(v * 100 * 100) / 100, 2);
		join(out, cap, num, "%", (char *)NULL);
		return;
	}
	switch (contains) {
	case K6C__CONTAINS_DATA:
		humanize_bytes(out, cap, v);
		break;
	case K6C__CONTAINS_TIME:
		humanize_duration(out, cap, v, unit);
		break;
	default:
		fixed_no_zeros(out, cap, v, 6);
		break;
	}
}

/* Display width: code points, so "µ" counts once. */
static size_t str_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* ---- collation --------------------------------------------------------- */

/* An approximation of the CLDR root collation (what localeCompare uses) for
 * ASCII: punctuation, then digits, then letters case-insensitively, with
 * lower case first on a tie. */
static int primary_weight(unsigned char c)
{
	static const char punct[] = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
	const char *p = c ? strchr(punct, c) : NULL;
	if (p != NULL)
		return 1 + (int)(p - punct);
	if (c >= '0' && c <= '9')
		return 100 + (c - '0');
	if (c >= 'a' && c <= 'z')
		return 200 + (c - 'a');
	if (c >= 'A' && c <= 'Z')
		return 200 + (c - 'A');
	return 300 + c;
}

/* localeCompare of a[0..na) and b[0..nb). */
static int locale_compare(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i;
	for (i = 0; i < na && i < nb; i++) {
		int d = primary_weight((unsigned char)a[i]) - primary_weight((unsigned char)b[i]);
		if (d != 0)
			return d;
	}
	if (na != nb)
		return na > nb ? 1 : -1;
	for (i = 0; i < na; i++) {
		bool la = a[i] >= 'a' && a[i] <= 'z', lb = b[i] >= 'a' && b[i] <= 'z';
		if (la != lb)
			return la ? -1 : 1;
	}
	return memcmp(a, b, na);
}

/* k6's sortMetricsByName: by parent name, then by the submetric suffix. */
static int metric_name_order(const char *a, const char *b)
{
	size_t la = strcspn(a, "{"), lb = strcspn(b, "{");
	int r = locale_compare(a, la, b, lb);
	if (r != 0)
		return r;
	return locale_compare(a + la, strlen(a + la), b + lb, strlen(b + lb));
}

static int name_byte_cmp(const void *pa, const void *pb)
{
	const k6c__metric *a = *(const k6c__metric *const *)pa, *b = *(const k6c__metric *const *)pb;
	return strcmp(a->name, b->name);
}

/* The aggregation a threshold expression uses: its text before the first
 * operator character ("!=" included), trimmed (as k6's report does). */
static void threshold_agg(const char *source, char *out, size_t cap)
{
	size_t n = strcspn(source, "=><!");
	const char *s = source, *e = source + n;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	snprintf(out, cap, "%.*s", (int)(e - s), s);
}

/* ---- the data document from the registry ------------------------------ */

typedef struct sum_ctx {
	k6c__metrics *m;
	const k6c__summary_opts *opts;
	const char *const *stats;
	size_t nstats;
	const char *unit;       /* NULL for automatic */
} sum_ctx;

static int ctx_init(sum_ctx *c, k6c__metrics *m, const k6c__summary_opts *opts)
{
	static const k6c__summary_opts defaults = { 0 };

	c->m = m;
	c->opts = opts ? opts : &defaults;
	if (c->opts->ntrend_stats > 0) {
		c->stats = c->opts->trend_stats;
		c->nstats = c->opts->ntrend_stats;
		for (size_t i = 0; i < c->nstats; i++) {
			int rc = k6c__summary_check_stat(c->stats[i]);
			if (rc < 0)
				return rc;
		}
	} else {
		c->stats = k6c__default_trend_stats;
		c->nstats = k6c__default_ntrend_stats;
	}
	c->unit = c->opts->time_unit;
	if (c->unit != NULL && c->unit[0] == '\0')
		c->unit = NULL;
	if (c->unit != NULL && strcmp(c->unit, "s") != 0 && strcmp(c->unit, "ms") != 0 &&
	    strcmp(c->unit, "us") != 0)
		return k6c__error(K6C_EINVAL, "invalid summary time unit '%s': use s, ms or us",
			c->unit);
	return 0;
}

static bool has_threshold(const sum_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->opts->nthresholds; i++)
		if (c->opts->thresholds[i].metric != NULL &&
		    strcmp(c->opts->thresholds[i].metric, name) == 0)
			return true;
	return false;
}

/* The metrics a summary shows: those with samples or thresholds (lock held).
 * Returns a new array of borrowed pointers, or NULL with *n = 0. */
static k6c__metric **observed_metrics(const sum_ctx *c, size_t *n)
{
	k6c__metrics *m = c->m;
	k6c__metric **v = k6c__calloc(m->nmetrics ? m->nmetrics : 1, sizeof(*v));
	*n = 0;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < m->nmetrics; i++)
		if (m->metrics[i]->n > 0 || has_threshold(c, m->metrics[i]->name))
			v[(*n)++] = m->metrics[i];
	return v;
}

static double stat_or_zero(const sum_ctx *c, const k6c__metric *mt, const char *stat)
{
	switch (mt->type) {
	case K6C__COUNTER:
		if (strcmp(stat, "count") == 0)
			return mt->sum;
		return c->opts->test_duration_ms > 0 ? mt->sum / (c->opts->test_duration_ms / 1000.0) : 0;
	case K6C__GAUGE:
		if (mt->n == 0)
			return 0;
		return strcmp(stat, "min") == 0 ? mt->min : strcmp(stat, "max") == 0 ? mt->max : mt->last;
	case K6C__RATE:
		if (strcmp(stat, "passes") == 0)
			return (double)mt->nonzero;
		if (strcmp(stat, "fails") == 0)
			return (double)(mt->n - mt->nonzero);
		return mt->n ? (double)mt->nonzero / (double)mt->n : 0;
	case K6C__TREND:
		return k6c__metric_trend_stat(mt, stat);
	}
	return 0;
}

static int json_key(k6c__buf *out, bool *first, const char *key)
{
	int rc;
	if (!*first && (rc = k6c__buf_putc(out, ',')) < 0)
		return rc;
	*first = false;
	if ((rc = k6c__json_write_string(out, key, strlen(key))) < 0)
		return rc;
	return k6c__buf_putc(out, ':');
}

static int json_str(k6c__buf *out, const char *s)
{
	return k6c__json_write_string(out, s, strlen(s));
}

static int json_group(k6c__buf *out, const k6c__group *g)
{
	char id[33];
	bool first = true;
	int rc;

	md5_hex(g->path, id);
	if ((rc = k6c__buf_putc(out, '{')) < 0 ||
	    (rc = json_key(out, &first, "name")) < 0 || (rc = json_str(out, g->name)) < 0 ||
	    (rc = json_key(out, &first, "path")) < 0 || (rc = json_str(out, g->path)) < 0 ||
	    (rc = json_key(out, &first, "id")) < 0 || (rc = json_str(out, id)) < 0 ||
	    (rc = json_key(out, &first, "groups")) < 0 || (rc = k6c__buf_putc(out, '[')) < 0)
		return rc;
	for (size_t i = 0; i < g->ngroups; i++) {
		if ((i > 0 && (rc = k6c__buf_putc(out, ',')) < 0) ||
		    (rc = json_group(out, g->groups[i])) < 0)
			return rc;
	}
	if ((rc = k6c__buf_putc(out, ']')) < 0 || (rc = json_key(out, &first, "checks")) < 0 ||
	    (rc = k6c__buf_putc(out, '[')) < 0)
		return rc;
	for (size_t i = 0; i < g->nchecks; i++) {
		const k6c__check *ck = g->checks[i];
		bool f = true;
		md5_hex(ck->path, id);
		if ((i > 0 && (rc = k6c__buf_putc(out, ',')) < 0) ||
		    (rc = k6c__buf_putc(out, '{')) < 0 ||
		    (rc = json_key(out, &f, "name")) < 0 || (rc = json_str(out, ck->name)) < 0 ||
		    (rc = json_key(out, &f, "path")) < 0 || (rc = json_str(out, ck->path)) < 0 ||
		    (rc = json_key(out, &f, "id")) < 0 || (rc = json_str(out, id)) < 0 ||
		    (rc = json_key(out, &f, "passes")) < 0 ||
		    (rc = k6c__json_write_number(out, (double)ck->passes)) < 0 ||
		    (rc = json_key(out, &f, "fails")) < 0 ||
		    (rc = k6c__json_write_number(out, (double)ck->fails)) < 0 ||
		    (rc = k6c__buf_putc(out, '}')) < 0)
			return rc;
	}
	if ((rc = k6c__buf_putc(out, ']')) < 0)
		return rc;
	return k6c__buf_putc(out, '}');
}

static int json_value(k6c__buf *out, bool *first, const sum_ctx *c, const k6c__metric *mt,
	const char *key)
{
	int rc = json_key(out, first, key);
	return rc < 0 ? rc : k6c__json_write_number(out, stat_or_zero(c, mt, key));
}

static int json_values(k6c__buf *out, const sum_ctx *c, const k6c__metric *mt)
{
	static const char *const counter[] = { "count", "rate" };
	static const char *const gauge[] = { "value", "min", "max" };
	static const char *const rate[] = { "rate", "passes", "fails" };
	const char *const *keys;
	size_t n;
	bool first = true;
	int rc;

	switch (mt->type) {
	case K6C__COUNTER: keys = counter; n = 2; break;
	case K6C__GAUGE: keys = gauge; n = 3; break;
	case K6C__RATE: keys = rate; n = 3; break;
	default: keys = c->stats; n = c->nstats; break;
	}
	if ((rc = k6c__buf_putc(out, '{')) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		/* Repeated stats would repeat a key; keep the first. */
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(keys[i], keys[j]) == 0)
				dup = true;
		if (!dup && (rc = json_value(out, &first, c, mt, keys[i])) < 0)
			return rc;
	}
	/* A trend's thresholds may aggregate with a stat the summary does not
	 * list (p(99) with the default columns); its value goes along so that
	 * the THRESHOLDS block can show it, as k6 computes it for its report. */
	for (size_t t = 0; mt->type == K6C__TREND && t < c->opts->nthresholds; t++) {
		const k6c__summary_threshold *th = &c->opts->thresholds[t];
		char agg[64];
		bool dup = false;
		if (th->metric == NULL || strcmp(th->metric, mt->name) != 0)
			continue;
		threshold_agg(th->source ? th->source : "", agg, sizeof(agg));
		/* Not a trend stat: the text shows "undefined" (the check's
		 * message is left for nobody; nothing failed). */
		if (k6c__summary_check_stat(agg) < 0)
			continue;
		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp(agg, keys[j]) == 0;
		for (size_t u = 0; u < t && !dup; u++) {
			const k6c__summary_threshold *o = &c->opts->thresholds[u];
			char oagg[64];
			if (o->metric == NULL || strcmp(o->metric, mt->name) != 0)
				continue;
			threshold_agg(o->source ? o->source : "", oagg, sizeof(oagg));
			dup = strcmp(agg, oagg) == 0;
		}
		if (!dup && (rc = json_value(out, &first, c, mt, agg)) < 0)
			return rc;
	}
	return k6c__buf_putc(out, '}');
}

static int json_thresholds(k6c__buf *out, const sum_ctx *c, const k6c__metric *mt)
{
	bool t = true;
	int rc;

	if ((rc = k6c__buf_putc(out, '{')) < 0)
		return rc;
	for (size_t k = 0; k < c->opts->nthresholds; k++) {
		const k6c__summary_threshold *th = &c->opts->thresholds[k];
		bool ok = true;
		if (th->metric == NULL || strcmp(th->metric, mt->name) != 0)
			continue;
		if ((rc = json_key(out, &t, th->source ? th->source : "")) < 0 ||
		    (rc = k6c__buf_putc(out, '{')) < 0 ||
		    (rc = json_key(out, &ok, "ok")) < 0 ||
		    (rc = k6c__buf_puts(out, th->ok ? "true" : "false")) < 0 ||
		    (rc = k6c__buf_putc(out, '}')) < 0)
			return rc;
	}
	return k6c__buf_putc(out, '}');
}

/* A metric as a member of "metrics": its type, contents and values, and
 * its thresholds when asked for and it has some. */
static int json_metric(k6c__buf *out, bool *first, const sum_ctx *c, const k6c__metric *mt,
	bool thresholds)
{
	bool g = true;
	int rc;

	if ((rc = json_key(out, first, mt->name)) < 0 || (rc = k6c__buf_putc(out, '{')) < 0 ||
	    (rc = json_key(out, &g, "type")) < 0 ||
	    (rc = json_str(out, k6c__metric_type_name(mt->type))) < 0 ||
	    (rc = json_key(out, &g, "contains")) < 0 ||
	    (rc = json_str(out, k6c__metric_contains_name(mt->contains))) < 0 ||
	    (rc = json_key(out, &g, "values")) < 0 || (rc = json_values(out, c, mt)) < 0)
		return rc;
	if (thresholds && has_threshold(c, mt->name) &&
	    ((rc = json_key(out, &g, "thresholds")) < 0 || (rc = json_thresholds(out, c, mt)) < 0))
		return rc;
	return k6c__buf_putc(out, '}');
}

/* The document; with_setup false leaves "setup_data" out (the text does not
 * use it, and a caller's raw JSON is not ours to vouch for). */
static int summary_json(k6c__metrics *m, const k6c__summary_opts *opts, bool with_setup,
	k6c__buf *out)
{
	sum_ctx c;
	int rc;
	bool first = true;

	if ((rc = ctx_init(&c, m, opts)) < 0)
		return rc;

	pthread_mutex_lock(&m->lock);
	size_t nobs;
	k6c__metric **obs = observed_metrics(&c, &nobs);
	if (obs == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	qsort(obs, nobs, sizeof(*obs), name_byte_cmp);

	if ((rc = k6c__buf_putc(out, '{')) < 0 || (rc = json_key(out, &first, "root_group")) < 0 ||
	    (rc = json_group(out, m->root)) < 0)
		goto out;

	bool f = true;
	if ((rc = json_key(out, &first, "options")) < 0 || (rc = k6c__buf_putc(out, '{')) < 0 ||
	    (rc = json_key(out, &f, "summaryTrendStats")) < 0 || (rc = k6c__buf_putc(out, '[')) < 0)
		goto out;
	for (size_t i = 0; i < c.nstats; i++)
		if ((i > 0 && (rc = k6c__buf_putc(out, ',')) < 0) || (rc = json_str(out, c.stats[i])) < 0)
			goto out;
	if ((rc = k6c__buf_putc(out, ']')) < 0 || (rc = json_key(out, &f, "summaryTimeUnit")) < 0 ||
	    (rc = json_str(out, c.unit ? c.unit : "")) < 0 ||
	    (rc = json_key(out, &f, "noColor")) < 0 ||
	    (rc = k6c__buf_puts(out, c.opts->no_color ? "true" : "false")) < 0 ||
	    (rc = k6c__buf_putc(out, '}')) < 0)
		goto out;

	f = true;
	if ((rc = json_key(out, &first, "state")) < 0 || (rc = k6c__buf_putc(out, '{')) < 0 ||
	    (rc = json_key(out, &f, "isStdOutTTY")) < 0 ||
	    (rc = k6c__buf_puts(out, c.opts->stdout_tty ? "true" : "false")) < 0 ||
	    (rc = json_key(out, &f, "isStdErrTTY")) < 0 ||
	    (rc = k6c__buf_puts(out, c.opts->stderr_tty ? "true" : "false")) < 0 ||
	    (rc = json_key(out, &f, "testRunDurationMs")) < 0 ||
	    (rc = k6c__json_write_number(out, c.opts->test_duration_ms)) < 0 ||
	    (rc = k6c__buf_putc(out, '}')) < 0)
		goto out;

	if (with_setup && c.opts->setup_data_json != NULL &&
	    ((rc = json_key(out, &first, "setup_data")) < 0 ||
	     (rc = k6c__buf_puts(out, c.opts->setup_data_json)) < 0))
		goto out;

	f = true;
	if ((rc = json_key(out, &first, "metrics")) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
		goto out;
	for (size_t i = 0; i < nobs; i++)
		if ((rc = json_metric(out, &f, &c, obs[i], true)) < 0)
			goto out;
	if ((rc = k6c__buf_putc(out, '}')) < 0 || (rc = k6c__buf_putc(out, '}')) < 0)
		goto out;
out:
	pthread_mutex_unlock(&m->lock);
	k6c__free(obs);
	return rc;
}

int k6c__metrics_summary_json(k6c__metrics *m, const k6c__summary_opts *opts, k6c__buf *out)
{
	if (m == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_summary_json: NULL argument");
	return summary_json(m, opts, true, out);
}

int k6c__summary_mode_parse(const char *name, k6c__summary_mode *out)
{
	static const char *const names[] = { "compact", "full", "legacy", "disabled" };

	for (size_t i = 0; name != NULL && i < K6C__ARRAY_LEN(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (k6c__summary_mode)i;
			return 0;
		}
	}
	return k6c__error(K6C_EINVAL, "invalid summary mode '%s': use compact, full, legacy or disabled",
		name ? name : "(null)");
}

static int json_scopes(k6c__buf *out, const sum_ctx *c, const k6c__scope *parent);

/* A breakdown node: its checks, its metrics and its groups. */
static int json_scope(k6c__buf *out, const sum_ctx *c, const k6c__scope *sc)
{
	bool first = true, f = true;
	int rc;

	if ((rc = k6c__buf_putc(out, '{')) < 0 || (rc = json_key(out, &first, "checks")) < 0 ||
	    (rc = k6c__buf_putc(out, '[')) < 0)
		return rc;
	for (size_t i = 0; i < sc->nchecks; i++) {
		bool g = true;
		if ((i > 0 && (rc = k6c__buf_putc(out, ',')) < 0) || (rc = k6c__buf_putc(out, '{')) < 0 ||
		    (rc = json_key(out, &g, "name")) < 0 || (rc = json_str(out, sc->checks[i]->name)) < 0 ||
		    (rc = json_key(out, &g, "passes")) < 0 ||
		    (rc = k6c__json_write_number(out, (double)sc->checks[i]->passes)) < 0 ||
		    (rc = json_key(out, &g, "fails")) < 0 ||
		    (rc = k6c__json_write_number(out, (double)sc->checks[i]->fails)) < 0 ||
		    (rc = k6c__buf_putc(out, '}')) < 0)
			return rc;
	}
	if ((rc = k6c__buf_putc(out, ']')) < 0 || (rc = json_key(out, &first, "metrics")) < 0 ||
	    (rc = k6c__buf_putc(out, '{')) < 0)
		return rc;
	for (size_t i = 0; i < sc->naggs; i++)
		if (sc->aggs[i] != NULL && (rc = json_metric(out, &f, c, sc->aggs[i], false)) < 0)
			return rc;
	if ((rc = k6c__buf_putc(out, '}')) < 0 || (rc = json_key(out, &first, "groups")) < 0 ||
	    (rc = json_scopes(out, c, sc)) < 0)
		return rc;
	return k6c__buf_putc(out, '}');
}

/* A node's children as an object by name; {} for none. */
static int json_scopes(k6c__buf *out, const sum_ctx *c, const k6c__scope *parent)
{
	bool first = true;
	int rc;

	if ((rc = k6c__buf_putc(out, '{')) < 0)
		return rc;
	for (size_t i = 0; parent != NULL && i < parent->nkids; i++)
		if ((rc = json_key(out, &first, parent->kids[i]->name)) < 0 ||
		    (rc = json_scope(out, c, parent->kids[i])) < 0)
			return rc;
	return k6c__buf_putc(out, '}');
}

int k6c__metrics_summary_breakdown_json(k6c__metrics *m, const k6c__summary_opts *opts,
	k6c__buf *out)
{
	sum_ctx c;
	bool first = true;
	int rc;

	if (m == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_summary_breakdown_json: NULL argument");
	if ((rc = ctx_init(&c, m, opts)) < 0)
		return rc;
	pthread_mutex_lock(&m->lock);
	if ((rc = k6c__buf_putc(out, '{')) == 0 && (rc = json_key(out, &first, "groups")) == 0 &&
	    (rc = json_scopes(out, &c, m->bd_groups)) == 0 &&
	    (rc = json_key(out, &first, "scenarios")) == 0 &&
	    (rc = json_scopes(out, &c, m->bd_scenarios)) == 0)
		rc = k6c__buf_putc(out, '}');
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* ---- reading a data document ------------------------------------------- */

#define doc_error(...) k6c__error(K6C_EINVAL, "summary data: " __VA_ARGS__)

/* JavaScript keeps one member per key (JSON.parse, and an object filled by
 * name): at the position of the first occurrence, with the value of the
 * last. *out gets, for each kept position in order, the index of the item
 * whose value it keeps. */
static int unique_by_key(const char *const *keys, size_t n, size_t **out, size_t *nout)
{
	k6c__map *last = NULL;
	bool *done = NULL;
	int rc = 0;

	*out = k6c__calloc(n ? n : 1, sizeof(**out));
	*nout = 0;
	done = k6c__calloc(n ? n : 1, sizeof(*done));
	if (*out == NULL || done == NULL || k6c__map_new(&last) < 0) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (k6c__map_set(last, keys[i], strlen(keys[i]), (void *)(uintptr_t)(i + 1)) < 0) {
			rc = k6c__error(K6C_ENOMEM, "out of memory");
			goto out;
		}
	for (size_t i = 0; i < n; i++) {
		size_t j = (size_t)(uintptr_t)k6c__map_get(last, keys[i], strlen(keys[i])) - 1;
		if (!done[j]) {
			done[j] = true;
			(*out)[(*nout)++] = j;
		}
	}
out:
	k6c__map_free(last, NULL);
	k6c__free(done);
	if (rc < 0) {
		k6c__free(*out);
		*out = NULL;
	}
	return rc;
}

static int object_members(const k6c__json *obj, size_t **out, size_t *nout)
{
	return unique_by_key((const char *const *)obj->keys, obj->len, out, nout);
}

/* A number of the document; null stands for what JSON cannot hold (NaN,
 * Infinity), which JSON.stringify writes as null. */
static bool doc_number(const k6c__json *v, double *out)
{
	if (v != NULL && v->type == K6C__JSON_NUMBER) {
		*out = v->number;
		return true;
	}
	if (v != NULL && v->type == K6C__JSON_NULL) {
		*out = NAN;
		return true;
	}
	return false;
}

typedef struct doc_metric {
	const char *name;
	k6c__metric_type type;
	k6c__metric_contains contains;
	const k6c__json *values;
	const k6c__json *thresholds;    /* a non-empty object, or NULL */
} doc_metric;

typedef struct doc_check {
	const char *name;
	double passes, fails;
} doc_check;

typedef struct sum_doc {
	k6c__json *json;
	const char **stats;             /* strings borrowed from json */
	size_t nstats;
	const char *unit;               /* NULL for automatic */
	double duration_ms;
	doc_metric *metrics;
	size_t nmetrics;
	doc_check *checks;              /* every group's checks, merged by name */
	size_t nchecks;
	k6c__map *check_index;          /* name -> index + 1 */
} sum_doc;

static void doc_free(sum_doc *d)
{
	k6c__json_free(d->json);
	k6c__free(d->stats);
	k6c__free(d->metrics);
	k6c__free(d->checks);
	k6c__map_free(d->check_index, NULL);
	memset(d, 0, sizeof(*d));
}

static int doc_options(sum_doc *d)
{
	const k6c__json *o = k6c__json_get(d->json, "options");
	const k6c__json *stats = o ? k6c__json_get(o, "summaryTrendStats") : NULL;
	const k6c__json *unit = o ? k6c__json_get(o, "summaryTimeUnit") : NULL;

	if (o != NULL && o->type != K6C__JSON_OBJECT)
		return doc_error("\"options\" is not an object");
	if (stats == NULL || stats->type == K6C__JSON_NULL) {
		d->nstats = k6c__default_ntrend_stats;
		d->stats = k6c__calloc(d->nstats, sizeof(*d->stats));
		if (d->stats == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory");
		for (size_t i = 0; i < d->nstats; i++)
			d->stats[i] = k6c__default_trend_stats[i];
	} else {
		if (stats->type != K6C__JSON_ARRAY)
			return doc_error("options.summaryTrendStats is not an array");
		d->nstats = stats->len;
		d->stats = k6c__calloc(d->nstats ? d->nstats : 1, sizeof(*d->stats));
		if (d->stats == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory");
		for (size_t i = 0; i < d->nstats; i++) {
			if (stats->items[i]->type != K6C__JSON_STRING)
				return doc_error("options.summaryTrendStats[%zu] is not a string", i);
			d->stats[i] = stats->items[i]->string;
		}
	}
	if (unit != NULL && unit->type != K6C__JSON_NULL) {
		if (unit->type != K6C__JSON_STRING)
			return doc_error("options.summaryTimeUnit is not a string");
		if (unit->string[0] != '\0') {
			if (strcmp(unit->string, "s") != 0 && strcmp(unit->string, "ms") != 0 &&
			    strcmp(unit->string, "us") != 0)
				return doc_error("invalid options.summaryTimeUnit '%s': use s, ms or us",
					unit->string);
			d->unit = unit->string;
		}
	}

	const k6c__json *state = k6c__json_get(d->json, "state");
	const k6c__json *dur = state ? k6c__json_get(state, "testRunDurationMs") : NULL;
	if (state != NULL && state->type != K6C__JSON_OBJECT)
		return doc_error("\"state\" is not an object");
	if (dur != NULL && !doc_number(dur, &d->duration_ms))
		return doc_error("state.testRunDurationMs is not a number");
	return 0;
}

/* The values a metric's line needs, by type. */
static int doc_check_values(const sum_doc *d, const doc_metric *dm)
{
	static const char *const counter[] = { "count", "rate" };
	static const char *const gauge[] = { "value", "min", "max" };
	static const char *const rate[] = { "rate", "passes", "fails" };
	const char *const *keys;
	size_t n;
	double v;

	switch (dm->type) {
	case K6C__COUNTER: keys = counter; n = 2; break;
	case K6C__GAUGE: keys = gauge; n = 3; break;
	case K6C__RATE: keys = rate; n = 3; break;
	default: keys = d->stats; n = d->nstats; break;
	}
	for (size_t i = 0; i < n; i++)
		if (!doc_number(k6c__json_get(dm->values, keys[i]), &v))
			return doc_error("metric '%s' (%s) has no number \"%s\" in its values", dm->name,
				k6c__metric_type_name(dm->type), keys[i]);
	return 0;
}

static int doc_metric_load(const sum_doc *d, const char *name, const k6c__json *v, doc_metric *dm)
{
	static const k6c__metric_type types[] = { K6C__COUNTER, K6C__GAUGE, K6C__RATE, K6C__TREND };
	static const k6c__metric_contains contains[] = { K6C__CONTAINS_DEFAULT, K6C__CONTAINS_TIME,
		K6C__CONTAINS_DATA };
	const k6c__json *type, *cont, *th;
	size_t i;

	dm->name = name;
	if (v->type != K6C__JSON_OBJECT)
		return doc_error("metric '%s' is not an object", name);
	type = k6c__json_get(v, "type");
	if (type == NULL || type->type != K6C__JSON_STRING)
		return doc_error("metric '%s' has no \"type\" string", name);
	for (i = 0; i < K6C__ARRAY_LEN(types); i++)
		if (strcmp(type->string, k6c__metric_type_name(types[i])) == 0)
			break;
	if (i == K6C__ARRAY_LEN(types))
		return doc_error("metric '%s' has type '%s': use counter, gauge, rate or trend", name,
			type->string);
	dm->type = types[i];
	cont = k6c__json_get(v, "contains");
	dm->contains = K6C__CONTAINS_DEFAULT;
	if (cont != NULL) {
		if (cont->type != K6C__JSON_STRING)
			return doc_error("metric '%s': \"contains\" is not a string", name);
		for (i = 0; i < K6C__ARRAY_LEN(contains); i++)
			if (strcmp(cont->string, k6c__metric_contains_name(contains[i])) == 0)
				break;
		if (i == K6C__ARRAY_LEN(contains))
			return doc_error("metric '%s' contains '%s': use default, time or data", name,
				cont->string);
		dm->contains = contains[i];
	}
	dm->values = k6c__json_get(v, "values");
	if (dm->values == NULL || dm->values->type != K6C__JSON_OBJECT)
		return doc_error("metric '%s' has no \"values\" object", name);
	th = k6c__json_get(v, "thresholds");
	dm->thresholds = NULL;
	if (th != NULL && th->type != K6C__JSON_NULL) {
		if (th->type != K6C__JSON_OBJECT)
			return doc_error("metric '%s': \"thresholds\" is not an object", name);
		for (i = 0; i < th->len; i++) {
			const k6c__json *ok = k6c__json_get(th->items[i], "ok");
			if (th->items[i]->type != K6C__JSON_OBJECT || ok == NULL ||
			    ok->type != K6C__JSON_BOOL)
				return doc_error("threshold '%s' of metric '%s' has no boolean \"ok\"",
					th->keys[i], name);
		}
		if (th->len > 0)
			dm->thresholds = th;
	}
	return doc_check_values(d, dm);
}

static int doc_add_check(sum_doc *d, const char *name, double passes, double fails)
{
	size_t at = (size_t)(uintptr_t)k6c__map_get(d->check_index, name, strlen(name));

	if (at > 0) {
		d->checks[at - 1].passes += passes;
		d->checks[at - 1].fails += fails;
		return 0;
	}
	doc_check *grown = k6c__realloc(d->checks, (d->nchecks + 1) * sizeof(*d->checks));
	if (grown == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	d->checks = grown;
	d->checks[d->nchecks] = (doc_check){ name, passes, fails };
	if (k6c__map_set(d->check_index, name, strlen(name), (void *)(uintptr_t)(d->nchecks + 1)) < 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	d->nchecks++;
	return 0;
}

/* Adds an array of checks ({name, passes, fails}) to the document's. */
static int doc_checks(sum_doc *d, const k6c__json *checks, const char *where)
{
	int rc;

	if (checks->type != K6C__JSON_ARRAY)
		return doc_error("the checks of %s are not an array", where);
	for (size_t i = 0; i < checks->len; i++) {
		const k6c__json *ck = checks->items[i];
		const k6c__json *name = ck->type == K6C__JSON_OBJECT ? k6c__json_get(ck, "name") : NULL;
		double passes, fails;
		if (name == NULL || name->type != K6C__JSON_STRING)
			return doc_error("check %zu of %s has no \"name\" string", i, where);
		if (!doc_number(k6c__json_get(ck, "passes"), &passes) ||
		    !doc_number(k6c__json_get(ck, "fails"), &fails))
			return doc_error("check '%s' of %s has no numbers \"passes\" and \"fails\"",
				name->string, where);
		if ((rc = doc_add_check(d, name->string, passes, fails)) < 0)
			return rc;
	}
	return 0;
}

/* Walks a group: its own checks first, then its groups in order. TOTAL
 * RESULTS lists each check name once with every group's counts. */
static int doc_group(sum_doc *d, const k6c__json *g, const char *where)
{
	const k6c__json *checks, *groups;
	int rc;

	if (g->type != K6C__JSON_OBJECT)
		return doc_error("%s is not an object", where);
	checks = k6c__json_get(g, "checks");
	if (checks != NULL && (rc = doc_checks(d, checks, where)) < 0)
		return rc;
	groups = k6c__json_get(g, "groups");
	if (groups != NULL) {
		if (groups->type != K6C__JSON_ARRAY)
			return doc_error("the groups of %s are not an array", where);
		for (size_t i = 0; i < groups->len; i++) {
			const k6c__json *sub = groups->items[i];
			const k6c__json *name = sub->type == K6C__JSON_OBJECT ? k6c__json_get(sub, "name") : NULL;
			char here[300];
			if (name != NULL && name->type == K6C__JSON_STRING)
				snprintf(here, sizeof(here), "group '%s'", name->string);
			else
				snprintf(here, sizeof(here), "group %zu of %s", i, where);
			if ((rc = doc_group(d, sub, here)) < 0)
				return rc;
		}
	}
	return 0;
}

/* Loads an object of metrics into d->metrics, one per name. */
static int doc_metrics(sum_doc *d, const k6c__json *metrics)
{
	size_t *order = NULL, n = 0;
	int rc;

	if ((rc = object_members(metrics, &order, &n)) < 0)
		return rc;
	d->metrics = k6c__calloc(n ? n : 1, sizeof(*d->metrics));
	if (d->metrics == NULL) {
		k6c__free(order);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = doc_metric_load(d, metrics->keys[order[i]], metrics->items[order[i]],
			&d->metrics[d->nmetrics++]);
	k6c__free(order);
	return rc;
}

static int doc_load(sum_doc *d, const char *json, size_t len)
{
	const k6c__json *metrics, *root;
	int rc;

	memset(d, 0, sizeof(*d));
	if (json == NULL)
		return doc_error("no document");
	if ((rc = k6c__json_parse(&d->json, json, len)) == K6C_ENOMEM)
		return rc;
	if (rc < 0)
		return doc_error("not valid JSON: %s",
			k6c_error_last() ? k6c_error_last()->message : "parse error");
	if (d->json->type != K6C__JSON_OBJECT)
		return doc_error("not a JSON object");
	if ((rc = doc_options(d)) < 0)
		return rc;

	metrics = k6c__json_get(d->json, "metrics");
	if (metrics == NULL || metrics->type != K6C__JSON_OBJECT)
		return doc_error("no \"metrics\" object");
	if ((rc = doc_metrics(d, metrics)) < 0)
		return rc;

	if (k6c__map_new(&d->check_index) < 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	root = k6c__json_get(d->json, "root_group");
	if (root != NULL && (rc = doc_group(d, root, "root_group")) < 0)
		return rc;
	return 0;
}

/* A breakdown node of the full summary as a document of its own: its
 * metrics and checks, with the options and state of d (borrowed). */
static int doc_node_load(const sum_doc *d, const k6c__json *node, const char *where, sum_doc *sub)
{
	const k6c__json *metrics = k6c__json_get(node, "metrics");
	const k6c__json *checks = k6c__json_get(node, "checks");
	int rc;

	*sub = *d;
	sub->json = NULL;
	sub->metrics = NULL;
	sub->nmetrics = 0;
	sub->checks = NULL;
	sub->nchecks = 0;
	sub->check_index = NULL;
	if (node->type != K6C__JSON_OBJECT)
		return doc_error("%s is not an object", where);
	if (metrics != NULL) {
		if (metrics->type != K6C__JSON_OBJECT)
			return doc_error("the metrics of %s are not an object", where);
		if ((rc = doc_metrics(sub, metrics)) < 0)
			return rc;
	}
	if (k6c__map_new(&sub->check_index) < 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	return checks != NULL ? doc_checks(sub, checks, where) : 0;
}

/* Frees what doc_node_load made (not what it borrowed). */
static void doc_node_free(sum_doc *sub)
{
	k6c__free(sub->metrics);
	k6c__free(sub->checks);
	k6c__map_free(sub->check_index, NULL);
}

static const doc_metric *doc_find(const sum_doc *d, const char *name)
{
	for (size_t i = 0; i < d->nmetrics; i++)
		if (strcmp(d->metrics[i].name, name) == 0)
			return &d->metrics[i];
	return NULL;
}

static double doc_value(const doc_metric *dm, const char *key)
{
	double v = NAN;
	doc_number(k6c__json_get(dm->values, key), &v);
	return v;
}

/* ---- text -------------------------------------------------------------- */

#define CELL 96   /* one formatted value */

typedef struct text_ctx {
	const sum_doc *d;
	bool color;
	bool full;              /* full mode: fewer metrics are left out */
	bool legacy;            /* k6's pre-1.0 text and colours */
} text_ctx;

/* A metric line's preformatted cells. */
typedef struct line_cells {
	const doc_metric *dm;   /* NULL for the checks lines */
	k6c__metric_type type;
	char *display;
	char (*trend)[CELL];    /* nstats cells for trends */
	char value[CELL];
	char extras[2][CELL];
	int nextras;
} line_cells;

static int put_deco(k6c__buf *out, bool color, const char *codes, const char *text)
{
	if (!color)
		return k6c__buf_puts(out, text);
	return k6c__buf_printf(out, "\x1b[%sm%s\x1b[0m", codes, text);
}

static int put_spaces(k6c__buf *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = k6c__buf_putc(out, ' ');
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* "{ tags }" for a submetric (indented under its parent), else the name. */
static char *display_name(const char *name)
{
	const char *brace = strchr(name, '{');
	k6c__buf b = K6C__BUF_INIT;
	int rc;

	if (brace == NULL)
		rc = k6c__buf_puts(&b, name);
	else
		rc = k6c__buf_printf(&b, "  { %.*s }", (int)(strlen(brace) >= 2 ? strlen(brace) - 2 : 0),
			brace + 1);
	if (rc < 0) {
		k6c__buf_free(&b);
		return NULL;
	}
	return k6c__buf_detach(&b);
}

/* v holds, by type: counter count, rate; gauge value, min, max; rate rate,
 * passes, fails; trend one value per stat. */
static int format_cells(const text_ctx *c, const char *name, k6c__metric_type type,
	k6c__metric_contains contains, const double *v, line_cells *lc)
{
	const char *unit = c->d->unit;

	lc->type = type;
	lc->nextras = 0;
	if ((lc->display = display_name(name)) == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	switch (type) {
	case K6C__TREND:
		for (size_t i = 0; i < c->d->nstats; i++) {
			if (strcmp(c->d->stats[i], "count") == 0)
				js_num(lc->trend[i], CELL, v[i]);
			else
				humanize(lc->trend[i], CELL, v[i], type, contains, unit);
		}
		break;
	case K6C__COUNTER: {
		char rate[CELL];
		humanize(lc->value, CELL, v[0], type, contains, unit);
		humanize(rate, CELL, v[1], type, contains, unit);
		join(lc->extras[0], CELL, rate, "/s", (char *)NULL);
		lc->nextras = 1;
		break;
	}
	case K6C__GAUGE: {
		char s[CELL];
		humanize(lc->value, CELL, v[0], type, contains, unit);
		humanize(s, CELL, v[1], type, contains, unit);
		join(lc->extras[0], CELL, "min=", s, (char *)NULL);
		humanize(s, CELL, v[2], type, contains, unit);
		join(lc->extras[1], CELL, "max=", s, (char *)NULL);
		lc->nextras = 2;
		break;
	}
	case K6C__RATE: {
		char p[40], t[40];
		humanize(lc->value, CELL, v[0], type, contains, unit);
		js_num(p, sizeof(p), v[1]);
		js_num(t, sizeof(t), v[1] + v[2]);
		snprintf(lc->extras[0], CELL, "%s out of %s", p, t);
		lc->nextras = 1;
		break;
	}
	}
	return 0;
}

/* The cells of a metric of the document. */
static int format_metric(const text_ctx *c, const doc_metric *dm, line_cells *lc)
{
	static const char *const counter[] = { "count", "rate" };
	static const char *const gauge[] = { "value", "min", "max" };
	static const char *const rate[] = { "rate", "passes", "fails" };
	const char *const *keys;
	size_t n;
	double *v;
	int rc;

	switch (dm->type) {
	case K6C__COUNTER: keys = counter; n = 2; break;
	case K6C__GAUGE: keys = gauge; n = 3; break;
	case K6C__RATE: keys = rate; n = 3; break;
	default: keys = c->d->stats; n = c->d->nstats; break;
	}
	v = k6c__calloc(n ? n : 1, sizeof(*v));
	if (v == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = doc_value(dm, keys[i]);
	lc->dm = dm;
	rc = format_cells(c, dm->name, dm->type, dm->contains, v, lc);
	k6c__free(v);
	return rc;
}

/* Column widths shared by a block of lines (k6's computeSummaryInfo). */
typedef struct widths {
	size_t name;            /* indent + widest display name */
	size_t *trend;          /* per stat */
	size_t value;
	size_t extras[2];
} widths;

static void widths_add(widths *w, const text_ctx *c, const line_cells *lc, size_t indent)
{
	size_t n = indent + str_width(lc->display);
	if (n > w->name)
		w->name = n;
	if (lc->type == K6C__TREND) {
		for (size_t i = 0; i < c->d->nstats; i++)
			if (str_width(lc->trend[i]) > w->trend[i])
				w->trend[i] = str_width(lc->trend[i]);
	} else {
		if (str_width(lc->value) > w->value)
			w->value = str_width(lc->value);
		for (int i = 0; i < lc->nextras; i++)
			if (str_width(lc->extras[i]) > w->extras[i])
				w->extras[i] = str_width(lc->extras[i]);
	}
}

/* One item of a block: a newline of its own, or text on a new line. */
static int item_start(k6c__buf *out)
{
	return k6c__buf_putc(out, '\n');
}

static int render_values(k6c__buf *out, const text_ctx *c, const line_cells *lc, const widths *w);

/* The dots that pad a line's name to the column (k6 adds 3), and ':'. */
static char *dots_new(const widths *w, const line_cells *lc, size_t indent)
{
	size_t ndots = w->name + 3 - str_width(lc->display) - indent;
	char *dots = k6c__calloc(ndots + 2, 1);

	if (dots != NULL) {
		memset(dots, '.', ndots);
		dots[ndots] = ':';
	}
	return dots;
}

static int render_line(k6c__buf *out, const text_ctx *c, const line_cells *lc, const widths *w,
	size_t indent)
{
	int rc;
	char *dots = dots_new(w, lc, indent);

	if (dots == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
	    (rc = k6c__buf_puts(out, lc->display)) < 0 ||
	    (rc = put_deco(out, c->color, "2;37", dots)) < 0 ||
	    (rc = k6c__buf_putc(out, ' ')) < 0)
		goto out;
	rc = render_values(out, c, lc, w);
out:
	k6c__free(dots);
	return rc;
}

/* A line's values after the name column. */
static int render_values(k6c__buf *out, const text_ctx *c, const line_cells *lc, const widths *w)
{
	const char *faint = c->legacy ? "36;2" : "2;36";
	int rc = 0;

	if (lc->type == K6C__TREND) {
		for (size_t i = 0; i < c->d->nstats; i++) {
			if ((i > 0 && (rc = k6c__buf_putc(out, ' ')) < 0) ||
			    (rc = k6c__buf_printf(out, "%s=", c->d->stats[i])) < 0 ||
			    (rc = put_deco(out, c->color, "36", lc->trend[i])) < 0 ||
			    (rc = put_spaces(out, w->trend[i] - str_width(lc->trend[i]))) < 0)
				return rc;
		}
		return 0;
	}
	if ((rc = put_deco(out, c->color, "36", lc->value)) < 0 ||
	    (rc = put_spaces(out, w->value - str_width(lc->value))) < 0)
		return rc;
	if (lc->nextras == 1) {
		if ((rc = k6c__buf_putc(out, ' ')) == 0)
			rc = put_deco(out, c->color, faint, lc->extras[0]);
		return rc;
	}
	for (int i = 0; i < lc->nextras && rc == 0; i++) {
		if ((rc = k6c__buf_putc(out, ' ')) == 0 &&
		    (rc = put_deco(out, c->color, faint, lc->extras[i])) == 0)
			rc = put_spaces(out, w->extras[i] - str_width(lc->extras[i]));
	}
	return rc;
}

static int render_title(k6c__buf *out, const text_ctx *c, const char *title)
{
	int rc;
	if ((rc = item_start(out)) < 0 || (rc = k6c__buf_puts(out, "  █ ")) < 0 ||
	    (rc = put_deco(out, c->color, "1", title)) < 0)
		return rc;
	return k6c__buf_puts(out, " \n");
}

/* Sections of TOTAL RESULTS, in k6's order (CUSTOM moved to the front). */
enum section { S_CUSTOM, S_HTTP, S_EXECUTION, S_NETWORK, S_BROWSER, S_WEB_VITALS, S_GRPC,
	S_WEBSOCKET, S_SKIP, S_COUNT = S_SKIP };

static const char *const section_names[S_COUNT] = {
	"CUSTOM", "HTTP", "EXECUTION", "NETWORK", "BROWSER", "WEB_VITALS", "GRPC", "WEBSOCKET",
};

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool has_any_prefix(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (has_prefix(s, list[i]))
			return true;
	return false;
}

/* k6 classifies by name prefix, so submetrics follow their parent; full
 * mode leaves out only checks and group_duration. */
static enum section classify(const char *name, bool full)
{
	static const char *const skipped[] = {
		"checks", "group_duration", "http_req_blocked", "http_req_connecting",
		"http_req_receiving", "http_req_sending", "http_req_tls_handshaking",
		"http_req_waiting",
	};
	static const char *const http[] = {
		"http_reqs", "http_req_failed", "http_req_duration", "http_req_blocked",
		"http_req_connecting", "http_req_tls_handshaking", "http_req_sending",
		"http_req_waiting", "http_req_receiving",
	};
	static const char *const execution[] = {
		"vus", "vus_max", "iterations", "iteration_duration", "dropped_iterations",
	};
	static const char *const network[] = { "data_sent", "data_received" };

	if (has_any_prefix(name, skipped, full ? 2 : K6C__ARRAY_LEN(skipped)))
		return S_SKIP;
	if (has_any_prefix(name, http, K6C__ARRAY_LEN(http)))
		return S_HTTP;
	if (has_any_prefix(name, execution, K6C__ARRAY_LEN(execution)))
		return S_EXECUTION;
	if (has_any_prefix(name, network, K6C__ARRAY_LEN(network)))
		return S_NETWORK;
	if (has_prefix(name, "browser_web_vital_"))
		return S_WEB_VITALS;
	if (has_prefix(name, "browser_"))
		return S_BROWSER;
	if (has_prefix(name, "grpc_"))
		return S_GRPC;
	if (has_prefix(name, "ws_"))
		return S_WEBSOCKET;
	return S_CUSTOM;
}

static line_cells *cells_new(const text_ctx *c, size_t n)
{
	line_cells *lc = k6c__calloc(n ? n : 1, sizeof(*lc));
	if (lc == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		lc[i].trend = k6c__calloc(c->d->nstats ? c->d->nstats : 1, CELL);
		if (lc[i].trend == NULL) {
			for (size_t j = 0; j < i; j++)
				k6c__free(lc[j].trend);
			k6c__free(lc);
			return NULL;
		}
	}
	return lc;
}

static void cells_free(line_cells *lc, size_t n)
{
	if (lc == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		k6c__free(lc[i].trend);
		k6c__free(lc[i].display);
	}
	k6c__free(lc);
}

/* A check at indent, a failed one's counts below it at detail. The
 * legacy text colours the indentation and both lines as one. */
static int render_check(k6c__buf *out, const text_ctx *c, const doc_check *ck, size_t indent,
	size_t detail)
{
	k6c__buf line = K6C__BUF_INIT;
	char p[40], f[40], pct[40];
	bool failed = ck->fails != 0;
	int rc;

	if ((rc = item_start(out)) < 0 || (!c->legacy && (rc = put_spaces(out, indent)) < 0) ||
	    (c->legacy && (rc = put_spaces(&line, indent)) < 0) ||
	    (rc = k6c__buf_printf(&line, "%s %s", failed ? "✗" : "✓", ck->name)) < 0)
		goto out;
	if (failed) {
		js_num(pct, sizeof(pct), floor(100.0 * ck->passes / (ck->passes + ck->fails)));
		js_num(p, sizeof(p), ck->passes);
		js_num(f, sizeof(f), ck->fails);
		if (!c->legacy) {
			/* Two coloured spans with plain indentation between. */
			if ((rc = put_deco(out, c->color, "31", line.ptr)) < 0 ||
			    (rc = k6c__buf_putc(out, '\n')) < 0 || (rc = put_spaces(out, detail)) < 0)
				goto out;
			k6c__buf_clear(&line);
		} else if ((rc = k6c__buf_putc(&line, '\n')) < 0 ||
			   (rc = put_spaces(&line, detail)) < 0) {
			goto out;
		}
		if ((rc = k6c__buf_printf(&line, "↳  %s%% — ✓ %s / ✗ %s", pct, p, f)) < 0)
			goto out;
	}
	rc = put_deco(out, c->color, failed ? "31" : "32", line.ptr);
out:
	k6c__buf_free(&line);
	return rc;
}

/* The checks block at indent: checks_total/succeeded/failed from the
 * checks metric, then every check (a failed one's counts at k6's
 * 2 * indent - 2, 6 below TOTAL RESULTS and 10 in a nested group). */
static int render_checks(k6c__buf *out, const text_ctx *c, size_t indent)
{
	const doc_metric *checks = doc_find(c->d, "checks");
	int rc = 0;

	if (checks == NULL || checks->type != K6C__RATE)
		return 0;
	double passes = doc_value(checks, "passes"), fails = doc_value(checks, "fails");
	double total = passes + fails;
	if (!(total > 0))
		return 0;
	double dur = c->d->duration_ms;
	double v[3][3] = {
		{ total, dur > 0 ? total / (dur / 1000.0) : 0, 0 },
		{ passes / total, passes, fails },
		{ fails / total, fails, passes },
	};
	static const char *const names[3] = { "checks_total", "checks_succeeded", "checks_failed" };
	static const k6c__metric_type types[3] = { K6C__COUNTER, K6C__RATE, K6C__RATE };
	line_cells *lc = cells_new(c, 3);
	widths w = { 0 };
	size_t tw[1] = { 0 };
	w.trend = tw;
	if (lc == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (int i = 0; i < 3 && rc == 0; i++)
		if ((rc = format_cells(c, names[i], types[i], K6C__CONTAINS_DEFAULT, v[i], &lc[i])) == 0)
			widths_add(&w, c, &lc[i], indent);
	for (int i = 0; i < 3 && rc == 0; i++)
		rc = render_line(out, c, &lc[i], &w, indent);
	if (rc == 0)
		rc = item_start(out);
	for (size_t i = 0; i < c->d->nchecks && rc == 0; i++)
		rc = render_check(out, c, &c->d->checks[i], indent, 2 * indent - 2);
	if (rc == 0)
		rc = item_start(out);
	cells_free(lc, 3);
	return rc;
}

static int cmp_doc_metric(const void *pa, const void *pb)
{
	const doc_metric *a = *(const doc_metric *const *)pa, *b = *(const doc_metric *const *)pb;
	return metric_name_order(a->name, b->name);
}

/* The metric sections of TOTAL RESULTS (or of a group) at indent. */
static int render_metrics(k6c__buf *out, const text_ctx *c, size_t indent)
{
	int rc = 0;
	size_t nall = c->d->nmetrics, n = 0;
	const doc_metric **shown = k6c__calloc(nall ? nall : 1, sizeof(*shown));
	enum section *sec = k6c__calloc(nall ? nall : 1, sizeof(*sec));
	line_cells *lc = NULL;
	widths w = { 0 };

	w.trend = k6c__calloc(c->d->nstats ? c->d->nstats : 1, sizeof(size_t));
	if (shown == NULL || sec == NULL || w.trend == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nall; i++)
		if (classify(c->d->metrics[i].name, c->full) != S_SKIP)
			shown[n++] = &c->d->metrics[i];
	qsort(shown, n, sizeof(*shown), cmp_doc_metric);
	if ((lc = cells_new(c, n)) == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	/* One set of widths for the whole block, as k6 computes them over
	 * every section at once. */
	for (size_t i = 0; i < n; i++) {
		sec[i] = classify(shown[i]->name, c->full);
		if ((rc = format_metric(c, shown[i], &lc[i])) < 0)
			goto out;
		widths_add(&w, c, &lc[i], indent);
	}
	for (int s = 0; s < S_COUNT; s++) {
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			if (sec[i] != (enum section)s)
				continue;
			if (!any) {
				if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
				    (rc = put_deco(out, c->color, "1", section_names[s])) < 0)
					goto out;
				any = true;
			}
			if ((rc = render_line(out, c, &lc[i], &w, indent)) < 0)
				goto out;
		}
		if (any && (rc = item_start(out)) < 0)
			goto out;
	}
out:
	cells_free(lc, n);
	k6c__free(w.trend);
	k6c__free(shown);
	k6c__free(sec);
	return rc;
}

/* "agg=value" for a threshold line: the value the metric's line shows for
 * that aggregation (a trend's from its values, "undefined" if it has none). */
static void threshold_value(const text_ctx *c, const doc_metric *dm, const line_cells *lc,
	const char *agg, char *value, size_t cap)
{
	double v;

	switch (dm->type) {
	case K6C__TREND:
		if (!doc_number(k6c__json_get(dm->values, agg), &v))
			snprintf(value, cap, "undefined");
		else if (strcmp(agg, "count") == 0)
			js_num(value, cap, v);
		else
			humanize(value, cap, v, dm->type, dm->contains, c->d->unit);
		break;
	case K6C__COUNTER:
		snprintf(value, cap, "%s", strcmp(agg, "count") == 0 ? lc->value : lc->extras[0]);
		break;
	default:
		snprintf(value, cap, "%s", lc->value);
		break;
	}
}

static int render_threshold_metric(k6c__buf *out, const text_ctx *c, const doc_metric *dm,
	const line_cells *lc, size_t indent, const char *shown)
{
	size_t *order = NULL, n = 0;
	k6c__buf src = K6C__BUF_INIT;
	int rc;

	if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
	    (rc = k6c__buf_puts(out, shown)) < 0)
		return rc;
	if ((rc = object_members(dm->thresholds, &order, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *s = dm->thresholds->keys[order[i]];
		const k6c__json *ok = k6c__json_get(dm->thresholds->items[order[i]], "ok");
		bool passed = ok->boolean;
		char agg[64], value[CELL];
		size_t len = strlen(s);

		threshold_agg(s, agg, sizeof(agg));
		threshold_value(c, dm, lc, agg, value, sizeof(value));
		/* The source, trimmed, in quotes. */
		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		k6c__buf_clear(&src);
		if ((rc = k6c__buf_printf(&src, "'%.*s'", (int)len, s)) < 0 ||
		    (rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
		    (rc = put_deco(out, c->color, passed ? "32" : "31", passed ? "✓" : "✗")) < 0 ||
		    (rc = k6c__buf_putc(out, ' ')) < 0 ||
		    (rc = put_deco(out, c->color, "37", src.ptr)) < 0 ||
		    (rc = k6c__buf_putc(out, ' ')) < 0 ||
		    (rc = put_deco(out, c->color, "37", agg)) < 0 ||
		    (rc = k6c__buf_putc(out, '=')) < 0)
			break;
		rc = put_deco(out, c->color, "36", value);
	}
	if (rc == 0)
		rc = item_start(out);
	k6c__buf_free(&src);
	k6c__free(order);
	return rc;
}

static int render_thresholds(k6c__buf *out, const text_ctx *c)
{
	int rc = 0;
	size_t n = 0;
	const doc_metric **with = k6c__calloc(c->d->nmetrics ? c->d->nmetrics : 1, sizeof(*with));
	line_cells *lc = NULL;

	if (with == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->d->nmetrics; i++)
		if (c->d->metrics[i].thresholds != NULL)
			with[n++] = &c->d->metrics[i];
	qsort(with, n, sizeof(*with), cmp_doc_metric);
	if ((lc = cells_new(c, n)) == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = format_metric(c, with[i], &lc[i]);

	for (size_t i = 0; i < n && rc == 0; i++) {
		const doc_metric *dm = with[i];
		size_t indent = 4, plen = strcspn(dm->name, "{");
		const char *shown = dm->name;
		/* A submetric goes under its parent when the parent has
		 * thresholds too, and shows only its tags. */
		if (dm->name[plen] == '{') {
			for (size_t j = 0; j < n; j++)
				if (strlen(with[j]->name) == plen &&
				    strncmp(with[j]->name, dm->name, plen) == 0) {
					indent = 6;
					shown = dm->name + plen;
				}
		}
		rc = render_threshold_metric(out, c, dm, &lc[i], indent, shown);
	}
out:
	cells_free(lc, n);
	k6c__free(with);
	return rc;
}

/* The text with two columns of base indentation; the caller's indent then
 * takes the place of the first. */
static int render_text(k6c__buf *out, const text_ctx *c)
{
	int rc;
	bool any = false;

	for (size_t i = 0; i < c->d->nmetrics; i++)
		if (c->d->metrics[i].thresholds != NULL)
			any = true;
	if (any && ((rc = render_title(out, c, "THRESHOLDS")) < 0 ||
		    (rc = render_thresholds(out, c)) < 0 || (rc = item_start(out)) < 0))
		return rc;
	if ((rc = render_title(out, c, "TOTAL RESULTS")) < 0 || (rc = render_checks(out, c, 4)) < 0 ||
	    (rc = render_metrics(out, c, 4)) < 0)
		return rc;
	return item_start(out);
}

/* ---- full mode: groups and scenarios ---------------------------------- */

typedef struct member_ref {
	const char *key;
	size_t index;
} member_ref;

static int cmp_member(const void *pa, const void *pb)
{
	const member_ref *a = pa, *b = pb;
	return locale_compare(a->key, strlen(a->key), b->key, strlen(b->key));
}

/* An object's members sorted by name (localeCompare, as k6); *order holds
 * the indexes. */
static int sorted_members(const k6c__json *obj, size_t **order, size_t *n)
{
	member_ref *refs;
	int rc = object_members(obj, order, n);

	if (rc < 0 || *n < 2)
		return rc;
	if ((refs = k6c__calloc(*n, sizeof(*refs))) == NULL) {
		k6c__free(*order);
		*order = NULL;
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < *n; i++)
		refs[i] = (member_ref){ obj->keys[(*order)[i]], (*order)[i] };
	qsort(refs, *n, sizeof(*refs), cmp_member);
	for (size_t i = 0; i < *n; i++)
		(*order)[i] = refs[i].index;
	k6c__free(refs);
	return 0;
}

static int render_node(k6c__buf *out, const text_ctx *c, const k6c__json *node, const char *where,
	size_t indent);

/* Nested groups: k6 puts every level's "↳ GROUP:" title at 4 columns and
 * its content at 6, however deep. */
static int render_nested(k6c__buf *out, const text_ctx *c, const k6c__json *groups)
{
	size_t *order = NULL, n = 0;
	int rc;

	if (groups == NULL || groups->type != K6C__JSON_OBJECT)
		return groups == NULL ? 0 : doc_error("full summary: \"groups\" is not an object");
	if ((rc = sorted_members(groups, &order, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		k6c__buf title = K6C__BUF_INIT;
		const char *name = groups->keys[order[i]];
		if ((rc = k6c__buf_printf(&title, "GROUP: %s", name)) == 0 &&
		    (rc = item_start(out)) == 0 && (rc = put_spaces(out, 4)) == 0 &&
		    (rc = k6c__buf_puts(out, "↳ ")) == 0 &&
		    (rc = put_deco(out, c->color, "1", title.ptr)) == 0 &&
		    (rc = k6c__buf_putc(out, ' ')) == 0)
			rc = render_node(out, c, groups->items[order[i]], title.ptr, 6);
		k6c__buf_free(&title);
	}
	k6c__free(order);
	return rc;
}

/* A group's or scenario's content: checks, metrics, then its groups. */
static int render_node(k6c__buf *out, const text_ctx *c, const k6c__json *node, const char *where,
	size_t indent)
{
	sum_doc sub;
	text_ctx sc = *c;
	int rc;

	if ((rc = doc_node_load(c->d, node, where, &sub)) == 0) {
		sc.d = &sub;
		if ((rc = render_checks(out, &sc, indent)) == 0 &&
		    (rc = render_metrics(out, &sc, indent)) == 0)
			rc = render_nested(out, c, k6c__json_get(node, "groups"));
	}
	doc_node_free(&sub);
	return rc;
}

/* The "█ <prefix><name>" blocks of one object of the breakdown. */
static int render_blocks(k6c__buf *out, const text_ctx *c, const k6c__json *obj, const char *prefix)
{
	size_t *order = NULL, n = 0;
	int rc;

	if (obj == NULL)
		return 0;
	if (obj->type != K6C__JSON_OBJECT)
		return doc_error("full summary: \"%sgroups\" is not an object", prefix);
	if ((rc = sorted_members(obj, &order, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		k6c__buf title = K6C__BUF_INIT;
		if ((rc = k6c__buf_printf(&title, "%s%s", prefix, obj->keys[order[i]])) == 0 &&
		    (rc = render_title(out, c, title.ptr)) == 0 &&
		    (rc = render_node(out, c, obj->items[order[i]], title.ptr, 4)) == 0)
			rc = item_start(out);
		k6c__buf_free(&title);
	}
	k6c__free(order);
	return rc;
}

static int render_breakdown(k6c__buf *out, const text_ctx *c, const char *json)
{
	k6c__json *bd = NULL;
	int rc;

	if (json == NULL || json[0] == '\0')
		return 0;
	if ((rc = k6c__json_parse(&bd, json, strlen(json))) == K6C_ENOMEM)
		return rc;
	if (rc < 0 || bd->type != K6C__JSON_OBJECT)
		rc = doc_error("full summary: the breakdown is not a JSON object");
	if (rc == 0 && (rc = render_blocks(out, c, k6c__json_get(bd, "groups"), "GROUP: ")) == 0)
		rc = render_blocks(out, c, k6c__json_get(bd, "scenarios"), "SCENARIO: ");
	k6c__json_free(bd);
	return rc;
}

/* ---- legacy mode -------------------------------------------------------- */

/* summary-legacy.js's groups: a named group's "█ name" and a blank line,
 * its checks two columns further in, a blank line after them, then its
 * groups. Validated by doc_load. */
static int legacy_group(k6c__buf *out, const text_ctx *c, const k6c__json *g, size_t indent)
{
	const k6c__json *name = k6c__json_get(g, "name");
	const k6c__json *checks = k6c__json_get(g, "checks");
	const k6c__json *groups = k6c__json_get(g, "groups");
	int rc;

	if (name != NULL && name->type == K6C__JSON_STRING && name->string[0] != '\0') {
		if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
		    (rc = k6c__buf_printf(out, "█ %s\n", name->string)) < 0)
			return rc;
		indent += 2;
	}
	for (size_t i = 0; checks != NULL && i < checks->len; i++) {
		const k6c__json *ck = checks->items[i];
		doc_check dc = { k6c__json_get(ck, "name")->string, 0, 0 };
		doc_number(k6c__json_get(ck, "passes"), &dc.passes);
		doc_number(k6c__json_get(ck, "fails"), &dc.fails);
		if ((rc = render_check(out, c, &dc, indent, indent + 1)) < 0)
			return rc;
	}
	if (checks != NULL && checks->len > 0 && (rc = item_start(out)) < 0)
		return rc;
	for (size_t i = 0; groups != NULL && i < groups->len; i++)
		if ((rc = legacy_group(out, c, groups->items[i], indent)) < 0)
			return rc;
	return 0;
}

/* A metric's line: the mark (✓/✗ when it has thresholds) sits between a
 * submetric's extra indentation and its name. */
static int legacy_line(k6c__buf *out, const text_ctx *c, const line_cells *lc, const widths *w)
{
	const doc_metric *dm = lc->dm;
	const char *display = lc->display;
	size_t sub = 0;
	char *dots = dots_new(w, lc, 0);
	int rc;

	if (dots == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	while (display[sub] == ' ')
		sub++;
	if ((rc = item_start(out)) == 0 && (rc = put_spaces(out, 3 + sub)) == 0) {
		if (dm->thresholds == NULL) {
			rc = k6c__buf_putc(out, ' ');
		} else {
			bool ok = true;
			for (size_t i = 0; i < dm->thresholds->len; i++)
				ok = ok && k6c__json_get(dm->thresholds->items[i], "ok")->boolean;
			rc = put_deco(out, c->color, ok ? "32" : "31", ok ? "✓" : "✗");
		}
	}
	if (rc == 0 && (rc = k6c__buf_putc(out, ' ')) == 0 && (rc = k6c__buf_puts(out, display + sub)) == 0 &&
	    (rc = put_deco(out, c->color, "2", dots)) == 0 && (rc = k6c__buf_putc(out, ' ')) == 0)
		rc = render_values(out, c, lc, w);
	k6c__free(dots);
	return rc;
}

/* Every metric by name, submetrics under their parent, one set of widths. */
static int legacy_metrics(k6c__buf *out, const text_ctx *c)
{
	size_t n = c->d->nmetrics;
	const doc_metric **all = k6c__calloc(n ? n : 1, sizeof(*all));
	line_cells *lc = NULL;
	widths w = { 0 };
	int rc = 0;

	w.trend = k6c__calloc(c->d->nstats ? c->d->nstats : 1, sizeof(size_t));
	if (all == NULL || w.trend == NULL || (lc = cells_new(c, n)) == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		all[i] = &c->d->metrics[i];
	qsort(all, n, sizeof(*all), cmp_doc_metric);
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((rc = format_metric(c, all[i], &lc[i])) == 0)
			widths_add(&w, c, &lc[i], 0);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = legacy_line(out, c, &lc[i], &w);
out:
	cells_free(lc, lc ? n : 0);
	k6c__free(w.trend);
	k6c__free(all);
	return rc;
}

static int render_legacy(k6c__buf *out, const text_ctx *c)
{
	const k6c__json *root = k6c__json_get(c->d->json, "root_group");
	int rc;

	if (root != NULL && (rc = legacy_group(out, c, root, 5)) < 0)
		return rc;
	if ((rc = legacy_metrics(out, c)) < 0)
		return rc;
	return item_start(out);
}

/* Appends text to out with each non-empty line's first column (always a
 * space) replaced by indent. */
static int apply_indent(k6c__buf *out, const char *text, size_t len, const char *indent)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		if (end - i > 1 || (end - i == 1 && nl == NULL)) {
			/* A line with text: indent replaces its first column. */
			size_t skip = text[i] == ' ' ? 1 : 0;
			if ((rc = k6c__buf_puts(out, indent)) < 0 ||
			    (rc = k6c__buf_put(out, text + i + skip, end - i - skip)) < 0)
				return rc;
		} else if ((rc = k6c__buf_put(out, text + i, end - i)) < 0) {
			return rc;
		}
		i = end;
	}
	return 0;
}

int k6c__summary_text_mode(const char *data_json, size_t len, const char *breakdown_json,
	k6c__summary_mode mode, const char *indent, bool colors, k6c__buf *out)
{
	sum_doc d;
	text_ctx c = { 0 };
	k6c__buf text = K6C__BUF_INIT;
	int rc;

	if (out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__summary_text_mode: NULL output");
	if (mode == K6C__SUMMARY_DISABLED)
		return 0;
	if ((rc = doc_load(&d, data_json, len)) < 0)
		goto out;
	c.d = &d;
	c.color = colors;
	c.full = mode == K6C__SUMMARY_FULL;
	c.legacy = mode == K6C__SUMMARY_LEGACY;
	if (c.legacy)
		rc = render_legacy(&text, &c);
	else if ((rc = render_text(&text, &c)) == 0 && c.full)
		rc = render_breakdown(&text, &c, breakdown_json);
	if (rc < 0)
		goto out;
	if (indent == NULL || strcmp(indent, " ") == 0)
		rc = k6c__buf_put(out, text.ptr, text.len);
	else
		rc = apply_indent(out, text.ptr, text.len, indent);
out:
	k6c__buf_free(&text);
	doc_free(&d);
	return rc;
}

int k6c__summary_text_from_data(const char *data_json, size_t len, const char *indent,
	bool colors, k6c__buf *out)
{
	return k6c__summary_text_mode(data_json, len, NULL, K6C__SUMMARY_COMPACT, indent, colors, out);
}

int k6c__metrics_summary_text(k6c__metrics *m, const k6c__summary_opts *opts, k6c__buf *out)
{
	k6c__buf json = K6C__BUF_INIT, bd = K6C__BUF_INIT;
	k6c__summary_mode mode = opts ? opts->mode : K6C__SUMMARY_COMPACT;
	int rc;

	if (m == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_summary_text: NULL argument");
	if ((rc = summary_json(m, opts, false, &json)) == 0 &&
	    (mode != K6C__SUMMARY_FULL || (rc = k6c__metrics_summary_breakdown_json(m, opts, &bd)) == 0))
		rc = k6c__summary_text_mode(json.ptr, json.len, bd.ptr, mode, " ",
			!(opts && opts->no_color), out);
	k6c__buf_free(&json);
	k6c__buf_free(&bd);
	return rc;
}

/* ---- --summary-export --------------------------------------------------- */

/* JSON.stringify(value, null, 4): members on their own lines, four spaces
 * per level, "{}" and "[]" when empty, numbers as JavaScript prints them. */
static int pretty_item(k6c__buf *out, int depth, bool *first, const char *key)
{
	int rc;

	if (!*first && (rc = k6c__buf_putc(out, ',')) < 0)
		return rc;
	*first = false;
	if ((rc = k6c__buf_putc(out, '\n')) < 0 || (rc = put_spaces(out, 4 * (size_t)depth)) < 0)
		return rc;
	if (key == NULL)
		return 0;
	if ((rc = k6c__json_write_string(out, key, strlen(key))) < 0)
		return rc;
	return k6c__buf_puts(out, ": ");
}

/* Closes a container whose members sat at depth. */
static int pretty_close(k6c__buf *out, int depth, bool empty, char close)
{
	int rc;

	if (!empty && ((rc = k6c__buf_putc(out, '\n')) < 0 ||
		       (rc = put_spaces(out, 4 * (size_t)(depth - 1))) < 0))
		return rc;
	return k6c__buf_putc(out, close);
}

static int pretty_number(k6c__buf *out, double v)
{
	char num[64];

	if (!isfinite(v))
		return k6c__buf_puts(out, "null");
	js_num(num, sizeof(num), v);
	return k6c__buf_puts(out, num);
}

/* A value at depth (its members at depth + 1). */
static int pretty_value(k6c__buf *out, const k6c__json *v, int depth)
{
	size_t *order = NULL, n = 0;
	bool first = true;
	int rc = 0;

	switch (v->type) {
	case K6C__JSON_NULL:
		return k6c__buf_puts(out, "null");
	case K6C__JSON_BOOL:
		return k6c__buf_puts(out, v->boolean ? "true" : "false");
	case K6C__JSON_NUMBER:
		return pretty_number(out, v->number);
	case K6C__JSON_STRING:
		return k6c__json_write_string(out, v->string, v->len);
	case K6C__JSON_ARRAY:
		if ((rc = k6c__buf_putc(out, '[')) < 0)
			return rc;
		for (size_t i = 0; i < v->len && rc == 0; i++)
			if ((rc = pretty_item(out, depth + 1, &first, NULL)) == 0)
				rc = pretty_value(out, v->items[i], depth + 1);
		return rc < 0 ? rc : pretty_close(out, depth + 1, first, ']');
	case K6C__JSON_OBJECT:
		if ((rc = object_members(v, &order, &n)) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++)
			if ((rc = pretty_item(out, depth + 1, &first, v->keys[order[i]])) == 0)
				rc = pretty_value(out, v->items[order[i]], depth + 1);
		if (rc == 0)
			rc = pretty_close(out, depth + 1, first, '}');
		break;
	}
	k6c__free(order);
	return rc;
}

static int export_group(k6c__buf *out, const k6c__json *g, int depth, const char *where);

/* An array of named objects as an object keyed by their names; groups are
 * converted in turn. */
static int export_named(k6c__buf *out, const k6c__json *arr, int depth, bool groups,
	const char *where)
{
	const char **names = k6c__calloc(arr->len ? arr->len : 1, sizeof(*names));
	size_t *order = NULL, n = 0;
	bool first = true;
	int rc = 0;

	if (names == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < arr->len && rc == 0; i++) {
		const k6c__json *it = arr->items[i];
		const k6c__json *name = it->type == K6C__JSON_OBJECT ? k6c__json_get(it, "name") : NULL;
		if (name == NULL || name->type != K6C__JSON_STRING)
			rc = doc_error("%s %zu of %s has no \"name\" string", groups ? "group" : "check",
				i, where);
		else
			names[i] = name->string;
	}
	if (rc == 0 && (rc = unique_by_key(names, arr->len, &order, &n)) == 0 &&
	    (rc = k6c__buf_putc(out, '{')) == 0) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			const k6c__json *it = arr->items[order[i]];
			char here[300];
			if ((rc = pretty_item(out, depth + 1, &first, names[order[i]])) < 0)
				break;
			snprintf(here, sizeof(here), "group '%s'", names[order[i]]);
			rc = groups ? export_group(out, it, depth + 1, here) : pretty_value(out, it, depth + 1);
		}
		if (rc == 0)
			rc = pretty_close(out, depth + 1, first, '}');
	}
	k6c__free(order);
	k6c__free(names);
	return rc;
}

/* A group with its "groups" and "checks" arrays keyed by name. */
static int export_group(k6c__buf *out, const k6c__json *g, int depth, const char *where)
{
	size_t *order = NULL, n = 0;
	bool first = true;
	int rc;

	if (g->type != K6C__JSON_OBJECT)
		return doc_error("%s is not an object", where);
	if ((rc = object_members(g, &order, &n)) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *key = g->keys[order[i]];
		const k6c__json *v = g->items[order[i]];
		if ((rc = pretty_item(out, depth + 1, &first, key)) < 0)
			break;
		if (v->type == K6C__JSON_ARRAY && strcmp(key, "groups") == 0)
			rc = export_named(out, v, depth + 1, true, where);
		else if (v->type == K6C__JSON_ARRAY && strcmp(key, "checks") == 0)
			rc = export_named(out, v, depth + 1, false, where);
		else
			rc = pretty_value(out, v, depth + 1);
	}
	if (rc == 0)
		rc = pretty_close(out, depth + 1, first, '}');
out:
	k6c__free(order);
	return rc;
}

/* A metric as its values, "thresholds" (true meaning failed) and, for a
 * rate, "value" in place of "rate". */
static int export_metric(k6c__buf *out, const char *name, const k6c__json *m, int depth)
{
	const k6c__json *values, *type, *th, *rate = NULL;
	size_t *order = NULL, n = 0;
	bool first = true, is_rate;
	int rc;

	if (m->type != K6C__JSON_OBJECT)
		return doc_error("metric '%s' is not an object", name);
	values = k6c__json_get(m, "values");
	if (values == NULL || values->type != K6C__JSON_OBJECT)
		return doc_error("metric '%s' has no \"values\" object", name);
	type = k6c__json_get(m, "type");
	if (type != NULL && type->type != K6C__JSON_STRING)
		return doc_error("metric '%s': \"type\" is not a string", name);
	is_rate = type != NULL && strcmp(type->string, "rate") == 0;
	th = k6c__json_get(m, "thresholds");
	if (th != NULL && th->type != K6C__JSON_NULL && th->type != K6C__JSON_OBJECT)
		return doc_error("metric '%s': \"thresholds\" is not an object", name);

	if ((rc = object_members(values, &order, &n)) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *key = values->keys[order[i]];
		if (is_rate && strcmp(key, "rate") == 0) {
			rate = values->items[order[i]];
			continue;
		}
		if ((rc = pretty_item(out, depth + 1, &first, key)) == 0)
			rc = pretty_value(out, values->items[order[i]], depth + 1);
	}
	if (rc == 0 && th != NULL && th->type == K6C__JSON_OBJECT && th->len > 0) {
		size_t *tord = NULL, tn = 0;
		bool tfirst = true;
		if ((rc = pretty_item(out, depth + 1, &first, "thresholds")) == 0 &&
		    (rc = object_members(th, &tord, &tn)) == 0 && (rc = k6c__buf_putc(out, '{')) == 0) {
			for (size_t i = 0; i < tn && rc == 0; i++) {
				const k6c__json *t = th->items[tord[i]];
				const k6c__json *ok = t->type == K6C__JSON_OBJECT ? k6c__json_get(t, "ok") : NULL;
				if (ok == NULL || ok->type != K6C__JSON_BOOL)
					rc = doc_error("threshold '%s' of metric '%s' has no boolean \"ok\"",
						th->keys[tord[i]], name);
				else if ((rc = pretty_item(out, depth + 2, &tfirst, th->keys[tord[i]])) == 0)
					rc = k6c__buf_puts(out, ok->boolean ? "false" : "true");
			}
			if (rc == 0)
				rc = pretty_close(out, depth + 2, tfirst, '}');
		}
		k6c__free(tord);
	}
	if (rc == 0 && rate != NULL && (rc = pretty_item(out, depth + 1, &first, "value")) == 0)
		rc = pretty_value(out, rate, depth + 1);
	if (rc == 0)
		rc = pretty_close(out, depth + 1, first, '}');
out:
	k6c__free(order);
	return rc;
}

static int export_metrics(k6c__buf *out, const k6c__json *metrics, int depth)
{
	size_t *order = NULL, n = 0;
	bool first = true;
	int rc;

	if ((rc = object_members(metrics, &order, &n)) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *name = metrics->keys[order[i]];
		if ((rc = pretty_item(out, depth + 1, &first, name)) == 0)
			rc = export_metric(out, name, metrics->items[order[i]], depth + 1);
	}
	if (rc == 0)
		rc = pretty_close(out, depth + 1, first, '}');
out:
	k6c__free(order);
	return rc;
}

int k6c__summary_export_from_data(const char *data_json, size_t len, k6c__buf *out)
{
	k6c__json *doc = NULL;
	k6c__buf text = K6C__BUF_INIT;
	size_t *order = NULL, n = 0;
	const k6c__json *metrics, *root;
	bool first = true;
	int rc;

	if (out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__summary_export_from_data: NULL output");
	if (data_json == NULL)
		return doc_error("no document");
	if ((rc = k6c__json_parse(&doc, data_json, len)) < 0) {
		if (rc != K6C_ENOMEM)
			rc = doc_error("not valid JSON: %s",
			k6c_error_last() ? k6c_error_last()->message : "parse error");
		goto out;
	}
	if (doc->type != K6C__JSON_OBJECT) {
		rc = doc_error("not a JSON object");
		goto out;
	}
	metrics = k6c__json_get(doc, "metrics");
	root = k6c__json_get(doc, "root_group");
	if (metrics == NULL || metrics->type != K6C__JSON_OBJECT) {
		rc = doc_error("no \"metrics\" object");
		goto out;
	}
	if (root == NULL || root->type != K6C__JSON_OBJECT) {
		rc = doc_error("no \"root_group\" object");
		goto out;
	}
	/* Everything but "options" and "state", in the document's order. */
	if ((rc = object_members(doc, &order, &n)) < 0 || (rc = k6c__buf_putc(&text, '{')) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *key = doc->keys[order[i]];
		const k6c__json *v = doc->items[order[i]];
		if (strcmp(key, "options") == 0 || strcmp(key, "state") == 0)
			continue;
		if ((rc = pretty_item(&text, 1, &first, key)) < 0)
			break;
		if (strcmp(key, "root_group") == 0)
			rc = export_group(&text, v, 1, "root_group");
		else if (strcmp(key, "metrics") == 0)
			rc = export_metrics(&text, v, 1);
		else
			rc = pretty_value(&text, v, 1);
	}
	if (rc == 0 && (rc = pretty_close(&text, 1, first, '}')) == 0)
		rc = k6c__buf_put(out, text.ptr, text.len);
out:
	k6c__free(order);
	k6c__buf_free(&text);
	k6c__json_free(doc);
	return rc;
}
