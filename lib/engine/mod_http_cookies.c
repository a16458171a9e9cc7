/*
 * mod_http_cookies.c - k6/http's cookies: the CookieJar class
 * (cookiesForURL, set, clear, delete), http.cookieJar() (the VU's jar, new
 * for each iteration unless noCookiesReset, as k6's runFn makes one), what
 * params.jar and params.cookies do to a request, and the cookies of a
 * Response (response.cookies, response.request.cookies).
 *
 * The jars themselves are lib/http's (cookies.c, Go's cookiejar rules):
 * lib/http stores every hop's Set-Cookie and builds every redirect hop's
 * Cookie header on the loop thread, so a jar is plain C memory. Each jar
 * belongs to a JavaScript object whose finalizer frees it (the prototype
 * carries the finalizer, so objects cost no function each); the VU's active
 * jar is such an object kept in the heap stash, and its C pointer is cached
 * in vm->http_jar. A request keeps its jar's object on the value stack
 * while it runs, so the jar outlives the transfer.
 */
#include "engine/mod_http_ext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JAR_KEY "\xff" "k6cJar"          /* hidden: the k6c__cookie_jar pointer */

static const char *const ext_key_names[K6C__HK_COUNT] = {
	"jar", "cookies", "auth", "responseCallback", "redirects",
};

_Static_assert(K6C__HK_COUNT <= K6C__ARRAY_LEN(((k6c__vm *)0)->http_ext_keys),
	"vm->http_ext_keys is too small");

void k6c__mod_http_push_ext_key(duk_context *ctx, k6c__vm *vm, int k)
{
	if (vm->http_ext_keys[0] == NULL) {
		duk_push_heap_stash(ctx);
		duk_push_array(ctx);
		for (int i = 0; i < K6C__HK_COUNT; i++) {
			duk_push_string(ctx, ext_key_names[i]);
			vm->http_ext_keys[i] = duk_get_heapptr(ctx, -1);
			duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
		}
		duk_put_prop_string(ctx, -2, "httpExtKeys");
		duk_pop(ctx);
	}
	duk_push_heapptr(ctx, vm->http_ext_keys[k]);
}

/* ---- jar objects -------------------------------------------------------------- */

/* The finalizer of every jar object (inherited from the prototype, which
 * has no jar of its own). */
static duk_ret_t jar_finalize(duk_context *ctx)
{
	k6c__cookie_jar *jar;

	duk_get_prop_string(ctx, 0, JAR_KEY);
	jar = duk_get_pointer(ctx, -1);
	duk_pop(ctx);
	if (jar != NULL) {
		k6c__cookie_jar_free(jar);
		duk_push_pointer(ctx, NULL);
		duk_put_prop_string(ctx, 0, JAR_KEY);
	}
	return 0;
}

/* The jar of the object at idx, or NULL when it is none. */
static k6c__cookie_jar *jar_of(duk_context *ctx, duk_idx_t idx)
{
	k6c__cookie_jar *jar = NULL;

	if (!duk_is_object(ctx, idx))
		return NULL;
	if (duk_get_prop_string(ctx, idx, JAR_KEY))
		jar = duk_get_pointer(ctx, -1);
	duk_pop(ctx);
	return jar;
}

static k6c__cookie_jar *this_jar(duk_context *ctx)
{
	k6c__cookie_jar *jar;

	duk_push_this(ctx);
	jar = jar_of(ctx, -1);
	duk_pop(ctx);
	if (jar == NULL)
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "not a CookieJar");
	return jar;
}

/* Makes the object at obj a jar with a new, empty k6c__cookie_jar. The
 * property exists before the jar does, so nothing can throw once the jar
 * is made and it cannot leak. */
