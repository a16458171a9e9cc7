/*
 * mod_http.c - the core of `k6/http`: get/head/post/put/patch/del/options/
 * request. Arguments are validated and the request is built in the VU's
 * reusable buffers before anything is taken (a Duktape error unwinds with
 * longjmp); the VU then suspends in k6c__vu_http. Each hop of a redirect
 * chain emits k6's HTTP samples in one k6c__samples_add call, and the final
 * hop becomes the Response object, whose members are built when the script
 * first reads them (see "The Response object").
 */
#include "engine/mod_http.h"
#include "engine/mod_html.h"
#include "engine/mod_http_body.h"
#include "engine/mod_http_transport.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k6c/test.h"

enum response_type { RESP_TEXT, RESP_BINARY, RESP_NONE };

/* ---- Request headers ------------------------------------------------------ */

/* "Name: value" lines from params.headers into vm->scratch, pointed to by
 * vm->ptrs, plus "Content-Type: <ctype>" unless ctype is "" or the headers
 * have one; returns how many. Offsets are fixed up into pointers at the end
 * because the buffer may move while it grows. */
static size_t build_headers(duk_context *ctx, k6c__vm *vm, duk_idx_t headers, const char *ctype)
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
	if (ctype[0] != '\0' && !has_ct) {
		k6c__vm_ptrs_reserve(ctx, vm, n + 1);
		vm->ptrs[n++] = (const char *)(uintptr_t)b->len;
		k6c__vm_put(ctx, b, "Content-Type: ", 14);
		k6c__vm_put(ctx, b, ctype, strlen(ctype) + 1);
	}
	for (size_t i = 0; i < n; i++)
		vm->ptrs[i] = b->ptr + (uintptr_t)vm->ptrs[i];
	return n;
}

/* ---- Samples per hop --------------------------------------------------------- */

/* Sets key in a request's tags (tags[0..*n), room for K6C__HTTP_HOP_TAGS
 * past nfixed): a key already there gets the new value. Only when
 * systemTags enables the tag (bit): a disabled tag is never produced, so a
 * URL per request does not make a tag set per request once `url` and
 * `name` are off. */
static void hop_tag(const k6c__http_prep *p, size_t *n, uint32_t bit, const char *key,
	const char *value)
{
	if (!(p->vm->system_tags & bit))
		return;
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(p->tags[i].key, key) == 0) {
			p->tags[i].value = value;
			return;
		}
	}
	if (*n < p->ntags + K6C__HTTP_HOP_TAGS) {
		p->tags[*n].key = key;
		p->tags[*n].value = value;
		(*n)++;
	}
}

/* Runs on the worker's loop thread (while the VU is suspended, or runs
 * other requests of its own): only C data, never the VU's heap. */
