/*
 * out_json.c - the built-in `json[=file]` output: k6's newline-delimited
 * JSON, a Metric line once per metric just before its first Point, then
 * one Point line per sample, with the keys in the order of k6's Go structs.
 *
 * The arg is the file ("" or "-" for stdout, a ".gz" suffix for gzip); as
 * in k6 there are no other settings. Lines are formatted into a buffer on
 * the output thread and handed to the file every batch; the file is
 * flushed every 200 ms (k6's flush period) and at stop. Thresholds and
 * submetrics come from the consolidated options and the metric list the
 * sink receives at start, as k6's output gets them from SetThresholds and
 * the metric registry.
 */
#include "output/builtin.h"
#include "output/outfile.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FLUSH_NS 200000000ull

typedef struct json_out {
	char *path;             /* "-" for stdout */
	char *desc;
	k6c__outfile *f;
	k6c__buf line;          /* the batch's text */
	k6c__map *seen;         /* metric names that had their Metric line */
	k6c__map *thresholds;   /* metric name -> char *, k6's JSON array */
	k6c__map *submetrics;   /* metric name -> k6c__buf *, the array's items */
	uint64_t last_flush_ns;
	bool nonfinite_logged;
} json_out;

static void free_buf(void *p)
{
	k6c__buf_free(p);
	k6c__free(p);
}

static void json_free(void *payload)
{
	json_out *o = payload;
	char err[256];

	if (!o)
		return;
	k6c__outfile_close(o->f, err, sizeof(err));
	k6c__buf_free(&o->line);
	k6c__map_free(o->seen, NULL);
	k6c__map_free(o->thresholds, k6c__free);
	k6c__map_free(o->submetrics, free_buf);
	k6c__free(o->path);
	k6c__free(o->desc);
	k6c__free(o);
}

static const char *json_description(k6c_sink *sink, void *payload)
{
	json_out *o = payload;

	(void)sink;
	return o->desc;
}

/* One threshold as k6 marshals it: its source, or the whole object when
 * abortOnFail is set. */
static int write_threshold(k6c__buf *b, const k6c__json *t)
{
	const k6c__json *src, *abort, *delay;
	int rc;

	if (t->type == K6C__JSON_STRING)
		return k6c__json_write_string(b, t->string, t->len);
	if (t->type != K6C__JSON_OBJECT)
		return 0;
	src = k6c__json_get(t, "threshold");
	abort = k6c__json_get(t, "abortOnFail");
	delay = k6c__json_get(t, "delayAbortEval");
	if (!abort || abort->type != K6C__JSON_BOOL || !abort->boolean)
		return src && src->type == K6C__JSON_STRING ?
			k6c__json_write_string(b, src->string, src->len) : k6c__buf_puts(b, "\"\"");
	if ((rc = k6c__buf_puts(b, "{\"threshold\":")) ||
	    (rc = src && src->type == K6C__JSON_STRING ? k6c__json_write_string(b, src->string, src->len)
	                                               : k6c__buf_puts(b, "\"\"")) ||
	    (rc = k6c__buf_puts(b, ",\"abortOnFail\":true,\"delayAbortEval\":")))
		return rc;
	/* Go's NullDuration: null when unset, else Duration.String(). */
	if (delay && (delay->type == K6C__JSON_STRING || delay->type == K6C__JSON_NUMBER)) {
		double ms = delay->type == K6C__JSON_NUMBER ? delay->number : 0;
		k6c__buf d = K6C__BUF_INIT;

		if (delay->type == K6C__JSON_STRING && k6c__duration_parse(delay->string, &ms))
			ms = 0;
		rc = k6c__duration_format(&d, ms);
		if (!rc)
			rc = k6c__json_write_string(b, d.ptr ? d.ptr : "0s", d.len);
		k6c__buf_free(&d);
		if (rc)
			return rc;
	} else if ((rc = k6c__buf_puts(b, "null"))) {
		return rc;
	}
	return k6c__buf_putc(b, '}');
}

