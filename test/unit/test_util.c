/*
 * test_util.c - unit tests of lib/util: buffers, the thread-local last error,
 * durations, the hash map, JSON, SHA-256 and FNV-1a.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/json.h"
#include "util/util.h"

/* ---- buffers --------------------------------------------------------- */

START_TEST(test_util_buf__put_and_printf)
{
	k6c__buf b = K6C__BUF_INIT;
	int i;

	ck_assert_int_eq(k6c__buf_puts(&b, "abc"), 0);
	ck_assert_int_eq(k6c__buf_putc(&b, '-'), 0);
	ck_assert_int_eq(k6c__buf_put(&b, "x\0y", 3), 0);
	ck_assert_uint_eq(b.len, 7);
	ck_assert_int_eq(memcmp(b.ptr, "abc-x\0y", 8), 0);   /* includes the NUL */
	k6c__buf_clear(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.ptr, "");
	/* Long enough to need the second vsnprintf pass. */
	for (i = 0; i < 200; i++)
		ck_assert_int_eq(k6c__buf_printf(&b, "%d:%s,", i, "0123456789abcdef0123456789"), 0);
	ck_assert_ptr_nonnull(strstr(b.ptr, "199:0123456789abcdef0123456789,"));
	ck_assert_uint_eq(strlen(b.ptr), b.len);
	ck_assert_int_eq(strncmp(b.ptr, "0:0123", 6), 0);
	k6c__buf_free(&b);
	ck_assert_ptr_null(b.ptr);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_util_buf__detach)
{
	k6c__buf b = K6C__BUF_INIT;
	char *s;

	s = k6c__buf_detach(&b);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	k6c__free(s);
	ck_assert_int_eq(k6c__buf_printf(&b, "%s=%d", "n", 42), 0);
	s = k6c__buf_detach(&b);
	ck_assert_str_eq(s, "n=42");
	ck_assert_ptr_null(b.ptr);
	ck_assert_uint_eq(b.len, 0);
	k6c__free(s);
}
END_TEST

START_TEST(test_util_buf__strndup_keeps_nuls)
{
	char *s = k6c__strndup("a\0b", 3);

	ck_assert_int_eq(memcmp(s, "a\0b\0", 4), 0);
	k6c__free(s);
	s = k6c__strdup("hello");
	ck_assert_str_eq(s, "hello");
	k6c__free(s);
}
END_TEST

START_TEST(test_util_file__read)
{
	char path[] = "/tmp/k6c_test_util_XXXXXX";
	k6c__buf b = K6C__BUF_INIT;
	int fd = mkstemp(path);
	const k6c_error *e;
	size_t i;

	ck_assert_int_ge(fd, 0);
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	close(fd);
	ck_assert_int_eq(k6c__file_read(path, &b), 0);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_int_eq(memcmp(b.ptr + 99990, "0123456789", 10), 0);
	ck_assert_int_eq(b.ptr[b.len], '\0');
	unlink(path);
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__file_read(path, &b), K6C_EIO);
	e = k6c_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, K6C_EIO);
	ck_assert_ptr_nonnull(strstr(e->message, path));
	ck_assert_int_eq(k6c__file_read("/tmp", &b), K6C_EIO);
	k6c__buf_free(&b);
}
END_TEST

/* ---- errors ---------------------------------------------------------- */

START_TEST(test_util_error__names_and_messages)
{
	ck_assert_str_eq(k6c_error_name(K6C_EINVAL), "K6C_EINVAL");
	ck_assert_str_eq(k6c_error_name(K6C_ENOMEM), "K6C_ENOMEM");
	ck_assert_str_eq(k6c_error_name(K6C_EABORTED), "K6C_EABORTED");
	ck_assert_str_eq(k6c_error_name(K6C_OK), "K6C_OK");
	ck_assert_str_eq(k6c_error_name(-999), "K6C_EUNKNOWN");
	ck_assert_str_eq(k6c_strerror(K6C_ENOMEM), "out of memory");
	ck_assert_str_eq(k6c_strerror(K6C_ENOTFOUND), "not found");
	ck_assert_str_eq(k6c_strerror(12345), "unknown error");
}
END_TEST

