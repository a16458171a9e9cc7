/*
 * mod_data.c - the `k6/data` module: SharedArray.
 *
 * `new SharedArray(name, fn)` (init context only) runs fn once per test,
 * in the first VU that constructs that name (normally VU 0 while the
 * program loads), and keeps the returned array in C, once for the whole
 * test: one buffer with each element serialised as JSON, plus their
 * offsets. Every VU (any worker thread) then reads the same bytes without
 * a lock: an entry is written only before it is published as ready.
 *
 * What a VU gets is a Proxy over a frozen empty array: `length` and each
 * index are answered by the get trap, which parses that element's JSON
 * and deep-freezes the result on every access (as k6), so a VU holds only
 * what it is using. Everything else (map, forEach, filter, slice,
 * Symbol.iterator, ...) is looked up on the target, i.e. Array.prototype,
 * and works through the same trap. Writes and deletes throw k6's
 * TypeError "SharedArray is immutable".
 */
#include "engine/vm.h"

#include <math.h>
#include <string.h>
#include <time.h>

#define ENTRY_KEY DUK_HIDDEN_SYMBOL("k6cSharedArray")
#define HANDLER_KEY DUK_HIDDEN_SYMBOL("k6cSharedArrayHandler")

enum { SA_EMPTY, SA_BUILDING, SA_READY };

typedef struct sa_entry {
	int state;
	const k6c__vm *builder;      /* SA_BUILDING: the VM running fn */
	size_t n;                    /* elements */
	size_t *off;                 /* n + 1 offsets into json */
	char *json;                  /* the elements' JSON texts, back to back */
} sa_entry;

struct k6c__shared_arrays {
	pthread_mutex_t lock;        /* guards map and every entry's state */
	k6c__map *map;               /* name -> sa_entry * */
};

static void entry_free(void *v)
{
	sa_entry *e = v;

	if (e == NULL)
		return;
	k6c__free(e->off);
	k6c__free(e->json);
	k6c__free(e);
}

void k6c__mod_data_free(k6c__program *p)
{
	struct k6c__shared_arrays *s = p->shared_arrays;

	if (s == NULL)
		return;
	k6c__map_free(s->map, entry_free);
	pthread_mutex_destroy(&s->lock);
	k6c__free(s);
	p->shared_arrays = NULL;
}

/* The test's store, created on first use. */
static struct k6c__shared_arrays *store_get(duk_context *ctx, k6c__program *p)
{
	struct k6c__shared_arrays *s;

