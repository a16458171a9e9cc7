/*
 * output.h - the output layer: sinks (k6c/sink.h's k6c_sink handles), the
 * output thread of a run that feeds them batches in time order, and the
 * registry of named outputs.
 *
 * A run's k6c__output owns one thread. Samples are pushed to it from any
 * thread (in practice the metrics thread) and only copied into a queue, so
 * a slow sink never holds up the producer. Every flush interval the thread
 * merges what arrived into a time-sorted holdback buffer and hands each
 * sink, one after the other, the samples older than the watermark (now
 * minus the holdback lag): a sample still on its way from a worker is
 * older than the watermark only when it is later than the lag, and then its
 * time is raised to the last delivered one so that the order promise holds
 * (the lag grows to cover such lateness). At stop everything left goes out.
 *
 * The layer sees only public types (k6c_sample, k6c_sink_vtable) and
 * lib/util; the api layer adapts the metrics thread's views.
 */
#ifndef K6C_OUTPUT_H
#define K6C_OUTPUT_H

#include "k6c/sink.h"
#include "util/util.h"

/* ---- sinks ---- */

/* Wraps a vtable and its payload in a k6c_sink handle. name is used in
 * messages ("output \"name\": ...") and as the default description; it is
 * copied. On failure vt->free(payload) has been called, as k6c_test_add_sink
 * promises. Return 0, K6C_EINVAL (NULL vt or no add_samples), K6C_ENOTSUP
 * (unknown version) or K6C_ENOMEM; the message is set. */
int k6c__sink_new(k6c_sink **out, const k6c_sink_vtable *vt, void *payload, const char *name);
/* Calls vt->free(payload) and frees the handle. Not while a run uses it. */
void k6c__sink_free(k6c_sink *s);
/* The sink's description for the run header: vt->description's text, or
 * its name. Valid until the sink is freed (or described again). */
const char *k6c__sink_description(k6c_sink *s);
const char *k6c__sink_name(const k6c_sink *s);
/* The summary JSON during the sink's stop(), else NULL. */
const char *k6c__sink_summary_json(const k6c_sink *s);
/* k6c_sink_fail() for a non-NULL sink: see k6c/sink.h. From start() the
 * message is kept as the reason; otherwise abort asks the run to stop
 * (k6c__output_config.on_abort, once) until the output stops, and a plain
 * error is logged once per distinct message. Return 0. */
int k6c__sink_fail(k6c_sink *s, int abort, const char *message);
/* Logs "output \"name\": message" at level (k6c_log_level) through the
 * log of the run the sink serves; nothing between runs. Thread: any, until
 * the sink's stop() returns. */
void k6c__sink_log(k6c_sink *s, int level, const char *message);

/* ---- the output of one run ---- */

typedef struct k6c__output k6c__output;

typedef struct k6c__output_config {
	unsigned flush_interval_ms;   /* 0: 100 */
	/* Samples held at most (queued or held back); more are dropped,
	 * counted and reported at stop. 0: 2,000,000. */
	size_t queue_max;
	/* Errors of the sinks, from the output thread or a sink's own thread. */
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
	/* A sink called k6c_sink_fail(abort=1) before the output stopped: once,
	 * from whichever thread the sink called it on. */
	void (*on_abort)(void *arg);
	void *on_abort_arg;
} k6c__output_config;

/* An output for the sinks (borrowed; they must outlive it, and take part in
 * one output at a time). No thread yet. Return 0 or K6C_ENOMEM. */
int k6c__output_new(k6c__output **out, const k6c__output_config *cfg, k6c_sink *const *sinks,
	size_t nsinks);
/* Starts the thread and calls every sink's start() there, in order, and
 * waits for them. info and what it points to must stay valid until
 * k6c__output_stop returns. If a start() fails, the later sinks are not
 * started and K6C_EIO is returned with the message "could not start output
 * \"name\": why" (why from k6c_sink_fail, else "start() failed"); call
 * k6c__output_stop all the same: it stops those that did start. Return 0,
 * K6C_EIO, K6C_ESTATE (started before) or K6C_EINTERNAL (no thread). */
int k6c__output_start(k6c__output *o, const k6c_sink_start_info *info);
/* Queues n samples for every sink; any thread, never blocks for long.
 * Metadata is copied; each sample's metric info and tags are borrowed and
 * must stay valid until k6c__output_stop returns. Samples pushed before
 * start, after stop, or with no sink started are dropped. Out of memory
 * drops the samples too (counted, logged once at stop). */
void k6c__output_push(k6c__output *o, const k6c_sample *samples, size_t n);
/* Delivers everything still held in one last batch (in time order), calls
 * the stop() of every started sink with exit_code (k6c_sink_summary_json
 * gives them summary_json, borrowed for the call, NULL when there is no
 * summary), and joins the thread.
 * Once; later calls do nothing. Also fine when never started. */
void k6c__output_stop(k6c__output *o, int exit_code, const char *summary_json);
/* Frees the output (stopping it first); the sinks are released, not
 * freed. NULL is a no-op. */
void k6c__output_free(k6c__output *o);
/* True once a sink asked to abort (before stop); *sink_name and *message
 * (when not NULL) then receive the first request's sink and message, owned
 * by the output. */