START_TEST(test_util_error__last_and_clear)
{
	const k6c_error *e;

	k6c_error_clear();
	ck_assert_ptr_null(k6c_error_last());
	ck_assert_int_eq(k6c__error(K6C_ECONFIG, "bad %s: %d", "vus", -1), K6C_ECONFIG);
	e = k6c_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, K6C_ECONFIG);
	ck_assert_str_eq(e->message, "bad vus: -1");
	/* Wrapping the previous message must work (it is formatted before the
	 * old one is freed). */
	k6c__error(K6C_EIO, "outer: %s", k6c_error_last()->message);
	ck_assert_str_eq(k6c_error_last()->message, "outer: bad vus: -1");
	k6c_error_clear();
	ck_assert_ptr_null(k6c_error_last());
}
END_TEST

static void *error_thread(void *arg)
{
	const k6c_error *e;
	char *ok = arg;

	/* A new thread starts with no error even though main has one. */
	*ok = k6c_error_last() == NULL;
	k6c__error(K6C_ESTATE, "from the thread");
	e = k6c_error_last();
	*ok = *ok && e != NULL && e->code == K6C_ESTATE && strcmp(e->message, "from the thread") == 0;
	return NULL;
}

START_TEST(test_util_error__thread_local)
{
	pthread_t th;
	char ok = 0;

	k6c__error(K6C_EINVAL, "from main");
	ck_assert_int_eq(pthread_create(&th, NULL, error_thread, &ok), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(k6c_error_last()->code, K6C_EINVAL);
	ck_assert_str_eq(k6c_error_last()->message, "from main");
}
END_TEST

/* ---- durations ------------------------------------------------------- */

static const struct {
	const char *text;
	double ms;
} duration_ok[] = {
	{ "0", 0 },
	{ "0s", 0 },
	{ "500", 500 },
	{ "1.5", 1.5 },
	{ "30s", 30000 },
	{ "1m30s", 90000 },
	{ "10m", 600000 },
	{ "1h2m3.5s", 3723500 },
	{ "500ms", 500 },
	{ "10us", 0.01 },
	{ "10\xc2\xb5s", 0.01 },
	{ "1500ns", 0.0015 },
	{ "1d", 86400000 },
	{ "1d2h", 93600000 },
	{ ".5s", 500 },
	{ "1.5h", 5400000 },
	{ "+2s", 2000 },
	{ "1s500ms", 1500 },
};

static const char *const duration_bad[] = {
	"", "abc", "-1s", "-5", "1x", "s", "1.s2",
	"1s ", " 1s", "1m-2s", ".s", "1e", "inf", "nan", "0x10", "99999999999h",
};

START_TEST(test_util_duration__parse)
{
	size_t i;

	for (i = 0; i < K6C__ARRAY_LEN(duration_ok); i++) {
		double ms = -1;

		ck_assert_msg(k6c__duration_parse(duration_ok[i].text, &ms) == 0, "%s: %s",
			      duration_ok[i].text, k6c_error_last()->message);
		ck_assert_msg(fabs(ms - duration_ok[i].ms) < 1e-9, "%s: got %g want %g",
			      duration_ok[i].text, ms, duration_ok[i].ms);
	}
}
END_TEST

START_TEST(test_util_duration__errors)
{
	size_t i;

	for (i = 0; i < K6C__ARRAY_LEN(duration_bad); i++) {
		const char *text = duration_bad[i];
		double ms = 123;

		ck_assert_msg(k6c__duration_parse(text, &ms) == K6C_EINVAL, "accepted \"%s\"", text);
		ck_assert_msg(ms == 123, "\"%s\" wrote a value", text);
		ck_assert_int_eq(k6c_error_last()->code, K6C_EINVAL);
		ck_assert_msg(strstr(k6c_error_last()->message, text) != NULL &&
			      strchr(k6c_error_last()->message, '"') != NULL,
			      "message does not quote \"%s\": %s", text, k6c_error_last()->message);
	}
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "invalid duration"));
	ck_assert_int_eq(k6c__duration_parse("-1m", &(double){ 0 }), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "negative"));
}
END_TEST