void k6c__http_on_hop(k6c__http_conn *conn, k6c__http_resp *r, bool is_final, void *arg)
{
	static const int ids[] = {
		K6C__M_HTTP_REQS, K6C__M_HTTP_REQ_DURATION, K6C__M_HTTP_REQ_BLOCKED,
		K6C__M_HTTP_REQ_CONNECTING, K6C__M_HTTP_REQ_TLS_HANDSHAKING, K6C__M_HTTP_REQ_SENDING,
		K6C__M_HTTP_REQ_WAITING, K6C__M_HTTP_REQ_RECEIVING, K6C__M_HTTP_REQ_FAILED,
	};
	const k6c__http_prep *h = arg;
	k6c__vm *vm = h->vm;
	bool expected = k6c__mod_http_expected(&h->ext, r->status);
	char status[16], code[16];
	k6c__buf clean = K6C__BUF_INIT;
	const char *url;
	double values[K6C__ARRAY_LEN(ids)];
	size_t n = h->ntags;

	K6C__UNUSED(conn);
	K6C__UNUSED(is_final);
	vm->bytes_sent += r->bytes_sent;
	vm->bytes_received += r->bytes_received;
	if (k6c__vu_should_stop(vm->vu))
		return;
	/* Credentials in a URL never reach a tag (k6's URL.Clean). */
	url = k6c__mod_http_clean_url(r->url != NULL ? r->url : "", &clean);

	snprintf(status, sizeof(status), "%d", r->status);
	hop_tag(h, &n, K6C__TAG_PROTO, "proto", r->proto);
	hop_tag(h, &n, K6C__TAG_STATUS, "status", status);
	hop_tag(h, &n, K6C__TAG_METHOD, "method", r->method);
	hop_tag(h, &n, K6C__TAG_URL, "url", url);
	if (!h->has_name)
		hop_tag(h, &n, K6C__TAG_NAME, "name", url);
	if (h->ext.callback)
		hop_tag(h, &n, K6C__TAG_EXPECTED_RESPONSE, "expected_response", expected ? "true" : "false");
	if (r->error_code != 0) {
		snprintf(code, sizeof(code), "%d", r->error_code);
		hop_tag(h, &n, K6C__TAG_ERROR_CODE, "error_code", code);
	}
	if (r->error[0] != '\0')
		hop_tag(h, &n, K6C__TAG_ERROR, "error", r->error);
	if (r->tls_version[0] != '\0')
		hop_tag(h, &n, K6C__TAG_TLS_VERSION, "tls_version", r->tls_version);
	/* The opt-in tags exist only when systemTags enables them (the
	 * aggregator filters only the default ones). */
	if (r->remote_ip[0] != '\0')
		hop_tag(h, &n, K6C__TAG_IP, "ip", r->remote_ip);
	if (r->ocsp.status[0] != '\0')
		hop_tag(h, &n, K6C__TAG_OCSP_STATUS, "ocsp_status", r->ocsp.status);
	if (vm->prog->http_debug)
		k6c__mod_http_debug_hop(vm, r, h->tags, h->ntags);

	values[0] = 1;
	values[1] = r->timings.duration;
	values[2] = r->timings.blocked;
	values[3] = r->timings.connecting;
	values[4] = r->timings.tls_handshaking;
	values[5] = r->timings.sending;
	values[6] = r->timings.waiting;
	values[7] = r->timings.receiving;
	values[8] = expected ? 0 : 1;
	/* Without a response callback, no http_req_failed (the last one). */
	k6c__vm_emit_tags(vm, k6c__wall_us(), h->tags, n, ids, values,
		K6C__ARRAY_LEN(ids) - (h->ext.callback ? 0 : 1));
	if (clean.ptr != NULL)
		k6c__buf_free(&clean);
}

/* ---- The Response object ------------------------------------------------------ */

/*
 * A Response is built lazily: building every member up front (nested headers,
 * timings and request objects, about 40 property puts and as many string table
 * lookups in a heap that is cold in the cache) cost about 7 µs per request,
 * a fifth of the whole request path. do_request now makes a bare object whose
 * prototype is the VU's shared Response prototype and gives it one hidden
 * property: a Duktape buffer (the "record") with a copy of everything the
 * response can show, the native response and the request echo. The record
 * belongs to that response alone, so a response kept past later requests
 * stays valid, and Duktape frees it with the response.
 *
 * The fields are enumerable accessors on the prototype, one getter and one
 * setter for all of them (Duktape passes the property key to both):
 * - primitives (status, url, error_code, ...) are read from the record on
 *   each access;
 * - the body and the objects (headers, cookies, timings, request) are built
 *   on first access and then defined as the response's own data property, so
 *   they keep their identity and whatever the script changes in them (a body
 *   over LAZY_BODY_MAX is defined at once instead);
 * - an assignment defines an own data property, as on a plain object.
 * for-in lists the fields (own ones first); JSON.stringify and console.log
 * go through toJSON, which lists every field in the order the eagerly built
 * object had, then the script's own additions. What differs from a plain
 * object: Object.keys, Object.assign and spread see only the fields already
 * read or assigned, and a deleted field reads as its original value again
 * (undefined for a body given at once).
 */

/* The fields, in the order JSON.stringify shows them. A field's number is
 * also the index of its key in vm->http_keys. */
enum field {
	F_STATUS, F_STATUS_TEXT, F_PROTO, F_URL, F_BODY, F_HEADERS, F_COOKIES, F_TIMINGS,
	F_ERROR, F_ERROR_CODE, F_REMOTE_IP, F_REMOTE_PORT, F_TLS_VERSION, F_TLS_CIPHER_SUITE,
	F_OCSP, F_REQUEST, NFIELDS
};

/* The other keys used per request. Keys only needed when a member is built
 * (the timings') are not kept: each costs a VU about 60 bytes. */
enum key {
	K_RECORD = NFIELDS, K_METHOD, K_TIMEOUT, K_REDIRECTS, K_THROW, K_RESPONSE_TYPE, K_TAGS,
	K_COMPRESSION, NKEYS
};

static const char *const key_names[NKEYS] = {
	"status", "status_text", "proto", "url", "body", "headers", "cookies", "timings",
	"error", "error_code", "remote_ip", "remote_port", "tls_version", "tls_cipher_suite",
	"ocsp", "request",
	"\xff" "k6cResponse",   /* a hidden Symbol: scripts cannot reach it */
	"method", "timeout", "redirects", "throw", "responseType", "tags", "compression",
};

