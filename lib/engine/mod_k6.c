/*
 * mod_k6.c - the `k6` module: check, group, sleep, fail and randomSeed, with
 * the `checks` and `group_duration` samples k6 emits and its init-context
 * rules.
 */
#include "engine/vm.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* check(val, {name: fn | value, ...}, tags?): one `checks` sample per key;
 * a throwing fn counts as failed and its exception is rethrown after the
 * sample is emitted. */
static duk_ret_t js_check(duk_context *ctx)
{
	static const int id = K6C__M_CHECKS;
	k6c__vm *vm = k6c__vm_get(ctx);
	int64_t t;
	size_t n;
	bool ok = true;
	duk_idx_t e, res;

	k6c__vm_check_not_init(ctx, vm, "Using check()");
	if (!duk_is_object(ctx, 1))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "check() requires an object of checks as its second argument");
	t = k6c__wall_us();
	duk_enum(ctx, 1, DUK_ENUM_OWN_PROPERTIES_ONLY);
	e = duk_get_top_index(ctx);
	while (duk_next(ctx, e, 1)) {
		const char *name = duk_get_string(ctx, -2);
		bool pass, threw = false;

		if (strstr(name, "::") != NULL)
			return duk_error(ctx, DUK_ERR_ERROR, "group and check names may not contain '::'");
		if (duk_is_callable(ctx, -1)) {
			duk_dup(ctx, 0);
			if (duk_pcall(ctx, 1) != 0) {
				threw = true;
				pass = false;
			} else {
				pass = duk_to_boolean(ctx, -1);
			}
		} else {
			pass = duk_to_boolean(ctx, -1);
		}
		res = duk_get_top_index(ctx);   /* the check's result or exception */
		/* The tags are built after the check function ran: it may have
		 * used vm->tags itself (an HTTP request, a metric). */
		if (!vm->aborted && !(vm->vu != NULL && k6c__vu_should_stop(vm->vu))) {
			double v = pass ? 1.0 : 0.0;

			k6c__vm_tags_reset(vm, &n);
			k6c__vm_tags_base(ctx, vm, &n);
			k6c__vm_tags_from_object(ctx, vm, &n, 2);
			k6c__vm_tag_set(ctx, vm, &n, "check", name);
			k6c__vm_emit(vm, t, n, &id, &v, 1);
		}
		if (!pass)
			ok = false;
		if (threw) {
			duk_dup(ctx, res);
			return duk_throw(ctx);
		}
		duk_set_top(ctx, e + 1);
	}
	duk_push_boolean(ctx, ok);
	return 1;
}

/* group(name, fn): runs fn with the group path extended by "::name", then
 * emits group_duration tagged with that path; returns fn's value. */
static duk_ret_t js_group(duk_context *ctx)
{
	static const int id = K6C__M_GROUP_DURATION;
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *name;
	size_t old_len, n;
	uint64_t start;
	duk_int_t rc;
	double ms;

	k6c__vm_check_not_init(ctx, vm, "Using group()");
	name = duk_to_string(ctx, 0);
	if (!duk_is_callable(ctx, 1))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "group() requires a callback as a second argument");
	if (strstr(name, "::") != NULL)
		return duk_error(ctx, DUK_ERR_ERROR, "group and check names may not contain '::'");
	old_len = vm->group.len;
	k6c__vm_put(ctx, &vm->group, "::", 2);
	k6c__vm_put(ctx, &vm->group, name, strlen(name));

	start = k6c__now_ns();
	duk_dup(ctx, 1);
	rc = duk_pcall(ctx, 0);
	ms = (double)(k6c__now_ns() - start) / 1e6;
	if (!vm->aborted && !(vm->vu != NULL && k6c__vu_should_stop(vm->vu))) {
		k6c__vm_tags_reset(vm, &n);
		k6c__vm_tags_base(ctx, vm, &n);
		k6c__vm_emit(vm, k6c__wall_us(), n, &id, &ms, 1);
	}
	/* The path is restored even when fn threw. */
	vm->group.len = old_len;
	vm->group.ptr[old_len] = '\0';
	if (rc != 0)
		return duk_throw(ctx);
	return 1;
}

static duk_ret_t js_sleep(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	double secs = duk_to_number(ctx, 0);

	if (!(secs > 0))
		return 0;
	if (vm->vu == NULL) {
		/* The options-reading init at load runs on the caller's thread. */
		struct timespec ts;

		ts.tv_sec = (time_t)secs;
		ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		return 0;
	}
	if (k6c__vu_sleep(vm->vu, secs * 1000.0) == K6C_EABORTED)
		k6c__vm_throw_aborted(ctx, vm);
	return 0;
}

static duk_ret_t js_fail(duk_context *ctx)
{
	const char *msg = duk_is_undefined(ctx, 0) ? "" : duk_safe_to_string(ctx, 0);

	return duk_error(ctx, DUK_ERR_ERROR, "%s", msg);
}

/* Math.random after randomSeed(): splitmix64, per VU, deterministic. */
static duk_ret_t js_seeded_random(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	uint64_t z = (vm->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	duk_push_number(ctx, (double)(z >> 11) * (1.0 / 9007199254740992.0));
	return 1;
}

static duk_ret_t js_random_seed(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	vm->rng = (uint64_t)(int64_t)duk_to_number(ctx, 0);
	duk_get_global_string(ctx, "Math");
	duk_push_c_lightfunc(ctx, js_seeded_random, 0, 0, 0);
	duk_put_prop_string(ctx, -2, "random");
	return 0;
}

void k6c__mod_k6_push(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "check", js_check, 3, 0 },
		{ "group", js_group, 2, 0 },
		{ "sleep", js_sleep, 1, 0 },
		{ "fail", js_fail, 1, 0 },
		{ "randomSeed", js_random_seed, 1, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
}
