/*
 * mod_http_forms.c - Response.submitForm() and Response.clickLink() of
 * k6/http. They only glue together what exists (Response.html(), the form
 * serialisation of k6/html, http.request), so they are written as a small
 * ES5 JavaScript source, given the k6/http functions and a native URL
 * resolver (k6/html's, RFC 3986) as arguments.
 *
 * The source is compiled in a VU's heap only when the VU first calls one of
 * them; until then the Response prototype holds two native trampolines.
 * Compiled with the prototype, at every VU's first response, it cost every
 * VU of every test about 22 KiB of resident memory (141 instead of 119 KiB
 * per VU in doc/performance.md) for two methods few scripts call.
 */
#include "engine/vm.h"
#include "engine/mod_http.h"

#include "html/html.h"

/* function (http, resolve) -> { submitForm, clickLink } */
static const char forms_src[] =
	"(function (http, resolve) {\n"
	"'use strict';\n"
	"function esc(s) {\n"   /* Go's url.QueryEscape */
	"  return encodeURIComponent(s).replace(/[!'()*]/g, function (c) {\n"
	"    return '%' + c.charCodeAt(0).toString(16).toUpperCase();\n"
	"  }).replace(/%20/g, '+');\n"
	"}\n"
	"function str(v) { return v === undefined || v === null ? '' : String(v); }\n"
	"function add(values, name, value) {\n"
	"  if (!Object.prototype.hasOwnProperty.call(values, name)) values[name] = value;\n"
	"  else if (values[name] instanceof Array) values[name].push(value);\n"
	"  else values[name] = [values[name], value];\n"
	"}\n"
	"function submitForm(args) {\n"
	"  var a = args === undefined || args === null ? {} : args;\n"
	"  if (typeof a !== 'object') throw new TypeError('submitForm: the argument must be an object, not ' + typeof a);\n"
	"  var formSelector = a.formSelector === undefined || a.formSelector === null ? 'form' : String(a.formSelector);\n"
	"  var fields = a.fields, params = a.params;\n"
	"  if (fields !== undefined && fields !== null && typeof fields !== 'object')\n"
	"    throw new TypeError('submitForm: fields must be an object, not ' + typeof fields);\n"
	"  var form = this.html().find(formSelector).first();\n"
	"  if (form.size() === 0)\n"
	"    throw new Error(\"submitForm: no form found for selector '\" + formSelector + \"' in response '\" + this.url + \"'\");\n"
	"  var method = str(form.attr('method')).toUpperCase() || 'GET';\n"
	"  var action = form.attr('action'), url = String(this.url);\n"
	"  if (action !== undefined && action !== '') {\n"
	"    var r = resolve(url, String(action));\n"
	"    if (r === undefined) throw new Error(\"submitForm: invalid form action '\" + action + \"' in response '\" + url + \"'\");\n"
	"    url = r;\n"
	"  }\n"
	"  var values = {}, i, k;\n"
	"  var controls = form.serializeArray();\n"
	"  for (i = 0; i < controls.length; i++) add(values, controls[i].name, str(controls[i].value));\n"
	/* As k6: the first match of submitSelector sends its name and value
	 * when it has both; no match is no error. */
	"  var submitSelector = a.submitSelector === undefined || a.submitSelector === null ?\n"
	"    '[type=\"submit\"]' : String(a.submitSelector);\n"
	"  var button = form.find(submitSelector).first();\n"
	"  var bname = button.attr('name'), bvalue = button.attr('value');\n"
	"  if (bname !== undefined && bname !== '' && bvalue !== undefined) values[bname] = String(bvalue);\n"
	"  if (fields !== undefined && fields !== null)\n"
	"    for (k in fields) if (Object.prototype.hasOwnProperty.call(fields, k))\n"
	"      values[k] = fields[k] instanceof Array ? fields[k].map(str) : str(fields[k]);\n"
	"  if (method === 'GET') {\n"
	"    var keys = Object.keys(values).sort(), q = [], j, v;\n"
	"    for (i = 0; i < keys.length; i++) {\n"
	"      v = values[keys[i]] instanceof Array ? values[keys[i]] : [values[keys[i]]];\n"
	"      for (j = 0; j < v.length; j++) q.push(esc(keys[i]) + '=' + esc(v[j]));\n"
	"    }\n"
	"    var hash = url.indexOf('#');\n"
	"    if (hash >= 0) url = url.substring(0, hash);\n"
	"    var qm = url.indexOf('?');\n"
	"    if (qm >= 0) url = url.substring(0, qm);\n"
	"    if (q.length > 0) url += '?' + q.join('&');\n"
	"    return http.request('GET', url, null, params);\n"
	"  }\n"
	"  return http.request(method, url, values, params);\n"
	"}\n"
	"function clickLink(args) {\n"
	"  var a = args === undefined || args === null ? {} : args;\n"
	"  if (typeof a !== 'object') throw new TypeError('clickLink: the argument must be an object, not ' + typeof a);\n"
	"  var selector = a.selector === undefined || a.selector === null ? 'a[href]' : String(a.selector);\n"
	"  var link = this.html().find(selector).first();\n"
	"  if (link.size() === 0)\n"
	"    throw new Error(\"clickLink: no element found for selector '\" + selector + \"' in response '\" + this.url + \"'\");\n"
	"  var href = link.attr('href');\n"
	"  var url = href === undefined ? undefined : resolve(String(this.url), String(href));\n"
	"  if (url === undefined)\n"
	"    throw new Error(\"clickLink: no valid href attribute value found on element '\" + selector + \"' in response '\" + this.url + \"'\");\n"
	"  return http.request('GET', url, null, a.params);\n"
	"}\n"
	"return { submitForm: submitForm, clickLink: clickLink };\n"
	"})";