static k6c__cookie_jar *attach_jar(duk_context *ctx, duk_idx_t obj)
{
	k6c__cookie_jar *jar;

	obj = duk_normalize_index(ctx, obj);
	duk_require_stack(ctx, 2);
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, obj, JAR_KEY);
	if (k6c__cookie_jar_new(&jar) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory creating a cookie jar");
	duk_push_pointer(ctx, jar);
	duk_put_prop_string(ctx, obj, JAR_KEY);
	return jar;
}

/* [ ... ] -> [ ... CookieJar.prototype ] (made once per heap). */
static void push_jar_proto(duk_context *ctx);

/* [ ... ] -> [ ... jar object ] with a new jar. */
static k6c__cookie_jar *push_new_jar(duk_context *ctx)
{
	duk_push_object(ctx);
	push_jar_proto(ctx);
	duk_set_prototype(ctx, -2);
	return attach_jar(ctx, -1);
}

/* The VU's active jar, made on first need and made anew when an iteration
 * began since the last one was used (unless noCookiesReset): a jar that
 * nobody wrote to and the script never saw is as good as a new one, so
 * plain requests never pay for it. */
static k6c__cookie_jar *vu_jar(duk_context *ctx, k6c__vm *vm, bool push)
{
	k6c__cookie_jar *jar;

	if (vm->http_jar != NULL && vm->http_jar_stale) {
		vm->http_jar_stale = false;
		if (vm->http_jar_exposed || k6c__cookie_jar_count(vm->http_jar) > 0) {
			jar = push_new_jar(ctx);
			duk_push_heap_stash(ctx);
			duk_dup(ctx, -2);
			/* The previous object may be finalized right here. */
			vm->http_jar = jar;
			duk_put_prop_string(ctx, -2, "httpJar");
			duk_pop_2(ctx);
			vm->http_jar_exposed = false;
		}
	}
	if (vm->http_jar == NULL) {
		jar = push_new_jar(ctx);
		duk_push_heap_stash(ctx);
		duk_dup(ctx, -2);
		duk_put_prop_string(ctx, -2, "httpJar");
		duk_pop_2(ctx);
		vm->http_jar = jar;
		vm->http_jar_stale = false;
		vm->http_jar_exposed = false;
	}
	if (push) {
		duk_push_heap_stash(ctx);
		duk_get_prop_string(ctx, -1, "httpJar");
		duk_remove(ctx, -2);
	}
	return vm->http_jar;
}

void k6c__mod_http_vu_begin(k6c__vm *vm)
{
	if (!vm->prog->no_cookies_reset)
		vm->http_jar_stale = true;
}

/* http.cookieJar() */
static duk_ret_t js_cookie_jar(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	k6c__vm_check_not_init(ctx, vm, "Making cookie jars");
	vu_jar(ctx, vm, true);
	vm->http_jar_exposed = true;
	return 1;
}

/* new http.CookieJar() */
static duk_ret_t js_jar_ctor(duk_context *ctx)
{
	if (!duk_is_constructor_call(ctx)) {
		push_new_jar(ctx);
		return 1;
	}
	duk_push_this(ctx);
	attach_jar(ctx, -1);
	return 0;
}

static int64_t now_us(void)
{
	return k6c__wall_us();
}

static void check_rc(duk_context *ctx, int rc)
{
	if (rc == K6C_ENOMEM)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
}

/* [ ... obj ] -> [ ... obj list ]: obj[name], a new array put there first
 * if it has none. The response's and the jar's cookie maps are name ->
 * array of what each cookie of that name gives. */
static void push_list(duk_context *ctx, const char *name)
{
	if (!duk_get_prop_string(ctx, -1, name)) {
		duk_pop(ctx);
		duk_push_array(ctx);
		duk_dup_top(ctx);
		duk_put_prop_string(ctx, -3, name);
	}
}

/* [ ... list v ] -> [ ... ]: v appended to list. */
static void append_to_list(duk_context *ctx)
{
	duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
	duk_pop(ctx);
}

static int add_value(const char *name, const char *value, void *arg)
{
	duk_context *ctx = arg;

	/* [ ... obj ] */
	push_list(ctx, name);
	duk_push_string(ctx, value);
	append_to_list(ctx);
	return 0;
}

