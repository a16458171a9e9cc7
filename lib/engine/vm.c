/*
 * vm.c - one VU's JavaScript state: a Duktape heap that loads the program's
 * bytecode (prelude, then modules on first require), the module registry,
 * the globals (__ENV, __VU, __ITER, open, require, console), the tags of
 * a VU's samples, and the VU operations the scheduler calls on the VU's
 * coroutine: init, iterate (following the VU into its scenario: __ENV and
 * tags), setup, teardown, handleSummary (its returned map converted to
 * outputs) and free.
 */
#include "engine/vm.h"
#include "engine/eventloop.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k6c/test.h"
#include "util/json.h"

/* ---- Allocation, hooks ---------------------------------------------------- */

void *k6c__engine_duk_alloc(void *udata, duk_size_t size)
{
	K6C__UNUSED(udata);
	return k6c__malloc(size);
}

void *k6c__engine_duk_realloc(void *udata, void *ptr, duk_size_t size)
{
	K6C__UNUSED(udata);
	return k6c__realloc(ptr, size);
}

void k6c__engine_duk_free(void *udata, void *ptr)
{
	K6C__UNUSED(udata);
	k6c__free(ptr);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void hooks_init(void)
{
	k6c__duk_stack_low_fn = k6c__coro_stack_low;
}

/* Polled by Duktape's executor every few thousand instructions: a hard stop
 * interrupts even a busy loop. */
static bool vm_interrupt(void *arg)
{
	const k6c__vm *vm = arg;

	return vm->test_aborted || (vm->vu != NULL && k6c__vu_should_stop(vm->vu));
}

/* Duktape calls this only for errors outside any protected call, which the
 * VM never makes; there is no way to continue, so it reports and aborts as
 * Duktape's own default would. */
static void vm_fatal(void *udata, const char *msg)
{
	k6c__vm *vm = udata;

	if (vm != NULL)
		k6c__vm_log(vm, K6C_LOG_ERROR, "fatal JavaScript engine error: %s", msg);
	abort();
}

k6c__vm *k6c__vm_get(duk_context *ctx)
{
	duk_memory_functions funcs;

	duk_get_memory_functions(ctx, &funcs);
	return (k6c__vm *)funcs.udata;
}

k6c__vm *k6c__vm_from_ctx(duk_context *ctx)
{
	duk_memory_functions funcs;

	if (ctx == NULL)
		return NULL;
	/* VU heaps are the only ones with the engine's allocator and a
	 * udata (the compiler's throw-away heap has none). */
	duk_get_memory_functions(ctx, &funcs);
	if (funcs.alloc_func != k6c__engine_duk_alloc || funcs.udata == NULL)
		return NULL;
	return (k6c__vm *)funcs.udata;
}

/* ---- Logging and errors ----------------------------------------------------- */

void k6c__vm_log(k6c__vm *vm, int level, const char *fmt, ...)
{
	k6c__buf b = K6C__BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (k6c__buf_vprintf(&b, fmt, ap) != 0) {
		va_end(ap);
		k6c__buf_free(&b);
		return;
	}
	va_end(ap);
	if (vm->vu != NULL)
		k6c__vu_log(vm->vu, level, "%s", b.ptr);
	else if (vm->prog->log != NULL)
		vm->prog->log(level, b.ptr, vm->prog->log_arg);
	k6c__buf_free(&b);
}

/* One Duktape traceback line ("at name (file:line) flags") as k6 prints a
 * frame; native and internal frames are dropped. */
static void format_frame(k6c__buf *out, const char *line, size_t n)
{
	const char *end = line + n, *open, *close, *colon;
	const char *name;
	size_t namelen;

	if (n < 3 || memcmp(line, "at ", 3) != 0)
		return;
	line += 3;
	open = NULL;
	for (const char *q = line; q + 1 < end; q++) {
		if (q[0] == ' ' && q[1] == '(') {
			open = q;
			break;
		}
	}
	if (open == NULL)
		return;
	close = memchr(open, ')', (size_t)(end - open));
	if (close == NULL)
		return;
	if (memmem(close, (size_t)(end - close), "native", 6) != NULL ||
		memmem(close, (size_t)(end - close), "internal", 8) != NULL)
		return;
	colon = NULL;
	for (const char *q = close - 1; q > open + 2; q--) {
		if (*q == ':') {
			colon = q;
			break;
		}
		if (*q < '0' || *q > '9')
			return;
	}
	if (colon == NULL || colon == close - 1)
		return;
	if ((size_t)(colon - (open + 2)) >= 4 && memcmp(open + 2, "k6c:", 4) == 0)
		return;   /* the prelude's own frames are noise to a script author */
	name = line;
	namelen = (size_t)(open - line);
	if (namelen == 8 && memcmp(name, "_default", 8) == 0) {
		/* Babel names `export default function () {}` _default. */
		name = "default";
		namelen = 7;
	}
	if (namelen == 6 && memcmp(name, "[anon]", 6) == 0)
		k6c__buf_printf(out, "\n\tat %.*s", (int)(close - open - 2), open + 2);
	else
		k6c__buf_printf(out, "\n\tat %.*s (%.*s)", (int)namelen, name,
			(int)(close - open - 2), open + 2);
}

static duk_ret_t format_error_safe(duk_context *ctx, void *udata)
{
	k6c__buf *out = udata;
	const char *stack = NULL, *nl;
	size_t len = 0;

	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "stack");
		if (duk_is_string(ctx, -1))
			stack = duk_get_lstring(ctx, -1, &len);
		else
			duk_pop(ctx);
	}
	if (stack == NULL) {
		k6c__buf_puts(out, duk_safe_to_string(ctx, -1));
		return 0;
	}
	nl = strstr(stack, "\n    at ");
	if (nl == NULL) {
		k6c__buf_put(out, stack, len);
		return 0;
	}
	k6c__buf_put(out, stack, (size_t)(nl - stack));
	while (nl != NULL) {
		const char *line = nl + 5;   /* past "\n    " */
		const char *next = strchr(line, '\n');
		size_t n = next != NULL ? (size_t)(next - line) : strlen(line);

		format_frame(out, line, n);
		nl = next;
	}
	return 0;
}

void k6c__vm_format_error(duk_context *ctx, duk_idx_t idx, k6c__buf *out)
{
	size_t start = out->len;

	duk_dup(ctx, idx);
	if (duk_safe_call(ctx, format_error_safe, out, 1, 1) != 0) {
		out->len = start;
		if (out->ptr != NULL)
			out->ptr[start] = '\0';
		k6c__buf_puts(out, "unknown error");
	}
	duk_pop(ctx);
	if (out->ptr == NULL)
		k6c__buf_puts(out, "");
}

void k6c__vm_check_not_init(duk_context *ctx, k6c__vm *vm, const char *what)
{
	if (vm->in_init)
		(void)duk_error(ctx, DUK_ERR_ERROR, "%s in the init context is not supported", what);
	/* A script that caught the abort's error gets no further side effect
	 * (the interrupt hook ends the rest of its JavaScript shortly). */
	if (vm->test_aborted)
		(void)duk_error(ctx, DUK_ERR_ERROR, "%s", vm->abort_message != NULL ?
			vm->abort_message : "test aborted");
}

