/*
 * sink.c - k6c/sink.h: the shims that check arguments and call lib/output,
 * and the adapter between the metrics thread and a run's output: each
 * sample view becomes a public k6c_sample pointing at a stable
 * k6c_metric_info and at the registry's interned tags (which live until the
 * registry is freed, after the sinks' stop), its metadata copied by the
 * output.
 */
#include <stdio.h>
#include <string.h>

#include "k6c.h"

#include "api/sinks.h"

/* Later metrics' infos come in chunks of this many. */
#define INFO_CHUNK 64

/* ---- the test's sinks ---------------------------------------------------- */

void k6c__test_sinks_free(k6c__test_sinks *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		k6c__sink_free(ts->v[i].sink);
		k6c__free(ts->v[i].spec);
	}
	k6c__free(ts->v);
	k6c__output_list_free(&ts->outputs);
	memset(ts, 0, sizeof(*ts));
}

bool k6c__test_sinks_wanted(const k6c__test_sinks *ts)
{
	return ts->n > 0;
}

static int sinks_append(k6c__test_sinks *ts, k6c_sink *sink, char *spec)
{
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? 2 * ts->cap : 4;
		k6c__test_out *v = k6c__realloc(ts->v, cap * sizeof(*v));
		if (!v)
			return K6C_ENOMEM;
		ts->v = v;
		ts->cap = cap;
	}
	ts->v[ts->n].sink = sink;
	ts->v[ts->n].spec = spec;
	ts->n++;
	return 0;
}

K6C_EXTERN(int) k6c_test_add_sink(k6c_test *test, const k6c_sink_vtable *vt, void *payload)
{
	k6c__test_sinks *ts;
	k6c_sink *sink;
	char name[32];
	int rc;

	if ((rc = k6c__test_sinks_for(test, "k6c_test_add_sink", &ts))) {
		/* The payload is the test's from the call on, failure included. */
		if (vt && vt->free)
			vt->free(payload);
		return rc;
	}
	snprintf(name, sizeof(name), "sink %zu", ts->nhost + 1);
	if ((rc = k6c__sink_new(&sink, vt, payload, name)))
		return rc;
	if (sinks_append(ts, sink, NULL)) {
		k6c__sink_free(sink);
		return k6c__error(K6C_ENOMEM, "k6c_test_add_sink: out of memory");
	}
	ts->nhost++;
	return 0;
}

K6C_EXTERN(int) k6c_sink_fail(k6c_sink *sink, int abort, const char *message)
{
	if (!sink)
		return k6c__error(K6C_EINVAL, "k6c_sink_fail: sink is NULL");
	return k6c__sink_fail(sink, abort, message);
}

K6C_EXTERN(const char *) k6c_sink_summary_json(const k6c_sink *sink)
{
	return sink ? k6c__sink_summary_json(sink) : NULL;
}

K6C_EXTERN(int) k6c_output_register(const char *name, k6c_output_factory factory,
	void *factory_payload)
{
	return k6c__output_register(name, factory, factory_payload);
}

K6C_EXTERN(int) k6c_test_register_output(k6c_test *test, const char *name,
	k6c_output_factory factory, void *factory_payload)
{
	k6c__output_entry e;
	k6c__test_sinks *ts;
	int rc;

	if ((rc = k6c__test_sinks_for(test, "k6c_test_register_output", &ts)) ||
	    (rc = k6c__output_name_check(name, "k6c_test_register_output")))
		return rc;
	if (!factory)
		return k6c__error(K6C_EINVAL, "k6c_test_register_output: factory is NULL");
	if (k6c__output_find(name, &e) == 0)
		return k6c__error(K6C_ECONFIG, "k6c_test_register_output: an output named \"%s\" is "
			"already registered for the process", name);
	return k6c__output_list_add(&ts->outputs, name, factory, factory_payload,
		"k6c_test_register_output");
}

K6C_EXTERN(int) k6c_test_add_output(k6c_test *test, const char *spec)
{
	k6c__test_sinks *ts;
	char *copy;
	int rc;

	if ((rc = k6c__test_sinks_for(test, "k6c_test_add_output", &ts)))
		return rc;
	if (!spec || !*spec || *spec == '=')
		return k6c__error(K6C_EINVAL, "k6c_test_add_output: the output name is empty");
	if (!(copy = k6c__strdup(spec)) || sinks_append(ts, NULL, copy)) {
		k6c__free(copy);
		return k6c__error(K6C_ENOMEM, "k6c_test_add_output: out of memory");
	}
	return 0;
}

K6C_EXTERN(const char *) k6c_output_env(const k6c_output_params *params, const char *key)
{
	if (!params || !params->test || !key)
		return NULL;
	return k6c__test_sysenv(params->test, key);
}