/* jar.cookiesForURL(url) -> {name: [value, ...]} */
static duk_ret_t js_jar_cookies_for_url(duk_context *ctx)
{
	k6c__cookie_jar *jar = this_jar(ctx);
	const char *url = duk_to_string(ctx, 0);

	duk_push_object(ctx);
	check_rc(ctx, k6c__cookie_jar_each(jar, url, now_us(), add_value, ctx));
	return 1;
}

/* A key of an options object, case-insensitively (k6 lower-cases them). */
static bool get_opt(duk_context *ctx, duk_idx_t obj, const char *name)
{
	bool found = false;

	duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (!found && duk_next(ctx, -1, 1)) {
		if (strcasecmp(duk_to_string(ctx, -2), name) == 0) {
			found = true;
			duk_remove(ctx, -2);
		} else {
			duk_pop_2(ctx);
		}
	}
	duk_remove(ctx, found ? -2 : -1);
	return found;
}

/* jar.set(url, name, value, {domain, path, expires, max_age, secure,
 * http_only}) -> true */
static duk_ret_t js_jar_set(duk_context *ctx)
{
	k6c__cookie_jar *jar = this_jar(ctx);
	k6c__cookie c;

	memset(&c, 0, sizeof(c));
	c.name = duk_to_string(ctx, 1);
	c.value = duk_to_string(ctx, 2);
	c.domain = "";
	c.path = "";
	if (duk_is_object(ctx, 3)) {
		if (get_opt(ctx, 3, "path"))
			c.path = duk_to_string(ctx, -1);
		if (get_opt(ctx, 3, "domain"))
			c.domain = duk_to_string(ctx, -1);
		if (get_opt(ctx, 3, "expires")) {
			duk_size_t n;
			const char *s = duk_to_lstring(ctx, -1, &n);

			if (n > 0) {
				if (!k6c__cookie_parse_date(s, n, false, &c.expires_us))
					return duk_error(ctx, DUK_ERR_ERROR, "unable to parse \"expires\" date "
						"string \"%s\": it must be in RFC 1123 format, as "
						"\"Mon, 02 Jan 2006 15:04:05 MST\"", s);
				c.has_expires = true;
			}
		}
		if (get_opt(ctx, 3, "max_age")) {
			double v = duk_to_number(ctx, -1);

			c.max_age = isnan(v) ? 0 : v > 2147483647.0 ? 2147483647 :
				v < -2147483647.0 ? -2147483647 : (int)v;
		}
		if (get_opt(ctx, 3, "secure"))
			c.secure = duk_to_boolean(ctx, -1);
		if (get_opt(ctx, 3, "http_only"))
			c.http_only = duk_to_boolean(ctx, -1);
	}
	check_rc(ctx, k6c__cookie_jar_set(jar, duk_to_string(ctx, 0), &c, 1, now_us()));
	duk_push_true(ctx);
	return 1;
}

/* Deletes the cookie name as k6 does: Go's SetCookies with MaxAge -1, so
 * only the one with the URL's host and default path goes. */
static void delete_one(duk_context *ctx, k6c__cookie_jar *jar, const char *url, const char *name)
{
	k6c__cookie c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.value = "";
	c.domain = "";
	c.path = "";
	c.max_age = -1;
	check_rc(ctx, k6c__cookie_jar_set(jar, url, &c, 1, now_us()));
}

static int add_name(const char *name, const char *value, void *arg)
{
	duk_context *ctx = arg;

	K6C__UNUSED(value);
	duk_push_string(ctx, name);
	duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -1));
	return 0;
}

