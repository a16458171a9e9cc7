/*
 * test_html.c - unit tests of lib/html: parsing with libxml2 (valueless
 * attributes, entities, broken markup, empty input), the node API, text
 * and Go-style HTML serialisation, the CSS selector compiler (a table of
 * every selector form with the texts of the elements it must match, in
 * document order, and of invalid selectors with their messages), and URL
 * resolution.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "k6c/errors.h"

static const char doc_src[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head><title>Test page</title></head>\n"
	"<body>\n"
	"<h1 id=\"top\" class=\"title main\">Heading</h1>\n"
	"<ul id=\"list\">\n"
	"  <li class=\"item first\" data-n=\"1\">one</li>\n"
	"  <li class=\"item\" data-n=\"2\" lang=\"en-US\">two</li>\n"
	"  <li class=\"item special\" data-n=\"3\" title=\"x y z\">three</li>\n"
	"  <li class=\"item\" data-n=\"4\"><a href=\"/four?a=1\">four</a></li>\n"
	"  <li class=\"item last\" data-n=\"5\" lang=\"fr\">five</li>\n"
	"</ul>\n"
	"<div id=\"box\"><p>para <b>bold</b> tail</p><p class=\"note\">note</p><span>span</span>"
	"<p>last p</p></div>\n"
	"<form id=\"f\" action=\"/post\">"
	"<input type=\"text\" name=\"user\" value=\"bob\">"
	"<input type=\"checkbox\" name=\"c\" checked>"
	"<input type=\"checkbox\" name=\"d\">"
	"<select name=\"s\"><option value=\"1\">a</option><option selected>b</option></select>"
	"<textarea name=\"t\" disabled>txt</textarea>"
	"<button type=\"submit\">Go</button>"
	"</form>\n"
	"<p id=\"empty\"></p>\n"
	"<p id=\"esc\">a &amp; b &lt;c&gt; &quot;d&quot; it's</p>\n"
	"</body>\n"
	"</html>\n";

static k6c__html_doc *doc;

static void setup(void)
{
	ck_assert_int_eq(k6c__html_parse(&doc, doc_src, sizeof(doc_src) - 1), 0);
}

static void teardown(void)
{
	k6c__html_doc_unref(doc);
	doc = NULL;
}

/* The texts of every element matching sel below the document, joined with
 * "|", into out (static). */
static const char *select_texts(const char *sel)
{
	static char out[4096];
	k6c__hsel *s = NULL;
	k6c__buf b = K6C__BUF_INIT;
	k6c__hnode *root = k6c__html_doc_node(doc);
	int rc = k6c__hsel_compile(&s, sel);
	size_t count = 0;

	ck_assert_msg(rc == 0, "%s: compile failed: %s", sel,
		k6c_error_last() != NULL ? k6c_error_last()->message : "?");
	for (k6c__hnode *n = k6c__hsel_next(s, root, NULL); n != NULL; n = k6c__hsel_next(s, root, n)) {
		if (count++ > 0)
			k6c__buf_putc(&b, '|');
		ck_assert_int_eq(k6c__hnode_text(n, &b), 0);
	}
	snprintf(out, sizeof(out), "%s", b.ptr != NULL ? b.ptr : "");
	k6c__buf_free(&b);
	k6c__hsel_free(s);
	return out;
}

