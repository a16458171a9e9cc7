/*
 * selector.c - CSS selectors for k6/html: a recursive-descent compiler of
 * selector groups into compound selectors joined by combinators, and a
 * matcher that walks the document tree from the candidate element up and
 * left (right to left, as browsers match). Covers what goquery (cascadia)
 * gives k6 scripts; see k6c__hsel_compile in html.h for the list.
 */
#include "html/html.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum simple_kind {
	S_TAG,           /* name (lower case); "*" is no simple selector at all */
	S_ID,
	S_CLASS,
	S_ATTR,
	S_NTH,           /* a, b, last, of_type */
	S_NOT,
	S_HAS,
	S_CONTAINS,
	S_CONTAINS_OWN,
	S_EMPTY,
	S_ROOT,
	S_CHECKED,
	S_SELECTED,
	S_DISABLED,
	S_ENABLED,
	S_INPUT,
	S_BUTTON,
	S_TEXT,
	S_HEADER,
	S_LINK,
};

enum attr_op { A_EXISTS, A_EQ, A_WORD, A_DASH, A_PREFIX, A_SUFFIX, A_SUBSTR, A_NE };

typedef struct simple {
	unsigned char kind;
	unsigned char op;
	bool ci;              /* attribute value compared without case */
	bool last, of_type;   /* S_NTH */
	long a, b;            /* S_NTH: an+b */
	char *name;
	char *value;
	k6c__hsel *sub;       /* S_NOT, S_HAS */
} simple;

typedef struct compound {
	simple *s;
	size_t n;
	char comb;            /* how it relates to the compound before: ' ', '>', '+', '~' */
} compound;

typedef struct complex_sel {
	compound *c;
	size_t n;
} complex_sel;

struct k6c__hsel {
	complex_sel *v;
	size_t n;
};

/* ---- Freeing ------------------------------------------------------------- */

void k6c__hsel_free(k6c__hsel *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		complex_sel *cx = &s->v[i];

		for (size_t j = 0; j < cx->n; j++) {
			compound *cp = &cx->c[j];

			for (size_t k = 0; k < cp->n; k++) {
				k6c__free(cp->s[k].name);
				k6c__free(cp->s[k].value);
				k6c__hsel_free(cp->s[k].sub);
			}
			k6c__free(cp->s);
		}
		k6c__free(cx->c);
	}
	k6c__free(s->v);
	k6c__free(s);
}

/* ---- Parsing ----------------------------------------------------------------- */

#define MAX_NESTING 32

typedef struct parser {
	const char *text;   /* the whole selector, for messages */
	const char *p;
	int depth;          /* :not()/:has() nesting */
	int rc;             /* first error; 0 while none */
} parser;