/* thresholds: {"metric": [...], "metric{tag:v}": [...]}: the arrays of the
 * plain metric names, in k6's form. */
static int load_thresholds(json_out *o, const k6c__json *opts)
{
	const k6c__json *th = k6c__json_get(opts, "thresholds");
	int rc = 0;

	if (!th || th->type != K6C__JSON_OBJECT)
		return 0;
	for (size_t i = 0; i < th->len && rc == 0; i++) {
		const k6c__json *v = th->items[i];
		k6c__buf b = K6C__BUF_INIT;
		char *old;

		if (strchr(th->keys[i], '{'))
			continue;
		rc = k6c__buf_putc(&b, '[');
		if (v->type == K6C__JSON_ARRAY) {
			for (size_t k = 0; k < v->len && rc == 0; k++) {
				if (k > 0)
					rc = k6c__buf_putc(&b, ',');
				if (!rc)
					rc = write_threshold(&b, v->items[k]);
			}
		} else if (!rc) {
			rc = write_threshold(&b, v);
		}
		if (!rc)
			rc = k6c__buf_putc(&b, ']');
		if (rc) {
			k6c__buf_free(&b);
			break;
		}
		old = k6c__map_get(o->thresholds, th->keys[i], strlen(th->keys[i]));
		k6c__free(old);
		if ((rc = k6c__map_set(o->thresholds, th->keys[i], strlen(th->keys[i]),
		                       k6c__buf_detach(&b))))
			break;
	}
	return rc;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* s[0..n) without surrounding white space and then without surrounding
 * quotes (' or "), as k6 reads a submetric's key:value pairs. */
static void trim_kv(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
	while (*n > 0 && (**s == '"' || **s == '\''))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == '"' || (*s)[*n - 1] == '\''))
		(*n)--;
}

typedef struct kv {
	const char *k, *v;
	size_t kn, vn;
} kv;

static int kv_cmp(const kv *a, const kv *b)
{
	size_t n = a->kn < b->kn ? a->kn : b->kn;
	int c = memcmp(a->k, b->k, n);

	return c ? c : (a->kn > b->kn) - (a->kn < b->kn);
}

/* One submetric, {"name":..,"suffix":..,"tags":{..}}, from its name
 * "parent{suffix}": the tags as k6 parses the suffix (comma-separated
 * key:value, trimmed and unquoted, a later key replacing an earlier one),
 * sorted by key. */