START_TEST(test_html_select__table)
{
	static const struct {
		const char *sel;
		const char *want;
	} cases[] = {
		{ "title", "Test page" },
		{ "TITLE", "Test page" },
		{ "li", "one|two|three|four|five" },
		{ "#top", "Heading" },
		{ ".special", "three" },
		{ ".item.first", "one" },
		{ "h1.title.main", "Heading" },
		{ "li[lang]", "two|five" },
		{ "li[data-n=\"3\"]", "three" },
		{ "li[data-n=3]", "three" },
		{ "li[DATA-N='4']", "four" },
		{ "li[class^=item]", "one|two|three|four|five" },
		{ "li[class^=\"\"]", "" },
		{ "li[class$=last]", "five" },
		{ "li[class*=spec]", "three" },
		{ "li[title~=y]", "three" },
		{ "li[title~=\"x y\"]", "" },
		{ "li[lang|=en]", "two" },
		{ "li[lang|=EN i]", "two" },
		{ "li[lang!=en-US]", "one|three|four|five" },
		{ "a[href$=\"?a=1\"]", "four" },
		{ "ul li", "one|two|three|four|five" },
		{ "body > ul > li.first", "one" },
		{ "body > li", "" },
		{ "li.first + li", "two" },
		{ "li.special ~ li", "four|five" },
		{ "#box > p + span", "span" },
		{ "h1, .special, #box span", "Heading|three|span" },
		{ "li:first-child", "one" },
		{ "li:last-child", "five" },
		{ "li:nth-child(2)", "two" },
		{ "li:nth-child(odd)", "one|three|five" },
		{ "li:nth-child(even)", "two|four" },
		{ "li:nth-child(2n+1)", "one|three|five" },
		{ "li:nth-child(-n+2)", "one|two" },
		{ "li:nth-child( 3n )", "three" },
		{ "li:nth-last-child(1)", "five" },
		{ "#box p:nth-of-type(2)", "note" },
		{ "#box p:last-of-type", "last p" },
		{ "#box span:only-of-type", "span" },
		{ "#box :first-of-type", "para bold tail|bold|span" },
		{ "b:only-child", "bold" },
		{ "li:not(.item)", "" },
		{ "li:not(.first, .last)", "two|three|four" },
		{ "li:not(:nth-child(odd))", "two|four" },
		{ "li:has(a)", "four" },
		{ "#box p:has(b)", "para bold tail" },
		{ "li:contains(\"hre\")", "three" },
		{ "li:contains(fou)", "four" },
		{ "p:containsOwn(\"tail\")", "para bold tail" },
		{ "p:containsOwn(\"bold\")", "" },
		{ "p:empty", "" },
		{ ":root > head > title", "Test page" },
		{ "input:checked", "" },
		{ "option:selected", "b" },
		{ "textarea:disabled", "txt" },
		{ "form :enabled:not(input)", "ab|a|b|Go" },
		{ "form :input", "|||ab|txt|Go" },
		{ "h1:header", "Heading" },
		{ "a:link", "four" },
		{ "*#esc", "a & b <c> \"d\" it's" },
		{ "li\\.x", "" },
		{ "#\\74 op", "Heading" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = select_texts(cases[i].sel);

		ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s: got \"%s\", want \"%s\"",
			cases[i].sel, got, cases[i].want);
	}
}
END_TEST

