/*
 * thresholds.c - k6 thresholds: parses the `thresholds` option with k6's
 * expression grammar, validates it against the metric registry (registering
 * the submetrics it names), and evaluates it on the aggregation thread every
 * 2 s of test time and once at the end, stopping the test early through a
 * callback when an abortOnFail threshold fails.
 *
 * The numbers in expressions are read as Go's strconv.ParseFloat reads them
 * (k6 uses it), so "1e3", "0x1p4", "Inf" and "1_000" mean what they mean in
 * k6, and the error messages follow k6's wording where a user would compare
 * them.
 */
#include "metrics/thresholds.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

/* k6 evaluates thresholds on a 2-second ticker during the run. */
#define PERIOD_NS 2000000000ull

typedef struct thr {
	char *source; /* the expression as written */
	k6c__threshold_expr expr;
	char stat[48]; /* the aggregation as k6c__metrics_stat names it */
	bool abort_on_fail;
	bool has_delay;
	double delay_ms; /* delayAbortEval */
	size_t metric;   /* index into k6c__thresholds.metrics */
} thr;

typedef struct tmetric {
	char *key;  /* the option's key, as written */
	char *name; /* the registered name once bound, else NULL */
	int id;     /* -1 until bound */
	k6c__metric_type type;
} tmetric;

struct k6c__thresholds {
	tmetric *metrics;
	size_t nmetrics;
	thr *thrs;
	size_t nthrs;
	k6c__summary_threshold *results; /* parallel to thrs */
	bool bound;

	uint64_t start_ns, next_ns;
	k6c__thresholds_abort_fn abort_fn;
	void *abort_arg;
	bool aborted;
	char *abort_metrics;
};

/* ---- Go's strings.TrimSpace and strconv.ParseFloat ---------------------- */

/* Length of the Unicode white space (as Go's unicode.IsSpace) at p, or 0. */
static size_t space_at(const unsigned char *p, const unsigned char *e)
{
	size_t n = (size_t)(e - p);

	if (n == 0)
		return 0;
	if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r'))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (n >= 3 && p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
		return 3;
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return 3;
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;
	if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

/* Length of the white space that ends at e (after s), or 0. */
static size_t space_before(const unsigned char *s, const unsigned char *e)
{
	for (size_t k = 1; k <= 3 && k <= (size_t)(e - s); k++) {
		if (space_at(e - k, e) == k)
			return k;
	}
	return 0;
}

static void trim_space(const char **s, const char **e)
{
	size_t k;

	while ((k = space_at((const unsigned char *)*s, (const unsigned char *)*e)) > 0)
		*s += k;
	while ((k = space_before((const unsigned char *)*s, (const unsigned char *)*e)) > 0)
		*e -= k;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex_digit(char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static bool equal_fold(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n && word[i] != '\0'; i++) {
		if ((s[i] | 0x20) != word[i])
			return false;
	}
	return i == n && word[i] == '\0';
}

/* Go's rule for digit separators: an underscore only between two digits, or
 * between a base prefix and a digit. */
static bool underscores_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	bool hex = false;

	if (n > 0 && (s[0] == '+' || s[0] == '-'))
		i = 1;
	if (n - i >= 2 && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
		i += 2;
		saw = '0';
		hex = true;
	}
	for (; i < n; i++) {
		if (is_digit(s[i]) || (hex && is_hex_digit(s[i]))) {
			saw = '0';
		} else if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
		} else {
			if (saw == '_')
				return false;
			saw = '!';
		}
	}
	return saw != '_';
}

enum {
	PF_OK = 0,
	PF_SYNTAX = -1,
	PF_RANGE = -2,
	PF_NOMEM = -3
};

/* s[0..n) as a float64 the way strconv.ParseFloat(s, 64) reads it: decimal
 * or hexadecimal (with a mandatory p exponent) literals, optional sign,
 * underscores between digits, "inf"/"infinity" (signed) and "nan" in any
 * case, and the whole text must be the number. */
