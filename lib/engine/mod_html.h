/*
 * mod_html.h - internal to lib/engine: the `k6/html` module (mod_html.c) and
 * the Response.html() method k6/http's Response prototype takes from it.
 */
#ifndef K6C_ENGINE_MOD_HTML_H
#define K6C_ENGINE_MOD_HTML_H

#include "duktape.h"

/* Pushes the k6/html module object (parseHTML). */
void k6c__mod_html_push(duk_context *ctx);

/* Response.html([selector]): `this` is a k6/http Response; its body parsed
 * as HTML (links resolve against its url), then find(selector) if given. */
duk_ret_t k6c__mod_html_response(duk_context *ctx);

#endif /* K6C_ENGINE_MOD_HTML_H */
