/*
 * html.c - HTML documents for k6/html on libxml2's HTML parser: parsing (in
 * recovery mode, with valueless attributes kept as "" as an HTML5 parser
 * keeps them), the node API of html.h over libxml2's tree, text and HTML
 * serialisation in the form Go's html.Render writes (what k6 returns), and
 * URL helpers on libxml2's URI code.
 */
#include "html/html.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

struct k6c__html_doc {
	xmlDocPtr xml;
	size_t refs;
	uint64_t mark;       /* the current k6c__html_mark_new set */
	uint64_t doc_mark;   /* the document node's mark */
	char *url;           /* k6c__html_doc_set_url */
};

#define XN(n) ((xmlNodePtr)(uintptr_t)(n))
#define HN(n) ((k6c__hnode *)(uintptr_t)(n))

/* ---- Parsing ---------------------------------------------------------------- */

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

static void parser_init(void)
{
	xmlInitParser();
}

/* libxml2's SAX2 builder gives a valueless boolean attribute (<input
 * checked>) its own name as value; an HTML5 parser, and so k6, gives "".
 * Valueless attributes reach the tree with "" instead. */
static void start_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	const xmlChar *local[65];
	const xmlChar **copy = local;
	size_t n = 0;

	if (atts == NULL) {
		xmlSAX2StartElement(ctx, name, atts);
		return;
	}
	while (atts[n] != NULL)
		n += 2;
	if (n + 1 > K6C__ARRAY_LEN(local)) {
		copy = k6c__malloc((n + 1) * sizeof(*copy));
		if (copy == NULL) {
			xmlSAX2StartElement(ctx, name, atts);
			return;
		}
	}
	for (size_t i = 0; i < n; i += 2) {
		copy[i] = atts[i];
		copy[i + 1] = atts[i + 1] != NULL ? atts[i + 1] : (const xmlChar *)"";
	}
	copy[n] = NULL;
	xmlSAX2StartElement(ctx, name, copy);
	if (copy != local)
		k6c__free(copy);
}

static xmlDocPtr parse_xml(const char *src, int len)
{
	const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_NODEFDTD;
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	xmlDocPtr doc;

	if (ctxt == NULL)
		return NULL;
	if (ctxt->sax != NULL)
		ctxt->sax->startElement = start_element;
	doc = htmlCtxtReadMemory(ctxt, src, len, NULL, "UTF-8", opts);
	htmlFreeParserCtxt(ctxt);
	return doc;
}

