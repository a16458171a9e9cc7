/*
 * out_csv.c - the built-in `csv[=file]` output: k6's CSV, one row per
 * sample under a header of metric_name, timestamp, metric_value, the
 * enabled indexable system tags (sorted), extra_tags and metadata.
 *
 * Configured as k6's: defaults (file.csv, a save interval of 1 s, unix
 * times), then K6_CSV_FILENAME, K6_CSV_SAVE_INTERVAL and
 * K6_CSV_TIME_FORMAT, then the arg: a file name, or
 * fileName=...,timeFormat=...,saveInterval=... pairs. "-" is stdout and a
 * ".gz" name is written gzip-compressed. Rows are formatted on the output
 * thread every batch and the file is flushed every save interval and at
 * stop.
 */
#include "output/builtin.h"
#include "output/outfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum time_format {
	TF_UNIX,
	TF_UNIX_MILLI,
	TF_UNIX_MICRO,
	TF_UNIX_NANO,
	TF_RFC3339,
	TF_RFC3339_NANO
} time_format;

/* k6's names (its TimeFormat enum in snake case), in enum order. */
static const char *const time_format_names[] = {
	"unix", "unix_milli", "unix_micro", "unix_nano", "rfc3339", "rfc3339_nano",
};

typedef struct csv_out {
	char *path;               /* "-" for stdout */
	char *desc;
	time_format tf;
	uint64_t save_ns;
	k6c__outfile *f;
	k6c__buf rows;
	char **columns;           /* the system tags with a column, sorted */
	size_t ncolumns;
	char **ignored;           /* the disabled system tags, sorted */
	size_t nignored;
	const char **row;         /* per row: the value of each column */
	uint64_t last_flush_ns;
} csv_out;

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		k6c__free(v[i]);
	k6c__free(v);
}

static void csv_free(void *payload)
{
	csv_out *o = payload;
	char err[256];

	if (!o)
		return;
	k6c__outfile_close(o->f, err, sizeof(err));
	k6c__buf_free(&o->rows);
	free_strv(o->columns, o->ncolumns);
	free_strv(o->ignored, o->nignored);
	k6c__free(o->row);
	k6c__free(o->path);
	k6c__free(o->desc);
	k6c__free(o);
}

static const char *csv_description(k6c_sink *sink, void *payload)
{
	(void)sink;
	return ((csv_out *)payload)->desc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_sorted(char **v, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, v, n, sizeof(*v), cmp_str) != NULL;
}

/* The columns: every system tag systemTags enables except vu and iter
 * (k6's non-indexable ones, which go to metadata); the others are ignored
 * in extra_tags as k6 ignores them. */
static int load_columns(csv_out *o, const k6c__json *opts)
{
	static const char *const all[] = {
		"proto", "subproto", "status", "method", "url", "name", "group", "check", "error",
		"error_code", "tls_version", "scenario", "service", "expected_response", "ip",
		"ocsp_status",
	};
	size_t n = sizeof(all) / sizeof(all[0]);

	if (!(o->columns = k6c__calloc(n, sizeof(char *))) ||
	    !(o->ignored = k6c__calloc(n, sizeof(char *))))
		return K6C_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *copy = k6c__strdup(all[i]);
		if (!copy)
			return K6C_ENOMEM;
		if (k6c__out_system_tag_enabled(opts, all[i]))
			o->columns[o->ncolumns++] = copy;
		else
			o->ignored[o->nignored++] = copy;
	}
	qsort(o->columns, o->ncolumns, sizeof(char *), cmp_str);
	qsort(o->ignored, o->nignored, sizeof(char *), cmp_str);
	if (!(o->row = k6c__calloc(o->ncolumns + 1, sizeof(*o->row))))
		return K6C_ENOMEM;
	return 0;
}

static int write_header(csv_out *o)
{
	k6c__buf *b = &o->rows;
	int rc = k6c__buf_puts(b, "metric_name,timestamp,metric_value");

	for (size_t i = 0; i < o->ncolumns && rc == 0; i++) {
		if (!(rc = k6c__buf_putc(b, ',')))
			rc = k6c__fmt_csv_field(b, o->columns[i]);
	}
	return rc ? rc : k6c__buf_puts(b, ",extra_tags,metadata\n");
}

