/*
 * mod_http_expect.c - k6/http's response callback (http.expectedStatuses,
 * http.setResponseCallback, params.responseCallback), which decides the
 * http_req_failed sample and the expected_response tag of every hop; URL
 * grouping with the http.url tagged template; params.auth; and the URL
 * k6 writes into tags, with credentials masked.
 *
 * An expectedStatuses object is an empty-looking object (as k6's, which
 * scripts cannot look into) with a hidden fixed buffer of [min, max] int
 * pairs; an exact status is the pair [s, s]. The hop callback reads the
 * pairs on the loop thread while the VU is suspended, so the request keeps
 * the object on its value stack.
 */
#include "engine/mod_http_ext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k6c/test.h"

#define EXPECTED_KEY "\xff" "k6cExpected"


/* ---- expectedStatuses ----------------------------------------------------------- */

static bool is_integer(duk_context *ctx, duk_idx_t idx, int *out)
{
	double v;

	if (!duk_is_number(ctx, idx))
		return false;
	v = duk_get_number(ctx, idx);
	if (!isfinite(v) || floor(v) != v)
		return false;
	*out = v > 2147483647.0 ? 2147483647 : v < -2147483647.0 ? -2147483647 : (int)v;
	return true;
}

static int cmp_pair(const void *a, const void *b)
{
	const int *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* http.expectedStatuses(200, {min: 300, max: 399}, ...) */
static duk_ret_t js_expected_statuses(duk_context *ctx)
{
	duk_idx_t n = duk_get_top(ctx);
	size_t m = 0;
	int *pairs;

	if (n == 0)
		return duk_error(ctx, DUK_ERR_ERROR, "no arguments");
	pairs = duk_push_fixed_buffer(ctx, (duk_size_t)n * 2 * sizeof(int));
	for (duk_idx_t i = 0; i < n; i++) {
		int v, lo, hi;

		if (duk_is_null_or_undefined(ctx, i))
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "argument number %d to expectedStatuses "
				"was neither an integer nor an object like {min:100, max:329}", (int)i + 1);
		if (is_integer(ctx, i, &v)) {
			pairs[2 * i] = pairs[2 * i + 1] = v;
			continue;
		}
		if (!duk_is_object(ctx, i) || !duk_has_prop_string(ctx, i, "min") ||
		    !duk_has_prop_string(ctx, i, "max"))
			return duk_error(ctx, DUK_ERR_ERROR, "argument number %d to expectedStatuses "
				"was neither an integer nor an object like {min:100, max:329}", (int)i + 1);
		duk_get_prop_string(ctx, i, "min");
		duk_get_prop_string(ctx, i, "max");
		if (!is_integer(ctx, -2, &lo) || !is_integer(ctx, -1, &hi))
			return duk_error(ctx, DUK_ERR_ERROR, "both min and max need to be integers for "
				"argument number %d", (int)i + 1);
		duk_pop_2(ctx);
		pairs[2 * i] = lo;
		pairs[2 * i + 1] = hi;
	}
	/* Sorted, and ranges that overlap or touch merged (200, 201, 202 is
	 * [200, 202]): what a request copies stays small. An empty range
	 * ({min: 5, max: 1}) matches nothing, as in k6. */
	qsort(pairs, (size_t)n, 2 * sizeof(int), cmp_pair);
	for (duk_idx_t i = 0; i < n; i++) {
		int lo = pairs[2 * i], hi = pairs[2 * i + 1];

		if (lo > hi)
			continue;
		if (m > 0 && lo <= pairs[2 * m - 1] + 1 && pairs[2 * m - 1] < 2147483647) {
			if (hi > pairs[2 * m - 1])
				pairs[2 * m - 1] = hi;
			continue;
		}
		pairs[2 * m] = lo;
		pairs[2 * m + 1] = hi;
		m++;
	}
	if (m > K6C__HTTP_EXPECTED_MAX)
		return duk_error(ctx, DUK_ERR_RANGE_ERROR, "expectedStatuses: more than %d separate "
			"statuses or ranges (%zu); give neighbouring statuses as one {min, max}",
			K6C__HTTP_EXPECTED_MAX, m);
	duk_push_object(ctx);
	duk_push_fixed_buffer(ctx, m * 2 * sizeof(int) + 1);
	if (m > 0)
		memcpy(duk_get_buffer(ctx, -1, NULL), pairs, m * 2 * sizeof(int));
	duk_put_prop_string(ctx, -2, EXPECTED_KEY);
	return 1;
}

