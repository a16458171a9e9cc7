/*
 * test_http_cookies.c - unit tests of lib/http/cookies.c: the jar's rules
 * (host-only and domain cookies, paths, Secure, expiry, order, IP hosts)
 * as Go's net/http/cookiejar applies them in k6, Set-Cookie and Cookie
 * parsing as net/http's, the Cookie header k6 builds, and RFC 1123 dates.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/cookies.h"

#define NOW ((int64_t)1700000000 * 1000000)

static int collect(const char *name, const char *value, void *arg)
{
	k6c__buf *b = arg;

	if (b->len > 0)
		k6c__buf_putc(b, ' ');
	k6c__buf_printf(b, "%s=%s", name, value);
	return 0;
}

/* The cookies the jar sends to url as "a=1 b=2" (in order), in a static
 * buffer. */
static const char *sent(k6c__cookie_jar *jar, const char *url, int64_t now)
{
	static k6c__buf b;

	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__cookie_jar_each(jar, url, now, collect, &b), 0);
	k6c__buf_put(&b, "", 0);
	return b.ptr;
}

/* Stores a Set-Cookie line received from url. */
static void receive(k6c__cookie_jar *jar, const char *url, const char *line, int64_t now)
{
	k6c__buf h = K6C__BUF_INIT;

	k6c__buf_printf(&h, "Content-Type: text/plain\r\nSet-Cookie: %s\r\n", line);
	ck_assert_int_eq(k6c__cookie_jar_set_from_headers(jar, url, h.ptr, h.len, now), 0);
	k6c__buf_free(&h);
}

START_TEST(test_http_cookies_jar__host_only_and_domain)
{
	k6c__cookie_jar *jar;

	ck_assert_int_eq(k6c__cookie_jar_new(&jar), 0);
	receive(jar, "http://www.example.com/", "host=1", NOW);
	receive(jar, "http://www.example.com/", "dom=2; Domain=example.com", NOW);
	receive(jar, "http://www.example.com/", "dot=3; Domain=.EXAMPLE.com", NOW);
	/* Rejected: a domain the host is not in, a malformed one. */
	receive(jar, "http://www.example.com/", "other=4; Domain=other.com", NOW);
	receive(jar, "http://www.example.com/", "bad=5; Domain=..example.com", NOW);
	receive(jar, "http://www.example.com/", "trail=6; Domain=example.com.", NOW);
	ck_assert_uint_eq(k6c__cookie_jar_count(jar), 3);
	ck_assert_str_eq(sent(jar, "http://www.example.com/", NOW), "host=1 dom=2 dot=3");
	/* The port and the case of the host do not matter. */
	ck_assert_str_eq(sent(jar, "http://WWW.example.com:8080/x", NOW), "host=1 dom=2 dot=3");
	ck_assert_str_eq(sent(jar, "http://example.com/", NOW), "dom=2 dot=3");
	ck_assert_str_eq(sent(jar, "http://a.b.example.com/", NOW), "dom=2 dot=3");
	ck_assert_str_eq(sent(jar, "http://sub.www.example.com/", NOW), "dom=2 dot=3");
	ck_assert_str_eq(sent(jar, "http://example.org/", NOW), "");
	/* Only http and https. */
	ck_assert_str_eq(sent(jar, "ftp://www.example.com/", NOW), "");
	k6c__cookie_jar_free(jar);
}
END_TEST

START_TEST(test_http_cookies_jar__ip_hosts)
{
	k6c__cookie_jar *jar;

	ck_assert_int_eq(k6c__cookie_jar_new(&jar), 0);
	receive(jar, "http://127.0.0.1:8000/", "a=1", NOW);
	receive(jar, "http://127.0.0.1:8000/", "b=2; Domain=127.0.0.1", NOW);
	receive(jar, "http://127.0.0.1:8000/", "c=3; Domain=127.0.0.2", NOW);
	receive(jar, "http://127.0.0.1:8000/", "d=4; Domain=0.0.1", NOW);
	ck_assert_str_eq(sent(jar, "http://127.0.0.1:9000/", NOW), "a=1 b=2");
	ck_assert_str_eq(sent(jar, "http://127.0.0.2/", NOW), "");
	receive(jar, "http://[::1]:8000/", "v6=1", NOW);
	ck_assert_str_eq(sent(jar, "http://[::1]:8001/", NOW), "v6=1");
	k6c__cookie_jar_free(jar);
}
END_TEST