/* resolve(base, ref): ref resolved against base, or undefined. */
static duk_ret_t js_resolve(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *base = duk_require_string(ctx, 0), *ref = duk_require_string(ctx, 1);

	if (k6c__html_url_resolve(base, ref, &vm->scratch) != 0)
		return 0;
	duk_push_lstring(ctx, vm->scratch.len > 0 ? vm->scratch.ptr : "", vm->scratch.len);
	return 1;
}

static const char *const forms_names[] = { "submitForm", "clickLink" };

/* [ ... ] -> [ ... forms ]: the VU's { submitForm, clickLink }, compiled on
 * the first call and kept in the heap stash. */
static void push_forms(duk_context *ctx)
{
	duk_push_heap_stash(ctx);
	if (duk_get_prop_string(ctx, -1, "httpForms")) {
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	duk_push_string(ctx, forms_src);
	duk_push_string(ctx, "k6c:http-forms");
	duk_compile(ctx, DUK_COMPILE_EVAL);
	duk_call(ctx, 0);                       /* -> the factory */
	k6c__mod_http_push(ctx);
	duk_push_c_lightfunc(ctx, js_resolve, 2, 2, 0);
	duk_call(ctx, 2);                       /* -> { submitForm, clickLink } */
	duk_dup_top(ctx);
	duk_put_prop_string(ctx, -3, "httpForms");
	duk_remove(ctx, -2);
}

/* response.submitForm(args) and response.clickLink(args) (magic: the index
 * in forms_names): the compiled function called with the same this and
 * arguments. */
static duk_ret_t js_forms_call(duk_context *ctx)
{
	duk_idx_t nargs = duk_get_top(ctx);

	push_forms(ctx);
	duk_get_prop_string(ctx, -1, forms_names[duk_get_current_magic(ctx)]);
	duk_remove(ctx, -2);
	duk_insert(ctx, 0);
	duk_push_this(ctx);
	duk_insert(ctx, 1);
	duk_call_method(ctx, nargs);
	return 1;
}

void k6c__mod_http_forms_put(duk_context *ctx, duk_idx_t proto)
{
	proto = duk_normalize_index(ctx, proto);
	for (size_t i = 0; i < sizeof(forms_names) / sizeof(forms_names[0]); i++) {
		duk_push_string(ctx, forms_names[i]);
		duk_push_c_lightfunc(ctx, js_forms_call, DUK_VARARGS, 1, (duk_int_t)i);
		duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
			DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
	}
}
