/*
 * mod_http.c - the core of `k6/http`: get/head/post/put/patch/del/options/
 * request. Arguments are validated and the request is built in the VU's
 * reusable buffers before anything is taken (a Duktape error unwinds with
 * longjmp); the VU then suspends in k6c__vu_http. Each hop of a redirect
 * chain emits k6's HTTP samples in one k6c__samples_add call, and the final
 * hop becomes the Response object.
 */
#include "engine/vm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k6c/test.h"

enum response_type { RESP_TEXT, RESP_BINARY, RESP_NONE };

/* ---- Request bodies ------------------------------------------------------- */

/* Go's url.QueryEscape, which k6's form encoding uses. */
static void query_escape(duk_context *ctx, k6c__buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~') {
			k6c__vm_put(ctx, b, &s[i], 1);
		} else if (c == ' ') {
			k6c__vm_put(ctx, b, "+", 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			k6c__vm_put(ctx, b, e, 3);
		}
	}
}

/* key=value with value at the stack top: null/undefined give "key=". */
static void form_pair(duk_context *ctx, k6c__buf *b, const char *key)
{
	const char *v;
	duk_size_t n;

	if (b->len > 0)
		k6c__vm_put(ctx, b, "&", 1);
	query_escape(ctx, b, key, strlen(key));
	k6c__vm_put(ctx, b, "=", 1);
	if (duk_is_null_or_undefined(ctx, -1))
		return;
	if (duk_is_object(ctx, -1) && !duk_is_function(ctx, -1))
		return;   /* nested objects become "" in k6 */
	v = duk_to_lstring(ctx, -1, &n);
	query_escape(ctx, b, v, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A plain object as application/x-www-form-urlencoded, keys sorted as Go's
 * url.Values.Encode does; arrays repeat the key. */
static void form_encode(duk_context *ctx, k6c__vm *vm, duk_idx_t obj, k6c__buf *b)
{
	size_t nkeys = 0;
	duk_idx_t e;

	k6c__buf_clear(b);
	duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
	e = duk_get_top_index(ctx);
	while (duk_next(ctx, e, 0)) {
		/* The key stays on the stack (under the enum's later keys), so
		 * the borrowed pointer lives until the request is done. */
		duk_require_stack(ctx, 2);
		k6c__vm_ptrs_reserve(ctx, vm, nkeys + 1);
		vm->ptrs[nkeys++] = duk_get_string(ctx, -1);
	}
	qsort(vm->ptrs, nkeys, sizeof(*vm->ptrs), cmp_str);
	for (size_t i = 0; i < nkeys; i++) {
		const char *key = vm->ptrs[i];

		duk_get_prop_string(ctx, obj, key);
		if (duk_is_array(ctx, -1)) {
			duk_size_t len = duk_get_length(ctx, -1);

			for (duk_size_t j = 0; j < len; j++) {
				duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
				form_pair(ctx, b, key);
				duk_pop(ctx);
			}
		} else {
			form_pair(ctx, b, key);
		}
		duk_pop(ctx);
	}
	k6c__vm_put(ctx, b, "", 0);
}

/* ---- Request headers ------------------------------------------------------ */

/* "Name: value" lines from params.headers into vm->scratch, pointed to by
 * vm->ptrs; returns how many. Offsets are fixed up into pointers at the end
 * because the buffer may move while it grows. */
static size_t build_headers(duk_context *ctx, k6c__vm *vm, duk_idx_t headers, bool form)
{
	k6c__buf *b = &vm->scratch;
	bool has_ct = false;
	size_t n = 0;

	k6c__buf_clear(b);
	if (headers >= 0 && duk_is_object(ctx, headers)) {
		duk_enum(ctx, headers, DUK_ENUM_OWN_PROPERTIES_ONLY);
		while (duk_next(ctx, -1, 1)) {
			const char *k = duk_get_string(ctx, -2);
			const char *v;

			if (duk_is_null_or_undefined(ctx, -1)) {
				duk_pop_2(ctx);
				continue;
			}
			v = duk_to_string(ctx, -1);
			if (strcasecmp(k, "content-type") == 0)
				has_ct = true;
			k6c__vm_ptrs_reserve(ctx, vm, n + 2);
			vm->ptrs[n++] = (const char *)(uintptr_t)b->len;
			k6c__vm_put(ctx, b, k, strlen(k));
			k6c__vm_put(ctx, b, ": ", 2);
			k6c__vm_put(ctx, b, v, strlen(v));
			k6c__vm_put(ctx, b, "", 1);
			duk_pop_2(ctx);
		}
		duk_pop(ctx);
	}
	if (form && !has_ct) {
		static const char ct[] = "Content-Type: application/x-www-form-urlencoded";

		k6c__vm_ptrs_reserve(ctx, vm, n + 1);
		vm->ptrs[n++] = (const char *)(uintptr_t)b->len;
		k6c__vm_put(ctx, b, ct, sizeof(ct));
	}
	for (size_t i = 0; i < n; i++)
		vm->ptrs[i] = b->ptr + (uintptr_t)vm->ptrs[i];
	return n;
}

/* ---- Samples per hop --------------------------------------------------------- */

typedef struct hop_ctx {
	k6c__vm *vm;
	size_t nfixed;          /* tags set before the request (group, scenario, params.tags) */
	bool has_name;          /* params.tags.name was given */
} hop_ctx;

/* Runs on the worker's loop thread while the VU is suspended: only C data,
 * never the VU's heap. */
static void on_hop(k6c__http_conn *conn, k6c__http_resp *r, bool is_final, void *arg)
{
	static const int ids[] = {
		K6C__M_HTTP_REQS, K6C__M_HTTP_REQ_DURATION, K6C__M_HTTP_REQ_BLOCKED,
		K6C__M_HTTP_REQ_CONNECTING, K6C__M_HTTP_REQ_TLS_HANDSHAKING, K6C__M_HTTP_REQ_SENDING,
		K6C__M_HTTP_REQ_WAITING, K6C__M_HTTP_REQ_RECEIVING, K6C__M_HTTP_REQ_FAILED,
	};
	hop_ctx *h = arg;
	k6c__vm *vm = h->vm;
	bool expected = r->status >= 200 && r->status <= 399;
	char status[16], code[16];
	const char *url = r->url != NULL ? r->url : "";
	double values[K6C__ARRAY_LEN(ids)];
	size_t n = h->nfixed;

	K6C__UNUSED(conn);
	K6C__UNUSED(is_final);
	vm->bytes_sent += r->bytes_sent;
	vm->bytes_received += r->bytes_received;
	if (k6c__vu_should_stop(vm->vu))
		return;

	snprintf(status, sizeof(status), "%d", r->status);
	k6c__vm_tag_set(NULL, vm, &n, "proto", r->proto);
	k6c__vm_tag_set(NULL, vm, &n, "status", status);
	k6c__vm_tag_set(NULL, vm, &n, "method", r->method);
	k6c__vm_tag_set(NULL, vm, &n, "url", url);
	if (!h->has_name)
		k6c__vm_tag_set(NULL, vm, &n, "name", url);
	k6c__vm_tag_set(NULL, vm, &n, "expected_response", expected ? "true" : "false");
	if (r->error_code != 0) {
		snprintf(code, sizeof(code), "%d", r->error_code);
		k6c__vm_tag_set(NULL, vm, &n, "error_code", code);
	}
	if (r->error[0] != '\0')
		k6c__vm_tag_set(NULL, vm, &n, "error", r->error);
	if (r->tls_version[0] != '\0')
		k6c__vm_tag_set(NULL, vm, &n, "tls_version", r->tls_version);

	values[0] = 1;
	values[1] = r->timings.duration;
	values[2] = r->timings.blocked;
	values[3] = r->timings.connecting;
	values[4] = r->timings.tls_handshaking;
	values[5] = r->timings.sending;
	values[6] = r->timings.waiting;
	values[7] = r->timings.receiving;
	values[8] = expected ? 0 : 1;
	k6c__vm_emit(vm, k6c__wall_us(), n, ids, values, K6C__ARRAY_LEN(ids));
}

/* ---- The Response object ------------------------------------------------------ */

/* Go's textproto.CanonicalMIMEHeaderKey, in place. */
static void canonical_header(char *s, size_t n)
{
	bool upper = true;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c) != NULL)
			return;   /* not a token: Go leaves such keys alone */
	}
	for (size_t i = 0; i < n; i++) {
		if (upper && s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
		else if (!upper && s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
		upper = s[i] == '-';
	}
}

/* [ ... ] -> [ ... headers ]: the last response's header block; repeated
 * names are joined with ", ". */
static void push_resp_headers(duk_context *ctx, const k6c__buf *raw)
{
	const char *p = raw->ptr, *end = raw->ptr + raw->len;
	char name[256];

	duk_push_object(ctx);
	if (p == NULL)
		return;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol != NULL ? eol : end;
		const char *colon, *v, *ve;

		while (le > p && (le[-1] == '\r' || le[-1] == '\n'))
			le--;
		if (le - p >= 5 && memcmp(p, "HTTP/", 5) == 0) {
			/* A new response (after a 1xx): start over. */
			duk_pop(ctx);
			duk_push_object(ctx);
		} else if ((colon = memchr(p, ':', (size_t)(le - p))) != NULL && colon > p) {
			const char *ne = colon;
			size_t nlen;

			while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			v = colon + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			ve = le;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			nlen = (size_t)(ne - p);
			if (nlen < sizeof(name)) {
				memcpy(name, p, nlen);
				canonical_header(name, nlen);
				duk_push_lstring(ctx, name, nlen);
			} else {
				duk_push_lstring(ctx, p, nlen);
			}
			duk_dup(ctx, -1);
			if (duk_get_prop(ctx, -3)) {             /* [ hdrs name old ] */
				duk_push_string(ctx, ", ");
				duk_push_lstring(ctx, v, (size_t)(ve - v));
				duk_concat(ctx, 3);
			} else {
				duk_pop(ctx);
				duk_push_lstring(ctx, v, (size_t)(ve - v));
			}
			duk_put_prop(ctx, -3);
		}
		p = eol != NULL ? eol + 1 : end;
	}
}

