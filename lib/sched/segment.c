/*
 * segment.c - execution segments as exact rationals and k6's striping of a
 * segment sequence (k6-compat.md section 7). Every instance given the same
 * sequence computes the same assignment of the global indices 0..LCD-1 to
 * segments, so together they cover each index exactly once without talking
 * to one another. All arithmetic is on uint64 with overflow checks; a value
 * that does not fit is a configuration error, not a wrong answer.
 */
#include "sched/segment.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The striping pattern repeats every LCD elements and building it walks
 * every element once per segment, so an absurdly fine sequence (say
 * 1/999983 next to 1/1000003) would cost minutes and gigabytes. k6 has no
 * limit; we refuse such sequences with a clear message instead. */
#define MAX_LCD 1000000u
#define MAX_WORK 100000000u

struct k6c__stripe {
	k6c__segment seg;
	k6c__rat *seq;        /* the filled sequence */
	size_t nseq;
	bool full;
	uint64_t lcd;         /* the pattern's cycle length */
	uint64_t count;       /* elements of ours per cycle */
	uint64_t *idx;        /* ours, ascending, each < lcd */
};

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static k6c__rat rat_reduce(uint64_t num, uint64_t den)
{
	uint64_t g = gcd64(num, den);
	k6c__rat r = { num, den };

	if (g > 1) {
		r.num /= g;
		r.den /= g;
	}
	if (r.num == 0)
		r.den = 1;
	return r;
}

/* Compares a/b with c/d without multiplying them out (which could overflow):
 * compare the integer parts, and when they are equal compare the
 * reciprocals of the remainders the other way round. */
static int rat_cmp(k6c__rat x, k6c__rat y)
{
	uint64_t a = x.num, b = x.den, c = y.num, d = y.den;
	int sign = 1;

	for (;;) {
		uint64_t qa = a / b, qc = c / d, ra = a % b, rc = c % d;

		if (qa != qc)
			return qa < qc ? -sign : sign;
		if (ra == 0 || rc == 0) {
			if (ra == rc)
				return 0;
			return ra == 0 ? -sign : sign;
		}
		/* ra/b vs rc/d equals d/rc vs b/ra with the order reversed. */
		a = b;
		b = ra;
		c = d;
		d = rc;
		sign = -sign;
	}
}

static bool rat_eq(k6c__rat x, k6c__rat y)
{
	return x.num == y.num && x.den == y.den;
}

/* lcm(a, b) into *out; false on overflow. */
static bool lcm64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t g = gcd64(a, b);

	return !__builtin_mul_overflow(a / g, b, out);
}

/* y - x for y >= x; false when the common denominator overflows. */
static bool rat_sub(k6c__rat y, k6c__rat x, k6c__rat *out)
{
	uint64_t den, a, b;

	if (!lcm64(x.den, y.den, &den))
		return false;
	if (__builtin_mul_overflow(y.num, den / y.den, &a) ||
	    __builtin_mul_overflow(x.num, den / x.den, &b))
		return false;
	*out = rat_reduce(a - b, den);
	return true;
}

