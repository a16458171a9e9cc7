/*
 * mod_http_transport.c - k6/http's transport-side features outside the
 * request path proper (see mod_http_transport.h): params.compression,
 * httpDebug's dumps to the log, Response.ocsp and the OCSP constants.
 */
#include "engine/mod_http_transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "http/codec.h"
#include "k6c/test.h"

/* ---- constants and Response.ocsp ------------------------------------------ */

void k6c__mod_http_transport_consts(duk_context *ctx)
{
	static const char *const consts[][2] = {
		{ "OCSP_STATUS_GOOD", "good" },
		{ "OCSP_STATUS_REVOKED", "revoked" },
		{ "OCSP_STATUS_SERVER_FAILED", "server_failed" },
		{ "OCSP_STATUS_UNKNOWN", "unknown" },
		{ "OCSP_REASON_UNSPECIFIED", "unspecified" },
		{ "OCSP_REASON_KEY_COMPROMISE", "key_compromise" },
		{ "OCSP_REASON_CA_COMPROMISE", "ca_compromise" },
		{ "OCSP_REASON_AFFILIATION_CHANGED", "affiliation_changed" },
		{ "OCSP_REASON_SUPERSEDED", "superseded" },
		{ "OCSP_REASON_CESSATION_OF_OPERATION", "cessation_of_operation" },
		{ "OCSP_REASON_CERTIFICATE_HOLD", "certificate_hold" },
		{ "OCSP_REASON_REMOVE_FROM_CRL", "remove_from_crl" },
		{ "OCSP_REASON_PRIVILEGE_WITHDRAWN", "privilege_withdrawn" },
		{ "OCSP_REASON_AA_COMPROMISE", "aa_compromise" },
	};

	for (size_t i = 0; i < K6C__ARRAY_LEN(consts); i++) {
		duk_push_string(ctx, consts[i][1]);
		duk_put_prop_string(ctx, -2, consts[i][0]);
	}
}

void k6c__mod_http_push_ocsp(duk_context *ctx, const k6c__http_ocsp *o)
{
	duk_push_object(ctx);
	duk_push_number(ctx, (double)o->produced_at);
	duk_put_prop_string(ctx, -2, "produced_at");
	duk_push_number(ctx, (double)o->this_update);
	duk_put_prop_string(ctx, -2, "this_update");
	duk_push_number(ctx, (double)o->next_update);
	duk_put_prop_string(ctx, -2, "next_update");
	duk_push_number(ctx, (double)o->revoked_at);
	duk_put_prop_string(ctx, -2, "revoked_at");
	duk_push_string(ctx, o->revocation_reason);
	duk_put_prop_string(ctx, -2, "revocation_reason");
	duk_push_string(ctx, o->status);
	duk_put_prop_string(ctx, -2, "status");
}

/* ---- params.compression ------------------------------------------------------ */

/* The request line at index i of vm->ptrs names header `name`. */
static bool line_names(const char *line, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

static duk_ret_t push_buffer_safe(duk_context *ctx, void *udata)
{
	duk_push_fixed_buffer(ctx, *(const size_t *)udata);
	return 1;
}

int k6c__mod_http_compress_body(duk_context *ctx, k6c__vm *vm, const char *algos, const char *method,
	const char *url, const char **body, size_t *len, size_t *nheaders)
{
	k6c__buf out = K6C__BUF_INIT, enc = K6C__BUF_INIT;
	k6c__buf *s = &vm->scratch;
	const char *have = NULL, *want;
	size_t count, n = *nheaders, total;
	char *dst;
	int rc;

	if ((rc = k6c__compress_check(algos, &count)) != 0)
		return rc;
	if (count == 0 || *body == NULL)
		return 0;
	rc = k6c__compress(algos, *body, *len, &out, &enc);
	if (rc != 0) {
		k6c__buf_free(&out);
		k6c__buf_free(&enc);
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory compressing the request body");
	}
	/* The body and the header value move into one Duktape buffer, left on
	 * the stack for the native call's life; pushed in a safe call so that
	 * running out of memory there cannot leak the C copies. */
	total = out.len + 1 + enc.len + 1;
	if (duk_safe_call(ctx, push_buffer_safe, &total, 0, 1) != DUK_EXEC_SUCCESS) {
		k6c__buf_free(&out);
		k6c__buf_free(&enc);
		return duk_throw(ctx);
	}
	dst = duk_get_buffer(ctx, -1, NULL);
	if (out.len)
		memcpy(dst, out.ptr, out.len);
	dst[out.len] = '\0';
	memcpy(dst + out.len + 1, enc.ptr, enc.len + 1);
	*body = dst;
	*len = out.len;
	want = dst + out.len + 1;
	k6c__buf_free(&out);
	k6c__buf_free(&enc);

	/* Content-Encoding, unless the script set one (k6 keeps the script's
	 * and warns when it differs). */
	for (size_t i = 0; i < n; i++)
		if (line_names(vm->ptrs[i], "content-encoding"))
			have = vm->ptrs[i] + strlen("content-encoding: ");
	if (have != NULL) {
		if (strcmp(have, want) != 0)
			k6c__vm_log(vm, K6C_LOG_WARN, "There's a mismatch between the desired `compression` "
				"the manually set `Content-Encoding` header in the %s request for '%s', the custom "
				"header has precedence and won't be overwritten. This may result in invalid data "
				"being sent to the server.", method, url);
		return 0;
	}
	/* The header lines live in scratch, pointed to by vm->ptrs: back to
	 * offsets while scratch may move, then pointers again. */
	for (size_t i = 0; i < n; i++)
		vm->ptrs[i] = (const char *)(uintptr_t)(vm->ptrs[i] - s->ptr);
	k6c__vm_ptrs_reserve(ctx, vm, n + 1);
	vm->ptrs[n] = (const char *)(uintptr_t)s->len;
	k6c__vm_put(ctx, s, "Content-Encoding: ", 18);
	k6c__vm_put(ctx, s, want, strlen(want) + 1);
	for (size_t i = 0; i <= n; i++)
		vm->ptrs[i] = s->ptr + (uintptr_t)vm->ptrs[i];
	*nheaders = n + 1;
	return 0;
}

/* ---- httpDebug ------------------------------------------------------------------ */

/* A random (version 4) UUID, as k6's request_id. */
static void uuid4(char out[37])
{
	unsigned char r[16];
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		uint64_t t = k6c__now_ns();

		for (size_t i = 0; i < sizeof(r); i++, t = t * 6364136223846793005ull + 1442695040888963407ull)
			r[i] = (unsigned char)(t >> 56);
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[o] = '\0';
}

/* Appends text with its CRLFs as LFs, as k6 prints the dumps. */
static void put_lf(k6c__buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		k6c__buf_putc(b, p[i]);
	}
}

