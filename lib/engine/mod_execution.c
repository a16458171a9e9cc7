/*
 * mod_execution.c - the `k6/execution` module: `vu` (ids, iteration
 * counters, tags and metadata), `scenario` (name, executor, startTime,
 * progress, iteration indexes), `instance` (the scheduler's counters) and
 * `test` (abort, fail, options). Everything is read through getters, so a
 * value is always current; the four objects are made once per heap, on
 * first use. What k6 refuses in the init context throws k6's messages.
 */
#include "engine/vm.h"

#include <math.h>
#include <string.h>

#include "k6c/test.h"

#define ERR_VU_INIT "getting VU information in the init context is not supported"
#define ERR_SCENARIO "getting scenario information outside of the VU context is not supported"
#define ERR_INSTANCE_INIT "getting instance information in the init context is not supported"
#define ERR_OPTIONS_INIT "getting test options in the init context is not supported"

enum part { PART_VU, PART_SCENARIO, PART_INSTANCE, PART_TEST };

enum field {
	VU_ID_IN_INSTANCE,
	VU_ID_IN_TEST,
	VU_ITER_IN_INSTANCE,
	VU_ITER_IN_SCENARIO,
	SC_NAME,
	SC_EXECUTOR,
	SC_START_TIME,
	SC_PROGRESS,
	SC_ITER_IN_INSTANCE,
	SC_ITER_IN_TEST,
	IN_ITERS_COMPLETED,
	IN_ITERS_INTERRUPTED,
	IN_VUS_ACTIVE,
	IN_VUS_INITIALIZED,
	IN_DURATION,
	TEST_OPTIONS,
};

/* The options-reading VU 0 has no scheduler VU; it only ever runs init. */
static bool in_init(const k6c__vm *vm)
{
	return vm->in_init || vm->vu == NULL;
}

/* ---- vu.tags, vu.metrics.tags and vu.metrics.metadata --------------------- */

/* The proxies' handler functions; magic 0 is the tags, 1 the metadata.
 * The tags seen through the proxy are the ones the VU's next sample gets
 * (k6c__vm_tags_base); a change is recorded in vm->user_tags, which
 * k6c__vm_tags_base applies, so it reaches every later sample. */

/* [ ... ] -> [ ... ]: the effective tags in vm->tags[0..*n). */
static void current_tags(duk_context *ctx, k6c__vm *vm, size_t *n)
{
	k6c__vm_tags_reset(vm, n);
	k6c__vm_tags_base(ctx, vm, n);
}

static const char *meta_get(const k6c__vm *vm, const char *key)
{
	for (size_t i = 0; i < vm->nmetadata; i++)
		if (strcmp(vm->metadata[i].key, key) == 0)
			return vm->metadata[i].value;
	return NULL;
}

/* Looks key up in the tags (magic 0) or the metadata (1); NULL if unset. */
static const char *lookup(duk_context *ctx, k6c__vm *vm, int magic, const char *key)
{
	size_t n;

	if (magic == 1)
		return meta_get(vm, key);
	current_tags(ctx, vm, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(vm->tags[i].key, key) == 0)
			return vm->tags[i].value;
	return NULL;
}

/* get(target, key, receiver) */
static duk_ret_t trap_get(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *v;

	if (!duk_is_string(ctx, 1) || duk_is_symbol(ctx, 1))
		return 0;
	v = lookup(ctx, vm, duk_get_current_magic(ctx), duk_get_string(ctx, 1));
	if (v == NULL)
		return 0;
	duk_push_string(ctx, v);
	return 1;
}

/* has(target, key) */
static duk_ret_t trap_has(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	duk_push_boolean(ctx, duk_is_string(ctx, 1) && !duk_is_symbol(ctx, 1) &&
		lookup(ctx, vm, duk_get_current_magic(ctx), duk_get_string(ctx, 1)) != NULL);
	return 1;
}

/* set(target, key, value, receiver): strings, numbers and booleans are kept
 * as their string form; anything else is a TypeError, as in k6. */
static duk_ret_t trap_set(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	int magic = duk_get_current_magic(ctx);
	const char *key;
	int rc;

	if (duk_is_symbol(ctx, 1))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "tag and metadata keys must be strings");
	key = duk_to_string(ctx, 1);
	if (!duk_is_string(ctx, 2) && !duk_is_number(ctx, 2) && !duk_is_boolean(ctx, 2)) {
		if (magic == 1)
			return duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid value for metric metadata "
				"'%s': only String, Boolean and Number types are accepted as a metric "
				"metadata value", key);
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "invalid value for metric tag '%s': only "
			"String, Boolean and Number types are accepted as a metric tag values", key);
	}
	if (magic == 1)
		rc = k6c__vm_kv_set(&vm->metadata, &vm->nmetadata, &vm->metadata_cap, key,
			duk_to_string(ctx, 2));
	else
		rc = k6c__vm_kv_set(&vm->user_tags, &vm->nuser_tags, &vm->user_tags_cap, key,
			duk_to_string(ctx, 2));
	if (rc != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	duk_push_true(ctx);
	return 1;
}

