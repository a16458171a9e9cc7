/*
 * mod_http_body.h - internal to k6/http: request bodies (strings as UTF-8,
 * ArrayBuffer and typed arrays as bytes, objects form-urlencoded or, with an
 * http.file() value, multipart/form-data) and http.file() itself.
 */
#ifndef K6C_ENGINE_MOD_HTTP_BODY_H
#define K6C_ENGINE_MOD_HTTP_BODY_H

#include "engine/vm.h"

typedef struct k6c__http_body {
	const char *ptr;               /* the bytes to send; NULL: no body */
	size_t len;
	/* The Content-Type the body implies ("" when none); a Content-Type in
	 * params.headers wins over it, as in k6. */
	char content_type[128];
	/* k6's error for a value it cannot send (NULL when none): the request
	 * is then not made, and the response carries the error. */
	const char *error;
} k6c__http_body;

/* Encodes the request body at idx (idx < 0: none) into out. The bytes
 * point into the value itself, vm->scratch2 or vm->scratch (used as
 * temporary space: build the headers after this), and stay valid while
 * the value is on the stack and the scratch buffers are untouched.
 * Throws only on out-of-memory. */
void k6c__http_body_encode(duk_context *ctx, k6c__vm *vm, duk_idx_t idx, k6c__http_body *out);

/* http.file(data[, filename[, contentType]]) */
duk_ret_t k6c__http_js_file(duk_context *ctx);

#endif /* K6C_ENGINE_MOD_HTTP_BODY_H */
