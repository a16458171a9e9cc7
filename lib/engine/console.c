/*
 * console.c - the global `console` (log, info, warn, error, debug) of a VU:
 * arguments are joined by spaces, objects are JSON-stringified as k6 does,
 * and the line goes to the test's log at the matching level.
 */
#include "engine/vm.h"

#include <string.h>

#include "k6c/test.h"

/* [ ... value ] -> [ ... string ]: JSON for plain objects and arrays (a
 * cycle or a throwing toJSON falls back to String()), String() otherwise. */
static duk_ret_t stringify_safe(duk_context *ctx, void *udata)
{
	K6C__UNUSED(udata);
	duk_json_encode(ctx, -1);
	return 1;
}

static void push_arg_string(duk_context *ctx, duk_idx_t idx)
{
	duk_dup(ctx, idx);
	if (duk_is_object(ctx, -1) && !duk_is_function(ctx, -1) && !duk_is_error(ctx, -1) &&
		!duk_is_buffer_data(ctx, -1)) {
		duk_dup(ctx, -1);
		if (duk_safe_call(ctx, stringify_safe, NULL, 1, 1) == 0 && duk_is_string(ctx, -1)) {
			duk_remove(ctx, -2);
			return;
		}
		duk_pop(ctx);
	}
	duk_safe_to_string(ctx, -1);
}

static duk_ret_t js_console(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	duk_idx_t n = duk_get_top(ctx);
	k6c__buf *line = &vm->scratch;

	k6c__buf_clear(line);
	for (duk_idx_t i = 0; i < n; i++) {
		const char *s;
		duk_size_t len;

		push_arg_string(ctx, i);
		s = duk_get_lstring(ctx, -1, &len);
		if (i > 0)
			k6c__vm_put(ctx, line, " ", 1);
		k6c__vm_put(ctx, line, s, len);
		duk_pop(ctx);
	}
	k6c__vm_put(ctx, line, "", 0);
	k6c__vm_log(vm, duk_get_current_magic(ctx), "%s", line->ptr != NULL ? line->ptr : "");
	return 0;
}

void k6c__console_register(duk_context *ctx)
{
	static const struct {
		const char *name;
		int level;
	} fns[] = {
		{ "log", K6C_LOG_INFO },
		{ "info", K6C_LOG_INFO },
		{ "warn", K6C_LOG_WARN },
		{ "error", K6C_LOG_ERROR },
		{ "debug", K6C_LOG_DEBUG },
	};

	duk_push_global_object(ctx);
	duk_push_object(ctx);
	for (size_t i = 0; i < K6C__ARRAY_LEN(fns); i++) {
		duk_push_c_lightfunc(ctx, js_console, DUK_VARARGS, 0, fns[i].level);
		duk_put_prop_string(ctx, -2, fns[i].name);
	}
	duk_put_prop_string(ctx, -2, "console");
	duk_pop(ctx);
}
