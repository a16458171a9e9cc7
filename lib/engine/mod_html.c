/*
 * mod_html.c - the `k6/html` module: parseHTML(src) and Response.html()
 * give a Selection (k6's jQuery-like API) over a document parsed by
 * lib/html; Selection.get() gives Element objects (k6's DOM-like API, every
 * member a method, with the per-tag getters of k6's element types).
 *
 * Memory: a Selection or Element is a small JS object whose hidden pointer
 * owns a node array and one reference on the document; the prototypes carry
 * a finalizer that frees both, so a document lives exactly as long as some
 * Selection or Element of it is reachable (Duktape's reference counting
 * frees it as soon as the last one is dropped; the heap's destruction runs
 * the rest). Every C allocation is owned by such an object before anything
 * that can throw runs, so a Duktape error (longjmp) never leaks. Compiled
 * selectors are cached per VU (bounded); past the bound they are owned by a
 * boxed object on the value stack for the duration of the call.
 */
#include "engine/vm.h"
#include "engine/mod_html.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/html.h"

#define SET_KEY DUK_HIDDEN_SYMBOL("k6c.hset")
#define PREV_KEY DUK_HIDDEN_SYMBOL("k6c.hprev")
#define PREFIX_KEY DUK_HIDDEN_SYMBOL("k6c.hprefix")
#define STATE_KEY "k6c.html"

/* Cached compiled selectors per VU at most. */
#define CACHE_MAX 256

/* What a Selection or Element object owns. */
typedef struct hset {
	k6c__html_doc *doc;      /* one reference; NULL only before it is set */
	k6c__hnode **v;
	size_t n, cap;
} hset;

typedef struct hcache {
	k6c__map *map;           /* selector text -> k6c__hsel * */
} hcache;

enum kind { K_SEL, K_ELEM };

/* ---- Finalizers and state ------------------------------------------------------ */

static void hset_free(hset *h)
{
	if (h == NULL)
		return;
	k6c__free(h->v);
	k6c__html_doc_unref(h->doc);
	k6c__free(h);
}

static void free_sel(void *p)
{
	k6c__hsel_free(p);
}

/* The finalizer of Selections, Elements (inherited from their prototypes)
 * and selector boxes: frees what the hidden pointer owns. */
static duk_ret_t js_finalize(duk_context *ctx)
{
	void *p;
	int what = duk_get_current_magic(ctx);

	if (!duk_get_prop_string(ctx, 0, SET_KEY)) {
		return 0;
	}
	p = duk_get_pointer(ctx, -1);
	duk_pop(ctx);
	if (p == NULL)
		return 0;
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, 0, SET_KEY);
	if (what == 0) {
		hset_free(p);
	} else if (what == 1) {
		k6c__hsel_free(p);
	} else {
		hcache *c = p;

		k6c__map_free(c->map, free_sel);
		k6c__free(c);
	}
	return 0;
}

/* [ ... ] -> [ ... obj ]: an object whose hidden pointer (NULL for now)
 * will own something freed by finalizer `what` (0 set, 1 selector, 2 cache),
 * set later with put_owned. The property exists before the pointer does,
 * so storing it cannot fail. */
static void push_owner(duk_context *ctx, int what)
{
	duk_push_object(ctx);
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, -2, SET_KEY);
	if (what != 0) {
		duk_push_c_function(ctx, js_finalize, 1);
		duk_set_magic(ctx, -1, what);
		duk_set_finalizer(ctx, -2);
	}
}

static void put_owned(duk_context *ctx, duk_idx_t obj, void *p)
{
	obj = duk_normalize_index(ctx, obj);
	duk_push_pointer(ctx, p);
	duk_put_prop_string(ctx, obj, SET_KEY);
}

static void push_state(duk_context *ctx);

/* [ ... ] -> [ ... proto ]: one of the state's objects. */
static void push_state_prop(duk_context *ctx, const char *name)
{
	push_state(ctx);
	duk_get_prop_string(ctx, -1, name);
	duk_remove(ctx, -2);
}

/* ---- Sets ------------------------------------------------------------------- */

static void push_elem_proto(duk_context *ctx, const k6c__hnode *n);

/* [ ... ] -> [ ... selection-or-element ] with an empty set of doc (a new
 * reference is taken; doc may be NULL: the caller sets it). For an Element,
 * node picks its prototype. */
static hset *push_set(duk_context *ctx, k6c__html_doc *doc, int kind, const k6c__hnode *node)
{
	duk_idx_t obj;
	hset *h;

	push_owner(ctx, 0);
	obj = duk_get_top_index(ctx);
	if (kind == K_ELEM)
		push_elem_proto(ctx, node);
	else
		push_state_prop(ctx, "sel");
	duk_set_prototype(ctx, obj);
	h = k6c__calloc(1, sizeof(*h));
	if (h == NULL)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	put_owned(ctx, obj, h);
	if (doc != NULL) {
		k6c__html_doc_ref(doc);
		h->doc = doc;
	}
	return h;
}

static void set_add(duk_context *ctx, hset *h, k6c__hnode *n)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		k6c__hnode **v = k6c__realloc(h->v, cap * sizeof(*v));

		if (v == NULL)
			(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = n;
}

/* The set behind the object at idx, or NULL if it is not a Selection or
 * Element. */
static hset *get_set(duk_context *ctx, duk_idx_t idx)
{
	hset *h;

	if (!duk_is_object(ctx, idx))
		return NULL;
	duk_get_prop_string(ctx, idx, SET_KEY);
	h = duk_is_pointer(ctx, -1) ? duk_get_pointer(ctx, -1) : NULL;
	duk_pop(ctx);
	if (h != NULL && h->doc == NULL)
		return NULL;
	return h;
}

/* this as a set: pushes this (at the returned set's index *this_idx). */
static hset *this_set(duk_context *ctx, duk_idx_t *this_idx, const char *what)
{
	hset *h;

	duk_push_this(ctx);
	h = get_set(ctx, -1);
	if (h == NULL)
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s called on something that is not a %s",
			what, strchr(what, '.') != NULL && strncmp(what, "Element", 7) == 0 ?
			"k6/html Element" : "k6/html Selection");
	if (this_idx != NULL)
		*this_idx = duk_get_top_index(ctx);
	return h;
}

static bool set_has(const hset *h, const k6c__hnode *n)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i] == n)
			return true;
	return false;
}

/* end(): the new selection at obj remembers the one it came from. */
static void set_prev(duk_context *ctx, duk_idx_t obj, duk_idx_t prev)
{
	duk_dup(ctx, prev);
	duk_put_prop_string(ctx, obj, PREV_KEY);
}

/* The length of the valid UTF-8 sequence at u (n bytes left) and its code
 * point, or 0 when it is not one (a stray byte, an overlong form, a
 * surrogate, beyond U+10FFFF). */
static size_t utf8_seq(const unsigned char *u, size_t n, unsigned long *cp)
{
	size_t len;
	unsigned long c, min;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2;
		c = u[0] & 0x1F;
		min = 0x80;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		len = 3;
		c = u[0] & 0x0F;
		min = 0x800;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4;
		c = u[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* [ ... ] -> [ ... string ] from text that should be UTF-8: characters
 * outside the BMP become surrogate pairs (Duktape's CESU-8), so they equal
 * the same text written in JavaScript, and bytes that are not UTF-8 become
 * U+FFFD (raw bytes could even make a Duktape symbol). */
static void push_text(duk_context *ctx, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char *out;
	size_t n = 0, i;

	for (i = 0; i < len && u[i] < 0x80; i++)
		;
	if (i == len) {
		duk_push_lstring(ctx, s, len);
		return;
	}
	out = duk_push_fixed_buffer(ctx, len * 3);
	memcpy(out, u, i);
	n = i;
	while (i < len) {
		unsigned long cp;
		size_t k = utf8_seq(u + i, len - i, &cp);

		if (k == 0) {
			memcpy(out + n, "\xEF\xBF\xBD", 3);
			n += 3;
			i++;
		} else if (cp >= 0x10000) {
			unsigned long hi = 0xD800 + ((cp - 0x10000) >> 10);
			unsigned long lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);

			out[n++] = (unsigned char)(0xE0 | (hi >> 12));
			out[n++] = (unsigned char)(0x80 | ((hi >> 6) & 0x3F));
			out[n++] = (unsigned char)(0x80 | (hi & 0x3F));
			out[n++] = (unsigned char)(0xE0 | (lo >> 12));
			out[n++] = (unsigned char)(0x80 | ((lo >> 6) & 0x3F));
			out[n++] = (unsigned char)(0x80 | (lo & 0x3F));
			i += 4;
		} else {
			memcpy(out + n, u + i, k);
			n += k;
			i += k;
		}
	}
	duk_push_lstring(ctx, (const char *)out, n);
	duk_remove(ctx, -2);
}

static void push_str(duk_context *ctx, const char *s)
{
	push_text(ctx, s, strlen(s));
}

/* [ ... ] -> [ ... string ] from b (UTF-8). */
static void push_buf(duk_context *ctx, const k6c__buf *b)
{
	push_text(ctx, b->ptr != NULL ? b->ptr : "", b->len);
}

/* ---- Selectors ----------------------------------------------------------------- */

/* The compiled selector for text, from the VU's cache or compiled now;
 * pushes one value (a box owning an uncached selector, or undefined) that
 * must stay on the stack while the selector is used. A bad selector throws
 * a SyntaxError naming it. */
static const k6c__hsel *get_selector(duk_context *ctx, const char *text)
{
	hcache *c;
	k6c__hsel *s;
	size_t len = strlen(text);
	int rc;

	push_state_prop(ctx, "cache");
	duk_get_prop_string(ctx, -1, SET_KEY);
	c = duk_get_pointer(ctx, -1);
	duk_pop_2(ctx);
	if (c != NULL && (s = k6c__map_get(c->map, text, len)) != NULL) {
		duk_push_undefined(ctx);
		return s;
	}
	push_owner(ctx, 1);
	rc = k6c__hsel_compile(&s, text);
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		(void)duk_error(ctx, rc == K6C_ENOMEM ? DUK_ERR_ERROR : DUK_ERR_SYNTAX_ERROR, "%s",
			e != NULL ? e->message : "invalid CSS selector");
	}
	if (c != NULL && k6c__map_count(c->map) < CACHE_MAX &&
		k6c__map_set(c->map, text, len, s) == 0)
		return s;   /* the cache owns it; the box stays empty */
	put_owned(ctx, -1, s);
	return s;
}

/* A "selector" argument: a CSS selector, a Selection or Element, or a
 * function (only where allowed). */
enum { A_NONE, A_CSS, A_SET, A_FN };

typedef struct sarg {
	int kind;
	const k6c__hsel *css;
	const hset *set;
	duk_idx_t idx;
} sarg;

/* Reads argument idx; pushes one value (see get_selector). */
static void get_sarg(duk_context *ctx, duk_idx_t idx, sarg *a, bool optional, bool allow_fn,
	const char *method)
{
	memset(a, 0, sizeof(*a));
	a->idx = idx;
	if (optional && duk_is_null_or_undefined(ctx, idx)) {
		a->kind = A_NONE;
	} else if (duk_is_string(ctx, idx)) {
		a->kind = A_CSS;
		a->css = get_selector(ctx, duk_get_string(ctx, idx));
		return;
	} else if ((a->set = get_set(ctx, idx)) != NULL) {
		a->kind = A_SET;
	} else if (allow_fn && duk_is_function(ctx, idx)) {
		a->kind = A_FN;
	} else {
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: invalid argument: cannot use %s as a "
			"selector (a selector string%s is expected)", method,
			duk_is_null_or_undefined(ctx, idx) ? "nothing" : duk_safe_to_string(ctx, idx),
			allow_fn ? ", a Selection, an Element or a function" : ", a Selection or an Element");
	}
	duk_push_undefined(ctx);
}

/* [ ... ] -> [ ... selection ]: a Selection of the one node n (the callback
 * argument of filter, is, not and map). */
static void push_single(duk_context *ctx, k6c__html_doc *doc, k6c__hnode *n, int kind)
{
	hset *h = push_set(ctx, doc, kind, n);

	set_add(ctx, h, n);
}

/* Whether node n (at position i) passes a: a CSS selector matches it, it is
 * in the set, or the function returns something truthy for (i, Selection). */
static bool sarg_match(duk_context *ctx, const sarg *a, const hset *h, size_t i)
{
	bool r;

	switch (a->kind) {
	case A_CSS:
		return k6c__hsel_match(a->css, h->v[i]);
	case A_SET:
		return set_has(a->set, h->v[i]);
	case A_FN:
		duk_dup(ctx, a->idx);
		duk_dup(ctx, a->idx);
		duk_push_number(ctx, (double)i);
		push_single(ctx, h->doc, h->v[i], K_SEL);
		duk_call_method(ctx, 2);
		r = duk_to_boolean(ctx, -1);
		duk_pop(ctx);
		return r;
	default:
		return true;
	}
}

