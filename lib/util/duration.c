/*
 * duration.c - k6 duration strings.
 *
 * k6 accepts Go's time.ParseDuration syntax ("1h2m3.5s", "300ms", "10us")
 * extended with days ("1d2h"), and treats a bare number as milliseconds. It
 * prints durations with Go's time.Duration String ("1m30s", "10m0s", "500ms"),
 * which is what the scenario header shows, so both directions follow Go.
 */
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Go durations are int64 nanoseconds; anything longer does not exist in k6. */
#define MAX_MS (9223372036854775807.0 / 1e6)

typedef struct unit {
	const char *name;
	uint64_t ns;
} unit;

/* The longest matching name wins, so "ms" is not read as "m" plus junk. */
static const unit units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 },   /* U+00B5 MICRO SIGN, as Go prints it */
	{ "\xce\xbcs", 1000 },   /* U+03BC GREEK SMALL LETTER MU */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", 60000000000 },
	{ "h", 3600000000000 },
	{ "d", 86400000000000 },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A plain decimal number ("500", "1.5", "2e3"): milliseconds in k6. */
static bool parse_number(const char *s, double *out)
{
	const char *p = s;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	/* strtod alone would also take "inf", "nan", hex and leading spaces. */
	if (!is_digit(*p) && !(*p == '.' && is_digit(p[1])))
		return false;
	for (; *p; p++)
		if (!is_digit(*p) && *p != '.' && *p != 'e' && *p != 'E' && *p != '+' && *p != '-')
			return false;
	*out = strtod(s, &end);
	return *end == '\0';
}

int k6c__duration_parse(const char *text, double *out_ms)
{
	const char *p = text;
	/* Whole nanoseconds, as Go counts, so "1h2m3.5s" is exact; the only
	 * rounding is the final division into milliseconds. */
	uint64_t total = 0, max_ns = INT64_MAX;
	bool neg = false;
	double v;

	if (text == NULL)
		return k6c__error(K6C_EINVAL, "invalid duration: no text");
	if (parse_number(text, &v)) {
		if (!isfinite(v) || v > MAX_MS)
			return k6c__error(K6C_EINVAL, "invalid duration \"%s\": out of range", text);
		if (v < 0)
			return k6c__error(K6C_EINVAL, "invalid duration \"%s\": it must not be negative", text);
		*out_ms = v;
		return 0;
	}
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p == '\0')
		return k6c__error(K6C_EINVAL, "invalid duration \"%s\": expected a number and a unit "
				  "such as \"30s\" or \"1m30s\"", text);
	while (*p) {
		double ip = 0, frac = 0, scale = 1, add;
		bool digits = false;
		const unit *u = NULL;
		size_t i, best = 0;

		for (; is_digit(*p); p++, digits = true)
			ip = ip * 10 + (*p - '0');
		if (*p == '.') {
			for (p++; is_digit(*p); p++, digits = true) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
		if (!digits)
			return k6c__error(K6C_EINVAL, "invalid duration \"%s\": expected a number at "
					  "\"%s\"", text, p);
		for (i = 0; i < K6C__ARRAY_LEN(units); i++) {
			size_t n = strlen(units[i].name);

			if (n > best && strncmp(p, units[i].name, n) == 0) {
				u = &units[i];
				best = n;
			}
		}
		if (u == NULL) {
			if (*p == '\0')
				return k6c__error(K6C_EINVAL, "invalid duration \"%s\": missing unit "
						  "(use ns, us, ms, s, m, h or d)", text);
			return k6c__error(K6C_EINVAL, "invalid duration \"%s\": unknown unit at \"%s\" "
					  "(use ns, us, ms, s, m, h or d)", text, p);
		}
		p += best;
		add = ip * (double)u->ns;
		if (add > (double)max_ns)
			return k6c__error(K6C_EINVAL, "invalid duration \"%s\": out of range", text);
		add = (double)((uint64_t)ip * u->ns) + nearbyint(frac * (double)u->ns);
		if (add > (double)(max_ns - total))
			return k6c__error(K6C_EINVAL, "invalid duration \"%s\": out of range", text);
		total += (uint64_t)((uint64_t)ip * u->ns) + (uint64_t)nearbyint(frac * (double)u->ns);
	}
	/* "-0s" is harmless; any other negative duration is rejected as in k6. */
	if (neg && total != 0)
		return k6c__error(K6C_EINVAL, "invalid duration \"%s\": it must not be negative", text);
	*out_ms = (double)total / 1e6;
	return 0;
}

/* Appends v / 10^prec with the fraction's trailing zeros (and a bare '.')
 * dropped, the way Go's fmtFrac + fmtInt do. */
static int put_scaled(k6c__buf *out, uint64_t v, int prec)
{
	uint64_t div = 1;
	char frac[24];
	int i, n = 0;

	for (i = 0; i < prec; i++)
		div *= 10;
	if (prec > 0) {
		uint64_t f = v % div;

		for (i = prec - 1; i >= 0; i--) {
			frac[i] = (char)('0' + f % 10);
			f /= 10;
		}
		n = prec;
		while (n > 0 && frac[n - 1] == '0')
			n--;
	}
	if (k6c__buf_printf(out, "%llu", (unsigned long long)(v / div)) < 0)
		return K6C_ENOMEM;
	if (n > 0) {
		if (k6c__buf_putc(out, '.') < 0 || k6c__buf_put(out, frac, (size_t)n) < 0)
			return K6C_ENOMEM;
	}
	return 0;
}

int k6c__duration_format(k6c__buf *out, double ms)
{
	uint64_t ns, s;
	double r;
	int rc;

	if (isnan(ms))
		return k6c__error(K6C_EINVAL, "cannot format a NaN duration");
	r = nearbyint(fabs(ms) * 1e6);
	if (r >= 18446744073709551615.0)
		return k6c__error(K6C_EINVAL, "duration %g ms is out of range", ms);
	ns = (uint64_t)r;
	if (ns == 0)
		return k6c__buf_puts(out, "0s");
	if (ms < 0 && (rc = k6c__buf_putc(out, '-')) < 0)
		return rc;
	/* Below a second Go switches to the largest unit with a non-zero
	 * leading digit. */
	if (ns < 1000)
		return (rc = put_scaled(out, ns, 0)) < 0 ? rc : k6c__buf_puts(out, "ns");
	if (ns < 1000000)
		return (rc = put_scaled(out, ns, 3)) < 0 ? rc : k6c__buf_puts(out, "\xc2\xb5s");
	if (ns < 1000000000)
		return (rc = put_scaled(out, ns, 6)) < 0 ? rc : k6c__buf_puts(out, "ms");
	s = ns / 1000000000;
	if (s >= 3600 && (rc = k6c__buf_printf(out, "%lluh", (unsigned long long)(s / 3600))) < 0)
		return rc;
	if (s >= 60 && (rc = k6c__buf_printf(out, "%llum", (unsigned long long)(s / 60 % 60))) < 0)
		return rc;
	if ((rc = put_scaled(out, (s % 60) * 1000000000 + ns % 1000000000, 9)) < 0)
		return rc;
	return k6c__buf_putc(out, 's');
}