START_TEST(test_util_duration__format)
{
	static const struct {
		double ms;
		const char *text;
	} cases[] = {
		{ 0, "0s" },
		{ 600000, "10m0s" },
		{ 90000, "1m30s" },
		{ 30000, "30s" },
		{ 3600000, "1h0m0s" },
		{ 500, "500ms" },
		{ 1500, "1.5s" },
		{ 3723500, "1h2m3.5s" },
		{ 630000, "10m30s" },
		{ 86400000, "24h0m0s" },
		{ 1.5, "1.5ms" },
		{ 0.01, "10\xc2\xb5s" },
		{ 0.000001, "1ns" },
		{ 60000, "1m0s" },
		{ 1000.000001, "1.000000001s" },
		{ -1500, "-1.5s" },
	};
	k6c__buf b = K6C__BUF_INIT;
	size_t i;

	for (i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		k6c__buf_clear(&b);
		ck_assert_int_eq(k6c__duration_format(&b, cases[i].ms), 0);
		ck_assert_str_eq(b.ptr, cases[i].text);
	}
	/* Parse and format agree. */
	for (i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		double ms;

		if (cases[i].ms < 0)
			continue;
		ck_assert_int_eq(k6c__duration_parse(cases[i].text, &ms), 0);
		ck_assert(fabs(ms - cases[i].ms) < 1e-9);
	}
	k6c__buf_free(&b);
}
END_TEST

/* ---- map ------------------------------------------------------------- */

START_TEST(test_util_map__many_keys)
{
	enum { N = 20000 };
	k6c__map *m;
	char key[32];
	size_t i, pos = 0, seen = 0, keylen;
	const char *k;
	void *v;
	char *mark = calloc(N, 1);

	ck_assert_int_eq(k6c__map_new(&m), 0);
	ck_assert_uint_eq(k6c__map_count(m), 0);
	ck_assert_ptr_null(k6c__map_get(m, "x", 1));
	for (i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "key-%zu", i);

		ck_assert_int_eq(k6c__map_set(m, key, (size_t)n, (void *)(i + 1)), 0);
	}
	ck_assert_uint_eq(k6c__map_count(m), N);
	for (i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "key-%zu", i);

		ck_assert_ptr_eq(k6c__map_get(m, key, (size_t)n), (void *)(i + 1));
	}
	ck_assert_ptr_null(k6c__map_get(m, "key-", 4));
	ck_assert_ptr_null(k6c__map_get(m, "key-20000", 9));
	while (k6c__map_next(m, &pos, &k, &keylen, &v)) {
		size_t idx = (size_t)v - 1;

		ck_assert_uint_lt(idx, N);
		ck_assert_int_eq(mark[idx], 0);
		mark[idx] = 1;
		snprintf(key, sizeof(key), "key-%zu", idx);
		ck_assert_uint_eq(keylen, strlen(key));
		ck_assert_int_eq(memcmp(k, key, keylen), 0);
		seen++;
	}
	ck_assert_uint_eq(seen, N);
	ck_assert(!k6c__map_next(m, &pos, &k, &keylen, &v));
	free(mark);
	k6c__map_free(m, NULL);
}
END_TEST

static int freed_values;
static void count_free(void *v)
{
	freed_values++;
	free(v);
}

START_TEST(test_util_map__replace_and_binary_keys)
{
	k6c__map *m;
	int a = 1, b = 2;
	char key[64];

	ck_assert_int_eq(k6c__map_new(&m), 0);
	ck_assert_int_eq(k6c__map_set(m, "k", 1, &a), 0);
	ck_assert_int_eq(k6c__map_set(m, "k", 1, &b), 0);
	ck_assert_uint_eq(k6c__map_count(m), 1);
	ck_assert_ptr_eq(k6c__map_get(m, "k", 1), &b);
	/* Keys are length-delimited: embedded NULs and prefixes are distinct. */
	ck_assert_int_eq(k6c__map_set(m, "a\0b", 3, &a), 0);
	ck_assert_int_eq(k6c__map_set(m, "a\0c", 3, &b), 0);
	ck_assert_int_eq(k6c__map_set(m, "", 0, &b), 0);
	ck_assert_ptr_eq(k6c__map_get(m, "a\0b", 3), &a);
	ck_assert_ptr_eq(k6c__map_get(m, "a\0c", 3), &b);
	ck_assert_ptr_null(k6c__map_get(m, "a", 1));
	ck_assert_ptr_eq(k6c__map_get(m, "", 0), &b);
	ck_assert_uint_eq(k6c__map_count(m), 4);
	/* The map copies keys: changing the caller's buffer changes nothing. */
	strcpy(key, "volatile");
	ck_assert_int_eq(k6c__map_set(m, key, strlen(key), &a), 0);
	strcpy(key, "XXXXXXXX");
	ck_assert_ptr_eq(k6c__map_get(m, "volatile", 8), &a);
	k6c__map_free(m, NULL);

	ck_assert_int_eq(k6c__map_new(&m), 0);
	freed_values = 0;
	ck_assert_int_eq(k6c__map_set(m, "x", 1, malloc(4)), 0);
	ck_assert_int_eq(k6c__map_set(m, "y", 1, malloc(4)), 0);
	k6c__map_free(m, count_free);
	ck_assert_int_eq(freed_values, 2);
	k6c__map_free(NULL, NULL);
}
END_TEST