/* ---- parseHTML and Response.html ------------------------------------------------- */

/* [ ... ] -> [ ... selection of the document ] from len bytes of UTF-8. */
static void push_document(duk_context *ctx, const char *src, size_t len, const char *url)
{
	k6c__html_doc *d;
	hset *h = push_set(ctx, NULL, K_SEL, NULL);
	int rc = k6c__html_parse(&d, src, len);

	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		(void)duk_error(ctx, DUK_ERR_ERROR, "parseHTML: %s", e != NULL ? e->message : "failed");
	}
	h->doc = d;   /* the parse's reference */
	if (url != NULL && url[0] != '\0' && k6c__html_doc_set_url(d, url) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	set_add(ctx, h, k6c__html_doc_node(d));
}

/* The text at idx (a string, or a buffer's bytes) as UTF-8 in vm->scratch2. */
static void source_bytes(duk_context *ctx, k6c__vm *vm, duk_idx_t idx)
{
	const char *s;
	duk_size_t n;

	k6c__buf_clear(&vm->scratch2);
	if (duk_is_buffer_data(ctx, idx)) {
		s = duk_get_buffer_data(ctx, idx, &n);
		k6c__vm_put(ctx, &vm->scratch2, s, n);
		return;
	}
	s = duk_to_lstring(ctx, idx, &n);
	if (k6c__vm_to_utf8(s, n, &vm->scratch2) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
}

/* parseHTML(src) */
static duk_ret_t js_parse_html(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	if (duk_is_null_or_undefined(ctx, 0))
		push_str(ctx, "");
	else
		duk_dup(ctx, 0);
	source_bytes(ctx, vm, -1);
	push_document(ctx, vm->scratch2.ptr != NULL ? vm->scratch2.ptr : "", vm->scratch2.len, NULL);
	return 1;
}

static duk_ret_t sel_find_impl(duk_context *ctx, duk_idx_t this_idx, hset *h, duk_idx_t arg);

duk_ret_t k6c__mod_html_response(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *url;
	duk_idx_t doc;

	duk_push_this(ctx);                                   /* 1 */
	if (!duk_is_object(ctx, 1))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "html() called on something that is not a "
			"response");
	duk_get_prop_string(ctx, 1, "body");                 /* 2 */
	if (duk_is_null_or_undefined(ctx, 2))
		return duk_error(ctx, DUK_ERR_ERROR, "the body is null so we can't transform it to "
			"HTML - this likely was because the responseType option was set to none");
	duk_get_prop_string(ctx, 1, "url");                  /* 3 */
	url = duk_is_string(ctx, 3) ? duk_get_string(ctx, 3) : NULL;
	source_bytes(ctx, vm, 2);
	push_document(ctx, vm->scratch2.ptr != NULL ? vm->scratch2.ptr : "", vm->scratch2.len, url);
	doc = duk_get_top_index(ctx);
	if (duk_is_null_or_undefined(ctx, 0))
		return 1;
	return sel_find_impl(ctx, doc, get_set(ctx, doc), 0);
}

/* ---- Selection: traversal ------------------------------------------------------- */

static duk_ret_t sel_find_impl(duk_context *ctx, duk_idx_t this_idx, hset *h, duk_idx_t arg)
{
	sarg a;
	hset *out;
	duk_idx_t obj;
	uint64_t m;

	get_sarg(ctx, arg, &a, false, false, "find()");
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	m = k6c__html_mark_new(h->doc);
	if (a.kind == A_CSS) {
		for (size_t i = 0; i < h->n; i++)
			for (k6c__hnode *c = k6c__hsel_next(a.css, h->v[i], NULL); c != NULL;
				c = k6c__hsel_next(a.css, h->v[i], c))
				if (k6c__hnode_mark(c, m))
					set_add(ctx, out, c);
	} else {
		for (size_t j = 0; j < a.set->n; j++) {
			k6c__hnode *c = a.set->v[j];

			if (a.set->doc != h->doc)
				break;
			for (size_t i = 0; i < h->n; i++)
				if (k6c__hnode_contains(h->v[i], c) && k6c__hnode_mark(c, m)) {
					set_add(ctx, out, c);
					break;
				}
		}
	}
	set_prev(ctx, obj, this_idx);
	return 1;
}

static duk_ret_t js_find(duk_context *ctx)
{
	duk_idx_t self;
	hset *h = this_set(ctx, &self, "find()");

	return sel_find_impl(ctx, self, h, 0);
}

enum trav { T_NEXT, T_PREV, T_NEXT_ALL, T_PREV_ALL, T_PARENT, T_PARENTS, T_SIBLINGS, T_CHILDREN,
	T_CONTENTS };

typedef k6c__hnode *(*hstep)(const k6c__hnode *n);

static k6c__hnode *first_sibling(const k6c__hnode *n)
{
	const k6c__hnode *p = k6c__hnode_parent(n);

	return p != NULL ? k6c__hnode_first_element(p) : NULL;
}

/* Each traversal from a node n: first(n), then step() over the result
 * until NULL (only first(n) without a step). n itself is skipped, which
 * only siblings could meet. */
static const struct {
	hstep first, step;
} travs[] = {
	[T_NEXT] = { k6c__hnode_next_element, NULL },
	[T_PREV] = { k6c__hnode_prev_element, NULL },
	[T_NEXT_ALL] = { k6c__hnode_next_element, k6c__hnode_next_element },
	[T_PREV_ALL] = { k6c__hnode_prev_element, k6c__hnode_prev_element },
	[T_PARENT] = { k6c__hnode_parent_element, NULL },
	[T_PARENTS] = { k6c__hnode_parent_element, k6c__hnode_parent_element },
	[T_SIBLINGS] = { first_sibling, k6c__hnode_next_element },
	[T_CHILDREN] = { k6c__hnode_first_element, k6c__hnode_next_element },
	[T_CONTENTS] = { k6c__hnode_first_child, k6c__hnode_next },
};

static void trav_add(duk_context *ctx, hset *out, k6c__hnode *c, const sarg *f, uint64_t m)
{
	if (f->kind == A_CSS && !k6c__hsel_match(f->css, c))
		return;
	if (k6c__hnode_mark(c, m))
		set_add(ctx, out, c);
}

/* next, prev, nextAll, prevAll, parent, parents, siblings, children
 * ([filter]) and contents(). */
static duk_ret_t js_trav(duk_context *ctx)
{
	static const char *const names[] = { "next()", "prev()", "nextAll()", "prevAll()", "parent()",
		"parents()", "siblings()", "children()", "contents()" };
	int t = duk_get_current_magic(ctx);
	duk_idx_t self, obj;
	hset *h = this_set(ctx, &self, names[t]), *out;
	sarg f = { A_NONE, NULL, NULL, 0 };
	uint64_t m;

	if (t != T_CONTENTS) {
		if (!duk_is_null_or_undefined(ctx, 0) && !duk_is_string(ctx, 0))
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: the filter must be a selector string",
				names[t]);
		get_sarg(ctx, 0, &f, true, false, names[t]);
	}
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	m = k6c__html_mark_new(h->doc);
	for (size_t i = 0; i < h->n; i++) {
		k6c__hnode *n = h->v[i];

		for (k6c__hnode *c = travs[t].first(n); c != NULL;
			c = travs[t].step != NULL ? travs[t].step(c) : NULL)
			if (c != n)
				trav_add(ctx, out, c, &f, m);
	}
	set_prev(ctx, obj, self);
	return 1;
}

/* nextUntil, prevUntil, parentsUntil([until], [filter]) */
static duk_ret_t js_until(duk_context *ctx)
{
	static const hstep until_step[] = { k6c__hnode_next_element, k6c__hnode_prev_element,
		k6c__hnode_parent_element };
	static const char *const names[] = { "nextUntil()", "prevUntil()", "parentsUntil()" };
	int t = duk_get_current_magic(ctx);
	duk_idx_t self, obj;
	hset *h = this_set(ctx, &self, names[t]), *out;
	sarg until, f = { A_NONE, NULL, NULL, 0 };
	uint64_t m;

	get_sarg(ctx, 0, &until, true, false, names[t]);
	if (!duk_is_null_or_undefined(ctx, 1)) {
		duk_to_string(ctx, 1);
		get_sarg(ctx, 1, &f, false, false, names[t]);
	}
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	m = k6c__html_mark_new(h->doc);
	for (size_t i = 0; i < h->n; i++) {
		k6c__hnode *c = h->v[i];

		for (;;) {
			c = until_step[t](c);
			if (c == NULL)
				break;
			if ((until.kind == A_CSS && k6c__hsel_match(until.css, c)) ||
				(until.kind == A_SET && set_has(until.set, c)))
				break;
			trav_add(ctx, out, c, &f, m);
		}
	}
	set_prev(ctx, obj, self);
	return 1;
}

/* closest(selector | Selection | Element) */
static duk_ret_t js_closest(duk_context *ctx)
{
	duk_idx_t self, obj;
	hset *h = this_set(ctx, &self, "closest()"), *out;
	sarg a;
	uint64_t m;

	get_sarg(ctx, 0, &a, false, false, "closest()");
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	m = k6c__html_mark_new(h->doc);
	for (size_t i = 0; i < h->n; i++) {
		k6c__hnode *c = h->v[i];

		if (k6c__hnode_type(c) != K6C__HNODE_ELEMENT)
			c = k6c__hnode_parent_element(c);
		for (; c != NULL; c = k6c__hnode_parent_element(c)) {
			if (a.kind == A_CSS ? k6c__hsel_match(a.css, c) : set_has(a.set, c)) {
				if (k6c__hnode_mark(c, m))
					set_add(ctx, out, c);
				break;
			}
		}
	}
	set_prev(ctx, obj, self);
	return 1;
}

/* add(selector | Selection | Element) */
static duk_ret_t js_add(duk_context *ctx)
{
	duk_idx_t self, obj;
	hset *h = this_set(ctx, &self, "add()"), *out;
	sarg a;
	uint64_t m;

	get_sarg(ctx, 0, &a, false, false, "add()");
	if (a.kind == A_SET && a.set->doc != h->doc)
		return duk_error(ctx, DUK_ERR_ERROR, "add(): the nodes belong to another document");
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	m = k6c__html_mark_new(h->doc);
	for (size_t i = 0; i < h->n; i++)
		if (k6c__hnode_mark(h->v[i], m))
			set_add(ctx, out, h->v[i]);
	if (a.kind == A_CSS) {
		k6c__hnode *root = k6c__html_doc_node(h->doc);

		for (k6c__hnode *c = k6c__hsel_next(a.css, root, NULL); c != NULL;
			c = k6c__hsel_next(a.css, root, c))
			if (k6c__hnode_mark(c, m))
				set_add(ctx, out, c);
	} else {
		for (size_t i = 0; i < a.set->n; i++)
			if (k6c__hnode_mark(a.set->v[i], m))
				set_add(ctx, out, a.set->v[i]);
	}
	set_prev(ctx, obj, self);
	return 1;
}

/* filter(sel | Selection | fn), not(...), has(sel | Selection | Element) */
enum { F_FILTER, F_NOT, F_HAS };

static duk_ret_t js_filter(duk_context *ctx)
{
	static const char *const names[] = { "filter()", "not()", "has()" };
	int t = duk_get_current_magic(ctx);
	duk_idx_t self, obj;
	hset *h = this_set(ctx, &self, names[t]), *out;
	sarg a;

	get_sarg(ctx, 0, &a, false, t != F_HAS, names[t]);
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	for (size_t i = 0; i < h->n; i++) {
		bool keep;

		if (t == F_HAS) {
			if (a.kind == A_CSS) {
				keep = k6c__hsel_next(a.css, h->v[i], NULL) != NULL;
			} else {
				keep = false;
				for (size_t j = 0; j < a.set->n && !keep; j++)
					keep = k6c__hnode_contains(h->v[i], a.set->v[j]);
			}
		} else {
			keep = sarg_match(ctx, &a, h, i);
			if (t == F_NOT)
				keep = !keep;
		}
		if (keep)
			set_add(ctx, out, h->v[i]);
	}
	set_prev(ctx, obj, self);
	return 1;
}

/* is(sel | Selection | fn) */
static duk_ret_t js_is(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "is()");
	sarg a;

	get_sarg(ctx, 0, &a, false, true, "is()");
	for (size_t i = 0; i < h->n; i++) {
		if (sarg_match(ctx, &a, h, i)) {
			duk_push_true(ctx);
			return 1;
		}
	}
	duk_push_false(ctx);
	return 1;
}