	pthread_mutex_lock(&p->lock);
	s = p->shared_arrays;
	if (s == NULL) {
		s = k6c__calloc(1, sizeof(*s));
		if (s != NULL && k6c__map_new(&s->map) != 0) {
			k6c__free(s);
			s = NULL;
		}
		if (s != NULL) {
			pthread_mutex_init(&s->lock, NULL);
			p->shared_arrays = s;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (s == NULL)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	return s;
}

/* ---- Building --------------------------------------------------------------- */

typedef struct build {
	k6c__buf json;
	k6c__buf off;                /* size_t offsets */
	size_t n;
} build;

static void put_or_throw(duk_context *ctx, k6c__buf *b, const void *p, size_t n)
{
	if (k6c__buf_put(b, p, n) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory building a SharedArray");
}

/* duk_safe_call target: [ fn ] -> [ undefined ]; calls fn and serialises
 * its array into the build. Errors (fn's own, a value JSON cannot encode,
 * out of memory) unwind to the caller, which owns every buffer. */
static duk_ret_t build_safe(duk_context *ctx, void *udata)
{
	build *b = udata;
	size_t pos = 0;

	duk_push_undefined(ctx);
	duk_call_method(ctx, 0);
	if (!duk_is_array(ctx, -1)) {
		/* A lowered async function returns a Promise. */
		if (duk_is_object(ctx, -1) && duk_get_prop_string(ctx, -1, "then") &&
			duk_is_callable(ctx, -1))
			return duk_error(ctx, DUK_ERR_ERROR, "SharedArray constructor does not "
				"support async functions as second argument");
		return duk_error(ctx, DUK_ERR_ERROR, "only arrays can be made into SharedArray");
	}
	b->n = duk_get_length(ctx, -1);
	for (size_t i = 0; i < b->n; i++) {
		const char *s = NULL;
		duk_size_t len = 0;

		put_or_throw(ctx, &b->off, &pos, sizeof(pos));
		duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
		/* undefined and functions have no JSON: stored empty, read
		 * back as undefined. */
		if (!duk_is_undefined(ctx, -1)) {
			duk_json_encode(ctx, -1);
			if (duk_is_string(ctx, -1))
				s = duk_get_lstring(ctx, -1, &len);
		}
		if (s != NULL)
			put_or_throw(ctx, &b->json, s, len);
		pos += len;
		duk_pop(ctx);
	}
	put_or_throw(ctx, &b->off, &pos, sizeof(pos));
	duk_pop(ctx);
	return 0;
}

/* Pauses a VU that waits for another VU to finish building an array. The
 * builder may be a coroutine of this same worker thread, so a VU yields
 * (a short sleep) instead of blocking the thread; this only happens when
 * two VUs construct a name VU 0 did not, at the same time. */
static void wait_a_little(duk_context *ctx, k6c__vm *vm)
{
	if (vm->vu != NULL) {
		if (k6c__vu_sleep(vm->vu, 1.0) == K6C_EABORTED)
			k6c__vm_throw_aborted(ctx, vm);
	} else {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
}

/* The ready entry for name, running fn (at idx) if no VU did yet. */
static const sa_entry *entry_get(duk_context *ctx, k6c__vm *vm, const char *name, size_t nlen,
	duk_idx_t fn)
{
	struct k6c__shared_arrays *s = store_get(ctx, vm->prog);
	sa_entry *e;
	build b;
	duk_int_t rc;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		e = k6c__map_get(s->map, name, nlen);
		if (e == NULL) {
			e = k6c__calloc(1, sizeof(*e));
			if (e != NULL && k6c__map_set(s->map, name, nlen, e) != 0) {
				k6c__free(e);
				e = NULL;
			}
		}
		if (e == NULL) {
			pthread_mutex_unlock(&s->lock);
			(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		}
		if (e->state == SA_READY) {
			pthread_mutex_unlock(&s->lock);
			return e;
		}
		if (e->state == SA_EMPTY) {
			e->state = SA_BUILDING;
			e->builder = vm;
			pthread_mutex_unlock(&s->lock);
			break;
		}
		/* SA_BUILDING */
		if (e->builder == vm) {
			pthread_mutex_unlock(&s->lock);
			(void)duk_error(ctx, DUK_ERR_ERROR, "SharedArray '%s' is constructed again "
				"by its own function", name);
		}
		pthread_mutex_unlock(&s->lock);
		wait_a_little(ctx, vm);
	}

	/* This VM builds it; no lock is held while fn runs. */
	memset(&b, 0, sizeof(b));
	duk_dup(ctx, fn);
	rc = duk_safe_call(ctx, build_safe, &b, 1, 1);
	pthread_mutex_lock(&s->lock);
	if (rc == DUK_EXEC_SUCCESS) {
		/* Give back the slack the buffers grew with (up to half). */
		void *json = b.json.len > 0 ? k6c__realloc(b.json.ptr, b.json.len) : NULL;
		void *off = k6c__realloc(b.off.ptr, b.off.len);

		if (b.json.len == 0)
			k6c__free(b.json.ptr);
		e->n = b.n;
		e->off = off != NULL ? off : (void *)b.off.ptr;
		e->json = json != NULL || b.json.len == 0 ? json : b.json.ptr;
		e->state = SA_READY;
	} else {
		/* The next VU that constructs the name tries again, as k6. */
		k6c__buf_free(&b.off);
		k6c__buf_free(&b.json);
		e->off = NULL;
		e->json = NULL;
		e->n = 0;
		e->state = SA_EMPTY;
	}
	e->builder = NULL;
	pthread_mutex_unlock(&s->lock);
	if (rc != DUK_EXEC_SUCCESS)
		(void)duk_throw(ctx);
	duk_pop(ctx);
	return e;
}

/* ---- The Proxy's traps ------------------------------------------------------ */

static const sa_entry *entry_of(duk_context *ctx, duk_idx_t target)
{
	const sa_entry *e;

	duk_get_prop_string(ctx, target, ENTRY_KEY);
	e = duk_get_pointer(ctx, -1);
	duk_pop(ctx);
	if (e == NULL)
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "not a SharedArray");
	return e;
}

enum { KEY_OTHER, KEY_INDEX, KEY_LENGTH };

/* What the property key at idx is: an array index (in *index), "length" or
 * anything else (symbols included). Duktape hands number keys over as
 * numbers. */
static int key_kind(duk_context *ctx, duk_idx_t idx, size_t *index)
{
	if (duk_is_number(ctx, idx)) {
		double d = duk_get_number(ctx, idx);

		if (d >= 0 && d < 4294967295.0 && d == floor(d)) {
			*index = (size_t)d;
			return KEY_INDEX;
		}
		return KEY_OTHER;
	}
	if (duk_is_string(ctx, idx) && !duk_is_symbol(ctx, idx)) {
		duk_size_t len;
		const char *s = duk_get_lstring(ctx, idx, &len);
		uint64_t v = 0;

		if (len == 6 && memcmp(s, "length", 6) == 0)
			return KEY_LENGTH;
		/* Canonical index strings only: "0", "17", not "017" or "1e2". */
		if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
			return KEY_OTHER;
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return KEY_OTHER;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
		if (v >= 4294967295u)
			return KEY_OTHER;
		*index = (size_t)v;
		return KEY_INDEX;
	}
	return KEY_OTHER;
}

/* Freezes the value at idx and every object reachable from it. JSON.parse
 * output has no cycles; the walk keeps its own work list, so deep nesting
 * costs no C stack. */
static void deep_freeze(duk_context *ctx, duk_idx_t idx)
{
	duk_idx_t work;
	duk_uarridx_t n = 0;

	if (!duk_is_object(ctx, idx))
		return;
	idx = duk_require_normalize_index(ctx, idx);
	work = duk_push_array(ctx);
	duk_dup(ctx, idx);
	duk_put_prop_index(ctx, work, n++);
	while (n > 0) {
		duk_idx_t obj;

		duk_get_prop_index(ctx, work, --n);
		obj = duk_get_top_index(ctx);
		duk_freeze(ctx, obj);
		duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
		while (duk_next(ctx, -1, 1)) {
			if (duk_is_object(ctx, -1)) {
				duk_dup(ctx, -1);
				duk_put_prop_index(ctx, work, n++);
			}
			duk_pop_2(ctx);
		}
		duk_pop_2(ctx);
	}
	duk_pop(ctx);
}

/* get(target, key, receiver) */
static duk_ret_t trap_get(duk_context *ctx)
{
	const sa_entry *e = entry_of(ctx, 0);
	size_t i = 0;

	switch (key_kind(ctx, 1, &i)) {
	case KEY_LENGTH:
		duk_push_number(ctx, (double)e->n);
		return 1;
	case KEY_INDEX:
		if (i >= e->n || e->off[i + 1] == e->off[i])
			return 0;   /* undefined */
		duk_push_lstring(ctx, e->json + e->off[i], e->off[i + 1] - e->off[i]);
		duk_json_decode(ctx, -1);
		deep_freeze(ctx, -1);
		return 1;
	default:
		duk_dup(ctx, 1);
		duk_get_prop(ctx, 0);
		return 1;
	}
}

/* has(target, key): `i in arr`, `"length" in arr`. */
static duk_ret_t trap_has(duk_context *ctx)
{
	const sa_entry *e = entry_of(ctx, 0);
	size_t i = 0;

	switch (key_kind(ctx, 1, &i)) {
	case KEY_LENGTH:
		duk_push_true(ctx);
		return 1;
	case KEY_INDEX:
		duk_push_boolean(ctx, i < e->n);
		return 1;
	default:
		duk_push_boolean(ctx, duk_has_prop(ctx, 0));
		return 1;
	}
}

/* set and deleteProperty */
static duk_ret_t trap_write(duk_context *ctx)
{
	return duk_error(ctx, DUK_ERR_TYPE_ERROR, "SharedArray is immutable");
}

/* [ ... ] -> [ ... handler ]: one handler per VU, kept in the stash. */
static void push_handler(duk_context *ctx)
{
	static const k6c__vm_fn traps[] = {
		{ "get", trap_get, 3, 0 },
		{ "has", trap_has, 2, 0 },
		{ "set", trap_write, 4, 0 },
		{ "deleteProperty", trap_write, 2, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_global_stash(ctx);
	if (!duk_get_prop_string(ctx, -1, HANDLER_KEY)) {
		duk_pop(ctx);
		duk_push_object(ctx);
		k6c__vm_put_functions(ctx, -1, traps);
		duk_dup(ctx, -1);
		duk_put_prop_string(ctx, -3, HANDLER_KEY);
	}
	duk_remove(ctx, -2);
}

/* new SharedArray(name, fn) */
static duk_ret_t js_shared_array(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const sa_entry *e;
	const char *name;
	duk_size_t nlen;

	if (!vm->in_init)
		return duk_error(ctx, DUK_ERR_ERROR, "new SharedArray must be called in the init "
			"context");
	name = duk_to_lstring(ctx, 0, &nlen);
	if (nlen == 0)
		return duk_error(ctx, DUK_ERR_ERROR, "empty name provided to SharedArray's "
			"constructor");
	if (!duk_is_function(ctx, 1))
		return duk_error(ctx, DUK_ERR_ERROR, "a function is expected as the second argument "
			"of SharedArray's constructor");
	e = entry_get(ctx, vm, name, nlen, 1);

	duk_push_array(ctx);                     /* the target */
	duk_push_pointer(ctx, (void *)e);
	duk_put_prop_string(ctx, -2, ENTRY_KEY);
	duk_freeze(ctx, -1);
	push_handler(ctx);
	duk_push_proxy(ctx, 0);
	return 1;
}

void k6c__mod_data_push(duk_context *ctx)
{
	duk_push_object(ctx);
	duk_push_c_function(ctx, js_shared_array, 2);
	duk_put_prop_string(ctx, -2, "SharedArray");
}