START_TEST(test_http_cookies_jar__paths)
{
	k6c__cookie_jar *jar;

	ck_assert_int_eq(k6c__cookie_jar_new(&jar), 0);
	receive(jar, "http://h/", "root=1; Path=/", NOW);
	receive(jar, "http://h/", "foo=2; Path=/foo", NOW);
	receive(jar, "http://h/", "slash=3; Path=/foo/", NOW);
	/* No Path (or one not starting with '/'): the directory of the URL. */
	receive(jar, "http://h/a/b/c?q=/x", "dflt=4", NOW);
	receive(jar, "http://h/a/b/c", "rel=5; Path=zz", NOW);
	receive(jar, "http://h/top", "top=6", NOW);
	ck_assert_str_eq(sent(jar, "http://h/", NOW), "root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/foo", NOW), "foo=2 root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/foo/bar", NOW), "slash=3 foo=2 root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/foobar", NOW), "root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/a/b/x", NOW), "dflt=4 rel=5 root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/a/b", NOW), "dflt=4 rel=5 root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/a", NOW), "root=1 top=6");
	/* An empty path is "/"; the path is compared decoded. */
	ck_assert_str_eq(sent(jar, "http://h", NOW), "root=1 top=6");
	ck_assert_str_eq(sent(jar, "http://h/%66oo", NOW), "foo=2 root=1 top=6");
	k6c__cookie_jar_free(jar);
}
END_TEST

START_TEST(test_http_cookies_jar__secure_and_order)
{
	k6c__cookie_jar *jar;

	ck_assert_int_eq(k6c__cookie_jar_new(&jar), 0);
	receive(jar, "https://h/", "s=1; Secure; HttpOnly", NOW);
	receive(jar, "https://h/", "z=2", NOW);
	receive(jar, "https://h/", "a=3", NOW);
	ck_assert_str_eq(sent(jar, "http://h/", NOW), "z=2 a=3");
	ck_assert_str_eq(sent(jar, "https://h/", NOW), "s=1 z=2 a=3");
	/* A replaced cookie keeps its place (creation order), the value changes. */
	receive(jar, "https://h/", "z=new", NOW);
	ck_assert_str_eq(sent(jar, "https://h/", NOW), "s=1 z=new a=3");
	/* Same name, other path: a second cookie, sent first (longer path). */
	receive(jar, "https://h/", "a=deep; Path=/d", NOW);
	ck_assert_str_eq(sent(jar, "https://h/d/e", NOW), "a=deep s=1 z=new a=3");
	k6c__cookie_jar_free(jar);
}
END_TEST