int k6c__html_parse(k6c__html_doc **out, const char *src, size_t len)
{
	/* What an empty (or all-blank) input gives, as an HTML5 parser would. */
	static const char empty[] = "<html><head></head><body></body></html>";
	k6c__html_doc *d;
	xmlDocPtr doc;

	*out = NULL;
	if (len > INT_MAX)
		return k6c__error(K6C_EINVAL, "the HTML document is too large (%zu bytes)", len);
	pthread_once(&parser_once, parser_init);
	d = k6c__calloc(1, sizeof(*d));
	if (d == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	doc = parse_xml(src, (int)len);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		if (doc != NULL)
			xmlFreeDoc(doc);
		doc = parse_xml(empty, (int)sizeof(empty) - 1);
	}
	if (doc == NULL) {
		k6c__free(d);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	doc->_private = d;
	d->xml = doc;
	d->refs = 1;
	*out = d;
	return 0;
}

void k6c__html_doc_ref(k6c__html_doc *d)
{
	d->refs++;
}

void k6c__html_doc_unref(k6c__html_doc *d)
{
	if (d == NULL || --d->refs > 0)
		return;
	xmlFreeDoc(d->xml);
	k6c__free(d->url);
	k6c__free(d);
}

int k6c__html_doc_set_url(k6c__html_doc *d, const char *url)
{
	char *copy = NULL;

	if (url != NULL && (copy = k6c__strdup(url)) == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	k6c__free(d->url);
	d->url = copy;
	return 0;
}

const char *k6c__html_doc_url(const k6c__html_doc *d)
{
	return d->url;
}

k6c__hnode *k6c__html_doc_node(const k6c__html_doc *d)
{
	return HN(d->xml);
}

k6c__html_doc *k6c__hnode_doc(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	return x->type == XML_HTML_DOCUMENT_NODE || x->type == XML_DOCUMENT_NODE ?
		((xmlDocPtr)x)->_private : x->doc->_private;
}

/* ---- Nodes ---------------------------------------------------------------- */

static int node_type(const xmlNode *x)
{
	switch (x->type) {
	case XML_ELEMENT_NODE:
		return K6C__HNODE_ELEMENT;
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		return K6C__HNODE_TEXT;
	case XML_COMMENT_NODE:
		return K6C__HNODE_COMMENT;
	case XML_HTML_DOCUMENT_NODE:
	case XML_DOCUMENT_NODE:
		return K6C__HNODE_DOCUMENT;
	case XML_DTD_NODE:
		return K6C__HNODE_DOCTYPE;
	default:
		return K6C__HNODE_OTHER;
	}
}

int k6c__hnode_type(const k6c__hnode *n)
{
	return node_type(XN(n));
}

const char *k6c__hnode_name(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	switch (node_type(x)) {
	case K6C__HNODE_ELEMENT:
	case K6C__HNODE_DOCTYPE:
		return x->name != NULL ? (const char *)x->name : "";
	case K6C__HNODE_TEXT:
		return "#text";
	case K6C__HNODE_COMMENT:
		return "#comment";
	case K6C__HNODE_DOCUMENT:
		return "#document";
	default:
		return "";
	}
}

const char *k6c__hnode_data(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);
	int t = node_type(x);

	if (t != K6C__HNODE_TEXT && t != K6C__HNODE_COMMENT)
		return NULL;
	return x->content != NULL ? (const char *)x->content : "";
}

static bool known(const xmlNode *x)
{
	return x != NULL && node_type(x) != K6C__HNODE_OTHER;
}

static xmlNodePtr skip_next(xmlNodePtr x)
{
	while (x != NULL && !known(x))
		x = x->next;
	return x;
}

static xmlNodePtr skip_prev(xmlNodePtr x)
{
	while (x != NULL && !known(x))
		x = x->prev;
	return x;
}

/* A node's children; the DTD's are its declarations, not nodes here. */
static xmlNodePtr children_of(const xmlNode *x)
{
	int t = node_type(x);

	return t == K6C__HNODE_ELEMENT || t == K6C__HNODE_DOCUMENT ? x->children : NULL;
}

static xmlNodePtr last_of(const xmlNode *x)
{
	int t = node_type(x);

	return t == K6C__HNODE_ELEMENT || t == K6C__HNODE_DOCUMENT ? x->last : NULL;
}

k6c__hnode *k6c__hnode_parent(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	if (node_type(x) == K6C__HNODE_DOCUMENT)
		return NULL;
	return known(x->parent) ? HN(x->parent) : NULL;
}

k6c__hnode *k6c__hnode_first_child(const k6c__hnode *n)
{
	return HN(skip_next(children_of(XN(n))));
}

k6c__hnode *k6c__hnode_last_child(const k6c__hnode *n)
{
	return HN(skip_prev(last_of(XN(n))));
}

k6c__hnode *k6c__hnode_next(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	return node_type(x) == K6C__HNODE_DOCUMENT ? NULL : HN(skip_next(x->next));
}

k6c__hnode *k6c__hnode_prev(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	return node_type(x) == K6C__HNODE_DOCUMENT ? NULL : HN(skip_prev(x->prev));
}

k6c__hnode *k6c__hnode_parent_element(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	if (node_type(x) == K6C__HNODE_DOCUMENT)
		return NULL;
	x = x->parent;
	return x != NULL && x->type == XML_ELEMENT_NODE ? HN(x) : NULL;
}

k6c__hnode *k6c__hnode_first_element(const k6c__hnode *n)
{
	xmlNodePtr x = children_of(XN(n));

	while (x != NULL && x->type != XML_ELEMENT_NODE)
		x = x->next;
	return HN(x);
}

k6c__hnode *k6c__hnode_last_element(const k6c__hnode *n)
{
	xmlNodePtr x = last_of(XN(n));

	while (x != NULL && x->type != XML_ELEMENT_NODE)
		x = x->prev;
	return HN(x);
}

k6c__hnode *k6c__hnode_next_element(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	if (node_type(x) == K6C__HNODE_DOCUMENT)
		return NULL;
	for (x = x->next; x != NULL && x->type != XML_ELEMENT_NODE; x = x->next)
		;
	return HN(x);
}

k6c__hnode *k6c__hnode_prev_element(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	if (node_type(x) == K6C__HNODE_DOCUMENT)
		return NULL;
	for (x = x->prev; x != NULL && x->type != XML_ELEMENT_NODE; x = x->prev)
		;
	return HN(x);
}

/* The raw walk (every node type); the public one skips unknown nodes. */
static xmlNodePtr walk(xmlNodePtr x, const xmlNode *root)
{
	xmlNodePtr c = children_of(x);

	if (c != NULL)
		return c;
	while (x != root && x != NULL) {
		if (x->next != NULL)
			return x->next;
		x = x->parent;
	}
	return NULL;
}

k6c__hnode *k6c__hnode_walk(const k6c__hnode *n, const k6c__hnode *root)
{
	xmlNodePtr x = walk(XN(n), XN(root));

	while (x != NULL && !known(x))
		x = walk(x, XN(root));
	return HN(x);
}

bool k6c__hnode_contains(const k6c__hnode *a, const k6c__hnode *d)
{
	const xmlNode *x = XN(d);

	if (node_type(x) == K6C__HNODE_DOCUMENT)
		return false;
	for (x = x->parent; x != NULL; x = x->parent) {
		if (x == XN(a))
			return true;
		if (node_type(x) == K6C__HNODE_DOCUMENT)
			break;
	}
	return false;
}

size_t k6c__hnode_index(const k6c__hnode *n, bool of_type, bool last)
{
	const xmlNode *me = XN(n);
	size_t i = 1;

	for (const xmlNode *x = last ? me->next : me->prev; x != NULL; x = last ? x->next : x->prev)
		if (x->type == XML_ELEMENT_NODE && (!of_type || xmlStrEqual(x->name, me->name)))
			i++;
	return i;
}

/* ---- Attributes ----------------------------------------------------------- */

static const char *attr_value(const xmlAttr *a)
{
	if (a->children == NULL || a->children->content == NULL)
		return "";
	return (const char *)a->children->content;
}

const char *k6c__hnode_attr(const k6c__hnode *n, const char *name)
{
	xmlNodePtr x = XN(n);

	if (x->type != XML_ELEMENT_NODE)
		return NULL;
	for (const xmlAttr *a = x->properties; a != NULL; a = a->next)
		if (strcasecmp((const char *)a->name, name) == 0)
			return attr_value(a);
	return NULL;
}

k6c__hattr *k6c__hnode_attrs(const k6c__hnode *n)
{
	xmlNodePtr x = XN(n);

	return x->type == XML_ELEMENT_NODE ? (k6c__hattr *)x->properties : NULL;
}

k6c__hattr *k6c__hattr_next(const k6c__hattr *a)
{
	return (k6c__hattr *)((const xmlAttr *)a)->next;
}

const char *k6c__hattr_name(const k6c__hattr *a)
{
	return (const char *)((const xmlAttr *)a)->name;
}

const char *k6c__hattr_value(const k6c__hattr *a)
{
	return attr_value((const xmlAttr *)a);
}

const char *k6c__hattr_prefix(const k6c__hattr *a)
{
	const xmlAttr *x = (const xmlAttr *)a;

	return x->ns != NULL && x->ns->prefix != NULL ? (const char *)x->ns->prefix : "";
}

/* ---- Text and HTML ---------------------------------------------------------- */

int k6c__hnode_text(const k6c__hnode *n, k6c__buf *out)
{
	xmlNodePtr root = XN(n);

	for (xmlNodePtr x = root; x != NULL; x = walk(x, root)) {
		if ((x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE) &&
			x->content != NULL && k6c__buf_puts(out, (const char *)x->content) != 0)
			return k6c__error(K6C_ENOMEM, "out of memory");
	}
	return 0;
}

int k6c__hnode_own_text(const k6c__hnode *n, k6c__buf *out)
{
	for (xmlNodePtr x = children_of(XN(n)); x != NULL; x = x->next) {
		if ((x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE) &&
			x->content != NULL && k6c__buf_puts(out, (const char *)x->content) != 0)
			return k6c__error(K6C_ENOMEM, "out of memory");
	}
	return 0;
}

static bool name_in(const xmlChar *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (xmlStrEqual(name, (const xmlChar *)*list))
			return true;
	return false;
}

static bool is_void(const xmlNode *x)
{
	static const char *const names[] = { "area", "base", "br", "col", "embed", "hr", "img",
		"input", "keygen", "link", "meta", "param", "source", "track", "wbr", NULL };

	return name_in(x->name, names);
}

/* Elements whose text children are written as they are. */
static bool is_raw(const xmlNode *x)
{
	static const char *const names[] = { "iframe", "noembed", "noframes", "noscript",
		"plaintext", "script", "style", "xmp", NULL };

	return x != NULL && x->type == XML_ELEMENT_NODE && name_in(x->name, names);
}

/* Go's html escaping: & ' < > " and CR. */
static int put_escaped(k6c__buf *b, const char *s)
{
	const char *run = s;
	int rc = 0;

	for (; *s != '\0'; s++) {
		const char *e;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '\'': e = "&#39;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&#34;"; break;
		case '\r': e = "&#13;"; break;
		default: continue;
		}
		rc |= k6c__buf_put(b, run, (size_t)(s - run));
		rc |= k6c__buf_puts(b, e);
		run = s + 1;
	}
	rc |= k6c__buf_put(b, run, (size_t)(s - run));
	return rc;
}

