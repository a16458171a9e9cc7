/*
 * mod_summary.c - the built-in module "k6c/summary", which is also what
 * `import ... from 'https://jslib.k6.io/k6-summary/<version>/index.js'`
 * loads (there is no network fetch): textSummary(data, options), the end of
 * test summary text rendered in C from handleSummary's data; jUnit(data,
 * options), the JUnit XML of the thresholds in jslib's format; and
 * humanizeValue(value, metric, timeUnit), jslib's formatting of one value.
 */
#include "engine/vm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "k6c/test.h"

/* ---- textSummary ---------------------------------------------------------- */

/* [ ... ] -> [ ... data' ]: data with options.summaryTrendStats and
 * options.summaryTimeUnit replaced by the ones opts gives, as jslib merges
 * its options over data.options. A shallow copy; data is not changed. */
static void push_merged_data(duk_context *ctx, duk_idx_t data, duk_idx_t opts)
{
	static const char *const keys[] = { "summaryTrendStats", "summaryTimeUnit" };

	duk_push_object(ctx);                                   /* data' */
	duk_enum(ctx, data, DUK_ENUM_OWN_PROPERTIES_ONLY);
	while (duk_next(ctx, -1, 1))
		duk_put_prop(ctx, -3);
	duk_pop(ctx);
	duk_push_object(ctx);                                   /* data'.options */
	if (duk_get_prop_string(ctx, data, "options") && duk_is_object(ctx, -1)) {
		duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
		while (duk_next(ctx, -1, 1))
			duk_put_prop(ctx, -4);
		duk_pop(ctx);
	}
	duk_pop(ctx);
	for (size_t i = 0; i < K6C__ARRAY_LEN(keys); i++) {
		if (duk_get_prop_string(ctx, opts, keys[i]) && !duk_is_undefined(ctx, -1))
			duk_put_prop_string(ctx, -2, keys[i]);
		else
			duk_pop(ctx);
	}
	duk_put_prop_string(ctx, -2, "options");
}

/* textSummary(data, {indent, enableColors, summaryTrendStats,
 * summaryTimeUnit}): jslib's defaults are indent " " and colours on. */
static duk_ret_t js_text_summary(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	const char *indent = " ";
	bool colors = true;
	const char *json;
	duk_size_t len;
	int rc;

	if (!duk_is_object(ctx, 0))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "textSummary() requires the summary data "
			"(handleSummary's argument) as its first argument");
	duk_dup(ctx, 0);                                        /* idx 2: the data to render */
	if (duk_is_object(ctx, 1)) {
		if (duk_get_prop_string(ctx, 1, "indent") && !duk_is_undefined(ctx, -1))
			indent = duk_to_string(ctx, -1);                /* stays on the stack */
		if (duk_get_prop_string(ctx, 1, "enableColors") && !duk_is_undefined(ctx, -1))
			colors = duk_to_boolean(ctx, -1);
		if (duk_has_prop_string(ctx, 1, "summaryTrendStats") ||
			duk_has_prop_string(ctx, 1, "summaryTimeUnit")) {
			push_merged_data(ctx, 0, 1);
			duk_replace(ctx, 2);
		}
	}
	duk_dup(ctx, 2);
	json = duk_json_encode(ctx, -1);
	len = strlen(json);
	k6c__buf_clear(&vm->scratch2);
	if (k6c__vm_to_utf8(json, len, &vm->scratch2) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	k6c__buf_clear(&vm->scratch);
	rc = k6c__summary_text_from_data(vm->scratch2.ptr != NULL ? vm->scratch2.ptr : "",
		vm->scratch2.len, indent, colors, &vm->scratch);
	if (rc != 0) {
		const k6c_error *e = k6c_error_last();

		if (rc == K6C_ENOMEM)
			return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
		return duk_error(ctx, DUK_ERR_ERROR, "textSummary(): %s", e != NULL ? e->message :
			"the data is not a summary");
	}
	duk_push_lstring(ctx, vm->scratch.ptr != NULL ? vm->scratch.ptr : "", vm->scratch.len);
	return 1;
}

/* ---- jUnit ------------------------------------------------------------------- */