/* deleteProperty(target, key) */
static duk_ret_t trap_delete(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	int magic = duk_get_current_magic(ctx);
	const char *key;
	int rc = 0;

	if (duk_is_symbol(ctx, 1)) {
		duk_push_true(ctx);
		return 1;
	}
	key = duk_to_string(ctx, 1);
	if (magic == 1) {
		if (meta_get(vm, key) != NULL)
			rc = k6c__vm_kv_set(&vm->metadata, &vm->nmetadata, &vm->metadata_cap, key, NULL);
	} else {
		rc = k6c__vm_kv_set(&vm->user_tags, &vm->nuser_tags, &vm->user_tags_cap, key, NULL);
	}
	if (rc != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	duk_push_true(ctx);
	return 1;
}

/* ownKeys(target): Duktape enumerates a proxy (for-in, Object.keys,
 * JSON.stringify) by the trap's keys that are enumerable own properties of
 * the target, so the target is brought in line with the keys first. */
static duk_ret_t trap_own_keys(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	int magic = duk_get_current_magic(ctx);
	duk_uarridx_t k = 0;
	size_t n = 0;

	/* Drop the target's keys, then add the current ones. */
	duk_enum(ctx, 0, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 0)) {
		duk_del_prop(ctx, 0);
	}
	duk_pop(ctx);
	duk_push_array(ctx);
	if (magic == 1) {
		for (size_t i = 0; i < vm->nmetadata; i++) {
			if (vm->metadata[i].value == NULL)
				continue;
			duk_push_string(ctx, vm->metadata[i].key);
			duk_dup_top(ctx);
			duk_push_true(ctx);
			duk_put_prop(ctx, 0);
			duk_put_prop_index(ctx, -2, k++);
		}
		return 1;
	}
	current_tags(ctx, vm, &n);
	for (size_t i = 0; i < n; i++) {
		duk_push_string(ctx, vm->tags[i].key);
		duk_dup_top(ctx);
		duk_push_true(ctx);
		duk_put_prop(ctx, 0);
		duk_put_prop_index(ctx, -2, k++);
	}
	return 1;
}

/* [ ... ] -> [ ... proxy ] */
static void push_kv_proxy(duk_context *ctx, int magic)
{
	static const struct {
		const char *name;
		duk_c_function fn;
		duk_idx_t nargs;
	} traps[] = {
		{ "get", trap_get, 3 },
		{ "has", trap_has, 2 },
		{ "set", trap_set, 4 },
		{ "deleteProperty", trap_delete, 2 },
		{ "ownKeys", trap_own_keys, 1 },
	};

	duk_push_object(ctx);                   /* target */
	duk_push_object(ctx);                   /* handler */
	for (size_t i = 0; i < K6C__ARRAY_LEN(traps); i++) {
		duk_push_c_lightfunc(ctx, traps[i].fn, traps[i].nargs, traps[i].nargs, magic);
		duk_put_prop_string(ctx, -2, traps[i].name);
	}
	duk_push_proxy(ctx, 0);
}

/* ---- Getters ------------------------------------------------------------------ */

static duk_ret_t get_scenario_field(duk_context *ctx, k6c__vm *vm, int f)
{
	const k6c__scenario *sc = k6c__vu_scenario_def(vm->vu);
	k6c__scenario_progress pr;
	int idx;

	if (sc == NULL)
		return duk_error(ctx, DUK_ERR_ERROR, ERR_SCENARIO);
	switch (f) {
	case SC_NAME:
		duk_push_string(ctx, sc->name != NULL ? sc->name : "");
		return 1;
	case SC_EXECUTOR:
		duk_push_string(ctx, k6c__executor_name(sc->executor));
		return 1;
	case SC_ITER_IN_INSTANCE:
		duk_push_number(ctx, (double)k6c__vu_scenario_iter_global(vm->vu));
		return 1;
	case SC_ITER_IN_TEST:
		duk_push_number(ctx, (double)k6c__vu_scenario_iter_in_test(vm->vu));
		return 1;
	default:
		break;
	}
	idx = k6c__vu_scenario_index(vm->vu);
	memset(&pr, 0, sizeof(pr));
	if (idx < 0 || k6c__sched_progress(k6c__vu_sched(vm->vu), (size_t)idx, &pr) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, ERR_SCENARIO);
	if (f == SC_START_TIME)
		duk_push_number(ctx, floor(pr.start_epoch_ms));   /* integer ms, as k6 */
	else
		duk_push_number(ctx, pr.progress);
	return 1;
}