static int csv_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
{
	csv_out *o = payload;
	char err[512];
	k6c__json *opts;
	int rc;

	if (!(opts = k6c__out_options_parse(info->options_json, err, sizeof(err)))) {
		k6c__sink_fail(sink, 0, err);
		return -1;
	}
	rc = load_columns(o, opts);
	k6c__json_free(opts);
	if (rc == 0)
		rc = write_header(o);
	if (rc) {
		k6c__sink_fail(sink, 0, "out of memory");
		return -1;
	}
	/* The header goes out at once, before any sample. */
	if (k6c__outfile_sink_open(sink, &o->f, o->path, o->rows.ptr, o->rows.len,
		    &o->last_flush_ns))
		return -1;
	k6c__buf_clear(&o->rows);
	return 0;
}

/* Floor division, as Go's Unix()/UnixMilli() for times before 1970. */
static long long floor_div(long long a, long long b)
{
	long long q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int write_time(k6c__buf *b, time_format tf, int64_t us)
{
	switch (tf) {
	case TF_UNIX:
		return k6c__buf_printf(b, "%lld", floor_div(us, 1000000));
	case TF_UNIX_MILLI:
		return k6c__buf_printf(b, "%lld", floor_div(us, 1000));
	case TF_UNIX_MICRO:
		return k6c__buf_printf(b, "%lld", (long long)us);
	case TF_UNIX_NANO:
		return k6c__buf_printf(b, "%lld", (long long)us * 1000);
	case TF_RFC3339:
		return k6c__fmt_rfc3339(b, us, false);
	case TF_RFC3339_NANO:
		return k6c__fmt_rfc3339(b, us, true);
	}
	return 0;
}

/* Go's %f: C's, except for the names of the non-finite values. */
static int write_value(k6c__buf *b, double v)
{
	if (isnan(v))
		return k6c__buf_puts(b, "NaN");
	if (isinf(v))
		return k6c__buf_puts(b, v > 0 ? "+Inf" : "-Inf");
	return k6c__buf_printf(b, "%f", v);
}

/* extra_tags and metadata: k=v pairs joined by '&', leaving out the tags
 * that have a column or are disabled system tags, as k6 does. The pairs
 * are escaped as one CSV field. */
static int write_pairs(csv_out *o, k6c__buf *tmp, const k6c_tag *t, size_t n)
{
	bool first = true;
	int rc = 0;

	k6c__buf_clear(tmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (in_sorted(o->columns, o->ncolumns, t[i].key) ||
		    in_sorted(o->ignored, o->nignored, t[i].key))
			continue;
		rc = k6c__buf_printf(tmp, "%s%s=%s", first ? "" : "&", t[i].key, t[i].value);
		first = false;
	}
	if (rc)
		return rc;
	return k6c__fmt_csv_field(&o->rows, tmp->ptr ? tmp->ptr : "");
}

static int write_row(csv_out *o, k6c__buf *tmp, const k6c_sample *s)
{
	k6c__buf *b = &o->rows;
	size_t ti = 0;
	int rc;

	if ((rc = k6c__fmt_csv_field(b, s->metric->name)) || (rc = k6c__buf_putc(b, ',')) ||
	    (rc = write_time(b, o->tf, s->time_us)) || (rc = k6c__buf_putc(b, ',')) ||
	    (rc = write_value(b, s->value)))
		return rc;
	/* Tags and columns are both sorted: one merge pass. */
	for (size_t c = 0; c < o->ncolumns; c++) {
		const char *v = "";
		int cmp = 1;

		while (ti < s->ntags && (cmp = strcmp(s->tags[ti].key, o->columns[c])) < 0)
			ti++;
		if (ti < s->ntags && cmp == 0)
			v = s->tags[ti].value;
		if ((rc = k6c__buf_putc(b, ',')) || (rc = k6c__fmt_csv_field(b, v)))
			return rc;
	}
	if ((rc = k6c__buf_putc(b, ',')) || (rc = write_pairs(o, tmp, s->tags, s->ntags)) ||
	    (rc = k6c__buf_putc(b, ',')) || (rc = write_pairs(o, tmp, s->metadata, s->nmetadata)))
		return rc;
	return k6c__buf_putc(b, '\n');
}

static int csv_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	csv_out *o = payload;
	k6c__buf tmp = K6C__BUF_INIT;
	int rc = 0;

	if (!o->f)
		return 0;
	k6c__buf_clear(&o->rows);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = write_row(o, &tmp, &samples[i]);
	k6c__buf_free(&tmp);
	if (rc) {
		k6c__sink_fail(sink, 0, "out of memory");
		return -1;
	}
	return k6c__outfile_sink_write(sink, o->f, o->rows.ptr, o->rows.len, &o->last_flush_ns,
		o->save_ns);
}

