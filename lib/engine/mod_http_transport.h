/*
 * mod_http_transport.h - the parts of k6/http that belong to its transport
 * options, kept apart from mod_http.c: params.compression, httpDebug's
 * dumps, Response.ocsp and the OCSP_* constants.
 */
#ifndef K6C_ENGINE_MOD_HTTP_TRANSPORT_H
#define K6C_ENGINE_MOD_HTTP_TRANSPORT_H

#include "engine/vm.h"

/* [ ... mod ] -> [ ... mod ]: OCSP_STATUS_* and OCSP_REASON_* on the module. */
void k6c__mod_http_transport_consts(duk_context *ctx);

/* [ ... ] -> [ ... ocsp ]: k6's Response.ocsp object. */
void k6c__mod_http_push_ocsp(duk_context *ctx, const k6c__http_ocsp *o);

/* params.compression (the value algos): checks it as k6 does, then, when
 * there is a body (*body not NULL), compresses it into a buffer left on the
 * Duktape stack (so *body stays valid for the native call) and adds the
 * Content-Encoding header to the request's lines (vm->ptrs, *nheaders), or
 * warns, as k6, when the script set a different one (naming method, url). Returns 0, or
 * K6C_EINVAL for an unknown coding with k6's message as the thread's last
 * error (k6 then makes no request). Throws only when out of memory. */
int k6c__mod_http_compress_body(duk_context *ctx, k6c__vm *vm, const char *algos, const char *method,
	const char *url, const char **body, size_t *len, size_t *nheaders);

/* httpDebug: logs one hop's "Request:" dump and, unless the hop failed, its
 * "Response:" dump, as k6 does, with k6's fields: the request's tags
 * (tags[0..ntags)), iter, request_id, source=http-debug and vu. Runs on the
 * loop thread in the hop callback: C data only. */
void k6c__mod_http_debug_hop(k6c__vm *vm, const k6c__http_resp *r, const k6c__tag *tags, size_t ntags);

#endif /* K6C_ENGINE_MOD_HTTP_TRANSPORT_H */
