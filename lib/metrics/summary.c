/*
 * summary.c - k6's end-of-test summary: the compact text report (THRESHOLDS
 * and TOTAL RESULTS) and the handleSummary(data) JSON document.
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

static int locale_compare(const char *a, const char *b)
{
	size_t i;
	for (i = 0; a[i] && b[i]; i++) {
		int d = primary_weight((unsigned char)a[i]) - primary_weight((unsigned char)b[i]);
		if (d != 0)
			return d;
	}
	if (a[i] || b[i])
		return a[i] ? 1 : -1;
	for (i = 0; a[i]; i++) {
		bool la = a[i] >= 'a' && a[i] <= 'z', lb = b[i] >= 'a' && b[i] <= 'z';
		if (la != lb)
			return la ? -1 : 1;
	}
	return strcmp(a, b);
}

/* k6's sortMetricsByName: by parent name, then by the submetric suffix. */
static int metric_name_cmp(const void *pa, const void *pb)
{
	const k6c__metric *a = *(const k6c__metric *const *)pa, *b = *(const k6c__metric *const *)pb;
	size_t la = strcspn(a->name, "{"), lb = strcspn(b->name, "{");
	char *pa_name = k6c__strndup(a->name, la), *pb_name = k6c__strndup(b->name, lb);
	int r = (pa_name && pb_name) ? locale_compare(pa_name, pb_name) : strcmp(a->name, b->name);
	k6c__free(pa_name);
	k6c__free(pb_name);
	if (r != 0)
		return r;
	return locale_compare(a->name + la, b->name + lb);
}

static int name_byte_cmp(const void *pa, const void *pb)
{
	const k6c__metric *a = *(const k6c__metric *const *)pa, *b = *(const k6c__metric *const *)pb;
	return strcmp(a->name, b->name);
}

/* ---- shared helpers ---------------------------------------------------- */