_Static_assert(NKEYS <= K6C__ARRAY_LEN(((k6c__vm *)0)->http_keys), "vm->http_keys is too small");

static void push_key(duk_context *ctx, const k6c__vm *vm, int k)
{
	duk_push_heapptr(ctx, vm->http_keys[k]);
}

/* The strings of a record, stored after its header. */
enum rec_str {
	S_STATUS_TEXT, S_PROTO, S_URL, S_ERROR, S_REMOTE_IP, S_TLS_VERSION, S_TLS_CIPHER_SUITE,
	S_METHOD, S_HEADERS, S_BODY,
	S_REQ_HEADERS,   /* the request's "Name: value" lines, each ended by a NUL */
	S_REQ_BODY, NSTR
};

/* Bodies above this size are not copied into the record but given to the
 * response at once, as a string or ArrayBuffer: a body that is read would
 * otherwise be copied twice and held twice, and for a big one that costs
 * more than the lookup and the property definition laziness saves. */
#define LAZY_BODY_MAX 8192

typedef struct resp_rec {
	int status, error_code, remote_port;
	int rtype;                      /* enum response_type */
	int body_given;                 /* the body was defined on the response at once */
	k6c__http_timings timings;
	k6c__http_ocsp ocsp;
	size_t off[NSTR], len[NSTR];    /* string i is at buffer + off[i] */
} resp_rec;

/* [ ... ] -> [ ... record ] from the response r and the request p; without
 * the body when body_given. */
static void push_record(duk_context *ctx, const k6c__http_prep *p, const k6c__http_resp *r,
	bool body_given)
{
	const k6c__http_req *q = &p->req;
	const char *src[NSTR];
	resp_rec rec;
	size_t total = sizeof(rec);
	char *b;

	memset(&rec, 0, sizeof(rec));
	rec.status = r->status;
	rec.error_code = r->error_code;
	rec.remote_port = r->remote_port;
	rec.rtype = p->rtype;
	rec.body_given = body_given;
	rec.timings = r->timings;
	rec.ocsp = r->ocsp;
	src[S_STATUS_TEXT] = r->status_text;
	src[S_PROTO] = r->proto;
	src[S_URL] = r->url != NULL ? r->url : q->url;
	src[S_ERROR] = r->error;
	src[S_REMOTE_IP] = r->remote_ip;
	src[S_TLS_VERSION] = r->tls_version;
	src[S_TLS_CIPHER_SUITE] = r->tls_cipher_suite;
	src[S_METHOD] = q->method;
	for (int i = 0; i < S_HEADERS; i++)
		rec.len[i] = strlen(src[i]);
	src[S_HEADERS] = r->headers.ptr;
	rec.len[S_HEADERS] = r->headers.len;
	src[S_BODY] = r->body.ptr;
	rec.len[S_BODY] = body_given ? 0 : r->body.len;
	src[S_REQ_HEADERS] = NULL;   /* copied line by line below */
	for (size_t i = 0; i < q->nheaders; i++)
		rec.len[S_REQ_HEADERS] += strlen(q->headers[i]) + 1;
	src[S_REQ_BODY] = q->body;
	rec.len[S_REQ_BODY] = q->body != NULL ? q->body_len : 0;
	for (int i = 0; i < NSTR; i++) {
		rec.off[i] = total;
		total += rec.len[i];
	}

	b = duk_push_buffer_raw(ctx, total, DUK_BUF_FLAG_NOZERO);
	memcpy(b, &rec, sizeof(rec));
	for (int i = 0; i < NSTR; i++)
		if (src[i] != NULL && rec.len[i] > 0)
			memcpy(b + rec.off[i], src[i], rec.len[i]);
	b += rec.off[S_REQ_HEADERS];
	for (size_t i = 0; i < q->nheaders; i++) {
		size_t n = strlen(q->headers[i]) + 1;

		memcpy(b, q->headers[i], n);
		b += n;
	}
}

/* The record of the object at obj (own or inherited), copied into *rec; the
 * buffer is left on the stack top, which keeps the returned bytes alive.
 * NULL when obj is no response. */
static const char *get_record(duk_context *ctx, const k6c__vm *vm, duk_idx_t obj, resp_rec *rec)
{
	duk_size_t size;
	const char *b;

	push_key(ctx, vm, K_RECORD);
	duk_get_prop(ctx, obj);
	b = duk_get_buffer(ctx, -1, &size);
	if (b == NULL || size < sizeof(*rec))
		return NULL;
	memcpy(rec, b, sizeof(*rec));
	return b;
}

