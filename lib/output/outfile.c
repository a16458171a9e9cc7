/*
 * outfile.c - the file outputs' writer and k6's text forms (outfile.h).
 *
 * The writer is stdio for a plain file or stdout (a large buffer, flushed
 * when the output says so) and zlib's gz* functions for a .gz path. Every
 * call comes from the run's output thread, so nothing here locks.
 */
#include "output/outfile.h"
#include "output/output.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define FILE_BUFSIZE (256 * 1024)

struct k6c__outfile {
	FILE *fp;         /* plain file or stdout */
	gzFile gz;        /* gzip file */
	bool is_stdout;
	char *path;
};

bool k6c__outfile_is_stdout(const char *path)
{
	return !path || !*path || !strcmp(path, "-");
}

static bool has_gz_suffix(const char *path)
{
	size_t n = strlen(path);

	return n >= 3 && !strcmp(path + n - 3, ".gz");
}

int k6c__outfile_open(k6c__outfile **out, const char *path, char *err, size_t errlen)
{
	k6c__outfile *f;

	*out = NULL;
	if (!(f = k6c__calloc(1, sizeof(*f))) ||
	    !(f->path = k6c__strdup(k6c__outfile_is_stdout(path) ? "-" : path))) {
		k6c__free(f);
		snprintf(err, errlen, "out of memory");
		return K6C_ENOMEM;
	}
	if (k6c__outfile_is_stdout(path)) {
		f->fp = stdout;
		f->is_stdout = true;
	} else if (has_gz_suffix(path)) {
		/* gzopen reports errors through errno for open(2) failures. */
		errno = 0;
		if (!(f->gz = gzopen(path, "wb"))) {
			snprintf(err, errlen, "open %s: %s", path, errno ? strerror(errno) : "gzopen failed");
			goto fail;
		}
		gzbuffer(f->gz, FILE_BUFSIZE);
	} else {
		if (!(f->fp = fopen(path, "w"))) {
			snprintf(err, errlen, "open %s: %s", path, strerror(errno));
			goto fail;
		}
		setvbuf(f->fp, NULL, _IOFBF, FILE_BUFSIZE);
	}
	*out = f;
	return 0;
fail:
	k6c__free(f->path);
	k6c__free(f);
	return K6C_EIO;
}

int k6c__outfile_write(k6c__outfile *f, const void *p, size_t n, char *err, size_t errlen)
{
	if (n == 0)
		return 0;
	if (f->gz) {
		int e;
		/* gzwrite takes an unsigned length: write huge buffers in parts. */
		while (n > 0) {
			unsigned part = n > (1u << 30) ? (1u << 30) : (unsigned)n;
			if (gzwrite(f->gz, p, part) != (int)part) {
				snprintf(err, errlen, "write %s: %s", f->path, gzerror(f->gz, &e));
				return K6C_EIO;
			}
			p = (const char *)p + part;
			n -= part;
		}
		return 0;
	}
	if (fwrite(p, 1, n, f->fp) != n) {
		snprintf(err, errlen, "write %s: %s", f->path, strerror(errno));
		return K6C_EIO;
	}
	return 0;
}

int k6c__outfile_flush(k6c__outfile *f, char *err, size_t errlen)
{
	if (f->gz)
		return 0;
	if (fflush(f->fp) != 0) {
		snprintf(err, errlen, "write %s: %s", f->path, strerror(errno));
		return K6C_EIO;
	}
	return 0;
}

int k6c__outfile_close(k6c__outfile *f, char *err, size_t errlen)
{
	int rc = 0;

	if (!f)
		return 0;
	if (f->gz) {
		int zrc = gzclose(f->gz);
		if (zrc != Z_OK) {
			snprintf(err, errlen, "close %s: %s", f->path,
				zrc == Z_ERRNO ? strerror(errno) : "gzip error");
			rc = K6C_EIO;
		}
	} else if (f->is_stdout) {
		if (fflush(f->fp) != 0) {
			snprintf(err, errlen, "write to stdout: %s", strerror(errno));
			rc = K6C_EIO;
		}
	} else if (fclose(f->fp) != 0) {
		snprintf(err, errlen, "close %s: %s", f->path, strerror(errno));
		rc = K6C_EIO;
	}
	k6c__free(f->path);
	k6c__free(f);
	return rc;
}

