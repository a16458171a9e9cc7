/*
 * json.c - a strict RFC 8259 parser into a small DOM, and a compact writer.
 *
 * The parser is recursive descent with an explicit depth limit, so hostile
 * input cannot exhaust the stack. Input must be UTF-8 (checked), strings are
 * copied byte for byte and \uXXXX escapes (including surrogate pairs) become
 * UTF-8. Errors name the byte offset. Numbers are converted with the C locale
 * whatever locale the host program set, so "1.5" means the same everywhere.
 */
#include "json.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 512

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* strtod that always reads '.' as the decimal point. */
static double c_strtod(const char *s, char **end)
{
	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale != (locale_t)0)
		return strtod_l(s, end, c_locale);
	return strtod(s, end);
}

/* ---- DOM ------------------------------------------------------------- */

void k6c__json_free(k6c__json *v)
{
	size_t i;

	if (v == NULL)
		return;
	if (v->type == K6C__JSON_ARRAY || v->type == K6C__JSON_OBJECT) {
		for (i = 0; i < v->len; i++) {
			k6c__json_free(v->items[i]);
			if (v->keys)
				k6c__free(v->keys[i]);
		}
	}
	k6c__free(v->items);
	k6c__free(v->keys);
	k6c__free(v->string);
	k6c__free(v);
}

const k6c__json *k6c__json_get(const k6c__json *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != K6C__JSON_OBJECT)
		return NULL;
	/* Duplicate keys are legal JSON; like JavaScript, the last one wins. */
	for (i = obj->len; i-- > 0;)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

k6c__json *k6c__json_clone(const k6c__json *v)
{
	k6c__json *c;
	size_t i;

	if (v == NULL)
		return NULL;
	c = k6c__calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->type = v->type;
	c->boolean = v->boolean;
	c->number = v->number;
	switch (v->type) {
	case K6C__JSON_STRING:
		c->string = k6c__strndup(v->string, v->len);
		if (c->string == NULL)
			goto oom;
		c->len = v->len;
		break;
	case K6C__JSON_ARRAY:
	case K6C__JSON_OBJECT:
		c->items = k6c__calloc(v->len, sizeof(*c->items));
		if (c->items == NULL)
			goto oom;
		if (v->type == K6C__JSON_OBJECT) {
			c->keys = k6c__calloc(v->len, sizeof(*c->keys));
			if (c->keys == NULL)
				goto oom;
		}
		/* len grows with each copied item so k6c__json_free can undo a
		 * partial copy. */
		for (i = 0; i < v->len; i++) {
			k6c__json *item = k6c__json_clone(v->items[i]);
			char *key = NULL;

			if (item == NULL)
				goto oom;
			if (c->keys && (key = k6c__strdup(v->keys[i])) == NULL) {
				k6c__json_free(item);
				goto oom;
			}
			c->items[i] = item;
			if (c->keys)
				c->keys[i] = key;
			c->len = i + 1;
		}
		break;
	default:
		break;
	}
	return c;
oom:
	k6c__json_free(c);
	return NULL;
}

/* ---- parser ---------------------------------------------------------- */

typedef struct parser {
	const char *s;
	size_t len;
	size_t pos;
} parser;