static void push_rec_string(duk_context *ctx, const char *b, const resp_rec *rec, int i)
{
	duk_push_lstring(ctx, b + rec->off[i], rec->len[i]);
}

/* [ ... ] -> [ ... body ]: the bytes p[0..len) as responseType asks (a
 * transport failure without a body gives null). */
static void push_body(duk_context *ctx, int rtype, int status, const char *p, size_t len)
{
	if (rtype == RESP_NONE || (status == 0 && len == 0)) {
		duk_push_null(ctx);
	} else if (rtype == RESP_BINARY) {
		void *b = duk_push_fixed_buffer(ctx, len);

		if (len > 0)
			memcpy(b, p, len);
		duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
		duk_remove(ctx, -2);
	} else {
		k6c__vm_push_text(ctx, p, len);
	}
}

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

/* [ ... ] -> [ ... headers ]: the response's header block p[0..len);
 * repeated names are joined with ", ". */
static void push_resp_headers(duk_context *ctx, const char *p, size_t len)
{
	const char *end = p + len;
	char name[256];

	duk_push_object(ctx);
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

static void push_timings(duk_context *ctx, const k6c__http_timings *t)
{
	duk_push_object(ctx);
	duk_push_number(ctx, t->blocked);
	duk_put_prop_string(ctx, -2, "blocked");
	duk_push_number(ctx, t->connecting);
	duk_put_prop_string(ctx, -2, "connecting");
	duk_push_number(ctx, t->tls_handshaking);
	duk_put_prop_string(ctx, -2, "tls_handshaking");
	duk_push_number(ctx, t->sending);
	duk_put_prop_string(ctx, -2, "sending");
	duk_push_number(ctx, t->waiting);
	duk_put_prop_string(ctx, -2, "waiting");
	duk_push_number(ctx, t->receiving);
	duk_put_prop_string(ctx, -2, "receiving");
	duk_push_number(ctx, t->duration);
	duk_put_prop_string(ctx, -2, "duration");
	duk_push_number(ctx, 0);   /* looking_up: always 0, as in k6 */
	duk_put_prop_string(ctx, -2, "looking_up");
}

/* [ ... ] -> [ ... request ]: {method, url, headers, body, cookies}. */
static void push_request(duk_context *ctx, const k6c__vm *vm, const char *b, const resp_rec *rec)
{
	const char *p = b + rec->off[S_REQ_HEADERS], *end = p + rec->len[S_REQ_HEADERS];

	duk_push_object(ctx);
	push_key(ctx, vm, K_METHOD);
	push_rec_string(ctx, b, rec, S_METHOD);
	duk_put_prop(ctx, -3);
	push_key(ctx, vm, F_URL);
	push_rec_string(ctx, b, rec, S_URL);
	duk_put_prop(ctx, -3);
	push_key(ctx, vm, F_HEADERS);
	duk_push_object(ctx);
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *le = nul != NULL ? nul : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));

		if (colon != NULL) {
			const char *v = colon + 2 <= le ? colon + 2 : le;

			duk_push_lstring(ctx, p, (size_t)(colon - p));
			duk_push_array(ctx);
			duk_push_lstring(ctx, v, (size_t)(le - v));
			duk_put_prop_index(ctx, -2, 0);
			duk_put_prop(ctx, -3);
		}
		p = le + 1;
	}
	duk_put_prop(ctx, -3);
	push_key(ctx, vm, F_BODY);
	k6c__vm_push_text(ctx, b + rec->off[S_REQ_BODY], rec->len[S_REQ_BODY]);
	duk_put_prop(ctx, -3);
	push_key(ctx, vm, F_COOKIES);
	k6c__mod_http_push_req_cookies(ctx, b + rec->off[S_REQ_HEADERS], rec->len[S_REQ_HEADERS]);
	duk_put_prop(ctx, -3);
}

/* [ ... obj key value ] -> [ ... ignored ] (a safe call sees its caller's
 * whole frame, so only negative indices). */
static duk_ret_t define_safe(duk_context *ctx, void *udata)
{
	K6C__UNUSED(udata);
	duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
	return 0;
}

/* Makes value the own data property key of obj. A frozen or sealed response
 * refuses it; the getter then builds the value again on the next access. */
static void define_own(duk_context *ctx, duk_idx_t obj, duk_idx_t key, duk_idx_t value)
{
	value = duk_normalize_index(ctx, value);
	duk_dup(ctx, obj);
	duk_dup(ctx, key);
	duk_dup(ctx, value);
	(void)duk_safe_call(ctx, define_safe, NULL, 3, 1);
	duk_pop(ctx);
}