/* first(), last(), eq(i), slice(start, [end]) */
enum { R_FIRST, R_LAST, R_EQ, R_SLICE };

static long norm_index(double d, size_t n)
{
	if (isnan(d))
		return 0;
	if (d < 0)
		d += (double)n;
	if (d < 0)
		return -1;
	if (d > (double)n)
		return (long)n;
	return (long)d;
}

static duk_ret_t js_range(duk_context *ctx)
{
	static const char *const names[] = { "first()", "last()", "eq()", "slice()" };
	int t = duk_get_current_magic(ctx);
	duk_idx_t self, obj;
	hset *h = this_set(ctx, &self, names[t]), *out;
	long from = 0, to = 0;

	switch (t) {
	case R_FIRST:
		from = 0;
		to = h->n > 0 ? 1 : 0;
		break;
	case R_LAST:
		from = h->n > 0 ? (long)h->n - 1 : 0;
		to = (long)h->n;
		break;
	case R_EQ:
		if (!duk_is_number(ctx, 0))
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "eq(): the index must be a number");
		from = norm_index(duk_get_number(ctx, 0), h->n);
		to = from >= 0 && from < (long)h->n ? from + 1 : from;
		break;
	default:
		if (!duk_is_number(ctx, 0))
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "slice(): the start must be a number");
		from = norm_index(duk_get_number(ctx, 0), h->n);
		to = duk_is_null_or_undefined(ctx, 1) ? (long)h->n :
			norm_index(duk_to_number(ctx, 1), h->n);
		if (from < 0)
			from = 0;
		break;
	}
	out = push_set(ctx, h->doc, K_SEL, NULL);
	obj = duk_get_top_index(ctx);
	for (long i = from; i >= 0 && i < to && i < (long)h->n; i++)
		set_add(ctx, out, h->v[i]);
	set_prev(ctx, obj, self);
	return 1;
}

/* end() */
static duk_ret_t js_end(duk_context *ctx)
{
	duk_idx_t self;
	hset *h = this_set(ctx, &self, "end()");

	if (duk_get_prop_string(ctx, self, PREV_KEY) && get_set(ctx, -1) != NULL)
		return 1;
	duk_pop(ctx);
	push_set(ctx, h->doc, K_SEL, NULL);
	return 1;
}

/* ---- Selection: reading ------------------------------------------------------------ */

static duk_ret_t js_size(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "size()");

	duk_push_number(ctx, (double)h->n);
	return 1;
}


static duk_ret_t js_text(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h = this_set(ctx, NULL, "text()");

	k6c__buf_clear(&vm->scratch);
	for (size_t i = 0; i < h->n; i++)
		if (k6c__hnode_text(h->v[i], &vm->scratch) != 0)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	push_buf(ctx, &vm->scratch);
	return 1;
}

/* [ ... ] -> [ ... inner HTML of n ] */
static void push_inner_html(duk_context *ctx, k6c__vm *vm, const k6c__hnode *n)
{
	k6c__buf_clear(&vm->scratch);
	if (k6c__hnode_html(n, false, &vm->scratch) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	push_buf(ctx, &vm->scratch);
}

static duk_ret_t js_html(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h = this_set(ctx, NULL, "html()");

	if (h->n == 0)
		return 0;
	push_inner_html(ctx, vm, h->v[0]);
	return 1;
}

/* attr(name, [default]) */
static duk_ret_t js_attr(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "attr()");
	const char *name = duk_require_string(ctx, 0), *v = NULL;

	if (h->n > 0)
		v = k6c__hnode_attr(h->v[0], name);
	if (v == NULL) {
		duk_dup(ctx, 1);
		return 1;
	}
	push_str(ctx, v);
	return 1;
}

/* [ ... ] -> [ ... value attribute or inner HTML of n ] */
static void push_value_or_html(duk_context *ctx, k6c__vm *vm, const k6c__hnode *n)
{
	const char *v = n != NULL ? k6c__hnode_attr(n, "value") : NULL;

	if (v != NULL)
		push_str(ctx, v);
	else if (n != NULL)
		push_inner_html(ctx, vm, n);
	else
		push_str(ctx, "");
}

/* [ ... ] -> [ ... the form value of n, as k6's Selection.val() ] */
static void push_val(duk_context *ctx, k6c__vm *vm, k6c__hnode *n)
{
	const char *name = k6c__hnode_name(n), *v;

	if (strcmp(name, "input") == 0) {
		v = k6c__hnode_attr(n, "value");
		if (v == NULL) {
			const char *type = k6c__hnode_attr(n, "type");

			v = type != NULL && (strcasecmp(type, "radio") == 0 ||
				strcasecmp(type, "checkbox") == 0) ? "on" : "";
		}
		push_str(ctx, v);
	} else if (strcmp(name, "button") == 0) {
		v = k6c__hnode_attr(n, "value");
		push_str(ctx, v != NULL ? v : "");
	} else if (strcmp(name, "textarea") == 0) {
		push_inner_html(ctx, vm, n);
	} else if (strcmp(name, "option") == 0) {
		push_value_or_html(ctx, vm, n);
	} else if (strcmp(name, "select") == 0) {
		/* The selector's box stays below the result until it is done. */
		const k6c__hsel *s = get_selector(ctx, "option[selected]");
		k6c__hnode *o = k6c__hsel_next(s, n, NULL);

		if (k6c__hnode_attr(n, "multiple") != NULL) {
			duk_uarridx_t i = 0;

			duk_push_array(ctx);
			for (; o != NULL; o = k6c__hsel_next(s, n, o)) {
				push_value_or_html(ctx, vm, o);
				duk_put_prop_index(ctx, -2, i++);
			}
		} else {
			push_value_or_html(ctx, vm, o);
		}
		duk_remove(ctx, -2);
	} else {
		duk_push_undefined(ctx);
	}
}

static duk_ret_t js_val(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h = this_set(ctx, NULL, "val()");

	if (h->n == 0)
		return 0;
	push_val(ctx, vm, h->v[0]);
	return 1;
}

/* get([index]): one Element, or an array of all. */
static duk_ret_t js_get(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "get()");
	long i;

	if (duk_is_null_or_undefined(ctx, 0)) {
		duk_push_array(ctx);
		for (size_t j = 0; j < h->n; j++) {
			push_single(ctx, h->doc, h->v[j], K_ELEM);
			duk_put_prop_index(ctx, -2, (duk_uarridx_t)j);
		}
		return 1;
	}
	i = norm_index(duk_to_number(ctx, 0), h->n);
	if (i < 0 || i >= (long)h->n)
		return 0;
	push_single(ctx, h->doc, h->v[i], K_ELEM);
	return 1;
}

/* toArray(): a Selection per node. */
static duk_ret_t js_to_array(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "toArray()");

	duk_push_array(ctx);
	for (size_t j = 0; j < h->n; j++) {
		push_single(ctx, h->doc, h->v[j], K_SEL);
		duk_put_prop_index(ctx, -2, (duk_uarridx_t)j);
	}
	return 1;
}

/* index([selector | Selection | Element]) */
static duk_ret_t js_index(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "index()");
	sarg a;
	double r = -1;

	if (duk_is_null_or_undefined(ctx, 0)) {
		if (h->n > 0 && k6c__hnode_type(h->v[0]) == K6C__HNODE_ELEMENT)
			r = (double)k6c__hnode_index(h->v[0], false, false) - 1;
		else if (h->n > 0)
			r = 0;
		duk_push_number(ctx, r);
		return 1;
	}
	get_sarg(ctx, 0, &a, false, false, "index()");
	if (h->n > 0 && a.kind == A_CSS) {
		/* The position of the first node among the selector's matches in
		 * the whole document. */
		k6c__hnode *root = k6c__html_doc_node(h->doc);
		double k = 0;

		for (k6c__hnode *c = k6c__hsel_next(a.css, root, NULL); c != NULL;
			c = k6c__hsel_next(a.css, root, c), k++)
			if (c == h->v[0]) {
				r = k;
				break;
			}
	} else if (a.kind == A_SET && a.set->n > 0) {
		for (size_t i = 0; i < h->n; i++)
			if (h->v[i] == a.set->v[0]) {
				r = (double)i;
				break;
			}
	}
	duk_push_number(ctx, r);
	return 1;
}

/* each(fn(index, Element)): returns this. */
static duk_ret_t js_each(duk_context *ctx)
{
	duk_idx_t self;
	hset *h = this_set(ctx, &self, "each()");

	if (!duk_is_function(ctx, 0))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "each(): the argument must be a function");
	for (size_t i = 0; i < h->n; i++) {
		duk_dup(ctx, 0);
		push_single(ctx, h->doc, h->v[i], K_ELEM);
		duk_dup_top(ctx);
		duk_push_number(ctx, (double)i);
		duk_swap_top(ctx, -2);
		duk_call_method(ctx, 2);
		duk_pop(ctx);
	}
	duk_dup(ctx, self);
	return 1;
}

/* map(fn(index, Selection)): an array of what fn returns. */
static duk_ret_t js_map(duk_context *ctx)
{
	hset *h = this_set(ctx, NULL, "map()");

	if (!duk_is_function(ctx, 0))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "map(): the argument must be a function");
	duk_push_array(ctx);
	for (size_t i = 0; i < h->n; i++) {
		duk_dup(ctx, 0);
		push_single(ctx, h->doc, h->v[i], K_SEL);
		duk_dup_top(ctx);
		duk_push_number(ctx, (double)i);
		duk_swap_top(ctx, -2);
		duk_call_method(ctx, 2);
		duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
	}
	return 1;
}

/* ---- data() -------------------------------------------------------------------------- */

static bool is_initialism(const char *w, size_t n)
{
	static const char *const list[] = { "ACL", "API", "ASCII", "CPU", "CSS", "DNS", "EOF",
		"GUID", "HTML", "HTTP", "HTTPS", "ID", "IP", "JSON", "LHS", "QPS", "RAM", "RHS", "RPC",
		"SLA", "SMTP", "SQL", "SSH", "TCP", "TLS", "TTL", "UDP", "UI", "UID", "UUID", "URI",
		"URL", "UTF8", "VM", "XML", "XMPP", "XSRF", "XSS" };

	for (size_t i = 0; i < K6C__ARRAY_LEN(list); i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], w, n) == 0)
			return true;
	return false;
}

/* data-test-id -> testID, data-num-a -> numA (k6's attribute to property
 * rule: the first word as written, each later one capitalised, or all upper
 * case when it is a common initialism). */
static void attr_to_property(duk_context *ctx, k6c__buf *b, const char *s)
{
	const char *dash = strchr(s, '-');

	k6c__buf_clear(b);
	if (dash == NULL) {
		k6c__vm_put(ctx, b, s, strlen(s));
		k6c__vm_put(ctx, b, "", 1);
		return;
	}
	k6c__vm_put(ctx, b, s, (size_t)(dash - s));
	for (const char *w = dash + 1; *w != '\0';) {
		const char *e = w;

		while (*e != '\0' && *e != '-' && *e != '_')
			e++;
		if (is_initialism(w, (size_t)(e - w))) {
			for (const char *c = w; c < e; c++) {
				char u = (char)toupper((unsigned char)*c);

				k6c__vm_put(ctx, b, &u, 1);
			}
		} else if (e > w) {
			char u = (char)toupper((unsigned char)*w);

			k6c__vm_put(ctx, b, &u, 1);
			k6c__vm_put(ctx, b, w + 1, (size_t)(e - w - 1));
		}
		w = *e != '\0' ? e + 1 : e;
	}
	k6c__vm_put(ctx, b, "", 1);
}

/* testId, testID, test-id -> data-test-id */
static void property_to_attr(duk_context *ctx, k6c__buf *b, const char *s)
{
	size_t n = strlen(s);

	k6c__buf_clear(b);
	k6c__vm_put(ctx, b, "data-", 5);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isupper(c)) {
			bool prev_low = i > 0 && (islower((unsigned char)s[i - 1]) ||
				isdigit((unsigned char)s[i - 1]));
			bool next_low = i + 1 < n && islower((unsigned char)s[i + 1]) && i > 0 &&
				isupper((unsigned char)s[i - 1]);

			if (prev_low || next_low)
				k6c__vm_put(ctx, b, "-", 1);
			c = (unsigned char)tolower(c);
		} else if (c == '_') {
			c = '-';
		}
		k6c__vm_put(ctx, b, &c, 1);
	}
	k6c__vm_put(ctx, b, "", 1);
}

static duk_ret_t json_decode_safe(duk_context *ctx, void *udata)
{
	K6C__UNUSED(udata);
	duk_json_decode(ctx, -1);
	return 1;
}