static bool fail(parser *ps, int code, const char *what)
{
	if (ps->rc == 0) {
		if (code == K6C_ENOMEM)
			ps->rc = k6c__error(K6C_ENOMEM, "out of memory");
		else
			ps->rc = k6c__error(code, "invalid CSS selector \"%s\": %s at position %zu",
				ps->text, what, (size_t)(ps->p - ps->text) + 1);
	}
	return false;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void skip_ws(parser *ps)
{
	while (is_ws(*ps->p))
		ps->p++;
}

static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int put_utf8(k6c__buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return k6c__buf_put(b, u, n);
}

/* A backslash escape at ps->p (after the backslash), appended to b. */
static bool parse_escape(parser *ps, k6c__buf *b)
{
	if (k6c__hex_value(*ps->p) >= 0) {
		unsigned long cp = 0;
		int n = 0;

		while (n < 6 && k6c__hex_value(*ps->p) >= 0) {
			cp = cp * 16 + (unsigned long)k6c__hex_value(*ps->p++);
			n++;
		}
		if (is_ws(*ps->p))
			ps->p++;
		return put_utf8(b, cp) == 0 || fail(ps, K6C_ENOMEM, NULL);
	}
	if (*ps->p == '\0' || *ps->p == '\n')
		return fail(ps, K6C_EINVAL, "a backslash ends the selector");
	return k6c__buf_putc(b, *ps->p++) == 0 || fail(ps, K6C_ENOMEM, NULL);
}

/* An identifier (name_start: it may not begin with a digit) into *out. */
static bool parse_name(parser *ps, char **out, bool ident, const char *what)
{
	k6c__buf b = K6C__BUF_INIT;
	const char *start = ps->p;

	if (ident && ps->p[0] == '-' && (is_name_start((unsigned char)ps->p[1]) || ps->p[1] == '\\' ||
		ps->p[1] == '-')) {
		if (k6c__buf_putc(&b, *ps->p++) != 0)
			return fail(ps, K6C_ENOMEM, NULL);
		start = ps->p;
	}
	for (;;) {
		unsigned char c = (unsigned char)*ps->p;

		if (c == '\\') {
			ps->p++;
			if (!parse_escape(ps, &b)) {
				k6c__buf_free(&b);
				return false;
			}
		} else if (ident && ps->p == start && !is_name_start(c)) {
			break;
		} else if (is_name_char(c)) {
			if (k6c__buf_putc(&b, (char)c) != 0) {
				k6c__buf_free(&b);
				return fail(ps, K6C_ENOMEM, NULL);
			}
			ps->p++;
		} else {
			break;
		}
	}
	if (b.len == 0) {
		k6c__buf_free(&b);
		return fail(ps, K6C_EINVAL, what);
	}
	*out = k6c__buf_detach(&b);
	return *out != NULL || fail(ps, K6C_ENOMEM, NULL);
}

/* A quoted string ('...' or "...") into *out. */
static bool parse_string(parser *ps, char **out)
{
	k6c__buf b = K6C__BUF_INIT;
	char q = *ps->p++;

	while (*ps->p != q) {
		if (*ps->p == '\0') {
			k6c__buf_free(&b);
			return fail(ps, K6C_EINVAL, "unterminated string");
		}
		if (*ps->p == '\\') {
			ps->p++;
			if (*ps->p == '\n') {
				ps->p++;
				continue;
			}
			if (!parse_escape(ps, &b)) {
				k6c__buf_free(&b);
				return false;
			}
			continue;
		}
		if (k6c__buf_putc(&b, *ps->p++) != 0) {
			k6c__buf_free(&b);
			return fail(ps, K6C_ENOMEM, NULL);
		}
	}
	ps->p++;
	*out = k6c__buf_detach(&b);
	return *out != NULL || fail(ps, K6C_ENOMEM, NULL);
}

static void lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static simple *add_simple(parser *ps, compound *cp, int kind)
{
	simple *s = k6c__realloc(cp->s, (cp->n + 1) * sizeof(*s));

	if (s == NULL) {
		fail(ps, K6C_ENOMEM, NULL);
		return NULL;
	}
	cp->s = s;
	s = &s[cp->n++];
	memset(s, 0, sizeof(*s));
	s->kind = (unsigned char)kind;
	return s;
}

static bool parse_attr(parser *ps, compound *cp)
{
	simple *s = add_simple(ps, cp, S_ATTR);

	if (s == NULL)
		return false;
	ps->p++;   /* [ */
	skip_ws(ps);
	if (!parse_name(ps, &s->name, false, "expected an attribute name"))
		return false;
	lower(s->name);
	skip_ws(ps);
	if (*ps->p == ']') {
		ps->p++;
		s->op = A_EXISTS;
		return true;
	}
	switch (*ps->p) {
	case '=': s->op = A_EQ; break;
	case '~': s->op = A_WORD; break;
	case '|': s->op = A_DASH; break;
	case '^': s->op = A_PREFIX; break;
	case '$': s->op = A_SUFFIX; break;
	case '*': s->op = A_SUBSTR; break;
	case '!': s->op = A_NE; break;
	default: return fail(ps, K6C_EINVAL, "expected ] or an attribute operator");
	}
	if (s->op != A_EQ) {
		ps->p++;
		if (*ps->p != '=')
			return fail(ps, K6C_EINVAL, "expected =");
	}
	ps->p++;
	skip_ws(ps);
	if (*ps->p == '"' || *ps->p == '\'') {
		if (!parse_string(ps, &s->value))
			return false;
	} else if (!parse_name(ps, &s->value, false, "expected an attribute value")) {
		return false;
	}
	skip_ws(ps);
	if ((*ps->p == 'i' || *ps->p == 'I' || *ps->p == 's' || *ps->p == 'S') &&
		(is_ws(ps->p[1]) || ps->p[1] == ']')) {
		s->ci = *ps->p == 'i' || *ps->p == 'I';
		ps->p++;
		skip_ws(ps);
	}
	if (*ps->p != ']')
		return fail(ps, K6C_EINVAL, "expected ]");
	ps->p++;
	return true;
}

/* an+b, odd, even (the text between the parentheses). */
static bool parse_nth(parser *ps, simple *s)
{
	const char *p = ps->p, *end = strchr(p, ')');
	char buf[64], *q, *e;
	size_t n = 0;
	long a = 0, b = 0;

	if (end == NULL)
		return fail(ps, K6C_EINVAL, "expected )");
	for (; p < end; p++)
		if (!is_ws(*p)) {
			if (n + 1 >= sizeof(buf))
				return fail(ps, K6C_EINVAL, "invalid an+b expression");
			buf[n++] = (char)tolower((unsigned char)*p);
		}
	buf[n] = '\0';
	if (strcmp(buf, "odd") == 0) {
		a = 2;
		b = 1;
	} else if (strcmp(buf, "even") == 0) {
		a = 2;
		b = 0;
	} else if ((q = strchr(buf, 'n')) != NULL) {
		if (q == buf) {
			a = 1;
		} else if (q == buf + 1 && (buf[0] == '+' || buf[0] == '-')) {
			a = buf[0] == '-' ? -1 : 1;
		} else {
			a = strtol(buf, &e, 10);
			if (e != q)
				return fail(ps, K6C_EINVAL, "invalid an+b expression");
		}
		if (q[1] != '\0') {
			if (q[1] != '+' && q[1] != '-')
				return fail(ps, K6C_EINVAL, "invalid an+b expression");
			if (!isdigit((unsigned char)q[2]))
				return fail(ps, K6C_EINVAL, "invalid an+b expression");
			b = strtol(q + 1, &e, 10);
			if (*e != '\0')
				return fail(ps, K6C_EINVAL, "invalid an+b expression");
		}
	} else {
		if (buf[0] == '\0')
			return fail(ps, K6C_EINVAL, "invalid an+b expression");
		b = strtol(buf, &e, 10);
		if (*e != '\0')
			return fail(ps, K6C_EINVAL, "invalid an+b expression");
	}
	if (a > INT_MAX || a < -INT_MAX || b > INT_MAX || b < -INT_MAX)
		return fail(ps, K6C_EINVAL, "an+b out of range");
	s->a = a;
	s->b = b;
	ps->p = end + 1;
	return true;
}

static bool parse_group(parser *ps, k6c__hsel **out, bool nested);

static bool parse_pseudo(parser *ps, compound *cp)
{
	static const struct {
		const char *name;
		int kind;
	} plain[] = {
		{ "empty", S_EMPTY }, { "root", S_ROOT }, { "checked", S_CHECKED },
		{ "selected", S_SELECTED }, { "disabled", S_DISABLED }, { "enabled", S_ENABLED },
		{ "input", S_INPUT }, { "button", S_BUTTON }, { "text", S_TEXT },
		{ "header", S_HEADER }, { "link", S_LINK },
	};
	static const struct {
		const char *name;
		bool last, of_type;
		bool only;      /* first and last */
	} structural[] = {
		{ "first-child", false, false, false }, { "last-child", true, false, false },
		{ "only-child", false, false, true }, { "first-of-type", false, true, false },
		{ "last-of-type", true, true, false }, { "only-of-type", false, true, true },
	};
	static const struct {
		const char *name;
		bool last, of_type;
	} nth[] = {
		{ "nth-child", false, false }, { "nth-last-child", true, false },
		{ "nth-of-type", false, true }, { "nth-last-of-type", true, true },
	};
	const char *at = ps->p;
	char *name = NULL;
	simple *s;

	ps->p++;   /* : */
	if (*ps->p == ':')
		return fail(ps, K6C_EINVAL, "pseudo-elements are not supported");
	if (!parse_name(ps, &name, true, "expected a pseudo-class name"))
		return false;
	lower(name);
	for (size_t i = 0; i < K6C__ARRAY_LEN(plain); i++) {
		if (strcmp(name, plain[i].name) == 0) {
			k6c__free(name);
			return add_simple(ps, cp, plain[i].kind) != NULL;
		}
	}
	for (size_t i = 0; i < K6C__ARRAY_LEN(structural); i++) {
		if (strcmp(name, structural[i].name) != 0)
			continue;
		k6c__free(name);
		s = add_simple(ps, cp, S_NTH);
		if (s == NULL)
			return false;
		s->b = 1;
		s->of_type = structural[i].of_type;
		s->last = structural[i].last;
		if (structural[i].only) {
			s = add_simple(ps, cp, S_NTH);
			if (s == NULL)
				return false;
			s->b = 1;
			s->of_type = structural[i].of_type;
			s->last = true;
		}
		return true;
	}
	if (*ps->p != '(') {
		k6c__free(name);
		ps->p = at + 1;
		return fail(ps, K6C_EINVAL, "unknown pseudo-class");
	}
	ps->p++;
	skip_ws(ps);
	for (size_t i = 0; i < K6C__ARRAY_LEN(nth); i++) {
		if (strcmp(name, nth[i].name) != 0)
			continue;
		k6c__free(name);
		s = add_simple(ps, cp, S_NTH);
		if (s == NULL)
			return false;
		s->last = nth[i].last;
		s->of_type = nth[i].of_type;
		return parse_nth(ps, s);
	}
	if (strcmp(name, "not") == 0 || strcmp(name, "has") == 0) {
		s = add_simple(ps, cp, name[0] == 'n' ? S_NOT : S_HAS);
		k6c__free(name);
		if (s == NULL)
			return false;
		if (++ps->depth > MAX_NESTING)
			return fail(ps, K6C_EINVAL, "too deeply nested");
		if (!parse_group(ps, &s->sub, true))
			return false;
		ps->depth--;
		ps->p++;   /* ) */
		return true;
	}
	if (strcmp(name, "contains") == 0 || strcmp(name, "containsown") == 0) {
		s = add_simple(ps, cp, name[8] == '\0' ? S_CONTAINS : S_CONTAINS_OWN);
		k6c__free(name);
		if (s == NULL)
			return false;
		if (*ps->p == '"' || *ps->p == '\'') {
			if (!parse_string(ps, &s->value))
				return false;
		} else if (!parse_name(ps, &s->value, false, "expected the text to look for")) {
			return false;
		}
		skip_ws(ps);
		if (*ps->p != ')')
			return fail(ps, K6C_EINVAL, "expected )");
		ps->p++;
		return true;
	}
	k6c__free(name);
	ps->p = at + 1;
	return fail(ps, K6C_EINVAL, "unknown pseudo-class");
}

static bool parse_compound(parser *ps, compound *cp)
{
	const char *start = ps->p;

	if (*ps->p == '*') {
		ps->p++;
	} else if (is_name_start((unsigned char)*ps->p) || *ps->p == '\\' || *ps->p == '-') {
		simple *s = add_simple(ps, cp, S_TAG);

		if (s == NULL || !parse_name(ps, &s->name, true, "expected an element name"))
			return false;
		lower(s->name);
	}
	for (;;) {
		simple *s;

		switch (*ps->p) {
		case '#':
			ps->p++;
			s = add_simple(ps, cp, S_ID);
			if (s == NULL || !parse_name(ps, &s->name, false, "expected an id after #"))
				return false;
			break;
		case '.':
			ps->p++;
			s = add_simple(ps, cp, S_CLASS);
			if (s == NULL || !parse_name(ps, &s->name, true, "expected a class name after ."))
				return false;
			break;
		case '[':
			if (!parse_attr(ps, cp))
				return false;
			break;
		case ':':
			if (!parse_pseudo(ps, cp))
				return false;
			break;
		default:
			if (ps->p == start)
				return fail(ps, K6C_EINVAL, *ps->p == '\0' ? "the selector is empty or ends early" :
					"unexpected character");
			return true;
		}
	}
}

static bool parse_complex(parser *ps, complex_sel *cx)
{
	char comb = 0;

	for (;;) {
		compound *c = k6c__realloc(cx->c, (cx->n + 1) * sizeof(*c));

		if (c == NULL)
			return fail(ps, K6C_ENOMEM, NULL);
		cx->c = c;
		c = &c[cx->n++];
		memset(c, 0, sizeof(*c));
		c->comb = comb;
		if (!parse_compound(ps, c))
			return false;
		/* A combinator, or the end of this complex selector. */
		{
			const char *before = ps->p;

			skip_ws(ps);
			if (*ps->p == '>' || *ps->p == '+' || *ps->p == '~') {
				comb = *ps->p++;
				skip_ws(ps);
			} else if (ps->p != before && *ps->p != '\0' && *ps->p != ',' && *ps->p != ')') {
				comb = ' ';
			} else {
				return true;
			}
		}
	}
}

/* A comma-separated group; nested ones end at ')' (left for the caller). */
static bool parse_group(parser *ps, k6c__hsel **out, bool nested)
{
	k6c__hsel *g = k6c__calloc(1, sizeof(*g));

	*out = g;
	if (g == NULL)
		return fail(ps, K6C_ENOMEM, NULL);
	for (;;) {
		complex_sel *v;

		skip_ws(ps);
		v = k6c__realloc(g->v, (g->n + 1) * sizeof(*v));
		if (v == NULL)
			return fail(ps, K6C_ENOMEM, NULL);
		g->v = v;
		v = &v[g->n++];
		memset(v, 0, sizeof(*v));
		if (!parse_complex(ps, v))
			return false;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (nested && *ps->p == ')')
			return true;
		if (!nested && *ps->p == '\0')
			return true;
		return fail(ps, K6C_EINVAL, nested ? "expected , or )" : "unexpected character");
	}
}

int k6c__hsel_compile(k6c__hsel **out, const char *text)
{
	parser ps = { text, text, 0, 0 };
	k6c__hsel *g = NULL;

	*out = NULL;
	if (!parse_group(&ps, &g, false)) {
		k6c__hsel_free(g);
		return ps.rc;
	}
	*out = g;
	return 0;
}

/* ---- Matching ------------------------------------------------------------------ */

static bool word_in(const char *list, const char *word, bool ci)
{
	size_t wl = strlen(word);

	if (wl == 0)
		return false;
	for (const char *p = list; *p != '\0';) {
		const char *e;

		while (is_ws(*p))
			p++;
		e = p;
		while (*e != '\0' && !is_ws(*e))
			e++;
		if ((size_t)(e - p) == wl && (ci ? strncasecmp(p, word, wl) : strncmp(p, word, wl)) == 0)
			return true;
		p = e;
	}
	return false;
}

static bool starts_with(const char *s, const char *pre, bool ci)
{
	size_t n = strlen(pre);

	return ci ? strncasecmp(s, pre, n) == 0 : strncmp(s, pre, n) == 0;
}

static bool match_attr(const simple *s, const k6c__hnode *n)
{
	const char *v = k6c__hnode_attr(n, s->name);
	size_t vl, l;

	if (s->op == A_NE)
		return v == NULL || (s->ci ? strcasecmp(v, s->value) : strcmp(v, s->value)) != 0;
	if (v == NULL)
		return false;
	switch (s->op) {
	case A_EXISTS:
		return true;
	case A_EQ:
		return (s->ci ? strcasecmp(v, s->value) : strcmp(v, s->value)) == 0;
	case A_WORD:
		return strpbrk(s->value, " \t\n\r\f") == NULL && word_in(v, s->value, s->ci);
	case A_DASH:
		l = strlen(s->value);
		return starts_with(v, s->value, s->ci) && (v[l] == '\0' || v[l] == '-');
	case A_PREFIX:
		return s->value[0] != '\0' && starts_with(v, s->value, s->ci);
	case A_SUFFIX:
		l = strlen(s->value);
		vl = strlen(v);
		return l > 0 && vl >= l && (s->ci ? strcasecmp(v + vl - l, s->value) :
			strcmp(v + vl - l, s->value)) == 0;
	case A_SUBSTR:
		return s->value[0] != '\0' && (s->ci ? strcasestr(v, s->value) : strstr(v, s->value)) != NULL;
	default:
		return false;
	}
}

static bool nth_ok(long a, long b, long pos)
{
	if (a == 0)
		return pos == b;
	return (pos - b) % a == 0 && (pos - b) / a >= 0;
}

static bool text_contains(const k6c__hnode *n, const char *what, bool own)
{
	k6c__buf b = K6C__BUF_INIT;
	bool found;

	/* Out of memory reads as "not found": matching has no error path. */
	if ((own ? k6c__hnode_own_text(n, &b) : k6c__hnode_text(n, &b)) != 0) {
		k6c__buf_free(&b);
		return false;
	}
	found = strstr(b.ptr != NULL ? b.ptr : "", what) != NULL;
	k6c__buf_free(&b);
	return found;
}

static bool name_is(const k6c__hnode *n, const char *name)
{
	return strcmp(k6c__hnode_name(n), name) == 0;
}

static bool is_form_control(const k6c__hnode *n)
{
	return name_is(n, "input") || name_is(n, "button") || name_is(n, "select") ||
		name_is(n, "textarea") || name_is(n, "optgroup") || name_is(n, "option") ||
		name_is(n, "fieldset");
}

static bool match_simple(const simple *s, const k6c__hnode *n)
{
	const char *v;

	switch (s->kind) {
	case S_TAG:
		return strcmp(k6c__hnode_name(n), s->name) == 0;
	case S_ID:
		v = k6c__hnode_attr(n, "id");
		return v != NULL && strcmp(v, s->name) == 0;
	case S_CLASS:
		v = k6c__hnode_attr(n, "class");
		return v != NULL && word_in(v, s->name, false);
	case S_ATTR:
		return match_attr(s, n);
	case S_NTH:
		if (k6c__hnode_parent(n) == NULL)
			return false;
		return nth_ok(s->a, s->b, (long)k6c__hnode_index(n, s->of_type, s->last));
	case S_NOT:
		return !k6c__hsel_match(s->sub, n);
	case S_HAS:
		return k6c__hsel_next(s->sub, n, NULL) != NULL;
	case S_CONTAINS:
		return text_contains(n, s->value, false);
	case S_CONTAINS_OWN:
		return text_contains(n, s->value, true);
	case S_EMPTY:
		for (const k6c__hnode *c = k6c__hnode_first_child(n); c != NULL; c = k6c__hnode_next(c))
			if (k6c__hnode_type(c) == K6C__HNODE_ELEMENT || k6c__hnode_type(c) == K6C__HNODE_TEXT)
				return false;
		return true;
	case S_ROOT:
		return k6c__hnode_parent(n) != NULL &&
			k6c__hnode_type(k6c__hnode_parent(n)) == K6C__HNODE_DOCUMENT;
	case S_CHECKED:
		if (name_is(n, "input")) {
			v = k6c__hnode_attr(n, "type");
			return v != NULL && (strcasecmp(v, "checkbox") == 0 || strcasecmp(v, "radio") == 0) &&
				k6c__hnode_attr(n, "checked") != NULL;
		}
		return name_is(n, "option") && k6c__hnode_attr(n, "selected") != NULL;
	case S_SELECTED:
		return name_is(n, "option") && k6c__hnode_attr(n, "selected") != NULL;
	case S_DISABLED:
		return is_form_control(n) && k6c__hnode_attr(n, "disabled") != NULL;
	case S_ENABLED:
		return is_form_control(n) && k6c__hnode_attr(n, "disabled") == NULL;
	case S_INPUT:
		return name_is(n, "input") || name_is(n, "select") || name_is(n, "textarea") ||
			name_is(n, "button");
	case S_BUTTON:
		v = k6c__hnode_attr(n, "type");
		return name_is(n, "button") || (name_is(n, "input") && v != NULL &&
			strcasecmp(v, "button") == 0);
	case S_TEXT:
		v = k6c__hnode_attr(n, "type");
		return name_is(n, "input") && (v == NULL || strcasecmp(v, "text") == 0);
	case S_HEADER: {
		const char *nm = k6c__hnode_name(n);

		return nm[0] == 'h' && nm[1] >= '1' && nm[1] <= '6' && nm[2] == '\0';
	}
	case S_LINK:
		return (name_is(n, "a") || name_is(n, "area") || name_is(n, "link")) &&
			k6c__hnode_attr(n, "href") != NULL;
	default:
		return false;
	}
}

static bool match_compound(const compound *c, const k6c__hnode *n)
{
	for (size_t i = 0; i < c->n; i++)
		if (!match_simple(&c->s[i], n))
			return false;
	return true;
}

/* Whether n matches compound i of cx and everything before it. */
static bool match_from(const complex_sel *cx, size_t i, const k6c__hnode *n)
{
	const k6c__hnode *p;

	if (!match_compound(&cx->c[i], n))
		return false;
	if (i == 0)
		return true;
	switch (cx->c[i].comb) {
	case '>':
		p = k6c__hnode_parent_element(n);
		return p != NULL && match_from(cx, i - 1, p);
	case '+':
		p = k6c__hnode_prev_element(n);
		return p != NULL && match_from(cx, i - 1, p);
	case '~':
		for (p = k6c__hnode_prev_element(n); p != NULL; p = k6c__hnode_prev_element(p))
			if (match_from(cx, i - 1, p))
				return true;
		return false;
	default:
		for (p = k6c__hnode_parent_element(n); p != NULL; p = k6c__hnode_parent_element(p))
			if (match_from(cx, i - 1, p))
				return true;
		return false;
	}
}

bool k6c__hsel_match(const k6c__hsel *s, const k6c__hnode *n)
{
	if (k6c__hnode_type(n) != K6C__HNODE_ELEMENT)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].n > 0 && match_from(&s->v[i], s->v[i].n - 1, n))
			return true;
	return false;
}

k6c__hnode *k6c__hsel_next(const k6c__hsel *s, const k6c__hnode *root, const k6c__hnode *after)
{
	k6c__hnode *n = k6c__hnode_walk(after != NULL ? after : root, root);

	for (; n != NULL; n = k6c__hnode_walk(n, root))
		if (k6c__hsel_match(s, n))
			return n;
	return NULL;
}