/* The getter of every field: (key) with this = the response. */
static duk_ret_t js_resp_get(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const void *key = duk_get_heapptr(ctx, 0);
	resp_rec rec;
	const char *b;
	int f = 0;

	while (f < NFIELDS && vm->http_keys[f] != key)
		f++;
	duk_push_this(ctx);                                     /* 1 */
	if (f == NFIELDS || !duk_is_object(ctx, 1))
		return 0;
	b = get_record(ctx, vm, 1, &rec);                       /* 2 */
	if (b == NULL)
		return 0;
	switch (f) {
	case F_STATUS:
		duk_push_int(ctx, rec.status);
		return 1;
	case F_ERROR_CODE:
		duk_push_int(ctx, rec.error_code);
		return 1;
	case F_REMOTE_PORT:
		duk_push_int(ctx, rec.remote_port);
		return 1;
	case F_STATUS_TEXT:
		push_rec_string(ctx, b, &rec, S_STATUS_TEXT);
		return 1;
	case F_PROTO:
		push_rec_string(ctx, b, &rec, S_PROTO);
		return 1;
	case F_URL:
		push_rec_string(ctx, b, &rec, S_URL);
		return 1;
	case F_ERROR:
		push_rec_string(ctx, b, &rec, S_ERROR);
		return 1;
	case F_REMOTE_IP:
		push_rec_string(ctx, b, &rec, S_REMOTE_IP);
		return 1;
	case F_TLS_VERSION:
		push_rec_string(ctx, b, &rec, S_TLS_VERSION);
		return 1;
	case F_TLS_CIPHER_SUITE:
		push_rec_string(ctx, b, &rec, S_TLS_CIPHER_SUITE);
		return 1;
	case F_BODY:
		if (rec.body_given)
			return 0;   /* the script deleted it, as from a plain object */
		push_body(ctx, rec.rtype, rec.status, b + rec.off[S_BODY], rec.len[S_BODY]);
		if (duk_is_null(ctx, -1))
			return 1;
		break;
	case F_HEADERS:
		push_resp_headers(ctx, b + rec.off[S_HEADERS], rec.len[S_HEADERS]);
		break;
	case F_COOKIES:
		k6c__mod_http_push_resp_cookies(ctx, b + rec.off[S_HEADERS], rec.len[S_HEADERS]);
		break;
	case F_TIMINGS:
		push_timings(ctx, &rec.timings);
		break;
	case F_OCSP:
		k6c__mod_http_push_ocsp(ctx, &rec.ocsp);
		break;
	default:
		push_request(ctx, vm, b, &rec);
		break;
	}
	define_own(ctx, 1, 0, -1);
	return 1;
}

/* The setter of every field: (value, key) with this = the response. */
static duk_ret_t js_resp_set(duk_context *ctx)
{
	duk_push_this(ctx);
	if (!duk_is_object(ctx, 2) || !duk_is_string(ctx, 1))
		return 0;
	duk_dup(ctx, 1);
	duk_dup(ctx, 0);
	/* Throws on a frozen response, as the assignment would in strict code. */
	duk_def_prop(ctx, 2, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
	return 0;
}

/* Response.toJSON(): a plain object with every field, then the response's
 * other own enumerable properties. */
static duk_ret_t js_resp_to_json(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	duk_push_this(ctx);                                     /* 1 */
	if (!duk_is_object(ctx, 1))
		return 1;
	duk_push_object(ctx);                                   /* 2 */
	for (int f = 0; f < NFIELDS; f++) {
		push_key(ctx, vm, f);
		duk_dup_top(ctx);
		duk_get_prop(ctx, 1);
		duk_put_prop(ctx, 2);
	}
	duk_enum(ctx, 1, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 1)) {
		const void *key = duk_get_heapptr(ctx, -2);
		int f = 0;

		while (f < NFIELDS && vm->http_keys[f] != key)
			f++;
		if (f == NFIELDS)
			duk_put_prop(ctx, 2);
		else
			duk_pop_2(ctx);
	}
	duk_pop(ctx);
	return 1;
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
	push_key(ctx, vm, F_BODY);
	duk_get_prop(ctx, -2);
	if (duk_is_null_or_undefined(ctx, -1))
		return duk_error(ctx, DUK_ERR_ERROR, "the body is null so we can't transform it to "
			"JSON - this likely was because the responseType option was set to none");
	if (duk_is_buffer_data(ctx, -1)) {
		/* responseType "binary": the bytes as UTF-8 text, as k6. */
		duk_size_t n;
		const char *p = duk_get_buffer_data(ctx, -1, &n);

		k6c__vm_push_text(ctx, p, n);
		duk_replace(ctx, -2);
	}
	duk_json_decode(ctx, -1);
	if (duk_is_string(ctx, 0) && duk_get_length(ctx, 0) > 0)
		select_path(ctx, vm, duk_get_string(ctx, 0));
	return 1;
}