/* jar.clear(url): every cookie the URL would get, deleted as k6 does. */
static duk_ret_t js_jar_clear(duk_context *ctx)
{
	k6c__cookie_jar *jar = this_jar(ctx);
	const char *url = duk_to_string(ctx, 0);
	duk_size_t n;

	duk_push_array(ctx);
	check_rc(ctx, k6c__cookie_jar_each(jar, url, now_us(), add_name, ctx));
	n = duk_get_length(ctx, -1);
	for (duk_size_t i = 0; i < n; i++) {
		duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
		delete_one(ctx, jar, url, duk_get_string(ctx, -1));
		duk_pop(ctx);
	}
	return 0;
}

/* jar.delete(url, name) */
static duk_ret_t js_jar_delete(duk_context *ctx)
{
	k6c__cookie_jar *jar = this_jar(ctx);
	const char *url = duk_to_string(ctx, 0);
	const char *name = duk_is_undefined(ctx, 1) ? "" : duk_to_string(ctx, 1);

	if (*name == '\0')
		return duk_error(ctx, DUK_ERR_ERROR, "cookie: is null");
	delete_one(ctx, jar, url, name);
	return 0;
}

static void push_jar_proto(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "cookiesForURL", js_jar_cookies_for_url, 1, 0 },
		{ "set", js_jar_set, 4, 0 },
		{ "clear", js_jar_clear, 1, 0 },
		{ "delete", js_jar_delete, 2, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_heap_stash(ctx);
	if (duk_get_prop_string(ctx, -1, "httpJarProto")) {
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
	duk_push_c_function(ctx, jar_finalize, 2);
	duk_set_finalizer(ctx, -2);
	duk_dup_top(ctx);
	duk_put_prop_string(ctx, -3, "httpJarProto");
	duk_remove(ctx, -2);
}

/* ---- requests ------------------------------------------------------------------ */

/* params.cookies into a k6c__http_cookie array (a buffer on the value
 * stack, as are the strings). Returns how many. */
static size_t request_cookies(duk_context *ctx, duk_idx_t cookies, k6c__http_cookie **out)
{
	duk_idx_t base;
	size_t n = 0, cap;
	k6c__http_cookie *rc;

	cookies = duk_normalize_index(ctx, cookies);
	cap = 0;
	duk_enum(ctx, cookies, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 0)) {
		cap++;
		duk_pop(ctx);
	}
	duk_pop(ctx);
	rc = duk_push_fixed_buffer(ctx, cap > 0 ? cap * sizeof(*rc) : 1);
	base = duk_get_top(ctx);
	duk_enum(ctx, cookies, DUK_ENUM_OWN_PROPERTIES_ONLY);
	/* The enumerator stays at base; each pair's strings above it. */
	while (n < cap && duk_next(ctx, base, 1)) {
		/* [ ... enum key value ] */
		if (duk_is_null_or_undefined(ctx, -1)) {
			duk_pop_2(ctx);
			continue;
		}
		rc[n].name = duk_get_string(ctx, -2);
		rc[n].replace = false;
		if (duk_is_object(ctx, -1) && !duk_is_array(ctx, -1) && !duk_is_function(ctx, -1) &&
		    !duk_is_buffer_data(ctx, -1)) {
			duk_idx_t obj = duk_get_top_index(ctx);

			duk_push_string(ctx, "");
			if (get_opt(ctx, obj, "value")) {
				duk_to_string(ctx, -1);
				duk_replace(ctx, -2);
			}
			if (get_opt(ctx, obj, "replace")) {
				rc[n].replace = duk_to_boolean(ctx, -1);
				duk_pop(ctx);
			}
			duk_replace(ctx, obj);
		} else {
			duk_to_string(ctx, -1);
		}
		rc[n].value = duk_get_string(ctx, -1);
		n++;
		duk_require_stack(ctx, 8);
	}
	*out = rc;
	return n;
}

static duk_ret_t push_lstring_safe(duk_context *ctx, void *udata)
{
	const k6c__buf *b = udata;

	duk_push_lstring(ctx, b->ptr, b->len);
	return 1;
}

/* The first hop's Cookie header: the script's own Cookie line (if any),
 * then the request cookies and the jar's, as k6 builds it when it parses
 * the request. */