/* Whether s is a number whose shortest decimal form is s itself. */
static bool plain_number(const char *s, double *out)
{
	char buf[64], *e;
	double d;

	if (*s == '\0' || strspn(s, "-0123456789.") != strlen(s))
		return false;
	d = strtod(s, &e);
	if (*e != '\0' || !isfinite(d))
		return false;
	for (int prec = 0; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*f", prec, d);
		if (strtod(buf, NULL) == d) {
			if (strcmp(buf, s) != 0)
				return false;
			*out = d;
			return true;
		}
	}
	return false;
}

/* [ ... ] -> [ ... value ]: a data- attribute's value converted as k6 does:
 * JSON objects and arrays, true, false, numbers; "", "null" and "undefined"
 * are undefined; anything else stays a string. */
static void push_data_value(duk_context *ctx, const char *v)
{
	double d;

	if (v[0] == '\0' || strcmp(v, "null") == 0 || strcmp(v, "undefined") == 0) {
		duk_push_undefined(ctx);
	} else if (v[0] == '{' || v[0] == '[') {
		push_str(ctx, v);
		if (duk_safe_call(ctx, json_decode_safe, NULL, 1, 1) != 0) {
			duk_pop(ctx);
			push_str(ctx, v);
		}
	} else if (strcmp(v, "true") == 0) {
		duk_push_true(ctx);
	} else if (strcmp(v, "false") == 0) {
		duk_push_false(ctx);
	} else if (plain_number(v, &d)) {
		duk_push_number(ctx, d);
	} else {
		push_str(ctx, v);
	}
}

/* data([key]) */
static duk_ret_t js_data(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h = this_set(ctx, NULL, "data()");
	const char *v;

	if (h->n == 0 || k6c__hnode_attrs(h->v[0]) == NULL)
		return 0;
	if (!duk_is_null_or_undefined(ctx, 0)) {
		property_to_attr(ctx, &vm->scratch, duk_to_string(ctx, 0));
		v = k6c__hnode_attr(h->v[0], vm->scratch.ptr);
		if (v == NULL)
			return 0;
		push_data_value(ctx, v);
		return 1;
	}
	duk_push_object(ctx);
	for (k6c__hattr *a = k6c__hnode_attrs(h->v[0]); a != NULL; a = k6c__hattr_next(a)) {
		const char *name = k6c__hattr_name(a);

		if (strncmp(name, "data-", 5) != 0 || name[5] == '\0')
			continue;
		attr_to_property(ctx, &vm->scratch, name + 5);
		push_data_value(ctx, k6c__hattr_value(a));
		duk_put_prop_string(ctx, -2, vm->scratch.ptr);
	}
	return 1;
}

/* ---- Forms ------------------------------------------------------------------------------ */

static bool submittable(const k6c__hnode *n)
{
	const char *name = k6c__hnode_name(n), *type, *field;

	if (strcmp(name, "input") != 0 && strcmp(name, "select") != 0 &&
		strcmp(name, "textarea") != 0 && strcmp(name, "keygen") != 0)
		return false;
	field = k6c__hnode_attr(n, "name");
	if (field == NULL || field[0] == '\0' || k6c__hnode_attr(n, "disabled") != NULL)
		return false;
	type = k6c__hnode_attr(n, "type");
	if (type == NULL)
		return true;
	if (strcasecmp(type, "submit") == 0 || strcasecmp(type, "button") == 0 ||
		strcasecmp(type, "reset") == 0 || strcasecmp(type, "image") == 0 ||
		strcasecmp(type, "file") == 0)
		return false;
	if (strcasecmp(type, "checkbox") == 0 || strcasecmp(type, "radio") == 0)
		return k6c__hnode_attr(n, "checked") != NULL;
	return true;
}

/* [ ... ] -> [ ... [{name, value}, ...] ]: the successful controls of the
 * forms in the selection, or of the controls in it. */
static void push_form_values(duk_context *ctx, k6c__vm *vm, const hset *h)
{
	duk_uarridx_t k = 0;
	bool any_form = false;

	for (size_t i = 0; i < h->n; i++)
		if (strcmp(k6c__hnode_name(h->v[i]), "form") == 0)
			any_form = true;
	duk_push_array(ctx);
	for (size_t i = 0; i < h->n; i++) {
		k6c__hnode *root = h->v[i];

		if (any_form) {
			for (k6c__hnode *c = k6c__hnode_walk(root, root); c != NULL;
				c = k6c__hnode_walk(c, root)) {
				if (k6c__hnode_type(c) != K6C__HNODE_ELEMENT || !submittable(c))
					continue;
				duk_push_object(ctx);
				push_str(ctx, k6c__hnode_attr(c, "name"));
				duk_put_prop_string(ctx, -2, "name");
				push_val(ctx, vm, c);
				duk_put_prop_string(ctx, -2, "value");
				duk_put_prop_index(ctx, -2, k++);
			}
		} else if (submittable(root)) {
			duk_push_object(ctx);
			push_str(ctx, k6c__hnode_attr(root, "name"));
			duk_put_prop_string(ctx, -2, "name");
			push_val(ctx, vm, root);
			duk_put_prop_string(ctx, -2, "value");
			duk_put_prop_index(ctx, -2, k++);
		}
	}
}

enum { SER_ARRAY, SER_OBJECT, SER_STRING };

static void query_escape(duk_context *ctx, k6c__buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			k6c__vm_put(ctx, b, s, 1);
		} else if (c == ' ') {
			k6c__vm_put(ctx, b, "+", 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			k6c__vm_put(ctx, b, e, 3);
		}
	}
}

/* serializeArray(), serializeObject(), serialize() */
static duk_ret_t js_serialize(duk_context *ctx)
{
	static const char *const names[] = { "serializeArray()", "serializeObject()", "serialize()" };
	int t = duk_get_current_magic(ctx);
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h = this_set(ctx, NULL, names[t]);
	duk_idx_t arr, obj;
	duk_size_t n;

	push_form_values(ctx, vm, h);
	if (t == SER_ARRAY)
		return 1;
	arr = duk_get_top_index(ctx);
	n = duk_get_length(ctx, arr);
	/* name -> value, the last one winning (Go's url.Values.Set). */
	obj = duk_push_object(ctx);
	for (duk_size_t i = 0; i < n; i++) {
		duk_get_prop_index(ctx, arr, (duk_uarridx_t)i);
		duk_get_prop_string(ctx, -1, "name");
		duk_get_prop_string(ctx, -2, "value");
		duk_put_prop(ctx, obj);
		duk_pop(ctx);
	}
	if (t == SER_OBJECT)
		return 1;
	/* Encoded with the keys sorted, as url.Values.Encode. */
	duk_push_global_object(ctx);
	duk_get_prop_string(ctx, -1, "Object");
	duk_get_prop_string(ctx, -1, "keys");
	duk_dup(ctx, obj);
	duk_call(ctx, 1);
	duk_get_prop_string(ctx, -1, "sort");
	duk_dup(ctx, -2);
	duk_call_method(ctx, 0);
	duk_pop(ctx);
	n = duk_get_length(ctx, -1);
	k6c__buf_clear(&vm->scratch);
	for (duk_size_t i = 0; i < n; i++) {
		duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
		duk_dup_top(ctx);
		duk_get_prop(ctx, obj);
		if (duk_is_array(ctx, -1)) {
			duk_size_t m = duk_get_length(ctx, -1);

			for (duk_size_t j = 0; j < m; j++) {
				duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
				if (vm->scratch.len > 0)
					k6c__vm_put(ctx, &vm->scratch, "&", 1);
				query_escape(ctx, &vm->scratch, duk_get_string(ctx, -3));
				k6c__vm_put(ctx, &vm->scratch, "=", 1);
				query_escape(ctx, &vm->scratch, duk_to_string(ctx, -1));
				duk_pop(ctx);
			}
		} else {
			if (vm->scratch.len > 0)
				k6c__vm_put(ctx, &vm->scratch, "&", 1);
			query_escape(ctx, &vm->scratch, duk_get_string(ctx, -2));
			k6c__vm_put(ctx, &vm->scratch, "=", 1);
			query_escape(ctx, &vm->scratch, duk_to_string(ctx, -1));
		}
		duk_pop_2(ctx);
	}
	push_buf(ctx, &vm->scratch);
	return 1;
}

/* Selection.length (a getter on the prototype). */
static duk_ret_t js_length(duk_context *ctx)
{
	hset *h;

	duk_push_this(ctx);
	h = get_set(ctx, -1);
	duk_push_number(ctx, h != NULL ? (double)h->n : 0);
	return 1;
}

/* ---- Element ---------------------------------------------------------------------------- */

static k6c__hnode *this_node(duk_context *ctx, hset **out, const char *what)
{
	hset *h = this_set(ctx, NULL, what);

	if (h->n == 0)
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s on an empty element", what);
	if (out != NULL)
		*out = h;
	return h->v[0];
}

/* [ ... ] -> [ ... Element or undefined ] */
static void push_elem_or_undef(duk_context *ctx, k6c__html_doc *doc, k6c__hnode *n)
{
	if (n == NULL)
		duk_push_undefined(ctx);
	else
		push_single(ctx, doc, n, K_ELEM);
}

/* [ ... ] -> [ ... [Element, ...] ] of the elements below n matching css. */
static void push_elem_list(duk_context *ctx, k6c__html_doc *doc, k6c__hnode *n, const char *css)
{
	const k6c__hsel *s = get_selector(ctx, css);
	duk_uarridx_t i = 0;

	duk_push_array(ctx);
	for (k6c__hnode *c = k6c__hsel_next(s, n, NULL); c != NULL; c = k6c__hsel_next(s, n, c)) {
		push_single(ctx, doc, c, K_ELEM);
		duk_put_prop_index(ctx, -2, i++);
	}
	duk_remove(ctx, -2);
}

static const char *ns_uri(const k6c__hnode *n)
{
	for (const k6c__hnode *p = n; p != NULL; p = k6c__hnode_parent_element(p)) {
		if (strcmp(k6c__hnode_name(p), "svg") == 0)
			return "http://www.w3.org/2000/svg";
		if (strcmp(k6c__hnode_name(p), "math") == 0)
			return "http://www.w3.org/1998/Math/MathML";
	}
	return "http://www.w3.org/1999/xhtml";
}

enum elem_fn {
	E_SELECTION, E_NODE_NAME, E_NODE_TYPE, E_NODE_VALUE, E_ID, E_INNER_HTML, E_TEXT_CONTENT,
	E_OWNER_DOCUMENT, E_ATTRIBUTES, E_FIRST_CHILD, E_LAST_CHILD, E_CHILD_ELEMENT_COUNT,
	E_FIRST_ELEMENT_CHILD, E_LAST_ELEMENT_CHILD, E_PREVIOUS_SIBLING, E_NEXT_SIBLING,
	E_PREVIOUS_ELEMENT_SIBLING, E_NEXT_ELEMENT_SIBLING, E_PARENT_ELEMENT, E_PARENT_NODE,
	E_CHILD_NODES, E_CHILDREN, E_CLASS_LIST, E_CLASS_NAME, E_LANG, E_TO_STRING,
	E_HAS_ATTRIBUTES, E_HAS_CHILD_NODES, E_NAMESPACE_URI, E_IS_DEFAULT_NAMESPACE,
};

/* The Element members that step to one node of the tree (undefined at the
 * ends), by magic. */
static k6c__hnode *(*const elem_step[])(const k6c__hnode *) = {
	[E_FIRST_CHILD] = k6c__hnode_first_child,
	[E_LAST_CHILD] = k6c__hnode_last_child,
	[E_FIRST_ELEMENT_CHILD] = k6c__hnode_first_element,
	[E_LAST_ELEMENT_CHILD] = k6c__hnode_last_element,
	[E_PREVIOUS_SIBLING] = k6c__hnode_prev,
	[E_NEXT_SIBLING] = k6c__hnode_next,
	[E_PREVIOUS_ELEMENT_SIBLING] = k6c__hnode_prev_element,
	[E_NEXT_ELEMENT_SIBLING] = k6c__hnode_next_element,
	[E_PARENT_ELEMENT] = k6c__hnode_parent_element,
	[E_PARENT_NODE] = k6c__hnode_parent,
};

