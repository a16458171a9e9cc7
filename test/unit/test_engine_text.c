/*
 * test_engine_text.c - text between JavaScript and the wire: Duktape's
 * CESU-8 strings to UTF-8 (k6c__vm_to_utf8, for request bodies) and UTF-8
 * bytes to JavaScript strings (k6c__vm_push_text, for response bodies and
 * open()), with Go's rules for what is not valid: U+FFFD.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "engine/vm.h"

static duk_context *ctx;

static void setup(void)
{
	ctx = duk_create_heap_default();
	ck_assert_ptr_nonnull(ctx);
}

static void teardown(void)
{
	duk_destroy_heap(ctx);
}

/* k6c__vm_to_utf8(in) equals want[0..wlen). */
static void assert_utf8(const char *in, size_t len, const char *want, size_t wlen)
{
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__vm_to_utf8(in, len, &b), 0);
	ck_assert_msg(b.len == wlen && (wlen == 0 || memcmp(b.ptr, want, wlen) == 0),
		"converted to %zu bytes, expected %zu", b.len, wlen);
	k6c__buf_free(&b);
}

START_TEST(test_engine_text_to_utf8__pairs_and_lone_surrogates)
{
	/* "😀" (U+1F600) as Duktape keeps it: ED A0 BD ED B8 80. */
	assert_utf8("a\xED\xA0\xBD\xED\xB8\x80z", 8, "a\xF0\x9F\x98\x80z", 6);
	/* A lone high surrogate, a lone low one, a high one at the end. */
	assert_utf8("x\xED\xA0\x80y", 5, "x\xEF\xBF\xBDy", 5);
	assert_utf8("\xED\xB0\x80", 3, "\xEF\xBF\xBD", 3);
	assert_utf8("\xED\xA0\xBD", 3, "\xEF\xBF\xBD", 3);
	/* Two high surrogates, then a pair. */
	assert_utf8("\xED\xA0\xBD\xED\xA0\xBD\xED\xB8\x80", 9, "\xEF\xBF\xBD\xF0\x9F\x98\x80", 7);
	/* Plain text and other 3-byte characters (ED 9F xx is U+D7xx) are kept. */
	assert_utf8("h\xC3\xA9llo \xED\x9F\xBF", 10, "h\xC3\xA9llo \xED\x9F\xBF", 10);
	assert_utf8("", 0, "", 0);
}
END_TEST

/* k6c__vm_push_text(in) is the JavaScript string with the UTF-16 code
 * units want[0..n). */
static void assert_text(const char *in, size_t len, const unsigned *want, size_t n)
{
	duk_size_t got;
	char js[64];

	k6c__vm_push_text(ctx, in, len);
	got = duk_get_length(ctx, -1);
	ck_assert_msg(got == n, "length %lu, expected %zu", (unsigned long)got, n);
	for (size_t i = 0; i < n; i++) {
		/* charCodeAt through JavaScript, so the check is what a script sees. */
		snprintf(js, sizeof(js), "(function (s) { return s.charCodeAt(%zu); })", i);
		duk_eval_string(ctx, js);
		duk_dup(ctx, -2);
		duk_call(ctx, 1);
		ck_assert_msg((unsigned)duk_get_uint(ctx, -1) == want[i], "unit %zu is %x, expected %x",
			i, (unsigned)duk_get_uint(ctx, -1), want[i]);
		duk_pop(ctx);
	}
	duk_pop(ctx);
}

START_TEST(test_engine_text_push__utf8_to_utf16)
{
	static const unsigned ascii[] = { 'a', 'b' };
	static const unsigned bmp[] = { 0xE9, 0x20AC };
	static const unsigned astral[] = { 'x', 0xD83D, 0xDE00, 'y' };
	static const unsigned max[] = { 0xDBFF, 0xDFFF };

	assert_text("ab", 2, ascii, 2);
	assert_text("\xC3\xA9\xE2\x82\xAC", 5, bmp, 2);
	assert_text("x\xF0\x9F\x98\x80y", 6, astral, 4);
	assert_text("\xF4\x8F\xBF\xBF", 4, max, 2);
	assert_text("", 0, NULL, 0);
}
END_TEST

START_TEST(test_engine_text_push__invalid_bytes_become_fffd)
{
	static const unsigned one[] = { 'a', 0xFFFD, 'b' };
	static const unsigned three[] = { 0xFFFD, 0xFFFD, 0xFFFD };
	static const unsigned trunc[] = { 0xFFFD, 0xFFFD, 'z' };
	static const unsigned over[] = { 0xFFFD, 0xFFFD };
	static const unsigned big[] = { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD };

	assert_text("a\xFF" "b", 3, one, 3);
	/* A surrogate encoded in UTF-8 is invalid in Go: one U+FFFD per byte. */
	assert_text("\xED\xA0\x80", 3, three, 3);
	/* A truncated sequence, then ASCII. */
	assert_text("\xE2\x82z", 3, trunc, 3);
	/* Overlong "/" and a code point above U+10FFFF. */
	assert_text("\xC0\xAF", 2, over, 2);
	assert_text("\xF4\x90\x80\x80", 4, big, 4);
	/* Only invalid bytes: nothing of the input is kept. */
	assert_text("\xFF\xFF\xFF", 3, three, 3);
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("engine_text");
	TCase *tc = tcase_create("text");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_engine_text_to_utf8__pairs_and_lone_surrogates);
	tcase_add_test(tc, test_engine_text_push__utf8_to_utf16);
	tcase_add_test(tc, test_engine_text_push__invalid_bytes_become_fffd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
