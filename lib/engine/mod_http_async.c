/*
 * mod_http_async.c - the requests of k6/http that run beside the VU's
 * JavaScript: http.batch(requests), whose requests run in parallel while
 * the VU waits for all of them, and http.asyncRequest(), which returns a
 * Promise settled on the VU's event loop (eventloop.h).
 *
 * Each such request is a "call": the request built by k6c__http_prepare
 * (mod_http.c), copied into one allocation of its own because it outlives
 * the scratch space the next native call reuses, the final response, and
 * one of the VU's extra connections (k6c__vu_conn_take), so several
 * transfers of one VU are in flight on the worker's HTTP client at once.
 * Every hop emits its samples as a single request's do (k6c__http_on_hop
 * with the call's own tags); the final one marks the call done and wakes
 * the VU. Calls are operations of the VU's event loop, so whatever ends
 * the VU's iteration early (an exception, a hard stop) cancels them.
 */
#include "engine/eventloop.h"
#include "engine/mod_http.h"

#include <ctype.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "k6c/test.h"

/* Largest response buffer handed back to a connection for reuse (as
 * mod_http.c's RECYCLE_MAX). */
#define RECYCLE_MAX (64 * 1024)

typedef struct http_call {
	k6c__vm_op op;               /* first: the event loop's part */
	k6c__http_prep p;            /* points into mem */
	k6c__http_resp resp;         /* the final response */
	k6c__http_conn *conn;        /* while the transfer runs, or until freed */
	bool started;
	bool done;                   /* the final response is in resp */
	bool counted;                /* batch: its completion was seen */
	const char *host;            /* the URL's authority, for batchPerHost */
	size_t host_len;
	alignas(max_align_t) char mem[];
} http_call;

static void async_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op);
static void call_drop(k6c__vm *vm, k6c__vm_op *op, bool interrupted);
static void batch_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op);

/* asyncRequest's calls keep the event loop alive and settle a promise;
 * batch's belong to the running http.batch() (never queued). */
static const k6c__op_vt async_vt = { async_run, call_drop };
static const k6c__op_vt batch_vt = { batch_run, call_drop };

/* ---- Calls ---------------------------------------------------------------- */