/* The Element members without arguments. */
static duk_ret_t js_elem(duk_context *ctx)
{
	static const char *const what = "Element method";
	int f = duk_get_current_magic(ctx);
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h;
	k6c__hnode *n = this_node(ctx, &h, what), *c;
	const char *v;
	duk_uarridx_t i = 0;

	if ((size_t)f < sizeof(elem_step) / sizeof(elem_step[0]) && elem_step[f] != NULL) {
		push_elem_or_undef(ctx, h->doc, elem_step[f](n));
		return 1;
	}
	switch (f) {
	case E_SELECTION:
		push_single(ctx, h->doc, n, K_SEL);
		return 1;
	case E_NODE_NAME:
		push_str(ctx, k6c__hnode_name(n));
		return 1;
	case E_NODE_TYPE:
		if (k6c__hnode_type(n) == K6C__HNODE_OTHER)
			return 0;
		duk_push_int(ctx, k6c__hnode_type(n));
		return 1;
	case E_NODE_VALUE:
		v = k6c__hnode_data(n);
		if (v == NULL)
			return 0;
		push_str(ctx, v);
		return 1;
	case E_ID:
		v = k6c__hnode_attr(n, "id");
		push_str(ctx, v != NULL ? v : "");
		return 1;
	case E_INNER_HTML:
		push_inner_html(ctx, vm, n);
		return 1;
	case E_TEXT_CONTENT:
		k6c__buf_clear(&vm->scratch);
		if (k6c__hnode_text(n, &vm->scratch) != 0)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		push_buf(ctx, &vm->scratch);
		return 1;
	case E_OWNER_DOCUMENT:
		push_single(ctx, h->doc, k6c__html_doc_node(h->doc), K_ELEM);
		return 1;
	case E_ATTRIBUTES:
		duk_push_object(ctx);
		for (k6c__hattr *a = k6c__hnode_attrs(n); a != NULL; a = k6c__hattr_next(a)) {
			duk_push_object(ctx);
			push_state_prop(ctx, "attr");
			duk_set_prototype(ctx, -2);
			push_str(ctx, k6c__hattr_name(a));
			duk_put_prop_string(ctx, -2, "name");
			push_str(ctx, k6c__hattr_value(a));
			duk_put_prop_string(ctx, -2, "value");
			push_str(ctx, k6c__hattr_prefix(a));
			duk_put_prop_string(ctx, -2, PREFIX_KEY);
			duk_push_this(ctx);
			duk_put_prop_string(ctx, -2, "owner_element");
			duk_put_prop_string(ctx, -2, k6c__hattr_name(a));
		}
		return 1;
	case E_CHILD_ELEMENT_COUNT:
		for (c = k6c__hnode_first_element(n); c != NULL; c = k6c__hnode_next_element(c))
			i++;
		duk_push_number(ctx, (double)i);
		return 1;
	case E_CHILD_NODES:
	case E_CHILDREN:
		duk_push_array(ctx);
		for (c = f == E_CHILDREN ? k6c__hnode_first_element(n) : k6c__hnode_first_child(n);
			c != NULL; c = f == E_CHILDREN ? k6c__hnode_next_element(c) : k6c__hnode_next(c)) {
			push_single(ctx, h->doc, c, K_ELEM);
			duk_put_prop_index(ctx, -2, i++);
		}
		return 1;
	case E_CLASS_LIST:
		v = k6c__hnode_attr(n, "class");
		duk_push_array(ctx);
		for (const char *p = v != NULL ? v : ""; *p != '\0';) {
			const char *e;

			while (*p != '\0' && isspace((unsigned char)*p))
				p++;
			e = p;
			while (*e != '\0' && !isspace((unsigned char)*e))
				e++;
			if (e > p) {
				push_text(ctx, p, (size_t)(e - p));
				duk_put_prop_index(ctx, -2, i++);
			}
			p = e;
		}
		return 1;
	case E_CLASS_NAME:
	case E_LANG:
		v = k6c__hnode_attr(n, f == E_LANG ? "lang" : "class");
		if (v == NULL)
			return 0;
		push_str(ctx, v);
		return 1;
	case E_TO_STRING:
		if (k6c__hnode_type(n) == K6C__HNODE_ELEMENT)
			push_str(ctx, "[object html.Node]");
		else
			duk_push_sprintf(ctx, "[object %s]", k6c__hnode_name(n));
		return 1;
	case E_HAS_ATTRIBUTES:
		duk_push_boolean(ctx, k6c__hnode_attrs(n) != NULL);
		return 1;
	case E_HAS_CHILD_NODES:
		duk_push_boolean(ctx, k6c__hnode_first_child(n) != NULL);
		return 1;
	case E_NAMESPACE_URI:
		push_str(ctx, ns_uri(n));
		return 1;
	default:
		duk_push_boolean(ctx, strcmp(ns_uri(n), "http://www.w3.org/1999/xhtml") == 0);
		return 1;
	}
}

enum elem_fn1 {
	E1_HAS_ATTRIBUTE, E1_GET_ATTRIBUTE, E1_GET_ATTRIBUTE_NODE, E1_IS_SAME_NODE, E1_IS_EQUAL_NODE,
	E1_BY_CLASS, E1_BY_TAG, E1_QUERY_SELECTOR, E1_QUERY_SELECTOR_ALL, E1_CONTAINS, E1_MATCHES,
};

/* The Element members with one argument. */
static duk_ret_t js_elem1(duk_context *ctx)
{
	static const char *const what = "Element method";
	int f = duk_get_current_magic(ctx);
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h, *o;
	k6c__hnode *n = this_node(ctx, &h, what);
	const k6c__hsel *s;
	const char *v;

	switch (f) {
	case E1_HAS_ATTRIBUTE:
		duk_push_boolean(ctx, k6c__hnode_attr(n, duk_require_string(ctx, 0)) != NULL);
		return 1;
	case E1_GET_ATTRIBUTE:
		v = k6c__hnode_attr(n, duk_require_string(ctx, 0));
		if (v == NULL)
			return 0;
		push_str(ctx, v);
		return 1;
	case E1_GET_ATTRIBUTE_NODE:
		v = duk_require_string(ctx, 0);
		for (k6c__hattr *a = k6c__hnode_attrs(n); a != NULL; a = k6c__hattr_next(a)) {
			if (strcasecmp(k6c__hattr_name(a), v) != 0)
				continue;
			duk_push_object(ctx);
			push_state_prop(ctx, "attr");
			duk_set_prototype(ctx, -2);
			push_str(ctx, k6c__hattr_name(a));
			duk_put_prop_string(ctx, -2, "name");
			push_str(ctx, k6c__hattr_value(a));
			duk_put_prop_string(ctx, -2, "value");
			push_str(ctx, k6c__hattr_prefix(a));
			duk_put_prop_string(ctx, -2, PREFIX_KEY);
			duk_push_this(ctx);
			duk_put_prop_string(ctx, -2, "owner_element");
			return 1;
		}
		return 0;
	case E1_IS_SAME_NODE:
		o = get_set(ctx, 0);
		duk_push_boolean(ctx, o != NULL && o->n > 0 && o->v[0] == n);
		return 1;
	case E1_IS_EQUAL_NODE: {
		k6c__buf *b = &vm->scratch2;
		size_t len;

		o = get_set(ctx, 0);
		if (o == NULL || o->n == 0) {
			duk_push_false(ctx);
			return 1;
		}
		k6c__buf_clear(b);
		if (k6c__hnode_html(n, false, b) != 0)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		len = b->len;
		if (k6c__hnode_html(o->v[0], false, b) != 0)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		duk_push_boolean(ctx, b->len - len == len && memcmp(b->ptr, b->ptr + len, len) == 0);
		return 1;
	}
	case E1_BY_CLASS:
	case E1_BY_TAG:
		duk_push_sprintf(ctx, f == E1_BY_CLASS ? ".%s" : "%s", duk_require_string(ctx, 0));
		push_elem_list(ctx, h->doc, n, duk_get_string(ctx, -1));
		return 1;
	case E1_QUERY_SELECTOR:
		s = get_selector(ctx, duk_require_string(ctx, 0));
		push_elem_or_undef(ctx, h->doc, k6c__hsel_next(s, n, NULL));
		return 1;
	case E1_QUERY_SELECTOR_ALL:
		push_elem_list(ctx, h->doc, n, duk_require_string(ctx, 0));
		return 1;
	case E1_CONTAINS:
		o = get_set(ctx, 0);
		duk_push_boolean(ctx, o != NULL && o->n > 0 && k6c__hnode_contains(n, o->v[0]));
		return 1;
	default:
		s = get_selector(ctx, duk_require_string(ctx, 0));
		duk_push_boolean(ctx, k6c__hsel_match(s, n));
		return 1;
	}
}

/* Attribute.prefix(), namespaceURI(), localName() */
static duk_ret_t js_attr_fn(duk_context *ctx)
{
	int f = duk_get_current_magic(ctx);
	const char *prefix;

	duk_push_this(ctx);
	if (f == 2) {
		duk_get_prop_string(ctx, -1, "name");
		return 1;
	}
	duk_get_prop_string(ctx, -1, PREFIX_KEY);
	prefix = duk_is_string(ctx, -1) ? duk_get_string(ctx, -1) : "";
	if (f == 0)
		return 1;
	push_str(ctx, strcmp(prefix, "svg") == 0 ? "http://www.w3.org/2000/svg" :
		strcmp(prefix, "math") == 0 ? "http://www.w3.org/1998/Math/MathML" :
		"http://www.w3.org/1999/xhtml");
	return 1;
}

/* ---- Element types: per-tag getters ---------------------------------------------- */

/* How a per-tag member reads its value (k6's generated accessors). */
enum member_kind {
	M_STR,        /* the attribute, or "" */
	M_BOOL,       /* whether the attribute is present */
	M_INT,        /* the attribute as an integer, or the default (arg) */
	M_URL,        /* the attribute resolved against the document URL, or "" */
	M_URL_CUR,    /* ... or the document URL when absent */
	M_ENUM,       /* one of arg's "|"-separated values; the first by default */
	M_NENUM,      /* one of arg's values, or undefined */
	M_CONST,      /* always arg */
	M_SPECIAL,    /* computed: see enum special */
};

enum special {
	SP_HASH, SP_HOST, SP_HOSTNAME, SP_PORT, SP_USERNAME, SP_PASSWORD, SP_ORIGIN, SP_PATHNAME,
	SP_PROTOCOL, SP_SEARCH, SP_REL_LIST, SP_TEXT, SP_FORM, SP_FORM_ACTION, SP_FORM_ENCTYPE,
	SP_FORM_METHOD, SP_FORM_NO_VALIDATE, SP_FORM_TARGET, SP_VALUE_OR_HTML, SP_OPTIONS,
	SP_FORM_ELEMENTS, SP_FIELDSET_ELEMENTS, SP_FORM_LENGTH, SP_METHOD, SP_CONTROL,
	SP_OPT_DISABLED, SP_OPT_INDEX, SP_OPT_LABEL, SP_OPT_FORM, SP_SEL_LENGTH, SP_SELECTED_INDEX,
	SP_SELECTED_OPTIONS, SP_SEL_SIZE, SP_SEL_TYPE, SP_SEL_VALUE, SP_STYLE_TYPE, SP_MAX,
	SP_PROGRESS_VALUE, SP_POSITION, SP_CAPTION, SP_THEAD, SP_TFOOT, SP_ROWS, SP_TBODIES,
	SP_CELLS, SP_ROW_INDEX, SP_CELL_INDEX, SP_AREAS,
};

typedef struct member {
	const char *tags;     /* " tag tag " */
	const char *name;
	unsigned char kind;
	const char *attr;
	const char *arg;
	int special;
} member;

#define HREF " a area "
#define MEDIA " audio video "
#define FIELD " button input "
#define REFERRER "|no-referrer|no-referrer-when-downgrade|origin|origin-when-cross-origin|unsafe-url"
#define CROSS "anonymous|use-credentials"
#define ENCTYPES "application/x-www-form-urlencoded|multipart/form-data|text/plain"
#define S(t, n, a) { t, n, M_STR, a, NULL, 0 }
#define B(t, n, a) { t, n, M_BOOL, a, NULL, 0 }
#define I(t, n, a, d) { t, n, M_INT, a, d, 0 }
#define U(t, n, a) { t, n, M_URL, a, NULL, 0 }
#define E(t, n, a, v) { t, n, M_ENUM, a, v, 0 }
#define NE(t, n, a, v) { t, n, M_NENUM, a, v, 0 }
#define C(t, n, v) { t, n, M_CONST, NULL, v, 0 }
#define SP(t, n, s) { t, n, M_SPECIAL, NULL, NULL, s }

