/*
 * mod_execution.c - the `k6/execution` module, the part the scheduler's VU
 * interface can answer: `vu` (idInInstance, idInTest, iterationInInstance,
 * iterationInScenario) and `scenario` (name, executor, iterationInInstance,
 * iterationInTest), read through getters so they are always current.
 * `instance` and `test` are not provided yet.
 */
#include "engine/vm.h"

#include <string.h>

enum field {
	VU_ID_IN_INSTANCE,
	VU_ID_IN_TEST,
	VU_ITER_IN_INSTANCE,
	VU_ITER_IN_SCENARIO,
	SC_NAME,
	SC_EXECUTOR,
	SC_ITER_IN_INSTANCE,
	SC_ITER_IN_TEST,
};

static duk_ret_t js_get(duk_context *ctx)
{
	static const char *const executors[] = { "shared-iterations", "per-vu-iterations",
		"constant-vus" };
	k6c__vm *vm = k6c__vm_get(ctx);
	int f = duk_get_current_magic(ctx);
	const k6c__scenario *sc;

	if (vm->in_init || vm->vu == NULL) {
		if (f <= VU_ITER_IN_SCENARIO)
			return duk_error(ctx, DUK_ERR_ERROR, "getting VU information in the init context is not supported");
		return duk_error(ctx, DUK_ERR_ERROR, "getting scenario information outside of the VU context is not supported");
	}
	switch (f) {
	case VU_ID_IN_INSTANCE:
	case VU_ID_IN_TEST:
		duk_push_int(ctx, k6c__vu_id(vm->vu));
		return 1;
	case VU_ITER_IN_INSTANCE:
		duk_push_number(ctx, (double)k6c__vu_iteration(vm->vu));
		return 1;
	case VU_ITER_IN_SCENARIO:
		duk_push_number(ctx, (double)k6c__vu_scenario_iter(vm->vu));
		return 1;
	default:
		break;
	}
	sc = k6c__vu_scenario_def(vm->vu);
	if (sc == NULL)
		return duk_error(ctx, DUK_ERR_ERROR, "getting scenario information outside of the VU context is not supported");
	switch (f) {
	case SC_NAME:
		duk_push_string(ctx, sc->name != NULL ? sc->name : "");
		break;
	case SC_EXECUTOR:
		duk_push_string(ctx, (size_t)sc->executor < K6C__ARRAY_LEN(executors) ?
			executors[sc->executor] : "");
		break;
	default:
		duk_push_number(ctx, (double)k6c__vu_scenario_iter_global(vm->vu));
		break;
	}
	return 1;
}

static void getter(duk_context *ctx, const char *name, int field)
{
	duk_push_string(ctx, name);
	duk_push_c_function(ctx, js_get, 0);
	duk_set_magic(ctx, -1, field);
	duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE);
}

void k6c__mod_execution_push(duk_context *ctx)
{
	duk_push_object(ctx);

	duk_push_object(ctx);
	getter(ctx, "idInInstance", VU_ID_IN_INSTANCE);
	getter(ctx, "idInTest", VU_ID_IN_TEST);
	getter(ctx, "iterationInInstance", VU_ITER_IN_INSTANCE);
	getter(ctx, "iterationInScenario", VU_ITER_IN_SCENARIO);
	duk_put_prop_string(ctx, -2, "vu");

	duk_push_object(ctx);
	getter(ctx, "name", SC_NAME);
	getter(ctx, "executor", SC_EXECUTOR);
	getter(ctx, "iterationInInstance", SC_ITER_IN_INSTANCE);
	getter(ctx, "iterationInTest", SC_ITER_IN_TEST);
	duk_put_prop_string(ctx, -2, "scenario");
}