/* Appends s with & < > ' " escaped, as jslib's escapeHTML. */
static void put_escaped(duk_context *ctx, k6c__buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			k6c__vm_put(ctx, b, "&amp;", 5);
			break;
		case '<':
			k6c__vm_put(ctx, b, "&lt;", 4);
			break;
		case '>':
			k6c__vm_put(ctx, b, "&gt;", 4);
			break;
		case '\'':
			k6c__vm_put(ctx, b, "&#39;", 5);
			break;
		case '"':
			k6c__vm_put(ctx, b, "&quot;", 6);
			break;
		default:
			k6c__vm_put(ctx, b, s, 1);
			break;
		}
	}
}

/* JavaScript truthiness of the value at idx, without converting it. */
static bool truthy(duk_context *ctx, duk_idx_t idx)
{
	bool t;

	duk_dup(ctx, idx);
	t = duk_to_boolean(ctx, -1);
	duk_pop(ctx);
	return t;
}

static void put_str(duk_context *ctx, k6c__buf *b, const char *s)
{
	k6c__vm_put(ctx, b, s, strlen(s));
}

/* Appends `label` and String(obj.values[key]) (JavaScript's conversion,
 * "undefined" included, as jslib's string concatenation). */
static void put_value(duk_context *ctx, k6c__buf *b, duk_idx_t metric, const char *label,
	const char *key)
{
	put_str(ctx, b, label);
	duk_get_prop_string(ctx, metric, "values");
	if (duk_is_object(ctx, -1))
		duk_get_prop_string(ctx, -1, key);
	else
		duk_push_undefined(ctx);
	put_str(ctx, b, duk_safe_to_string(ctx, -1));
	duk_pop_2(ctx);
}

/* The failure element of a threshold of metric (at idx) that failed. */
static void put_failure(duk_context *ctx, k6c__buf *b, duk_idx_t metric)
{
	const char *type;

	duk_get_prop_string(ctx, metric, "type");
	type = duk_is_string(ctx, -1) ? duk_get_string(ctx, -1) : "";
	if (strcmp(type, "counter") == 0) {
		put_value(ctx, b, metric, "\"><failure message=\"failed, count: ", "count");
		put_value(ctx, b, metric, ", rate: ", "rate");
	} else if (strcmp(type, "gauge") == 0) {
		put_value(ctx, b, metric, "\"><failure message=\"failed, value: ", "value");
		put_value(ctx, b, metric, ", min: ", "min");
		put_value(ctx, b, metric, ", max: ", "max");
	} else if (strcmp(type, "rate") == 0) {
		put_value(ctx, b, metric, "\"><failure message=\"failed, number of fails: ", "fails");
		put_value(ctx, b, metric, ", number of passes: ", "passes");
		put_value(ctx, b, metric, ", rate: ", "rate");
	} else if (strcmp(type, "trend") == 0) {
		put_value(ctx, b, metric, "\"><failure message=\"failed, average value: ", "avg");
		put_value(ctx, b, metric, ", min value: ", "min");
		put_value(ctx, b, metric, ", mean value: ", "med");
		put_value(ctx, b, metric, ", max value: ", "max");
	} else {
		put_str(ctx, b, "\"><failure message=\"failed\" /></testcase>");
		duk_pop(ctx);
		return;
	}
	put_str(ctx, b, "\"/></testcase>");
	duk_pop(ctx);
}

/* jUnit(data, {name, classname}): one testcase per threshold, in the
 * order of data.metrics, a failure element with the metric's values for
 * each failed one. classname (not in jslib) adds that attribute to each
 * testcase, for CI tools that group by it. */