typedef struct sum_ctx {
	k6c__metrics *m;
	const k6c__summary_opts *opts;
	const char *const *stats;
	size_t nstats;
	const char *unit;       /* NULL for automatic */
	bool color;
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
	c->color = !c->opts->no_color;
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

/* ---- text -------------------------------------------------------------- */

#define CELL 96   /* one formatted value */

/* A metric line's preformatted cells. */
typedef struct line_cells {
	const k6c__metric *mt;
	char display[300];
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

static void format_cells(const sum_ctx *c, const k6c__metric *mt, line_cells *lc)
{
	lc->mt = mt;
	const char *brace = strchr(mt->name, '{');
	if (brace != NULL) {
		size_t len = strlen(brace);
		snprintf(lc->display, sizeof(lc->display), "  { %.*s }", (int)(len - 2), brace + 1);
	} else {
		snprintf(lc->display, sizeof(lc->display), "%s", mt->name);
	}
	lc->nextras = 0;
	switch (mt->type) {
	case K6C__TREND:
		for (size_t i = 0; i < c->nstats; i++) {
			double v = k6c__metric_trend_stat(mt, c->stats[i]);
			if (strcmp(c->stats[i], "count") == 0)
				js_num(lc->trend[i], CELL, v);
			else
				humanize(lc->trend[i], CELL, v, mt->type, mt->contains, c->unit);
		}
		break;
	case K6C__COUNTER: {
		char rate[CELL];
		humanize(lc->value, CELL, stat_or_zero(c, mt, "count"), mt->type, mt->contains, c->unit);
		humanize(rate, CELL, stat_or_zero(c, mt, "rate"), mt->type, mt->contains, c->unit);
		join(lc->extras[0], CELL, rate, "/s", (char *)NULL);
		lc->nextras = 1;
		break;
	}
	case K6C__GAUGE: {
		char v[CELL];
		humanize(lc->value, CELL, stat_or_zero(c, mt, "value"), mt->type, mt->contains, c->unit);
		humanize(v, CELL, stat_or_zero(c, mt, "min"), mt->type, mt->contains, c->unit);
		join(lc->extras[0], CELL, "min=", v, (char *)NULL);
		humanize(v, CELL, stat_or_zero(c, mt, "max"), mt->type, mt->contains, c->unit);
		join(lc->extras[1], CELL, "max=", v, (char *)NULL);
		lc->nextras = 2;
		break;
	}
	case K6C__RATE: {
		char p[40], t[40];
		humanize(lc->value, CELL, stat_or_zero(c, mt, "rate"), mt->type, mt->contains, c->unit);
		js_num(p, sizeof(p), (double)mt->nonzero);
		js_num(t, sizeof(t), (double)mt->n);
		snprintf(lc->extras[0], CELL, "%s out of %s", p, t);
		lc->nextras = 1;
		break;
	}
	}
}

/* Column widths shared by a block of lines (k6's computeSummaryInfo). */
typedef struct widths {
	size_t name;            /* indent + widest display name */
	size_t *trend;          /* per stat */
	size_t value;
	size_t extras[2];
} widths;

static void widths_add(widths *w, const sum_ctx *c, const line_cells *lc, size_t indent)
{
	size_t n = indent + str_width(lc->display);
	if (n > w->name)
		w->name = n;
	if (lc->mt->type == K6C__TREND) {
		for (size_t i = 0; i < c->nstats; i++)
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

static int render_line(k6c__buf *out, const sum_ctx *c, const line_cells *lc, const widths *w,
	size_t indent)
{
	int rc;
	char dots[512];
	size_t ndots = w->name + 3 - str_width(lc->display) - indent;

	if (ndots >= sizeof(dots) - 1)
		ndots = sizeof(dots) - 2;
	memset(dots, '.', ndots);
	dots[ndots] = ':';
	dots[ndots + 1] = '\0';
	if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
	    (rc = k6c__buf_puts(out, lc->display)) < 0 ||
	    (rc = put_deco(out, c->color, "2;37", dots)) < 0 || (rc = k6c__buf_putc(out, ' ')) < 0)
		return rc;
	if (lc->mt->type == K6C__TREND) {
		for (size_t i = 0; i < c->nstats; i++) {
			if ((i > 0 && (rc = k6c__buf_putc(out, ' ')) < 0) ||
			    (rc = k6c__buf_printf(out, "%s=", c->stats[i])) < 0 ||
			    (rc = put_deco(out, c->color, "36", lc->trend[i])) < 0 ||
			    (rc = put_spaces(out, w->trend[i] - str_width(lc->trend[i]))) < 0)
				return rc;
		}
		return 0;
	}
	if ((rc = put_deco(out, c->color, "36", lc->value)) < 0 ||
	    (rc = put_spaces(out, w->value - str_width(lc->value))) < 0)
		return rc;
	if (lc->nextras == 1)
		return (rc = k6c__buf_putc(out, ' ')) < 0 ? rc :
			put_deco(out, c->color, "2;36", lc->extras[0]);
	for (int i = 0; i < lc->nextras; i++) {
		if ((rc = k6c__buf_putc(out, ' ')) < 0 ||
		    (rc = put_deco(out, c->color, "2;36", lc->extras[i])) < 0 ||
		    (rc = put_spaces(out, w->extras[i] - str_width(lc->extras[i]))) < 0)
			return rc;
	}
	return 0;
}

static int render_title(k6c__buf *out, const sum_ctx *c, const char *title)
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

/* k6 classifies by name prefix, so submetrics follow their parent. */
static enum section classify(const char *name)
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

	if (has_any_prefix(name, skipped, K6C__ARRAY_LEN(skipped)))
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

static line_cells *cells_new(const sum_ctx *c, size_t n)
{
	line_cells *lc = k6c__calloc(n ? n : 1, sizeof(*lc));
	if (lc == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		lc[i].trend = k6c__calloc(c->nstats ? c->nstats : 1, CELL);
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
	for (size_t i = 0; i < n; i++)
		k6c__free(lc[i].trend);
	k6c__free(lc);
}

/* The checks block: checks_total/succeeded/failed, then every check. */
static int render_checks(k6c__buf *out, const sum_ctx *c)
{
	const k6c__metric *checks = c->m->metrics[K6C__M_CHECKS];
	int rc;

	if (checks->n == 0)
		return 0;
	/* Three synthetic metrics computed from the checks rate. */
	k6c__metric total = { 0 }, ok = { 0 }, failed = { 0 };
	total.name = (char *)"checks_total";
	total.type = K6C__COUNTER;
	total.sum = (double)checks->n;
	ok.name = (char *)"checks_succeeded";
	ok.type = K6C__RATE;
	ok.n = checks->n;
	ok.nonzero = checks->nonzero;
	failed.name = (char *)"checks_failed";
	failed.type = K6C__RATE;
	failed.n = checks->n;
	failed.nonzero = checks->n - checks->nonzero;

	const k6c__metric *list[3] = { &total, &ok, &failed };
	line_cells *lc = cells_new(c, 3);
	widths w = { 0 };
	size_t tw[1] = { 0 };
	w.trend = tw;
	if (lc == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (int i = 0; i < 3; i++) {
		format_cells(c, list[i], &lc[i]);
		widths_add(&w, c, &lc[i], 4);
	}
	for (int i = 0; i < 3; i++)
		if ((rc = render_line(out, c, &lc[i], &w, 4)) < 0)
			goto out;
	if ((rc = item_start(out)) < 0)
		goto out;

	for (size_t i = 0; i < c->m->ntotal_checks; i++) {
		const k6c__check *ck = c->m->total_checks[i];
		k6c__buf line = K6C__BUF_INIT;
		if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, 4)) < 0)
			goto out;
		if (ck->fails == 0) {
			rc = k6c__buf_printf(&line, "✓ %s", ck->name);
			if (rc == 0)
				rc = put_deco(out, c->color, "32", line.ptr);
		} else {
			uint64_t pct = (uint64_t)floor(100.0 * (double)ck->passes /
				(double)(ck->passes + ck->fails));
			rc = k6c__buf_printf(&line, "✗ %s", ck->name);
			if (rc == 0)
				rc = put_deco(out, c->color, "31", line.ptr);
			k6c__buf_clear(&line);
			if (rc == 0)
				rc = k6c__buf_printf(&line, "↳  %llu%% — ✓ %llu / ✗ %llu",
					(unsigned long long)pct, (unsigned long long)ck->passes,
					(unsigned long long)ck->fails);
			if (rc == 0 && (rc = k6c__buf_putc(out, '\n')) == 0 &&
			    (rc = put_spaces(out, 6)) == 0)
				rc = put_deco(out, c->color, "31", line.ptr);
		}
		k6c__buf_free(&line);
		if (rc < 0)
			goto out;
	}
	rc = item_start(out);
out:
	cells_free(lc, 3);
	return rc;
}

/* The metric sections of TOTAL RESULTS. */
static int render_metrics(k6c__buf *out, const sum_ctx *c, k6c__metric **obs, size_t nobs)
{
	int rc = 0;
	k6c__metric **shown = k6c__calloc(nobs ? nobs : 1, sizeof(*shown));
	enum section *sec = k6c__calloc(nobs ? nobs : 1, sizeof(*sec));
	line_cells *lc = NULL;
	size_t n = 0;
	widths w = { 0 };

	w.trend = k6c__calloc(c->nstats ? c->nstats : 1, sizeof(size_t));
	if (shown == NULL || sec == NULL || w.trend == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nobs; i++)
		if (classify(obs[i]->name) != S_SKIP)
			shown[n++] = obs[i];
	qsort(shown, n, sizeof(*shown), metric_name_cmp);
	if ((lc = cells_new(c, n)) == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	/* One set of widths for the whole block, as k6 computes them over
	 * every section at once. */
	for (size_t i = 0; i < n; i++) {
		sec[i] = classify(shown[i]->name);
		format_cells(c, shown[i], &lc[i]);
		widths_add(&w, c, &lc[i], 4);
	}
	for (int s = 0; s < S_COUNT; s++) {
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			if (sec[i] != (enum section)s)
				continue;
			if (!any) {
				if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, 4)) < 0 ||
				    (rc = put_deco(out, c->color, "1", section_names[s])) < 0)
					goto out;
				any = true;
			}
			if ((rc = render_line(out, c, &lc[i], &w, 4)) < 0)
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

static int render_thresholds(k6c__buf *out, const sum_ctx *c, k6c__metric **obs, size_t nobs)
{
	int rc = 0;
	k6c__metric **with = k6c__calloc(nobs ? nobs : 1, sizeof(*with));
	size_t n = 0;

	if (with == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < nobs; i++)
		if (has_threshold(c, obs[i]->name))
			with[n++] = obs[i];
	qsort(with, n, sizeof(*with), metric_name_cmp);

	for (size_t i = 0; i < n && rc == 0; i++) {
		const k6c__metric *mt = with[i];
		size_t indent = 4;
		const char *shown = mt->name;
		if (mt->parent >= 0) {
			/* Under its parent when the parent has thresholds too. */
			const k6c__metric *parent = c->m->metrics[mt->parent];
			for (size_t j = 0; j < n; j++)
				if (with[j] == parent) {
					indent = 6;
					shown = mt->name + strlen(parent->name);
				}
		}
		if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
		    (rc = k6c__buf_puts(out, shown)) < 0)
			break;
		for (size_t t = 0; t < c->opts->nthresholds && rc == 0; t++) {
			const k6c__summary_threshold *th = &c->opts->thresholds[t];
			if (th->metric == NULL || strcmp(th->metric, mt->name) != 0)
				continue;
			char agg[64], value[CELL], src[512];
			threshold_agg(th->source ? th->source : "", agg, sizeof(agg));
			value[0] = '\0';
			switch (mt->type) {
			case K6C__TREND:
				if (k6c__summary_check_stat(agg) == 0) {
					double v = k6c__metric_trend_stat(mt, agg);
					if (strcmp(agg, "count") == 0)
						js_num(value, sizeof(value), v);
					else
						humanize(value, sizeof(value), v, mt->type, mt->contains, c->unit);
				} else {
					snprintf(value, sizeof(value), "undefined");
				}
				break;
			case K6C__COUNTER:
				if (strcmp(agg, "count") == 0) {
					humanize(value, sizeof(value), mt->sum, mt->type, mt->contains, c->unit);
				} else {
					char r[CELL];
					humanize(r, sizeof(r), stat_or_zero(c, mt, "rate"), mt->type,
						mt->contains, c->unit);
					join(value, sizeof(value), r, "/s", (char *)NULL);
				}
				break;
			case K6C__GAUGE:
				humanize(value, sizeof(value), stat_or_zero(c, mt, "value"), mt->type,
					mt->contains, c->unit);
				break;
			case K6C__RATE:
				humanize(value, sizeof(value), stat_or_zero(c, mt, "rate"), mt->type,
					mt->contains, c->unit);
				break;
			}
			/* The source, trimmed, in quotes. */
			const char *s = th->source ? th->source : "";
			size_t len = strlen(s);
			while (len > 0 && (*s == ' ' || *s == '\t')) {
				s++;
				len--;
			}
			while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			snprintf(src, sizeof(src), "'%.*s'", (int)len, s);
			if ((rc = item_start(out)) < 0 || (rc = put_spaces(out, indent)) < 0 ||
			    (rc = put_deco(out, c->color, th->ok ? "32" : "31", th->ok ? "✓" : "✗")) < 0 ||
			    (rc = k6c__buf_putc(out, ' ')) < 0 ||
			    (rc = put_deco(out, c->color, "37", src)) < 0 ||
			    (rc = k6c__buf_putc(out, ' ')) < 0 ||
			    (rc = put_deco(out, c->color, "37", agg)) < 0 ||
			    (rc = k6c__buf_putc(out, '=')) < 0 ||
			    (rc = put_deco(out, c->color, "36", value)) < 0)
				break;
		}
		if (rc == 0)
			rc = item_start(out);
	}
	k6c__free(with);
	return rc;
}

int k6c__metrics_summary_text(k6c__metrics *m, const k6c__summary_opts *opts, k6c__buf *out)
{
	sum_ctx c;
	int rc;

	if (m == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_summary_text: NULL argument");
	if ((rc = ctx_init(&c, m, opts)) < 0)
		return rc;

	pthread_mutex_lock(&m->lock);
	size_t nobs;
	k6c__metric **obs = observed_metrics(&c, &nobs);
	if (obs == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto out;
	}
	if (c.opts->nthresholds > 0) {
		if ((rc = render_title(out, &c, "THRESHOLDS")) < 0 ||
		    (rc = render_thresholds(out, &c, obs, nobs)) < 0 || (rc = item_start(out)) < 0)
			goto out;
	}
	if ((rc = render_title(out, &c, "TOTAL RESULTS")) < 0 || (rc = render_checks(out, &c)) < 0 ||
	    (rc = render_metrics(out, &c, obs, nobs)) < 0 || (rc = item_start(out)) < 0)
		goto out;
out:
	pthread_mutex_unlock(&m->lock);
	k6c__free(obs);
	return rc;
}

/* ---- JSON -------------------------------------------------------------- */

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
		if (dup)
			continue;
		if ((rc = json_key(out, &first, keys[i])) < 0 ||
		    (rc = k6c__json_write_number(out, stat_or_zero(c, mt, keys[i]))) < 0)
			return rc;
	}
	return k6c__buf_putc(out, '}');
}