/* ---- JSON ------------------------------------------------------------ */

static char *json_roundtrip(const char *text)
{
	k6c__buf b = K6C__BUF_INIT;
	k6c__json *v;

	ck_assert_msg(k6c__json_parse(&v, text, strlen(text)) == 0, "%s: %s", text,
		      k6c_error_last()->message);
	ck_assert_int_eq(k6c__json_write(&b, v), 0);
	k6c__json_free(v);
	return k6c__buf_detach(&b);
}

START_TEST(test_util_json__roundtrip)
{
	static const char *const same[] = {
		"null", "true", "false", "0", "-1", "1.5", "\"\"", "\"abc\"", "[]", "{}",
		"[1,2,[3,{\"a\":null}]]", "{\"a\":1,\"b\":[true,false],\"c\":{\"d\":\"e\"}}",
		"0.1", "1e+300", "-2.5e-7", "9007199254740991", "123456.789",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "\"a\\\"b\\\\c\\n\\t\\u0001\"",
		"{\"dup\":1,\"dup\":2}",
	};
	size_t i;

	for (i = 0; i < K6C__ARRAY_LEN(same); i++) {
		char *out = json_roundtrip(same[i]);

		ck_assert_str_eq(out, same[i]);
		k6c__free(out);
	}
}
END_TEST