static size_t align_up(size_t n)
{
	return (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

/* The authority of an absolute URL ("host:port" without userinfo), or the
 * whole string when it has none. */
static void url_host(const char *url, const char **out, size_t *len)
{
	const char *p = strstr(url, "://"), *end, *at;

	if (p == NULL) {
		*out = url;
		*len = strlen(url);
		return;
	}
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	*out = p;
	*len = (size_t)(end - p);
}

/* A call holding a copy of everything p borrows (its strings, header
 * lines, body, tags and request cookies), not yet in the VM's list; NULL on
 * out-of-memory. (The jar is not borrowed: lib/http references it.) */
static http_call *call_new(const k6c__http_prep *p)
{
	const k6c__http_req *q = &p->req;
	size_t ntags = p->ntags + K6C__HTTP_HOP_TAGS;
	size_t off_hdrs = 0;
	size_t off_tags = align_up(off_hdrs + q->nheaders * sizeof(char *));
	size_t off_cookies = align_up(off_tags + ntags * sizeof(k6c__tag));
	size_t off_str = align_up(off_cookies + q->ncookies * sizeof(k6c__http_cookie));
	size_t size = off_str, at;
	http_call *c;
	char *m;

	size += strlen(q->method) + 1 + strlen(q->url) + 1;
	for (size_t i = 0; i < q->nheaders; i++)
		size += strlen(q->headers[i]) + 1;
	size += q->body != NULL ? q->body_len + 1 : 0;
	for (size_t i = 0; i < p->ntags; i++)
		size += strlen(p->tags[i].key) + 1 + strlen(p->tags[i].value) + 1;
	for (size_t i = 0; i < q->ncookies; i++)
		size += strlen(q->cookies[i].name) + 1 + strlen(q->cookies[i].value) + 1;

	c = k6c__calloc(1, sizeof(*c) + size);
	if (c == NULL)
		return NULL;
	m = c->mem;
	at = off_str;
#define COPY(dst, src, n) do { memcpy(m + at, (src), (n)); (dst) = m + at; at += (n); } while (0)
	c->p = *p;
	if (p->body_error == p->error_text)
		c->p.body_error = c->p.error_text;
	COPY(c->p.req.method, q->method, strlen(q->method) + 1);
	COPY(c->p.req.url, q->url, strlen(q->url) + 1);
	{
		const char **hdrs = (const char **)(void *)(m + off_hdrs);

		for (size_t i = 0; i < q->nheaders; i++)
			COPY(hdrs[i], q->headers[i], strlen(q->headers[i]) + 1);
		c->p.req.headers = q->nheaders > 0 ? hdrs : NULL;
	}
	if (q->body != NULL) {
		COPY(c->p.req.body, q->body, q->body_len);
		m[at++] = '\0';
	}
	c->p.tags = (k6c__tag *)(void *)(m + off_tags);
	for (size_t i = 0; i < p->ntags; i++) {
		COPY(c->p.tags[i].key, p->tags[i].key, strlen(p->tags[i].key) + 1);
		COPY(c->p.tags[i].value, p->tags[i].value, strlen(p->tags[i].value) + 1);
	}
	{
		k6c__http_cookie *rc = (k6c__http_cookie *)(void *)(m + off_cookies);

		for (size_t i = 0; i < q->ncookies; i++) {
			COPY(rc[i].name, q->cookies[i].name, strlen(q->cookies[i].name) + 1);
			COPY(rc[i].value, q->cookies[i].value, strlen(q->cookies[i].value) + 1);
			rc[i].replace = q->cookies[i].replace;
		}
		c->p.req.cookies = q->ncookies > 0 ? rc : NULL;
	}
#undef COPY
	url_host(c->p.req.url, &c->host, &c->host_len);
	return c;
}

/* Loop thread: a hop of the call's transfer. */
static void call_cb(k6c__http_conn *conn, k6c__http_resp *r, bool is_final, void *arg)
{
	http_call *c = arg;

	k6c__http_on_hop(conn, r, is_final, &c->p);
	if (!is_final)
		return;
	c->done = true;
	if (c->op.vt == &async_vt)
		k6c__evloop_ready(&c->op);
	else
		k6c__evloop_wake(c->op.vm);
}

/* Starts the call's transfer on an extra connection of the VU's; a
 * request that cannot start (a bad URL, a body k6 cannot send) is done at
 * once with its error in the response, as request() reports it. */
static void call_start(k6c__vm *vm, http_call *c)
{
	int rc;

	c->started = true;
	if (c->p.body_error != NULL) {
		/* As request(): no request, a response with the error. */
		snprintf(c->resp.error, sizeof(c->resp.error), "%s", c->p.body_error);
	} else {
		rc = k6c__vu_conn_take(vm->vu, &c->conn);
		if (rc == 0)
			rc = k6c__http_start(c->conn, &c->p.req, &c->resp, call_cb, c);
		if (rc == 0)
			return;
		k6c__http_fail(&c->resp, rc);
	}
	c->done = true;
	if (c->op.vt == &async_vt)
		k6c__evloop_ready(&c->op);
	else
		k6c__evloop_wake(vm);
}

/* Gives the call's connection back to the VU (cancelling its transfer if
 * it still runs) with the response's memory for reuse, unless the
 * response is still needed. */
static void call_release_conn(k6c__vm *vm, http_call *c, bool keep_resp)
{
	if (c->conn == NULL)
		return;
	k6c__http_cancel(c->conn);
	if (!keep_resp) {
		if (c->resp.body.cap > RECYCLE_MAX)
			k6c__buf_free(&c->resp.body);
		if (c->resp.headers.cap > RECYCLE_MAX)
			k6c__buf_free(&c->resp.headers);
		k6c__http_conn_recycle(c->conn, &c->resp);
	}
	k6c__vu_conn_give(vm->vu, c->conn);
	c->conn = NULL;
}

/* Frees a call already out of the VM's list. */
static void call_free(k6c__vm *vm, http_call *c)
{
	call_release_conn(vm, c, false);
	k6c__http_resp_free(&c->resp);
	k6c__free(c);
}

static void call_drop(k6c__vm *vm, k6c__vm_op *op, bool interrupted)
{
	K6C__UNUSED(interrupted);
	call_free(vm, (http_call *)op);
}

/* ---- http.asyncRequest ------------------------------------------------------ */

static void async_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op)
{
	http_call *c = (http_call *)op;
	int failed;

	k6c__evloop_push_ref(ctx, vm, op->ref);                 /* [ resolvers ] */
	failed = k6c__http_finish(ctx, &c->p, &c->resp);        /* [ resolvers value ] */
	/* The call goes before any JavaScript runs, so nothing is left
	 * behind whatever that JavaScript throws. */
	k6c__evloop_unref(ctx, vm, op->ref);
	k6c__evloop_del(vm, op);
	call_free(vm, c);
	duk_get_prop_index(ctx, -2, failed ? 1 : 0);
	duk_dup(ctx, -2);
	duk_call(ctx, 1);
	duk_pop_3(ctx);
}

/* asyncRequest(method, url, body, params): as request(), but the response
 * (or, with throw, the error) settles the returned promise on the VU's
 * event loop. */
duk_ret_t k6c__http_js_async_request(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__http_prep p;
	http_call *c;
	uint32_t ref;

	k6c__vm_check_not_init(ctx, vm, "Making http requests");
	if (vm->vu == NULL)
		return duk_error(ctx, DUK_ERR_ERROR, "Making http requests needs a VU");
	if (k6c__vu_should_stop(vm->vu))
		k6c__vm_throw_aborted(ctx, vm);
	k6c__http_prepare(ctx, vm, duk_to_string(ctx, 0), 1, 2, 3, &p);
	k6c__evloop_push_promise(ctx, "http.asyncRequest");   /* [ ... promise resolvers ] */
	ref = k6c__evloop_ref(ctx, vm, -1);
	c = call_new(&p);
	if (c == NULL) {
		k6c__evloop_unref(ctx, vm, ref);
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	}
	k6c__evloop_add(vm, &c->op, &async_vt, true);
	c->op.ref = ref;
	call_start(vm, c);
	duk_pop(ctx);
	return 1;
}

/* ---- http.batch ------------------------------------------------------------- */

static void batch_run(duk_context *ctx, k6c__vm *vm, k6c__vm_op *op)
{
	/* Batch calls are never queued: http.batch() collects them itself. */
	K6C__UNUSED(ctx);
	K6C__UNUSED(vm);
	K6C__UNUSED(op);
}

/* Frees the calls of a batch that threw before it finished (a bad item
 * after good ones, out-of-memory): batch calls only exist while a batch
 * runs, and no JavaScript runs in between. */
static void batch_free_all(k6c__vm *vm)
{
	k6c__vm_op *op = vm->ops;

	while (op != NULL) {
		k6c__vm_op *next = op->next;

		if (op->vt == &batch_vt) {
			k6c__evloop_del(vm, op);
			call_free(vm, (http_call *)op);
		}
		op = next;
	}
}

/* The type of the value at idx, for error messages. */
static const char *type_name(duk_context *ctx, duk_idx_t idx)
{
	if (duk_is_array(ctx, idx))
		return "array";
	switch (duk_get_type(ctx, idx)) {
	case DUK_TYPE_UNDEFINED:
		return "undefined";
	case DUK_TYPE_NULL:
		return "null";
	case DUK_TYPE_BOOLEAN:
		return "boolean";
	case DUK_TYPE_NUMBER:
		return "number";
	case DUK_TYPE_STRING:
		return "string";
	default:
		return duk_is_function(ctx, idx) ? "function" : "object";
	}
}

/* [ ... ] -> [ ... method url body params ] for the batch item at item
 * (named by key in errors), in k6's three forms: a URL, [method, url, body,
 * params] or {method, url, body, params}. Returns the method. */
static const char *push_item(duk_context *ctx, duk_idx_t item, const char *key)
{
	const char *method;

	if (duk_is_array(ctx, item)) {
		if (duk_get_length(ctx, item) < 2)
			(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid batch request %s: an array "
				"request needs at least a method and a URL", key);
		duk_get_prop_index(ctx, item, 0);
		if (!duk_is_string(ctx, -1))
			(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid method type of batch request "
				"%s: %s, expected a string", key, type_name(ctx, -1));
		for (duk_uarridx_t i = 1; i < 4; i++)
			duk_get_prop_index(ctx, item, i);
		return duk_get_string(ctx, -4);
	}
	if (duk_is_object(ctx, item) && !duk_is_function(ctx, item) &&
		!duk_is_buffer_data(ctx, item)) {
		bool get_or_head;

		if (!duk_has_prop_string(ctx, item, "url"))
			(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "batch request %s doesn't have a url key", key);
		if (duk_get_prop_string(ctx, item, "method")) {
			duk_size_t n;
			char *up;

			if (!duk_is_string(ctx, -1))
				(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid method type of batch request "
					"%s: %s, expected a string", key, type_name(ctx, -1));
			/* k6 upper-cases the object form's method. */
			duk_get_lstring(ctx, -1, &n);
			up = duk_push_fixed_buffer(ctx, n + 1);
			memcpy(up, duk_get_string(ctx, -2), n + 1);
			for (duk_size_t i = 0; i < n; i++)
				up[i] = (char)toupper((unsigned char)up[i]);
			duk_push_lstring(ctx, up, n);
			duk_replace(ctx, -3);
			duk_pop(ctx);
		} else {
			duk_pop(ctx);
			duk_push_string(ctx, "GET");
		}
		method = duk_get_string(ctx, -1);
		get_or_head = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
		duk_get_prop_string(ctx, item, "url");
		if (get_or_head)
			duk_push_undefined(ctx);   /* k6 sends no body with these */
		else
			duk_get_prop_string(ctx, item, "body");
		duk_get_prop_string(ctx, item, "params");
		return method;
	}
	duk_push_string(ctx, "GET");
	duk_dup(ctx, item);
	duk_push_undefined(ctx);
	duk_push_undefined(ctx);
	return duk_get_string(ctx, -4);
}

/* Requests of the batch to c's host in flight now. */
static unsigned host_inflight(http_call *const *calls, size_t n, const http_call *c)
{
	unsigned k = 0;

	for (size_t i = 0; i < n; i++) {
		const http_call *o = calls[i];

		if (o->started && !o->done && o->host_len == c->host_len &&
			memcmp(o->host, c->host, c->host_len) == 0)
			k++;
	}
	return k;
}

/* batch(requests): an array of requests gives an array of responses, an
 * object of requests an object of responses under the same keys. */
duk_ret_t k6c__http_js_batch(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	unsigned limit = vm->prog->batch, per_host = vm->prog->batch_per_host;
	size_t n = 0, ndone = 0, inflight = 0;
	long first_err = -1;
	http_call **calls;
	duk_idx_t keys, out;
	bool is_array;

	k6c__vm_check_not_init(ctx, vm, "Using batch");
	if (duk_get_top(ctx) == 0)
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "no argument was provided to http.batch()");
	if (duk_get_top(ctx) > 1)
		return duk_error(ctx, DUK_ERR_TYPE_ERROR,
			"http.batch() accepts only an array or an object of requests");
	is_array = duk_is_array(ctx, 0);
	if (!is_array && (!duk_is_object(ctx, 0) || duk_is_function(ctx, 0) ||
			  duk_is_buffer_data(ctx, 0)))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid http.batch() argument type %s, "
			"expected an array or an object of requests", type_name(ctx, 0));
	if (vm->vu == NULL)
		return duk_error(ctx, DUK_ERR_ERROR, "Using batch needs a VU");
	if (k6c__vu_should_stop(vm->vu))
		k6c__vm_throw_aborted(ctx, vm);
	batch_free_all(vm);

	/* The keys: an array's indices, or an object's own enumerable keys. */
	keys = duk_push_array(ctx);
	if (is_array) {
		n = duk_get_length(ctx, 0);
	} else {
		duk_enum(ctx, 0, DUK_ENUM_OWN_PROPERTIES_ONLY);
		while (duk_next(ctx, -1, 0))
			duk_put_prop_index(ctx, keys, (duk_uarridx_t)n++);
		duk_pop(ctx);
	}
	/* The calls, in a buffer the heap frees whatever happens. */
	calls = duk_push_fixed_buffer(ctx, (n > 0 ? n : 1) * sizeof(*calls));
	out = is_array ? duk_push_array(ctx) : duk_push_object(ctx);

	/* Every request is built first: a bad one throws before any is sent. */
	for (size_t i = 0; i < n; i++) {
		duk_idx_t base = duk_get_top(ctx), item;
		char index[32];
		const char *method, *name;
		k6c__http_prep p;

		if (is_array) {
			snprintf(index, sizeof(index), "%zu", i);
			name = index;
			duk_get_prop_index(ctx, 0, (duk_uarridx_t)i);
		} else {
			duk_get_prop_index(ctx, keys, (duk_uarridx_t)i);   /* keeps name alive */
			name = duk_get_string(ctx, -1);
			duk_dup_top(ctx);
			duk_get_prop(ctx, 0);
		}
		item = duk_get_top_index(ctx);
		method = push_item(ctx, item, name);
		k6c__http_prepare(ctx, vm, method, item + 2, item + 3, item + 4, &p);
		calls[i] = call_new(&p);
		if (calls[i] == NULL)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		k6c__evloop_add(vm, &calls[i]->op, &batch_vt, false);
		duk_set_top(ctx, base);
	}

	/* Run them, at most `batch` at once and `batchPerHost` to one host,
	 * each started, in order, as soon as the limits allow. */
	for (;;) {
		for (size_t i = 0; i < n; i++) {
			http_call *c = calls[i];

			if (!c->done || c->counted)
				continue;
			c->counted = true;
			inflight--;
			ndone++;
			/* Its connection serves the batch's next request. */
			call_release_conn(vm, c, true);
			if (first_err < 0 && c->p.throw_err && c->resp.error[0] != '\0')
				first_err = (long)i;
		}
		if (ndone == n)
			break;
		for (size_t i = 0; i < n && (limit == 0 || inflight < limit); i++) {
			http_call *c = calls[i];

			if (c->started || (per_host > 0 && host_inflight(calls, n, c) >= per_host))
				continue;
			call_start(vm, c);
			inflight++;
		}
		/* A request that could not start is done already and woke us:
		 * the wait then returns at once. */
		if (k6c__evloop_wait(vm) != 0) {
			batch_free_all(vm);
			k6c__vm_throw_aborted(ctx, vm);
		}
	}

	/* With throw, the first request to fail makes batch() throw. */
	if (first_err >= 0) {
		(void)k6c__http_finish(ctx, &calls[first_err]->p, &calls[first_err]->resp);
		batch_free_all(vm);
		return duk_throw(ctx);
	}
	for (size_t i = 0; i < n; i++) {
		http_call *c = calls[i];

		(void)k6c__http_finish(ctx, &c->p, &c->resp);
		if (is_array) {
			duk_put_prop_index(ctx, out, (duk_uarridx_t)i);
		} else {
			duk_get_prop_index(ctx, keys, (duk_uarridx_t)i);
			duk_insert(ctx, -2);
			duk_put_prop(ctx, out);
		}
		k6c__evloop_del(vm, &c->op);
		call_free(vm, c);
	}
	duk_dup(ctx, out);
	return 1;
}