int k6c__metrics_summary_json(k6c__metrics *m, const k6c__summary_opts *opts, k6c__buf *out)
{
	sum_ctx c;
	int rc;
	bool first = true;

	if (m == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_summary_json: NULL argument");
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
	    (rc = json_key(out, &f, "isStdOutTTY")) < 0 || (rc = k6c__buf_puts(out, "false")) < 0 ||
	    (rc = json_key(out, &f, "isStdErrTTY")) < 0 || (rc = k6c__buf_puts(out, "false")) < 0 ||
	    (rc = json_key(out, &f, "testRunDurationMs")) < 0 ||
	    (rc = k6c__json_write_number(out, c.opts->test_duration_ms)) < 0 ||
	    (rc = k6c__buf_putc(out, '}')) < 0)
		goto out;

	f = true;
	if ((rc = json_key(out, &first, "metrics")) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
		goto out;
	for (size_t i = 0; i < nobs; i++) {
		const k6c__metric *mt = obs[i];
		bool g = true;
		if ((rc = json_key(out, &f, mt->name)) < 0 || (rc = k6c__buf_putc(out, '{')) < 0 ||
		    (rc = json_key(out, &g, "type")) < 0 ||
		    (rc = json_str(out, k6c__metric_type_name(mt->type))) < 0 ||
		    (rc = json_key(out, &g, "contains")) < 0 ||
		    (rc = json_str(out, k6c__metric_contains_name(mt->contains))) < 0 ||
		    (rc = json_key(out, &g, "values")) < 0 || (rc = json_values(out, &c, mt)) < 0)
			goto out;
		if (has_threshold(&c, mt->name)) {
			bool t = true;
			if ((rc = json_key(out, &g, "thresholds")) < 0 || (rc = k6c__buf_putc(out, '{')) < 0)
				goto out;
			for (size_t k = 0; k < c.opts->nthresholds; k++) {
				const k6c__summary_threshold *th = &c.opts->thresholds[k];
				bool ok = true;
				if (th->metric == NULL || strcmp(th->metric, mt->name) != 0)
					continue;
				if ((rc = json_key(out, &t, th->source ? th->source : "")) < 0 ||
				    (rc = k6c__buf_putc(out, '{')) < 0 ||
				    (rc = json_key(out, &ok, "ok")) < 0 ||
				    (rc = k6c__buf_puts(out, th->ok ? "true" : "false")) < 0 ||
				    (rc = k6c__buf_putc(out, '}')) < 0)
					goto out;
			}
			if ((rc = k6c__buf_putc(out, '}')) < 0)
				goto out;
		}
		if ((rc = k6c__buf_putc(out, '}')) < 0)
			goto out;
	}
	if ((rc = k6c__buf_putc(out, '}')) < 0 || (rc = k6c__buf_putc(out, '}')) < 0)
		goto out;
out:
	pthread_mutex_unlock(&m->lock);
	k6c__free(obs);
	return rc;
}
