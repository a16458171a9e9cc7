/*
 * mod_metrics.c - the `k6/metrics` module: Counter, Gauge, Rate and Trend.
 * Metrics are declared in the init context (registered with the test's
 * metric registry, by the options-reading VU 0 too when the program has one)
 * and add() samples during iterations, with the current group and scenario
 * tags plus the given ones.
 */
#include "engine/vm.h"

#include <math.h>
#include <string.h>

#include "k6c/test.h"

#define ID_KEY DUK_HIDDEN_SYMBOL("id")
#define TYPE_KEY DUK_HIDDEN_SYMBOL("type")

/* k6's rule, the regular expression ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$: a
 * letter or an underscore, then 1 to 128 ASCII letters, digits or
 * underscores. So a one-character name is refused and a 129-character one
 * accepted, whatever the message says. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 129 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '_'))
			return false;
	}
	return true;
}

/* A bad value for add(): k6 throws when the `throw` option is on, else
 * warns and add() returns false. */
static duk_ret_t bad_value(duk_context *ctx, k6c__vm *vm, const char *fmt, const char *a,
	const char *b)
{
	if (vm->prog->throw_errors)
		return duk_error(ctx, DUK_ERR_ERROR, fmt, a, b);
	k6c__buf_clear(&vm->scratch);
	if (k6c__buf_printf(&vm->scratch, fmt, a, b) == 0)
		k6c__vm_log(vm, K6C_LOG_WARN, "%s", vm->scratch.ptr);
	duk_push_false(ctx);
	return 1;
}

/* metric.add(value, tags?): numbers, and anything JavaScript converts to
 * one; a value that converts to 0 but is truthy (true, "0") counts as 1,
 * as in k6. NaN, null and undefined are refused, and so is a call without
 * arguments, with k6's own message for it. */
static duk_ret_t js_add(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *name;
	double v;
	size_t n;
	int id;

	/* Called with DUK_VARARGS so that add() and add(undefined) differ. */
	duk_idx_t nargs = duk_get_top(ctx);

	k6c__vm_check_not_init(ctx, vm, "Adding to metrics");
	duk_set_top(ctx, 2);
	duk_push_this(ctx);
	if (!duk_get_prop_string(ctx, -1, ID_KEY))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "add() called on something that is not a metric");
	id = duk_get_int(ctx, -1);
	duk_get_prop_string(ctx, -2, "name");
	name = duk_safe_to_string(ctx, -1);
	if (nargs == 0)
		return bad_value(ctx, vm, "no value was provided for metric '%s'%s, a number or "
			"a boolean value is expected", name, "");
	if (duk_is_null(ctx, 0))
		return bad_value(ctx, vm, "'%s' is an invalid value for metric '%s', a number or a "
			"boolean value is expected", "null", name);
	duk_dup(ctx, 0);
	v = duk_to_number(ctx, -1);
	duk_pop(ctx);
	if (v == 0 && duk_to_boolean(ctx, 0))
		v = 1.0;
	if (isnan(v)) {
		duk_dup(ctx, 0);
		return bad_value(ctx, vm, "'%s' is an invalid value for metric '%s', a number or a "
			"boolean value is expected", duk_safe_to_string(ctx, -1), name);
	}
	if (id >= 0) {
		k6c__vm_tags_reset(vm, &n);
		k6c__vm_tags_base(ctx, vm, &n);
		k6c__vm_tags_from_object(ctx, vm, &n, 1);
		k6c__vm_emit(vm, k6c__wall_us(), n, &id, &v, 1);
	}
	duk_push_true(ctx);
	return 1;
}

int k6c__vm_metric_define(k6c__vm *vm, const char *name, k6c__metric_type type,
	k6c__metric_contains contains, int *id)
{
	k6c__metrics *registry;
	int rc;

	*id = -1;
	if (!vm->in_init)
		return k6c__error(K6C_ESTATE, "metrics must be declared in the init context");
	if (!valid_name(name))
		return k6c__error(K6C_EINVAL, "Invalid metric name: '%s'. Metric names must only "
			"include up to 128 ASCII letters, numbers, or underscores and start with a "
			"letter or an underscore.", name);
	/* VU 0 registers too (when the program was given a registry), so the
	 * metrics exist when thresholds are validated, before any VU starts. */
	registry = vm->vu != NULL ? k6c__vu_metrics(vm->vu) : vm->prog->metrics;
	if (registry == NULL)
		return 0;
	rc = k6c__metrics_register(registry, name, type, contains, id);
	/* The name was checked, so the registry's EINVAL is a clash with an
	 * existing metric's type or contains (its message says which). */
	if (rc == K6C_EINVAL) {
		const k6c_error *e = k6c_error_last();

		return k6c__error(K6C_ECONFIG, "%s", e != NULL ? e->message : "metric clash");
	}
	return rc;
}

/* new Counter|Gauge|Rate|Trend(name, isTime?) */
static duk_ret_t js_metric(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "add", js_add, DUK_VARARGS, 0 },
		{ NULL, NULL, 0, 0 },
	};
	static const char *const type_names[] = { "counter", "gauge", "rate", "trend" };
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__metric_type type = (k6c__metric_type)duk_get_current_magic(ctx);
	k6c__metric_contains contains;
	const char *name;
	int id = -1;

	if (!duk_is_constructor_call(ctx))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "metrics must be created with new");
	if (!vm->in_init)
		return duk_error(ctx, DUK_ERR_ERROR, "metrics must be declared in the init context");
	name = duk_require_string(ctx, 0);
	/* isTime applies to every type, as in k6: a Rate declared with it
	 * says "time" in the summary data (its values still print as
	 * percentages) and clashes with one declared without it. */
	contains = duk_to_boolean(ctx, 1) ? K6C__CONTAINS_TIME : K6C__CONTAINS_DEFAULT;
	if (k6c__vm_metric_define(vm, name, type, contains, &id) != 0) {
		const k6c_error *e = k6c_error_last();

		return duk_error(ctx, DUK_ERR_ERROR, "%s", e != NULL ? e->message :
			"cannot register the metric");
	}
	duk_push_this(ctx);
	duk_push_string(ctx, name);
	duk_put_prop_string(ctx, -2, "name");
	duk_push_string(ctx, type_names[type]);
	duk_put_prop_string(ctx, -2, "type");
	duk_push_int(ctx, id);
	duk_put_prop_string(ctx, -2, ID_KEY);
	duk_push_int(ctx, (int)type);
	duk_put_prop_string(ctx, -2, TYPE_KEY);
	k6c__vm_put_functions(ctx, -1, fns);
	return 0;
}

void k6c__mod_metrics_push(duk_context *ctx)
{
	static const struct {
		const char *name;
		k6c__metric_type type;
	} ctors[] = {
		{ "Counter", K6C__COUNTER },
		{ "Gauge", K6C__GAUGE },
		{ "Rate", K6C__RATE },
		{ "Trend", K6C__TREND },
	};

	duk_push_object(ctx);
	for (size_t i = 0; i < K6C__ARRAY_LEN(ctors); i++) {
		duk_push_c_function(ctx, js_metric, 2);
		duk_set_magic(ctx, -1, (int)ctors[i].type);
		duk_put_prop_string(ctx, -2, ctors[i].name);
	}
}