K6C_EXTERN(const char *) k6c_output_env_at(const k6c_output_params *params, size_t i,
	const char **value)
{
	const char *key;

	if (!params || !params->test || !(key = k6c__test_sysenv_at(params->test, i, value)))
		return NULL;
	return key;
}

/* ---- one run ------------------------------------------------------------- */

static int run_add(k6c__run_sinks *r, k6c_sink *s, bool owned)
{
	r->all[r->nall] = s;
	r->owned[r->nall] = owned;
	r->nall++;
	return 0;
}

/* Calls the factory of a `-o` selection and adds its sink to the run.
 * Return 0, K6C_ECONFIG (message set) or K6C_ENOMEM. */
static int open_named(k6c__run_sinks *r, const k6c__run_sinks_config *cfg, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char *name = k6c__strndup(spec, eq ? (size_t)(eq - spec) : strlen(spec));
	const k6c__output_entry *local;
	k6c__output_entry e;
	k6c_output_params params;
	const k6c_sink_vtable *vt = NULL;
	void *payload = NULL;
	k6c_sink *sink;
	char err[1024];
	int rc;

	if (!name)
		return k6c__error(K6C_ENOMEM, "out of memory selecting the outputs");
	/* The process's outputs first: a test's may not shadow them. */
	if (k6c__output_find(name, &e) != 0) {
		if ((local = k6c__output_list_find(&cfg->sinks->outputs, name)) != NULL) {
			e = *local;
		} else {
			k6c__buf names = K6C__BUF_INIT;
			rc = k6c__output_names(&cfg->sinks->outputs, &names);
			if (rc == 0)
				rc = k6c__error(K6C_ECONFIG, "invalid output type '%s', available types are: %s",
					name, names.len ? names.ptr : "(none)");
			k6c__buf_free(&names);
			k6c__free(name);
			return rc;
		}
	}
	memset(&params, 0, sizeof(params));
	params.name = name;
	params.arg = eq ? eq + 1 : "";
	params.script_path = cfg->script_path;
	params.test = cfg->test;
	err[0] = '\0';
	rc = e.factory(&params, e.payload, &vt, &payload, err, sizeof(err));
	err[sizeof(err) - 1] = '\0';
	if (rc != 0 || !vt) {
		rc = k6c__error(K6C_ECONFIG, "could not create the '%s' output: %s", name,
			rc != 0 ? (*err ? err : "the factory failed") : "the factory returned no vtable");
		k6c__free(name);
		return rc;
	}
	rc = k6c__sink_new(&sink, vt, payload, name);
	if (rc == K6C_ENOMEM) {
		k6c__free(name);
		return rc;
	}
	if (rc) {
		const k6c_error *le = k6c_error_last();
		rc = k6c__error(K6C_ECONFIG, "could not create the '%s' output: %s", name,
			le ? le->message : k6c_strerror(rc));
		k6c__free(name);
		return rc;
	}
	k6c__free(name);
	return run_add(r, sink, true);
}

int k6c__run_sinks_open(k6c__run_sinks *r, const k6c__run_sinks_config *cfg, k6c__buf *header)
{
	k6c__output_config ocfg;
	size_t n = cfg->sinks->n;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->metrics = cfg->metrics;
	if (n > 0 && (!(r->all = k6c__calloc(n, sizeof(*r->all))) ||
	              !(r->owned = k6c__calloc(n, sizeof(*r->owned)))))
		return k6c__error(K6C_ENOMEM, "out of memory selecting the outputs");
	for (size_t i = 0; i < n && rc == 0; i++) {
		const k6c__test_out *to = &cfg->sinks->v[i];
		rc = to->sink ? run_add(r, to->sink, false) : open_named(r, cfg, to->spec);
	}
	if (rc)
		return rc;
	memset(&ocfg, 0, sizeof(ocfg));
	ocfg.log = cfg->log;
	ocfg.log_arg = cfg->log_arg;
	ocfg.on_abort = cfg->on_abort;
	ocfg.on_abort_arg = cfg->on_abort_arg;
	if (r->nall > 0 && (rc = k6c__output_new(&r->out, &ocfg, r->all, r->nall)))
		return rc;
	/* k6's header: the descriptions joined by ", ", "-" without any. */
	rc = k6c__buf_puts(header, "output: ");
	for (size_t i = 0; i < r->nall && rc == 0; i++)
		rc = k6c__buf_printf(header, "%s%s", i ? ", " : "", k6c__sink_description(r->all[i]));
	if (rc == 0 && r->nall == 0)
		rc = k6c__buf_puts(header, "-");
	return rc ? K6C_ENOMEM : 0;
}