/* gjson-style selector: "a.b.0", "\." escapes a dot, "#" is an array's
 * length. [ ... value ] -> [ ... selected or undefined ]. */
static void select_path(duk_context *ctx, k6c__vm *vm, const char *sel)
{
	k6c__buf *comp = &vm->scratch2;
	const char *p = sel;

	while (*p != '\0') {
		bool digits = true;

		k6c__buf_clear(comp);
		while (*p != '\0' && *p != '.') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (*p < '0' || *p > '9')
				digits = false;
			k6c__vm_put(ctx, comp, p, 1);
			p++;
		}
		if (*p == '.')
			p++;
		k6c__vm_put(ctx, comp, "", 0);
		if (duk_is_array(ctx, -1) && strcmp(comp->ptr, "#") == 0) {
			duk_size_t len = duk_get_length(ctx, -1);

			duk_pop(ctx);
			duk_push_number(ctx, (double)len);
			continue;
		}
		if (duk_is_array(ctx, -1) && digits && comp->len > 0) {
			duk_uarridx_t i = (duk_uarridx_t)strtoul(comp->ptr, NULL, 10);

			if (!duk_get_prop_index(ctx, -1, i)) {
				duk_pop_2(ctx);
				duk_push_undefined(ctx);
				return;
			}
		} else if (duk_is_object(ctx, -1) && !duk_is_array(ctx, -1) &&
			duk_has_prop_lstring(ctx, -1, comp->ptr, comp->len)) {
			duk_get_prop_lstring(ctx, -1, comp->ptr, comp->len);
		} else {
			duk_pop(ctx);
			duk_push_undefined(ctx);
			return;
		}
		duk_remove(ctx, -2);
	}
}