static int csv_stop(k6c_sink *sink, void *payload, int exit_code)
{
	(void)exit_code;
	return k6c__outfile_sink_close(sink, &((csv_out *)payload)->f);
}

static const k6c_sink_vtable csv_vt = {
	K6C_SINK_VERSION, csv_description, csv_start, csv_add, csv_stop, csv_free
};

/* ---- configuration ------------------------------------------------------ */

static int set_time_format(csv_out *o, const char *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(time_format_names) / sizeof(time_format_names[0]); i++) {
		if (!strcmp(time_format_names[i], v)) {
			o->tf = (time_format)i;
			return 0;
		}
	}
	snprintf(err, errlen, "%s does not belong to TimeFormat values (unix, unix_milli, "
		"unix_micro, unix_nano, rfc3339, rfc3339_nano)", v);
	return 1;
}

static int set_save_interval(csv_out *o, const char *v, const char *what, char *err,
	size_t errlen)
{
	double ms;

	if (k6c__duration_parse(v, &ms) || !(ms > 0)) {
		snprintf(err, errlen, "invalid %s \"%s\": a positive duration such as \"1s\" or "
			"\"500ms\" is expected", what, v);
		return 1;
	}
	o->save_ns = (uint64_t)(ms * 1e6);
	return 0;
}

static int set_file(csv_out *o, const char *v)
{
	char *copy = k6c__strdup(v);

	if (!copy)
		return 1;
	k6c__free(o->path);
	o->path = copy;
	return 0;
}

/* The arg as k6's ParseArg reads it: a file name, or key=value pairs. */
static int parse_arg(csv_out *o, const char *arg, char *err, size_t errlen)
{
	const char *p = arg;

	if (!strchr(arg, '='))
		return set_file(o, arg) ? (snprintf(err, errlen, "out of memory"), 1) : 0;
	while (1) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *pair = k6c__strndup(p, len), *eq, *v;
		int rc = 0;

		if (!pair) {
			snprintf(err, errlen, "out of memory");
			return 1;
		}
		eq = strchr(pair, '=');
		v = eq ? eq + 1 : "";
		if (eq)
			*eq = '\0';
		if (!*v) {
			snprintf(err, errlen, "couldn't parse \"%s\" as argument for csv output", arg);
			rc = 1;
		} else if (!strcmp(pair, "saveInterval")) {
			rc = set_save_interval(o, v, "saveInterval", err, errlen);
		} else if (!strcmp(pair, "fileName")) {
			if ((rc = set_file(o, v)))
				snprintf(err, errlen, "out of memory");
		} else if (!strcmp(pair, "timeFormat")) {
			rc = set_time_format(o, v, err, errlen);
		} else {
			snprintf(err, errlen, "unknown key \"%s\" as argument for csv output", pair);
			rc = 1;
		}
		k6c__free(pair);
		if (rc)
			return rc;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int k6c__out_csv_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	const char *fname = k6c__output_env(params, "K6_CSV_FILENAME");
	const char *tf = k6c__output_env(params, "K6_CSV_TIME_FORMAT");
	const char *si = k6c__output_env(params, "K6_CSV_SAVE_INTERVAL");
	k6c__buf d = K6C__BUF_INIT;
	csv_out *o;

	(void)factory_payload;
	if (!(o = k6c__calloc(1, sizeof(*o))) || set_file(o, fname ? fname : "file.csv")) {
		csv_free(o);
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	o->tf = TF_UNIX;
	o->save_ns = 1000000000ull;
	if ((tf && set_time_format(o, tf, err, errlen)) ||
	    (si && set_save_interval(o, si, "K6_CSV_SAVE_INTERVAL", err, errlen)) ||
	    (*params->arg && parse_arg(o, params->arg, err, errlen))) {
		csv_free(o);
		return 1;
	}
	if (k6c__outfile_is_stdout(o->path) ? (set_file(o, "-") || k6c__buf_puts(&d, "csv (stdout)"))
	                                    : k6c__buf_printf(&d, "csv (%s)", o->path) != 0) {
		k6c__buf_free(&d);
		csv_free(o);
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	o->desc = k6c__buf_detach(&d);
	*vt = &csv_vt;
	*payload = o;
	return 0;
}
