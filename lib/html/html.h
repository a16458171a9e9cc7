/*
 * html.h - internal to libk6c: HTML documents for k6/html. A document is
 * parsed by libxml2's HTML parser (in recovery mode, so any input gives a
 * tree), read through the small node API below, serialised as Go's
 * html.Render does (k6's reference output), and queried with CSS selectors
 * compiled and matched here (selector.c). The only code that includes
 * libxml2's headers.
 *
 * Threads: a document and the nodes and selectors used on it belong to one
 * thread at a time (a VU's); different documents may be used on different
 * threads at once.
 */
#ifndef K6C_HTML_HTML_H
#define K6C_HTML_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* A parsed document, reference counted (created with one reference). */
typedef struct k6c__html_doc k6c__html_doc;
/* A node of a document: valid while the document has a reference. */
typedef struct k6c__hnode k6c__hnode;
/* An attribute of an element node. */
typedef struct k6c__hattr k6c__hattr;
/* A compiled selector group ("a, b > c"). */
typedef struct k6c__hsel k6c__hsel;

/* Node types, numbered as the DOM's nodeType. */
enum {
	K6C__HNODE_OTHER = 0,
	K6C__HNODE_ELEMENT = 1,
	K6C__HNODE_TEXT = 3,       /* script and style contents included */
	K6C__HNODE_COMMENT = 8,
	K6C__HNODE_DOCUMENT = 9,
	K6C__HNODE_DOCTYPE = 10,
};

/* ---- Documents ------------------------------------------------------------ */

/* Parses len bytes of UTF-8 HTML (NUL bytes allowed; a <meta charset> is
 * ignored: the text is already decoded). Never fails on malformed HTML.
 * Return 0, K6C_ENOMEM, or K6C_EINVAL when the input is larger than the
 * parser takes (2 GiB). */
int k6c__html_parse(k6c__html_doc **out, const char *src, size_t len);
void k6c__html_doc_ref(k6c__html_doc *d);
/* Drops a reference; the last one frees the document. NULL is a no-op. */
void k6c__html_doc_unref(k6c__html_doc *d);
/* The document node (type K6C__HNODE_DOCUMENT). */
k6c__hnode *k6c__html_doc_node(const k6c__html_doc *d);
/* The document a node belongs to. */
k6c__html_doc *k6c__hnode_doc(const k6c__hnode *n);

/* ---- Nodes ---------------------------------------------------------------- */

int k6c__hnode_type(const k6c__hnode *n);
/* Element: its lower-case tag name; text "#text", comment "#comment",
 * document "#document", doctype: its name ("html"). */
const char *k6c__hnode_name(const k6c__hnode *n);
/* Text and comment nodes: their text; NULL for the others. */
const char *k6c__hnode_data(const k6c__hnode *n);

/* Tree navigation over the node types above (other nodes are skipped);
 * NULL at the ends. The parent of the document node is NULL. */
k6c__hnode *k6c__hnode_parent(const k6c__hnode *n);
k6c__hnode *k6c__hnode_first_child(const k6c__hnode *n);
k6c__hnode *k6c__hnode_last_child(const k6c__hnode *n);
k6c__hnode *k6c__hnode_next(const k6c__hnode *n);
k6c__hnode *k6c__hnode_prev(const k6c__hnode *n);
/* The same over element nodes only (the parent element of the root element
 * is NULL). */
k6c__hnode *k6c__hnode_parent_element(const k6c__hnode *n);
k6c__hnode *k6c__hnode_first_element(const k6c__hnode *n);
k6c__hnode *k6c__hnode_last_element(const k6c__hnode *n);
k6c__hnode *k6c__hnode_next_element(const k6c__hnode *n);
k6c__hnode *k6c__hnode_prev_element(const k6c__hnode *n);
/* The next node after n in document order within root (n's first child,
 * else its next sibling, else an ancestor's next sibling below root), or
 * NULL when the walk leaves root. */
k6c__hnode *k6c__hnode_walk(const k6c__hnode *n, const k6c__hnode *root);
/* Whether d is a descendant of a (not a itself). */
bool k6c__hnode_contains(const k6c__hnode *a, const k6c__hnode *d);
/* Position of an element among its parent's element children, from 1;
 * with of_type only those of its own tag; from the end when last. */