/* The pairs of the expectedStatuses object at idx; false if it is none. */
static bool expected_of(duk_context *ctx, duk_idx_t idx, const int **pairs, size_t *n)
{
	duk_size_t size = 0;
	void *p = NULL;

	if (!duk_is_object(ctx, idx))
		return false;
	if (duk_get_prop_string(ctx, idx, EXPECTED_KEY))
		p = duk_get_buffer(ctx, -1, &size);
	duk_pop(ctx);
	if (p == NULL)
		return false;
	*pairs = p;
	*n = size / (2 * sizeof(int));
	if (*n > K6C__HTTP_EXPECTED_MAX)
		*n = K6C__HTTP_EXPECTED_MAX;
	return true;
}

/* http.setResponseCallback(expectedStatuses | null) */
static duk_ret_t js_set_response_callback(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const int *pairs;
	size_t n;

	duk_push_heap_stash(ctx);                               /* 1 */
	if (duk_is_null(ctx, 0)) {
		duk_del_prop_string(ctx, 1, "httpRespCallback");
		vm->http_callback = -1;
		vm->http_expected = NULL;
		vm->http_nexpected = 0;
		return 0;
	}
	if (!expected_of(ctx, 0, &pairs, &n))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR,
			"unsupported argument, expected http.expectedStatuses");
	duk_dup(ctx, 0);
	duk_put_prop_string(ctx, 1, "httpRespCallback");
	vm->http_callback = 1;
	vm->http_expected = pairs;
	vm->http_nexpected = n;
	return 0;
}

bool k6c__mod_http_expected(const k6c__http_ext *ext, int status)
{
	for (size_t i = 0; i < ext->nexpected && i < K6C__HTTP_EXPECTED_MAX; i++)
		if (status >= ext->expected[2 * i] && status <= ext->expected[2 * i + 1])
			return true;
	return false;
}

/* ---- params -------------------------------------------------------------------- */

/* The pairs of a callback into ext. */
static void use_pairs(k6c__http_ext *ext, const int *pairs, size_t n)
{
	ext->callback = true;
	ext->nexpected = n;
	memcpy(ext->expected, pairs, n * 2 * sizeof(int));
}

void k6c__mod_http_expect_params(duk_context *ctx, k6c__vm *vm, duk_idx_t params,
	k6c__http_req *req, k6c__http_ext *ext)
{
	static const int default_expected[2] = { 200, 399 };   /* k6's default */
	const int *pairs;
	bool given = false;
	size_t n;

	if (params >= 0) {
		params = duk_normalize_index(ctx, params);
		k6c__mod_http_push_ext_key(ctx, vm, K6C__HK_RESPONSE_CALLBACK);
		if (duk_has_prop(ctx, params)) {
			k6c__mod_http_push_ext_key(ctx, vm, K6C__HK_RESPONSE_CALLBACK);
			duk_get_prop(ctx, params);
			given = true;
			if (duk_is_null_or_undefined(ctx, -1))
				ext->callback = false;
			else if (expected_of(ctx, -1, &pairs, &n))
				use_pairs(ext, pairs, n);
			else
				(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "unsupported responseCallback");
			duk_pop(ctx);
		}
		k6c__mod_http_push_ext_key(ctx, vm, K6C__HK_AUTH);
		duk_get_prop(ctx, params);
		if (!duk_is_null_or_undefined(ctx, -1)) {
			const char *a = duk_to_string(ctx, -1);

			if (strcmp(a, "basic") == 0)
				req->auth = K6C__HTTP_AUTH_BASIC;
			else if (strcmp(a, "digest") == 0)
				req->auth = K6C__HTTP_AUTH_DIGEST;
			else if (strcmp(a, "ntlm") == 0)
				req->auth = K6C__HTTP_AUTH_NTLM;
			else
				k6c__vm_log(vm, K6C_LOG_WARN, "unsupported auth \"%s\" in the request "
					"params (basic, digest or ntlm): ignored, as k6 does", a);
		}
		duk_pop(ctx);
	}
	if (given)
		return;
	switch (vm->http_callback) {
	case 0:
		use_pairs(ext, default_expected, 1);
		break;
	case 1:
		use_pairs(ext, vm->http_expected, vm->http_nexpected);
		break;
	default:
		ext->callback = false;
		break;
	}
}

/* ---- redirects -------------------------------------------------------------------- */

/* k6's redirect limit when nothing sets it (lib/http's default). */
#define DEFAULT_MAX_REDIRECTS 10