START_TEST(test_http_cookies_jar__expiry)
{
	k6c__cookie_jar *jar;
	k6c__cookie c;

	ck_assert_int_eq(k6c__cookie_jar_new(&jar), 0);
	receive(jar, "http://h/", "sess=1", NOW);
	receive(jar, "http://h/", "short=2; Max-Age=10", NOW);
	receive(jar, "http://h/", "long=3; Expires=Wed, 01 Jan 2100 00:00:00 GMT", NOW);
	receive(jar, "http://h/", "past=4; Expires=Wed, 01 Jan 2020 00:00:00 GMT", NOW);
	/* Max-Age wins over Expires. */
	receive(jar, "http://h/", "both=5; Expires=Wed, 01 Jan 2020 00:00:00 GMT; Max-Age=100", NOW);
	ck_assert_str_eq(sent(jar, "http://h/", NOW), "sess=1 short=2 long=3 both=5");
	ck_assert_str_eq(sent(jar, "http://h/", NOW + 11 * 1000000LL), "sess=1 long=3 both=5");
	ck_assert_uint_eq(k6c__cookie_jar_count(jar), 3);
	/* Max-Age <= 0 and an Expires in the past delete. */
	receive(jar, "http://h/", "sess=x; Max-Age=0", NOW);
	receive(jar, "http://h/", "long=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", NOW);
	ck_assert_str_eq(sent(jar, "http://h/", NOW), "both=5");
	/* Through the API, as jar.delete does it: MaxAge -1, the URL's host
	 * and default path. */
	memset(&c, 0, sizeof(c));
	c.name = "both";
	c.value = "";
	c.domain = "";
	c.path = "";
	c.max_age = -1;
	ck_assert_int_eq(k6c__cookie_jar_set(jar, "http://h/x", &c, 1, NOW), 0);
	ck_assert_str_eq(sent(jar, "http://h/", NOW), "");
	ck_assert_uint_eq(k6c__cookie_jar_count(jar), 0);
	k6c__cookie_jar_free(jar);
}
END_TEST

START_TEST(test_http_cookies_header__request_cookies_and_replace)
{
	k6c__cookie_jar *jar;
	k6c__http_cookie req[] = {
		{ "r", "req", false },
		{ "a", "over", true },
		{ "sp", "a b,c\"d", false },
	};
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__cookie_jar_new(&jar), 0);
	receive(jar, "http://h/", "a=1", NOW);
	receive(jar, "http://h/", "r=2", NOW);
	ck_assert_int_eq(k6c__cookie_header(&b, false, jar, "http://h/", req, 3, NOW), 0);
	/* Request cookies first; "a" replaced, "r" sent twice as k6 does;
	 * a value with a space or comma quoted, '"' dropped. */
	ck_assert_str_eq(b.ptr, "r=req; a=over; sp=\"a b,cd\"; r=2");
	k6c__buf_clear(&b);
	k6c__buf_puts(&b, "user=1");
	ck_assert_int_eq(k6c__cookie_header(&b, true, jar, "http://h/", NULL, 0, NOW), 0);
	ck_assert_str_eq(b.ptr, "user=1; a=1; r=2");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__cookie_header(&b, false, NULL, "http://h/", NULL, 0, NOW), 0);
	ck_assert_uint_eq(b.len, 0);
	k6c__buf_free(&b);
	k6c__cookie_jar_free(jar);
}
END_TEST

START_TEST(test_http_cookies_parse__set_cookie)
{
	k6c__buf store = K6C__BUF_INIT;
	k6c__cookie c;
	const char *line;

	line = " id=\"quoted\" ; Path=/p; DOMAIN=Example.com; secure; HttpOnly; max-age=60; "
		"expires=Wed, 21 Oct 2015 07:28:00 GMT; SameSite=Lax; unknown";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert_str_eq(c.name, "id");
	ck_assert_str_eq(c.value, "quoted");
	ck_assert_str_eq(c.path, "/p");
	ck_assert_str_eq(c.domain, "Example.com");
	ck_assert(c.secure && c.http_only);
	ck_assert_int_eq(c.max_age, 60);
	ck_assert(c.has_expires);
	ck_assert(c.expires_us == (int64_t)1445412480 * 1000000);

	/* Max-Age: a leading zero is ignored, <= 0 means delete. */
	line = "a=1; Max-Age=010";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert_int_eq(c.max_age, 0);
	line = "a=1; Max-Age=0";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert_int_eq(c.max_age, -1);
	/* An unparseable Expires is no Expires; the dashed form is read. */
	line = "a=1; Expires=tomorrow";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert(!c.has_expires);
	line = "a=1; Expires=Wed, 21-Oct-2015 07:28:00 GMT";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert(c.has_expires);
	/* An empty value is fine; a name that is no token, a missing '=' or
	 * a bad byte in the value drop the line. */
	line = "empty=";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert_str_eq(c.value, "");
	line = "bad name=1";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 0);
	line = "novalue";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 0);
	line = "a=b\\c";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 0);
	line = "";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, 0, &store), 0);
	/* Many attributes do not overrun the store. */
	line = "a=1;path=;path=;path=;path=;path=;path=;path=;path=;path=;path=;path=/x";
	ck_assert_int_eq(k6c__cookie_parse_set(&c, line, strlen(line), &store), 1);
	ck_assert_str_eq(c.path, "/x");
	k6c__buf_free(&store);
}
END_TEST