void k6c__vm_abort_test(duk_context *ctx, k6c__vm *vm, const char *reason)
{
	k6c__buf msg = K6C__BUF_INIT;

	if (!vm->test_aborted) {
		if (reason != NULL)
			k6c__buf_printf(&msg, "test aborted: %s", reason);
		else
			k6c__buf_puts(&msg, "test aborted");
		k6c__free(vm->abort_message);
		vm->abort_message = k6c__buf_detach(&msg);   /* NULL on out-of-memory */
		/* Where it was called, for the log: an error object's stack. */
		duk_push_error_object(ctx, DUK_ERR_ERROR, "%s", vm->abort_message != NULL ?
			vm->abort_message : "test aborted");
		k6c__vm_format_error(ctx, -1, &msg);
		duk_pop(ctx);
		k6c__free(vm->abort_log);
		vm->abort_log = msg.ptr == NULL ? NULL :
			k6c__strdup(strncmp(msg.ptr, "Error: ", 7) == 0 ? msg.ptr + 7 : msg.ptr);
		k6c__buf_free(&msg);
		vm->test_aborted = true;
		if (vm->vu != NULL)
			k6c__vu_abort_test(vm->vu, reason);
		/* k6's abort cannot be caught. Duktape's execution timeout can't
		 * either: once the interrupt hook reports it (vm_interrupt sees
		 * test_aborted), every further instruction throws until the
		 * stack has unwound. The hook runs only every few hundred
		 * thousand instructions, so spin here until it does: then no
		 * catch or finally block of the script runs at all. */
		(void)duk_peval_string_noresult(ctx, "for (;;) {}");
	}
	(void)duk_error(ctx, DUK_ERR_ERROR, "%s", vm->abort_message != NULL ? vm->abort_message :
		"test aborted");
	__builtin_unreachable();
}

void k6c__vm_throw_aborted(duk_context *ctx, k6c__vm *vm)
{
	vm->aborted = true;
	(void)duk_error(ctx, DUK_ERR_ERROR, "iteration interrupted: test is stopping");
	__builtin_unreachable();
}

void k6c__vm_ptrs_reserve(duk_context *ctx, k6c__vm *vm, size_t n)
{
	const char **p;
	size_t cap;

	if (n <= vm->ptrs_cap)
		return;
	cap = vm->ptrs_cap ? vm->ptrs_cap : 16;
	while (cap < n)
		cap *= 2;
	p = k6c__realloc(vm->ptrs, cap * sizeof(*p));
	if (p == NULL)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	vm->ptrs = p;
	vm->ptrs_cap = cap;
}

void k6c__vm_put(duk_context *ctx, k6c__buf *b, const void *data, size_t n)
{
	if (k6c__buf_put(b, data, n) != 0)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
}

void k6c__vm_put_functions(duk_context *ctx, duk_idx_t obj, const k6c__vm_fn *fns)
{
	obj = duk_require_normalize_index(ctx, obj);
	for (; fns->name != NULL; fns++) {
		duk_push_c_lightfunc(ctx, fns->fn, fns->nargs,
			fns->nargs == DUK_VARARGS ? 0 : fns->nargs, fns->magic);
		duk_put_prop_string(ctx, obj, fns->name);
	}
}

/* ---- Tags and samples ----------------------------------------------------- */

void k6c__vm_tags_reset(k6c__vm *vm, size_t *n)
{
	K6C__UNUSED(vm);
	*n = 0;
}

void k6c__vm_tags_reserve(duk_context *ctx, k6c__vm *vm, size_t n)
{
	k6c__tag *t;

	if (n <= vm->tags_cap)
		return;
	t = k6c__realloc(vm->tags, n * sizeof(*t));
	if (t == NULL) {
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		return;
	}
	vm->tags = t;
	vm->tags_cap = n;
}

void k6c__vm_tag_set(duk_context *ctx, k6c__vm *vm, size_t *n, const char *key, const char *value)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(vm->tags[i].key, key) == 0) {
			vm->tags[i].value = value;
			return;
		}
	}
	if (*n == vm->tags_cap) {
		size_t cap = vm->tags_cap ? vm->tags_cap * 2 : 16;
		k6c__tag *t = k6c__realloc(vm->tags, cap * sizeof(*t));

		if (t == NULL) {
			if (ctx != NULL)
				(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
			return;
		}
		vm->tags = t;
		vm->tags_cap = cap;
	}
	vm->tags[*n].key = key;
	vm->tags[*n].value = value;
	(*n)++;
}

void k6c__vm_tag_del(k6c__vm *vm, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(vm->tags[i].key, key) == 0) {
			vm->tags[i] = vm->tags[*n - 1];
			(*n)--;
			return;
		}
	}
}

/* Calls put for each layer of a VU's tags, in k6's order, later entries
 * winning: the run's tags, the scenario's, the scenario name, then what the
 * script set on the VU (a NULL value removes the key). The group is not a
 * layer: the caller adds it. Shared by the engine's samples and the
 * scheduler's iterations samples (op_sample_tags). */
static void tag_layers(const k6c__vm *vm, k6c__vu *vu,
	void (*put)(void *arg, const char *key, const char *value), void *arg)
{
	const k6c__program *p = vm->prog;
	const k6c__scenario *sc = vm->scenario;

	for (size_t i = 0; i < p->ntags; i++)
		put(arg, p->tags[2 * i], p->tags[2 * i + 1]);
	if (sc != NULL) {
		for (size_t i = 0; i < sc->ntags; i++)
			if (sc->tags[2 * i] != NULL && sc->tags[2 * i + 1] != NULL)
				put(arg, sc->tags[2 * i], sc->tags[2 * i + 1]);
	}
	if (vu != NULL) {
		const char *name = k6c__vu_scenario(vu);

		if (name != NULL && name[0] != '\0')
			put(arg, "scenario", name);
	}
	for (size_t i = 0; i < vm->nuser_tags; i++)
		put(arg, vm->user_tags[i].key, vm->user_tags[i].value);
}

typedef struct heap_tags {
	duk_context *ctx;
	k6c__vm *vm;
	size_t *n;
} heap_tags;

static void put_heap_tag(void *arg, const char *key, const char *value)
{
	heap_tags *h = arg;

	if (value != NULL)
		k6c__vm_tag_set(h->ctx, h->vm, h->n, key, value);
	else
		k6c__vm_tag_del(h->vm, h->n, key);
}

void k6c__vm_tags_base(duk_context *ctx, k6c__vm *vm, size_t *n)
{
	heap_tags h = { ctx, vm, n };

	tag_layers(vm, vm->vu, put_heap_tag, &h);
	/* The group is the code's position, which group() alone decides. */
	k6c__vm_tag_set(ctx, vm, n, "group", vm->group.ptr != NULL ? vm->group.ptr : "");
}

int k6c__vm_kv_set(k6c__vm_kv **arr, size_t *n, size_t *cap, const char *key, const char *value)
{
	char *v = NULL;

	if (value != NULL && (v = k6c__strdup(value)) == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*arr)[i].key, key) == 0) {
			k6c__free((*arr)[i].value);
			(*arr)[i].value = v;
			return 0;
		}
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4;
		k6c__vm_kv *a = k6c__realloc(*arr, c * sizeof(*a));

		if (a == NULL) {
			k6c__free(v);
			return k6c__error(K6C_ENOMEM, "out of memory");
		}
		*arr = a;
		*cap = c;
	}
	(*arr)[*n].key = k6c__strdup(key);
	if ((*arr)[*n].key == NULL) {
		k6c__free(v);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	(*arr)[*n].value = v;
	(*n)++;
	return 0;
}