static int perr(const parser *p, const char *what)
{
	if (p->pos >= p->len)
		return k6c__error(K6C_EINVAL, "invalid JSON at byte %zu: %s, found the end of the "
				  "input", p->pos, what);
	return k6c__error(K6C_EINVAL, "invalid JSON at byte %zu: %s", p->pos, what);
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static bool peek_is(const parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_value(parser *p, k6c__json *v, int depth);

static int parse_literal(parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return perr(p, "expected a value");
	p->pos += n;
	return 0;
}

static int parse_number(parser *p, k6c__json *v)
{
	size_t start = p->pos, n;
	char tmp[64], *heap = NULL, *str, *end;
	double d;

	/* Check the exact RFC grammar first: strtod would also accept "0x10",
	 * "inf", ".5", "1." and leading zeros. */
	if (peek_is(p, '-'))
		p->pos++;
	if (peek_is(p, '0')) {
		p->pos++;
	} else if (p->pos < p->len && is_digit(p->s[p->pos])) {
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	} else {
		return perr(p, "expected a digit");
	}
	if (peek_is(p, '.')) {
		p->pos++;
		if (!(p->pos < p->len && is_digit(p->s[p->pos])))
			return perr(p, "expected a digit after the decimal point");
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	if (peek_is(p, 'e') || peek_is(p, 'E')) {
		p->pos++;
		if (peek_is(p, '+') || peek_is(p, '-'))
			p->pos++;
		if (!(p->pos < p->len && is_digit(p->s[p->pos])))
			return perr(p, "expected a digit in the exponent");
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	/* The input is not NUL-terminated, so convert a copy. */
	n = p->pos - start;
	str = tmp;
	if (n >= sizeof(tmp)) {
		heap = k6c__strndup(p->s + start, n);
		if (heap == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
		str = heap;
	} else {
		memcpy(tmp, p->s + start, n);
		tmp[n] = '\0';
	}
	d = c_strtod(str, &end);
	k6c__free(heap);
	if (!isfinite(d)) {
		p->pos = start;
		return perr(p, "number out of range");
	}
	v->type = K6C__JSON_NUMBER;
	v->number = d;
	return 0;
}

static int hex4(parser *p, unsigned *out)
{
	unsigned u = 0;
	size_t i;

	if (p->len - p->pos < 4)
		return perr(p, "expected four hex digits after \\u");
	for (i = 0; i < 4; i++) {
		char c = p->s[p->pos + i];

		u <<= 4;
		if (c >= '0' && c <= '9')
			u |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			u |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			u |= (unsigned)(c - 'A' + 10);
		else {
			p->pos += i;
			return perr(p, "expected a hex digit in a \\u escape");
		}
	}
	p->pos += 4;
	*out = u;
	return 0;
}

static int put_utf8(k6c__buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return k6c__buf_put(b, u, n);
}

/* Length of the valid UTF-8 sequence at s[0..avail), or 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Parses a string at p->pos (on the opening quote) into b. */
static int parse_string_into(parser *p, k6c__buf *b)
{
	int rc;

	p->pos++; /* opening quote */
	for (;;) {
		size_t run = p->pos;
		unsigned char c;

		/* Copy plain runs in one go; most strings have no escapes. */
		while (p->pos < p->len) {
			c = (unsigned char)p->s[p->pos];
			if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
				break;
			p->pos++;
		}
		if (p->pos > run && (rc = k6c__buf_put(b, p->s + run, p->pos - run)) < 0)
			return rc;
		if (p->pos >= p->len)
			return perr(p, "unterminated string");
		c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			/* An empty string still needs its NUL terminator. */
			return k6c__buf_put(b, "", 0);
		}
		if (c < 0x20)
			return perr(p, "control character in a string (escape it)");
		if (c >= 0x80) {
			size_t n = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);

			if (n == 0)
				return perr(p, "invalid UTF-8 in a string");
			if ((rc = k6c__buf_put(b, p->s + p->pos, n)) < 0)
				return rc;
			p->pos += n;
			continue;
		}
		/* A backslash escape. */
		p->pos++;
		if (p->pos >= p->len)
			return perr(p, "unterminated escape");
		c = (unsigned char)p->s[p->pos];
		switch (c) {
		case '"': case '\\': case '/':
			rc = k6c__buf_putc(b, (char)c); break;
		case 'b': rc = k6c__buf_putc(b, '\b'); break;
		case 'f': rc = k6c__buf_putc(b, '\f'); break;
		case 'n': rc = k6c__buf_putc(b, '\n'); break;
		case 'r': rc = k6c__buf_putc(b, '\r'); break;
		case 't': rc = k6c__buf_putc(b, '\t'); break;
		case 'u': {
			unsigned cp, lo;

			p->pos++;
			if ((rc = hex4(p, &cp)) < 0)
				return rc;
			if (cp >= 0xd800 && cp <= 0xdbff && p->len - p->pos >= 6 &&
			    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
				size_t save = p->pos;

				p->pos += 2;
				if ((rc = hex4(p, &lo)) < 0)
					return rc;
				if (lo >= 0xdc00 && lo <= 0xdfff)
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				else
					p->pos = save;  /* not a pair: the next escape stands alone */
			}
			/* A lone surrogate has no UTF-8 form; use U+FFFD as Go and
			 * Python's surrogate-free decoders do. */
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			if ((rc = put_utf8(b, cp)) < 0)
				return rc;
			continue;
		}
		default:
			return perr(p, "invalid escape in a string");
		}
		if (rc < 0)
			return rc;
		p->pos++;
	}
}

static int parse_string(parser *p, k6c__json *v)
{
	k6c__buf b = K6C__BUF_INIT;
	int rc = parse_string_into(p, &b);

	if (rc < 0) {
		k6c__buf_free(&b);
		return rc;
	}
	v->type = K6C__JSON_STRING;
	v->len = b.len;
	v->string = k6c__buf_detach(&b);
	return v->string != NULL ? 0 : k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
}

/* Appends a fresh item (and key) to an array or object, growing its arrays
 * by doubling; *cap is the caller's capacity. The key is owned on success. */
static int add_item(k6c__json *v, size_t *cap, char *key, k6c__json **item_out)
{
	k6c__json *item;

	if (v->len == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		k6c__json **items = k6c__realloc(v->items, ncap * sizeof(*items));

		if (items == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
		v->items = items;
		if (v->type == K6C__JSON_OBJECT) {
			char **keys = k6c__realloc(v->keys, ncap * sizeof(*keys));

			if (keys == NULL)
				return k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
			v->keys = keys;
		}
		*cap = ncap;
	}
	item = k6c__calloc(1, sizeof(*item));
	if (item == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
	v->items[v->len] = item;
	if (v->keys)
		v->keys[v->len] = key;
	v->len++;
	*item_out = item;
	return 0;
}

static int parse_array(parser *p, k6c__json *v, int depth)
{
	size_t cap = 0;
	int rc;

	v->type = K6C__JSON_ARRAY;
	p->pos++;
	skip_ws(p);
	if (peek_is(p, ']')) {
		p->pos++;
		return 0;
	}
	for (;;) {
		k6c__json *item;

		if ((rc = add_item(v, &cap, NULL, &item)) < 0)
			return rc;
		if ((rc = parse_value(p, item, depth + 1)) < 0)
			return rc;
		skip_ws(p);
		if (peek_is(p, ',')) {
			p->pos++;
			continue;
		}
		if (peek_is(p, ']')) {
			p->pos++;
			return 0;
		}
		return perr(p, "expected ',' or ']' in an array");
	}
}

static int parse_object(parser *p, k6c__json *v, int depth)
{
	size_t cap = 0;
	int rc;

	v->type = K6C__JSON_OBJECT;
	p->pos++;
	skip_ws(p);
	if (peek_is(p, '}')) {
		p->pos++;
		return 0;
	}
	for (;;) {
		k6c__buf kb = K6C__BUF_INIT;
		k6c__json *item;
		char *key;

		skip_ws(p);
		if (!peek_is(p, '"'))
			return perr(p, "expected a string key in an object");
		if ((rc = parse_string_into(p, &kb)) < 0) {
			k6c__buf_free(&kb);
			return rc;
		}
		key = k6c__buf_detach(&kb);
		if (key == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
		if ((rc = add_item(v, &cap, key, &item)) < 0) {
			k6c__free(key);
			return rc;
		}
		skip_ws(p);
		if (!peek_is(p, ':'))
			return perr(p, "expected ':' after an object key");
		p->pos++;
		if ((rc = parse_value(p, item, depth + 1)) < 0)
			return rc;
		skip_ws(p);
		if (peek_is(p, ',')) {
			p->pos++;
			continue;
		}
		if (peek_is(p, '}')) {
			p->pos++;
			return 0;
		}
		return perr(p, "expected ',' or '}' in an object");
	}
}

static int parse_value(parser *p, k6c__json *v, int depth)
{
	skip_ws(p);
	if (p->pos >= p->len)
		return perr(p, "expected a value");
	switch (p->s[p->pos]) {
	case '{':
	case '[':
		if (depth >= JSON_MAX_DEPTH)
			return k6c__error(K6C_EINVAL, "invalid JSON at byte %zu: nesting deeper than "
					  "%d levels", p->pos, JSON_MAX_DEPTH);
		return p->s[p->pos] == '{' ? parse_object(p, v, depth) : parse_array(p, v, depth);
	case '"':
		return parse_string(p, v);
	case 't':
		v->type = K6C__JSON_BOOL;
		v->boolean = true;
		return parse_literal(p, "true");
	case 'f':
		v->type = K6C__JSON_BOOL;
		v->boolean = false;
		return parse_literal(p, "false");
	case 'n':
		v->type = K6C__JSON_NULL;
		return parse_literal(p, "null");
	default:
		if (p->s[p->pos] == '-' || is_digit(p->s[p->pos]))
			return parse_number(p, v);
		return perr(p, "expected a value");
	}
}

int k6c__json_parse(k6c__json **out, const char *text, size_t len)
{
	parser p = { text, len, 0 };
	k6c__json *v;
	int rc;

	*out = NULL;
	v = k6c__calloc(1, sizeof(*v));
	if (v == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory parsing JSON");
	rc = parse_value(&p, v, 0);
	if (rc == 0) {
		skip_ws(&p);
		if (p.pos < p.len)
			rc = perr(&p, "unexpected data after the JSON value");
	}
	if (rc < 0) {
		k6c__json_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* ---- writer ---------------------------------------------------------- */

int k6c__json_write_string(k6c__buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	int rc;

	if ((rc = k6c__buf_putc(out, '"')) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			elen = 6;
			break;
		}
		if ((rc = k6c__buf_put(out, s + run, i - run)) < 0 ||
		    (rc = k6c__buf_put(out, esc, elen)) < 0)
			return rc;
		run = i + 1;
	}
	if ((rc = k6c__buf_put(out, s + run, n - run)) < 0)
		return rc;
	return k6c__buf_putc(out, '"');
}

int k6c__json_write_number(k6c__buf *out, double v)
{
	char tmp[40], *e;
	int prec;
	size_t i;

	if (!isfinite(v))
		return k6c__buf_puts(out, "null");
	/* Integers that doubles represent exactly print without a fraction
	 * (and -0 as 0, like JSON.stringify). */
	if (v == trunc(v) && fabs(v) < 9007199254740992.0)
		return k6c__buf_printf(out, "%lld", (long long)v);
	/* Otherwise the shortest %g form that reads back as the same double. */
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		/* The host's locale may use ',' as decimal point; JSON needs '.'. */
		for (i = 0; tmp[i]; i++)
			if (tmp[i] != '-' && tmp[i] != '+' && tmp[i] != 'e' &&
			    (tmp[i] < '0' || tmp[i] > '9'))
				tmp[i] = '.';
		if (c_strtod(tmp, NULL) == v)
			break;
	}
	/* "1e+21" and "1.5e-07" -> drop exponent zeros: "1.5e-7", as JS does. */
	e = strchr(tmp, 'e');
	if (e != NULL) {
		char *d = e + 2, *z = d;

		while (*z == '0' && z[1] != '\0')
			z++;
		memmove(d, z, strlen(z) + 1);
	}
	return k6c__buf_puts(out, tmp);
}

static int write_value(k6c__buf *out, const k6c__json *v)
{
	size_t i;
	int rc;

	switch (v->type) {
	case K6C__JSON_NULL:
		return k6c__buf_puts(out, "null");
	case K6C__JSON_BOOL:
		return k6c__buf_puts(out, v->boolean ? "true" : "false");
	case K6C__JSON_NUMBER:
		return k6c__json_write_number(out, v->number);
	case K6C__JSON_STRING:
		return k6c__json_write_string(out, v->string ? v->string : "", v->string ? v->len : 0);
	case K6C__JSON_ARRAY:
	case K6C__JSON_OBJECT:
		if ((rc = k6c__buf_putc(out, v->type == K6C__JSON_ARRAY ? '[' : '{')) < 0)
			return rc;
		for (i = 0; i < v->len; i++) {
			if (i > 0 && (rc = k6c__buf_putc(out, ',')) < 0)
				return rc;
			if (v->type == K6C__JSON_OBJECT) {
				if ((rc = k6c__json_write_string(out, v->keys[i], strlen(v->keys[i]))) < 0 ||
				    (rc = k6c__buf_putc(out, ':')) < 0)
					return rc;
			}
			if ((rc = write_value(out, v->items[i])) < 0)
				return rc;
		}
		return k6c__buf_putc(out, v->type == K6C__JSON_ARRAY ? ']' : '}');
	}
	return k6c__error(K6C_EINVAL, "invalid JSON value type %d", (int)v->type);
}

int k6c__json_write(k6c__buf *out, const k6c__json *v)
{
	size_t start = out->len;
	int rc;

	if (v == NULL)
		return k6c__error(K6C_EINVAL, "no JSON value to write");
	rc = write_value(out, v);
	if (rc < 0) {
		/* Leave the buffer as it was rather than with half a document. */
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
	}
	return rc;
}