START_TEST(test_http_cookies_parse__request_header)
{
	k6c__buf store = K6C__BUF_INIT, out = K6C__BUF_INIT;
	const char *v = " a=1; b=\"two\";; bad name=3; c=; d ";

	ck_assert_int_eq(k6c__cookie_parse_request(v, strlen(v), &store, collect, &out), 0);
	ck_assert_str_eq(out.ptr, "a=1 b=two c= d=");
	k6c__buf_free(&store);
	k6c__buf_free(&out);
}
END_TEST

START_TEST(test_http_cookies_parse__dates)
{
	int64_t t;
	const char *s;

	s = "Thu, 01 Jan 1970 00:00:00 GMT";
	ck_assert(k6c__cookie_parse_date(s, strlen(s), false, &t));
	ck_assert(t == 0);
	s = "sun, 29 feb 2004 23:59:59 UTC";
	ck_assert(k6c__cookie_parse_date(s, strlen(s), false, &t));
	ck_assert(t == (int64_t)1078099199 * 1000000);
	s = "Mon, 02 Jan 2006 5:04:05 MST";
	ck_assert(k6c__cookie_parse_date(s, strlen(s), false, &t));
	ck_assert(t == (int64_t)1136178245 * 1000000);
	/* Wrong forms: day out of range, one-digit day, no zone, dashes where
	 * spaces are expected, trailing text. */
	s = "Sun, 29 Feb 2005 00:00:00 GMT";
	ck_assert(!k6c__cookie_parse_date(s, strlen(s), false, &t));
	s = "Sun, 1 Feb 2005 00:00:00 GMT";
	ck_assert(!k6c__cookie_parse_date(s, strlen(s), false, &t));
	s = "Sun, 01 Feb 2005 00:00:00";
	ck_assert(!k6c__cookie_parse_date(s, strlen(s), false, &t));
	s = "Sun, 01-Feb-2005 00:00:00 GMT";
	ck_assert(!k6c__cookie_parse_date(s, strlen(s), false, &t));
	ck_assert(k6c__cookie_parse_date(s, strlen(s), true, &t));
	s = "Sun, 01 Feb 2005 00:00:00 GMT x";
	ck_assert(!k6c__cookie_parse_date(s, strlen(s), false, &t));
	s = "Xyz, 01 Feb 2005 00:00:00 GMT";
	ck_assert(!k6c__cookie_parse_date(s, strlen(s), false, &t));
}
END_TEST

static Suite *cookies_suite(void)
{
	Suite *s = suite_create("http_cookies");
	TCase *tc = tcase_create("cookies");

	tcase_add_test(tc, test_http_cookies_jar__host_only_and_domain);
	tcase_add_test(tc, test_http_cookies_jar__ip_hosts);
	tcase_add_test(tc, test_http_cookies_jar__paths);
	tcase_add_test(tc, test_http_cookies_jar__secure_and_order);
	tcase_add_test(tc, test_http_cookies_jar__expiry);
	tcase_add_test(tc, test_http_cookies_header__request_cookies_and_replace);
	tcase_add_test(tc, test_http_cookies_parse__set_cookie);
	tcase_add_test(tc, test_http_cookies_parse__request_header);
	tcase_add_test(tc, test_http_cookies_parse__dates);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cookies_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
