/*
 * cookies.h - k6's cookie jar: Go's net/http/cookiejar (without a public
 * suffix list, as k6 creates it) and net/http's cookie parsing, on plain C
 * data, so a jar is scriptable (http.CookieJar), belongs to one VU and is
 * read and written by lib/http on every hop of a redirect chain. Pure C; no
 * curl, no Duktape. A jar is used by one thread at a time.
 */
#ifndef K6C_HTTP_COOKIES_H
#define K6C_HTTP_COOKIES_H

#include "util/util.h"

typedef struct k6c__cookie_jar k6c__cookie_jar;

/* A cookie as Go's http.Cookie has it (the fields the jar and k6 use).
 * Strings are NUL-terminated; "" when unset. */
typedef struct k6c__cookie {
	const char *name;
	const char *value;
	const char *domain;
	const char *path;
	bool has_expires;
	int64_t expires_us;   /* wall clock, microseconds since the epoch, if has_expires */
	int max_age;          /* Go's MaxAge: 0 unset, < 0 delete now, > 0 seconds */
	bool secure;
	bool http_only;
} k6c__cookie;

/* A cookie of k6's params.cookies: sent with the request, before the jar's;
 * replace keeps the jar's cookies of that name out of the request. */
typedef struct k6c__http_cookie {
	const char *name;
	const char *value;
	bool replace;
} k6c__http_cookie;

/* A new jar with one reference, which k6c__cookie_jar_free drops; the jar
 * goes when the last reference does. References are plain counts: a jar
 * is used by one thread at a time (a VU's worker). */
int k6c__cookie_jar_new(k6c__cookie_jar **out);
k6c__cookie_jar *k6c__cookie_jar_ref(k6c__cookie_jar *jar);   /* returns jar; NULL: no-op */
void k6c__cookie_jar_free(k6c__cookie_jar *jar);   /* drops a reference; NULL: no-op */
/* How many cookies the jar holds (expired ones included until a lookup
 * drops them). */
size_t k6c__cookie_jar_count(const k6c__cookie_jar *jar);
/* Drops every cookie. */
void k6c__cookie_jar_clear_all(k6c__cookie_jar *jar);

/* Go's Jar.SetCookies(url, cookies): each cookie is stored, replaced or
 * (max_age < 0, or expires in the past) removed as received from url;
 * cookies Go would reject (a domain the host does not match, a malformed
 * domain) and URLs that are not http(s) are ignored. Return 0 or
 * K6C_ENOMEM. */
int k6c__cookie_jar_set(k6c__cookie_jar *jar, const char *url, const k6c__cookie *cookies,
	size_t n, int64_t now_us);

/* Go's Jar.Cookies(url): calls fn for each cookie to send to url, longest
 * path first, then oldest first; expired cookies are dropped on the way.
 * fn returns 0 to go on, anything else stops the walk and is returned. */
typedef int (*k6c__cookie_fn)(const char *name, const char *value, void *arg);
int k6c__cookie_jar_each(k6c__cookie_jar *jar, const char *url, int64_t now_us,
	k6c__cookie_fn fn, void *arg);

/* Stores the cookies of every Set-Cookie line in a raw header block
 * ("Name: value\r\n" lines, as k6c__http_resp.headers) received from url.
 * Return 0 or K6C_ENOMEM. */
int k6c__cookie_jar_set_from_headers(k6c__cookie_jar *jar, const char *url, const char *headers,
	size_t len, int64_t now_us);

/* Appends the cookies k6 sends to url (SetRequestCookies): the request's
 * own cookies, then the jar's (jar may be NULL) except those of a name a
 * request cookie replaces, as "a=1; b=2" with Go's sanitising of names and
 * values; with sep, a "; " goes before the first one too. Appends nothing
 * when there is none. Return 0 or K6C_ENOMEM. */
int k6c__cookie_header(k6c__buf *out, bool sep, k6c__cookie_jar *jar, const char *url,
	const k6c__http_cookie *req, size_t nreq, int64_t now_us);

/* Parses one Set-Cookie value as Go's http.ParseSetCookie. The strings of
 * *out are copied into *store (cleared first) and stay valid until it
 * changes. Returns 1, 0 when Go would drop the line, or K6C_ENOMEM. */
int k6c__cookie_parse_set(k6c__cookie *out, const char *line, size_t len, k6c__buf *store);

/* Calls fn(name, value) for each cookie of a Cookie header value, as Go's
 * Request.Cookies() reads them (invalid pairs are skipped). The strings are
 * NUL-terminated in a copy inside *store. Return 0, fn's non-zero result,
 * or K6C_ENOMEM. */
int k6c__cookie_parse_request(const char *value, size_t len, k6c__buf *store,
	k6c__cookie_fn fn, void *arg);

/* Go's time.Parse with time.RFC1123 ("Mon, 02 Jan 2006 15:04:05 MST"), and
 * with dashes ("Mon, 02-Jan-2006 15:04:05 MST") when dashes is true. The
 * zone is read as UTC, as Go does for an abbreviation it does not know.
 * Returns true with *out_us on success. */
bool k6c__cookie_parse_date(const char *s, size_t len, bool dashes, int64_t *out_us);

#endif /* K6C_HTTP_COOKIES_H */