static bool is_space(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* Parses one value "1/3", "0.25", ".5", "3", "50%", "12.5%" from
 * text[0..len). No sign, no exponent. */
static bool rat_parse(const char *s, size_t len, k6c__rat *out)
{
	uint64_t num = 0, den = 1;
	size_t i = 0, digits = 0;
	bool percent = false;

	while (len > 0 && is_space(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len > 0 && s[len - 1] == '%') {
		percent = true;
		len--;
	}
	if (len == 0)
		return false;
	for (; i < len && isdigit((unsigned char)s[i]); i++, digits++) {
		if (__builtin_mul_overflow(num, 10, &num) ||
		    __builtin_add_overflow(num, (uint64_t)(s[i] - '0'), &num))
			return false;
	}
	if (i < len && s[i] == '/') {
		uint64_t d = 0;
		size_t dd = 0;

		if (digits == 0)
			return false;
		for (i++; i < len && isdigit((unsigned char)s[i]); i++, dd++) {
			if (__builtin_mul_overflow(d, 10, &d) ||
			    __builtin_add_overflow(d, (uint64_t)(s[i] - '0'), &d))
				return false;
		}
		if (dd == 0 || d == 0 || i != len)
			return false;
		den = d;
	} else if (i < len && s[i] == '.') {
		size_t last = i;   /* the last non-zero fraction digit (or the point) */

		for (size_t j = i + 1; j < len && isdigit((unsigned char)s[j]); j++) {
			if (s[j] != '0')
				last = j;
		}
		for (i++; i < len && isdigit((unsigned char)s[i]); i++, digits++) {
			/* Trailing zeros add nothing: 0.50000000000000000000 is 1/2. */
			if (i > last)
				continue;
			if (__builtin_mul_overflow(num, 10, &num) ||
			    __builtin_add_overflow(num, (uint64_t)(s[i] - '0'), &num) ||
			    __builtin_mul_overflow(den, 10, &den))
				return false;
		}
		if (digits == 0 || i != len)
			return false;
	} else if (digits == 0 || i != len) {
		return false;
	}
	if (percent) {
		k6c__rat r = rat_reduce(num, 100);
		uint64_t d2;

		/* num/den / 100 = (num/g) / (den * 100/g) with g = gcd(num, 100). */
		if (__builtin_mul_overflow(den, r.den, &d2))
			return false;
		num = r.num;
		den = d2;
	}
	*out = rat_reduce(num, den);
	return true;
}

static bool rat_in_unit(k6c__rat r)
{
	return r.num <= r.den;
}

int k6c__segment_parse(const char *text, k6c__segment *out)
{
	const char *colon;
	k6c__segment seg;

	if (text == NULL)
		return k6c__error(K6C_ECONFIG, "invalid execution segment: none given");
	colon = strchr(text, ':');
	if (colon == NULL) {
		seg.from = (k6c__rat){ 0, 1 };
		if (!rat_parse(text, strlen(text), &seg.to))
			goto bad;
	} else {
		if (!rat_parse(text, (size_t)(colon - text), &seg.from) ||
		    !rat_parse(colon + 1, strlen(colon + 1), &seg.to))
			goto bad;
	}
	if (!rat_in_unit(seg.from) || !rat_in_unit(seg.to))
		return k6c__error(K6C_ECONFIG,
			"invalid execution segment \"%s\": values must be between 0 and 1", text);
	if (rat_cmp(seg.from, seg.to) >= 0)
		return k6c__error(K6C_ECONFIG,
			"invalid execution segment \"%s\": its start must be below its end", text);
	*out = seg;
	return 0;
bad:
	return k6c__error(K6C_ECONFIG,
		"invalid execution segment \"%s\": expected from:to with values like 1/3, 0.5 or 50%%",
		text);
}

int k6c__segment_seq_parse(const char *text, k6c__rat **out, size_t *n)
{
	size_t cap = 1, count = 0;
	k6c__rat *seq;
	const char *p;

	*out = NULL;
	*n = 0;
	if (text == NULL)
		return k6c__error(K6C_ECONFIG, "invalid execution segment sequence: none given");
	for (p = text; *p != '\0'; p++)
		cap += *p == ',';
	seq = k6c__calloc(cap, sizeof(*seq));
	if (seq == NULL)
		return K6C_ENOMEM;
	p = text;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		k6c__rat r;

		if (!rat_parse(p, len, &r)) {
			k6c__free(seq);
			return k6c__error(K6C_ECONFIG,
				"invalid execution segment sequence \"%s\": \"%.*s\" is not a value like 1/3, 0.5 or 50%%",
				text, (int)len, p);
		}
		if (!rat_in_unit(r)) {
			k6c__free(seq);
			return k6c__error(K6C_ECONFIG,
				"invalid execution segment sequence \"%s\": \"%.*s\" is not between 0 and 1",
				text, (int)len, p);
		}
		if (count > 0 && rat_cmp(seq[count - 1], r) >= 0) {
			k6c__free(seq);
			return k6c__error(K6C_ECONFIG,
				"invalid execution segment sequence \"%s\": values must be strictly increasing",
				text);
		}
		seq[count++] = r;
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (count < 2) {
		k6c__free(seq);
		return k6c__error(K6C_ECONFIG,
			"invalid execution segment sequence \"%s\": it needs at least two values", text);
	}
	*out = seq;
	*n = count;
	return 0;
}

static int rat_format(const k6c__rat *r, k6c__buf *out)
{
	if (r->den == 1)
		return k6c__buf_printf(out, "%llu", (unsigned long long)r->num);
	return k6c__buf_printf(out, "%llu/%llu", (unsigned long long)r->num,
		(unsigned long long)r->den);
}

int k6c__segment_format(const k6c__segment *seg, k6c__buf *out)
{
	if (rat_format(&seg->from, out) < 0 || k6c__buf_putc(out, ':') < 0 ||
	    rat_format(&seg->to, out) < 0)
		return K6C_ENOMEM;
	return 0;
}

int k6c__segment_seq_format(const k6c__rat *seq, size_t n, k6c__buf *out)
{
	if (k6c__buf_puts(out, "") < 0)
		return K6C_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && k6c__buf_putc(out, ',') < 0) || rat_format(&seq[i], out) < 0)
			return K6C_ENOMEM;
	}
	return 0;
}

/* Formats seg and seq for an error message into static-free buffers that the
 * caller frees. */