static const member members[] = {
	S(HREF, "download", "download"), E(HREF, "referrerPolicy", "referrerpolicy", REFERRER),
	S(HREF, "rel", "rel"), U(HREF, "href", "href"), S(HREF, "target", "target"),
	S(HREF, "type", "type"), S(HREF, "accessKey", "accesskey"), S(HREF, "hrefLang", "hreflang"),
	U(HREF, "toString", "href"), SP(HREF, "hash", SP_HASH), SP(HREF, "host", SP_HOST),
	SP(HREF, "hostname", SP_HOSTNAME), SP(HREF, "port", SP_PORT),
	SP(HREF, "username", SP_USERNAME), SP(HREF, "password", SP_PASSWORD),
	SP(HREF, "origin", SP_ORIGIN), SP(HREF, "pathname", SP_PATHNAME),
	SP(HREF, "protocol", SP_PROTOCOL), SP(HREF, "search", SP_SEARCH),
	SP(HREF, "relList", SP_REL_LIST), SP(HREF, "text", SP_TEXT),
	B(MEDIA, "autoplay", "autoplay"), B(MEDIA, "controls", "controls"), B(MEDIA, "loop", "loop"),
	B(MEDIA, "muted", "muted"), E(MEDIA, "preload", "preload", "auto|metadata|none"),
	U(MEDIA, "src", "src"), NE(MEDIA, "crossOrigin", "crossorigin", CROSS),
	S(MEDIA, "currentSrc", "src"), B(MEDIA, "defaultMuted", "muted"),
	S(MEDIA, "mediaGroup", "mediagroup"),
	{ " base ", "href", M_URL_CUR, "href", NULL, 0 }, S(" base ", "target", "target"),
	S(" button ", "accessKey", "accesskey"), B(" button ", "autofocus", "autofocus"),
	B(" button ", "disabled", "disabled"), I(" button ", "tabIndex", "tabindex", "0"),
	E(" button ", "type", "type", "submit|button|menu|reset"),
	SP(" button ", "value", SP_VALUE_OR_HTML),
	SP(FIELD, "form", SP_FORM), SP(FIELD, "formAction", SP_FORM_ACTION),
	SP(FIELD, "formEnctype", SP_FORM_ENCTYPE), SP(FIELD, "formMethod", SP_FORM_METHOD),
	SP(FIELD, "formNoValidate", SP_FORM_NO_VALIDATE), SP(FIELD, "formTarget", SP_FORM_TARGET),
	S(FIELD, "name", "name"),
	I(" canvas ", "width", "width", "150"), I(" canvas ", "height", "height", "150"),
	S(" data ", "value", "value"), SP(" datalist ", "options", SP_OPTIONS),
	S(" del ins ", "cite", "cite"), S(" del ins ", "datetime", "datetime"),
	S(" embed ", "height", "height"), S(" embed ", "width", "width"), S(" embed ", "src", "src"),
	S(" embed ", "type", "type"),
	B(" fieldset ", "disabled", "disabled"), S(" fieldset ", "name", "name"),
	C(" fieldset ", "type", "fieldset"), SP(" fieldset ", "form", SP_FORM),
	SP(" fieldset ", "elements", SP_FIELDSET_ELEMENTS),
	U(" form ", "action", "action"), S(" form ", "name", "name"), S(" form ", "target", "target"),
	E(" form ", "enctype", "enctype", ENCTYPES), E(" form ", "encoding", "enctype", ENCTYPES),
	S(" form ", "acceptCharset", "accept-charset"),
	E(" form ", "autocomplete", "autocomplete", "on|off"), B(" form ", "noValidate", "novalidate"),
	SP(" form ", "elements", SP_FORM_ELEMENTS), SP(" form ", "length", SP_FORM_LENGTH),
	SP(" form ", "method", SP_METHOD),
	B(" iframe ", "allowfullscreen", "allowfullscreen"),
	E(" iframe ", "referrerPolicy", "referrerpolicy", REFERRER), S(" iframe ", "height", "height"),
	S(" iframe ", "width", "width"), S(" iframe ", "name", "name"), U(" iframe ", "src", "src"),
	U(" img ", "currentSrc", "src"), S(" img ", "sizes", "sizes"), S(" img ", "srcset", "srcset"),
	S(" img ", "alt", "alt"), NE(" img ", "crossOrigin", "crossorigin", CROSS),
	I(" img ", "height", "height", "0"), I(" img ", "width", "width", "0"),
	B(" img ", "isMap", "ismap"), S(" img ", "name", "name"), U(" img ", "src", "src"),
	S(" img ", "useMap", "usemap"), E(" img ", "referrerPolicy", "referrerpolicy", REFERRER),
	I(" input ", "tabIndex", "tabindex", "0"),
	E(" input ", "type", "type", "text|button|checkbox|color|date|datetime-local|email|file|"
		"hidden|image|month|number|password|radio|range|reset|search|submit|tel|time|url|week"),
	B(" input ", "disabled", "disabled"), B(" input ", "autofocus", "autofocus"),
	B(" input ", "required", "required"), S(" input ", "value", "value"),
	B(" input ", "checked", "checked"), B(" input ", "defaultChecked", "checked"),
	S(" input ", "alt", "alt"), U(" input ", "src", "src"), S(" input ", "height", "height"),
	S(" input ", "width", "width"), S(" input ", "accept", "accept"),
	E(" input ", "autocomplete", "autocomplete", "on|off"),
	I(" input ", "maxLength", "maxlength", "-1"), I(" input ", "size", "size", "0"),
	S(" input ", "pattern", "pattern"), S(" input ", "placeholder", "placeholder"),
	B(" input ", "readonly", "readonly"), S(" input ", "min", "min"), S(" input ", "max", "max"),
	S(" input ", "defaultValue", "value"), S(" input ", "dirName", "dirname"),
	S(" input ", "accessKey", "accesskey"), B(" input ", "multiple", "multiple"),
	S(" input ", "step", "step"),
	B(" keygen ", "autofocus", "autofocus"), S(" keygen ", "challenge", "challenge"),
	B(" keygen ", "disabled", "disabled"), E(" keygen ", "keytype", "keytype", "RSA|DSA|EC"),
	S(" keygen ", "name", "name"), C(" keygen ", "type", "keygen"),
	SP(" keygen label legend object output select ", "form", SP_FORM),
	S(" label ", "htmlFor", "for"), SP(" label ", "control", SP_CONTROL),
	S(" legend ", "accessKey", "accesskey"),
	I(" li ", "value", "value", "0"), E(" li ", "type", "type", "|1|a|A|i|I|disc|square|circle"),
	NE(" link ", "crossOrigin", "crossorigin", CROSS),
	E(" link ", "referrerPolicy", "referrerpolicy", REFERRER), U(" link ", "href", "href"),
	S(" link ", "hreflang", "hreflang"), S(" link ", "media", "media"), S(" link ", "rel", "rel"),
	S(" link ", "target", "target"), S(" link ", "type", "type"),
	SP(" link ", "relList", SP_REL_LIST),
	S(" map ", "name", "name"), SP(" map ", "areas", SP_AREAS),
	S(" meta ", "content", "content"), S(" meta ", "name", "name"),
	E(" meta ", "httpEquiv", "http-equiv", "content-type|default-style|refresh"),
	I(" meter ", "min", "min", "0"), I(" meter ", "max", "max", "0"),
	I(" meter ", "high", "high", "0"), I(" meter ", "low", "low", "0"),
	I(" meter ", "optimum", "optimum", "0"),
	U(" object ", "data", "data"), S(" object ", "height", "height"), S(" object ", "name", "name"),
	S(" object ", "type", "type"), I(" object ", "tabIndex", "tabindex", "0"),
	B(" object ", "typeMustMatch", "typemustmatch"), S(" object ", "useMap", "usemap"),
	S(" object ", "width", "width"),
	B(" ol ", "reversed", "reversed"), I(" ol ", "start", "start", "0"),
	E(" ol ", "type", "type", "1|a|A|i|I"),
	B(" optgroup ", "disabled", "disabled"), S(" optgroup ", "label", "label"),
	B(" option ", "defaultSelected", "selected"), B(" option ", "selected", "selected"),
	SP(" option ", "disabled", SP_OPT_DISABLED), SP(" option ", "form", SP_OPT_FORM),
	SP(" option ", "index", SP_OPT_INDEX), SP(" option ", "label", SP_OPT_LABEL),
	SP(" option title script style output ", "text", SP_TEXT),
	SP(" option ", "value", SP_VALUE_OR_HTML),
	S(" output ", "htmlFor", "for"), S(" output ", "name", "name"), C(" output ", "type", "output"),
	SP(" output ", "value", SP_TEXT), SP(" output ", "defaultValue", SP_TEXT),
	S(" param pre ", "name", "name"), S(" param pre ", "value", "value"),
	S(" q blockquote ", "cite", "cite"),
	SP(" progress ", "max", SP_MAX), SP(" progress ", "value", SP_PROGRESS_VALUE),
	SP(" progress ", "position", SP_POSITION),
	S(" script ", "crossOrigin", "crossorigin"), S(" script ", "type", "type"),
	U(" script ", "src", "src"), S(" script ", "charset", "charset"),
	B(" script ", "async", "async"), B(" script ", "defer", "defer"),
	B(" script ", "noModule", "nomodule"),
	B(" select ", "autofocus", "autofocus"), B(" select ", "disabled", "disabled"),
	B(" select ", "multiple", "multiple"), S(" select ", "name", "name"),
	B(" select ", "required", "required"), I(" select ", "tabIndex", "tabindex", "0"),
	SP(" select ", "length", SP_SEL_LENGTH), SP(" select ", "options", SP_OPTIONS),
	SP(" select ", "selectedIndex", SP_SELECTED_INDEX),
	SP(" select ", "selectedOptions", SP_SELECTED_OPTIONS), SP(" select ", "size", SP_SEL_SIZE),
	SP(" select ", "type", SP_SEL_TYPE), SP(" select ", "value", SP_SEL_VALUE),
	S(" source ", "keySystem", "keysystem"), S(" source ", "media", "media"),
	S(" source ", "sizes", "sizes"), U(" source ", "src", "src"), S(" source ", "srcset", "srcset"),
	S(" source ", "type", "type"),
	S(" style ", "media", "media"), SP(" style ", "type", SP_STYLE_TYPE),
	B(" table ", "sortable", "sortable"), SP(" table ", "caption", SP_CAPTION),
	SP(" table ", "tHead", SP_THEAD), SP(" table ", "tFoot", SP_TFOOT),
	SP(" table thead tbody tfoot ", "rows", SP_ROWS), SP(" table ", "tBodies", SP_TBODIES),
	I(" td th ", "colSpan", "colspan", "1"), I(" td th ", "rowSpan", "rowspan", "1"),
	S(" td th ", "headers", "headers"), SP(" td th ", "cellIndex", SP_CELL_INDEX),
	S(" th ", "abbr", "abbr"), E(" th ", "scope", "scope", "|row|col|colgroup|rowgroup"),
	B(" th ", "sorted", "sorted"),
	SP(" tr ", "cells", SP_CELLS), SP(" tr ", "rowIndex", SP_ROW_INDEX),
	C(" textarea ", "type", "textarea"), S(" textarea ", "value", "value"),
	S(" textarea ", "defaultValue", "value"), S(" textarea ", "placeholder", "placeholder"),
	I(" textarea ", "rows", "rows", "0"), I(" textarea ", "cols", "cols", "0"),
	I(" textarea ", "maxLength", "maxlength", "0"), I(" textarea ", "tabIndex", "tabindex", "0"),
	S(" textarea ", "accessKey", "accesskey"), B(" textarea ", "autofocus", "autofocus"),
	B(" textarea ", "disabled", "disabled"), S(" textarea ", "name", "name"),
	B(" textarea ", "readOnly", "readonly"), B(" textarea ", "required", "required"),
	E(" textarea ", "wrap", "wrap", "soft|hard|off"),
	S(" time ", "datetime", "datetime"),
	E(" track ", "kind", "kind", "subtitle|captions|descriptions|chapters|metadata"),
	U(" track ", "src", "src"), S(" track ", "srclang", "srclang"), S(" track ", "label", "label"),
	B(" track ", "default", "default"),
};

#undef S
#undef B
#undef I
#undef U
#undef E
#undef NE
#undef C
#undef SP

/* [ ... ] -> [ ... value ]: one of list's "|"-separated values equal to v
 * (exactly, else ignoring case), or the first (nullable: undefined). */
static void push_enum(duk_context *ctx, const char *list, const char *v, bool nullable)
{
	for (int pass = 0; v != NULL && pass < 2; pass++) {
		for (const char *p = list;;) {
			const char *e = strchr(p, '|');
			size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

			if (strlen(v) == n && (pass == 0 ? strncmp(p, v, n) : strncasecmp(p, v, n)) == 0) {
				duk_push_lstring(ctx, p, n);
				return;
			}
			if (e == NULL)
				break;
			p = e + 1;
		}
	}
	if (nullable) {
		duk_push_undefined(ctx);
		return;
	}
	duk_push_lstring(ctx, list, strchr(list, '|') != NULL ? (size_t)(strchr(list, '|') - list) :
		strlen(list));
}