static int go_parse_float(const char *s, size_t n, double *out)
{
	size_t i = 0;
	bool neg = false, hex = false, dot = false, digits = false, underscores = false;

	if (n == 0)
		return PF_SYNTAX;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i = 1;
	}
	if (equal_fold(s + i, n - i, "inf") || equal_fold(s + i, n - i, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return PF_OK;
	}
	if (i == 0 && equal_fold(s, n, "nan")) {
		*out = NAN;
		return PF_OK;
	}
	if (n - i > 2 && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
		hex = true;
		i += 2;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '_') {
			underscores = true;
		} else if (c == '.') {
			if (dot)
				break;
			dot = true;
		} else if (is_digit(c) || (hex && is_hex_digit(c))) {
			digits = true;
		} else {
			break;
		}
	}
	if (!digits)
		return PF_SYNTAX;
	if (i < n && (s[i] | 0x20) == (hex ? 'p' : 'e')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return PF_SYNTAX;
		for (; i < n && (is_digit(s[i]) || s[i] == '_'); i++) {
			if (s[i] == '_')
				underscores = true;
		}
	} else if (hex) {
		return PF_SYNTAX;
	}
	if (i != n || (underscores && !underscores_ok(s, n)))
		return PF_SYNTAX;

	/* The syntax is Go's; strtod reads the same numbers once the
	 * separators are gone, and rounds correctly as Go does. */
	char *clean = k6c__malloc(n + 1);
	size_t o = 0;
	if (clean == NULL)
		return PF_NOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] != '_')
			clean[o++] = s[i];
	}
	clean[o] = '\0';
	double v = strtod(clean, NULL);
	k6c__free(clean);
	/* Overflow is an error in Go; underflow to zero is not. */
	if (isinf(v))
		return PF_RANGE;
	*out = v;
	return PF_OK;
}

static const char *parse_float_reason(int pf)
{
	return pf == PF_RANGE ? "value out of range" : "invalid syntax";
}

/* ---- expressions ------------------------------------------------------- */

static const struct {
	const char *token;
	k6c__threshold_op op;
} op_tokens[] = {
	/* k6's scanning order: the first token found anywhere wins. */
	{ "<=", K6C__OP_LE },
	{ "<", K6C__OP_LT },
	{ ">=", K6C__OP_GE },
	{ ">", K6C__OP_GT },
	{ "===", K6C__OP_EQ },
	{ "==", K6C__OP_EQ },
	{ "!=", K6C__OP_NE },
};

static const struct {
	const char *token;
	k6c__threshold_agg agg;
} agg_tokens[] = {
	{ "count", K6C__AGG_COUNT },
	{ "rate", K6C__AGG_RATE },
	{ "value", K6C__AGG_VALUE },
	{ "avg", K6C__AGG_AVG },
	{ "min", K6C__AGG_MIN },
	{ "max", K6C__AGG_MAX },
	{ "med", K6C__AGG_MED },
};