START_TEST(test_util_json__parse_dom)
{
	const char *text = " { \"name\" : \"k6\", \"n\": [1, 2.5, -3e2], \"ok\": true, "
			   "\"nil\": null, \"o\": {\"x\": \"y\"}, \"n\": 7 } ";
	const k6c__json *n, *o;
	k6c__json *v, *c;
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__json_parse(&v, text, strlen(text)), 0);
	ck_assert_int_eq(v->type, K6C__JSON_OBJECT);
	ck_assert_uint_eq(v->len, 6);
	ck_assert_str_eq(v->keys[0], "name");
	ck_assert_str_eq(k6c__json_get(v, "name")->string, "k6");
	ck_assert_uint_eq(k6c__json_get(v, "name")->len, 2);
	n = k6c__json_get(v, "n");   /* last duplicate wins */
	ck_assert_int_eq(n->type, K6C__JSON_NUMBER);
	ck_assert(n->number == 7);
	ck_assert_int_eq(v->items[1]->type, K6C__JSON_ARRAY);
	ck_assert(v->items[1]->items[2]->number == -300);
	ck_assert(k6c__json_get(v, "ok")->boolean);
	ck_assert_int_eq(k6c__json_get(v, "nil")->type, K6C__JSON_NULL);
	o = k6c__json_get(v, "o");
	ck_assert_str_eq(k6c__json_get(o, "x")->string, "y");
	ck_assert_ptr_null(k6c__json_get(v, "missing"));
	ck_assert_ptr_null(k6c__json_get(n, "x"));

	c = k6c__json_clone(v);
	k6c__json_free(v);
	ck_assert_int_eq(k6c__json_write(&b, c), 0);
	ck_assert_str_eq(b.ptr, "{\"name\":\"k6\",\"n\":[1,2.5,-300],\"ok\":true,\"nil\":null,"
			 "\"o\":{\"x\":\"y\"},\"n\":7}");
	k6c__json_free(c);
	k6c__json_free(NULL);
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_util_json__escapes_and_surrogates)
{
	const char *text = "\"\\u00e9\\u20ac\\ud83d\\ude00\\/\\b\\f\\r\\u0000x\\udc00\"";
	k6c__buf b = K6C__BUF_INIT;
	k6c__json *v;

	ck_assert_int_eq(k6c__json_parse(&v, text, strlen(text)), 0);
	ck_assert_int_eq(v->type, K6C__JSON_STRING);
	/* é, €, U+1F600, '/', \b, \f, \r, NUL, x, lone surrogate -> U+FFFD */
	ck_assert_uint_eq(v->len, 2 + 3 + 4 + 1 + 1 + 1 + 1 + 1 + 1 + 3);
	ck_assert_int_eq(memcmp(v->string, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\b\f\r\0x\xef\xbf\xbd",
				v->len), 0);
	ck_assert_int_eq(k6c__json_write(&b, v), 0);
	ck_assert_str_eq(b.ptr, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\\b\\f\\r\\u0000x\xef\xbf\xbd\"");
	k6c__json_free(v);
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__json_write_string(&b, "q\"b\\\x1f\x7f", 6), 0);
	ck_assert_str_eq(b.ptr, "\"q\\\"b\\\\\\u001f\x7f\"");
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_util_json__numbers)
{
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{ 0, "0" }, { -0.0, "0" }, { 42, "42" }, { -7, "-7" }, { 0.1, "0.1" },
		{ 1.0 / 3, "0.3333333333333333" }, { 9007199254740991.0, "9007199254740991" },
		{ 9007199254740992.0, "9007199254740992" }, { 1e17, "1e+17" }, { 1e21, "1e+21" },
		{ 1.5e-7, "1.5e-7" }, { 123.456, "123.456" },
	};
	k6c__buf b = K6C__BUF_INIT;
	size_t i;

	for (i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		k6c__buf_clear(&b);
		ck_assert_int_eq(k6c__json_write_number(&b, cases[i].v), 0);
		ck_assert_str_eq(b.ptr, cases[i].text);
	}
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__json_write_number(&b, NAN), 0);
	ck_assert_int_eq(k6c__json_write_number(&b, INFINITY), 0);
	ck_assert_int_eq(k6c__json_write_number(&b, -INFINITY), 0);
	ck_assert_str_eq(b.ptr, "nullnullnull");
	/* Every double written reads back exactly. */
	for (i = 0; i < 2000; i++) {
		double d = (double)rand() / RAND_MAX * pow(10, (int)(i % 40) - 20), back;
		k6c__json *v;

		k6c__buf_clear(&b);
		ck_assert_int_eq(k6c__json_write_number(&b, d), 0);
		ck_assert_int_eq(k6c__json_parse(&v, b.ptr, b.len), 0);
		back = v->number;
		k6c__json_free(v);
		ck_assert_msg(back == d, "%.17g written as %s", d, b.ptr);
	}
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_util_json__errors)
{
	static const struct {
		const char *text;
		size_t offset;
	} cases[] = {
		{ "", 0 }, { "   ", 3 }, { "[1,]", 3 }, { "{\"a\" 1}", 5 }, { "01", 1 },
		{ "1.", 2 }, { "-", 1 }, { "+1", 0 }, { ".5", 0 }, { "1e", 2 }, { "tru", 0 },
		{ "nul", 0 }, { "[1 2]", 3 }, { "{\"a\":1,}", 7 }, { "{1:2}", 1 },
		{ "\"abc", 4 }, { "\"a\nb\"", 2 }, { "\"\\x\"", 2 }, { "\"\\u12g4\"", 5 },
		{ "\"\xff\"", 1 }, { "\"\xc0\xaf\"", 1 }, { "\"\xed\xa0\x80\"", 1 },
		{ "[] []", 3 }, { "1e999", 0 }, { "NaN", 0 }, { "'a'", 0 }, { "[", 1 },
	};
	size_t i;

	for (i = 0; i < K6C__ARRAY_LEN(cases); i++) {
		char want[64];
		k6c__json *v = (k6c__json *)&v;

		ck_assert_msg(k6c__json_parse(&v, cases[i].text, strlen(cases[i].text)) == K6C_EINVAL,
			      "accepted %s", cases[i].text);
		ck_assert_ptr_null(v);
		snprintf(want, sizeof(want), "at byte %zu:", cases[i].offset);
		ck_assert_msg(strstr(k6c_error_last()->message, want) != NULL, "%s: %s (want %s)",
			      cases[i].text, k6c_error_last()->message, want);
	}
	/* The parser honours len: text past it is not read. */
	{
		k6c__json *v;

		ck_assert_int_eq(k6c__json_parse(&v, "[1]garbage", 3), 0);
		ck_assert_uint_eq(v->len, 1);
		k6c__json_free(v);
		ck_assert_int_eq(k6c__json_parse(&v, "123", 2), 0);
		ck_assert(v->number == 12);
		k6c__json_free(v);
	}
}
END_TEST