/* Response.json([selector]) */
static duk_ret_t js_resp_json(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	duk_push_this(ctx);
	duk_get_prop_string(ctx, -1, "body");
	if (duk_is_null_or_undefined(ctx, -1))
		return duk_error(ctx, DUK_ERR_ERROR, "the body is null so we can't transform it to "
			"JSON - this likely was because the responseType option was set to none");
	if (duk_is_buffer_data(ctx, -1))
		duk_buffer_to_string(ctx, -1);
	duk_json_decode(ctx, -1);
	if (duk_is_string(ctx, 0) && duk_get_length(ctx, 0) > 0)
		select_path(ctx, vm, duk_get_string(ctx, 0));
	return 1;
}

static void push_resp_proto(duk_context *ctx, k6c__vm *vm)
{
	static const k6c__vm_fn fns[] = {
		{ "json", js_resp_json, 1, 0 },
		{ NULL, NULL, 0, 0 },
	};

	if (vm->resp_proto != NULL) {
		duk_push_heapptr(ctx, vm->resp_proto);
		return;
	}
	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
	duk_push_heap_stash(ctx);
	duk_dup(ctx, -2);
	duk_put_prop_string(ctx, -2, "respProto");
	duk_pop(ctx);
	vm->resp_proto = duk_get_heapptr(ctx, -1);
}