size_t k6c__hnode_index(const k6c__hnode *n, bool of_type, bool last);

/* An attribute's value ("" for one written without a value), or NULL when
 * the element has no such attribute (names are compared without case). */
const char *k6c__hnode_attr(const k6c__hnode *n, const char *name);
/* An element's attributes in source order: first, then next until NULL. */
k6c__hattr *k6c__hnode_attrs(const k6c__hnode *n);
k6c__hattr *k6c__hattr_next(const k6c__hattr *a);
const char *k6c__hattr_name(const k6c__hattr *a);
const char *k6c__hattr_value(const k6c__hattr *a);
/* The namespace prefix of an attribute written "prefix:name", or "". */
const char *k6c__hattr_prefix(const k6c__hattr *a);

/* Appends the text of n and its descendants (text nodes only, as jQuery's
 * text()). Return 0 or K6C_ENOMEM. */
int k6c__hnode_text(const k6c__hnode *n, k6c__buf *out);
/* Appends only n's own child text nodes. */
int k6c__hnode_own_text(const k6c__hnode *n, k6c__buf *out);
/* Appends n's children as HTML (inner), or n itself when outer, rendered as
 * Go's html.Render does. Return 0 or K6C_ENOMEM. */
int k6c__hnode_html(const k6c__hnode *n, bool outer, k6c__buf *out);

/* Deduplication without allocation: k6c__html_mark_new starts a new set
 * for the document; k6c__hnode_mark adds a node to the document's current
 * set and returns false if it was in it already. One set at a time per
 * document. */
uint64_t k6c__html_mark_new(k6c__html_doc *d);
bool k6c__hnode_mark(k6c__hnode *n, uint64_t mark);

/* The URL the document came from (responses): resolves relative links.
 * NULL when unknown. set_url copies url (NULL clears); 0 or K6C_ENOMEM. */
int k6c__html_doc_set_url(k6c__html_doc *d, const char *url);
const char *k6c__html_doc_url(const k6c__html_doc *d);

/* ---- Selectors (selector.c) ----------------------------------------------- */

/* Compiles a CSS selector group: type, *, #id, .class, [attr], [attr=v]
 * with = ~= |= ^= $= *= != (and an i flag), the descendant, >, + and ~
 * combinators, "," groups, :first-child, :last-child, :only-child,
 * :nth-child(an+b), :nth-last-child, :nth-of-type, :nth-last-of-type,
 * :first-of-type, :last-of-type, :only-of-type, :not(group), :has(group),
 * :contains(text), :containsOwn(text), :empty, :root, :checked, :selected,
 * :disabled, :enabled, :input, :button, :text, :header, :link.
 * Return 0, K6C_ENOMEM, or K6C_EINVAL with a message naming the selector
 * and the position of the error. */
int k6c__hsel_compile(k6c__hsel **out, const char *text);
void k6c__hsel_free(k6c__hsel *s);
/* Whether element n matches (a node that is not an element never does).
 * Combinators look at the whole document, not just below some root. */
bool k6c__hsel_match(const k6c__hsel *s, const k6c__hnode *n);
/* The first element below root (not root itself), in document order, that
 * matches after the element after (NULL: from the start), or NULL. */
k6c__hnode *k6c__hsel_next(const k6c__hsel *s, const k6c__hnode *root, const k6c__hnode *after);

/* ---- URLs ----------------------------------------------------------------- */

/* Resolves ref against base (RFC 3986) into out (replaced). Return 0,
 * K6C_EINVAL (not a URL) or K6C_ENOMEM. */
int k6c__html_url_resolve(const char *base, const char *ref, k6c__buf *out);

/* A URL's parts; strings owned (freed by k6c__html_url_free), NULL when
 * absent; port 0 when absent. */
typedef struct k6c__html_url {
	char *scheme, *user, *host, *path, *query, *fragment;
	int port;
} k6c__html_url;
/* Return 0, K6C_EINVAL or K6C_ENOMEM (*out is then zeroed). */
int k6c__html_url_parse(const char *url, k6c__html_url *out);
void k6c__html_url_free(k6c__html_url *u);

#endif /* K6C_HTML_HTML_H */