/* [ ... ] -> [ ... proto ]: the VU's Response prototype. The first call
 * also interns the keys. */
static void push_resp_proto(duk_context *ctx, k6c__vm *vm)
{
	static const k6c__vm_fn fns[] = {
		{ "json", js_resp_json, 1, 0 },
		{ "html", k6c__mod_html_response, 1, 0 },
		{ NULL, NULL, 0, 0 },
	};
	duk_idx_t proto;

	if (vm->resp_proto != NULL) {
		duk_push_heapptr(ctx, vm->resp_proto);
		return;
	}
	duk_push_heap_stash(ctx);
	duk_push_array(ctx);
	for (int k = 0; k < NKEYS; k++) {
		duk_push_string(ctx, key_names[k]);
		vm->http_keys[k] = duk_get_heapptr(ctx, -1);
		duk_put_prop_index(ctx, -2, (duk_uarridx_t)k);
	}
	duk_put_prop_string(ctx, -2, "httpKeys");

	proto = duk_push_object(ctx);
	duk_push_c_function(ctx, js_resp_get, 1);              /* proto + 1 */
	duk_push_c_function(ctx, js_resp_set, 2);              /* proto + 2 */
	for (int f = 0; f < NFIELDS; f++) {
		push_key(ctx, vm, f);
		duk_dup(ctx, proto + 1);
		duk_dup(ctx, proto + 2);
		duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_HAVE_SETTER |
			DUK_DEFPROP_SET_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
	}
	duk_pop_2(ctx);
	k6c__vm_put_functions(ctx, proto, fns);
	k6c__mod_http_forms_put(ctx, proto);   /* submitForm, clickLink */
	duk_push_string(ctx, "toJSON");
	duk_push_c_lightfunc(ctx, js_resp_to_json, 1, 1, 0);
	duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
		DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);

	duk_dup(ctx, proto);
	duk_put_prop_string(ctx, -3, "respProto");
	vm->resp_proto = duk_get_heapptr(ctx, proto);
	duk_remove(ctx, -2);
}

/* [ ... ] -> [ ... response ] from r. The record goes in before the
 * prototype is set: a put then looks for inherited setters in no chain. */
static void push_response(duk_context *ctx, k6c__vm *vm, const k6c__http_prep *p,
	const k6c__http_resp *r)
{
	bool body_given = p->rtype != RESP_NONE && r->body.len > LAZY_BODY_MAX;

	duk_push_bare_object(ctx);
	push_key(ctx, vm, K_RECORD);
	push_record(ctx, p, r, body_given);
	duk_put_prop(ctx, -3);
	if (body_given) {
		push_key(ctx, vm, F_BODY);
		push_body(ctx, p->rtype, r->status, r->body.ptr, r->body.len);
		duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
	}
	push_resp_proto(ctx, vm);
	duk_set_prototype(ctx, -2);
}

/* ---- request() ----------------------------------------------------------------- */

/* params[key] on the stack top, or false (nothing pushed) when there are no
 * params or the value is null or undefined. */
static bool get_param(duk_context *ctx, const k6c__vm *vm, duk_idx_t params, int key)
{
	if (params < 0)
		return false;
	push_key(ctx, vm, key);
	duk_get_prop(ctx, params);
	if (duk_is_null_or_undefined(ctx, -1)) {
		duk_pop(ctx);
		return false;
	}
	return true;
}