static void info_fill(k6c__run_sinks *r, int id, k6c_metric_info *out)
{
	k6c__metric_info mi;

	memset(out, 0, sizeof(*out));
	out->id = id;
	if (k6c__metrics_info(r->metrics, id, &mi) != 0)
		return;
	out->name = mi.name;
	switch (mi.type) {
	case K6C__COUNTER: out->type = K6C_METRIC_COUNTER; break;
	case K6C__GAUGE: out->type = K6C_METRIC_GAUGE; break;
	case K6C__RATE: out->type = K6C_METRIC_RATE; break;
	case K6C__TREND: out->type = K6C_METRIC_TREND; break;
	}
	switch (mi.contains) {
	case K6C__CONTAINS_DEFAULT: out->contains = K6C_CONTAINS_DEFAULT; break;
	case K6C__CONTAINS_TIME: out->contains = K6C_CONTAINS_TIME; break;
	case K6C__CONTAINS_DATA: out->contains = K6C_CONTAINS_DATA; break;
	}
}

/* The info of metric id, filled on first use; NULL on out of memory or an
 * id the registry does not know. */
static const k6c_metric_info *info_get(k6c__run_sinks *r, int id)
{
	k6c_metric_info *mi;
	size_t k, off;

	if (id < 0)
		return NULL;
	if ((size_t)id < r->nstart)
		return &r->start_metrics[id];
	k = ((size_t)id - r->nstart) / INFO_CHUNK;
	off = ((size_t)id - r->nstart) % INFO_CHUNK;
	if (k >= r->nchunks) {
		/* Only the directory moves; chunks stay where they are. */
		k6c_metric_info **d = k6c__realloc(r->chunks, (k + 1) * sizeof(*d));
		if (!d)
			return NULL;
		for (size_t i = r->nchunks; i <= k; i++)
			d[i] = NULL;
		r->chunks = d;
		r->nchunks = k + 1;
	}
	if (!r->chunks[k] && !(r->chunks[k] = k6c__calloc(INFO_CHUNK, sizeof(**r->chunks))))
		return NULL;
	mi = &r->chunks[k][off];
	if (!mi->name)
		info_fill(r, id, mi);
	return mi->name ? mi : NULL;
}

int k6c__run_sinks_start(k6c__run_sinks *r, const char *script_path, const char *options_json)
{
	int n;

	if (!r->out)
		return 0;
	n = k6c__metrics_count(r->metrics);
	if (n > 0 && !(r->start_metrics = k6c__calloc((size_t)n, sizeof(*r->start_metrics))))
		return k6c__error(K6C_ENOMEM, "out of memory starting the outputs");
	r->nstart = (size_t)n;
	for (int i = 0; i < n; i++)
		info_fill(r, i, &r->start_metrics[i]);
	r->info.script_path = script_path;
	r->info.options_json = options_json ? options_json : "{}";
	r->info.metrics = r->start_metrics;
	r->info.nmetrics = r->nstart;
	r->info.start_us = k6c__wall_us();
	return k6c__output_start(r->out, &r->info);
}

void k6c__run_sinks_on_samples(const k6c__sample_view *views, size_t n, void *arg)
{
	k6c__run_sinks *r = arg;
	size_t k = 0;

	if (!r->out || n == 0)
		return;
	if (n > r->capconv) {
		k6c_sample *p = k6c__realloc(r->conv, n * sizeof(*p));
		if (!p)
			return;
		r->conv = p;
		r->capconv = n;
	}
	for (size_t i = 0; i < n; i++) {
		const k6c_metric_info *mi = info_get(r, views[i].metric);
		k6c_sample *s = &r->conv[k];
		if (!mi)
			continue;
		s->metric = mi;
		s->time_us = views[i].time_us;
		s->value = views[i].value;
		s->tags = views[i].tags;
		s->ntags = views[i].ntags;
		s->metadata = views[i].metadata;
		s->nmetadata = views[i].nmetadata;
		k++;
	}
	k6c__output_push(r->out, r->conv, k);
}

void k6c__run_sinks_stop(k6c__run_sinks *r, int exit_code, const char *summary_json)
{
	k6c__output_stop(r->out, exit_code, summary_json);
}

bool k6c__run_sinks_aborted(k6c__run_sinks *r, k6c__buf *why)
{
	const char *name, *msg;

	if (!k6c__output_aborted(r->out, &name, &msg))
		return false;
	if (why)
		k6c__buf_printf(why, "test run aborted by output \"%s\": %s", name, msg);
	return true;
}

void k6c__run_sinks_close(k6c__run_sinks *r, int exit_code)
{
	k6c__output_stop(r->out, exit_code, NULL);
	k6c__output_free(r->out);
	for (size_t i = 0; i < r->nall; i++) {
		if (r->owned[i])
			k6c__sink_free(r->all[i]);
	}
	k6c__free(r->all);
	k6c__free(r->owned);
	for (size_t i = 0; i < r->nchunks; i++)
		k6c__free(r->chunks[i]);
	k6c__free(r->chunks);
	k6c__free(r->start_metrics);
	k6c__free(r->conv);
	memset(r, 0, sizeof(*r));
}