static void kv_clear(k6c__vm_kv *arr, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		k6c__free(arr[i].key);
		k6c__free(arr[i].value);
	}
	*n = 0;
}

int k6c__vm_to_utf8(const char *s, size_t len, k6c__buf *out)
{
	static const char fffd[3] = { (char)0xEF, (char)0xBF, (char)0xBD };
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0, i = 0;

	while (i + 3 <= len) {
		const char *enc = NULL;
		size_t in = 3, nenc = 3;
		char pair[4];

		if (u[i] != 0xED || (u[i + 1] & 0xE0) != 0xA0) {
			i++;
			continue;
		}
		/* ED A0..AF xx ED B0..BF xx: a high and a low surrogate, one
		 * character outside the BMP. A surrogate on its own becomes
		 * U+FFFD, as Go's conversion of a JavaScript string does. */
		if ((u[i + 1] & 0xF0) == 0xA0 && i + 6 <= len && u[i + 3] == 0xED &&
			(u[i + 4] & 0xF0) == 0xB0) {
			uint32_t hi = ((uint32_t)(u[i + 1] & 0x0F) << 6) | (u[i + 2] & 0x3F);
			uint32_t lo = ((uint32_t)(u[i + 4] & 0x0F) << 6) | (u[i + 5] & 0x3F);
			uint32_t cp = 0x10000 + (hi << 10) + lo;

			pair[0] = (char)(0xF0 | (cp >> 18));
			pair[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
			pair[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
			pair[3] = (char)(0x80 | (cp & 0x3F));
			enc = pair;
			in = 6;
			nenc = 4;
		} else {
			enc = fffd;
		}
		if (k6c__buf_put(out, s + start, i - start) != 0 || k6c__buf_put(out, enc, nenc) != 0)
			return k6c__error(K6C_ENOMEM, "out of memory");
		i += in;
		start = i;
	}
	if (k6c__buf_put(out, s + start, len - start) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory");
	return 0;
}

/* The length of the valid UTF-8 sequence at p[0..n), 0 if there is none
 * (Go's rules: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

void k6c__vm_push_text(duk_context *ctx, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, first, out_len;
	unsigned char *d;

	while (i < len && u[i] < 0x80)
		i++;
	/* Count what the text becomes; most texts need no change at all. */
	first = i;
	out_len = i;
	while (i < len) {
		size_t n = utf8_seq(u + i, len - i);

		if (n == 0) {
			out_len += 3;       /* U+FFFD */
			i++;
		} else {
			out_len += n == 4 ? 6 : n;
			i += n;
		}
	}
	/* Every change makes the text longer (an invalid byte becomes 3, a
	 * 4-byte character 6), so the same length means no change. */
	if (out_len == len) {
		duk_push_lstring(ctx, s != NULL ? s : "", len);
		return;
	}
	d = duk_push_buffer_raw(ctx, out_len, DUK_BUF_FLAG_NOZERO);
	memcpy(d, s, first);
	d += first;
	for (i = first; i < len; ) {
		size_t n = utf8_seq(u + i, len - i);

		if (n == 0) {
			*d++ = 0xEF;
			*d++ = 0xBF;
			*d++ = 0xBD;
			i++;
		} else if (n == 4) {
			/* Two 3-byte surrogates, Duktape's form of a character
			 * outside the BMP (so .length and charCodeAt see UTF-16). */
			uint32_t cp = ((uint32_t)(u[i] & 0x07) << 18) | ((uint32_t)(u[i + 1] & 0x3F) << 12) |
				((uint32_t)(u[i + 2] & 0x3F) << 6) | (u[i + 3] & 0x3F);
			uint32_t hs = 0xD800 + ((cp - 0x10000) >> 10), ls = 0xDC00 + (cp & 0x3FF);

			*d++ = (unsigned char)(0xE0 | (hs >> 12));
			*d++ = (unsigned char)(0x80 | ((hs >> 6) & 0x3F));
			*d++ = (unsigned char)(0x80 | (hs & 0x3F));
			*d++ = (unsigned char)(0xE0 | (ls >> 12));
			*d++ = (unsigned char)(0x80 | ((ls >> 6) & 0x3F));
			*d++ = (unsigned char)(0x80 | (ls & 0x3F));
			i += 4;
		} else {
			memcpy(d, u + i, n);
			d += n;
			i += n;
		}
	}
	duk_buffer_to_string(ctx, -1);
}

void k6c__vm_tags_from_object(duk_context *ctx, k6c__vm *vm, size_t *n, duk_idx_t obj)
{
	obj = duk_require_normalize_index(ctx, obj);
	if (!duk_is_object(ctx, obj))
		return;
	duk_enum(ctx, obj, DUK_ENUM_OWN_PROPERTIES_ONLY);
	for (;;) {
		duk_require_stack(ctx, 4);
		if (!duk_next(ctx, -1, 1))
			break;
		/* As k6: strings, numbers and booleans, kept as strings. */
		if (!duk_is_string(ctx, -1) && !duk_is_number(ctx, -1) && !duk_is_boolean(ctx, -1))
			(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid value for metric tag '%s': only "
				"String, Boolean and Number types are accepted as a metric tag values",
				duk_get_string(ctx, -2));
		/* [ ... enum key value ]: both stay on the stack, under the enum,
		 * so the borrowed strings live until the native call returns. */
		duk_to_string(ctx, -1);
		duk_insert(ctx, -3);
		duk_insert(ctx, -3);
		k6c__vm_tag_set(ctx, vm, n, duk_get_string(ctx, -3), duk_get_string(ctx, -2));
	}
	duk_pop(ctx);
}

/* Fills out (at most cap entries) with a VU's metadata: vu and iter when
 * systemTags enables them (k6 sends them as metadata, not tags: they would
 * make every sample a tag set of its own), then exec.vu.metrics.metadata,
 * whose keys replace vu or iter of the same name. The strings are borrowed
 * from vm until its next sample. */
static size_t metadata_layers(k6c__vm *vm, k6c__vu *vu, k6c__tag *out, size_t cap)
{
	size_t n = 0, nsys;

	if (vu == NULL)
		return 0;
	if ((vm->system_tags & K6C__TAG_VU) && n < cap)
		out[n++] = (k6c__tag){ "vu", vm->md_vu };
	if ((vm->system_tags & K6C__TAG_ITER) && n < cap) {
		snprintf(vm->md_iter, sizeof(vm->md_iter), "%llu",
			(unsigned long long)k6c__vu_iteration(vu));
		out[n++] = (k6c__tag){ "iter", vm->md_iter };
	}
	nsys = n;
	for (size_t i = 0; i < vm->nmetadata; i++) {
		const k6c__vm_kv *kv = &vm->metadata[i];
		size_t j = 0;

		if (kv->value == NULL)
			continue;
		while (j < nsys && strcmp(out[j].key, kv->key) != 0)
			j++;
		if (j < nsys)
			out[j].value = kv->value;
		else if (n < cap)
			out[n++] = (k6c__tag){ kv->key, kv->value };
	}
	return n;
}

void k6c__vm_emit(k6c__vm *vm, int64_t time_us, size_t ntags, const int *metrics,
	const double *values, size_t n)
{
	k6c__vm_emit_tags(vm, time_us, vm->tags, ntags, metrics, values, n);
}

void k6c__vm_emit_tags(k6c__vm *vm, int64_t time_us, const k6c__tag *tags, size_t ntags,
	const int *metrics, const double *values, size_t n)
{
	size_t nmd = 0;

	if (vm->vu == NULL || vm->discard_samples || vm->test_aborted)
		return;
	if (vm->want_metadata) {
		/* Grown only when the script adds metadata keys; without the
		 * memory the samples go out with what fits. */
		size_t need = 2 + vm->nmetadata;
		if (need > vm->md_cap) {
			k6c__tag *md = k6c__realloc(vm->md, need * sizeof(*md));
			if (md != NULL) {
				vm->md = md;
				vm->md_cap = need;
			}
		}
		nmd = metadata_layers(vm, vm->vu, vm->md, vm->md_cap);
	}
	k6c__samples_add_md(k6c__vu_samples(vm->vu), time_us, tags, ntags, vm->md, nmd, metrics,
		values, n);
}

/* data_sent/data_received for the bytes of the iteration (or setup or
 * teardown), at its end, as k6 does. */
static void emit_data(k6c__vm *vm)
{
	static const int ids[2] = { K6C__M_DATA_SENT, K6C__M_DATA_RECEIVED };
	double values[2] = { (double)vm->bytes_sent, (double)vm->bytes_received };
	size_t n;

	k6c__vm_tags_reset(vm, &n);
	k6c__vm_tags_base(NULL, vm, &n);
	k6c__vm_emit(vm, k6c__wall_us(), n, ids, values, 2);
	vm->bytes_sent = 0;
	vm->bytes_received = 0;
}

static void set_group_root(k6c__vm *vm, const char *root)
{
	k6c__buf_clear(&vm->group);
	k6c__buf_puts(&vm->group, root);
}

/* ---- Modules ---------------------------------------------------------------- */

static void push_bytecode_function(duk_context *ctx, const void *bc, size_t len)
{
	duk_push_external_buffer(ctx);
	duk_config_buffer(ctx, -1, (void *)bc, len);
	duk_load_function(ctx);
}

static void push_native_module(duk_context *ctx, k6c__vm *vm, int ni)
{
	duk_push_heapptr(ctx, vm->native_cache);
	if (duk_get_prop_index(ctx, -1, (duk_uarridx_t)ni)) {
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	if (ni >= k6c__native_count())
		k6c__xmod_push(ctx, vm, (size_t)(ni - k6c__native_count()));
	else
		k6c__native_modules[ni].push(ctx);
	duk_push_true(ctx);
	duk_put_prop_string(ctx, -2, "__esModule");
	if (!duk_has_prop_string(ctx, -1, "default")) {
		duk_dup(ctx, -1);
		duk_put_prop_string(ctx, -2, "default");
	}
	duk_dup(ctx, -1);
	duk_put_prop_index(ctx, -3, (duk_uarridx_t)ni);
	duk_remove(ctx, -2);
}

static duk_ret_t js_require(duk_context *ctx);

/* [ ... ] -> [ ... exports ] of file module index, running it on first use.
 * A module already being loaded (an import cycle) gives its exports so far,
 * as CommonJS does. */
static void push_module_exports(duk_context *ctx, k6c__vm *vm, int index)
{
	const k6c__module *m = &vm->prog->mods[index];
	int prev;
	duk_int_t rc;

	duk_require_stack(ctx, 10);
	duk_push_heapptr(ctx, vm->mod_cache);
	if (duk_get_prop_index(ctx, -1, (duk_uarridx_t)index)) {
		duk_get_prop_string(ctx, -1, "exports");
		duk_remove(ctx, -2);
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	duk_push_object(ctx);                                   /* [ cache module ] */
	duk_push_object(ctx);
	duk_put_prop_string(ctx, -2, "exports");
	duk_push_string(ctx, m->path);
	duk_put_prop_string(ctx, -2, "id");
	duk_dup(ctx, -1);
	duk_put_prop_index(ctx, -3, (duk_uarridx_t)index);

	push_bytecode_function(ctx, m->bytecode, m->bytecode_len);   /* fn */
	duk_get_prop_string(ctx, -2, "exports");                /* exports */
	duk_push_c_function(ctx, js_require, 1);                /* require */
	duk_set_magic(ctx, -1, index);
	duk_dup(ctx, -4);                                       /* module */
	duk_push_string(ctx, m->path);                          /* __filename */
	duk_push_lstring(ctx, m->dir, strlen(m->dir) > 1 ? strlen(m->dir) - 1 : 1);
	prev = vm->loading;
	vm->loading = index;
	rc = duk_pcall(ctx, 5);
	vm->loading = prev;
	if (rc != 0) {
		/* A module that failed to load is not cached, as in CommonJS. */
		duk_push_heapptr(ctx, vm->mod_cache);
		duk_del_prop_index(ctx, -1, (duk_uarridx_t)index);
		duk_pop(ctx);
		(void)duk_throw(ctx);
	}
	duk_pop(ctx);
	duk_get_prop_string(ctx, -1, "exports");                /* [ cache module exports ] */
	duk_remove(ctx, -2);
	duk_remove(ctx, -2);
}

/* require(spec) of module `magic`: the edges were resolved at load; a
 * specifier computed at run time may still name a module that was loaded. */
static duk_ret_t js_require(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const k6c__program *p = vm->prog;
	int from = duk_get_current_magic(ctx);
	const char *spec = duk_require_string(ctx, 0);
	const k6c__module *m = &p->mods[from];
	int target = INT32_MIN;
	char *abs = NULL;

	for (size_t i = 0; i < m->ndeps; i++) {
		if (strcmp(m->deps[i].spec, spec) == 0) {
			target = m->deps[i].target;
			break;
		}
	}
	if (target == INT32_MIN) {
		int ni = k6c__engine_native_index(spec);

		if (ni < 0)
			ni = k6c__program_xmod_index(p, spec);
		if (ni >= 0) {
			target = -(ni + 1);
		} else if (strncmp(spec, "k6", 2) != 0 &&
			k6c__engine_path_absolute(&abs, m->dir, spec) == 0) {
			for (size_t i = 0; i < p->nmods; i++) {
				if (strcmp(p->mods[i].path, abs) == 0) {
					target = (int)i;
					break;
				}
			}
			k6c__free(abs);
		}
	}
	if (target == INT32_MIN) {
		if (strncmp(spec, "k6", 2) == 0 && (spec[2] == '\0' || spec[2] == '/'))
			return duk_error(ctx, DUK_ERR_ERROR, "unknown module: %s", spec);
		return duk_error(ctx, DUK_ERR_ERROR, "cannot require \"%s\": only modules found "
			"when the script was loaded can be required", spec);
	}
	if (target < 0)
		push_native_module(ctx, vm, -(target + 1));
	else
		push_module_exports(ctx, vm, target);
	return 1;
}

/* ---- Globals ------------------------------------------------------------- */

/* open(path[, "b"]): init context only; relative paths resolve against the
 * directory of the module being loaded, as k6 does. */
static duk_ret_t js_open(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *path = duk_require_string(ctx, 0);
	const char *mode = duk_is_undefined(ctx, 1) ? "" : duk_require_string(ctx, 1);
	const k6c__module *m;
	const k6c__buf *data;
	char *abs;
	int rc;

	if (!vm->in_init)
		return duk_error(ctx, DUK_ERR_ERROR, "The \"open()\" function is only available in "
			"the init stage (i.e. the global scope), see "
			"https://grafana.com/docs/k6/latest/using-k6/test-lifecycle for more information");
	if (path[0] == '\0')
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "open() can't be used with an empty filename");
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	m = &vm->prog->mods[vm->loading >= 0 ? vm->loading : 0];
	if (k6c__engine_path_absolute(&abs, m->dir, path) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	duk_push_string(ctx, abs);
	k6c__free(abs);
	rc = k6c__program_file(vm->prog, duk_get_string(ctx, -1), &data);
	if (rc != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "open %s: %s", duk_get_string(ctx, -1),
			rc == K6C_EIO ? "no such file or directory, or not readable" : "out of memory");
	if (strcmp(mode, "b") == 0) {
		void *buf = duk_push_fixed_buffer(ctx, data->len);

		if (data->len > 0)
			memcpy(buf, data->ptr, data->len);
		duk_push_buffer_object(ctx, -1, 0, data->len, DUK_BUFOBJ_ARRAYBUFFER);
	} else {
		k6c__vm_push_text(ctx, data->ptr, data->len);   /* as k6: UTF-8, U+FFFD for bad bytes */
	}
	return 1;
}

static void put_globals(duk_context *ctx, k6c__vm *vm)
{
	const k6c__program *p = vm->prog;

	duk_push_global_object(ctx);
	duk_push_object(ctx);
	for (size_t i = 0; i < p->nenv; i++) {
		duk_push_string(ctx, p->env[2 * i + 1]);
		duk_put_prop_string(ctx, -2, p->env[2 * i]);
	}
	duk_put_prop_string(ctx, -2, "__ENV");
	duk_push_int(ctx, vm->vu_id);
	duk_put_prop_string(ctx, -2, "__VU");
	duk_push_int(ctx, 0);
	duk_put_prop_string(ctx, -2, "__ITER");
	duk_push_c_function(ctx, js_open, 2);
	duk_put_prop_string(ctx, -2, "open");
	duk_push_c_function(ctx, js_require, 1);
	duk_set_magic(ctx, -1, 0);
	duk_put_prop_string(ctx, -2, "require");
	if (!duk_has_prop_string(ctx, -1, "global")) {
		duk_dup(ctx, -1);
		duk_put_prop_string(ctx, -2, "global");
	}
	duk_pop(ctx);
	k6c__console_register(ctx);
	k6c__timers_register(ctx);
}

/* ---- Promises --------------------------------------------------------------- */

void k6c__vm_drain_jobs(duk_context *ctx, k6c__vm *vm)
{
	if (vm->drain == NULL)
		return;
	for (;;) {
		duk_int_t ran;

		duk_push_heapptr(ctx, vm->drain);
		duk_call(ctx, 0);
		ran = duk_to_int(ctx, -1);
		duk_pop(ctx);
		if (ran <= 0)
			break;
	}
}

static duk_ret_t on_settled(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	if (vm->promise_state == 0) {
		vm->promise_state = duk_get_current_magic(ctx);
		duk_push_heap_stash(ctx);
		duk_dup(ctx, 0);
		duk_put_prop_string(ctx, -2, "settled");
	}
	return 0;
}

/* [ ... result ] -> [ ... value ]: runs the VU's event loop until it is
 * empty (promise jobs, timers, asynchronous requests, as k6 ends an
 * iteration) and, when result is a thenable, takes its outcome; a
 * rejection is thrown. */
static void await_result(duk_context *ctx, k6c__vm *vm)
{
	bool thenable = false;

	if (duk_is_object(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "then");
		if (duk_is_callable(ctx, -1)) {
			vm->promise_state = 0;
			duk_dup(ctx, -2);
			duk_push_c_function(ctx, on_settled, 1);
			duk_set_magic(ctx, -1, 1);
			duk_push_c_function(ctx, on_settled, 1);
			duk_set_magic(ctx, -1, 2);
			duk_call_method(ctx, 2);
			thenable = true;
		}
		duk_pop(ctx);
	}
	k6c__vm_loop_run(ctx, vm);
	if (!thenable)
		return;
	duk_pop(ctx);
	if (vm->promise_state == 0) {
		/* The loop is empty: nothing left can settle it. */
		k6c__vm_log(vm, K6C_LOG_DEBUG, "the promise returned by the function never settled");
		duk_push_undefined(ctx);
		return;
	}
	duk_push_heap_stash(ctx);
	duk_get_prop_string(ctx, -1, "settled");
	duk_remove(ctx, -2);
	if (vm->promise_state == 2)
		(void)duk_throw(ctx);
}

/* ---- Creating a VU heap ------------------------------------------------------ */

static duk_ret_t init_safe(duk_context *ctx, void *udata)
{
	k6c__vm *vm = udata;
	const k6c__program *p = vm->prog;

	duk_push_heap_stash(ctx);
	duk_push_array(ctx);
	vm->mod_cache = duk_get_heapptr(ctx, -1);
	duk_put_prop_string(ctx, -2, "mods");
	duk_push_array(ctx);
	vm->native_cache = duk_get_heapptr(ctx, -1);
	duk_put_prop_string(ctx, -2, "natives");
	/* Pushed with duk_push_heapptr on every iteration: no string table
	 * lookup (each VU's heap is cold in the cache by its next turn). */
	duk_push_array(ctx);
	duk_push_string(ctx, "default");
	vm->key_default = duk_get_heapptr(ctx, -1);
	duk_put_prop_index(ctx, -2, 0);
	duk_push_string(ctx, "__ITER");
	vm->key_iter = duk_get_heapptr(ctx, -1);
	duk_put_prop_index(ctx, -2, 1);
	duk_push_string(ctx, "data");
	vm->key_data = duk_get_heapptr(ctx, -1);
	duk_put_prop_index(ctx, -2, 2);
	duk_put_prop_string(ctx, -2, "keys");

	if (p->prelude_bc != NULL) {
		push_bytecode_function(ctx, p->prelude_bc, p->prelude_len);
		duk_call(ctx, 0);
		duk_pop(ctx);
		if (duk_get_global_string(ctx, "__k6c_drain_jobs") && duk_is_function(ctx, -1)) {
			vm->drain = duk_get_heapptr(ctx, -1);
			duk_put_prop_string(ctx, -2, "drain");
		} else {
			duk_pop(ctx);
		}
	}
	put_globals(ctx, vm);

	push_module_exports(ctx, vm, 0);
	if (!duk_is_object(ctx, -1)) {
		duk_pop(ctx);
		duk_push_object(ctx);
	}
	vm->exports = duk_get_heapptr(ctx, -1);
	duk_put_prop_string(ctx, -2, "exports");
	/* Timers and promises of the init code run to the end, as k6's. */
	k6c__vm_loop_run(ctx, vm);
	duk_pop(ctx);
	return 0;
}

int k6c__vm_new(k6c__vm **out, k6c__program *p, k6c__vu *vu)
{
	k6c__vm *vm;
	int rc = 0;

	*out = NULL;
	pthread_once(&hooks_once, hooks_init);
	vm = k6c__calloc(1, sizeof(*vm));
	if (vm == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	vm->udata.interrupt = vm_interrupt;
	vm->udata.arg = vm;
	vm->prog = p;
	vm->vu = vu;
	vm->vu_id = vu != NULL ? k6c__vu_id(vu) : 0;
	vm->system_tags = K6C__SYSTEM_TAGS_DEFAULT;
	if (vu != NULL) {
		k6c__metrics *m = k6c__vu_metrics(vu);

		vm->system_tags = k6c__metrics_system_tags(m);
		vm->want_metadata = k6c__metrics_wants_metadata(m);
		snprintf(vm->md_vu, sizeof(vm->md_vu), "%d", vm->vu_id);
	}
	vm->in_init = true;
	vm->loading = -1;
	vm->tags = k6c__calloc(16, sizeof(*vm->tags));
	vm->tags_cap = 16;
	if (p->nxmods > 0)
		vm->xinst = k6c__calloc(p->nxmods, sizeof(*vm->xinst));
	if (vm->tags == NULL || k6c__buf_puts(&vm->group, "") != 0 ||
		(p->nxmods > 0 && vm->xinst == NULL)) {
		k6c__vm_free(vm);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	vm->ctx = duk_create_heap(k6c__engine_duk_alloc, k6c__engine_duk_realloc,
		k6c__engine_duk_free, &vm->udata, vm_fatal);
	if (vm->ctx == NULL) {
		k6c__vm_free(vm);
		return k6c__error(K6C_ENOMEM, "cannot create a JavaScript heap");
	}
	if (duk_safe_call(vm->ctx, init_safe, vm, 0, 1) != 0) {
		k6c__buf msg = K6C__BUF_INIT;

		if (vm->test_aborted) {
			/* exec.test.abort() in init: k6 ends the test with 108. */
			rc = k6c__error(K6C_EABORTED, "%s", vm->abort_log != NULL ? vm->abort_log :
				"test aborted");
		} else if (vu != NULL && k6c__vu_should_stop(vu)) {
			rc = k6c__error(K6C_EABORTED, "VU initialisation interrupted: test is stopping");
		} else {
			k6c__vm_format_error(vm->ctx, -1, &msg);
			rc = k6c__error(K6C_ESCRIPT, "%s", msg.ptr != NULL ? msg.ptr : "error in init");
		}
		k6c__buf_free(&msg);
		k6c__vm_free(vm);
		return rc;
	}
	duk_pop(vm->ctx);
	k6c__vm_loop_end(vm, false);
	vm->in_init = false;
	/* Init garbage (the module wrappers' temporaries, parsed files) goes
	 * now, so the VU's resident size stays small. Twice: finalizers. */
	duk_gc(vm->ctx, 0);
	duk_gc(vm->ctx, 0);
	*out = vm;
	return 0;
}

void k6c__vm_free(k6c__vm *vm)
{
	if (vm == NULL)
		return;
	k6c__vm_loop_end(vm, false);
	/* The modules' per-VU state goes while the heap still exists, as
	 * k6c/module.h promises. */
	k6c__xmod_vu_free(vm);
	if (vm->ctx != NULL)
		duk_destroy_heap(vm->ctx);
	k6c__free(vm->xinst);
	k6c__buf_free(&vm->group);
	k6c__buf_free(&vm->scratch);
	k6c__buf_free(&vm->scratch2);
	k6c__free(vm->tags);
	k6c__free(vm->ptrs);
	k6c__http_resp_free(&vm->resp);
	kv_clear(vm->user_tags, &vm->nuser_tags);
	k6c__free(vm->user_tags);
	kv_clear(vm->metadata, &vm->nmetadata);
	k6c__free(vm->metadata);
	k6c__free(vm->md);
	k6c__free(vm->abort_message);
	k6c__free(vm->abort_log);
	k6c__free(vm);
}

/* ---- VU operations ----------------------------------------------------------- */

static int op_init(void *ctx, k6c__vu *vu, void **out_state)
{
	k6c__vm *vm;
	int rc;

	*out_state = NULL;
	rc = k6c__vm_new(&vm, ctx, vu);
	if (rc == K6C_EABORTED) {
		/* exec.test.abort() already told the scheduler; a hard stop
		 * needs no message either. */
		const k6c_error *e = k6c_error_last();

		k6c__vu_log(vu, K6C_LOG_DEBUG, "%s", e != NULL ? e->message : "init aborted");
		return rc;
	}
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		k6c__vu_log(vu, K6C_LOG_ERROR, "%s", e != NULL ? e->message : "error in init");
		return rc == K6C_ENOMEM ? rc : K6C_ESCRIPT;
	}
	*out_state = vm;
	return 0;
}

/* Every operation starts with the VU's current state; an abort of an
 * earlier operation on this heap (setup's, say, before teardown) is over. */
static void op_begin(k6c__vm *vm, k6c__vu *vu, const char *group_root)
{
	vm->vu = vu;
	vm->aborted = false;
	vm->test_aborted = false;
	vm->discard_samples = false;
	set_group_root(vm, group_root);
	k6c__mod_http_vu_begin(vm);
}

/* [ ... ] -> [ ... fn ]: the entry module's export `name`. */
static void push_export(duk_context *ctx, k6c__vm *vm, const char *name)
{
	duk_push_heapptr(ctx, vm->exports);
	if (strcmp(name, "default") == 0) {
		duk_push_heapptr(ctx, vm->key_default);
		duk_get_prop(ctx, -2);
	} else {
		duk_get_prop_string(ctx, -1, name);
	}
	duk_remove(ctx, -2);
	if (!duk_is_callable(ctx, -1))
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "function '%s' not found in exports", name);
}

/* [ ... ] -> [ ... data ]: this VU's copy of setup()'s result. */
static void push_setup_data(duk_context *ctx, k6c__vm *vm, bool fresh)
{
	bool have = false;

	if (vm->data_ready && !fresh) {
		if (vm->data != NULL) {
			duk_push_heapptr(ctx, vm->data);
			return;
		}
		if (vm->data_undefined) {
			duk_push_undefined(ctx);
			return;
		}
		duk_push_heap_stash(ctx);
		duk_push_heapptr(ctx, vm->key_data);
		duk_get_prop(ctx, -2);
		duk_remove(ctx, -2);
		return;
	}
	pthread_mutex_lock(&vm->prog->lock);
	if (vm->prog->setup_json != NULL) {
		/* Copied onto the value stack under the lock: the string is
		 * written once by the setup VU before any iteration starts. */
		duk_push_string(ctx, vm->prog->setup_json);
		have = true;
	}
	pthread_mutex_unlock(&vm->prog->lock);
	if (have)
		duk_json_decode(ctx, -1);
	else
		duk_push_undefined(ctx);
	if (!fresh) {
		duk_push_heap_stash(ctx);
		duk_push_heapptr(ctx, vm->key_data);
		duk_dup(ctx, -3);
		duk_put_prop(ctx, -3);
		duk_pop(ctx);
		vm->data_ready = true;
		/* The stash keeps it alive; NULL for a number, boolean, null or undefined. */
		vm->data = duk_get_heapptr(ctx, -1);
		vm->data_undefined = duk_is_undefined(ctx, -1);
	}
}

/* The VU starts iterations of another scenario (or its first): as k6
 * activates a VU for a scenario, __ENV becomes the test's env with the
 * scenario's env over it, and the tags and metadata the script set on the
 * VU are dropped. Only done on a change, so the per-iteration path stays a
 * pointer comparison; __ENV is rebuilt only when one of the two scenarios
 * has env entries (so changes init code made to __ENV otherwise stay). */
static void enter_scenario(duk_context *ctx, k6c__vm *vm, const k6c__scenario *sc)
{
	const k6c__scenario *old = vm->scenario;
	const k6c__program *p = vm->prog;

	vm->scenario = sc;
	kv_clear(vm->user_tags, &vm->nuser_tags);
	kv_clear(vm->metadata, &vm->nmetadata);
	if ((old == NULL || old->nenv == 0) && (sc == NULL || sc->nenv == 0))
		return;
	duk_push_global_object(ctx);
	duk_push_object(ctx);
	for (size_t i = 0; i < p->nenv; i++) {
		duk_push_string(ctx, p->env[2 * i + 1]);
		duk_put_prop_string(ctx, -2, p->env[2 * i]);
	}
	for (size_t i = 0; sc != NULL && i < sc->nenv; i++) {
		if (sc->env[2 * i] == NULL)
			continue;
		duk_push_string(ctx, sc->env[2 * i + 1] != NULL ? sc->env[2 * i + 1] : "");
		duk_put_prop_string(ctx, -2, sc->env[2 * i]);
	}
	duk_put_prop_string(ctx, -2, "__ENV");
	duk_pop(ctx);
}

static duk_ret_t iterate_safe(duk_context *ctx, void *udata)
{
	k6c__vm *vm = udata;
	const char *exec = k6c__vu_exec(vm->vu);
	const k6c__scenario *sc = k6c__vu_scenario_def(vm->vu);

	if (sc != vm->scenario)
		enter_scenario(ctx, vm, sc);
	duk_push_global_object(ctx);
	duk_push_heapptr(ctx, vm->key_iter);
	duk_push_number(ctx, (double)k6c__vu_iteration(vm->vu));
	duk_put_prop(ctx, -3);
	duk_pop(ctx);

	push_export(ctx, vm, exec != NULL && exec[0] != '\0' ? exec : "default");
	push_setup_data(ctx, vm, false);
	duk_call(ctx, 1);
	await_result(ctx, vm);
	return 1;
}

/* Logs the exception on the stack top, or notes an interruption. Returns
 * K6C_EABORTED when the run is being stopped or the script aborted the
 * test, else 1. */
static int report_exception(k6c__vm *vm, const char *what)
{
	k6c__buf msg = K6C__BUF_INIT;

	if (vm->test_aborted) {
		/* exec.test.abort(): the reason and where it was called, once
		 * (k6 prints it as the run's error); the scheduler has the
		 * reason for the result. */
		k6c__vm_log(vm, K6C_LOG_ERROR, "%s", vm->abort_log != NULL ? vm->abort_log :
			"test aborted");
		return K6C_EABORTED;
	}
	if (vm->aborted || (vm->vu != NULL && k6c__vu_should_stop(vm->vu))) {
		/* Interrupted by a hard stop: k6 does not count or log these as
		 * script errors; only a busy loop needs Duktape's interrupt. */
		k6c__vm_log(vm, vm->aborted ? K6C_LOG_DEBUG : K6C_LOG_WARN,
			"%s interrupted: test is stopping", what);
		return K6C_EABORTED;
	}
	k6c__vm_format_error(vm->ctx, -1, &msg);
	k6c__vm_log(vm, K6C_LOG_ERROR, "%s", msg.ptr);
	k6c__buf_free(&msg);
	return 1;
}

static int op_iterate(void *state, k6c__vu *vu)
{
	k6c__vm *vm = state;
	int rc = 0;

	op_begin(vm, vu, "");
	if (duk_safe_call(vm->ctx, iterate_safe, vm, 0, 1) != 0)
		rc = report_exception(vm, "iteration");
	else if (vm->aborted)
		rc = K6C_EABORTED;
	duk_pop(vm->ctx);
	k6c__vm_loop_end(vm, rc != 0);
	emit_data(vm);
	return rc;
}

static duk_ret_t setup_safe(duk_context *ctx, void *udata)
{
	k6c__vm *vm = udata;
	const char *json;
	char *copy = NULL;

	push_export(ctx, vm, "setup");
	duk_call(ctx, 0);
	await_result(ctx, vm);
	/* JSON round trip, as k6: functions are dropped, undefined stays so. */
	json = duk_is_undefined(ctx, -1) ? NULL : duk_json_encode(ctx, -1);
	if (json != NULL) {
		copy = k6c__strdup(json);
		if (copy == NULL)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	}
	pthread_mutex_lock(&vm->prog->lock);
	k6c__free(vm->prog->setup_json);
	vm->prog->setup_json = copy;
	vm->prog->setup_done = true;
	pthread_mutex_unlock(&vm->prog->lock);
	return 0;
}

static int op_setup(void *state, k6c__vu *vu)
{
	k6c__vm *vm = state;
	int rc = 0;

	op_begin(vm, vu, "");
	if (!k6c__program_has_function(vm->prog, "setup")) {
		pthread_mutex_lock(&vm->prog->lock);
		vm->prog->setup_done = true;
		pthread_mutex_unlock(&vm->prog->lock);
		return 0;
	}
	set_group_root(vm, "::setup");
	if (duk_safe_call(vm->ctx, setup_safe, vm, 0, 1) != 0)
		rc = report_exception(vm, "setup") == 1 ? K6C_ESCRIPT : K6C_EABORTED;
	duk_pop(vm->ctx);
	k6c__vm_loop_end(vm, rc != 0);
	emit_data(vm);
	set_group_root(vm, "");
	return rc;
}

static duk_ret_t teardown_safe(duk_context *ctx, void *udata)
{
	k6c__vm *vm = udata;

	push_export(ctx, vm, "teardown");
	push_setup_data(ctx, vm, true);
	duk_call(ctx, 1);
	await_result(ctx, vm);
	return 0;
}

static int op_teardown(void *state, k6c__vu *vu)
{
	k6c__vm *vm = state;
	int rc = 0;

	op_begin(vm, vu, "");
	if (!k6c__program_has_function(vm->prog, "teardown"))
		return 0;
	set_group_root(vm, "::teardown");
	if (duk_safe_call(vm->ctx, teardown_safe, vm, 0, 1) != 0)
		rc = report_exception(vm, "teardown") == 1 ? K6C_ESCRIPT : K6C_EABORTED;
	duk_pop(vm->ctx);
	k6c__vm_loop_end(vm, rc != 0);
	emit_data(vm);
	set_group_root(vm, "");
	return rc;
}

/* ---- handleSummary ----------------------------------------------------------- */

typedef struct summary_call {
	k6c__vm *vm;
	const char *data_json;
	k6c__summary_output *outs;   /* grown as keys are converted; freed by the caller on error */
	size_t n, cap;
} summary_call;

/* Appends an output; key and data[0..len) are copied. */
static int summary_add(summary_call *sc, const char *key, const char *data, size_t len,
	bool utf8)
{
	k6c__summary_output *o;
	k6c__buf b = K6C__BUF_INIT;

	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 4;
		k6c__summary_output *outs = k6c__realloc(sc->outs, cap * sizeof(*outs));

		if (outs == NULL)
			return K6C_ENOMEM;
		sc->outs = outs;
		sc->cap = cap;
	}
	if ((utf8 ? k6c__vm_to_utf8(data, len, &b) : k6c__buf_put(&b, data, len)) != 0 ||
		k6c__buf_put(&b, "", 0) != 0) {
		k6c__buf_free(&b);
		return K6C_ENOMEM;
	}
	o = &sc->outs[sc->n];
	o->key = k6c__strdup(key);
	if (o->key == NULL) {
		k6c__buf_free(&b);
		return K6C_ENOMEM;
	}
	o->len = b.len;
	o->data = k6c__buf_detach(&b);
	if (o->data == NULL) {
		o->data = k6c__strdup("");
		if (o->data == NULL) {
			k6c__free(o->key);
			return K6C_ENOMEM;
		}
	}
	sc->n++;
	return 0;
}

/* What k6 prints when handleSummary returns nothing: the default text
 * (coloured when the data says stdout is a terminal and colours are on),
 * framed by a blank line before and after, as k6's summary wrapper does. */
static void summary_default(duk_context *ctx, summary_call *sc)
{
	k6c__buf text = K6C__BUF_INIT;
	k6c__json *doc = NULL;
	const k6c__json *v;
	bool colors = false;
	int rc;

	if (k6c__json_parse(&doc, sc->data_json, strlen(sc->data_json)) == 0) {
		bool no_color = false, tty = false;

		v = k6c__json_get(k6c__json_get(doc, "options"), "noColor");
		if (v != NULL && v->type == K6C__JSON_BOOL)
			no_color = v->boolean;
		v = k6c__json_get(k6c__json_get(doc, "state"), "isStdOutTTY");
		if (v != NULL && v->type == K6C__JSON_BOOL)
			tty = v->boolean;
		colors = !no_color && tty;
	}
	k6c__json_free(doc);
	rc = k6c__buf_puts(&text, "\n");
	if (rc == 0)
		rc = k6c__summary_text_from_data(sc->data_json, strlen(sc->data_json), " ", colors, &text);
	if (rc == 0)
		rc = k6c__buf_puts(&text, "\n\n");
	if (rc == 0)
		rc = summary_add(sc, "stdout", text.ptr, text.len, false);
	k6c__buf_free(&text);
	if (rc == K6C_ENOMEM)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		(void)duk_error(ctx, DUK_ERR_ERROR, "cannot render the default summary: %s",
			e != NULL ? e->message : "invalid summary data");
	}
}

static const char *js_type_name(duk_context *ctx, duk_idx_t idx)
{
	if (duk_is_null(ctx, idx))
		return "null";
	if (duk_is_array(ctx, idx))
		return "an array";
	switch (duk_get_type(ctx, idx)) {
	case DUK_TYPE_UNDEFINED:
		return "undefined";
	case DUK_TYPE_BOOLEAN:
		return "a boolean";
	case DUK_TYPE_NUMBER:
		return "a number";
	case DUK_TYPE_STRING:
		return "a string";
	default:
		return duk_is_function(ctx, idx) ? "a function" : "an object";
	}
}

static duk_ret_t summary_safe(duk_context *ctx, void *udata)
{
	summary_call *sc = udata;
	k6c__vm *vm = sc->vm;

	push_export(ctx, vm, "handleSummary");
	duk_push_string(ctx, sc->data_json);
	duk_json_decode(ctx, -1);
	duk_call(ctx, 1);
	await_result(ctx, vm);
	/* k6 prints its default summary for any falsy result. */
	duk_dup_top(ctx);
	if (!duk_to_boolean(ctx, -1)) {
		summary_default(ctx, sc);
		return 0;
	}
	duk_pop(ctx);
	if (!duk_is_object(ctx, -1) || duk_is_array(ctx, -1) || duk_is_function(ctx, -1) ||
		duk_is_buffer_data(ctx, -1))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "handleSummary() should return a map with "
			"string keys, not %s", js_type_name(ctx, -1));
	duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 1)) {
		const char *key = duk_get_string(ctx, -2);
		const char *data;
		duk_size_t len;
		int rc;

		if (duk_is_string(ctx, -1)) {
			data = duk_get_lstring(ctx, -1, &len);
			rc = summary_add(sc, key, data, len, true);
		} else if (duk_is_buffer_data(ctx, -1)) {
			/* ArrayBuffer, a typed array or a DataView: its bytes. */
			data = duk_get_buffer_data(ctx, -1, &len);
			rc = summary_add(sc, key, data != NULL ? data : "", data != NULL ? len : 0, false);
		} else {
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "handleSummary() returned %s for "
				"\"%s\": a value must be a string or an ArrayBuffer", js_type_name(ctx, -1), key);
		}
		if (rc != 0)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		duk_pop_2(ctx);
	}
	return 0;
}