bool k6c__output_aborted(k6c__output *o, const char **sink_name, const char **message);
/* Samples delivered to the sinks so far (each counted once, not per sink).
 * Thread: any. */
uint64_t k6c__output_delivered(k6c__output *o);
/* The holdback lag now, in microseconds (grows when late samples come). */
int64_t k6c__output_lag_us(k6c__output *o);

/* ---- named outputs ---- */

/* A named output: the factory `-o name=arg` selects. */
typedef struct k6c__output_entry {
	char *name;
	k6c_output_factory factory;
	void *payload;
} k6c__output_entry;

/* A list of named outputs (one test's, or the process's). Zeroed is empty. */
typedef struct k6c__output_list {
	k6c__output_entry *v;
	size_t n, cap;
} k6c__output_list;

/* Checks an output name (letters, digits, '-' and '_', 1 to 64 bytes).
 * fn names the API function in the message. Return 0 or K6C_EINVAL. */
int k6c__output_name_check(const char *name, const char *fn);
/* Adds an entry (name copied). Return 0, K6C_ECONFIG (already in the list)
 * or K6C_ENOMEM; the message names fn. The name is not checked here. */
int k6c__output_list_add(k6c__output_list *l, const char *name, k6c_output_factory factory,
	void *payload, const char *fn);
const k6c__output_entry *k6c__output_list_find(const k6c__output_list *l, const char *name);
void k6c__output_list_free(k6c__output_list *l);

/* The built-in outputs (builtin.h) and the process-wide list, behind a
 * lock. register: as list_add, plus the name check, and K6C_ECONFIG for a
 * built-in's name. find looks at the built-ins first, then the list, and
 * copies the entry's factory and payload (its name pointer is not kept).
 * Return 0, or K6C_ENOTFOUND (no message). */
int k6c__output_register(const char *name, k6c_output_factory factory, void *payload);
int k6c__output_find(const char *name, k6c__output_entry *out);
/* Every available name, the built-ins', the process's and extra's, sorted and separated by
 * ", ", appended to out; nothing when there are none. Return 0 or
 * K6C_ENOMEM. */
int k6c__output_names(const k6c__output_list *extra, k6c__buf *out);

/* ---- HTTP for network outputs ---- */

/* Network outputs (influxdb, prometheus remote write) send through a hook
 * rather than through libcurl: curl.h stays in lib/http, and lib/output
 * never calls up into it. lib/api installs lib/http's blocking request
 * function once, before the first run. */

/* One blocking request. Everything is borrowed for the call. */
typedef struct k6c__output_http_req {
	const char *method;             /* "GET", "POST", ... */
	const char *url;
	const char *const *headers;     /* "Name: value" lines */
	size_t nheaders;
	const void *body;               /* NULL: no body */
	size_t body_len;
	unsigned timeout_ms;            /* the whole request's bound; 0: none */
	const char *username;           /* basic auth when not NULL */
	const char *password;           /* NULL: "" */
	bool insecure;                  /* do not verify the server's TLS certificate */
	const char *proxy;              /* a proxy URL; NULL: curl's default (the *_proxy env) */
} k6c__output_http_req;

/* Its result. Zero it before the call; free body with k6c__buf_free. */
typedef struct k6c__output_http_resp {
	long status;                    /* the HTTP status, 0 when no response came */
	k6c__buf body;                  /* the response body */
	char error[256];                /* why the request failed (transport errors) */
} k6c__output_http_resp;

/* Performs req and fills resp. Return 0 when a response came (whatever its
 * status), K6C_EIO (resp->error says why: connection refused, timeout,
 * ...), K6C_EINVAL (bad request) or K6C_ENOMEM. Thread: any thread of the
 * output's own (never a worker's loop); every call is independent. */
typedef int (*k6c__output_http_fn)(const k6c__output_http_req *req, k6c__output_http_resp *resp);

/* Installs the hook (lib/api: lib/http's k6c__http_blocking). Thread:
 * any; the last call wins. */
void k6c__output_set_http(k6c__output_http_fn fn);
/* Calls the installed hook. Return as k6c__output_http_fn, or K6C_ENOTSUP
 * (resp->error set) when none is installed. */
int k6c__output_http(const k6c__output_http_req *req, k6c__output_http_resp *resp);

/* ---- the environment of output factories ---- */

/* Built-in factories read K6_* through this rather than k6c_output_env()
 * (lib/api): the layer's unit tests link lib/output alone. lib/api
 * installs k6c_output_env with the HTTP hook. */
typedef const char *(*k6c__output_env_fn)(const k6c_output_params *params, const char *key);
void k6c__output_set_env(k6c__output_env_fn fn);
/* The installed function's answer; NULL when none is installed. */
const char *k6c__output_env(const k6c_output_params *params, const char *key);
/* The environment's variable number i, for outputs that read a family of
 * names (K6_PROMETHEUS_RW_HEADERS_<name>) or refuse names they do not
 * know: its key, with its value in *value, or NULL past the last. lib/api
 * installs k6c_output_env_at with the other hooks. */
typedef const char *(*k6c__output_env_at_fn)(const k6c_output_params *params, size_t i,
	const char **value);
void k6c__output_set_env_at(k6c__output_env_at_fn fn);
const char *k6c__output_env_at(const k6c_output_params *params, size_t i, const char **value);

#endif /* K6C_OUTPUT_H */