typedef struct field {
	const char *key;
	const char *value;
} field;

static int cmp_field(const void *a, const void *b)
{
	return strcmp(((const field *)a)->key, ((const field *)b)->key);
}

/* logrus's text form of one value: quoted when it holds anything but
 * letters, digits and -._/@^+. */
static void put_value(k6c__buf *b, const char *v)
{
	bool quote = false;

	for (const char *p = v; *p && !quote; p++)
		quote = !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr("-._/@^+", *p) != NULL);
	if (!quote) {
		k6c__buf_puts(b, v);
		return;
	}
	k6c__buf_putc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			k6c__buf_putc(b, '\\');
		k6c__buf_putc(b, *p);
	}
	k6c__buf_putc(b, '"');
}

void k6c__mod_http_debug_hop(k6c__vm *vm, const k6c__http_resp *r, const k6c__tag *tags, size_t ntags)
{
	k6c__buf msg = K6C__BUF_INIT, fields = K6C__BUF_INIT;
	field *fv = k6c__calloc(ntags + 4, sizeof(*fv));
	char id[37], iter[24], vu[24];
	size_t nf = 0;

	if (fv == NULL)
		return;
	uuid4(id);
	snprintf(iter, sizeof(iter), "%llu", (unsigned long long)(vm->vu ? k6c__vu_iteration(vm->vu) : 0));
	snprintf(vu, sizeof(vu), "%llu", (unsigned long long)(vm->vu ? k6c__vu_id_in_test(vm->vu) : 0));
	fv[nf++] = (field){ "iter", iter };
	fv[nf++] = (field){ "request_id", id };
	fv[nf++] = (field){ "source", "http-debug" };
	fv[nf++] = (field){ "vu", vu };
	for (size_t i = 0; i < ntags; i++) {
		bool dup = false;

		for (size_t k = 0; k < nf && !dup; k++)
			dup = strcmp(fv[k].key, tags[i].key) == 0;
		if (!dup)
			fv[nf++] = (field){ tags[i].key, tags[i].value };
	}
	qsort(fv, nf, sizeof(*fv), cmp_field);
	k6c__buf_puts(&fields, " ");
	for (size_t i = 0; i < nf; i++) {
		k6c__buf_printf(&fields, " %s=", fv[i].key);
		put_value(&fields, fv[i].value ? fv[i].value : "");
	}
	k6c__free(fv);

	k6c__buf_puts(&msg, "Request:\n");
	put_lf(&msg, r->debug_req.ptr ? r->debug_req.ptr : "", r->debug_req.len);
	k6c__buf_puts(&msg, "\n");
	k6c__buf_puts(&msg, fields.ptr ? fields.ptr : "");
	if (msg.ptr)
		k6c__vm_log(vm, K6C_LOG_INFO, "%s", msg.ptr);
	if (r->status != 0) {
		k6c__buf_clear(&msg);
		k6c__buf_printf(&msg, "Response:\n%s %s\n", r->proto, r->status_text);
		put_lf(&msg, r->headers.ptr ? r->headers.ptr : "", r->headers.len);
		k6c__buf_puts(&msg, "\n");
		if (vm->prog->http_debug == K6C__HTTP_DEBUG_FULL && r->body.len)
			k6c__buf_put(&msg, r->body.ptr, r->body.len);
		k6c__buf_puts(&msg, "\n");
		k6c__buf_puts(&msg, fields.ptr ? fields.ptr : "");
		if (msg.ptr)
			k6c__vm_log(vm, K6C_LOG_INFO, "%s", msg.ptr);
	}
	k6c__buf_free(&msg);
	k6c__buf_free(&fields);
}