static int op_handle_summary(void *state, k6c__vu *vu, const char *data_json,
	k6c__summary_output **out, size_t *nout)
{
	k6c__vm *vm = state;
	summary_call sc;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (!k6c__program_has_function(vm->prog, "handleSummary"))
		return K6C_ENOTFOUND;
	op_begin(vm, vu, "");
	/* k6 drops what handleSummary measures: the summary is already made. */
	vm->discard_samples = true;
	memset(&sc, 0, sizeof(sc));
	sc.vm = vm;
	sc.data_json = data_json != NULL ? data_json : "{}";
	if (duk_safe_call(vm->ctx, summary_safe, &sc, 0, 1) != 0)
		rc = report_exception(vm, "handleSummary") == 1 ? K6C_ESCRIPT : K6C_EABORTED;
	duk_pop(vm->ctx);
	k6c__vm_loop_end(vm, rc != 0);
	vm->discard_samples = false;
	vm->bytes_sent = 0;
	vm->bytes_received = 0;
	if (rc != 0) {
		k6c__summary_outputs_free(sc.outs, sc.n);
		return rc;
	}
	if (sc.n == 0) {
		k6c__free(sc.outs);
		sc.outs = NULL;
	}
	*out = sc.outs;
	*nout = sc.n;
	return 0;
}