START_TEST(test_util_json__depth_limit)
{
	k6c__buf b = K6C__BUF_INIT;
	k6c__json *v;
	int i;

	for (i = 0; i < 512; i++)
		k6c__buf_putc(&b, '[');
	for (i = 0; i < 512; i++)
		k6c__buf_putc(&b, ']');
	ck_assert_int_eq(k6c__json_parse(&v, b.ptr, b.len), 0);
	k6c__json_free(v);
	k6c__buf_clear(&b);
	/* Container number 513 (index 512) is the object at byte 256 * 6. */
	for (i = 0; i < 100000; i++)
		k6c__buf_puts(&b, "{\"a\":[");
	ck_assert_int_eq(k6c__json_parse(&v, b.ptr, b.len), K6C_EINVAL);
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "deeper than 512"));
	ck_assert_ptr_nonnull(strstr(k6c_error_last()->message, "at byte 1536:"));
	k6c__buf_free(&b);
}
END_TEST

/* ---- hashes ---------------------------------------------------------- */

START_TEST(test_util_hash__sha256_vectors)
{
	char hex[65];
	k6c__buf b = K6C__BUF_INIT;
	int i;

	k6c__sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	k6c__sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the padding needs a second block. */
	k6c__sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	for (i = 0; i < 1000000; i++)
		k6c__buf_putc(&b, 'a');
	k6c__sha256_hex(b.ptr, b.len, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_util_hash__fnv1a)
{
	/* Published FNV-1a 64 vectors; seed 0 is the plain function. */
	ck_assert_uint_eq(k6c__hash64("", 0, 0), 0xcbf29ce484222325ULL);
	ck_assert_uint_eq(k6c__hash64("a", 1, 0), 0xaf63dc4c8601ec8cULL);
	ck_assert_uint_eq(k6c__hash64("foobar", 6, 0), 0x85944171f73967e8ULL);
	ck_assert_uint_eq(k6c__hash64("foobar", 6, 7), k6c__hash64("foobar", 6, 7));
	ck_assert_uint_ne(k6c__hash64("foobar", 6, 7), k6c__hash64("foobar", 6, 0));
	ck_assert_uint_ne(k6c__hash64("ab", 2, 0), k6c__hash64("ba", 2, 0));
}
END_TEST

START_TEST(test_util_clock__monotonic_and_wall)
{
	uint64_t a = k6c__now_ns(), b;
	int64_t w = k6c__wall_us();

	usleep(2000);
	b = k6c__now_ns();
	ck_assert_uint_ge(b - a, 1000000);
	/* After 2020-01-01 and before 2200: microseconds, not seconds or ns. */
	ck_assert_int_gt(w, 1577836800LL * 1000000);
	ck_assert_int_lt(w, 7258118400LL * 1000000);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_util_buf__put_and_printf);
	tcase_add_test(tc, test_util_buf__detach);
	tcase_add_test(tc, test_util_buf__strndup_keeps_nuls);
	tcase_add_test(tc, test_util_file__read);
	tcase_add_test(tc, test_util_error__names_and_messages);
	tcase_add_test(tc, test_util_error__last_and_clear);
	tcase_add_test(tc, test_util_error__thread_local);
	tcase_add_test(tc, test_util_duration__parse);
	tcase_add_test(tc, test_util_duration__errors);
	tcase_add_test(tc, test_util_duration__format);
	tcase_add_test(tc, test_util_map__many_keys);
	tcase_add_test(tc, test_util_map__replace_and_binary_keys);
	tcase_add_test(tc, test_util_json__roundtrip);
	tcase_add_test(tc, test_util_json__parse_dom);
	tcase_add_test(tc, test_util_json__escapes_and_surrogates);
	tcase_add_test(tc, test_util_json__numbers);
	tcase_add_test(tc, test_util_json__errors);
	tcase_add_test(tc, test_util_json__depth_limit);
	tcase_add_test(tc, test_util_hash__sha256_vectors);
	tcase_add_test(tc, test_util_hash__fnv1a);
	tcase_add_test(tc, test_util_clock__monotonic_and_wall);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