static void first_cookie_line(duk_context *ctx, k6c__vm *vm, const char *url, k6c__cookie_jar *jar,
	const k6c__http_cookie *rc, size_t nrc, size_t *nheaders)
{
	k6c__buf b = K6C__BUF_INIT;
	ssize_t user = -1;
	int err;

	if (nrc == 0 && k6c__cookie_jar_count(jar) == 0)
		return;
	for (size_t i = 0; i < *nheaders; i++) {
		const char *l = vm->ptrs[i];

		if (strncasecmp(l, "cookie", 6) == 0 && (l[6] == ':' || l[6] == ' '))
			user = (ssize_t)i;
	}
	/* Only C below until the line is a string on the stack. */
	if (user >= 0) {
		err = k6c__buf_puts(&b, vm->ptrs[user]);
	} else {
		err = k6c__buf_puts(&b, "Cookie: ");
	}
	if (err == 0) {
		const char *colon = strchr(b.ptr, ':');
		const char *v = colon + 1;

		while (*v == ' ' || *v == '\t')
			v++;
		err = k6c__cookie_header(&b, *v != '\0', jar, url, rc, nrc, now_us());
	}
	if (err == 0 && user < 0 && b.len == strlen("Cookie: ")) {
		k6c__buf_free(&b);
		return;
	}
	if (err != 0 || duk_safe_call(ctx, push_lstring_safe, &b, 0, 1) != 0) {
		k6c__buf_free(&b);
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory building the Cookie header");
	}
	k6c__buf_free(&b);
	if (user >= 0) {
		vm->ptrs[user] = duk_get_string(ctx, -1);
	} else {
		k6c__vm_ptrs_reserve(ctx, vm, *nheaders + 1);
		vm->ptrs[(*nheaders)++] = duk_get_string(ctx, -1);
	}
}

void k6c__mod_http_ext_params(duk_context *ctx, k6c__vm *vm, duk_idx_t params,
	const char *url, k6c__http_req *req, size_t *nheaders, k6c__http_ext *ext)
{
	k6c__cookie_jar *jar = NULL;
	k6c__http_cookie *rc = NULL;
	size_t nrc = 0;

	memset(ext, 0, sizeof(*ext));
	if (params >= 0) {
		params = duk_normalize_index(ctx, params);
		k6c__mod_http_push_ext_key(ctx, vm, K6C__HK_JAR);                  /* stays: keeps the jar alive */
		duk_get_prop(ctx, params);
		jar = jar_of(ctx, -1);
		k6c__mod_http_push_ext_key(ctx, vm, K6C__HK_COOKIES);
		duk_get_prop(ctx, params);
		if (duk_is_object(ctx, -1))
			nrc = request_cookies(ctx, -1, &rc);
		k6c__mod_http_push_ext_key(ctx, vm, K6C__HK_REDIRECTS);
		duk_get_prop(ctx, params);
		ext->redirects_given = !duk_is_undefined(ctx, -1);
		duk_pop(ctx);
	}
	k6c__mod_http_expect_params(ctx, vm, params, req, ext);
	if (jar == NULL)
		jar = vm->http_jar != NULL && !vm->http_jar_stale ? vm->http_jar : vu_jar(ctx, vm, false);
	req->jar = jar;
	req->cookies = rc;
	req->ncookies = nrc;
	first_cookie_line(ctx, vm, url, jar, rc, nrc, nheaders);
}

/* ---- response cookies ------------------------------------------------------------- */

/* [ ... ] -> [ ... buffer ]: a k6c__buf over a fixed Duktape buffer of
 * cap bytes, for the cookie parsers, whose stores never grow past twice
 * the parsed text plus a few bytes (reserved up front, so they never
 * reallocate it). Script code a getter can run inside (a toString called
 * while a request is being built) may be using the VM's scratch buffers,
 * so those are not touched here; and Duktape frees this one. */