static duk_ret_t js_junit(duk_context *ctx)
{
	k6c__vm *vm = k6c__vm_get(ctx);
	k6c__buf *cases = &vm->scratch, *out = &vm->scratch2;
	const char *name = "k6 thresholds";
	const char *classname = NULL;
	unsigned ntests = 0, nfail = 0;
	duk_idx_t metrics, menum;

	if (!duk_is_object(ctx, 0))
		return duk_error(ctx, DUK_ERR_TYPE_ERROR, "jUnit() requires the summary data "
			"(handleSummary's argument) as its first argument");
	if (duk_is_object(ctx, 1)) {
		duk_get_prop_string(ctx, 1, "name");
		if (truthy(ctx, -1))
			name = duk_to_string(ctx, -1);                  /* stays on the stack */
		duk_get_prop_string(ctx, 1, "classname");
		if (truthy(ctx, -1))
			classname = duk_to_string(ctx, -1);
	}
	k6c__buf_clear(cases);
	duk_get_prop_string(ctx, 0, "metrics");
	metrics = duk_get_top_index(ctx);
	if (duk_is_object(ctx, metrics)) {
		duk_enum(ctx, metrics, DUK_ENUM_OWN_PROPERTIES_ONLY);
		menum = duk_get_top_index(ctx);
		while (duk_next(ctx, menum, 1)) {                   /* [ ... mname metric ] */
			duk_idx_t metric = duk_get_top_index(ctx);
			const char *mname = duk_get_string(ctx, metric - 1);

			if (!duk_is_object(ctx, metric) || !duk_get_prop_string(ctx, metric, "thresholds") ||
				!truthy(ctx, -1) || !duk_is_object(ctx, -1)) {
				duk_set_top(ctx, menum + 1);
				continue;
			}
			duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
			while (duk_next(ctx, -1, 1)) {              /* [ ... tname threshold ] */
				bool ok = false;

				if (duk_is_object(ctx, -1)) {
					duk_get_prop_string(ctx, -1, "ok");
					ok = truthy(ctx, -1);
					duk_pop(ctx);
				}
				if (ntests > 0)
					put_str(ctx, cases, "\n");
				put_str(ctx, cases, "<testcase name=\"");
				put_escaped(ctx, cases, mname);
				put_str(ctx, cases, " - ");
				put_escaped(ctx, cases, duk_get_string(ctx, -2));
				if (classname != NULL) {
					put_str(ctx, cases, "\" classname=\"");
					put_escaped(ctx, cases, classname);
				}
				if (ok) {
					put_str(ctx, cases, "\" />");
				} else {
					nfail++;
					put_failure(ctx, cases, metric);
				}
				ntests++;
				duk_pop_2(ctx);
			}
			duk_set_top(ctx, menum + 1);
		}
	}
	k6c__buf_clear(out);
	put_str(ctx, out, "<?xml version=\"1.0\"?>\n");
	if (k6c__buf_printf(out, "<testsuites tests=\"%u\" failures=\"%u\">\n<testsuite name=\"",
		ntests, nfail) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	put_escaped(ctx, out, name);
	if (k6c__buf_printf(out, "\" tests=\"%u\" failures=\"%u\">", ntests, nfail) != 0)
		return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	k6c__vm_put(ctx, out, cases->ptr != NULL ? cases->ptr : "", cases->len);
	put_str(ctx, out, "\n</testsuite >\n</testsuites >");
	duk_push_lstring(ctx, out->ptr, out->len);
	return 1;
}

/* ---- humanizeValue ------------------------------------------------------------ */

/* [ ... ] -> [ ... string ]: String(v), JavaScript's number formatting. */
static void push_num_string(duk_context *ctx, double v)
{
	duk_push_number(ctx, v);
	duk_to_string(ctx, -1);
}

/* [ ... ] -> [ ... string ]: v.toFixed(digits), with JavaScript's
 * rounding (the nearer of the two candidates, the larger on a tie). */
static void push_to_fixed(duk_context *ctx, double v, int digits)
{
	duk_get_global_string(ctx, "Number");
	duk_get_prop_string(ctx, -1, "prototype");
	duk_get_prop_string(ctx, -1, "toFixed");
	duk_push_number(ctx, v);
	duk_push_int(ctx, digits);
	duk_call_method(ctx, 1);
	duk_replace(ctx, -3);
	duk_pop(ctx);
}

/* String(parseFloat(v.toFixed(digits))): at most `digits` decimals, no
 * trailing zeros. */
static void push_fixed_trimmed(duk_context *ctx, double v, int digits)
{
	double r;

	push_to_fixed(ctx, v, digits);
	r = strtod(duk_get_string(ctx, -1), NULL);
	duk_pop(ctx);
	push_num_string(ctx, r);
}

/* The same, truncated (not rounded) to `digits` decimals first. */
static void push_fixed_trunc(duk_context *ctx, double v, int digits)
{
	double mult = pow(10, digits);

	push_fixed_trimmed(ctx, trunc(mult * v) / mult, digits);
}

/* Bytes in base 1000 units: "9 B", "1.5 kB", "12 MB". */
static void push_bytes(duk_context *ctx, double bytes)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
	double e, val;
	size_t u;

	if (bytes < 10) {
		push_num_string(ctx, bytes);
		duk_push_string(ctx, " B");
		duk_concat(ctx, 2);
		return;
	}
	e = floor(log(bytes) / log(1000));
	u = e < 0 ? 0 : (e >= (double)K6C__ARRAY_LEN(units) ? K6C__ARRAY_LEN(units) - 1 : (size_t)e);
	val = floor(bytes / pow(1000, e) * 10 + 0.5) / 10;
	push_to_fixed(ctx, val, val < 10 ? 1 : 0);
	duk_push_sprintf(ctx, " %s", units[u]);
	duk_concat(ctx, 2);
}

