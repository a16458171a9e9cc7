/*
 * outfile.h - what the file outputs (json, csv) share: a buffered writer
 * for a path, stdout or a gzip file, the opening, writing and closing
 * steps of their sinks around it (failures told to the sink), the text
 * forms k6's Go code prints (encoding/json numbers, RFC 3339 times with
 * the local offset, CSV fields), plus readers of the consolidated options
 * the sinks receive.
 */
#ifndef K6C_OUTPUT_OUTFILE_H
#define K6C_OUTPUT_OUTFILE_H

#include "k6c/metric.h"
#include "k6c/sink.h"
#include "util/json.h"
#include "util/util.h"

/* ---- the writer ---- */

typedef struct k6c__outfile k6c__outfile;

/* Opens path for writing (created or truncated): "" or "-" is stdout, a
 * ".gz" suffix writes gzip. On failure returns K6C_EIO with the reason in
 * err ("open results.json: No such file or directory"). */
int k6c__outfile_open(k6c__outfile **out, const char *path, char *err, size_t errlen);
/* Appends n bytes (buffered). Return 0, or K6C_EIO with the reason in err. */
int k6c__outfile_write(k6c__outfile *f, const void *p, size_t n, char *err, size_t errlen);
/* Hands what is buffered to the kernel (a plain file or stdout; a gzip
 * stream keeps its compressor's buffer until close, as k6's does). */
int k6c__outfile_flush(k6c__outfile *f, char *err, size_t errlen);
/* Flushes and closes (stdout is flushed, not closed); NULL is a no-op.
 * Return 0 or K6C_EIO with the reason in err. */
int k6c__outfile_close(k6c__outfile *f, char *err, size_t errlen);
/* True for "" and "-". */
bool k6c__outfile_is_stdout(const char *path);

/* ---- a file output's sink steps ---- */

/* The end of a file output's start(): opens path (k6c__outfile_open) into
 * *f, writes header[0..len) and flushes it when len > 0 (a CSV file's
 * first line is there before any sample), and sets *last_flush_ns to now.
 * On failure tells the sink with k6c__sink_fail(sink, 0, reason). Return
 * 0 or -1. Thread: the output thread. */
int k6c__outfile_sink_open(k6c_sink *sink, k6c__outfile **f, const char *path, const void *header,
	size_t len, uint64_t *last_flush_ns);
/* The end of a file output's add_samples(): appends text[0..len) to f,
 * then flushes when every_ns have passed since *last_flush_ns (setting it
 * to now), so the file keeps up with the run without a flush per batch.
 * On failure tells the sink with k6c__sink_fail(sink, 0, reason). Return
 * 0 or -1. Thread: the output thread. */
int k6c__outfile_sink_write(k6c_sink *sink, k6c__outfile *f, const void *text, size_t len,
	uint64_t *last_flush_ns, uint64_t every_ns);
/* A file output's stop(): closes *f (k6c__outfile_close) and sets it to
 * NULL, so later adds write nothing. A failure to close is told to the
 * sink with k6c__sink_fail(sink, 0, reason). Return 0 or -1. Thread: the
 * output thread. */
int k6c__outfile_sink_close(k6c_sink *sink, k6c__outfile **f);

/* ---- Go's text forms ---- */

/* A float64 as Go's encoding/json writes it: the shortest form that reads
 * back, in plain decimal for 1e-6 <= |v| < 1e21 and with an exponent
 * otherwise ("1e-7", "1e+21"). v must be finite. */
int k6c__fmt_json_number(k6c__buf *out, double v);
/* A time (microseconds since the epoch) in the local time zone as Go's
 * time.Format(RFC3339Nano) writes it ("2025-03-01T12:00:01.1234+01:00":
 * trailing zeros of the fraction dropped, no fraction for a whole second,
 * "Z" for a zero offset), or with nano false as RFC3339 (no fraction). */
int k6c__fmt_rfc3339(k6c__buf *out, int64_t time_us, bool nano);
/* A CSV field as Go's encoding/csv writes it: quoted (quotes doubled) when
 * it holds a comma, a quote, CR or LF, or begins with a space. */
int k6c__fmt_csv_field(k6c__buf *out, const char *s);

/* k6's names of a metric type and value kind (lib/api's public functions
 * are above this layer). "" for a value outside the enum. */
const char *k6c__out_type_name(k6c_metric_type type);
const char *k6c__out_contains_name(k6c_metric_contains contains);

/* ---- the consolidated options ---- */

/* The options text a sink receives, parsed; NULL (with err set) when it is
 * not a JSON object. */
k6c__json *k6c__out_options_parse(const char *options_json, char *err, size_t errlen);
/* Whether options' systemTags enables tag (k6's default list when the
 * option is absent). */
bool k6c__out_system_tag_enabled(const k6c__json *options, const char *tag);
/* True for the names of k6's system tags (proto, status, vu, ...). */
bool k6c__out_is_system_tag(const char *tag);

#endif /* K6C_OUTPUT_OUTFILE_H */