static void put_number(duk_context *ctx, const char *key, double v)
{
	duk_push_number(ctx, v);
	duk_put_prop_string(ctx, -2, key);
}

static void put_string(duk_context *ctx, const char *key, const char *v)
{
	duk_push_string(ctx, v != NULL ? v : "");
	duk_put_prop_string(ctx, -2, key);
}

typedef struct req_info {
	const char *method, *url;
	const char *body;
	size_t body_len;
	size_t nheaders;
	enum response_type rtype;
} req_info;

/* [ ... ] -> [ ... response ] from vm->resp. */
static void push_response(duk_context *ctx, k6c__vm *vm, const req_info *ri)
{
	const k6c__http_resp *r = &vm->resp;
	const k6c__http_timings *t = &r->timings;

	duk_push_object(ctx);
	push_resp_proto(ctx, vm);
	duk_set_prototype(ctx, -2);

	put_number(ctx, "status", r->status);
	put_string(ctx, "status_text", r->status_text);
	put_string(ctx, "proto", r->proto);
	put_string(ctx, "url", r->url != NULL ? r->url : ri->url);
	if (ri->rtype == RESP_NONE || (r->status == 0 && r->body.len == 0)) {
		duk_push_null(ctx);
	} else if (ri->rtype == RESP_BINARY) {
		void *b = duk_push_fixed_buffer(ctx, r->body.len);

		if (r->body.len > 0)
			memcpy(b, r->body.ptr, r->body.len);
		duk_push_buffer_object(ctx, -1, 0, r->body.len, DUK_BUFOBJ_ARRAYBUFFER);
		duk_remove(ctx, -2);
	} else {
		duk_push_lstring(ctx, r->body.ptr != NULL ? r->body.ptr : "", r->body.len);
	}
	duk_put_prop_string(ctx, -2, "body");
	push_resp_headers(ctx, &r->headers);
	duk_put_prop_string(ctx, -2, "headers");
	duk_push_object(ctx);
	duk_put_prop_string(ctx, -2, "cookies");

	duk_push_object(ctx);
	put_number(ctx, "blocked", t->blocked);
	put_number(ctx, "connecting", t->connecting);
	put_number(ctx, "tls_handshaking", t->tls_handshaking);
	put_number(ctx, "sending", t->sending);
	put_number(ctx, "waiting", t->waiting);
	put_number(ctx, "receiving", t->receiving);
	put_number(ctx, "duration", t->duration);
	put_number(ctx, "looking_up", 0);
	duk_put_prop_string(ctx, -2, "timings");

	put_string(ctx, "error", r->error);
	put_number(ctx, "error_code", r->error_code);
	put_string(ctx, "remote_ip", r->remote_ip);
	put_number(ctx, "remote_port", r->remote_port);
	put_string(ctx, "tls_version", r->tls_version);
	put_string(ctx, "tls_cipher_suite", r->tls_cipher_suite);

	duk_push_object(ctx);
	put_string(ctx, "method", ri->method);
	put_string(ctx, "url", r->url != NULL ? r->url : ri->url);
	duk_push_object(ctx);
	for (size_t i = 0; i < ri->nheaders; i++) {
		const char *line = vm->ptrs[i], *colon = strchr(line, ':');

		if (colon == NULL)
			continue;
		duk_push_array(ctx);
		duk_push_string(ctx, colon + 2);
		duk_put_prop_index(ctx, -2, 0);
		duk_put_prop_lstring(ctx, -2, line, (size_t)(colon - line));
	}
	duk_put_prop_string(ctx, -2, "headers");
	duk_push_lstring(ctx, ri->body != NULL ? ri->body : "", ri->body_len);
	duk_put_prop_string(ctx, -2, "body");
	duk_push_object(ctx);
	duk_put_prop_string(ctx, -2, "cookies");
	duk_put_prop_string(ctx, -2, "request");
}