static int render_open(k6c__buf *b, const xmlNode *x)
{
	int rc = k6c__buf_putc(b, '<');

	rc |= k6c__buf_puts(b, (const char *)x->name);
	for (const xmlAttr *a = x->properties; a != NULL; a = a->next) {
		rc |= k6c__buf_putc(b, ' ');
		if (a->ns != NULL && a->ns->prefix != NULL) {
			rc |= k6c__buf_puts(b, (const char *)a->ns->prefix);
			rc |= k6c__buf_putc(b, ':');
		}
		rc |= k6c__buf_puts(b, (const char *)a->name);
		rc |= k6c__buf_puts(b, "=\"");
		rc |= put_escaped(b, attr_value(a));
		rc |= k6c__buf_putc(b, '"');
	}
	if (is_void(x))
		return rc | k6c__buf_puts(b, "/>");
	rc |= k6c__buf_putc(b, '>');
	/* Go writes an extra newline where the parser would drop a leading one. */
	if (x->name != NULL && (xmlStrEqual(x->name, (const xmlChar *)"pre") ||
		xmlStrEqual(x->name, (const xmlChar *)"listing") ||
		xmlStrEqual(x->name, (const xmlChar *)"textarea"))) {
		const xmlNode *c = x->children;

		if (c != NULL && c->type == XML_TEXT_NODE && c->content != NULL && c->content[0] == '\n')
			rc |= k6c__buf_putc(b, '\n');
	}
	return rc;
}