static int write_submetric(k6c__buf *b, const char *name, const char *suffix, size_t slen)
{
	kv tags[64];
	size_t ntags = 0;
	const char *p = suffix, *end = suffix + slen;
	int rc;

	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;
		const char *colon = memchr(p, ':', (size_t)(e - p));
		kv t;

		if (e > p) {
			t.k = p;
			t.kn = (size_t)((colon ? colon : e) - p);
			t.v = colon ? colon + 1 : e;
			t.vn = colon ? (size_t)(e - colon - 1) : 0;
			trim_kv(&t.k, &t.kn);
			trim_kv(&t.v, &t.vn);
			size_t j;
			for (j = 0; j < ntags && kv_cmp(&tags[j], &t) != 0; j++)
				;
			if (j < ntags)
				tags[j] = t;
			else if (ntags < sizeof(tags) / sizeof(tags[0]))
				tags[ntags++] = t;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	/* Insertion sort: a handful of tags. */
	for (size_t i = 1; i < ntags; i++) {
		kv t = tags[i];
		size_t j = i;
		while (j > 0 && kv_cmp(&tags[j - 1], &t) > 0) {
			tags[j] = tags[j - 1];
			j--;
		}
		tags[j] = t;
	}
	if ((rc = k6c__buf_puts(b, "{\"name\":")) ||
	    (rc = k6c__json_write_string(b, name, strlen(name))) ||
	    (rc = k6c__buf_puts(b, ",\"suffix\":")) ||
	    (rc = k6c__json_write_string(b, suffix, slen)) ||
	    (rc = k6c__buf_puts(b, ",\"tags\":{")))
		return rc;
	for (size_t i = 0; i < ntags; i++) {
		if ((i > 0 && (rc = k6c__buf_putc(b, ','))) ||
		    (rc = k6c__json_write_string(b, tags[i].k, tags[i].kn)) ||
		    (rc = k6c__buf_putc(b, ':')) ||
		    (rc = k6c__json_write_string(b, tags[i].v, tags[i].vn)))
			return rc;
	}
	return k6c__buf_puts(b, "}}");
}

static int load_submetrics(json_out *o, const k6c_sink_start_info *info)
{
	for (size_t i = 0; i < info->nmetrics; i++) {
		const char *name = info->metrics[i].name;
		const char *brace = name ? strchr(name, '{') : NULL;
		const char *close;
		k6c__buf *items;
		size_t plen;
		int rc;

		if (!brace || !(close = strrchr(brace, '}')))
			continue;
		plen = (size_t)(brace - name);
		if (!(items = k6c__map_get(o->submetrics, name, plen))) {
			if (!(items = k6c__calloc(1, sizeof(*items))))
				return K6C_ENOMEM;
			if ((rc = k6c__map_set(o->submetrics, name, plen, items))) {
				k6c__free(items);
				return rc;
			}
		} else if ((rc = k6c__buf_putc(items, ','))) {
			return rc;
		}
		if ((rc = write_submetric(items, name, brace + 1, (size_t)(close - brace - 1))))
			return rc;
	}
	return 0;
}

static int json_start(k6c_sink *sink, void *payload, const k6c_sink_start_info *info)
{
	json_out *o = payload;
	char err[512];
	k6c__json *opts;
	int rc;

	if (!(opts = k6c__out_options_parse(info->options_json, err, sizeof(err)))) {
		k6c__sink_fail(sink, 0, err);
		return -1;
	}
	rc = load_thresholds(o, opts);
	k6c__json_free(opts);
	if (rc == 0)
		rc = load_submetrics(o, info);
	if (rc) {
		k6c__sink_fail(sink, 0, "out of memory");
		return -1;
	}
	return k6c__outfile_sink_open(sink, &o->f, o->path, NULL, 0, &o->last_flush_ns);
}

static int write_metric_line(json_out *o, const k6c_metric_info *m)
{
	k6c__buf *b = &o->line;
	size_t nlen = strlen(m->name);
	const char *th = k6c__map_get(o->thresholds, m->name, nlen);
	const k6c__buf *sub = k6c__map_get(o->submetrics, m->name, nlen);
	int rc;

	if ((rc = k6c__buf_puts(b, "{\"type\":\"Metric\",\"data\":{\"name\":")) ||
	    (rc = k6c__json_write_string(b, m->name, nlen)) ||
	    (rc = k6c__buf_printf(b, ",\"type\":\"%s\",\"contains\":\"%s\",\"thresholds\":%s,"
	                          "\"submetrics\":", k6c__out_type_name(m->type),
	                          k6c__out_contains_name(m->contains), th ? th : "[]")))
		return rc;
	if (sub && sub->len)
		rc = k6c__buf_printf(b, "[%.*s]", (int)sub->len, sub->ptr);
	else
		rc = k6c__buf_puts(b, "null");
	if (rc || (rc = k6c__buf_puts(b, "},\"metric\":")) ||
	    (rc = k6c__json_write_string(b, m->name, nlen)) ||
	    (rc = k6c__buf_puts(b, "}\n")))
		return rc;
	return k6c__map_set(o->seen, m->name, nlen, (void *)1);
}

static int write_point(json_out *o, const k6c_sample *s)
{
	k6c__buf *b = &o->line;
	int rc;

	if ((rc = k6c__buf_puts(b, "{\"metric\":")) ||
	    (rc = k6c__json_write_string(b, s->metric->name, strlen(s->metric->name))) ||
	    (rc = k6c__buf_puts(b, ",\"type\":\"Point\",\"data\":{\"time\":\"")) ||
	    (rc = k6c__fmt_rfc3339(b, s->time_us, true)) ||
	    (rc = k6c__buf_puts(b, "\",\"value\":")) ||
	    (rc = k6c__fmt_json_number(b, s->value)) ||
	    (rc = k6c__buf_puts(b, ",\"tags\":{")))
		return rc;
	for (size_t i = 0; i < s->ntags; i++) {
		const k6c_tag *t = &s->tags[i];
		if ((i > 0 && (rc = k6c__buf_putc(b, ','))) ||
		    (rc = k6c__json_write_string(b, t->key, strlen(t->key))) ||
		    (rc = k6c__buf_putc(b, ':')) ||
		    (rc = k6c__json_write_string(b, t->value, strlen(t->value))))
			return rc;
	}
	if ((rc = k6c__buf_putc(b, '}')))
		return rc;
	if (s->nmetadata > 0) {
		if ((rc = k6c__buf_puts(b, ",\"metadata\":{")))
			return rc;
		for (size_t i = 0; i < s->nmetadata; i++) {
			const k6c_tag *t = &s->metadata[i];
			if ((i > 0 && (rc = k6c__buf_putc(b, ','))) ||
			    (rc = k6c__json_write_string(b, t->key, strlen(t->key))) ||
			    (rc = k6c__buf_putc(b, ':')) ||
			    (rc = k6c__json_write_string(b, t->value, strlen(t->value))))
				return rc;
		}
		if ((rc = k6c__buf_putc(b, '}')))
			return rc;
	}
	return k6c__buf_puts(b, "}}\n");
}

static int json_add(k6c_sink *sink, void *payload, const k6c_sample *samples, size_t n)
{
	json_out *o = payload;
	int rc = 0;

	if (!o->f)
		return 0;
	k6c__buf_clear(&o->line);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const k6c_sample *s = &samples[i];

		if (!isfinite(s->value)) {
			/* k6's encoder refuses NaN and Inf and skips the sample. */
			if (!o->nonfinite_logged) {
				o->nonfinite_logged = true;
				k6c__sink_fail(sink, 0, "a sample of a non-finite value (NaN or Inf) was "
					"left out: JSON cannot hold it");
			}
			continue;
		}
		if (!k6c__map_get(o->seen, s->metric->name, strlen(s->metric->name)))
			rc = write_metric_line(o, s->metric);
		if (rc == 0)
			rc = write_point(o, s);
	}
	if (rc) {
		k6c__sink_fail(sink, 0, "out of memory");
		return -1;
	}
	return k6c__outfile_sink_write(sink, o->f, o->line.ptr, o->line.len, &o->last_flush_ns,
		FLUSH_NS);
}

static int json_stop(k6c_sink *sink, void *payload, int exit_code)
{
	(void)exit_code;
	return k6c__outfile_sink_close(sink, &((json_out *)payload)->f);
}

static const k6c_sink_vtable json_vt = {
	K6C_SINK_VERSION, json_description, json_start, json_add, json_stop, json_free
};

int k6c__out_json_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	json_out *o;
	k6c__buf d = K6C__BUF_INIT;

	(void)factory_payload;
	if (!(o = k6c__calloc(1, sizeof(*o))) ||
	    !(o->path = k6c__strdup(k6c__outfile_is_stdout(params->arg) ? "-" : params->arg)) ||
	    k6c__map_new(&o->seen) || k6c__map_new(&o->thresholds) || k6c__map_new(&o->submetrics) ||
	    (k6c__outfile_is_stdout(params->arg) ? k6c__buf_puts(&d, "json(stdout)")
	                                         : k6c__buf_printf(&d, "json (%s)", params->arg))) {
		k6c__buf_free(&d);
		json_free(o);
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	o->desc = k6c__buf_detach(&d);
	*vt = &json_vt;
	*payload = o;
	return 0;
}