static duk_ret_t get_instance_field(duk_context *ctx, k6c__vm *vm, int f)
{
	k6c__sched_stats st;

	memset(&st, 0, sizeof(st));
	k6c__sched_stats_get(k6c__vu_sched(vm->vu), &st);
	switch (f) {
	case IN_ITERS_COMPLETED:
		duk_push_number(ctx, (double)st.iterations_complete);
		break;
	case IN_ITERS_INTERRUPTED:
		duk_push_number(ctx, (double)st.iterations_interrupted);
		break;
	case IN_VUS_ACTIVE:
		duk_push_number(ctx, (double)st.vus_active);
		break;
	case IN_VUS_INITIALIZED:
		duk_push_number(ctx, (double)st.vus_initialized);
		break;
	default:
		duk_push_number(ctx, st.elapsed_ms);
		break;
	}
	return 1;
}

/* Object.freeze on value and everything reachable from it. */
static void deep_freeze(duk_context *ctx, duk_idx_t idx)
{
	idx = duk_require_normalize_index(ctx, idx);
	if (!duk_is_object(ctx, idx))
		return;
	duk_require_stack(ctx, 4);
	duk_enum(ctx, idx, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 1)) {
		deep_freeze(ctx, -1);
		duk_pop_2(ctx);
	}
	duk_pop(ctx);
	duk_freeze(ctx, idx);
}

/* [ ... ] -> [ ... options ]: exec.test.options, made once per heap. */
static void push_test_options(duk_context *ctx, k6c__vm *vm)
{
	static const char *const removed[] = { "vus", "iterations", "duration", "stages" };
	static const char *const added[] = { "consoleOutput", "localIPs" };
	const k6c__program *p = vm->prog;

	duk_push_heap_stash(ctx);
	if (duk_get_prop_string(ctx, -1, "exec_options")) {
		duk_remove(ctx, -2);
		return;
	}
	duk_pop(ctx);
	duk_push_string(ctx, p->test_options_json != NULL ? p->test_options_json :
		k6c__program_options_json(p));
	duk_json_decode(ctx, -1);
	if (!duk_is_object(ctx, -1)) {
		duk_pop(ctx);
		duk_push_object(ctx);
	}
	/* As k6: the shortcuts are folded into scenarios, and these two are
	 * always present (null when not set). */
	for (size_t i = 0; i < K6C__ARRAY_LEN(removed); i++)
		duk_del_prop_string(ctx, -1, removed[i]);
	for (size_t i = 0; i < K6C__ARRAY_LEN(added); i++) {
		if (!duk_has_prop_string(ctx, -1, added[i])) {
			duk_push_null(ctx);
			duk_put_prop_string(ctx, -2, added[i]);
		}
	}
	deep_freeze(ctx, -1);
	duk_dup_top(ctx);
	duk_put_prop_string(ctx, -3, "exec_options");
	duk_remove(ctx, -2);
}

static duk_ret_t js_get(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	int f = duk_get_current_magic(ctx);

	switch (f) {
	case VU_ID_IN_INSTANCE:
		duk_push_int(ctx, k6c__vu_id(vm->vu));
		return 1;
	case VU_ID_IN_TEST:
		duk_push_number(ctx, (double)k6c__vu_id_in_test(vm->vu));
		return 1;
	case VU_ITER_IN_INSTANCE:
		duk_push_number(ctx, (double)k6c__vu_iteration(vm->vu));
		return 1;
	case VU_ITER_IN_SCENARIO:
		duk_push_number(ctx, k6c__vu_scenario_def(vm->vu) != NULL ?
			(double)k6c__vu_scenario_iter(vm->vu) : 0.0);
		return 1;
	case TEST_OPTIONS:
		if (in_init(vm))
			return duk_error(ctx, DUK_ERR_ERROR, ERR_OPTIONS_INIT);
		push_test_options(ctx, vm);
		return 1;
	default:
		break;
	}
	if (f >= IN_ITERS_COMPLETED)
		return get_instance_field(ctx, vm, f);
	return get_scenario_field(ctx, vm, f);
}

static void getter(duk_context *ctx, const char *name, int field)
{
	duk_push_string(ctx, name);
	duk_push_c_function(ctx, js_get, 0);
	duk_set_magic(ctx, -1, field);
	duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE);
}

/* [ ... value ] -> [ ... ]: a read-only, enumerable data property of the
 * object at obj. */
static void constant(duk_context *ctx, duk_idx_t obj, const char *name)
{
	obj = duk_require_normalize_index(ctx, obj);
	duk_push_string(ctx, name);
	duk_swap_top(ctx, -2);
	duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_ENUMERABLE |
		DUK_DEFPROP_HAVE_WRITABLE);
}