static double param_timeout(duk_context *ctx, const k6c__vm *vm, duk_idx_t params)
{
	double ms = 0;

	if (!get_param(ctx, vm, params, K_TIMEOUT))
		return 0;
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

/* Largest response buffer handed back to the VU's connection for reuse: a
 * bigger one is freed, or every VU that once downloaded a large file would
 * keep that much memory for the rest of the test. */
#define RECYCLE_MAX (64 * 1024)

/* Done with vm->resp (zeroed): its memory serves the VU's next response. */
static void release_resp(k6c__vm *vm)
{
	if (vm->resp.body.cap > RECYCLE_MAX)
		k6c__buf_free(&vm->resp.body);
	if (vm->resp.headers.cap > RECYCLE_MAX)
		k6c__buf_free(&vm->resp.headers);
	k6c__vu_http_recycle(vm->vu, &vm->resp);
}

void k6c__http_prepare(duk_context *ctx, k6c__vm *vm, const char *method, duk_idx_t url_i,
	duk_idx_t body_i, duk_idx_t params_i, k6c__http_prep *out)
{
	k6c__http_req *req = &out->req;
	duk_idx_t params = -1, headers = -1;
	const char *tmpl_name = NULL;
	k6c__http_body body;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->vm = vm;
	/* The prototype comes first: it interns the keys used below. */
	push_resp_proto(ctx, vm);
	duk_pop(ctx);

	req->method = method;
	if (duk_is_object(ctx, url_i)) {
		tmpl_name = k6c__mod_http_url_name(ctx, url_i);  /* stays on the stack */
		push_key(ctx, vm, F_URL);
		if (duk_get_prop(ctx, url_i) && duk_is_string(ctx, -1))
			duk_replace(ctx, url_i);
		else
			duk_pop(ctx);
	}
	if (duk_is_null_or_undefined(ctx, url_i))
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "no URL given to the HTTP request");
	req->url = duk_to_string(ctx, url_i);

	if (!duk_is_null_or_undefined(ctx, params_i)) {
		if (!duk_is_object(ctx, params_i))
			(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "the request params must be an object");
		params = params_i;
	}
	req->timeout_ms = param_timeout(ctx, vm, params);
	req->max_redirects = vm->prog->max_redirects;
	out->throw_err = vm->prog->throw_errors;
	out->rtype = vm->prog->discard_bodies ? RESP_NONE : RESP_TEXT;
	if (params >= 0) {
		if (get_param(ctx, vm, params, K_REDIRECTS)) {
			/* A negative limit follows nothing in k6 (-1 is lib/http's default). */
			req->max_redirects = duk_to_int(ctx, -1);
			if (req->max_redirects < 0)
				req->max_redirects = 0;
			duk_pop(ctx);
		}
		if (get_param(ctx, vm, params, K_THROW)) {
			out->throw_err = duk_to_boolean(ctx, -1);
			duk_pop(ctx);
		}
		if (get_param(ctx, vm, params, K_RESPONSE_TYPE)) {
			bool is_str = duk_is_string(ctx, -1);
			const char *t = is_str ? duk_get_string(ctx, -1) : "";

			if (strcmp(t, "binary") == 0)
				out->rtype = RESP_BINARY;
			else if (strcmp(t, "none") == 0)
				out->rtype = RESP_NONE;
			else if (strcmp(t, "text") == 0)
				out->rtype = RESP_TEXT;
			else
				(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid responseType %s%s%s: "
					"expected \"text\", \"binary\" or \"none\"",
					is_str ? "\"" : "", duk_to_string(ctx, -1), is_str ? "\"" : "");
			duk_pop(ctx);
		}
		push_key(ctx, vm, F_HEADERS);                   /* stays on the stack */
		duk_get_prop(ctx, params);
		headers = duk_get_top_index(ctx);
	}

	/* The body, then the headers (the body's encoding uses vm->scratch
	 * as temporary space). */
	k6c__http_body_encode(ctx, vm, body_i, &body);
	req->body = body.ptr;
	req->body_len = body.len;
	out->body_error = body.error;
	req->nheaders = build_headers(ctx, vm, headers, body.content_type);
	/* params.compression: checked even without a body, as k6; a bad one
	 * makes no request, as a body k6 cannot send. */
	if (params >= 0 && get_param(ctx, vm, params, K_COMPRESSION) &&
	    k6c__mod_http_compress_body(ctx, vm, duk_to_string(ctx, -1), method, req->url, &req->body,
		    &req->body_len, &req->nheaders) != 0 && out->body_error == NULL) {
		snprintf(out->error_text, sizeof(out->error_text), "%s", k6c_error_last()->message);
		out->body_error = out->error_text;
	}
	k6c__mod_http_ext_params(ctx, vm, params, req->url, req, &req->nheaders, &out->ext);
	req->headers = vm->ptrs;
	req->discard_body = out->rtype == RESP_NONE;
	req->debug = vm->prog->http_debug;

	/* Tags: group and scenario, then params.tags (a `name` there names
	 * every hop); the per-hop ones are added in k6c__http_on_hop. */
	k6c__vm_tags_reset(vm, &n);
	k6c__vm_tags_base(ctx, vm, &n);
	if (params >= 0) {
		push_key(ctx, vm, K_TAGS);
		duk_get_prop(ctx, params);
		k6c__vm_tags_from_object(ctx, vm, &n, -1);
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(vm->tags[i].key, "name") == 0)
			out->has_name = true;
	/* An http.url template names every hop, unless params.tags does. */
	if (!out->has_name && tmpl_name != NULL && strcmp(tmpl_name, req->url) != 0) {
		k6c__vm_tag_set(ctx, vm, &n, "name", tmpl_name);
		out->has_name = true;
	}
	k6c__vm_tags_reserve(ctx, vm, n + K6C__HTTP_HOP_TAGS);
	out->tags = vm->tags;
	out->ntags = n;
}

