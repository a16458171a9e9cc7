/*
 * tjson.c - a small recursive-descent JSON parser for the test runners. The
 * summary documents are a few KiB, so a plain tree of malloc'd nodes is
 * enough; the point is to assert on values, not to search text, so that a
 * count in one metric cannot be mistaken for the same number in another.
 */
#include "tjson.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
	const char *s;
	size_t pos;
	char *err;
	size_t errlen;
	int depth;
} parser;

static void fail(parser *p, const char *what)
{
	if (p->err && p->errlen && !p->err[0])
		snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos);
}

static void skip_ws(parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\r')
		p->pos++;
}

static tj *node(tj_type t)
{
	tj *v = calloc(1, sizeof(*v));
	if (!v) {
		fprintf(stderr, "tjson: out of memory\n");
		abort();
	}
	v->type = t;
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(parser *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p->s[p->pos + (size_t)i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	p->pos += 4;
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decoded text is never longer than its escaped form, so the output buffer
 * can be sized from the raw span first. */
static char *parse_string(parser *p)
{
	size_t start, end;
	char *out, *o;

	if (p->s[p->pos] != '"') {
		fail(p, "expected string");
		return NULL;
	}
	start = ++p->pos;
	end = start;
	while (p->s[end] && p->s[end] != '"') {
		if ((unsigned char)p->s[end] < 0x20) {
			p->pos = end;
			fail(p, "control character in string");
			return NULL;
		}
		end += p->s[end] == '\\' && p->s[end + 1] ? 2 : 1;
	}
	if (p->s[end] != '"') {
		fail(p, "unterminated string");
		return NULL;
	}
	out = malloc(end - start + 1);
	if (!out)
		abort();
	o = out;
	while (p->pos < end) {
		char c = p->s[p->pos++];
		unsigned cp, lo;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = p->s[p->pos++];
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (read_hex4(p, &cp) < 0)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00 && p->s[p->pos] == '\\' &&
			    p->s[p->pos + 1] == 'u') {
				p->pos += 2;
				if (read_hex4(p, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			o += put_utf8(o, cp);
			break;
		default:
			goto bad;
		}
	}
	*o = '\0';
	p->pos = end + 1;
	return out;
bad:
	free(out);
	fail(p, "bad escape");
	return NULL;
}

static tj *parse_value(parser *p);

static tj *parse_container(parser *p, int is_obj)
{
	tj *v = node(is_obj ? TJ_OBJ : TJ_ARR);
	tj **tail = &v->child;
	char close = is_obj ? '}' : ']';

	p->pos++;
	skip_ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		tj *item;
		skip_ws(p);
		if (is_obj) {
			key = parse_string(p);
			if (!key)
				goto bad;
			skip_ws(p);
			if (p->s[p->pos] != ':') {
				free(key);
				fail(p, "expected ':'");
				goto bad;
			}
			p->pos++;
		}
		item = parse_value(p);
		if (!item) {
			free(key);
			goto bad;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		v->len++;
		skip_ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			return v;
		}
		fail(p, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
		goto bad;
	}
bad:
	tj_free(v);
	return NULL;
}

static tj *parse_number(parser *p)
{
	const char *s = p->s + p->pos;
	const char *q = s;
	char *end;
	tj *v;

	/* Validate the JSON grammar first: strtod accepts more (hex, inf). */
	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (*q >= '0' && *q <= '9')
			q++;
	else {
		fail(p, "bad number");
		return NULL;
	}
	if (*q == '.') {
		q++;
		if (!(*q >= '0' && *q <= '9')) {
			fail(p, "bad fraction");
			return NULL;
		}
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9')) {
			fail(p, "bad exponent");
			return NULL;
		}
		while (*q >= '0' && *q <= '9')
			q++;
	}
	v = node(TJ_NUM);
	v->num = strtod(s, &end);
	p->pos += (size_t)(q - s);
	return v;
}

static tj *parse_value(parser *p)
{
	tj *v = NULL;

	if (++p->depth > 200) {
		fail(p, "nested too deeply");
		return NULL;
	}
	skip_ws(p);
	switch (p->s[p->pos]) {
	case '{':
		v = parse_container(p, 1);
		break;
	case '[':
		v = parse_container(p, 0);
		break;
	case '"': {
		char *s = parse_string(p);
		if (s) {
			v = node(TJ_STR);
			v->str = s;
		}
		break;
	}
	case 't':
		if (!strncmp(p->s + p->pos, "true", 4)) {
			v = node(TJ_BOOL);
			v->num = 1;
			p->pos += 4;
		}
		break;
	case 'f':
		if (!strncmp(p->s + p->pos, "false", 5)) {
			v = node(TJ_BOOL);
			p->pos += 5;
		}
		break;
	case 'n':
		if (!strncmp(p->s + p->pos, "null", 4)) {
			v = node(TJ_NULL);
			p->pos += 4;
		}
		break;
	default:
		v = parse_number(p);
		break;
	}
	if (!v)
		fail(p, "unexpected character");
	p->depth--;
	return v;
}

tj *tj_parse(const char *text, char *err, size_t errlen)
{
	parser p = { text, 0, err, errlen, 0 };
	tj *v;

	if (err && errlen)
		err[0] = '\0';
	if (!text) {
		fail(&p, "NULL document");
		return NULL;
	}
	v = parse_value(&p);
	if (!v)
		return NULL;
	skip_ws(&p);
	if (p.s[p.pos]) {
		fail(&p, "trailing characters");
		tj_free(v);
		return NULL;
	}
	return v;
}

void tj_free(tj *v)
{
	while (v) {
		tj *next = v->next;
		tj_free(v->child);
		free(v->str);
		free(v->key);
		free(v);
		v = next;
	}
}

const tj *tj_get(const tj *obj, const char *key)
{
	if (!obj || obj->type != TJ_OBJ)
		return NULL;
	/* The last duplicate wins, as in JavaScript. */
	const tj *found = NULL;
	for (const tj *c = obj->child; c; c = c->next)
		if (!strcmp(c->key, key))
			found = c;
	return found;
}

const tj *tj_at(const tj *arr, size_t i)
{
	if (!arr || arr->type != TJ_ARR)
		return NULL;
	for (const tj *c = arr->child; c; c = c->next, i--)
		if (i == 0)
			return c;
	return NULL;
}

const tj *tj_getv(const tj *root, ...)
{
	va_list ap;
	const char *k;
	const tj *v = root;

	va_start(ap, root);
	while (v && (k = va_arg(ap, const char *)) != NULL) {
		if (v->type == TJ_ARR)
			v = tj_at(v, (size_t)strtoul(k, NULL, 10));
		else
			v = tj_get(v, k);
	}
	va_end(ap);
	return v;
}

double tj_num(const tj *v, double dflt)
{
	if (!v || (v->type != TJ_NUM && v->type != TJ_BOOL))
		return dflt;
	return v->num;
}

const char *tj_str(const tj *v)
{
	return v && v->type == TJ_STR ? v->str : NULL;
}