/* ---- test.abort, test.fail ------------------------------------------------------ */

static duk_ret_t js_abort(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	k6c__vm_abort_test(ctx, vm, duk_is_undefined(ctx, 0) ? NULL : duk_safe_to_string(ctx, 0));
	return 0;
}

static duk_ret_t js_fail(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);

	if (duk_is_undefined(ctx, 0))
		k6c__vm_log(vm, K6C_LOG_ERROR, "test marked as failed");
	else
		k6c__vm_log(vm, K6C_LOG_ERROR, "test marked as failed: %s", duk_safe_to_string(ctx, 0));
	/* The options-reading VU 0 has no run to mark; every VU's own init
	 * runs the same code and marks it. */
	if (vm->vu != NULL)
		k6c__vu_fail_test(vm->vu);
	return 0;
}

/* ---- The module ----------------------------------------------------------------- */

static void make_vu(duk_context *ctx)
{
	duk_idx_t vu = duk_push_object(ctx), tags, metrics;

	getter(ctx, "idInInstance", VU_ID_IN_INSTANCE);
	getter(ctx, "idInTest", VU_ID_IN_TEST);
	getter(ctx, "iterationInInstance", VU_ITER_IN_INSTANCE);
	getter(ctx, "iterationInScenario", VU_ITER_IN_SCENARIO);
	push_kv_proxy(ctx, 0);
	tags = duk_get_top_index(ctx);
	metrics = duk_push_object(ctx);
	duk_dup(ctx, tags);
	constant(ctx, metrics, "tags");
	push_kv_proxy(ctx, 1);
	constant(ctx, metrics, "metadata");
	constant(ctx, vu, "metrics");
	constant(ctx, vu, "tags");     /* what k6 had before vu.metrics.tags */
}

static void make_scenario(duk_context *ctx)
{
	duk_push_object(ctx);
	getter(ctx, "name", SC_NAME);
	getter(ctx, "executor", SC_EXECUTOR);
	getter(ctx, "startTime", SC_START_TIME);
	getter(ctx, "progress", SC_PROGRESS);
	getter(ctx, "iterationInInstance", SC_ITER_IN_INSTANCE);
	getter(ctx, "iterationInTest", SC_ITER_IN_TEST);
}

static void make_instance(duk_context *ctx)
{
	duk_push_object(ctx);
	getter(ctx, "iterationsCompleted", IN_ITERS_COMPLETED);
	getter(ctx, "iterationsInterrupted", IN_ITERS_INTERRUPTED);
	getter(ctx, "vusActive", IN_VUS_ACTIVE);
	getter(ctx, "vusInitialized", IN_VUS_INITIALIZED);
	getter(ctx, "currentTestRunDuration", IN_DURATION);
}

static void make_test(duk_context *ctx)
{
	duk_push_object(ctx);
	duk_push_c_lightfunc(ctx, js_abort, 1, 1, 0);
	constant(ctx, -2, "abort");
	duk_push_c_lightfunc(ctx, js_fail, 1, 1, 0);
	constant(ctx, -2, "fail");
	getter(ctx, "options", TEST_OPTIONS);
}

/* The getters of the module's four objects: the init-context checks are
 * made when the object is reached, as k6 does, then the object (made on
 * first use, kept in the stash) is returned. */
static duk_ret_t js_part(duk_context *ctx)
{
	static const char *const keys[] = { "exec_vu", "exec_scenario", "exec_instance", "exec_test" };
	static void (*const makers[])(duk_context *) = { make_vu, make_scenario, make_instance,
		make_test };
	k6c__vm *vm = k6c__vm_get(ctx);
	int part = duk_get_current_magic(ctx);

	if (in_init(vm)) {
		if (part == PART_VU)
			return duk_error(ctx, DUK_ERR_ERROR, ERR_VU_INIT);
		if (part == PART_SCENARIO)
			return duk_error(ctx, DUK_ERR_ERROR, ERR_SCENARIO);
		if (part == PART_INSTANCE)
			return duk_error(ctx, DUK_ERR_ERROR, ERR_INSTANCE_INIT);
	}
	duk_push_heap_stash(ctx);
	if (!duk_get_prop_string(ctx, -1, keys[part])) {
		duk_pop(ctx);
		makers[part](ctx);
		duk_dup_top(ctx);
		duk_put_prop_string(ctx, -3, keys[part]);
	}
	return 1;
}

void k6c__mod_execution_push(duk_context *ctx)
{
	static const char *const names[] = { "vu", "scenario", "instance", "test" };

	duk_push_object(ctx);
	for (int i = 0; i < (int)K6C__ARRAY_LEN(names); i++) {
		duk_push_string(ctx, names[i]);
		duk_push_c_function(ctx, js_part, 0);
		duk_set_magic(ctx, -1, i);
		duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE);
	}
}