START_TEST(test_html_select__invalid)
{
	static const struct {
		const char *sel;
		const char *msg;
	} cases[] = {
		{ "", "ends early" },
		{ "li[", "expected an attribute name" },
		{ "li[a=]", "expected an attribute value" },
		{ "li[a=\"x]", "unterminated string" },
		{ "li[a=b", "expected ]" },
		{ "li:nth-child(x)", "invalid an+b" },
		{ "li:nth-child(2", "expected )" },
		{ "li:bogus", "unknown pseudo-class" },
		{ "li::before", "pseudo-elements" },
		{ "li,", "ends early" },
		{ "a > ", "ends early" },
		{ "li:not(.a", "expected , or )" },
		{ "li)", "unexpected character" },
		{ "#", "expected an id" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k6c__hsel *s = (k6c__hsel *)1;
		int rc = k6c__hsel_compile(&s, cases[i].sel);
		const k6c_error *e = k6c_error_last();

		ck_assert_msg(rc == K6C_EINVAL, "%s: rc %d", cases[i].sel, rc);
		ck_assert_ptr_null(s);
		ck_assert_ptr_nonnull(e);
		ck_assert_msg(strstr(e->message, cases[i].msg) != NULL && strstr(e->message,
			"invalid CSS selector") != NULL, "%s: message \"%s\"", cases[i].sel, e->message);
	}
}
END_TEST

static k6c__hnode *first(const char *sel)
{
	k6c__hsel *s = NULL;
	k6c__hnode *n;

	ck_assert_int_eq(k6c__hsel_compile(&s, sel), 0);
	n = k6c__hsel_next(s, k6c__html_doc_node(doc), NULL);
	k6c__hsel_free(s);
	ck_assert_msg(n != NULL, "%s matches nothing", sel);
	return n;
}

START_TEST(test_html_nodes__attributes_and_navigation)
{
	k6c__hnode *li = first("li.special"), *cb = first("input[name=c]");
	k6c__hattr *a;
	int nattrs = 0;

	ck_assert_str_eq(k6c__hnode_name(li), "li");
	ck_assert_int_eq(k6c__hnode_type(li), K6C__HNODE_ELEMENT);
	ck_assert_str_eq(k6c__hnode_attr(li, "title"), "x y z");
	ck_assert_str_eq(k6c__hnode_attr(li, "TITLE"), "x y z");
	ck_assert_ptr_null(k6c__hnode_attr(li, "nope"));
	/* A valueless boolean attribute reads "", as HTML5 parsers give it. */
	ck_assert_str_eq(k6c__hnode_attr(cb, "checked"), "");
	for (a = k6c__hnode_attrs(li); a != NULL; a = k6c__hattr_next(a))
		nattrs++;
	ck_assert_int_eq(nattrs, 3);
	ck_assert_str_eq(k6c__hattr_name(k6c__hnode_attrs(li)), "class");

	ck_assert_str_eq(k6c__hnode_attr(k6c__hnode_prev_element(li), "data-n"), "2");
	ck_assert_str_eq(k6c__hnode_attr(k6c__hnode_next_element(li), "data-n"), "4");
	ck_assert_str_eq(k6c__hnode_name(k6c__hnode_parent_element(li)), "ul");
	ck_assert_int_eq(k6c__hnode_type(k6c__hnode_prev(li)), K6C__HNODE_TEXT);
	ck_assert_str_eq(k6c__hnode_name(k6c__hnode_prev(li)), "#text");
	ck_assert_uint_eq(k6c__hnode_index(li, false, false), 3);
	ck_assert_uint_eq(k6c__hnode_index(li, false, true), 3);
	ck_assert(k6c__hnode_contains(first("ul"), li));
	ck_assert(!k6c__hnode_contains(li, li));
	ck_assert_ptr_eq(k6c__hnode_doc(li), doc);

	/* The document: a doctype, then <html>, whose parent is the document. */
	ck_assert_int_eq(k6c__hnode_type(k6c__hnode_first_child(k6c__html_doc_node(doc))),
		K6C__HNODE_DOCTYPE);
	ck_assert_str_eq(k6c__hnode_name(k6c__hnode_first_element(k6c__html_doc_node(doc))), "html");
	ck_assert_int_eq(k6c__hnode_type(k6c__hnode_parent(first("html"))), K6C__HNODE_DOCUMENT);
	ck_assert_ptr_null(k6c__hnode_parent_element(first("html")));
	ck_assert_ptr_null(k6c__hnode_parent(k6c__html_doc_node(doc)));
}
END_TEST

START_TEST(test_html_nodes__text_and_html)
{
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__hnode_text(first("#box p"), &b), 0);
	ck_assert_str_eq(b.ptr, "para bold tail");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__hnode_own_text(first("#box p"), &b), 0);
	ck_assert_str_eq(b.ptr, "para  tail");
	k6c__buf_clear(&b);

	/* Serialised as Go's html.Render: escaped text, void elements with
	 * "/>", every attribute quoted. */
	ck_assert_int_eq(k6c__hnode_html(first("#box"), false, &b), 0);
	k6c__buf_putc(&b, '\0');
	ck_assert_str_eq(b.ptr, "<p>para <b>bold</b> tail</p><p class=\"note\">note</p>"
		"<span>span</span><p>last p</p>");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__hnode_html(first("#esc"), false, &b), 0);
	k6c__buf_putc(&b, '\0');
	ck_assert_str_eq(b.ptr, "a &amp; b &lt;c&gt; &#34;d&#34; it&#39;s");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__hnode_html(first("input[name=c]"), true, &b), 0);
	k6c__buf_putc(&b, '\0');
	ck_assert_str_eq(b.ptr, "<input type=\"checkbox\" name=\"c\" checked=\"\"/>");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__hnode_html(first("#empty"), true, &b), 0);
	k6c__buf_putc(&b, '\0');
	ck_assert_str_eq(b.ptr, "<p id=\"empty\"></p>");
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_html_parse__odd_inputs)
{
	static const char script[] = "<script>if (a < b && c) { x = \"</p>\"; }</script><p>x</p>";
	static const char broken[] = "<div><p>one<p>two</div><span>three";
	static const char nul[] = "<p>a\0b</p>";
	k6c__html_doc *d;
	k6c__buf b = K6C__BUF_INIT;
	k6c__hsel *s;

	/* Empty input: still a document with <html> and <body>. */
	ck_assert_int_eq(k6c__html_parse(&d, "", 0), 0);
	ck_assert_ptr_nonnull(k6c__hnode_first_element(k6c__html_doc_node(d)));
	ck_assert_int_eq(k6c__hsel_compile(&s, "html > body"), 0);
	ck_assert_ptr_nonnull(k6c__hsel_next(s, k6c__html_doc_node(d), NULL));
	k6c__hsel_free(s);
	k6c__html_doc_unref(d);

	/* Script contents are raw text: in text() and written unescaped. */
	ck_assert_int_eq(k6c__html_parse(&d, script, sizeof(script) - 1), 0);
	ck_assert_int_eq(k6c__hsel_compile(&s, "script"), 0);
	ck_assert_int_eq(k6c__hnode_text(k6c__hsel_next(s, k6c__html_doc_node(d), NULL), &b), 0);
	ck_assert_str_eq(b.ptr, "if (a < b && c) { x = \"</p>\"; }");
	k6c__buf_clear(&b);
	ck_assert_int_eq(k6c__hnode_html(k6c__hsel_next(s, k6c__html_doc_node(d), NULL), true, &b), 0);
	k6c__buf_putc(&b, '\0');
	ck_assert_str_eq(b.ptr, "<script>if (a < b && c) { x = \"</p>\"; }</script>");
	k6c__buf_clear(&b);
	k6c__hsel_free(s);
	k6c__html_doc_unref(d);

	/* Unclosed elements are closed as a browser would. */
	ck_assert_int_eq(k6c__html_parse(&d, broken, sizeof(broken) - 1), 0);
	ck_assert_int_eq(k6c__hsel_compile(&s, "div > p, body > span"), 0);
	for (k6c__hnode *n = k6c__hsel_next(s, k6c__html_doc_node(d), NULL); n != NULL;
		n = k6c__hsel_next(s, k6c__html_doc_node(d), n)) {
		ck_assert_int_eq(k6c__hnode_text(n, &b), 0);
		k6c__buf_putc(&b, ';');
	}
	k6c__buf_putc(&b, '\0');
	ck_assert_str_eq(b.ptr, "one;two;three;");
	k6c__buf_clear(&b);
	k6c__hsel_free(s);
	k6c__html_doc_unref(d);

	/* A NUL byte does not end the document. */
	ck_assert_int_eq(k6c__html_parse(&d, nul, sizeof(nul) - 1), 0);
	ck_assert_ptr_nonnull(k6c__hnode_first_element(k6c__html_doc_node(d)));
	k6c__html_doc_unref(d);
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_html_parse__references)
{
	k6c__html_doc *d;
	k6c__hnode *n;

	ck_assert_int_eq(k6c__html_parse(&d, "<p>x</p>", 8), 0);
	k6c__html_doc_ref(d);
	n = k6c__hnode_first_element(k6c__html_doc_node(d));
	k6c__html_doc_unref(d);
	/* Still referenced once: the nodes are alive. */
	ck_assert_str_eq(k6c__hnode_name(n), "html");
	k6c__html_doc_unref(d);
	k6c__html_doc_unref(NULL);
}
END_TEST