int k6c__outfile_sink_open(k6c_sink *sink, k6c__outfile **f, const char *path, const void *header,
	size_t len, uint64_t *last_flush_ns)
{
	char err[512];

	if (k6c__outfile_open(f, path, err, sizeof(err)) ||
	    (len > 0 && k6c__outfile_write(*f, header, len, err, sizeof(err))) ||
	    (len > 0 && k6c__outfile_flush(*f, err, sizeof(err)))) {
		k6c__sink_fail(sink, 0, err);
		return -1;
	}
	*last_flush_ns = k6c__now_ns();
	return 0;
}

int k6c__outfile_sink_write(k6c_sink *sink, k6c__outfile *f, const void *text, size_t len,
	uint64_t *last_flush_ns, uint64_t every_ns)
{
	char err[512];
	uint64_t now;

	if (k6c__outfile_write(f, text, len, err, sizeof(err))) {
		k6c__sink_fail(sink, 0, err);
		return -1;
	}
	now = k6c__now_ns();
	if (now - *last_flush_ns >= every_ns) {
		*last_flush_ns = now;
		if (k6c__outfile_flush(f, err, sizeof(err))) {
			k6c__sink_fail(sink, 0, err);
			return -1;
		}
	}
	return 0;
}

int k6c__outfile_sink_close(k6c_sink *sink, k6c__outfile **f)
{
	char err[512];
	int rc;

	rc = k6c__outfile_close(*f, err, sizeof(err));
	*f = NULL;
	if (rc) {
		k6c__sink_fail(sink, 0, err);
		return -1;
	}
	return 0;
}

/* ---- Go's text forms ---------------------------------------------------- */

/* The shortest decimal digits that read back as v (v finite, nonzero):
 * digits without a point in dig (NUL-terminated), and the decimal exponent
 * of the first digit (v = 0.d1d2... * 10^(exp+1)). */
static void shortest_digits(double v, char dig[32], int *exp)
{
	char tmp[48];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp is "[-]d[.ddd]e[+-]xx"; take the digits and the exponent. A
	 * locale with ',' as the decimal point still gives one non-digit. */
	{
		const char *p = tmp;
		size_t n = 0;

		if (*p == '-')
			p++;
		for (; *p && *p != 'e' && *p != 'E'; p++) {
			if (*p >= '0' && *p <= '9' && n < 31)
				dig[n++] = *p;
		}
		dig[n] = '\0';
		*exp = *p ? atoi(p + 1) : 0;
		/* Trailing zeros of the mantissa carry nothing. */
		while (n > 1 && dig[n - 1] == '0')
			dig[--n] = '\0';
	}
}

int k6c__fmt_json_number(k6c__buf *out, double v)
{
	char dig[32];
	int exp, nd, rc = 0;
	double a = fabs(v);

	if (v == 0)
		return k6c__buf_puts(out, signbit(v) ? "-0" : "0");
	shortest_digits(v, dig, &exp);
	nd = (int)strlen(dig);
	if (v < 0 && (rc = k6c__buf_putc(out, '-')))
		return rc;
	if (a < 1e-6 || a >= 1e21) {
		/* Go's %e with the shortest digits: "1e-07" cleaned to "1e-7";
		 * a positive exponent keeps at least two digits ("1e+21"). */
		rc = k6c__buf_putc(out, dig[0]);
		if (!rc && nd > 1)
			rc = k6c__buf_printf(out, ".%s", dig + 1);
		if (!rc)
			rc = exp < 0 ? k6c__buf_printf(out, "e-%d", -exp) : k6c__buf_printf(out, "e+%02d", exp);
		return rc;
	}
	if (exp < 0) {
		/* 0.000ddd */
		rc = k6c__buf_puts(out, "0.");
		for (int i = 0; !rc && i < -exp - 1; i++)
			rc = k6c__buf_putc(out, '0');
		return rc ? rc : k6c__buf_puts(out, dig);
	}
	if (nd <= exp + 1) {
		/* An integer: the digits, then zeros. */
		rc = k6c__buf_puts(out, dig);
		for (int i = nd; !rc && i < exp + 1; i++)
			rc = k6c__buf_putc(out, '0');
		return rc;
	}
	rc = k6c__buf_put(out, dig, (size_t)exp + 1);
	if (!rc)
		rc = k6c__buf_printf(out, ".%s", dig + exp + 1);
	return rc;
}

