/*
 * mod_http_ext.h - internal to lib/engine: the parts of k6/http that live
 * beside mod_http.c: cookies and jars (mod_http_cookies.c), the response
 * callback, URL templates and params.auth (mod_http_expect.c).
 */
#ifndef K6C_ENGINE_MOD_HTTP_EXT_H
#define K6C_ENGINE_MOD_HTTP_EXT_H

#include "engine/vm.h"

/* The most separate statuses or ranges an expectedStatuses takes (after
 * merging those that touch), so a request carries a copy of them. */
#define K6C__HTTP_EXPECTED_MAX 32

/* What a request takes from params besides mod_http.c's own fields; plain
 * data, copied with the request. */
typedef struct k6c__http_ext {
	/* The response callback: statuses as [min, max] pairs; without one
	 * (callback false) no http_req_failed sample and no
	 * expected_response tag. */
	bool callback;
	size_t nexpected;
	int expected[2 * K6C__HTTP_EXPECTED_MAX];
	/* params.redirects was given (k6 then does not warn when it stops
	 * following redirects). */
	bool redirects_given;
} k6c__http_ext;

/* Adds CookieJar, cookieJar, expectedStatuses, setResponseCallback and url
 * to the k6/http module object at obj (the second for mod_http_expect.c's). */
void k6c__mod_http_ext_push(duk_context *ctx, duk_idx_t obj);
void k6c__mod_http_expect_push(duk_context *ctx, duk_idx_t obj);

/* Property keys of params interned once per heap (vm->http_ext_keys). */
enum { K6C__HK_JAR, K6C__HK_COOKIES, K6C__HK_AUTH, K6C__HK_RESPONSE_CALLBACK, K6C__HK_REDIRECTS,
	K6C__HK_COUNT };
/* [ ... ] -> [ ... key ] */
void k6c__mod_http_push_ext_key(duk_context *ctx, k6c__vm *vm, int k);

/* Reads params.jar, params.cookies (cookies.c), params.auth and
 * params.responseCallback (params < 0: no params) into req and ext, and
 * adds the first hop's Cookie header to the request's header lines
 * (vm->ptrs[0..*nheaders), merged into a Cookie line of the script's).
 * req->cookies and its strings stay on the value stack, as borrowed as
 * the rest of the request; req->jar is the C jar, which lib/http keeps a
 * reference to while a transfer uses it. Throws on bad values. */
void k6c__mod_http_ext_params(duk_context *ctx, k6c__vm *vm, duk_idx_t params,
	const char *url, k6c__http_req *req, size_t *nheaders, k6c__http_ext *ext);

/* params.responseCallback (or the VU's callback) and params.auth into
 * ext and req (mod_http_expect.c). */
void k6c__mod_http_expect_params(duk_context *ctx, k6c__vm *vm, duk_idx_t params,
	k6c__http_req *req, k6c__http_ext *ext);

/* Whether the response callback of ext counts status as expected. */
bool k6c__mod_http_expected(const k6c__http_ext *ext, int status);

/* k6's warning when a request stops following redirects at the default
 * limit (neither maxRedirects nor params.redirects set): r is the final
 * response, after redirects hops. */
void k6c__mod_http_redirect_warn(k6c__vm *vm, const k6c__http_resp *r, int redirects,
	const char *url);

/* The `name` of an http.url template object at idx, pushed (as a string,
 * or undefined when it has none); NULL when there is none. */
const char *k6c__mod_http_url_name(duk_context *ctx, duk_idx_t idx);

/* url with its userinfo masked as k6 writes URLs into tags
 * (user:pass@ becomes ****:****@), into out; returns out->ptr, or url itself
 * when there is nothing to mask (or no memory). */
const char *k6c__mod_http_clean_url(const char *url, k6c__buf *out);

/* [ ... ] -> [ ... cookies ]: response.cookies from a raw header block,
 * {name: [{name, value, domain, path, http_only, secure, max_age,
 * expires}]}. */
void k6c__mod_http_push_resp_cookies(duk_context *ctx, const char *headers, size_t len);

/* [ ... ] -> [ ... cookies ]: response.request.cookies from the request's
 * "Name: value" lines (NUL-separated), {name: [{name, value, replace}]}. */
void k6c__mod_http_push_req_cookies(duk_context *ctx, const char *lines, size_t len);

#endif /* K6C_ENGINE_MOD_HTTP_EXT_H */