START_TEST(test_html_marks__dedup)
{
	k6c__hnode *a = first("li"), *b = first("ul");
	uint64_t m = k6c__html_mark_new(doc);

	ck_assert(k6c__hnode_mark(a, m));
	ck_assert(!k6c__hnode_mark(a, m));
	ck_assert(k6c__hnode_mark(b, m));
	ck_assert(k6c__hnode_mark(k6c__html_doc_node(doc), m));
	ck_assert(!k6c__hnode_mark(k6c__html_doc_node(doc), m));
	m = k6c__html_mark_new(doc);
	ck_assert(k6c__hnode_mark(a, m));
	ck_assert(k6c__hnode_mark(k6c__html_doc_node(doc), m));
}
END_TEST

START_TEST(test_html_url__resolve_and_parse)
{
	k6c__buf b = K6C__BUF_INIT;
	k6c__html_url u;

	ck_assert_int_eq(k6c__html_url_resolve("http://h.test/a/b?q", "../c?d=1#f", &b), 0);
	ck_assert_str_eq(b.ptr, "http://h.test/c?d=1#f");
	ck_assert_int_eq(k6c__html_url_resolve("http://h.test/a/b", "//o.test/x", &b), 0);
	ck_assert_str_eq(b.ptr, "http://o.test/x");
	k6c__buf_free(&b);

	ck_assert_int_eq(k6c__html_url_parse("https://u:p@h.test:8443/p/a?x=1#frag", &u), 0);
	ck_assert_str_eq(u.scheme, "https");
	ck_assert_str_eq(u.user, "u:p");
	ck_assert_str_eq(u.host, "h.test");
	ck_assert_int_eq(u.port, 8443);
	ck_assert_str_eq(u.path, "/p/a");
	ck_assert_str_eq(u.query, "x=1");
	ck_assert_str_eq(u.fragment, "frag");
	k6c__html_url_free(&u);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_html_select__table);
	tcase_add_test(tc, test_html_select__invalid);
	tcase_add_test(tc, test_html_nodes__attributes_and_navigation);
	tcase_add_test(tc, test_html_nodes__text_and_html);
	tcase_add_test(tc, test_html_parse__odd_inputs);
	tcase_add_test(tc, test_html_parse__references);
	tcase_add_test(tc, test_html_marks__dedup);
	tcase_add_test(tc, test_html_url__resolve_and_parse);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