/* A duration in milliseconds: in the given unit ("s", "ms", "us") with two
 * decimals, or else the shortest of ns, µs, ms, s, XmYs, XhYmZs. */
static void push_duration(duk_context *ctx, double ms, const char *unit)
{
	double rem;
	duk_idx_t start;

	if (unit != NULL && (strcmp(unit, "s") == 0 || strcmp(unit, "ms") == 0 ||
		strcmp(unit, "us") == 0)) {
		double coef = unit[0] == 's' ? 0.001 : unit[0] == 'm' ? 1 : 1000;

		push_to_fixed(ctx, ms * coef, 2);
		duk_push_string(ctx, unit[0] == 'u' ? "µs" : unit);
		duk_concat(ctx, 2);
		return;
	}
	if (ms == 0) {
		duk_push_string(ctx, "0s");
		return;
	}
	if (ms < 0.001) {
		push_num_string(ctx, trunc(ms * 1e6));
		duk_push_string(ctx, "ns");
		duk_concat(ctx, 2);
		return;
	}
	if (ms < 1 || ms < 1000) {
		push_fixed_trunc(ctx, ms < 1 ? ms * 1000 : ms, 2);
		duk_push_string(ctx, ms < 1 ? "µs" : "ms");
		duk_concat(ctx, 2);
		return;
	}
	start = duk_get_top(ctx);
	push_fixed_trunc(ctx, fmod(ms, 60000) / 1000, ms > 60000 ? 0 : 2);
	duk_push_string(ctx, "s");
	rem = trunc(ms / 60000);
	if (rem >= 1) {
		/* Pieces are pushed right to left, then joined in order. */
		duk_push_sprintf(ctx, "%.0fm", fmod(rem, 60));
		duk_insert(ctx, start);
		rem = trunc(rem / 60);
		if (rem >= 1) {
			duk_push_sprintf(ctx, "%.0fh", rem);
			duk_insert(ctx, start);
		}
	}
	duk_concat(ctx, duk_get_top(ctx) - start);
}

/* humanizeValue(value, metric, timeUnit): a rate as a truncated
 * percentage, data as bytes, time as a duration, else up to 6 decimals. */
static duk_ret_t js_humanize_value(duk_context *ctx)
{
	double v = duk_to_number(ctx, 0);
	const char *type = "", *contains = "", *unit = NULL;

	if (duk_is_object(ctx, 1)) {
		duk_get_prop_string(ctx, 1, "type");
		if (duk_is_string(ctx, -1))
			type = duk_get_string(ctx, -1);
		duk_get_prop_string(ctx, 1, "contains");
		if (duk_is_string(ctx, -1))
			contains = duk_get_string(ctx, -1);
	}
	if (duk_is_string(ctx, 2))
		unit = duk_get_string(ctx, 2);
	if (strcmp(type, "rate") == 0) {
		push_to_fixed(ctx, trunc(v * 100 * 100) / 100, 2);
		duk_push_string(ctx, "%");
		duk_concat(ctx, 2);
	} else if (strcmp(contains, "data") == 0) {
		push_bytes(ctx, v);
	} else if (strcmp(contains, "time") == 0) {
		push_duration(ctx, v, unit);
	} else {
		push_fixed_trimmed(ctx, v, 6);
	}
	return 1;
}

void k6c__mod_summary_push(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "textSummary", js_text_summary, 2, 0 },
		{ "jUnit", js_junit, 2, 0 },
		{ "humanizeValue", js_humanize_value, 3, 0 },
		{ NULL, NULL, 0, 0 },
	};

	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
}