/* ---- request() ----------------------------------------------------------------- */

static double param_timeout(duk_context *ctx, duk_idx_t params)
{
	double ms = 0;

	if (params < 0 || !duk_get_prop_string(ctx, params, "timeout") ||
		duk_is_null_or_undefined(ctx, -1)) {
		duk_pop(ctx);
		return 0;
	}
	if (duk_is_number(ctx, -1)) {
		ms = duk_get_number(ctx, -1);
	} else if (k6c__duration_parse(duk_to_string(ctx, -1), &ms) != 0) {
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid timeout value: \"%s\"",
			duk_get_string(ctx, -1));
	}
	if (!(ms > 0))
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "the timeout must be positive, got %s",
			duk_to_string(ctx, -1));
	duk_pop(ctx);
	return ms;
}

/* Stack: [ method url body params ] (body/params may be undefined). */
static duk_ret_t do_request(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__http_req req;
	req_info ri;
	hop_ctx hop;
	duk_idx_t params = -1, headers = -1;
	bool form = false, throw_err = false;
	size_t n;
	int rc;

	k6c__vm_check_not_init(ctx, vm, "Making http requests");
	memset(&req, 0, sizeof(req));
	memset(&ri, 0, sizeof(ri));
	duk_set_top(ctx, 4);

	ri.method = duk_to_string(ctx, 0);
	if (duk_is_object(ctx, 1) && duk_get_prop_string(ctx, 1, "url") && duk_is_string(ctx, -1)) {
		duk_replace(ctx, 1);
	} else {
		if (duk_is_object(ctx, 1))
			duk_pop(ctx);
		if (duk_is_null_or_undefined(ctx, 1))
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "no URL given to the HTTP request");
	}
	ri.url = duk_to_string(ctx, 1);

	if (!duk_is_null_or_undefined(ctx, 3)) {
		if (!duk_is_object(ctx, 3))
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "the request params must be an object");
		params = 3;
	}
	req.timeout_ms = param_timeout(ctx, params);
	req.max_redirects = vm->prog->max_redirects;
	throw_err = vm->prog->throw_errors;
	if (vm->prog->discard_bodies)
		ri.rtype = RESP_NONE;
	if (params >= 0) {
		if (duk_get_prop_string(ctx, params, "redirects") && !duk_is_null_or_undefined(ctx, -1))
			req.max_redirects = duk_to_int(ctx, -1);
		duk_pop(ctx);
		if (duk_get_prop_string(ctx, params, "throw") && !duk_is_null_or_undefined(ctx, -1))
			throw_err = duk_to_boolean(ctx, -1);
		duk_pop(ctx);
		if (duk_get_prop_string(ctx, params, "responseType") && duk_is_string(ctx, -1)) {
			const char *t = duk_get_string(ctx, -1);

			if (strcmp(t, "binary") == 0)
				ri.rtype = RESP_BINARY;
			else if (strcmp(t, "none") == 0)
				ri.rtype = RESP_NONE;
			else if (strcmp(t, "text") == 0)
				ri.rtype = RESP_TEXT;
			else
				return duk_error(ctx, DUK_ERR_TYPE_ERROR, "unknown responseType \"%s\"", t);
		}
		duk_pop(ctx);
		duk_get_prop_string(ctx, params, "headers");   /* stays on the stack */
		headers = duk_get_top_index(ctx);
	}

	/* The body: string as is, bytes raw, a plain object form-encoded. */
	if (duk_is_buffer_data(ctx, 2)) {
		duk_size_t len;

		ri.body = duk_get_buffer_data(ctx, 2, &len);
		ri.body_len = len;
	} else if (duk_is_object(ctx, 2) && !duk_is_function(ctx, 2)) {
		form_encode(ctx, vm, 2, &vm->scratch2);
		ri.body = vm->scratch2.ptr;
		ri.body_len = vm->scratch2.len;
		form = true;
	} else if (!duk_is_null_or_undefined(ctx, 2)) {
		duk_size_t len;

		ri.body = duk_to_lstring(ctx, 2, &len);
		ri.body_len = len;
	}
	ri.nheaders = build_headers(ctx, vm, headers, form);

	/* Tags: group and scenario, then params.tags (a `name` there names
	 * every hop); the per-hop ones are added in on_hop. */
	k6c__vm_tags_reset(vm, &n);
	k6c__vm_tags_base(ctx, vm, &n);
	if (params >= 0) {
		duk_get_prop_string(ctx, params, "tags");
		k6c__vm_tags_from_object(ctx, vm, &n, -1);
	}
	hop.vm = vm;
	hop.nfixed = n;
	hop.has_name = false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(vm->tags[i].key, "name") == 0)
			hop.has_name = true;

	req.method = ri.method;
	req.url = ri.url;
	req.headers = vm->ptrs;
	req.nheaders = ri.nheaders;
	req.body = ri.body;
	req.body_len = ri.body_len;
	req.discard_body = ri.rtype == RESP_NONE;

	/* Nothing below allocates on the Duktape side until the response is
	 * built; vm->resp is freed at the next request or with the VM. */
	k6c__http_resp_free(&vm->resp);
	memset(&vm->resp, 0, sizeof(vm->resp));
	rc = k6c__vu_http(vm->vu, &req, &vm->resp, on_hop, &hop);
	if (rc == K6C_EABORTED)
		k6c__vm_throw_aborted(ctx, vm);
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		k6c__http_resp_free(&vm->resp);
		memset(&vm->resp, 0, sizeof(vm->resp));
		snprintf(vm->resp.error, sizeof(vm->resp.error), "%s",
			e != NULL ? e->message : "invalid request");
		vm->resp.error_code = rc == K6C_EINVAL ? 1020 : 1000;
	}
	if (vm->resp.error[0] != '\0') {
		if (throw_err) {
			duk_push_string(ctx, vm->resp.error);
			k6c__http_resp_free(&vm->resp);
			memset(&vm->resp, 0, sizeof(vm->resp));
			return duk_error(ctx, DUK_ERR_ERROR, "%s", duk_get_string(ctx, -1));
		}
		k6c__vm_log(vm, K6C_LOG_WARN, "Request Failed error=\"%s\"", vm->resp.error);
	}
	push_response(ctx, vm, &ri);
	k6c__http_resp_free(&vm->resp);
	memset(&vm->resp, 0, sizeof(vm->resp));
	return 1;
}

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