int k6c__fmt_rfc3339(k6c__buf *out, int64_t time_us, bool nano)
{
	/* Floor division, so times before 1970 keep a positive fraction. */
	time_t sec = (time_t)(time_us / 1000000);
	int64_t frac = time_us % 1000000;
	struct tm tm;
	long off;
	int rc;

	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	if (!localtime_r(&sec, &tm))
		return k6c__buf_printf(out, "%lld", (long long)time_us);
	rc = k6c__buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (!rc && nano && frac != 0) {
		char f[8];
		int n = 6;

		snprintf(f, sizeof(f), "%06lld", (long long)frac);
		while (n > 0 && f[n - 1] == '0')
			n--;
		f[n] = '\0';
		rc = k6c__buf_printf(out, ".%s", f);
	}
	if (rc)
		return rc;
	off = tm.tm_gmtoff;
	if (off == 0)
		return k6c__buf_putc(out, 'Z');
	/* Go prints the offset in minutes; seconds of an odd historical
	 * offset are dropped the same way. */
	return k6c__buf_printf(out, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 3600,
		(labs(off) / 60) % 60);
}

int k6c__fmt_csv_field(k6c__buf *out, const char *s)
{
	bool quote = false;
	int rc;

	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
		quote = true;
	for (const char *p = s; !quote && *p; p++) {
		if (*p == ',' || *p == '"' || *p == '\r' || *p == '\n')
			quote = true;
	}
	/* Go quotes a lone `\.` too (it would read as an end marker elsewhere). */
	if (!strcmp(s, "\\."))
		quote = true;
	if (!quote)
		return k6c__buf_puts(out, s);
	if ((rc = k6c__buf_putc(out, '"')))
		return rc;
	for (const char *p = s; *p; p++) {
		if (*p == '"' && (rc = k6c__buf_putc(out, '"')))
			return rc;
		if ((rc = k6c__buf_putc(out, *p)))
			return rc;
	}
	return k6c__buf_putc(out, '"');
}

const char *k6c__out_type_name(k6c_metric_type type)
{
	switch (type) {
	case K6C_METRIC_COUNTER: return "counter";
	case K6C_METRIC_GAUGE: return "gauge";
	case K6C_METRIC_RATE: return "rate";
	case K6C_METRIC_TREND: return "trend";
	}
	return "";
}

const char *k6c__out_contains_name(k6c_metric_contains contains)
{
	switch (contains) {
	case K6C_CONTAINS_DEFAULT: return "default";
	case K6C_CONTAINS_TIME: return "time";
	case K6C_CONTAINS_DATA: return "data";
	}
	return "";
}

/* ---- the consolidated options ------------------------------------------- */

k6c__json *k6c__out_options_parse(const char *options_json, char *err, size_t errlen)
{
	k6c__json *v = NULL;

	if (!options_json || k6c__json_parse(&v, options_json, strlen(options_json)) ||
	    v->type != K6C__JSON_OBJECT) {
		k6c__json_free(v);
		snprintf(err, errlen, "the test's options are not a JSON object");
		return NULL;
	}
	return v;
}

static const char *const system_tags[] = {
	"proto", "subproto", "status", "method", "url", "name", "group", "check", "error",
	"error_code", "tls_version", "scenario", "service", "expected_response", "vu", "iter",
	"ip", "ocsp_status",
};
/* The first 14 are k6's default systemTags. */
#define DEFAULT_SYSTEM_TAGS 14

bool k6c__out_is_system_tag(const char *tag)
{
	for (size_t i = 0; i < sizeof(system_tags) / sizeof(system_tags[0]); i++) {
		if (!strcmp(system_tags[i], tag))
			return true;
	}
	return false;
}

bool k6c__out_system_tag_enabled(const k6c__json *options, const char *tag)
{
	const k6c__json *st = options ? k6c__json_get(options, "systemTags") : NULL;

	if (!st || st->type != K6C__JSON_ARRAY) {
		for (size_t i = 0; i < DEFAULT_SYSTEM_TAGS; i++) {
			if (!strcmp(system_tags[i], tag))
				return true;
		}
		return false;
	}
	for (size_t i = 0; i < st->len; i++) {
		const k6c__json *t = st->items[i];
		if (t->type == K6C__JSON_STRING && !strcmp(t->string, tag))
			return true;
	}
	return false;
}
