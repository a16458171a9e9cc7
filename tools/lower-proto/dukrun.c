/*
 * dukrun.c - PROTOTYPE measurement driver for the fast-lowering study
 * (doc/lowering-plan.md). Not part of the build and not production code.
 *
 * Runs JS files in one heap of libk6c's own configured Duktape (the
 * duktape.c that meson generates under <build>/include/k6c/duktape), with a
 * counting allocator, so the figures are the ones libk6c's lowering heap
 * would see. Globals given to the scripts:
 *   print(...)          one line on stdout
 *   __now()             monotonic milliseconds (double)
 *   __read(path)        file contents as a string
 *   __write(path, s)    writes a string
 *   __mem()             [live bytes, peak live bytes, allocations]
 *   __resetPeak()       peak := live
 *   __gc()              duk_gc twice
 *   __dump(fn)          bytecode of a compiled function (buffer)
 *   __load(buf)         function from bytecode
 *   __compile(src, nm)  compiles program text to a function (no run)
 *   __args              the arguments after "--"
 *
 * usage: dukrun file.js... [-- arg...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <time.h>

#include "duktape.h"

static size_t live, peak, nalloc;

static void *c_alloc(void *u, duk_size_t n)
{
	void *p = malloc(n);

	(void)u;
	if (p != NULL) {
		live += malloc_usable_size(p);
		nalloc++;
		if (live > peak)
			peak = live;
	}
	return p;
}

static void *c_realloc(void *u, void *p, duk_size_t n)
{
	size_t old = p != NULL ? malloc_usable_size(p) : 0;
	void *q;

	(void)u;
	if (n == 0) {
		free(p);
		live -= old;
		return NULL;
	}
	q = realloc(p, n);
	if (q != NULL) {
		live = live - old + malloc_usable_size(q);
		if (p == NULL)
			nalloc++;
		if (live > peak)
			peak = live;
	}
	return q;
}

static void c_free(void *u, void *p)
{
	(void)u;
	if (p != NULL) {
		live -= malloc_usable_size(p);
		free(p);
	}
}

static void fatal(void *u, const char *msg)
{
	(void)u;
	fprintf(stderr, "fatal: %s\n", msg);
	abort();
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return NULL;
	}
	b[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

static duk_ret_t f_print(duk_context *ctx)
{
	duk_idx_t i, n = duk_get_top(ctx);

	for (i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", duk_safe_to_string(ctx, i));
	printf("\n");
	fflush(stdout);
	return 0;
}

static duk_ret_t f_now(duk_context *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	duk_push_number(ctx, (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
	return 1;
}

static duk_ret_t f_read(duk_context *ctx)
{
	size_t n;
	char *b = slurp(duk_require_string(ctx, 0), &n);

	if (b == NULL)
		return duk_error(ctx, DUK_ERR_ERROR, "cannot read %s", duk_get_string(ctx, 0));
	duk_push_lstring(ctx, b, n);
	free(b);
	return 1;
}

static duk_ret_t f_write(duk_context *ctx)
{
	size_t n;
	const char *s = duk_require_lstring(ctx, 1, &n);
	FILE *f = fopen(duk_require_string(ctx, 0), "wb");

	if (f == NULL || fwrite(s, 1, n, f) != n)
		return duk_error(ctx, DUK_ERR_ERROR, "cannot write");
	fclose(f);
	return 0;
}

static duk_ret_t f_mem(duk_context *ctx)
{
	duk_push_array(ctx);
	duk_push_number(ctx, (double)live);
	duk_put_prop_index(ctx, -2, 0);
	duk_push_number(ctx, (double)peak);
	duk_put_prop_index(ctx, -2, 1);
	duk_push_number(ctx, (double)nalloc);
	duk_put_prop_index(ctx, -2, 2);
	return 1;
}

static duk_ret_t f_reset_peak(duk_context *ctx)
{
	(void)ctx;
	peak = live;
	return 0;
}

static duk_ret_t f_gc(duk_context *ctx)
{
	duk_gc(ctx, 0);
	duk_gc(ctx, 0);
	return 0;
}

static duk_ret_t f_dump(duk_context *ctx)
{
	duk_require_function(ctx, 0);
	duk_dup(ctx, 0);
	duk_dump_function(ctx);
	return 1;
}

static duk_ret_t f_load(duk_context *ctx)
{
	duk_dup(ctx, 0);
	duk_load_function(ctx);
	return 1;
}

static duk_ret_t f_compile(duk_context *ctx)
{
	duk_dup(ctx, 0);
	duk_dup(ctx, 1);
	duk_compile(ctx, 0);
	return 1;
}

static const duk_function_list_entry funcs[] = {
	{ "print", f_print, DUK_VARARGS },
	{ "__now", f_now, 0 },
	{ "__read", f_read, 1 },
	{ "__write", f_write, 2 },
	{ "__mem", f_mem, 0 },
	{ "__resetPeak", f_reset_peak, 0 },
	{ "__gc", f_gc, 0 },
	{ "__dump", f_dump, 1 },
	{ "__load", f_load, 1 },
	{ "__compile", f_compile, 2 },
	{ NULL, NULL, 0 }
};

int main(int argc, char **argv)
{
	duk_context *ctx = duk_create_heap(c_alloc, c_realloc, c_free, NULL, fatal);
	int i, dash = argc, rc = 0;

	duk_push_global_object(ctx);
	duk_put_function_list(ctx, -1, funcs);
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dash = i;
			break;
		}
	duk_push_array(ctx);
	for (i = dash + 1; i < argc; i++) {
		duk_push_string(ctx, argv[i]);
		duk_put_prop_index(ctx, -2, (duk_uarridx_t)(i - dash - 1));
	}
	duk_put_prop_string(ctx, -2, "__args");
	duk_pop(ctx);
	for (i = 1; i < dash; i++) {
		size_t n;
		char *src = slurp(argv[i], &n);

		if (src == NULL) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 2;
		}
		duk_push_lstring(ctx, src, n);
		duk_push_string(ctx, argv[i]);
		free(src);
		if (duk_pcompile(ctx, 0) != 0 || duk_pcall(ctx, 0) != 0) {
			if (duk_is_error(ctx, -1))
				duk_get_prop_string(ctx, -1, "stack");
			fprintf(stderr, "%s: %s\n", argv[i], duk_safe_to_string(ctx, -1));
			rc = 1;
			break;
		}
		duk_pop(ctx);
	}
	duk_destroy_heap(ctx);
	return rc;
}