static int render_close(k6c__buf *b, const xmlNode *x)
{
	int rc = 0;

	if (x->type != XML_ELEMENT_NODE || is_void(x))
		return 0;
	rc |= k6c__buf_puts(b, "</");
	rc |= k6c__buf_puts(b, (const char *)x->name);
	rc |= k6c__buf_putc(b, '>');
	return rc;
}

static int render_doctype(k6c__buf *b, const xmlDtd *d)
{
	int rc = k6c__buf_puts(b, "<!DOCTYPE ");

	rc |= k6c__buf_puts(b, d->name != NULL ? (const char *)d->name : "html");
	if (d->ExternalID != NULL) {
		rc |= k6c__buf_printf(b, " PUBLIC \"%s\"", (const char *)d->ExternalID);
		if (d->SystemID != NULL)
			rc |= k6c__buf_printf(b, " \"%s\"", (const char *)d->SystemID);
	} else if (d->SystemID != NULL) {
		rc |= k6c__buf_printf(b, " SYSTEM \"%s\"", (const char *)d->SystemID);
	}
	return rc | k6c__buf_putc(b, '>');
}

/* Renders top and its subtree, without recursion. */
static int render(k6c__buf *b, xmlNodePtr top)
{
	xmlNodePtr x = top;
	int rc = 0;

	for (;;) {
		bool descend = false;

		switch (node_type(x)) {
		case K6C__HNODE_ELEMENT:
			rc |= render_open(b, x);
			descend = !is_void(x) && x->children != NULL;
			break;
		case K6C__HNODE_DOCUMENT:
			descend = x->children != NULL;
			break;
		case K6C__HNODE_TEXT:
			if (x->content == NULL)
				break;
			if (is_raw(x->parent))
				rc |= k6c__buf_puts(b, (const char *)x->content);
			else
				rc |= put_escaped(b, (const char *)x->content);
			break;
		case K6C__HNODE_COMMENT:
			rc |= k6c__buf_puts(b, "<!--");
			rc |= k6c__buf_puts(b, x->content != NULL ? (const char *)x->content : "");
			rc |= k6c__buf_puts(b, "-->");
			break;
		case K6C__HNODE_DOCTYPE:
			rc |= render_doctype(b, (const xmlDtd *)x);
			break;
		default:
			break;
		}
		if (descend) {
			x = x->children;
			continue;
		}
		/* x is done: close it, then climb to the next sibling. */
		for (;;) {
			rc |= render_close(b, x);
			if (x == top)
				return rc;
			if (x->next != NULL) {
				x = x->next;
				break;
			}
			x = x->parent;
			if (x == NULL)
				return rc;
		}
	}
}