/* get/head(url, params) */
static duk_ret_t js_nobody(duk_context *ctx)
{
	duk_set_top(ctx, 2);
	duk_push_string(ctx, methods[duk_get_current_magic(ctx)]);
	duk_insert(ctx, 0);
	duk_push_undefined(ctx);
	duk_insert(ctx, 2);
	return do_request(ctx);
}

/* post/put/patch/del/options(url, body, params) */
static duk_ret_t js_body(duk_context *ctx)
{
	duk_set_top(ctx, 3);
	duk_push_string(ctx, methods[duk_get_current_magic(ctx)]);
	duk_insert(ctx, 0);
	return do_request(ctx);
}

/* request(method, url, body, params) */
static duk_ret_t js_request(duk_context *ctx)
{
	return do_request(ctx);
}

void k6c__mod_http_push(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "get", js_nobody, 2, 0 },
		{ "head", js_nobody, 2, 1 },
		{ "post", js_body, 3, 2 },
		{ "put", js_body, 3, 3 },
		{ "patch", js_body, 3, 4 },
		{ "del", js_body, 3, 5 },
		{ "options", js_body, 3, 6 },
		{ "request", js_request, 4, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
	duk_push_string(ctx, "tls1.0");
	duk_put_prop_string(ctx, -2, "TLS_1_0");
	duk_push_string(ctx, "tls1.1");
	duk_put_prop_string(ctx, -2, "TLS_1_1");
	duk_push_string(ctx, "tls1.2");
	duk_put_prop_string(ctx, -2, "TLS_1_2");
	duk_push_string(ctx, "tls1.3");
	duk_put_prop_string(ctx, -2, "TLS_1_3");
}