static void op_free(void *state)
{
	k6c__vm_free(state);
}

/* A fixed tag array being filled without allocation (op_sample_tags). */
typedef struct flat_tags {
	k6c__tag *out;
	size_t cap, n;
} flat_tags;

/* Puts key=value, replacing an existing key or removing it when value is
 * NULL; drops it when the array is full. */
static void put_flat_tag(void *arg, const char *key, const char *value)
{
	flat_tags *f = arg;

	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->out[i].key, key) == 0) {
			if (value != NULL)
				f->out[i].value = value;
			else
				f->out[i] = f->out[--f->n];
			return;
		}
	}
	if (value != NULL && f->n < f->cap)
		f->out[f->n++] = (k6c__tag){ key, value };
}

/* k6c__vu_ops.sample_tags: the same layers as k6c__vm_tags_base, without
 * the group and without touching the heap, for the scheduler's iterations
 * samples. */
static size_t op_sample_tags(void *state, k6c__vu *vu, k6c__tag *out, size_t cap)
{
	flat_tags f = { out, cap, 0 };

	tag_layers(state, vu, put_flat_tag, &f);
	/* The scheduler adds the root group itself. */
	put_flat_tag(&f, "group", NULL);
	return f.n;
}

/* k6c__vu_ops.sample_metadata: what k6c__vm_emit_tags adds, for the
 * scheduler's iterations samples. */
static size_t op_sample_metadata(void *state, k6c__vu *vu, k6c__tag *out, size_t cap)
{
	k6c__vm *vm = state;

	return vm->want_metadata ? metadata_layers(vm, vu, out, cap) : 0;
}

const k6c__vu_ops k6c__engine_vu_ops = {
	.init = op_init,
	.iterate = op_iterate,
	.setup = op_setup,
	.teardown = op_teardown,
	.handle_summary = op_handle_summary,
	.sample_tags = op_sample_tags,
	.free = op_free,
	.sample_metadata = op_sample_metadata,
};