int k6c__hnode_html(const k6c__hnode *n, bool outer, k6c__buf *out)
{
	xmlNodePtr x = XN(n);
	int rc = 0;

	if (outer) {
		rc = render(out, x);
	} else {
		for (xmlNodePtr c = children_of(x); c != NULL; c = c->next)
			rc |= render(out, c);
	}
	return rc != 0 ? k6c__error(K6C_ENOMEM, "out of memory") : 0;
}

/* ---- Marks -------------------------------------------------------------------- */

uint64_t k6c__html_mark_new(k6c__html_doc *d)
{
	return ++d->mark;
}

bool k6c__hnode_mark(k6c__hnode *n, uint64_t mark)
{
	xmlNodePtr x = XN(n);

	if (node_type(x) == K6C__HNODE_DOCUMENT) {
		/* The document's _private is its k6c__html_doc, so its own mark
		 * is kept there. */
		k6c__html_doc *d = ((xmlDocPtr)x)->_private;

		if (d->doc_mark == mark)
			return false;
		d->doc_mark = mark;
		return true;
	}
	if ((uintptr_t)x->_private == (uintptr_t)mark)
		return false;
	x->_private = (void *)(uintptr_t)mark;
	return true;
}

/* ---- URLs ------------------------------------------------------------------------ */

int k6c__html_url_resolve(const char *base, const char *ref, k6c__buf *out)
{
	xmlChar *r;

	pthread_once(&parser_once, parser_init);
	r = xmlBuildURI((const xmlChar *)ref, (const xmlChar *)base);
	if (r == NULL)
		return k6c__error(K6C_EINVAL, "cannot resolve URL \"%s\" against \"%s\"", ref, base);
	k6c__buf_clear(out);
	if (k6c__buf_puts(out, (const char *)r) != 0) {
		xmlFree(r);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	xmlFree(r);
	return 0;
}

static int dup_part(char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	*dst = k6c__strdup(src);
	return *dst == NULL ? -1 : 0;
}

int k6c__html_url_parse(const char *url, k6c__html_url *out)
{
	xmlURIPtr u;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	pthread_once(&parser_once, parser_init);
	u = xmlParseURI(url);
	if (u == NULL)
		return k6c__error(K6C_EINVAL, "invalid URL \"%s\"", url);
	rc |= dup_part(&out->scheme, u->scheme);
	rc |= dup_part(&out->user, u->user);
	rc |= dup_part(&out->host, u->server);
	rc |= dup_part(&out->path, u->path);
	rc |= dup_part(&out->query, u->query_raw);
	rc |= dup_part(&out->fragment, u->fragment);
	out->port = u->port;
	xmlFreeURI(u);
	if (rc != 0) {
		k6c__html_url_free(out);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	return 0;
}

void k6c__html_url_free(k6c__html_url *u)
{
	k6c__free(u->scheme);
	k6c__free(u->user);
	k6c__free(u->host);
	k6c__free(u->path);
	k6c__free(u->query);
	k6c__free(u->fragment);
	memset(u, 0, sizeof(*u));
}