static k6c__buf push_store(duk_context *ctx, size_t text_len)
{
	k6c__buf b;

	b.cap = 2 * text_len + 16;
	b.ptr = duk_push_fixed_buffer(ctx, b.cap);
	b.len = 0;
	return b;
}

/* What Go's time.Time{}.UnixNano() / 1e6 gives (the int64 wraps): k6
 * reports it as the expires of a cookie without one. */
#define GO_ZERO_TIME_MS (-6795364578871.0)

void k6c__mod_http_push_resp_cookies(duk_context *ctx, const char *headers, size_t len)
{
	const char *p = headers, *end = headers + len;
	k6c__buf store = push_store(ctx, len);

	duk_push_object(ctx);
	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		k6c__cookie c;

		if ((size_t)(le - p) > 11 && strncasecmp(p, "set-cookie:", 11) == 0) {
			int rc = k6c__cookie_parse_set(&c, p + 11, (size_t)(le - p - 11), &store);

			check_rc(ctx, rc);
			if (rc > 0) {
				push_list(ctx, c.name);
				duk_push_object(ctx);
				duk_push_string(ctx, c.name);
				duk_put_prop_string(ctx, -2, "name");
				duk_push_string(ctx, c.value);
				duk_put_prop_string(ctx, -2, "value");
				duk_push_string(ctx, c.domain);
				duk_put_prop_string(ctx, -2, "domain");
				duk_push_string(ctx, c.path);
				duk_put_prop_string(ctx, -2, "path");
				duk_push_boolean(ctx, c.http_only);
				duk_put_prop_string(ctx, -2, "http_only");
				duk_push_boolean(ctx, c.secure);
				duk_put_prop_string(ctx, -2, "secure");
				duk_push_int(ctx, c.max_age);
				duk_put_prop_string(ctx, -2, "max_age");
				duk_push_number(ctx, c.has_expires ? (double)(c.expires_us / 1000) :
					GO_ZERO_TIME_MS);
				duk_put_prop_string(ctx, -2, "expires");
				append_to_list(ctx);
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	duk_remove(ctx, -2);   /* the store */
}

static int add_req_cookie(const char *name, const char *value, void *arg)
{
	duk_context *ctx = arg;

	push_list(ctx, name);
	duk_push_object(ctx);
	duk_push_string(ctx, name);
	duk_put_prop_string(ctx, -2, "name");
	duk_push_string(ctx, value);
	duk_put_prop_string(ctx, -2, "value");
	duk_push_false(ctx);
	duk_put_prop_string(ctx, -2, "replace");
	append_to_list(ctx);
	return 0;
}

void k6c__mod_http_push_req_cookies(duk_context *ctx, const char *lines, size_t len)
{
	const char *p = lines, *end = lines + len;
	k6c__buf store = push_store(ctx, len);

	duk_push_object(ctx);
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *le = nul != NULL ? nul : end;

		if ((size_t)(le - p) >= 7 && strncasecmp(p, "cookie:", 7) == 0)
			check_rc(ctx, k6c__cookie_parse_request(p + 7, (size_t)(le - p - 7), &store,
				add_req_cookie, ctx));
		p = le + 1;
	}
	duk_remove(ctx, -2);   /* the store */
}

/* ---- the module --------------------------------------------------------------- */

void k6c__mod_http_ext_push(duk_context *ctx, duk_idx_t obj)
{
	obj = duk_normalize_index(ctx, obj);
	duk_push_c_function(ctx, js_jar_ctor, 0);
	push_jar_proto(ctx);
	duk_dup(ctx, -2);
	duk_put_prop_string(ctx, -2, "constructor");
	duk_put_prop_string(ctx, -2, "prototype");
	duk_put_prop_string(ctx, obj, "CookieJar");
	duk_push_c_lightfunc(ctx, js_cookie_jar, 0, 0, 0);
	duk_put_prop_string(ctx, obj, "cookieJar");
	k6c__mod_http_expect_push(ctx, obj);
}
