/*
 * mod_http.h - internal to lib/engine: the parts of k6/http's request path
 * that http.batch and http.asyncRequest (mod_http_async.c) share with
 * request() (mod_http.c): a request built from its JavaScript arguments,
 * the samples of each hop, and the Response object.
 */
#ifndef K6C_ENGINE_MOD_HTTP_H
#define K6C_ENGINE_MOD_HTTP_H

#include "engine/mod_http_ext.h"
#include "engine/vm.h"

/* Tags k6c__http_on_hop adds to a request's own (proto, status, method,
 * url, name, expected_response, error_code, error, tls_version, ...): a
 * request's tag array has room for this many more. */
#define K6C__HTTP_HOP_TAGS 16

/* A request ready to go. k6c__http_prepare leaves every pointer borrowed
 * from the VU's scratch space and the value stack, which the next native
 * call reuses; mod_http_async.c copies what a request that outlives the
 * call needs (call_new: the struct by value, then the method, URL, header
 * lines, body, tags and request cookies). A field added here that points into borrowed
 * memory must be copied there too, or batch and asyncRequest requests
 * would read freed memory; k6c__http_on_hop must keep to C data, as it
 * runs on the loop thread while the VU does something else. */
typedef struct k6c__http_prep {
	k6c__vm *vm;
	k6c__http_req req;       /* what is sent; headers are "Name: value" lines */
	int rtype;               /* params.responseType (mod_http.c's enum response_type) */
	bool throw_err;          /* params.throw, else the throw option */
	bool has_name;           /* params.tags has a name, which then names every hop */
	/* k6's error for a body it cannot send (mod_http_body.h; a static
	 * string) or for a bad params.compression (error_text), or NULL:
	 * with one the request is not made and the response carries the
	 * error. */
	const char *body_error;
	char error_text[160];    /* body_error's text when it is not static (params.compression) */
	k6c__tag *tags;          /* the samples' own tags (the VU's, params.tags) ... */
	size_t ntags;            /* ... ntags of them, with room for K6C__HTTP_HOP_TAGS more */
	/* The response callback and params.redirects (mod_http_ext.h); req
	 * also has the jar (referenced while a transfer uses it) and
	 * params.cookies (borrowed, as the rest). */
	k6c__http_ext ext;
} k6c__http_prep;

/* Builds the request of method on the URL at url_i with the body at body_i
 * (< 0: none) and the params at params_i (may be undefined); the indices
 * are absolute. Throws a Duktape error for bad arguments before it takes
 * anything. */
void k6c__http_prepare(duk_context *ctx, k6c__vm *vm, const char *method, duk_idx_t url_i,
	duk_idx_t body_i, duk_idx_t params_i, k6c__http_prep *out);

/* The k6c__http_cb of a request (arg: its k6c__http_prep): the samples of
 * each hop. Loop thread; only C data. */
void k6c__http_on_hop(k6c__http_conn *conn, k6c__http_resp *r, bool is_final, void *arg);

/* Makes resp the failure of a request that could not start (rc from
 * k6c__vu_http or k6c__http_start, the message from k6c_error_last()):
 * error code 1020 for K6C_EINVAL (a bad URL), else 1000. */
void k6c__http_fail(k6c__http_resp *resp, int rc);

/* [ ... ] -> [ ... Response ] from the final response, and 0; or, when the
 * request failed and params.throw (or the throw option) is set, [ ...
 * Error ] and 1, for the caller to throw or reject with. A failure without
 * throw logs k6's "Request Failed" warning. resp is left to the caller. */
int k6c__http_finish(duk_context *ctx, const k6c__http_prep *p, const k6c__http_resp *resp);

/* http.batch(requests) and http.asyncRequest(method, url, body, params):
 * mod_http_async.c. */
duk_ret_t k6c__http_js_batch(duk_context *ctx);
duk_ret_t k6c__http_js_async_request(duk_context *ctx);

/* Response.submitForm() and clickLink() (mod_http_forms.c), put on the
 * Response prototype at proto. */
void k6c__mod_http_forms_put(duk_context *ctx, duk_idx_t proto);

#endif /* K6C_ENGINE_MOD_HTTP_H */