/* Go's strconv.Atoi: an optional sign and digits, nothing else. */
static bool parse_int(const char *s, long *out)
{
	char *e;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	*out = strtol(s, &e, 10);
	return *e == '\0';
}

/* [ ... ] -> [ ... attr resolved against the document URL ] */
static void push_url_attr(duk_context *ctx, k6c__vm *vm, const hset *h, const k6c__hnode *n,
	const char *attr, bool default_current)
{
	const char *v = k6c__hnode_attr(n, attr), *base = k6c__html_doc_url(h->doc);

	if (base == NULL) {
		push_str(ctx, v != NULL ? v : "");
		return;
	}
	if (v != NULL && k6c__html_url_resolve(base, v, &vm->scratch) == 0) {
		push_buf(ctx, &vm->scratch);
		return;
	}
	push_str(ctx, default_current ? base : "");
}

/* The form an element belongs to: its form ancestor, else the form its
 * form attribute names. */
static k6c__hnode *owner_form(const hset *h, k6c__hnode *n, bool by_attr)
{
	const char *id;
	k6c__hnode *root = k6c__html_doc_node(h->doc);

	for (k6c__hnode *p = n; p != NULL; p = k6c__hnode_parent_element(p))
		if (strcmp(k6c__hnode_name(p), "form") == 0)
			return p;
	id = by_attr ? k6c__hnode_attr(n, "form") : NULL;
	if (id == NULL || id[0] == '\0')
		return NULL;
	for (k6c__hnode *c = k6c__hnode_walk(root, root); c != NULL; c = k6c__hnode_walk(c, root)) {
		const char *cid = k6c__hnode_attr(c, "id");

		if (cid != NULL && strcmp(cid, id) == 0)
			return strcmp(k6c__hnode_name(c), "form") == 0 ? c : NULL;
	}
	return NULL;
}

/* The element's form<attr> attribute, else its form's attr. */
static const char *form_or_elem_attr(const hset *h, k6c__hnode *n, const char *attr)
{
	char name[32];
	const char *v;
	k6c__hnode *f;

	snprintf(name, sizeof(name), "form%s", attr);
	if ((v = k6c__hnode_attr(n, name)) != NULL)
		return v;
	f = owner_form(h, n, true);
	return f != NULL ? k6c__hnode_attr(f, attr) : NULL;
}

static k6c__hnode *ancestor_named(k6c__hnode *n, const char *a, const char *b)
{
	for (k6c__hnode *p = k6c__hnode_parent_element(n); p != NULL; p = k6c__hnode_parent_element(p))
		if (strcmp(k6c__hnode_name(p), a) == 0 || (b != NULL && strcmp(k6c__hnode_name(p), b) == 0))
			return p;
	return NULL;
}

/* The position of n among root's descendants matching css, or -1. */
static double index_in(duk_context *ctx, k6c__hnode *root, const char *css, const k6c__hnode *n)
{
	const k6c__hsel *s = get_selector(ctx, css);
	double i = 0, r = -1;

	for (k6c__hnode *c = root != NULL ? k6c__hsel_next(s, root, NULL) : NULL; c != NULL;
		c = k6c__hsel_next(s, root, c), i++) {
		if (c == n) {
			r = i;
			break;
		}
	}
	duk_pop(ctx);   /* the selector's box, only now */
	return r;
}

static void push_split(duk_context *ctx, const char *v)
{
	duk_uarridx_t i = 0;

	duk_push_array(ctx);
	for (const char *p = v != NULL ? v : ""; *p != '\0';) {
		const char *e = strchr(p, ' ');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

		push_text(ctx, p, n);
		duk_put_prop_index(ctx, -2, i++);
		p += n;
		if (*p == ' ')
			p++;
	}
}

static double progress(const k6c__hnode *n, const char *attr, double dflt)
{
	const char *v = k6c__hnode_attr(n, attr);
	char *e;
	double d;

	if (v == NULL)
		return dflt;
	d = strtod(v, &e);
	return *v == '\0' || *e != '\0' || d < 0 || !isfinite(d) ? dflt : d;
}

/* The href parts of an a or area element. */
static duk_ret_t href_part(duk_context *ctx, k6c__vm *vm, const hset *h, const k6c__hnode *n,
	int sp)
{
	static const struct {
		const char *scheme, *port;
	} defaults[] = { { "http", "80" }, { "https", "443" }, { "ftp", "21" } };
	const char *href = k6c__hnode_attr(n, "href"), *base = k6c__html_doc_url(h->doc);
	k6c__html_url u;
	char port[16] = "";
	const char *colon;

	memset(&u, 0, sizeof(u));
	if (href != NULL) {
		if (base != NULL && k6c__html_url_resolve(base, href, &vm->scratch) == 0 &&
			vm->scratch.ptr != NULL)
			href = vm->scratch.ptr;
		if (k6c__html_url_parse(href, &u) != 0)
			memset(&u, 0, sizeof(u));
	}
	if (u.port > 0)
		snprintf(port, sizeof(port), "%d", u.port);
	colon = u.user != NULL ? strchr(u.user, ':') : NULL;
	k6c__buf_clear(&vm->scratch2);
	switch (sp) {
	case SP_HASH:
		if (u.fragment != NULL && u.fragment[0] != '\0')
			k6c__buf_printf(&vm->scratch2, "#%s", u.fragment);
		break;
	case SP_HOST:
		k6c__buf_puts(&vm->scratch2, u.host != NULL ? u.host : "");
		if (port[0] != '\0') {
			bool dflt = false;

			for (size_t i = 0; i < K6C__ARRAY_LEN(defaults); i++)
				if (u.scheme != NULL && strcasecmp(u.scheme, defaults[i].scheme) == 0 &&
					strcmp(port, defaults[i].port) == 0)
					dflt = true;
			if (!dflt)
				k6c__buf_printf(&vm->scratch2, ":%s", port);
		}
		break;
	case SP_HOSTNAME:
		k6c__buf_puts(&vm->scratch2, u.host != NULL ? u.host : "");
		break;
	case SP_PORT:
		k6c__buf_puts(&vm->scratch2, port);
		break;
	case SP_USERNAME:
		if (u.user != NULL)
			k6c__buf_put(&vm->scratch2, u.user, colon != NULL ? (size_t)(colon - u.user) :
				strlen(u.user));
		break;
	case SP_PASSWORD:
		if (colon != NULL)
			k6c__buf_puts(&vm->scratch2, colon + 1);
		break;
	case SP_ORIGIN:
		if (u.scheme != NULL && strcasecmp(u.scheme, "file") == 0)
			k6c__buf_puts(&vm->scratch2, href);
		else if (u.scheme != NULL)
			k6c__buf_printf(&vm->scratch2, "%s://%s%s%s", u.scheme, u.host != NULL ? u.host : "",
				port[0] != '\0' ? ":" : "", port);
		break;
	case SP_PATHNAME:
		k6c__buf_puts(&vm->scratch2, u.path != NULL ? u.path : "");
		break;
	case SP_PROTOCOL:
		k6c__buf_puts(&vm->scratch2, u.scheme != NULL ? u.scheme : ":");
		break;
	default:
		if (u.query != NULL && u.query[0] != '\0')
			k6c__buf_printf(&vm->scratch2, "?%s", u.query);
		break;
	}
	k6c__html_url_free(&u);
	push_buf(ctx, &vm->scratch2);
	return 1;
}

/* The first element child of n named name, as an Element or undefined. */
static void push_child_named(duk_context *ctx, const hset *h, k6c__hnode *n, const char *name)
{
	k6c__hnode *c = k6c__hnode_first_element(n);

	while (c != NULL && strcmp(k6c__hnode_name(c), name) != 0)
		c = k6c__hnode_next_element(c);
	push_elem_or_undef(ctx, h->doc, c);
}

static duk_ret_t special(duk_context *ctx, k6c__vm *vm, hset *h, k6c__hnode *n, int sp)
{
	const k6c__hsel *s;
	const char *v;
	k6c__hnode *p;
	double max, d;

	switch (sp) {
	case SP_HASH: case SP_HOST: case SP_HOSTNAME: case SP_PORT: case SP_USERNAME:
	case SP_PASSWORD: case SP_ORIGIN: case SP_PATHNAME: case SP_PROTOCOL: case SP_SEARCH:
		return href_part(ctx, vm, h, n, sp);
	case SP_REL_LIST:
		v = k6c__hnode_attr(n, "rel");
		push_split(ctx, v);
		return 1;
	case SP_TEXT:
		k6c__buf_clear(&vm->scratch);
		if (k6c__hnode_text(n, &vm->scratch) != 0)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		push_buf(ctx, &vm->scratch);
		return 1;
	case SP_FORM:
		push_elem_or_undef(ctx, h->doc, owner_form(h, n, true));
		return 1;
	case SP_FORM_ACTION:
		v = form_or_elem_attr(h, n, "action");
		if (k6c__html_doc_url(h->doc) == NULL) {
			push_str(ctx, v != NULL ? v : "");
		} else if (v == NULL || v[0] == '\0' ||
			k6c__html_url_resolve(k6c__html_doc_url(h->doc), v, &vm->scratch) != 0) {
			push_str(ctx, v != NULL && v[0] != '\0' ? v : k6c__html_doc_url(h->doc));
		} else {
			push_buf(ctx, &vm->scratch);
		}
		return 1;
	case SP_FORM_ENCTYPE:
		v = form_or_elem_attr(h, n, "enctype");
		push_str(ctx, v != NULL && (strcmp(v, "multipart/form-data") == 0 ||
			strcmp(v, "text/plain") == 0) ? v : "application/x-www-form-urlencoded");
		return 1;
	case SP_FORM_METHOD:
		v = form_or_elem_attr(h, n, "method");
		push_str(ctx, v != NULL && strcasecmp(v, "post") == 0 ? "post" : "get");
		return 1;
	case SP_FORM_NO_VALIDATE:
		duk_push_boolean(ctx, form_or_elem_attr(h, n, "novalidate") != NULL);
		return 1;
	case SP_FORM_TARGET:
		v = form_or_elem_attr(h, n, "target");
		push_str(ctx, v != NULL ? v : "");
		return 1;
	case SP_VALUE_OR_HTML:
		push_value_or_html(ctx, vm, n);
		return 1;
	case SP_OPTIONS:
		push_elem_list(ctx, h->doc, n, "option");
		return 1;
	case SP_FORM_ELEMENTS:
	case SP_FIELDSET_ELEMENTS:
		push_elem_list(ctx, h->doc, n, sp == SP_FORM_ELEMENTS ?
			"input,select,button,textarea,fieldset" : "input,select,button,textarea");
		return 1;
	case SP_FORM_LENGTH:
	case SP_SEL_LENGTH:
		push_elem_list(ctx, h->doc, n, sp == SP_FORM_LENGTH ?
			"input,select,button,textarea,fieldset" : "option");
		duk_push_number(ctx, (double)duk_get_length(ctx, -1));
		return 1;
	case SP_METHOD:
		v = k6c__hnode_attr(n, "method");
		push_str(ctx, v != NULL && strcmp(v, "post") == 0 ? "post" : "get");
		return 1;
	case SP_CONTROL: {
		k6c__hnode *root = k6c__html_doc_node(h->doc);

		v = k6c__hnode_attr(n, "for");
		p = NULL;
		for (k6c__hnode *c = v != NULL ? k6c__hnode_walk(root, root) : NULL; c != NULL;
			c = k6c__hnode_walk(c, root)) {
			const char *id = k6c__hnode_attr(c, "id");

			if (id != NULL && strcmp(id, v) == 0) {
				p = c;
				break;
			}
		}
		push_elem_or_undef(ctx, h->doc, p);
		return 1;
	}
	case SP_OPT_DISABLED:
		p = ancestor_named(n, "optgroup", NULL);
		duk_push_boolean(ctx, k6c__hnode_attr(n, "disabled") != NULL ||
			(p != NULL && k6c__hnode_attr(p, "disabled") != NULL));
		return 1;
	case SP_OPT_FORM:
		p = ancestor_named(n, "form", NULL);
		if (p == NULL && (p = ancestor_named(n, "select", NULL)) != NULL)
			p = owner_form(h, p, true);
		push_elem_or_undef(ctx, h->doc, p);
		return 1;
	case SP_OPT_INDEX:
		d = index_in(ctx, ancestor_named(n, "select", "datalist"), "option", n);
		duk_push_number(ctx, d < 0 ? 0 : d);
		return 1;
	case SP_OPT_LABEL:
		v = k6c__hnode_attr(n, "label");
		if (v != NULL) {
			push_str(ctx, v);
			return 1;
		}
		return special(ctx, vm, h, n, SP_TEXT);
	case SP_SELECTED_INDEX:
		s = get_selector(ctx, "option[selected]");
		p = k6c__hsel_next(s, n, NULL);
		duk_pop(ctx);
		duk_push_number(ctx, p != NULL ? index_in(ctx, n, "option", p) : -1);
		return 1;
	case SP_SELECTED_OPTIONS:
		push_elem_list(ctx, h->doc, n, "option[selected]");
		return 1;
	case SP_SEL_SIZE:
		duk_push_int(ctx, k6c__hnode_attr(n, "multiple") != NULL ? 4 : 1);
		return 1;
	case SP_SEL_TYPE:
		push_str(ctx, k6c__hnode_attr(n, "multiple") != NULL ? "select-multiple" : "select");
		return 1;
	case SP_SEL_VALUE:
		s = get_selector(ctx, "option[selected]");
		p = k6c__hsel_next(s, n, NULL);
		duk_pop(ctx);
		push_value_or_html(ctx, vm, p);
		return 1;
	case SP_STYLE_TYPE:
		v = k6c__hnode_attr(n, "type");
		push_str(ctx, v != NULL && v[0] != '\0' ? v : "text/css");
		return 1;
	case SP_MAX:
		duk_push_number(ctx, progress(n, "max", 1.0));
		return 1;
	case SP_PROGRESS_VALUE:
	case SP_POSITION:
		max = progress(n, "max", 1.0);
		d = progress(n, "value", sp == SP_POSITION ? -1.0 : 0.0);
		duk_push_number(ctx, k6c__hnode_attr(n, "value") != NULL && d >= 0 && max > 0 ? d / max : d);
		return 1;
	case SP_CAPTION:
		push_child_named(ctx, h, n, "caption");
		return 1;
	case SP_THEAD:
		push_child_named(ctx, h, n, "thead");
		return 1;
	case SP_TFOOT:
		push_child_named(ctx, h, n, "tfoot");
		return 1;
	case SP_ROWS:
		push_elem_list(ctx, h->doc, n, "tr");
		return 1;
	case SP_TBODIES:
		push_elem_list(ctx, h->doc, n, "tbody");
		return 1;
	case SP_CELLS:
		push_elem_list(ctx, h->doc, n, "th,td");
		return 1;
	case SP_ROW_INDEX:
		duk_push_number(ctx, index_in(ctx, ancestor_named(n, "table", NULL), "tr", n));
		return 1;
	case SP_CELL_INDEX:
		duk_push_number(ctx, index_in(ctx, ancestor_named(n, "tr", NULL), "th,td", n));
		return 1;
	default:
		push_elem_list(ctx, h->doc, n, "area");
		return 1;
	}
}