void k6c__mod_http_redirect_warn(k6c__vm *vm, const k6c__http_resp *r, int redirects,
	const char *url)
{
	const char *h = r->headers.ptr, *end = h + r->headers.len;
	bool location = false;

	if (redirects != DEFAULT_MAX_REDIRECTS || r->status < 300 || r->status > 399 || h == NULL)
		return;
	/* Go follows only a redirect with a Location. */
	while (h < end && !location) {
		const char *nl = memchr(h, '\n', (size_t)(end - h));
		const char *le = nl != NULL ? nl : end, *v = h + 9;

		if ((size_t)(le - h) > 9 && strncasecmp(h, "location:", 9) == 0) {
			while (v < le && (*v == ' ' || *v == '\t' || *v == '\r'))
				v++;
			location = v < le;
		}
		h = nl != NULL ? nl + 1 : end;
	}
	if (location)
		k6c__vm_log(vm, K6C_LOG_WARN, "Stopped after %d redirects and returned the redirection; "
			"pass { redirects: n } in request params or set global maxRedirects to silence "
			"this url=%s", redirects, url);
}

/* ---- http.url ------------------------------------------------------------------- */

static duk_ret_t js_url_to_string(duk_context *ctx)
{
	duk_push_this(ctx);
	duk_get_prop_string(ctx, -1, "url");
	return 1;
}

/* [ ... ] -> [ ... proto ]: the prototype of http.url's objects. */
static void push_url_proto(duk_context *ctx)
{
	duk_push_heap_stash(ctx);
	if (!duk_get_prop_string(ctx, -1, "httpUrlProto")) {
		duk_pop(ctx);
		duk_push_object(ctx);
		duk_push_string(ctx, "toString");
		duk_push_c_lightfunc(ctx, js_url_to_string, 0, 0, 0);
		duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
			DUK_DEFPROP_SET_CONFIGURABLE);
		duk_dup_top(ctx);
		duk_put_prop_string(ctx, -3, "httpUrlProto");
	}
	duk_remove(ctx, -2);
}

/* http.url`https://example.com/posts/${id}`: an object whose url is the
 * URL and whose name is the template with ${} for each value, as k6's; its
 * toString() is the URL. */
static duk_ret_t js_url(duk_context *ctx)
{
	duk_idx_t n = duk_get_top(ctx), npieces = n - 1;
	duk_uarridx_t nparts;

	if (n < 1 || !duk_is_array(ctx, 0))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "http.url is a template tag, as in "
			"http.url`https://example.com/${id}`");
	nparts = (duk_uarridx_t)duk_get_length(ctx, 0);
	duk_push_object(ctx);                                   /* n */
	push_url_proto(ctx);
	duk_set_prototype(ctx, n);
	for (int pass = 0; pass < 2; pass++) {
		duk_require_stack(ctx, (duk_idx_t)nparts * 2 + 2);
		for (duk_uarridx_t i = 0; i < nparts; i++) {
			duk_get_prop_index(ctx, 0, i);
			duk_to_string(ctx, -1);
			if ((duk_idx_t)i < npieces) {
				if (pass == 0) {
					duk_dup(ctx, (duk_idx_t)i + 1);
					duk_to_string(ctx, -1);
				} else {
					duk_push_string(ctx, "${}");
				}
			}
		}
		duk_concat(ctx, duk_get_top(ctx) - (n + 1));
		duk_put_prop_string(ctx, n, pass == 0 ? "url" : "name");
	}
	return 1;
}

const char *k6c__mod_http_url_name(duk_context *ctx, duk_idx_t idx)
{
	if (duk_is_object(ctx, idx)) {
		duk_get_prop_string(ctx, idx, "name");
		if (duk_is_string(ctx, -1))
			return duk_get_string(ctx, -1);
		duk_pop(ctx);
	}
	duk_push_undefined(ctx);
	return NULL;
}

const char *k6c__mod_http_clean_url(const char *url, k6c__buf *out)
{
	const char *sep, *auth, *end, *at;

	/* Userinfo needs an '@': one quick pass for the common URL. */
	if (strchr(url, '@') == NULL || (sep = strstr(url, "://")) == NULL)
		return url;
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	for (at = end; at > auth && at[-1] != '@'; at--)
		;
	if (at == auth)
		return url;
	k6c__buf_clear(out);
	if (k6c__buf_put(out, url, (size_t)(auth - url)) != 0 ||
	    k6c__buf_puts(out, memchr(auth, ':', (size_t)(at - auth)) != NULL ? "****:****@" :
		"****@") != 0 ||
	    k6c__buf_puts(out, at) != 0)
		return url;
	return out->ptr;
}

/* ---- the module ------------------------------------------------------------------ */

void k6c__mod_http_expect_push(duk_context *ctx, duk_idx_t obj)
{
	static const k6c__vm_fn fns[] = {
		{ "expectedStatuses", js_expected_statuses, DUK_VARARGS, 0 },
		{ "setResponseCallback", js_set_response_callback, 1, 0 },
		{ "url", js_url, DUK_VARARGS, 0 },
		{ NULL, NULL, 0, 0 },
	};

	k6c__vm_put_functions(ctx, obj, fns);
}