static void describe(const k6c__segment *seg, const k6c__rat *seq, size_t n,
	k6c__buf *bseg, k6c__buf *bseq)
{
	(void)k6c__segment_format(seg, bseg);
	(void)k6c__segment_seq_format(seq, n, bseq);
}

typedef struct sort_item {
	uint64_t norm;   /* the segment's length times the LCD */
	size_t pos;      /* its position in the sequence */
} sort_item;

/* Descending by normalised length; ties keep sequence order, which makes
 * qsort's instability harmless (k6 sorts stably). */
static int cmp_items(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;

	if (x->norm != y->norm)
		return x->norm > y->norm ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Builds the stripe: the LCD of all segment lengths, each segment's share of
 * every LCD consecutive elements, and the greedy assignment that spreads
 * each segment's elements evenly over the cycle. */
static int build(k6c__stripe *s, size_t mine)
{
	size_t nseg = s->nseq - 1;
	k6c__rat *len = NULL;
	sort_item *items = NULL;
	uint64_t *chosen = NULL;
	uint64_t lcd = 1, work;
	size_t i, mine_sorted = 0;
	int rc = 0;

	len = k6c__calloc(nseg, sizeof(*len));
	items = k6c__calloc(nseg, sizeof(*items));
	chosen = k6c__calloc(nseg, sizeof(*chosen));
	if (len == NULL || items == NULL || chosen == NULL) {
		rc = K6C_ENOMEM;
		goto out;
	}
	for (i = 0; i < nseg; i++) {
		if (!rat_sub(s->seq[i + 1], s->seq[i], &len[i]) || !lcm64(lcd, len[i].den, &lcd) ||
		    lcd > MAX_LCD)
			goto too_fine;
	}
	if (__builtin_mul_overflow(lcd, (uint64_t)nseg, &work) || work > MAX_WORK)
		goto too_fine;
	for (i = 0; i < nseg; i++) {
		items[i].norm = len[i].num * (lcd / len[i].den);
		items[i].pos = i;
	}
	qsort(items, nseg, sizeof(*items), cmp_items);
	for (i = 0; i < nseg; i++) {
		if (items[i].pos == mine)
			mine_sorted = i;
	}
	s->lcd = lcd;
	s->count = items[mine_sorted].norm;
	s->idx = k6c__calloc((size_t)s->count, sizeof(*s->idx));
	if (s->idx == NULL) {
		rc = K6C_ENOMEM;
		goto out;
	}
	/* Element e goes to the first segment (largest first) that is at or
	 * behind its even spacing: it has taken chosen elements so far and
	 * would ideally take its next one at chosen * lcd / norm. */
	for (uint64_t e = 0; e < lcd; e++) {
		size_t j;

		for (j = 0; j < nseg; j++) {
			uint64_t num = chosen[j] * lcd, q = num / items[j].norm;

			if (e > q || (e == q && num % items[j].norm == 0))
				break;
		}
		if (j == nseg) {
			rc = k6c__error(K6C_EINTERNAL, "execution segment striping found no segment for element %llu",
				(unsigned long long)e);
			goto out;
		}
		if (j == mine_sorted) {
			if (chosen[j] >= s->count) {
				rc = k6c__error(K6C_EINTERNAL, "execution segment striping overran a segment");
				goto out;
			}
			s->idx[chosen[j]] = e;
		}
		chosen[j]++;
	}
	if (chosen[mine_sorted] != s->count)
		rc = k6c__error(K6C_EINTERNAL, "execution segment striping left a segment short");
	goto out;
too_fine: {
		k6c__buf bseg = K6C__BUF_INIT, bseq = K6C__BUF_INIT;

		describe(&s->seg, s->seq, s->nseq, &bseg, &bseq);
		rc = k6c__error(K6C_ECONFIG,
			"execution segment \"%s\" in sequence \"%s\": the segments' common denominator is too large (at most %u)",
			bseg.ptr != NULL ? bseg.ptr : "", bseq.ptr != NULL ? bseq.ptr : "", MAX_LCD);
		k6c__buf_free(&bseg);
		k6c__buf_free(&bseq);
	}
out:
	k6c__free(len);
	k6c__free(items);
	k6c__free(chosen);
	return rc;
}

int k6c__stripe_new(k6c__stripe **out, const k6c__segment *seg, const k6c__rat *seq, size_t nseq)
{
	static const k6c__rat zero = { 0, 1 }, one = { 1, 1 };
	k6c__segment full = { { 0, 1 }, { 1, 1 } };
	k6c__stripe *s;
	size_t i, n = 0, mine = SIZE_MAX;
	int rc;

	*out = NULL;
	if (seg == NULL)
		seg = &full;
	if (rat_cmp(seg->from, seg->to) >= 0 || !rat_in_unit(seg->to))
		return k6c__error(K6C_ECONFIG, "invalid execution segment: its start must be below its end");
	s = k6c__calloc(1, sizeof(*s));
	if (s == NULL)
		return K6C_ENOMEM;
	s->seg.from = rat_reduce(seg->from.num, seg->from.den);
	s->seg.to = rat_reduce(seg->to.num, seg->to.den);
	s->seq = k6c__calloc(nseq + 4, sizeof(*s->seq));
	if (s->seq == NULL) {
		k6c__free(s);
		return K6C_ENOMEM;
	}
	if (seq == NULL || nseq == 0) {
		/* k6 fills the sequence in around a lone segment. */
		s->seq[n++] = zero;
		if (!rat_eq(s->seg.from, zero))
			s->seq[n++] = s->seg.from;
		s->seq[n++] = s->seg.to;
		if (!rat_eq(s->seg.to, one))
			s->seq[n++] = one;
	} else {
		/* A sequence that does not start at 0 or end at 1 gets those ends. */
		k6c__rat first = rat_reduce(seq[0].num, seq[0].den);
		k6c__rat last = rat_reduce(seq[nseq - 1].num, seq[nseq - 1].den);

		if (!rat_eq(first, zero))
			s->seq[n++] = zero;
		for (i = 0; i < nseq; i++) {
			k6c__rat r = rat_reduce(seq[i].num, seq[i].den);

			if (!rat_in_unit(r) || (n > 0 && rat_cmp(s->seq[n - 1], r) >= 0)) {
				k6c__stripe_free(s);
				return k6c__error(K6C_ECONFIG,
					"invalid execution segment sequence: values must be strictly increasing from 0 to 1");
			}
			s->seq[n++] = r;
		}
		if (!rat_eq(last, one))
			s->seq[n++] = one;
	}
	s->nseq = n;
	for (i = 0; i + 1 < n; i++) {
		if (rat_eq(s->seq[i], s->seg.from) && rat_eq(s->seq[i + 1], s->seg.to))
			mine = i;
	}
	if (mine == SIZE_MAX) {
		k6c__buf bseg = K6C__BUF_INIT, bseq = K6C__BUF_INIT;

		describe(&s->seg, s->seq, s->nseq, &bseg, &bseq);
		rc = k6c__error(K6C_ECONFIG,
			"execution segment \"%s\" is not one of the segments of the sequence \"%s\"",
			bseg.ptr != NULL ? bseg.ptr : "", bseq.ptr != NULL ? bseq.ptr : "");
		k6c__buf_free(&bseg);
		k6c__buf_free(&bseq);
		k6c__stripe_free(s);
		return rc;
	}
	s->full = rat_eq(s->seg.from, zero) && rat_eq(s->seg.to, one);
	if (s->full) {
		s->lcd = 1;
		s->count = 1;
		s->idx = k6c__calloc(1, sizeof(*s->idx));
		if (s->idx == NULL) {
			k6c__stripe_free(s);
			return K6C_ENOMEM;
		}
	} else if ((rc = build(s, mine)) != 0) {
		k6c__stripe_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void k6c__stripe_free(k6c__stripe *s)
{
	if (s == NULL)
		return;
	k6c__free(s->seq);
	k6c__free(s->idx);
	k6c__free(s);
}

bool k6c__stripe_is_full(const k6c__stripe *s)
{
	return s == NULL || s->full;
}

/* How many of our cycle positions are below r (< lcd). */
static uint64_t below(const k6c__stripe *s, uint64_t r)
{
	uint64_t lo = 0, hi = s->count;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (s->idx[mid] < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t k6c__stripe_local_count(const k6c__stripe *s, uint64_t g)
{
	if (s == NULL || s->full)
		return g;
	/* (g / lcd) * count cannot overflow: count <= lcd. */
	return g / s->lcd * s->count + below(s, g % s->lcd);
}

uint64_t k6c__stripe_scale(const k6c__stripe *s, uint64_t v)
{
	return k6c__stripe_local_count(s, v);
}

uint64_t k6c__stripe_global(const k6c__stripe *s, uint64_t local)
{
	uint64_t g;

	if (s == NULL || s->full)
		return local;
	if (__builtin_mul_overflow(local / s->count, s->lcd, &g) ||
	    __builtin_add_overflow(g, s->idx[local % s->count], &g))
		return UINT64_MAX;
	return g;
}

const k6c__segment *k6c__stripe_segment(const k6c__stripe *s)
{
	static const k6c__segment full = { { 0, 1 }, { 1, 1 } };

	return s != NULL ? &s->seg : &full;
}

const k6c__rat *k6c__stripe_sequence(const k6c__stripe *s, size_t *n)
{
	static const k6c__rat full[2] = { { 0, 1 }, { 1, 1 } };

	if (s == NULL) {
		*n = 2;
		return full;
	}
	*n = s->nseq;
	return s->seq;
}