/* A per-tag member: magic is its index in members. */
static duk_ret_t js_member(duk_context *ctx)
{
	const member *m = &members[duk_get_current_magic(ctx)];
	k6c__vm *vm = k6c__vm_get(ctx);
	hset *h;
	k6c__hnode *n = this_node(ctx, &h, "Element method");
	const char *v = m->attr != NULL ? k6c__hnode_attr(n, m->attr) : NULL;
	long i;

	switch (m->kind) {
	case M_STR:
		push_str(ctx, v != NULL ? v : "");
		return 1;
	case M_BOOL:
		duk_push_boolean(ctx, v != NULL);
		return 1;
	case M_INT:
		if (!parse_int(v, &i))
			i = strtol(m->arg, NULL, 10);
		duk_push_number(ctx, (double)i);
		return 1;
	case M_URL:
	case M_URL_CUR:
		push_url_attr(ctx, vm, h, n, m->attr, m->kind == M_URL_CUR);
		return 1;
	case M_ENUM:
	case M_NENUM:
		push_enum(ctx, m->arg, v, m->kind == M_NENUM);
		return 1;
	case M_CONST:
		push_str(ctx, m->arg);
		return 1;
	default:
		return special(ctx, vm, h, n, m->special);
	}
}

/* [ ... ] -> [ ... prototype ] for an Element of node n: the generic one,
 * or (elements) the one of its tag, made on first use, which adds the
 * tag's members to the generic one. */
static void push_elem_proto(duk_context *ctx, const k6c__hnode *n)
{
	const char *name = k6c__hnode_name(n);
	char key[64];
	duk_idx_t proto;

	if (k6c__hnode_type(n) != K6C__HNODE_ELEMENT || strlen(name) + 3 > sizeof(key)) {
		push_state_prop(ctx, "elem");
		return;
	}
	snprintf(key, sizeof(key), " %s ", name);
	push_state_prop(ctx, "tags");
	if (duk_get_prop_string(ctx, -1, name)) {
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	proto = duk_push_object(ctx);
	push_state_prop(ctx, "elem");
	duk_set_prototype(ctx, proto);
	for (size_t i = 0; i < K6C__ARRAY_LEN(members); i++) {
		if (strstr(members[i].tags, key) == NULL)
			continue;
		duk_push_c_function(ctx, js_member, 0);
		duk_set_magic(ctx, -1, (duk_int_t)i);
		duk_put_prop_string(ctx, proto, members[i].name);
	}
	duk_dup(ctx, proto);
	duk_put_prop_string(ctx, -3, name);
	duk_remove(ctx, -2);
}

/* ---- Prototypes and the module ----------------------------------------------------------- */

static const k6c__vm_fn sel_fns[] = {
	{ "find", js_find, 1, 0 },
	{ "add", js_add, 1, 0 },
	{ "closest", js_closest, 1, 0 },
	{ "has", js_filter, 1, F_HAS },
	{ "not", js_filter, 1, F_NOT },
	{ "filter", js_filter, 1, F_FILTER },
	{ "is", js_is, 1, 0 },
	{ "next", js_trav, 1, T_NEXT },
	{ "prev", js_trav, 1, T_PREV },
	{ "nextAll", js_trav, 1, T_NEXT_ALL },
	{ "prevAll", js_trav, 1, T_PREV_ALL },
	{ "parent", js_trav, 1, T_PARENT },
	{ "parents", js_trav, 1, T_PARENTS },
	{ "siblings", js_trav, 1, T_SIBLINGS },
	{ "children", js_trav, 1, T_CHILDREN },
	{ "contents", js_trav, 0, T_CONTENTS },
	{ "nextUntil", js_until, 2, 0 },
	{ "prevUntil", js_until, 2, 1 },
	{ "parentsUntil", js_until, 2, 2 },
	{ "first", js_range, 0, R_FIRST },
	{ "last", js_range, 0, R_LAST },
	{ "eq", js_range, 1, R_EQ },
	{ "slice", js_range, 2, R_SLICE },
	{ "end", js_end, 0, 0 },
	{ "size", js_size, 0, 0 },
	{ "text", js_text, 0, 0 },
	{ "html", js_html, 0, 0 },
	{ "attr", js_attr, 2, 0 },
	{ "val", js_val, 0, 0 },
	{ "data", js_data, 1, 0 },
	{ "get", js_get, 1, 0 },
	{ "toArray", js_to_array, 0, 0 },
	{ "index", js_index, 1, 0 },
	{ "each", js_each, 1, 0 },
	{ "map", js_map, 1, 0 },
	{ "serialize", js_serialize, 0, SER_STRING },
	{ "serializeArray", js_serialize, 0, SER_ARRAY },
	{ "serializeObject", js_serialize, 0, SER_OBJECT },
	{ NULL, NULL, 0, 0 },
};

static const k6c__vm_fn elem_fns[] = {
	{ "selection", js_elem, 0, E_SELECTION },
	{ "nodeName", js_elem, 0, E_NODE_NAME },
	{ "nodeType", js_elem, 0, E_NODE_TYPE },
	{ "nodeValue", js_elem, 0, E_NODE_VALUE },
	{ "id", js_elem, 0, E_ID },
	{ "innerHTML", js_elem, 0, E_INNER_HTML },
	{ "textContent", js_elem, 0, E_TEXT_CONTENT },
	{ "ownerDocument", js_elem, 0, E_OWNER_DOCUMENT },
	{ "attributes", js_elem, 0, E_ATTRIBUTES },
	{ "firstChild", js_elem, 0, E_FIRST_CHILD },
	{ "lastChild", js_elem, 0, E_LAST_CHILD },
	{ "childElementCount", js_elem, 0, E_CHILD_ELEMENT_COUNT },
	{ "firstElementChild", js_elem, 0, E_FIRST_ELEMENT_CHILD },
	{ "lastElementChild", js_elem, 0, E_LAST_ELEMENT_CHILD },
	{ "previousSibling", js_elem, 0, E_PREVIOUS_SIBLING },
	{ "nextSibling", js_elem, 0, E_NEXT_SIBLING },
	{ "previousElementSibling", js_elem, 0, E_PREVIOUS_ELEMENT_SIBLING },
	{ "nextElementSibling", js_elem, 0, E_NEXT_ELEMENT_SIBLING },
	{ "parentElement", js_elem, 0, E_PARENT_ELEMENT },
	{ "parentNode", js_elem, 0, E_PARENT_NODE },
	{ "childNodes", js_elem, 0, E_CHILD_NODES },
	{ "children", js_elem, 0, E_CHILDREN },
	{ "classList", js_elem, 0, E_CLASS_LIST },
	{ "className", js_elem, 0, E_CLASS_NAME },
	{ "lang", js_elem, 0, E_LANG },
	{ "toString", js_elem, 0, E_TO_STRING },
	{ "hasAttributes", js_elem, 0, E_HAS_ATTRIBUTES },
	{ "hasChildNodes", js_elem, 0, E_HAS_CHILD_NODES },
	{ "namespaceURI", js_elem, 0, E_NAMESPACE_URI },
	{ "isDefaultNamespace", js_elem, 0, E_IS_DEFAULT_NAMESPACE },
	{ "hasAttribute", js_elem1, 1, E1_HAS_ATTRIBUTE },
	{ "getAttribute", js_elem1, 1, E1_GET_ATTRIBUTE },
	{ "getAttributeNode", js_elem1, 1, E1_GET_ATTRIBUTE_NODE },
	{ "isSameNode", js_elem1, 1, E1_IS_SAME_NODE },
	{ "isEqualNode", js_elem1, 1, E1_IS_EQUAL_NODE },
	{ "getElementsByClassName", js_elem1, 1, E1_BY_CLASS },
	{ "getElementsByTagName", js_elem1, 1, E1_BY_TAG },
	{ "querySelector", js_elem1, 1, E1_QUERY_SELECTOR },
	{ "querySelectorAll", js_elem1, 1, E1_QUERY_SELECTOR_ALL },
	{ "contains", js_elem1, 1, E1_CONTAINS },
	{ "matches", js_elem1, 1, E1_MATCHES },
	{ NULL, NULL, 0, 0 },
};

static const k6c__vm_fn attr_fns[] = {
	{ "prefix", js_attr_fn, 0, 0 },
	{ "namespaceURI", js_attr_fn, 0, 1 },
	{ "localName", js_attr_fn, 0, 2 },
	{ NULL, NULL, 0, 0 },
};

/* [ ... ] -> [ ... state ]: the VU's k6/html state in the heap stash,
 * created on first use: the Selection, Element and Attribute prototypes,
 * the per-tag Element prototypes and the selector cache. */
static void push_state(duk_context *ctx)
{
	duk_idx_t st;
	hcache *c;

	duk_push_heap_stash(ctx);
	if (duk_get_prop_string(ctx, -1, STATE_KEY)) {
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	st = duk_push_bare_object(ctx);

	/* Selection and Element prototypes, with the finalizer their objects
	 * inherit. */
	for (int k = 0; k < 2; k++) {
		duk_push_object(ctx);
		k6c__vm_put_functions(ctx, -1, k == 0 ? sel_fns : elem_fns);
		duk_push_c_function(ctx, js_finalize, 1);
		duk_set_magic(ctx, -1, 0);
		duk_set_finalizer(ctx, -2);
		if (k == 0) {
			push_str(ctx, "length");
			duk_push_c_lightfunc(ctx, js_length, 0, 0, 0);
			duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE);
		}
		duk_put_prop_string(ctx, st, k == 0 ? "sel" : "elem");
	}
	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, attr_fns);
	duk_put_prop_string(ctx, st, "attr");
	duk_push_bare_object(ctx);
	duk_put_prop_string(ctx, st, "tags");

	push_owner(ctx, 2);
	c = k6c__calloc(1, sizeof(*c));
	if (c == NULL || k6c__map_new(&c->map) != 0) {
		k6c__free(c);
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	}
	put_owned(ctx, -1, c);
	duk_put_prop_string(ctx, st, "cache");

	duk_dup(ctx, st);
	duk_put_prop_string(ctx, -3, STATE_KEY);
	duk_remove(ctx, -2);
}

void k6c__mod_html_push(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "parseHTML", js_parse_html, 1, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
}