void k6c__http_fail(k6c__http_resp *resp, int rc)
{
	const k6c_error *e = k6c_error_last();

	k6c__http_resp_free(resp);
	snprintf(resp->error, sizeof(resp->error), "%s", e != NULL ? e->message : "invalid request");
	resp->error_code = rc == K6C_EINVAL ? 1020 : 1000;
}

int k6c__http_finish(duk_context *ctx, const k6c__http_prep *p, const k6c__http_resp *resp)
{
	if (resp->error[0] != '\0') {
		if (p->throw_err) {
			(void)duk_push_error_object(ctx, DUK_ERR_ERROR, "%s", resp->error);
			return 1;
		}
		k6c__vm_log(p->vm, K6C_LOG_WARN, "Request Failed error=\"%s\"", resp->error);
	}
	if (!p->ext.redirects_given && p->req.max_redirects < 0)
		k6c__mod_http_redirect_warn(p->vm, resp, resp->redirects, p->req.url);
	push_response(ctx, p->vm, p, resp);
	return 0;
}

/* The request at url_i, body_i (< 0: none) and params_i (may be undefined). */
static duk_ret_t do_request(duk_context *ctx, const char *method, duk_idx_t url_i, duk_idx_t body_i,
	duk_idx_t params_i)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__http_prep p;
	int rc;

	k6c__vm_check_not_init(ctx, vm, "Making http requests");
	k6c__http_prepare(ctx, vm, method, url_i, body_i, params_i, &p);

	/* Nothing below allocates on the Duktape side until the response is
	 * built. vm->resp is released after each request; this release only
	 * matters when a Duktape error cut the last one short. */
	release_resp(vm);
	if (p.body_error != NULL) {
		/* As k6: no request, a response with the error (code 0). */
		snprintf(vm->resp.error, sizeof(vm->resp.error), "%s", p.body_error);
		rc = 0;
	} else {
		rc = k6c__vu_http(vm->vu, &p.req, &vm->resp, k6c__http_on_hop, &p);
	}
	if (rc == K6C_EABORTED)
		k6c__vm_throw_aborted(ctx, vm);
	if (rc != 0)
		k6c__http_fail(&vm->resp, rc);
	rc = k6c__http_finish(ctx, &p, &vm->resp);
	release_resp(vm);
	if (vm->scratch2.cap > RECYCLE_MAX)
		k6c__buf_free(&vm->scratch2);   /* a large upload's copy */
	if (rc != 0)
		return duk_throw(ctx);
	return 1;
}

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

/* get/head(url, params) */
static duk_ret_t js_nobody(duk_context *ctx)
{
	return do_request(ctx, methods[duk_get_current_magic(ctx)], 0, -1, 1);
}

/* post/put/patch/del/options(url, body, params) */
static duk_ret_t js_body(duk_context *ctx)
{
	return do_request(ctx, methods[duk_get_current_magic(ctx)], 0, 1, 2);
}

/* request(method, url, body, params) */
static duk_ret_t js_request(duk_context *ctx)
{
	return do_request(ctx, duk_to_string(ctx, 0), 1, 2, 3);
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
		{ "file", k6c__http_js_file, 3, 0 },
		{ "asyncRequest", k6c__http_js_async_request, 4, 0 },
		{ "batch", k6c__http_js_batch, DUK_VARARGS, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
	k6c__mod_http_ext_push(ctx, -1);
	duk_push_string(ctx, "tls1.0");
	duk_put_prop_string(ctx, -2, "TLS_1_0");
	duk_push_string(ctx, "tls1.1");
	duk_put_prop_string(ctx, -2, "TLS_1_1");
	duk_push_string(ctx, "tls1.2");
	duk_put_prop_string(ctx, -2, "TLS_1_2");
	duk_push_string(ctx, "tls1.3");
	duk_put_prop_string(ctx, -2, "TLS_1_3");
	k6c__mod_http_transport_consts(ctx);
}