int k6c__threshold_expr_parse(const char *source, k6c__threshold_expr *out)
{
	const char *cut = NULL, *ls, *le, *rs, *re;
	size_t k;
	int pf;

	if (source == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__threshold_expr_parse: NULL argument");
	memset(out, 0, sizeof(*out));
	for (k = 0; k < K6C__ARRAY_LEN(op_tokens); k++) {
		if ((cut = strstr(source, op_tokens[k].token)) != NULL)
			break;
	}
	if (cut == NULL)
		return k6c__error(K6C_EINVAL,
			"failed parsing threshold expression \"%s\"; reason: "
			"malformed threshold expression",
			source);
	out->op = op_tokens[k].op;
	ls = source;
	le = cut;
	rs = cut + strlen(op_tokens[k].token);
	re = source + strlen(source);
	trim_space(&ls, &le);
	trim_space(&rs, &re);

	size_t ln = (size_t)(le - ls);
	bool found = false;
	for (k = 0; k < K6C__ARRAY_LEN(agg_tokens); k++) {
		if (strlen(agg_tokens[k].token) == ln && memcmp(agg_tokens[k].token, ls, ln) == 0) {
			out->agg = agg_tokens[k].agg;
			found = true;
			break;
		}
	}
	if (!found) {
		if (ln < 3 || ls[0] != 'p' || ls[1] != '(' || le[-1] != ')')
			return k6c__error(K6C_EINVAL,
				"failed parsing threshold expression's \"%s\" left "
				"hand side; reason: malformed threshold aggregation method \"%.*s\"",
				source, (int)ln, ls);
		const char *ps = ls + 2;
		int pn = (int)(ln - 3);
		double p = 0;
		if ((pf = go_parse_float(ps, (size_t)pn, &p)) == PF_NOMEM)
			return k6c__error(K6C_ENOMEM, "out of memory");
		if (pf != PF_OK)
			return k6c__error(K6C_EINVAL,
				"failed parsing threshold expression's \"%s\" left "
				"hand side; reason: malformed percentile value; strconv.ParseFloat: parsing "
				"\"%.*s\": %s",
				source, pn, ps, parse_float_reason(pf));
		if (!(p >= 0 && p <= 100))
			return k6c__error(K6C_EINVAL,
				"failed parsing threshold expression's \"%s\" left "
				"hand side; reason: malformed percentile value; %.*s is not between 0 and "
				"100",
				source, pn, ps);
		out->agg = K6C__AGG_PERCENTILE;
		out->percentile = p;
	}

	if ((pf = go_parse_float(rs, (size_t)(re - rs), &out->value)) == PF_NOMEM)
		return k6c__error(K6C_ENOMEM, "out of memory");
	if (pf != PF_OK)
		return k6c__error(K6C_EINVAL,
			"failed parsing threshold expression's \"%s\" right hand "
			"side; reason: strconv.ParseFloat: parsing \"%.*s\": %s",
			source, (int)(re - rs), rs, parse_float_reason(pf));
	return 0;
}

bool k6c__threshold_expr_holds(const k6c__threshold_expr *e, double lhs)
{
	switch (e->op) {
	case K6C__OP_LE:
		return lhs <= e->value;
	case K6C__OP_LT:
		return lhs < e->value;
	case K6C__OP_GE:
		return lhs >= e->value;
	case K6C__OP_GT:
		return lhs > e->value;
	case K6C__OP_EQ:
		return lhs == e->value;
	case K6C__OP_NE:
		return lhs != e->value;
	}
	return false;
}

bool k6c__threshold_agg_allowed(k6c__metric_type type, k6c__threshold_agg agg)
{
	switch (type) {
	case K6C__COUNTER:
		return agg == K6C__AGG_COUNT || agg == K6C__AGG_RATE;
	case K6C__GAUGE:
		return agg == K6C__AGG_VALUE;
	case K6C__RATE:
		return agg == K6C__AGG_RATE;
	case K6C__TREND:
		return agg == K6C__AGG_AVG || agg == K6C__AGG_MIN || agg == K6C__AGG_MAX ||
			agg == K6C__AGG_MED || agg == K6C__AGG_PERCENTILE;
	}
	return false;
}

static const char *supported_aggs(k6c__metric_type type)
{
	switch (type) {
	case K6C__COUNTER:
		return "[count rate]";
	case K6C__GAUGE:
		return "[value]";
	case K6C__RATE:
		return "[rate]";
	case K6C__TREND:
		return "[avg min max med p(N)]";
	}
	return "[]";
}

/* The shortest "%g" form that reads back as v, as Go's %g prints it. */
static void shortest(char *out, size_t cap, double v)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, cap, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

/* The name k6c__metrics_stat knows the aggregation by. */
static void stat_name(const k6c__threshold_expr *e, char *out, size_t cap)
{
	char num[32];

	if (e->agg != K6C__AGG_PERCENTILE) {
		for (size_t k = 0; k < K6C__ARRAY_LEN(agg_tokens); k++) {
			if (agg_tokens[k].agg == e->agg)
				snprintf(out, cap, "%s", agg_tokens[k].token);
		}
		return;
	}
	shortest(num, sizeof(num), e->percentile);
	snprintf(out, cap, "p(%s)", num);
}

/* ---- the option -------------------------------------------------------- */

void k6c__thresholds_free(k6c__thresholds *th)
{
	if (th == NULL)
		return;
	for (size_t i = 0; i < th->nmetrics; i++) {
		k6c__free(th->metrics[i].key);
		k6c__free(th->metrics[i].name);
	}
	for (size_t i = 0; i < th->nthrs; i++)
		k6c__free(th->thrs[i].source);
	k6c__free(th->metrics);
	k6c__free(th->thrs);
	k6c__free(th->results);
	k6c__free(th->abort_metrics);
	k6c__free(th);
}

/* Whether obj has key again after index i (a later duplicate wins, as in a
 * Go map). */
static bool key_repeats(const k6c__json *obj, size_t i)
{
	for (size_t j = i + 1; j < obj->len; j++) {
		if (strcmp(obj->keys[j], obj->keys[i]) == 0)
			return true;
	}
	return false;
}

/* Reads one item of a metric's array into t (source copied). */
static int parse_item(const char *metric, const k6c__json *item, thr *t)
{
	const k6c__json *v;
	const char *src = "";
	int rc;

	if (item->type == K6C__JSON_STRING) {
		src = item->string;
	} else if (item->type == K6C__JSON_OBJECT) {
		if ((v = k6c__json_get(item, "threshold")) != NULL && v->type != K6C__JSON_NULL) {
			if (v->type != K6C__JSON_STRING)
				return k6c__error(K6C_ECONFIG,
					"invalid threshold defined on %s: "
					"\"threshold\" must be a string",
					metric);
			src = v->string;
		}
		if ((v = k6c__json_get(item, "abortOnFail")) != NULL && v->type != K6C__JSON_NULL) {
			if (v->type != K6C__JSON_BOOL)
				return k6c__error(K6C_ECONFIG,
					"invalid threshold \"%s\" defined on %s: "
					"\"abortOnFail\" must be true or false",
					src, metric);
			t->abort_on_fail = v->boolean;
		}
		if ((v = k6c__json_get(item, "delayAbortEval")) != NULL &&
			v->type != K6C__JSON_NULL) {
			k6c__buf text = K6C__BUF_INIT;
			if (v->type == K6C__JSON_STRING)
				rc = k6c__buf_puts(&text, v->string);
			else if (v->type == K6C__JSON_NUMBER)
				rc = k6c__json_write(&text, v);
			else
				rc = K6C_EINVAL;
			if (rc == 0)
				rc = k6c__duration_parse(text.ptr ? text.ptr : "", &t->delay_ms);
			if (rc == K6C_ENOMEM) {
				k6c__buf_free(&text);
				return k6c__error(K6C_ENOMEM, "out of memory");
			}
			if (rc != 0) {
				rc = k6c__error(K6C_ECONFIG,
					"invalid threshold \"%s\" defined on %s: "
					"\"delayAbortEval\" must be a duration such as \"10s\"",
					src, metric);
				k6c__buf_free(&text);
				return rc;
			}
			k6c__buf_free(&text);
			t->has_delay = true;
		}
	} else {
		return k6c__error(K6C_ECONFIG,
			"invalid threshold defined on %s: expected an "
			"expression string or an object {threshold, abortOnFail, delayAbortEval}",
			metric);
	}
	if ((rc = k6c__threshold_expr_parse(src, &t->expr)) != 0) {
		if (rc == K6C_ENOMEM)
			return rc;
		char why[512];
		snprintf(why, sizeof(why), "%s", k6c_error_last() ? k6c_error_last()->message : "");
		return k6c__error(K6C_ECONFIG, "invalid threshold defined on %s: %s", metric, why);
	}
	stat_name(&t->expr, t->stat, sizeof(t->stat));
	if ((t->source = k6c__strdup(src)) == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	return 0;
}

int k6c__thresholds_parse(k6c__thresholds **out, const char *json, size_t len)
{
	k6c__json *doc = NULL;
	k6c__thresholds *th;
	size_t nthrs = 0, nmetrics = 0;
	int rc;

	if (out == NULL || json == NULL)
		return k6c__error(K6C_EINVAL, "k6c__thresholds_parse: NULL argument");
	*out = NULL;
	if ((rc = k6c__json_parse(&doc, json, len)) != 0) {
		if (rc == K6C_ENOMEM)
			return rc;
		char why[512];
		snprintf(why, sizeof(why), "%s", k6c_error_last() ? k6c_error_last()->message : "");
		return k6c__error(K6C_ECONFIG, "invalid option \"thresholds\": %s", why);
	}
	if (doc->type != K6C__JSON_OBJECT) {
		k6c__json_free(doc);
		return k6c__error(K6C_ECONFIG,
			"invalid option \"thresholds\": expected an object of "
			"metric names to arrays of threshold expressions");
	}
	for (size_t i = 0; i < doc->len; i++) {
		const k6c__json *v = doc->items[i];
		if (key_repeats(doc, i))
			continue;
		if (v->type != K6C__JSON_ARRAY && v->type != K6C__JSON_NULL) {
			rc = k6c__error(K6C_ECONFIG,
				"invalid threshold defined on %s: expected an array "
				"of threshold expressions",
				doc->keys[i]);
			k6c__json_free(doc);
			return rc;
		}
		nmetrics++;
		if (v->type == K6C__JSON_ARRAY)
			nthrs += v->len;
	}

	th = k6c__calloc(1, sizeof(*th));
	if (th == NULL ||
		(nmetrics && !(th->metrics = k6c__calloc(nmetrics, sizeof(*th->metrics)))) ||
		(nthrs &&
			(!(th->thrs = k6c__calloc(nthrs, sizeof(*th->thrs))) ||
				!(th->results = k6c__calloc(nthrs, sizeof(*th->results)))))) {
		k6c__thresholds_free(th);
		k6c__json_free(doc);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < doc->len && rc == 0; i++) {
		const k6c__json *v = doc->items[i];
		if (key_repeats(doc, i))
			continue;
		tmetric *tm = &th->metrics[th->nmetrics];
		tm->id = -1;
		if ((tm->key = k6c__strdup(doc->keys[i])) == NULL) {
			rc = k6c__error(K6C_ENOMEM, "out of memory");
			break;
		}
		th->nmetrics++;
		for (size_t j = 0; v->type == K6C__JSON_ARRAY && j < v->len; j++) {
			thr *t = &th->thrs[th->nthrs];
			if ((rc = parse_item(tm->key, v->items[j], t)) != 0) {
				k6c__free(t->source);
				memset(t, 0, sizeof(*t));
				break;
			}
			t->metric = th->nmetrics - 1;
			th->nthrs++;
		}
	}
	k6c__json_free(doc);
	if (rc != 0) {
		k6c__thresholds_free(th);
		return rc;
	}
	for (size_t i = 0; i < th->nthrs; i++) {
		th->results[i].metric = th->metrics[th->thrs[i].metric].key;
		th->results[i].source = th->thrs[i].source;
		th->results[i].ok = true;
	}
	*out = th;
	return 0;
}

size_t k6c__thresholds_count(const k6c__thresholds *th)
{
	return th ? th->nthrs : 0;
}

/* ---- validation -------------------------------------------------------- */

/* Resolves one metric key to a registry id, adding a submetric if needed. */
static int resolve_metric(k6c__metrics *m, tmetric *tm)
{
	char why[512];
	int id = -1, rc;

	if (strchr(tm->key, '{') != NULL || strchr(tm->key, '}') != NULL) {
		rc = k6c__metrics_add_submetric(m, tm->key, &id);
		if (rc == K6C_ENOMEM)
			return rc;
		if (rc != 0) {
			snprintf(why, sizeof(why), "%s",
				k6c_error_last() ? k6c_error_last()->message : "");
			if (rc == K6C_ENOTFOUND)
				return k6c__error(K6C_ECONFIG,
					"invalid threshold defined on %s; reason: %s", tm->key,
					why);
			return k6c__error(K6C_ECONFIG,
				"invalid metric '%s' in threshold definitions: %s", tm->key, why);
		}
	} else if ((id = k6c__metrics_find(m, tm->key)) < 0) {
		return k6c__error(K6C_ECONFIG,
			"invalid threshold defined on %s; reason: no metric name "
			"\"%s\" found",
			tm->key, tm->key);
	}

	k6c__metric_info info;
	if ((rc = k6c__metrics_info(m, id, &info)) != 0)
		return rc;
	k6c__free(tm->name);
	if ((tm->name = k6c__strdup(info.name)) == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	tm->id = id;
	tm->type = info.type;
	return 0;
}

int k6c__thresholds_bind(k6c__thresholds *th, k6c__metrics *m)
{
	int rc;

	if (th == NULL || m == NULL)
		return k6c__error(K6C_EINVAL, "k6c__thresholds_bind: NULL argument");
	/* The names of an earlier binding are about to be replaced. */
	th->bound = false;
	for (size_t k = 0; k < th->nthrs; k++)
		th->results[k].metric = th->metrics[th->thrs[k].metric].key;
	for (size_t i = 0; i < th->nmetrics; i++) {
		tmetric *tm = &th->metrics[i];
		if ((rc = resolve_metric(m, tm)) != 0)
			return rc;
		for (size_t k = 0; k < th->nthrs; k++) {
			const thr *t = &th->thrs[k];
			if (t->metric != i || k6c__threshold_agg_allowed(tm->type, t->expr.agg))
				continue;
			/* The aggregation as written, for the message. */
			const char *s = t->source, *e = s + strcspn(s, "<>=!");
			trim_space(&s, &e);
			return k6c__error(K6C_ECONFIG,
				"invalid threshold \"%s\" applied on metric %s; "
				"reason: unsupported aggregation method %.*s on metric of type %s. supported "
				"aggregation methods for this metric are: %s",
				t->source, tm->key, (int)(e - s), s,
				k6c__metric_type_name(tm->type), supported_aggs(tm->type));
		}
	}
	for (size_t k = 0; k < th->nthrs; k++)
		th->results[k].metric = th->metrics[th->thrs[k].metric].name;
	th->bound = true;
	return 0;
}

/* ---- evaluation -------------------------------------------------------- */

void k6c__thresholds_set_abort(k6c__thresholds *th, k6c__thresholds_abort_fn fn, void *arg)
{
	if (th == NULL)
		return;
	th->abort_fn = fn;
	th->abort_arg = arg;
}

void k6c__thresholds_start(k6c__thresholds *th)
{
	if (th == NULL)
		return;
	th->start_ns = k6c__now_ns();
	th->next_ns = th->start_ns + PERIOD_NS;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The metrics with a failed threshold (in results), sorted, ", "-joined. */
static int failed_names(const k6c__thresholds *th, k6c__buf *out)
{
	const char **names;
	size_t n = 0;
	int rc = 0;

	if (th->nthrs == 0)
		return 0;
	if ((names = k6c__calloc(th->nthrs, sizeof(*names))) == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (size_t i = 0; i < th->nthrs; i++) {
		if (!th->results[i].ok)
			names[n++] = th->results[i].metric;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0, shown = 0; i < n && rc == 0; i++) {
		if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		rc = k6c__buf_printf(out, "%s%s", shown++ ? ", " : "", names[i]);
	}
	k6c__free(names);
	return rc;
}

int k6c__thresholds_evaluate(k6c__thresholds *th, k6c__metrics *m, double elapsed_ms, bool final)
{
	bool abort = false;
	int rc;

	if (th == NULL || m == NULL)
		return k6c__error(K6C_EINVAL, "k6c__thresholds_evaluate: NULL argument");
	if (!th->bound)
		return k6c__error(K6C_ESTATE,
			"thresholds are evaluated before they were validated");
	for (size_t i = 0; i < th->nmetrics; i++) {
		const tmetric *tm = &th->metrics[i];
		uint64_t n = k6c__metrics_sample_count(m, tm->id);
		/* During the run k6 only looks at sinks that received samples. */
		if (!final && n == 0)
			continue;
		for (size_t k = 0; k < th->nthrs; k++) {
			const thr *t = &th->thrs[k];
			double v;
			bool ok;

			if (t->metric != i)
				continue;
			if (tm->type == K6C__RATE && n == 0) {
				/* k6 has no rate for an empty Rate sink, and a
				 * threshold without its value passes. */
				ok = true;
			} else {
				if ((rc = k6c__metrics_stat(m, tm->id, t->stat, elapsed_ms, &v)) !=
					0)
					return rc;
				ok = k6c__threshold_expr_holds(&t->expr, v);
			}
			th->results[k].ok = ok;
			/* k6 aborts once the test time is past delayAbortEval. */
			if (!ok && !final && t->abort_on_fail &&
				(!t->has_delay || t->delay_ms < elapsed_ms))
				abort = true;
		}
	}
	if (abort && !th->aborted) {
		k6c__buf names = K6C__BUF_INIT;
		th->aborted = true;
		/* Out of memory only loses the names in the message. */
		if (failed_names(th, &names) == 0 && names.ptr != NULL)
			th->abort_metrics = k6c__buf_detach(&names);
		k6c__buf_free(&names);
		if (th->abort_fn != NULL)
			th->abort_fn(th->abort_arg);
	}
	return 0;
}

void k6c__thresholds_tick(k6c__metrics *m, void *arg)
{
	k6c__thresholds *th = arg;

	if (th == NULL || !th->bound || th->start_ns == 0)
		return;
	uint64_t now = k6c__now_ns();
	if (now < th->next_ns)
		return;
	/* Keep the 2 s cadence from the start; a late round does not bunch up
	 * the next ones. */
	while (th->next_ns <= now)
		th->next_ns += PERIOD_NS;
	/* Nothing to report to from this thread: the aggregations were
	 * validated by bind, so this cannot fail. */
	(void)k6c__thresholds_evaluate(th, m, (double)(now - th->start_ns) / 1e6, false);
}

const k6c__summary_threshold *k6c__thresholds_results(const k6c__thresholds *th, size_t *n)
{
	if (n != NULL)
		*n = th ? th->nthrs : 0;
	return th ? th->results : NULL;
}

bool k6c__thresholds_failed(const k6c__thresholds *th)
{
	for (size_t i = 0; th != NULL && i < th->nthrs; i++) {
		if (!th->results[i].ok)
			return true;
	}
	return false;
}

int k6c__thresholds_crossed(const k6c__thresholds *th, k6c__buf *out)
{
	if (th == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__thresholds_crossed: NULL argument");
	return failed_names(th, out);
}

bool k6c__thresholds_aborted(const k6c__thresholds *th, const char **metrics)
{
	bool aborted = th != NULL && th->aborted;

	if (metrics != NULL)
		*metrics = aborted ? (th->abort_metrics ? th->abort_metrics : "") : NULL;
	return aborted;
}
