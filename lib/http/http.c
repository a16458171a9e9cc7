/*
 * http.c - HTTP transfers on a worker's event loop, on libcurl's multi
 * "socket" interface, and our own HTTP/1.1 for plain http:// keep-alive.
 *
 * One CURLM per client (worker): curl tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION -> k6c__loop_watch) and when to call it back
 * (CURLMOPT_TIMERFUNCTION -> one k6c__timer); the loop's callbacks drive
 * curl_multi_socket_action and then collect finished transfers. One easy
 * handle per conn (VU), kept for its whole life so curl keeps its state and
 * options between requests; the multi's connection cache is shared by the
 * worker's VUs.
 *
 * Redirects are followed here rather than by curl, because k6 reports every
 * hop as a response of its own with its own timings (and metrics).
 *
 * Timings follow k6's definitions. The connection phases come from curl's
 * own clock (NAMELOOKUP/CONNECT/APPCONNECT/PRETRANSFER); the request phases
 * from ours, because curl 7.88 stamps STARTTRANSFER for uploads when the
 * body starts going out rather than at the first response byte:
 *   t_prereq  CURLOPT_PREREQFUNCTION, just before curl writes the request;
 *   t_sent    the request is fully written: the first time curl asks to
 *             watch the socket for reading only after the body (if any) was
 *             handed over through the READFUNCTION; failing that, the end of
 *             the curl_multi_socket_action call that wrote it (curl writes
 *             the request synchronously right after t_prereq); failing that,
 *             the first response byte;
 *   t_first   the first header byte of the response (HEADERFUNCTION);
 *   t_last    the last header or body byte.
 * sending = t_sent - t_prereq, waiting = t_first - t_sent,
 * receiving = t_last - t_first, blocked = PRETRANSFER (time until the
 * connection was ready, which on a reused connection is only the queueing).
 *
 * The fast path. curl's own per-request cost (curl_multi_socket_action
 * alone was about half the instructions of a whole k6 request) exceeded the
 * budget, so plain http:// requests without a proxy are written and parsed
 * here, in HTTP/1.1 on a keep-alive connection per conn; curl only resolves
 * and connects (a CONNECT_ONLY transfer of a second easy handle, fe, on the
 * multi), and we keep a duplicate of its socket. Its timings: blocked = hop
 * start to the first write (so it includes connecting on a new connection),
 * connecting from fe's CONNECT - NAMELOOKUP, sending = first to last byte
 * written, waiting = to the first response byte, receiving = to the end.
 * See "fast path" below for what it covers; everything else uses curl.
 * Measured on test/bench/get.js: 44,200 -> 112,200 requests per CPU-second.
 */
#include "http.h"
#include "http/auth.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/codec.h"
#include "http/tls.h"
#ifdef K6C__HTTP_OPENSSL
#include <openssl/ssl.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The project version comes from meson (lib/http/meson.build) rather than
 * k6c/version.h, whose generated copy cannot find its "common.h" from the
 * build directory. */
#ifndef K6C__HTTP_VERSION
#define K6C__HTTP_VERSION "0.0.0"
#endif
#define DEFAULT_TIMEOUT_MS 60000.0
#define DEFAULT_MAX_REDIRECTS 10
/* Go's net.Dialer in k6 gives up connecting after 30 s ("dial: i/o timeout"). */
#define CONNECT_TIMEOUT_MS 30000L
/* Headers we may add to the user's: User-Agent, the removal of curl's
 * Accept, Accept-Encoding, Content-Type and Expect, Referer, a redirect
 * hop's Cookie and a digest retry's Authorization. */
#define EXTRA_HEADERS 8

/* Which of the headers we would otherwise add or remove the user supplied. */
enum {
	HAVE_UA = 1 << 0,
	HAVE_ACCEPT = 1 << 1,
	HAVE_ACCEPT_ENCODING = 1 << 2,
	HAVE_CONTENT_TYPE = 1 << 3,
	HAVE_EXPECT = 1 << 4,
	HAVE_REFERER = 1 << 5,
};

/* Headers a line may be, for filtering (bit per name). */
enum {
	HDR_OTHER = 0,
	HDR_UA,
	HDR_ACCEPT,
	HDR_ACCEPT_ENCODING,
	HDR_CONTENT_TYPE,
	HDR_EXPECT,
	HDR_REFERER,
	HDR_CONTENT_LENGTH,
	HDR_SENSITIVE,   /* WWW-Authenticate, Cookie2 */
	HDR_AUTHORIZATION,
	HDR_COOKIE,
};

struct k6c__http_client {
	k6c__loop *loop;
	CURLM *multi;
	k6c__timer timer;
	char *ua_line;                /* "User-Agent: ..." or NULL */
	char *ca_file;                /* or NULL: curl's default bundle */
	char *ca_dir;                 /* SSL_CERT_DIR, or NULL */
	bool insecure;
	bool no_reuse;
	bool env_proxy;               /* a proxy variable is set: curl reads them */
	long sslversion;              /* CURLOPT_SSLVERSION, or -1 */
	struct host_rule *hosts;      /* the hosts option (see hosts_find) */
	size_t nhosts;
	char *cipher_list;            /* CURLOPT_SSL_CIPHER_LIST, or NULL */
	char *tls13_ciphers;          /* CURLOPT_TLS13_CIPHERS, or NULL */
	struct tls_auth *tls_auth;    /* the tlsAuth option */
	size_t ntls_auth;
	long dns_ttl_s;               /* CURLOPT_DNS_CACHE_TIMEOUT */
	long ip_resolve;              /* CURLOPT_IPRESOLVE */
	char **local_ifs;             /* CURLOPT_INTERFACE values "host!<ip>" */
	size_t nlocal_ifs;
	bool no_vu_reuse;
	bool openssl;                 /* curl's TLS backend is OpenSSL */
	k6c__http_conn *conns;        /* every conn, for k6c__http_client_free */
	k6c__http_conn *unsent;       /* transfers whose t_sent is still open */
	/* Sockets opened by on_open_socket, by number: curl closes them through
	 * on_close_socket, so they may stay registered with the loop while idle
	 * (k6c__loop_disarm) without a reused number inheriting the watch. The
	 * conn that opened each, and whether a transfer is on it, serve
	 * noVUConnectionReuse. */
	struct sock_info *owned;
	size_t nowned;
};

struct sock_info {
	bool owned;
	bool busy;                    /* curl watches it for a transfer */
	k6c__http_conn *owner;        /* NULL once its conn is gone */
};

/* One hosts entry: name (lower case; for a wildcard, the domain after
 * "*."), port (0: any), and where to connect instead. */
struct host_rule {
	char *name;
	bool wildcard;
	int port;
	char *ip;                     /* IPv6 in brackets */
	int to_port;                  /* 0: the request's port */
};

struct tls_auth {
	char **domains;
	size_t ndomains;
	char *cert, *key, *password;
};

struct k6c__http_conn {
	k6c__http_client *client;
	CURL *easy;
	k6c__http_conn *prev, *next;                 /* client->conns */
	k6c__http_conn *unsent_prev, *unsent_next;   /* client->unsent */
	bool unsent_linked;
	bool active;          /* between k6c__http_start and the final callback */
	bool in_multi;
	unsigned seq;         /* bumped by every start and cancel */
	bool *gone;           /* set while a callback runs; conn_free marks it */

	/* The request, copied at start and kept for the redirect hops. */
	k6c__buf method;
	k6c__buf url;         /* this hop's URL */
	k6c__buf next_url;
	k6c__buf origin_url;  /* the first hop's URL (whose host gets credentials) */
	k6c__buf lines;       /* user header lines, each NUL-terminated */
	size_t *line_off;
	unsigned char *line_kind;
	size_t nlines, lines_cap;
	unsigned have;        /* HAVE_* */
	k6c__buf body;
	bool has_body;
	bool discard_body;
	size_t body_pos;
	bool body_done;
	k6c__buf referer;     /* "Referer: ..." for the next hop, or empty */
	bool strip_sensitive;
	/* Cookies (k6c__http_req.jar): the request's own, copied, and the
	 * Cookie line a redirect hop sends instead of the user's. */
	k6c__cookie_jar *jar;
	k6c__http_cookie *rcookies;
	size_t nrcookies, rcookies_cap;
	k6c__buf rcookie_mem;
	k6c__buf cookie_line;   /* "Cookie: ..." or empty */
	bool cookie_hop;        /* this hop sends cookie_line, not the user's Cookie lines */
	/* params.auth; for digest, the URL's credentials (decoded; the URL
	 * itself goes out without them) and this hop's Authorization. */
	int auth;
	k6c__buf auth_user, auth_pass;
	k6c__buf auth_line;
	bool auth_retry;        /* this hop repeats a 401 with auth_line */
	struct curl_slist *nodes;
	size_t nodes_cap;
	int max_redirects;
	int redirects;
	uint64_t deadline_ns;

	/* The response being received. */
	k6c__http_resp cur;
	k6c__buf cur_url;     /* cur.url points into it when handed out */
	bool in_body;
	bool oom;
	bool set_cookie;      /* the response has a Set-Cookie line */
	uint64_t t_prereq, t_sent, t_first, t_last;
	char errbuf[CURL_ERROR_SIZE];
	k6c__http_resp *final_out;
	k6c__http_cb cb;
	void *arg;

	/* Memory handed back by k6c__http_conn_recycle. */
	k6c__buf spare_body, spare_headers, spare_url;

	/* Content decoding of the current hop (either path). */
	k6c__decoder *dec;
	bool dec_on;          /* the body goes through dec */
	bool dec_err;         /* dec rejected the body (1701) */
	bool enc_seen;        /* this block's Content-Encoding was looked at */
	int debug;            /* K6C__HTTP_DEBUG_* */
	bool verbose;         /* CURLOPT_VERBOSE is on (for debug) */
	bool fresh_next;      /* noVUConnectionReuse: the next request connects anew */
	bool fresh_set;       /* CURLOPT_FRESH_CONNECT is on for that */
	int tls_auth_cur;     /* the tlsAuth entry set on easy, or -1 */
	char *local_if;       /* CURLOPT_INTERFACE of both handles, or NULL */
	struct curl_slist connect_node;   /* this hop's CONNECT_TO (hosts option) */
	k6c__buf connect_entry;
	k6c__timer etimer;    /* a hop that fails before it starts (see fail_soon) */
	int e_code;
	const char *e_msg;

	/* The fast path (see "fast path" below): our own HTTP/1.1 on a
	 * keep-alive socket that a CONNECT_ONLY transfer of fe connected. */
	CURL *fe;
	bool fe_in_multi;
	int ffd;              /* our duplicate of curl's socket, or -1 */
	unsigned fwatch;      /* events watched on ffd */
	k6c__buf fkey;        /* the authority ("host:port") ffd is connected to */
	char fip[64];
	int fport;
	bool fast;            /* the current hop runs on the fast path */
	int fphase;           /* FP_* */
	bool freused, fretried;
	double fconnecting;   /* ms spent connecting for this hop; 0 on reuse */
	uint64_t t_start;     /* the hop's start */
	k6c__buf wbuf;        /* the request as written */
	size_t wpos;
	k6c__buf rbuf;        /* received, not yet parsed from rpos */
	size_t rpos;
	uint64_t rbytes;
	int rstate;           /* RS_* */
	uint64_t rremain;
	bool rclose;
	k6c__timer ftimer;
};

/* ---- global init ----------------------------------------------------- */

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned global_refs;

int k6c__http_global_init(void)
{
	CURLcode rc = CURLE_OK;

	pthread_mutex_lock(&global_lock);
	/* curl keeps its own count too, so a host that also uses libcurl is
	 * not disturbed; the allocator only applies if we are first. */
	if (global_refs == 0)
		rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, k6c__malloc, k6c__free,
			k6c__realloc, k6c__strdup, k6c__calloc);
	if (rc == CURLE_OK)
		global_refs++;
	pthread_mutex_unlock(&global_lock);
	if (rc != CURLE_OK)
		return k6c__error(K6C_EINTERNAL, "curl_global_init: %s", curl_easy_strerror(rc));
	return 0;
}

void k6c__http_global_cleanup(void)
{
	pthread_mutex_lock(&global_lock);
	if (global_refs > 0 && --global_refs == 0)
		curl_global_cleanup();
	pthread_mutex_unlock(&global_lock);
}

/* ---- small helpers --------------------------------------------------- */

static double ns_to_ms(uint64_t from, uint64_t to)
{
	return to > from ? (double)(to - from) / 1e6 : 0.0;
}

static double us_to_ms(curl_off_t us)
{
	return us > 0 ? (double)us / 1000.0 : 0.0;
}

static int buf_set(k6c__buf *b, const char *s, size_t n)
{
	k6c__buf_clear(b);
	if (k6c__buf_reserve(b, n) != 0)
		return K6C_ENOMEM;
	if (n)
		memcpy(b->ptr, s, n);
	b->len = n;
	b->ptr[n] = '\0';
	return 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The standard reason phrases, for status lines that carry none (HTTP/2),
 * so status_text reads "200 OK" as Go's http.StatusText makes it in k6. */
static const char *reason_phrase(long code)
{
	switch (code) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 102: return "Processing";
	case 103: return "Early Hints";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 203: return "Non-Authoritative Information";
	case 204: return "No Content";
	case 205: return "Reset Content";
	case 206: return "Partial Content";
	case 207: return "Multi-Status";
	case 208: return "Already Reported";
	case 226: return "IM Used";
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 305: return "Use Proxy";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Request Entity Too Large";
	case 414: return "Request URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Requested Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 418: return "I'm a teapot";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Entity";
	case 423: return "Locked";
	case 424: return "Failed Dependency";
	case 425: return "Too Early";
	case 426: return "Upgrade Required";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 451: return "Unavailable For Legal Reasons";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	case 506: return "Variant Also Negotiates";
	case 507: return "Insufficient Storage";
	case 508: return "Loop Detected";
	case 510: return "Not Extended";
	case 511: return "Network Authentication Required";
	default: return "";
	}
}

/* Classifies a header line by its name (case-insensitive). */
static unsigned char header_kind(const char *line)
{
	static const struct { const char *name; unsigned char kind; } names[] = {
		{ "user-agent", HDR_UA },
		{ "accept", HDR_ACCEPT },
		{ "accept-encoding", HDR_ACCEPT_ENCODING },
		{ "content-type", HDR_CONTENT_TYPE },
		{ "expect", HDR_EXPECT },
		{ "referer", HDR_REFERER },
		{ "content-length", HDR_CONTENT_LENGTH },
		{ "authorization", HDR_AUTHORIZATION },
		{ "www-authenticate", HDR_SENSITIVE },
		{ "cookie", HDR_COOKIE },
		{ "cookie2", HDR_SENSITIVE },
	};
	size_t n = strcspn(line, ":;");

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < K6C__ARRAY_LEN(names); i++)
		if (strlen(names[i].name) == n && strncasecmp(line, names[i].name, n) == 0)
			return names[i].kind;
	return HDR_OTHER;
}

/* The "host[:port]" part of an absolute URL (after "scheme://" and any
 * userinfo), for the same-host test before forwarding credentials. */
static void url_host(const char *url, const char **host, size_t *len)
{
	const char *p = strstr(url, "://");
	const char *end, *at;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	*host = p;
	*len = (size_t)(end - p);
}

/* ---- lists ----------------------------------------------------------- */

static void unsent_link(k6c__http_conn *conn)
{
	k6c__http_client *c = conn->client;

	if (conn->unsent_linked)
		return;
	conn->unsent_prev = NULL;
	conn->unsent_next = c->unsent;
	if (c->unsent)
		c->unsent->unsent_prev = conn;
	c->unsent = conn;
	conn->unsent_linked = true;
}

static void unsent_unlink(k6c__http_conn *conn)
{
	if (!conn->unsent_linked)
		return;
	if (conn->unsent_prev)
		conn->unsent_prev->unsent_next = conn->unsent_next;
	else
		conn->client->unsent = conn->unsent_next;
	if (conn->unsent_next)
		conn->unsent_next->unsent_prev = conn->unsent_prev;
	conn->unsent_prev = conn->unsent_next = NULL;
	conn->unsent_linked = false;
}

static void mark_sent(k6c__http_conn *conn, uint64_t now)
{
	conn->t_sent = now;
	unsent_unlink(conn);
}

/* ---- curl callbacks (run inside curl) -------------------------------- */

static k6c__http_conn *conn_of(CURL *easy)
{
	char *p = NULL;

	if (easy == NULL || curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p) != CURLE_OK)
		return NULL;
	return (k6c__http_conn *)(void *)p;
}

static void on_io(k6c__loop *loop, int fd, unsigned events, void *arg);

static bool is_owned(const k6c__http_client *c, curl_socket_t s)
{
	return s >= 0 && (size_t)s < c->nowned && c->owned[s].owned;
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	k6c__http_client *c = userp;
	unsigned ev = 0;

	K6C__UNUSED(socketp);
	switch (what) {
	case CURL_POLL_IN: ev = K6C__IO_READ; break;
	case CURL_POLL_OUT: ev = K6C__IO_WRITE; break;
	case CURL_POLL_INOUT: ev = K6C__IO_READ | K6C__IO_WRITE; break;
	default: ev = 0; break;
	}
	/* curl removes a connection's socket when a transfer ends and adds it
	 * back when the next one starts on it: for our own sockets the loop
	 * keeps the registration meanwhile. */
	if (ev == 0 && is_owned(c, s))
		k6c__loop_disarm(c->loop, s);
	else if (k6c__loop_watch(c->loop, s, ev, on_io, c) != 0)
		return -1;
	if (is_owned(c, s))
		c->owned[s].busy = ev != 0;
	/* Wanting to read only, once the request has started, means curl has
	 * nothing left to write: the request is on the wire. */
	if (what == CURL_POLL_IN) {
		k6c__http_conn *conn = conn_of(easy);

		if (conn && conn->unsent_linked && conn->body_done)
			mark_sent(conn, k6c__now_ns());
	}
	return 0;
}

/* CURLOPT_OPENSOCKETFUNCTION: the connection sockets, made the way curl
 * would (it sets them non-blocking itself), close-on-exec, and marked as
 * ours so that on_socket may keep them registered while idle. */
static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	k6c__http_conn *conn = clientp;
	k6c__http_client *c = conn->client;
	int fd;

	K6C__UNUSED(purpose);
	fd = socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
	if (fd < 0)
		return CURL_SOCKET_BAD;
	if ((size_t)fd >= c->nowned) {
		size_t n = c->nowned ? c->nowned : 64;
		struct sock_info *o;

		while (n <= (size_t)fd)
			n *= 2;
		o = k6c__realloc(c->owned, n * sizeof(*o));
		if (o == NULL)
			return fd;   /* works, just without the idle registration */
		memset(o + c->nowned, 0, (n - c->nowned) * sizeof(*o));
		c->owned = o;
		c->nowned = n;
	}
	c->owned[fd].owned = true;
	c->owned[fd].busy = false;
	c->owned[fd].owner = conn;
	return fd;
}

/* CURLOPT_CLOSESOCKETFUNCTION: the end of a socket from on_open_socket.
 * Its registration goes first, so the number is clean for its next file. */
static int on_close_socket(void *clientp, curl_socket_t s)
{
	k6c__http_client *c = clientp;

	if (is_owned(c, s)) {
		memset(&c->owned[s], 0, sizeof(c->owned[s]));
		k6c__loop_watch(c->loop, s, 0, NULL, NULL);
	}
	return close(s);
}

static int on_multi_timer(CURLM *multi, long timeout_ms, void *userp)
{
	k6c__http_client *c = userp;

	K6C__UNUSED(multi);
	/* curl_multi_socket_action must not be called from here; a timer due
	 * now runs on the loop's next pass. */
	if (timeout_ms < 0)
		k6c__timer_stop(c->loop, &c->timer);
	else if (timeout_ms == 0)
		k6c__timer_start(c->loop, &c->timer, 0);   /* due: no clock read needed */
	else
		k6c__timer_start(c->loop, &c->timer, k6c__now_ns() + (uint64_t)timeout_ms * 1000000u);
	return 0;
}

static int on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port)
{
	k6c__http_conn *conn = ud;

	K6C__UNUSED(ip);
	K6C__UNUSED(local_ip);
	K6C__UNUSED(port);
	K6C__UNUSED(local_port);
	/* Also called again when curl retries on a fresh connection after a
	 * reused one turned out dead: the request phases start over. */
	conn->t_prereq = k6c__now_ns();
	conn->t_sent = conn->t_first = conn->t_last = 0;
	conn->in_body = false;
	conn->body_done = !conn->has_body || conn->body.len == 0;
	if (conn->debug)
		k6c__buf_clear(&conn->cur.debug_req);
	unsent_link(conn);
	return CURL_PREREQFUNC_OK;
}

/* CURLOPT_DEBUGFUNCTION, set for httpDebug only: the request's header
 * block as curl wrote it (and the body, which is ours, for "full"). */
static int on_debug(CURL *e, curl_infotype type, char *data, size_t size, void *ud)
{
	k6c__http_conn *conn = ud;
	k6c__buf *b = &conn->cur.debug_req;

	K6C__UNUSED(e);
	if (type != CURLINFO_HEADER_OUT || !conn->debug)
		return 0;
	k6c__buf_clear(b);
	if (k6c__buf_put(b, data, size) != 0)
		return 0;
	if (conn->debug == K6C__HTTP_DEBUG_FULL && conn->has_body && conn->body.len)
		k6c__buf_put(b, conn->body.ptr, conn->body.len);
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
	k6c__http_conn *conn = ud;
	size_t room = size * n;
	size_t avail = conn->body.len - conn->body_pos;

	if (avail < room)
		room = avail;
	if (room) {
		memcpy(buf, conn->body.ptr + conn->body_pos, room);
		conn->body_pos += room;
	}
	if (conn->body_pos >= conn->body.len)
		conn->body_done = true;
	return room;
}

static int on_seek(void *ud, curl_off_t offset, int origin)
{
	k6c__http_conn *conn = ud;

	/* curl rewinds the body to resend it on a new connection. */
	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > conn->body.len)
		return CURL_SEEKFUNC_CANTSEEK;
	conn->body_pos = (size_t)offset;
	conn->body_done = conn->body_pos >= conn->body.len;
	return CURL_SEEKFUNC_OK;
}

static void first_byte(k6c__http_conn *conn, uint64_t now)
{
	conn->t_first = now;
	if (conn->t_sent == 0)
		mark_sent(conn, now);
}

/* Parses "HTTP/1.1 302 FOUND" into status_text "302 FOUND" (Go keeps the
 * server's reason phrase); HTTP/2 has none, so the standard one is used. */
static void parse_status_line(k6c__http_resp *r, const char *p, size_t len)
{
	const char *sp = memchr(p, ' ', len);
	const char *rest;
	size_t n;
	long code;
	bool h1 = len >= 7 && p[5] == '1';

	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	if (sp == NULL || sp >= p + len) {
		r->status_text[0] = '\0';
		return;
	}
	rest = sp + 1;
	while (rest < p + len && *rest == ' ')
		rest++;
	n = (size_t)(p + len - rest);
	code = strtol(rest, NULL, 10);
	if (h1 && n > 3) {
		if (n >= sizeof(r->status_text))
			n = sizeof(r->status_text) - 1;
		memcpy(r->status_text, rest, n);
		r->status_text[n] = '\0';
	} else {
		snprintf(r->status_text, sizeof(r->status_text), "%ld %s", code, reason_phrase(code));
	}
}

/* The negotiated TLS version and cipher, for k6's tls_version tag and
 * Response fields. curl only lends its SSL object while the transfer holds
 * the connection, so this runs at the first response byte. */
static void capture_tls(k6c__http_conn *conn)
{
#ifdef K6C__HTTP_OPENSSL
	struct curl_tlssessioninfo *ti = NULL;
	const SSL_CIPHER *cipher;
	const char *v, *name;
	SSL *ssl;

	if (curl_easy_getinfo(conn->easy, CURLINFO_TLS_SSL_PTR, &ti) != CURLE_OK || ti == NULL ||
	    ti->backend != CURLSSLBACKEND_OPENSSL || ti->internals == NULL)
		return;
	ssl = ti->internals;
	v = SSL_get_version(ssl);
	if (strcmp(v, "TLSv1") == 0)
		v = "tls1.0";
	else if (strcmp(v, "TLSv1.1") == 0)
		v = "tls1.1";
	else if (strcmp(v, "TLSv1.2") == 0)
		v = "tls1.2";
	else if (strcmp(v, "TLSv1.3") == 0)
		v = "tls1.3";
	copy_str(conn->cur.tls_version, sizeof(conn->cur.tls_version), v);
	cipher = SSL_get_current_cipher(ssl);
	name = cipher ? SSL_CIPHER_standard_name(cipher) : NULL;
	if (name)
		copy_str(conn->cur.tls_cipher_suite, sizeof(conn->cur.tls_cipher_suite), name);
	{
		const unsigned char *der = NULL;
		long n = SSL_get_tlsext_status_ocsp_resp(ssl, &der);

		k6c__tls_ocsp_parse(n > 0 ? der : NULL, n, &conn->cur.ocsp);
	}
#else
	K6C__UNUSED(conn);
#endif
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	k6c__http_conn *conn = ud;
	size_t len = size * n;
	bool blank = len <= 2 && (len == 0 || p[0] == '\r' || p[0] == '\n');

	/* The clock is read for the first byte, the end of a header block and
	 * trailers: t_last of the lines in between would be overwritten by
	 * the blank line that ends their block anyway. */
	if (conn->t_first == 0) {
		uint64_t now = k6c__now_ns();

		first_byte(conn, now);
		conn->t_last = now;
		if (strncasecmp(conn->url.ptr, "https:", 6) == 0)
			capture_tls(conn);
	} else if (blank || conn->in_body) {
		conn->t_last = k6c__now_ns();
	}
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* A new block (after a 1xx, or a proxy's CONNECT answer): only
		 * the last one belongs to the response. */
		k6c__buf_clear(&conn->cur.headers);
		parse_status_line(&conn->cur, p, len);
		conn->in_body = false;
		conn->dec_on = conn->enc_seen = false;
		conn->set_cookie = false;
		return len;
	}
	if (blank)
		return len;
	if (conn->in_body)
		return len;  /* trailers are not headers (Go keeps them apart) */
	/* The body is decoded here, not by curl, as k6 does it: by the first
	 * Content-Encoding header, unless the body is not kept at all. */
	if (!conn->enc_seen && !conn->discard_body && len > 17 && strncasecmp(p, "content-encoding:", 17) == 0) {
		int rc = k6c__decoder_reset(&conn->dec, p + 17, len - 17);

		conn->enc_seen = true;
		if (rc < 0) {
			conn->oom = true;
			return 0;
		}
		conn->dec_on = rc == 1;
	}
	if (len > 11 && (p[0] == 's' || p[0] == 'S') && strncasecmp(p, "set-cookie:", 11) == 0)
		conn->set_cookie = true;
	if (k6c__buf_put(&conn->cur.headers, p, len) != 0) {
		conn->oom = true;
		return 0;
	}
	return len;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	k6c__http_conn *conn = ud;
	size_t len = size * n;
	uint64_t now = k6c__now_ns();

	if (conn->t_first == 0)
		first_byte(conn, now);
	conn->t_last = now;
	conn->in_body = true;
	if (len == 0 || conn->discard_body)
		return len;
	if (conn->dec_on) {
		int rc = k6c__decoder_write(conn->dec, p, len, &conn->cur.body);

		if (rc == -1)
			conn->oom = true;
		else if (rc != 0)
			conn->dec_err = true;
		return rc == 0 ? len : 0;
	}
	if (conn->cur.body.len == 0) {
		curl_off_t cl = -1;

		/* One allocation for the whole body when its size is known
		 * (a hint only: decoded bodies are bigger). */
		curl_easy_getinfo(conn->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		if (cl > 0 && cl < (64 << 20))
			k6c__buf_reserve(&conn->cur.body, (size_t)cl);
	}
	if (k6c__buf_put(&conn->cur.body, p, len) != 0) {
		conn->oom = true;
		return 0;
	}
	return len;
}

/* ---- errors ---------------------------------------------------------- */

static void set_error(k6c__http_resp *r, int code, const char *fmt, ...) K6C__PRINTF(3, 4);

static void set_error(k6c__http_resp *r, int code, const char *fmt, ...)
{
	va_list ap;

	r->error_code = code;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

/* Go's errno texts are lower case ("no route to host"). */
static const char *errno_text(int e, char *buf, size_t cap)
{
	const char *s = strerror_r(e, buf, cap);

	if (s != buf) {
		copy_str(buf, cap, s);
		s = buf;
	}
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return s;
}

/* The TLS alert an OpenSSL error in curl's message reports ("... error:
 * 0A000410:SSL routines::sslv3 alert handshake failure"): OpenSSL numbers
 * the reason of a received alert 1000 + the alert. -1 if none. */
static int tls_alert(const char *detail)
{
	const char *p = detail;

	while ((p = strstr(p, "error:")) != NULL) {
		char *end;
		unsigned long code = strtoul(p + 6, &end, 16);

		p += 6;
		if (end == p + 8 && *end == ':') {
			unsigned long reason = code & 0xFFFu;

			if (reason >= 1000 && reason < 1256)
				return (int)(reason - 1000);
			return -1;
		}
	}
	return -1;
}

/* k6's message for a received alert: Go's net.OpError "remote error" around
 * the alert, whose Net is not "tcp", hence k6's 1010. true if set. */
static bool set_tls_alert(k6c__http_resp *r, const char *detail)
{
	int alert = tls_alert(detail);
	const char *name = alert >= 0 ? k6c__tls_alert_name(alert) : NULL;

	if (alert < 0)
		return false;
	if (name)
		set_error(r, 1010, "remote error: tls: %s", name);
	else
		set_error(r, 1010, "remote error: tls: alert(%d)", alert);
	return true;
}

/* Go's names of HTTP/2 error codes (http2.ErrCode). */
static const char *h2_code_name(int code)
{
	static const char *const names[] = {
		"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
		"SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
		"COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY",
		"HTTP_1_1_REQUIRED",
	};

	return code >= 0 && code < (int)K6C__ARRAY_LEN(names) ? names[code] : NULL;
}

/* Maps a failed transfer to k6's error code and message
 * (lib/netext/httpext/error_codes.go in k6 is the reference). */
static void map_error_on(k6c__http_conn *conn, CURL *easy, CURLcode rc)
{
	k6c__http_resp *r = &conn->cur;
	const char *detail = conn->errbuf[0] ? conn->errbuf : curl_easy_strerror(rc);
	long os_errno = 0;
	char ebuf[128];

	curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: {
		curl_off_t connected = 0;

		curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected);
		/* Only the 30 s dial limit fires before the request deadline. */
		if (conn->t_prereq == 0 && connected == 0 && k6c__now_ns() + 1000000u < conn->deadline_ns)
			set_error(r, 1211, "dial: i/o timeout");
		else
			set_error(r, 1050, "request timeout");
		break;
	}
	case CURLE_COULDNT_CONNECT:
		if (os_errno == ECONNREFUSED)
			set_error(r, 1212, "dial: connection refused");
		else if (os_errno == ETIMEDOUT)
			set_error(r, 1211, "dial: i/o timeout");
		else if (os_errno != 0)
			set_error(r, 1213, "dial: unknown errno %ld error with msg `%s`", os_errno,
				errno_text((int)os_errno, ebuf, sizeof(ebuf)));
		else
			set_error(r, 1210, "dial: %s", detail);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		set_error(r, 1101, "lookup: no such host");
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		set_error(r, 1100, "lookup: %s", detail);
		break;
	case CURLE_URL_MALFORMAT:
		set_error(r, 1020, "invalid URL: %s", detail);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL: {
		const char *u = conn->url.ptr ? conn->url.ptr : "";
		const char *colon = strstr(u, "://");

		set_error(r, 1000, "unsupported protocol scheme \"%.*s\"",
			colon ? (int)(colon - u) : 0, u);
		break;
	}
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR: {
		const char *op = rc == CURLE_SEND_ERROR ? "write" : "read";

		if (set_tls_alert(r, detail))
			break;
		if (os_errno == ECONNRESET)
			set_error(r, 1220, "%s: connection reset by peer", op);
		else if (os_errno == EPIPE)
			set_error(r, 1201, "%s: broken pipe", op);
		else if (os_errno != 0)
			set_error(r, 1202, "%s: unknown errno `%ld` on linux with message `%s`", op,
				os_errno, errno_text((int)os_errno, ebuf, sizeof(ebuf)));
		else
			set_error(r, 1200, "%s: %s", op, detail);
		break;
	}
	case CURLE_GOT_NOTHING:
		set_error(r, 1000, "EOF");
		break;
	case CURLE_PARTIAL_FILE:
		set_error(r, 1000, "unexpected EOF");
		break;
	case CURLE_PEER_FAILED_VERIFICATION: {
		long verify = 0;

		curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify);
		/* OpenSSL's X509_V_ERR_*: 2, 18-21 are an unknown or untrusted
		 * issuer; 62/64 a name or IP mismatch. curl checks the name
		 * itself after a good chain and then reports 0 or 1 with its
		 * own "... target host name ..." message. */
		if (verify == 62 || verify == 64 || strstr(detail, "target host name") != NULL)
			set_error(r, 1311, "x509: certificate doesn't match hostname");
		else if (verify == 2 || (verify >= 18 && verify <= 21))
			set_error(r, 1310, "x509: unknown authority");
		else
			set_error(r, 1300, "tls: %s", detail);
		break;
	}
	case CURLE_SSL_CONNECT_ERROR:
		if (strstr(detail, "wrong version number") || strstr(detail, "packet length too long"))
			set_error(r, 1301, "tls: first record does not look like a TLS handshake");
		else if (set_tls_alert(r, detail))
			break;
		else if (os_errno == ECONNRESET)
			set_error(r, 1220, "read: connection reset by peer");
		else
			set_error(r, 1300, "tls: %s", detail);
		break;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		set_error(r, 1300, "tls: %s", detail);
		break;
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP2: {
		/* curl names the HTTP/2 error code as "NAME (err N)". */
		const char *e = strstr(detail, "(err ");
		int code = e ? atoi(e + 5) : -1;
		int base = rc == CURLE_HTTP2_STREAM ? 1630 : 1650;

		if (h2_code_name(code))
			set_error(r, base + 1 + code, "http2: %s error with http2 ErrCode %s",
				rc == CURLE_HTTP2_STREAM ? "stream" : "connection", h2_code_name(code));
		else
			set_error(r, base, "http2: %s", detail);
		break;
	}
	case CURLE_BAD_CONTENT_ENCODING:
		set_error(r, 1701, "error decompressing response body (%s)", detail);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		/* Go's net/http says what it could not read. */
		set_error(r, 1000, "malformed HTTP response");
		break;
	case CURLE_OUT_OF_MEMORY:
		set_error(r, 1000, "out of memory");
		break;
	case CURLE_WRITE_ERROR:
		if (conn->oom) {
			set_error(r, 1000, "out of memory");
			break;
		}
		if (conn->dec_err) {
			set_error(r, 1701, "error decompressing response body (%s)",
				k6c__decoder_error(conn->dec));
			break;
		}
		/* fall through */
	default:
		set_error(r, 1000, "%s", detail);
		break;
	}
}

static void map_error(k6c__http_conn *conn, CURLcode rc)
{
	map_error_on(conn, conn->easy, rc);
}

/* ---- hops ------------------------------------------------------------ */

static bool fast_eligible(const k6c__http_conn *conn);
static int fast_start(k6c__http_conn *conn, uint64_t now);
static void hop_next(k6c__http_conn *conn, bool ok, const char *loc);
static void fast_cancel(k6c__http_conn *conn);
static void fast_free(k6c__http_conn *conn);
static void on_fast_timer(k6c__loop *loop, k6c__timer *t);

/* An empty buffer takes the recycled one, if any. */
static void take_spare(k6c__buf *b, k6c__buf *spare)
{
	if (b->ptr == NULL && spare->ptr != NULL) {
		*b = *spare;
		memset(spare, 0, sizeof(*spare));
	}
}

/* Clears cur for a new hop, keeping its buffers or taking recycled ones. */
static void reset_cur(k6c__http_conn *conn)
{
	k6c__http_resp *r = &conn->cur;
	k6c__buf headers = r->headers, body = r->body;

	take_spare(&headers, &conn->spare_headers);
	take_spare(&body, &conn->spare_body);
	k6c__buf debug_req = r->debug_req;

	take_spare(&conn->cur_url, &conn->spare_url);
	memset(r, 0, sizeof(*r));
	conn->set_cookie = false;
	k6c__buf_clear(&headers);
	k6c__buf_clear(&body);
	k6c__buf_clear(&debug_req);
	r->headers = headers;
	r->body = body;
	r->debug_req = debug_req;
	conn->dec_on = conn->dec_err = conn->enc_seen = false;
}

/* Whether a user header line of this kind stays out of this hop: the
 * Content-Length (the body's is sent), credentials on a redirect to
 * another host, Cookie lines on a redirect hop with a jar (k6 rebuilds the
 * Cookie header) and Authorization on a digest retry. */
static bool line_dropped(const k6c__http_conn *conn, unsigned char kind)
{
	switch (kind) {
	case HDR_CONTENT_LENGTH:
		return true;
	case HDR_SENSITIVE:
		return conn->strip_sensitive;
	case HDR_AUTHORIZATION:
		return conn->strip_sensitive || conn->auth_line.len > 0;
	case HDR_COOKIE:
		return conn->strip_sensitive || conn->cookie_hop;
	default:
		return false;
	}
}

/* Fills the curl_slist nodes for this hop from the copied user lines plus
 * the defaults we add or remove, without allocating per request. */
static int build_headers(k6c__http_conn *conn)
{
	static const char no_accept[] = "Accept:";
	static const char no_accept_encoding[] = "Accept-Encoding:";
	static const char no_content_type[] = "Content-Type:";
	static const char no_expect[] = "Expect:";
	k6c__http_client *c = conn->client;
	size_t need = conn->nlines + EXTRA_HEADERS, n = 0;
	struct curl_slist *nodes;

	if (need > conn->nodes_cap) {
		nodes = k6c__realloc(conn->nodes, need * sizeof(*nodes));
		if (nodes == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory building request headers");
		conn->nodes = nodes;
		conn->nodes_cap = need;
	}
	nodes = conn->nodes;
#define ADD(s) (nodes[n].data = (char *)(s), nodes[n].next = NULL, n++)
	for (size_t i = 0; i < conn->nlines; i++) {
		if (line_dropped(conn, conn->line_kind[i]))
			continue;
		ADD(conn->lines.ptr + conn->line_off[i]);
	}
	if (conn->cookie_hop && conn->cookie_line.len)
		ADD(conn->cookie_line.ptr);
	if (conn->auth_line.len)
		ADD(conn->auth_line.ptr);
	if (!(conn->have & HAVE_UA) && c->ua_line)
		ADD(c->ua_line);
	/* curl's defaults that Go's client (and so k6) does not send. */
	if (!(conn->have & HAVE_ACCEPT))
		ADD(no_accept);
	/* Decoding stays on (CURLOPT_ACCEPT_ENCODING ""), as k6 decodes
	 * whatever the server compresses, but nothing is asked for. */
	if (!(conn->have & HAVE_ACCEPT_ENCODING))
		ADD(no_accept_encoding);
	if (conn->has_body && !(conn->have & HAVE_CONTENT_TYPE))
		ADD(no_content_type);
	/* curl only adds "Expect: 100-continue" to requests with a body. */
	if (conn->has_body && !(conn->have & HAVE_EXPECT))
		ADD(no_expect);
	if (conn->referer.len && !(conn->have & HAVE_REFERER))
		ADD(conn->referer.ptr);
#undef ADD
	for (size_t i = 0; i + 1 < n; i++)
		nodes[i].next = &nodes[i + 1];
	curl_easy_setopt(conn->easy, CURLOPT_HTTPHEADER, n ? nodes : NULL);
	return 0;
}

/* Hands an easy handle to the client's multi. Return 0, K6C_ENOMEM or
 * K6C_EINTERNAL. */
static int multi_add(k6c__http_client *c, CURL *e)
{
	CURLMcode mc = curl_multi_add_handle(c->multi, e);

	if (mc != CURLM_OK)
		return k6c__error(mc == CURLM_OUT_OF_MEMORY ? K6C_ENOMEM : K6C_EINTERNAL,
			"curl_multi_add_handle: %s", curl_multi_strerror(mc));
	return 0;
}

/* The host (as in the URL, IPv6 in brackets) and port of an absolute
 * http(s) URL; false if it has none. */
static bool url_host_port(const char *url, const char **host, size_t *hlen, int *port)
{
	const char *h, *colon, *end;
	size_t len;

	url_host(url, &h, &len);
	end = h + len;
	if (len > 0 && h[0] == '[') {
		const char *close = memchr(h, ']', len);

		if (close == NULL)
			return false;
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
		*hlen = (size_t)(close + 1 - h);
	} else {
		colon = memchr(h, ':', len);
		*hlen = colon ? (size_t)(colon - h) : len;
	}
	*host = h;
	if (*hlen == 0)
		return false;
	if (colon && colon + 1 < end)
		*port = atoi(colon + 1);
	else
		*port = strncasecmp(url, "https:", 6) == 0 ? 443 : 80;
	return true;
}

/* The hosts entry for host:port (see k6c__http_client_opts.hosts), or NULL. */
static const struct host_rule *hosts_find(const k6c__http_client *c, const char *host, size_t hlen, int port)
{
	const struct host_rule *best = NULL;
	size_t best_len = 0;
	int best_rank = -1;

	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;   /* "name." is name */
	for (size_t i = 0; i < c->nhosts; i++) {
		const struct host_rule *r = &c->hosts[i];
		size_t n = strlen(r->name);
		int rank;

		if (r->port != 0 && r->port != port)
			continue;
		if (!r->wildcard) {
			if (n != hlen || strncasecmp(host, r->name, n) != 0)
				continue;
			rank = 2;
		} else {
			if (hlen <= n + 1 || host[hlen - n - 1] != '.' ||
			    strncasecmp(host + hlen - n, r->name, n) != 0)
				continue;
			rank = 0;
		}
		rank += r->port != 0;
		if (rank / 2 > best_rank / 2 || (rank / 2 == best_rank / 2 &&
		    (n > best_len || (n == best_len && rank > best_rank)))) {
			best = r;
			best_rank = rank;
			best_len = n;
		}
	}
	return best;
}

/* RFC 6761: names under "invalid" never resolve, and a resolver should
 * say so at once. We do, so such a lookup never leaves the machine. */
static bool host_is_invalid(const char *host, size_t hlen)
{
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	return (hlen == 7 && strncasecmp(host, "invalid", 7) == 0) ||
	       (hlen > 8 && strncasecmp(host + hlen - 8, ".invalid", 8) == 0);
}

/* Points e's CURLOPT_CONNECT_TO at this hop's hosts entry, if any. Returns
 * 1 when the hop must fail as an unknown host (see host_is_invalid), 0 to
 * go on, or K6C_ENOMEM. */
static int apply_hosts(k6c__http_conn *conn, CURL *e, const char *url)
{
	const k6c__http_client *c = conn->client;
	const struct host_rule *r = NULL;
	const char *host;
	size_t hlen;
	int port;

	if (!url_host_port(url, &host, &hlen, &port))
		return 0;
	if (c->nhosts > 0)
		r = hosts_find(c, host, hlen, port);
	if (r == NULL) {
		if (c->nhosts > 0)
			curl_easy_setopt(e, CURLOPT_CONNECT_TO, NULL);
		return host_is_invalid(host, hlen) ? 1 : 0;
	}
	k6c__buf_clear(&conn->connect_entry);
	if (k6c__buf_printf(&conn->connect_entry, "%.*s:%d:%s:%d", (int)hlen, host, port, r->ip,
		r->to_port ? r->to_port : port) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory starting a request");
	conn->connect_node.data = conn->connect_entry.ptr;
	conn->connect_node.next = NULL;
	curl_easy_setopt(e, CURLOPT_CONNECT_TO, &conn->connect_node);
	return 0;
}

/* Whether pattern (a tlsAuth domain: "name" or "*.domain") covers host. */
static bool domain_covers(const char *pattern, const char *host, size_t hlen)
{
	size_t n = strlen(pattern);

	if (n > 2 && pattern[0] == '*' && pattern[1] == '.')
		return hlen > n - 1 && strncasecmp(host + hlen - (n - 1), pattern + 1, n - 1) == 0;
	return n == hlen && strncasecmp(pattern, host, n) == 0;
}

/* Presents the tlsAuth certificate that covers this https hop's host. */
static void apply_tls_auth(k6c__http_conn *conn)
{
	const k6c__http_client *c = conn->client;
	const char *host;
	size_t hlen;
	int port, idx = -1;
	CURL *e = conn->easy;

	if (c->ntls_auth == 0)
		return;
	if (strncasecmp(conn->url.ptr, "https:", 6) == 0 &&
	    url_host_port(conn->url.ptr, &host, &hlen, &port)) {
		if (host[0] == '[' && hlen >= 2) {
			host++;
			hlen -= 2;
		}
		for (size_t i = 0; i < c->ntls_auth && idx < 0; i++) {
			const struct tls_auth *a = &c->tls_auth[i];

			if (a->ndomains == 0)
				idx = (int)i;
			for (size_t d = 0; d < a->ndomains && idx < 0; d++)
				if (domain_covers(a->domains[d], host, hlen))
					idx = (int)i;
		}
	}
	if (idx == conn->tls_auth_cur)
		return;
	if (idx < 0) {
		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, NULL);
		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, NULL);
		curl_easy_setopt(e, CURLOPT_KEYPASSWD, NULL);
	} else {
		const struct tls_auth *a = &c->tls_auth[idx];
		/* The client's copies outlive every conn: curl need not copy. */
		struct curl_blob cert = { a->cert, strlen(a->cert), CURL_BLOB_NOCOPY };
		struct curl_blob key = { a->key, strlen(a->key), CURL_BLOB_NOCOPY };

		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &cert);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &key);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
		curl_easy_setopt(e, CURLOPT_KEYPASSWD, a->password);
	}
	conn->tls_auth_cur = idx;
}

/* Ends the hop with error code/msg (static text) on the loop's next pass:
 * a failure found before anything went out, reported as transport errors
 * always are, through the callback and never from k6c__http_start. */
static void fail_soon(k6c__http_conn *conn, int code, const char *msg)
{
	conn->fast = false;
	conn->e_code = code;
	conn->e_msg = msg;
	conn->cur.start_us = k6c__wall_us();
	k6c__timer_start(conn->client->loop, &conn->etimer, 0);
}

static void on_error_timer(k6c__loop *loop, k6c__timer *t)
{
	k6c__http_conn *conn = t->arg;

	K6C__UNUSED(loop);
	if (!conn->active)
		return;
	set_error(&conn->cur, conn->e_code, "%s", conn->e_msg);
	hop_next(conn, false, NULL);
}

/* Sets this hop's options and hands the easy handle to the multi. */
static int start_hop(k6c__http_conn *conn, uint64_t now)
{
	CURL *e = conn->easy;
	const char *m = conn->method.ptr;
	long timeout_ms;
	int rc;

	reset_cur(conn);
	if (buf_set(&conn->cur_url, conn->url.ptr, conn->url.len) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory starting a request");
	copy_str(conn->cur.method, sizeof(conn->cur.method), m);
	if (fast_eligible(conn)) {
		conn->cur.start_us = k6c__wall_us();
		return fast_start(conn, now);
	}
	conn->fast = false;
	rc = apply_hosts(conn, e, conn->url.ptr);
	if (rc == 1) {
		fail_soon(conn, 1101, "lookup: no such host");
		return 0;
	}
	if (rc != 0 || (rc = build_headers(conn)) != 0)
		return rc;
	apply_tls_auth(conn);
	if (conn->debug || conn->verbose) {
		conn->verbose = conn->debug != K6C__HTTP_DEBUG_OFF;
		curl_easy_setopt(e, CURLOPT_VERBOSE, conn->verbose ? 1L : 0L);
	}
	if (conn->fresh_next || conn->fresh_set) {
		/* noVUConnectionReuse: the first request of an iteration. */
		conn->fresh_set = conn->fresh_next;
		conn->fresh_next = false;
		if (!conn->client->no_reuse)
			curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, conn->fresh_set ? 1L : 0L);
	}

	curl_easy_setopt(e, CURLOPT_URL, conn->url.ptr);
	/* The order matters: NOBODY 0 turns a HEAD back into GET, POST and
	 * HTTPGET then pick the request type, CUSTOMREQUEST the verb. */
	if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (conn->has_body) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)conn->body.len);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, strcmp(m, "POST") ? m : NULL);
	} else {
		curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, strcmp(m, "GET") ? m : NULL);
	}
	/* Credentials in the URL: Basic, as Go's client sends them, unless
	 * curl does the authentication (NTLM; digest without OpenSSL). */
	curl_easy_setopt(e, CURLOPT_HTTPAUTH, conn->auth == K6C__HTTP_AUTH_NTLM ? CURLAUTH_NTLM :
		!K6C__HTTP_DIGEST && conn->auth == K6C__HTTP_AUTH_DIGEST ? CURLAUTH_DIGEST :
		CURLAUTH_BASIC);
	/* One deadline for the whole redirect chain, as k6's context. */
	timeout_ms = conn->deadline_ns > now ? (long)((conn->deadline_ns - now + 999999u) / 1000000u) : 1;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);

	conn->body_pos = 0;
	conn->body_done = !conn->has_body || conn->body.len == 0;
	conn->t_prereq = conn->t_sent = conn->t_first = conn->t_last = 0;
	conn->in_body = false;
	conn->oom = false;
	conn->errbuf[0] = '\0';
	conn->cur.start_us = k6c__wall_us();
	if ((rc = multi_add(conn->client, e)) == 0)
		conn->in_multi = true;
	return rc;
}

/* Everything about the finished hop that curl knows: timings, sizes, peer,
 * status or error. */
static void fill_result(k6c__http_conn *conn, CURLcode rc)
{
	k6c__http_resp *r = &conn->cur;
	k6c__http_timings *t = &r->timings;
	CURL *e = conn->easy;
	curl_off_t nl = 0, cn = 0, app = 0, pre = 0, total = 0, up = 0, down = 0;
	long nconn = 0, reqsize = 0, hdrsize = 0, port = 0, code = 0, ver = 0;
	char *ip = NULL;
	uint64_t end;

	curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &nconn);
	/* A reused connection has no connection phases to ask about. */
	if (nconn > 0 || conn->t_prereq == 0) {
		curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &nl);
		curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &cn);
		curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &app);
	}
	if (conn->t_prereq == 0)
		curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
	else
		curl_easy_getinfo(e, CURLINFO_PRETRANSFER_TIME_T, &pre);
	curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &reqsize);
	curl_easy_getinfo(e, CURLINFO_HEADER_SIZE, &hdrsize);
	curl_easy_getinfo(e, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &down);
	curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &port);

	memset(t, 0, sizeof(*t));
	if (conn->t_prereq == 0) {
		/* Never got a connection: all of it was spent getting one. */
		t->blocked = us_to_ms(total);
		if (rc == CURLE_COULDNT_CONNECT || (rc == CURLE_OPERATION_TIMEDOUT && cn == 0))
			t->connecting = us_to_ms(total - nl);
	} else {
		t->blocked = us_to_ms(pre);
		if (nconn > 0) {
			t->connecting = us_to_ms(cn - nl);
			if (app > 0)
				t->tls_handshaking = us_to_ms(app - cn);
		}
		end = conn->t_last ? conn->t_last : k6c__now_ns();
		if (conn->t_sent == 0)
			conn->t_sent = conn->t_first ? conn->t_first : end;
		t->sending = ns_to_ms(conn->t_prereq, conn->t_sent);
		if (conn->t_first) {
			t->waiting = ns_to_ms(conn->t_sent, conn->t_first);
			t->receiving = ns_to_ms(conn->t_first, end);
		} else {
			t->waiting = ns_to_ms(conn->t_sent, end);
		}
	}
	t->duration = t->sending + t->waiting + t->receiving;

	r->bytes_sent = (uint64_t)(reqsize > 0 ? reqsize : 0) + (uint64_t)(up > 0 ? up : 0);
	r->bytes_received = (uint64_t)(hdrsize > 0 ? hdrsize : 0) + (uint64_t)(down > 0 ? down : 0);
	if (ip)
		copy_str(r->remote_ip, sizeof(r->remote_ip), ip);
	r->remote_port = (int)port;

	if (rc != CURLE_OK) {
		map_error(conn, rc);
		r->status = 0;
		r->status_text[0] = '\0';
		r->proto[0] = '\0';
		r->tls_version[0] = '\0';
		r->tls_cipher_suite[0] = '\0';
		memset(&r->ocsp, 0, sizeof(r->ocsp));
		k6c__buf_clear(&r->headers);
		k6c__buf_clear(&r->body);
		return;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &ver);
	r->status = (int)code;
	switch (ver) {
	case CURL_HTTP_VERSION_1_0: copy_str(r->proto, sizeof(r->proto), "HTTP/1.0"); break;
	case CURL_HTTP_VERSION_2_0: copy_str(r->proto, sizeof(r->proto), "HTTP/2.0"); break;
	case CURL_HTTP_VERSION_3: copy_str(r->proto, sizeof(r->proto), "HTTP/3.0"); break;
	default: copy_str(r->proto, sizeof(r->proto), "HTTP/1.1"); break;
	}
	if (r->status_text[0] == '\0')
		snprintf(r->status_text, sizeof(r->status_text), "%d %s", r->status,
			reason_phrase(code));
}

/* Decides whether the finished hop is a redirect to follow, as Go's client
 * does in k6: 301/302/303 turn everything but GET and HEAD into a GET
 * without a body, 307/308 repeat the request. Prepares the next hop. */
static bool prepare_redirect(k6c__http_conn *conn, const char *loc, int *err)
{
	int status = conn->cur.status;
	const char *h1, *h2;
	size_t l1, l2;
	bool keep_body;

	*err = 0;
	if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
		return false;
	if (conn->redirects >= conn->max_redirects)
		return false;  /* k6 returns the redirect itself as the response */
	if (loc == NULL || *loc == '\0')
		return false;
	if (buf_set(&conn->next_url, loc, strlen(loc)) != 0)
		goto oom;

	keep_body = status == 307 || status == 308;
	if (!keep_body) {
		if (strcmp(conn->method.ptr, "GET") != 0 && strcmp(conn->method.ptr, "HEAD") != 0 &&
		    buf_set(&conn->method, "GET", 3) != 0)
			goto oom;
		conn->has_body = false;
	}
	/* Credentials go only to the host they were meant for. */
	url_host(conn->origin_url.ptr, &h1, &l1);
	url_host(conn->next_url.ptr, &h2, &l2);
	conn->strip_sensitive = l1 != l2 || strncasecmp(h1, h2, l1) != 0;

	/* Referer: the previous URL without credentials or fragment, never
	 * from https to http (Go's refererForURL). */
	k6c__buf_clear(&conn->referer);
	if (!(strncasecmp(conn->url.ptr, "https:", 6) == 0 &&
	      strncasecmp(conn->next_url.ptr, "http:", 5) == 0)) {
		const char *u = conn->url.ptr, *sep = strstr(u, "://"), *host;
		size_t slen = sep ? (size_t)(sep + 3 - u) : 0, hlen, rest;

		url_host(u, &host, &hlen);
		rest = strcspn(host + hlen, "#");
		if (k6c__buf_puts(&conn->referer, "Referer: ") != 0 ||
		    k6c__buf_put(&conn->referer, u, slen) != 0 ||
		    k6c__buf_put(&conn->referer, host, hlen + rest) != 0)
			goto oom;
	}
	return true;
oom:
	*err = K6C_ENOMEM;
	return false;
}

/* Turns cur into a transport failure found by us, after the transfer:
 * k6 keeps no status, headers or body then, only the timings. */
static void fail_local(k6c__http_conn *conn, int code, const char *msg)
{
	conn->cur.status = 0;
	conn->cur.status_text[0] = '\0';
	conn->cur.proto[0] = '\0';
	conn->cur.tls_version[0] = '\0';
	conn->cur.tls_cipher_suite[0] = '\0';
	memset(&conn->cur.ocsp, 0, sizeof(conn->cur.ocsp));
	k6c__buf_clear(&conn->cur.headers);
	k6c__buf_clear(&conn->cur.body);
	set_error(&conn->cur, code, "%s", msg);
}

/* ... when we ran out of memory ourselves. */
static void fail_oom(k6c__http_conn *conn)
{
	fail_local(conn, 1000, "out of memory");
}

/* Moves cur into the caller's final response and calls the final callback.
 * conn is not touched afterwards: the callback may reuse or free it. */
static void finish(k6c__http_conn *conn)
{
	k6c__http_resp *out = conn->final_out;
	k6c__http_cb cb = conn->cb;
	void *arg = conn->arg;

	conn->active = false;
	conn->cur.url = conn->cur_url.ptr;
	if (conn->cur.url == NULL)
		conn->cur.url = k6c__strdup("");
	conn->cur.redirects = conn->redirects;
	*out = conn->cur;
	/* The buffers now belong to out; the next request starts from
	 * recycled memory, if any (reset_cur). */
	memset(&conn->cur.headers, 0, sizeof(conn->cur.headers));
	memset(&conn->cur.body, 0, sizeof(conn->cur.body));
	memset(&conn->cur.debug_req, 0, sizeof(conn->cur.debug_req));
	conn->cur.url = NULL;
	memset(&conn->cur_url, 0, sizeof(conn->cur_url));
	cb(conn, out, true, arg);
}

/* ---- cookies and authentication per hop -------------------------------- */

/* The "Cookie: ..." line of a redirect hop to conn->url: the request's own
 * cookies and the jar's, as k6's CheckRedirect rebuilds it. */
static int build_cookie_line(k6c__http_conn *conn)
{
	k6c__buf *b = &conn->cookie_line;
	int rc;

	k6c__buf_clear(b);
	if ((rc = k6c__buf_puts(b, "Cookie: ")) != 0)
		return rc;
	rc = k6c__cookie_header(b, false, conn->jar, conn->url.ptr, conn->rcookies,
		conn->nrcookies, k6c__wall_us());
	if (rc == 0 && b->len == strlen("Cookie: "))
		k6c__buf_clear(b);   /* no cookie to send */
	return rc;
}

/* Whether the finished hop is a 401 that digest authentication answers
 * with a retry of the same request (once per hop of the chain, and only
 * towards the host the credentials came with, as k6's digest transport),
 * with its Authorization in conn->auth_line. */
static bool auth_retry(k6c__http_conn *conn, int *err)
{
	int rc;

	*err = 0;
	if (conn->auth != K6C__HTTP_AUTH_DIGEST || conn->auth_retry || conn->cur.status != 401 ||
	    conn->strip_sensitive || !K6C__HTTP_DIGEST)
		return false;
	rc = k6c__http_digest(&conn->auth_line, conn->cur.headers.ptr, conn->cur.headers.len,
		conn->method.ptr, conn->url.ptr, conn->auth_user.ptr ? conn->auth_user.ptr : "",
		conn->auth_pass.ptr ? conn->auth_pass.ptr : "",
		conn->has_body ? conn->body.ptr : NULL, conn->has_body ? conn->body.len : 0);
	if (rc < 0)
		*err = rc;
	return rc > 0;
}

/* The common end of a hop (either path): the final callback, or the hop
 * callback and the next hop: a redirect to loc (NULL: none) or a digest
 * retry. */
static void hop_next(k6c__http_conn *conn, bool ok, const char *loc)
{
	bool gone = false, retry = false;
	unsigned seq;
	int err = 0;

	if (ok && auth_retry(conn, &err)) {
		/* Go's client never sees the 401 of a digest exchange, so its
		 * cookies are not stored (the retry sends the same ones). */
		retry = true;
	} else {
		if (ok && err == 0 && conn->jar != NULL && conn->set_cookie)
			err = k6c__cookie_jar_set_from_headers(conn->jar, conn->url.ptr,
				conn->cur.headers.ptr, conn->cur.headers.len, k6c__wall_us());
		if (err != 0 || !ok || !prepare_redirect(conn, loc, &err)) {
			if (err)
				fail_oom(conn);
			finish(conn);
			return;
		}
	}

	/* A hop: the callee sees it, then the chain goes on unless it
	 * cancelled or freed the conn. */
	conn->cur.url = conn->cur_url.ptr;
	seq = conn->seq;
	conn->gone = &gone;
	conn->cb(conn, &conn->cur, false, conn->arg);
	if (gone)
		return;
	conn->gone = NULL;
	if (conn->seq != seq || !conn->active)
		return;
	/* The callee may have taken (and zeroed) any of the members. */
	if (conn->cur.url == NULL)
		memset(&conn->cur_url, 0, sizeof(conn->cur_url));

	if (retry) {
		conn->auth_retry = true;
	} else {
		k6c__buf tmp = conn->url;

		conn->url = conn->next_url;
		conn->next_url = tmp;
		conn->redirects++;
		conn->auth_retry = false;
		k6c__buf_clear(&conn->auth_line);
		if (K6C__HTTP_DIGEST && conn->auth == K6C__HTTP_AUTH_DIGEST &&
		    k6c__http_take_userinfo(&conn->url, &conn->auth_user, &conn->auth_pass) != 0)
			err = K6C_ENOMEM;
		if (conn->jar != NULL) {
			conn->cookie_hop = true;
			if (err == 0)
				err = build_cookie_line(conn);
		}
	}
	if (err != 0 || start_hop(conn, k6c__now_ns()) != 0) {
		fail_oom(conn);
		finish(conn);
	}
}

static void hop_done(k6c__http_conn *conn, CURLcode rc)
{
	k6c__http_client *c = conn->client;
	char *loc = NULL;

	curl_multi_remove_handle(c->multi, conn->easy);
	conn->in_multi = false;
	unsent_unlink(conn);
	if (rc == CURLE_OK && conn->oom)
		rc = CURLE_WRITE_ERROR;
	fill_result(conn, rc);
	if (rc == CURLE_OK && conn->dec_on && k6c__decoder_finish(conn->dec) != 0) {
		/* A compressed body cut short: Go's readers say so. */
		fail_local(conn, 1000, "unexpected EOF");
		hop_next(conn, false, NULL);
		return;
	}
	if (rc == CURLE_OK && curl_easy_getinfo(conn->easy, CURLINFO_REDIRECT_URL, &loc) != CURLE_OK)
		loc = NULL;
	hop_next(conn, rc == CURLE_OK, loc);
}

/* ---- fast path: our own HTTP/1.1 on a socket curl connected ---------- */

/* Plain http:// requests without a proxy are written and parsed here, on a
 * keep-alive connection per conn: curl's per-request cost alone exceeded the
 * whole per-request budget. curl still resolves and connects (a CONNECT_ONLY
 * transfer of conn->fe on the multi, so both are asynchronous, honour the
 * hosts option and fail with curl's codes); we then work on our own
 * duplicate of its socket, so the connection's life is ours whatever curl's
 * cache does with its copy. */

enum { FP_IDLE = 0, FP_CONNECT, FP_SEND, FP_RECV };
enum { RS_HEAD, RS_CL, RS_CHUNK_SIZE, RS_CHUNK_DATA, RS_CHUNK_CRLF, RS_TRAILER, RS_EOF, RS_DONE };
#define FAST_MAX_HEAD (256u << 10)
#define FAST_READ_CHUNK 65536u

/* The authority and request target of an http:// URL we can send as is. */
static bool fast_parse_url(const char *url, const char **auth, size_t *auth_len, const char **path)
{
	const char *p, *end;

	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	p = url + 7;
	end = p + strcspn(p, "/?#");
	if (end == p || memchr(p, '@', (size_t)(end - p)) != NULL)
		return false;   /* credentials in the URL: curl's Basic auth */
	*auth = p;
	*auth_len = (size_t)(end - p);
	*path = end;
	return true;
}

static bool line_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(line, name, n) == 0 && (line[n] == ':' || line[n] == ';' ||
		line[n] == ' ' || line[n] == '\t');
}

static bool fast_eligible(const k6c__http_conn *conn)
{
	const k6c__http_client *c = conn->client;
	const char *auth, *path;
	size_t alen;

	if (c->env_proxy || c->no_reuse || conn->auth == K6C__HTTP_AUTH_NTLM)
		return false;
	if (!K6C__HTTP_DIGEST && conn->auth == K6C__HTTP_AUTH_DIGEST)
		return false;
	if (!fast_parse_url(conn->url.ptr, &auth, &alen, &path))
		return false;
	if (strpbrk(conn->method.ptr, " \t\r\n") != NULL)
		return false;
	for (size_t i = 0; i < conn->nlines; i++) {
		const char *l = conn->lines.ptr + conn->line_off[i];

		/* A framing of the user's own is curl's business. */
		if (strpbrk(l, "\r\n") != NULL || line_is(l, "transfer-encoding"))
			return false;
	}
	return true;
}

static void fast_watch(k6c__http_conn *conn, unsigned ev);
static void on_fast_io(k6c__loop *loop, int fd, unsigned events, void *arg);

static void fast_watch(k6c__http_conn *conn, unsigned ev)
{
	if (conn->ffd < 0 || conn->fwatch == ev)
		return;
	if (k6c__loop_watch(conn->client->loop, conn->ffd, ev, on_fast_io, conn) == 0)
		conn->fwatch = ev;
}

/* Closes our connection, if any. */
static void fast_drop(k6c__http_conn *conn)
{
	if (conn->ffd >= 0) {
		k6c__loop_watch(conn->client->loop, conn->ffd, 0, NULL, NULL);
		/* curl may still hold its copy in its cache: end the TCP
		 * connection itself, not only our descriptor. */
		shutdown(conn->ffd, SHUT_RDWR);
		close(conn->ffd);
		conn->ffd = -1;
	}
	conn->fwatch = 0;
	k6c__buf_clear(&conn->fkey);
	k6c__buf_clear(&conn->rbuf);
	conn->rpos = 0;
}

static void fast_cancel(k6c__http_conn *conn)
{
	if (!conn->fast)
		return;
	k6c__timer_stop(conn->client->loop, &conn->ftimer);
	if (conn->fe_in_multi) {
		curl_multi_remove_handle(conn->client->multi, conn->fe);
		conn->fe_in_multi = false;
	}
	/* A request half written or half read leaves the connection useless. */
	if (conn->fphase == FP_SEND || conn->fphase == FP_RECV)
		fast_drop(conn);
	conn->fphase = FP_IDLE;
	conn->fast = false;
}

static void fast_free(k6c__http_conn *conn)
{
	fast_cancel(conn);
	fast_drop(conn);
	if (conn->fe)
		curl_easy_cleanup(conn->fe);
	conn->fe = NULL;
	k6c__buf_free(&conn->fkey);
	k6c__buf_free(&conn->wbuf);
	k6c__buf_free(&conn->rbuf);
}

/* Writes the request into wbuf: request line, Host, the user's headers, our
 * defaults (User-Agent, Referer) and Content-Length, then the body. Nothing
 * else: Go's client (so k6) sends no Accept, Accept-Encoding or Expect. */
static int fast_build(k6c__http_conn *conn, const char *auth, size_t alen, const char *path)
{
	k6c__http_client *c = conn->client;
	k6c__buf *w = &conn->wbuf;
	size_t plen = strcspn(path, "#");
	bool have_host = false;
	int rc = 0;

	k6c__buf_clear(w);
	rc |= k6c__buf_puts(w, conn->method.ptr);
	rc |= k6c__buf_putc(w, ' ');
	if (plen == 0 || path[0] != '/')
		rc |= k6c__buf_putc(w, '/');
	rc |= k6c__buf_put(w, path, plen);
	rc |= k6c__buf_puts(w, " HTTP/1.1\r\n");
	for (size_t i = 0; i < conn->nlines; i++)
		if (line_is(conn->lines.ptr + conn->line_off[i], "host"))
			have_host = true;
	if (!have_host) {
		rc |= k6c__buf_puts(w, "Host: ");
		rc |= k6c__buf_put(w, auth, alen);
		rc |= k6c__buf_puts(w, "\r\n");
	}
	for (size_t i = 0; i < conn->nlines; i++) {
		const char *l = conn->lines.ptr + conn->line_off[i];
		size_t n = strlen(l);

		if (line_dropped(conn, conn->line_kind[i]))
			continue;
		if (n > 0 && l[n - 1] == ';' && memchr(l, ':', n) == NULL) {
			/* copy_headers' "Name;" for an empty value. */
			rc |= k6c__buf_put(w, l, n - 1);
			rc |= k6c__buf_puts(w, ": \r\n");
		} else {
			rc |= k6c__buf_put(w, l, n);
			rc |= k6c__buf_puts(w, "\r\n");
		}
	}
	if (!(conn->have & HAVE_UA) && c->ua_line) {
		rc |= k6c__buf_puts(w, c->ua_line);
		rc |= k6c__buf_puts(w, "\r\n");
	}
	if (conn->referer.len && !(conn->have & HAVE_REFERER)) {
		rc |= k6c__buf_put(w, conn->referer.ptr, conn->referer.len);
		rc |= k6c__buf_puts(w, "\r\n");
	}
	if (conn->cookie_hop && conn->cookie_line.len) {
		rc |= k6c__buf_put(w, conn->cookie_line.ptr, conn->cookie_line.len);
		rc |= k6c__buf_puts(w, "\r\n");
	}
	if (conn->auth_line.len) {
		rc |= k6c__buf_put(w, conn->auth_line.ptr, conn->auth_line.len);
		rc |= k6c__buf_puts(w, "\r\n");
	}
	if (conn->has_body)
		rc |= k6c__buf_printf(w, "Content-Length: %zu\r\n", conn->body.len);
	rc |= k6c__buf_puts(w, "\r\n");
	if (conn->debug && rc == 0) {
		/* httpDebug: the request exactly as it goes out. */
		size_t head = w->len;

		k6c__buf_clear(&conn->cur.debug_req);
		rc |= k6c__buf_put(&conn->cur.debug_req, w->ptr, head);
		if (conn->debug == K6C__HTTP_DEBUG_FULL && conn->has_body && conn->body.len)
			rc |= k6c__buf_put(&conn->cur.debug_req, conn->body.ptr, conn->body.len);
	}
	if (conn->has_body && conn->body.len)
		rc |= k6c__buf_put(w, conn->body.ptr, conn->body.len);
	return rc ? k6c__error(K6C_ENOMEM, "out of memory building a request") : 0;
}

/* Timings, sizes and peer of the finished fast hop; on failure the error
 * was set already and the response parts are cleared. */
static void fast_fill(k6c__http_conn *conn, bool ok)
{
	k6c__http_resp *r = &conn->cur;
	k6c__http_timings *t = &r->timings;
	uint64_t end = conn->t_last ? conn->t_last : k6c__now_ns();

	memset(t, 0, sizeof(*t));
	t->blocked = ns_to_ms(conn->t_start, conn->t_prereq ? conn->t_prereq : end);
	t->connecting = conn->fconnecting;
	if (conn->t_prereq) {
		uint64_t sent = conn->t_sent ? conn->t_sent : (conn->t_first ? conn->t_first : end);

		t->sending = ns_to_ms(conn->t_prereq, sent);
		if (conn->t_first) {
			t->waiting = ns_to_ms(sent, conn->t_first);
			t->receiving = ns_to_ms(conn->t_first, end);
		} else {
			t->waiting = ns_to_ms(sent, end);
		}
	}
	t->duration = t->sending + t->waiting + t->receiving;
	r->bytes_sent = conn->wpos;
	r->bytes_received = conn->rbytes;
	copy_str(r->remote_ip, sizeof(r->remote_ip), conn->fip);
	r->remote_port = conn->fport;
	if (!ok) {
		r->status = 0;
		r->status_text[0] = '\0';
		r->proto[0] = '\0';
		k6c__buf_clear(&r->headers);
		k6c__buf_clear(&r->body);
	}
}

/* Resolves the Location of a redirect against this hop's URL; the result
 * is curl's (curl_free), NULL if none. */
static char *fast_location(k6c__http_conn *conn)
{
	const char *h = conn->cur.headers.ptr, *end = h + conn->cur.headers.len;
	char *out = NULL;
	CURLU *u;

	while (h && h < end) {
		const char *nl = memchr(h, '\n', (size_t)(end - h));
		const char *le = nl ? nl : end;

		if ((size_t)(le - h) > 9 && strncasecmp(h, "location:", 9) == 0) {
			const char *v = h + 9;
			k6c__buf tmp = K6C__BUF_INIT;

			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			while (le > v && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
				le--;
			if (k6c__buf_put(&tmp, v, (size_t)(le - v)) != 0)
				return NULL;
			u = curl_url();
			if (u && curl_url_set(u, CURLUPART_URL, conn->url.ptr, 0) == CURLUE_OK &&
			    curl_url_set(u, CURLUPART_URL, tmp.ptr, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
			    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
				out = NULL;
			curl_url_cleanup(u);
			k6c__buf_free(&tmp);
			return out;
		}
		h = nl ? nl + 1 : end;
	}
	return NULL;
}

/* Ends the fast hop: the result, then the common redirect/callback logic.
 * conn must not be touched afterwards. */
static void fast_complete(k6c__http_conn *conn, bool ok)
{
	char *loc = NULL;
	int s = conn->cur.status;

	k6c__timer_stop(conn->client->loop, &conn->ftimer);
	conn->fphase = FP_IDLE;
	fast_fill(conn, ok);
	if (ok && (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) &&
	    conn->redirects < conn->max_redirects)
		loc = fast_location(conn);
	hop_next(conn, ok, loc);
	curl_free(loc);
}

static void fast_fail(k6c__http_conn *conn, int code, const char *msg)
{
	set_error(&conn->cur, code, "%s", msg);
	fast_drop(conn);
	fast_complete(conn, false);
}

static int fast_connect(k6c__http_conn *conn);

/* A socket error (or EOF, err 0) during a hop. On a reused connection
 * before any response byte the server most likely closed it while idle:
 * like Go's transport, try once more on a new connection. Returns 1 (the
 * hop went on or ended), or a negative code when sync and the retry could
 * not start. */
static int fast_io_error(k6c__http_conn *conn, int err, bool write, bool sync)
{
	const char *op = write ? "write" : "read";
	char ebuf[128];
	int rc;

	if (conn->freused && !conn->fretried && conn->t_first == 0) {
		fast_drop(conn);
		conn->fretried = true;
		rc = fast_connect(conn);
		if (rc == 0)
			return 1;
		if (sync)
			return rc;
		fail_oom(conn);
		fast_complete(conn, false);
		return 1;
	}
	if (err == 0 && conn->t_first == 0)
		set_error(&conn->cur, 1000, "EOF");
	else if (err == 0)
		set_error(&conn->cur, 1000, "unexpected EOF");
	else if (err == ECONNRESET)
		set_error(&conn->cur, 1220, "%s: connection reset by peer", op);
	else if (err == EPIPE)
		set_error(&conn->cur, 1201, "%s: broken pipe", op);
	else
		set_error(&conn->cur, 1202, "%s: unknown errno `%d` on linux with message `%s`", op, err,
			errno_text(err, ebuf, sizeof(ebuf)));
	fast_drop(conn);
	fast_complete(conn, false);
	return 1;
}

/* Writes what is left of the request. 0: written or waiting for the
 * socket; 1: the hop went on elsewhere or ended; negative: see above. */
static int fast_write(k6c__http_conn *conn, bool sync)
{
	while (conn->wpos < conn->wbuf.len) {
		ssize_t n = send(conn->ffd, conn->wbuf.ptr + conn->wpos, conn->wbuf.len - conn->wpos,
			MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			conn->wpos += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fast_watch(conn, K6C__IO_READ | K6C__IO_WRITE);
			return 0;
		}
		return fast_io_error(conn, n < 0 ? errno : EPIPE, true, sync);
	}
	conn->t_sent = k6c__now_ns();
	conn->fphase = FP_RECV;
	fast_watch(conn, K6C__IO_READ);
	return 0;
}

/* Starts writing the hop's request on the connection in ffd. */
static int fast_send_begin(k6c__http_conn *conn, bool sync)
{
	conn->fphase = FP_SEND;
	conn->wpos = 0;
	conn->rbytes = 0;
	conn->rstate = RS_HEAD;
	conn->rclose = false;
	conn->dec_on = false;
	conn->t_sent = conn->t_first = conn->t_last = 0;
	k6c__buf_clear(&conn->rbuf);
	conn->rpos = 0;
	k6c__timer_start(conn->client->loop, &conn->ftimer, conn->deadline_ns);
	conn->t_prereq = k6c__now_ns();
	fast_watch(conn, K6C__IO_READ);
	return fast_write(conn, sync);
}

static int fast_connect(k6c__http_conn *conn)
{
	k6c__http_client *c = conn->client;
	uint64_t now = k6c__now_ns();
	long timeout_ms;
	CURL *e = conn->fe;
	int rc;

	if (e == NULL) {
		e = curl_easy_init();
		if (e == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory creating a connection");
		conn->fe = e;
		curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)(void *)conn);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, conn->errbuf);
		curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, conn);
		curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
		curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, c);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
		curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, c->dns_ttl_s);
		curl_easy_setopt(e, CURLOPT_IPRESOLVE, c->ip_resolve);
		if (conn->local_if)
			curl_easy_setopt(e, CURLOPT_INTERFACE, conn->local_if);
		curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
		curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
		curl_easy_setopt(e, CURLOPT_PROXY, "");
		curl_easy_setopt(e, CURLOPT_NOPROXY, "");
		/* A new connection every time: the previous one is ours now. */
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	}
	{
		const char *auth, *path;
		size_t alen;

		if (!fast_parse_url(conn->url.ptr, &auth, &alen, &path) ||
		    buf_set(&conn->fkey, auth, alen) != 0)
			return k6c__error(K6C_ENOMEM, "out of memory starting a request");
	}
	rc = apply_hosts(conn, e, conn->url.ptr);
	if (rc == 1) {
		k6c__buf_clear(&conn->fkey);
		fail_soon(conn, 1101, "lookup: no such host");
		return 0;
	}
	if (rc != 0)
		return rc;
	curl_easy_setopt(e, CURLOPT_URL, conn->url.ptr);
	timeout_ms = conn->deadline_ns > now ? (long)((conn->deadline_ns - now + 999999u) / 1000000u) : 1;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	conn->errbuf[0] = '\0';
	conn->freused = false;
	conn->fconnecting = 0;
	conn->t_prereq = conn->t_sent = conn->t_first = conn->t_last = 0;
	conn->fphase = FP_CONNECT;
	if ((rc = multi_add(c, e)) == 0)
		conn->fe_in_multi = true;
	return rc;
}

/* fe's CONNECT_ONLY transfer ended: take over its socket, or report. */
static void fast_connected(k6c__http_conn *conn, CURLcode rc)
{
	k6c__http_client *c = conn->client;
	CURL *e = conn->fe;
	curl_socket_t s = CURL_SOCKET_BAD;
	curl_off_t nl = 0, cn = 0, total = 0;
	char *ip = NULL;
	long port = 0;
	int fd = -1;

	if (rc == CURLE_OK && (curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &s) != CURLE_OK ||
	    s == CURL_SOCKET_BAD))
		rc = CURLE_COULDNT_CONNECT;
	if (rc == CURLE_OK) {
		fd = fcntl(s, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			rc = CURLE_OUT_OF_MEMORY;
	}
	curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &nl);
	curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &cn);
	curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &port);
	copy_str(conn->fip, sizeof(conn->fip), ip ? ip : "");
	conn->fport = (int)port;
	if (rc != CURLE_OK) {
		k6c__http_timings *t = &conn->cur.timings;

		map_error_on(conn, e, rc);
		curl_multi_remove_handle(c->multi, e);
		conn->fe_in_multi = false;
		k6c__buf_clear(&conn->fkey);
		conn->t_start = 0;
		fast_fill(conn, false);
		/* Never got a connection: all of it was spent getting one. */
		memset(t, 0, sizeof(*t));
		t->blocked = us_to_ms(total);
		if (rc == CURLE_COULDNT_CONNECT || (rc == CURLE_OPERATION_TIMEDOUT && cn == 0))
			t->connecting = us_to_ms(total - nl);
		conn->fphase = FP_IDLE;
		hop_next(conn, false, NULL);
		return;
	}
	/* curl closes (or keeps in its cache) its own copy; ours is what the
	 * connection lives on from now on. */
	curl_multi_remove_handle(c->multi, e);
	conn->fe_in_multi = false;
	conn->ffd = fd;
	conn->fwatch = 0;
	conn->fconnecting = us_to_ms(cn - nl);
	fast_send_begin(conn, false);
}

static int fast_start(k6c__http_conn *conn, uint64_t now)
{
	const char *auth, *path;
	size_t alen;
	int rc;

	fast_parse_url(conn->url.ptr, &auth, &alen, &path);
	rc = fast_build(conn, auth, alen, path);
	if (rc != 0)
		return rc;
	conn->fast = true;
	conn->fretried = false;
	conn->t_start = now;
	conn->oom = false;
	conn->errbuf[0] = '\0';
	conn->t_prereq = conn->t_sent = conn->t_first = conn->t_last = 0;
	if (conn->ffd >= 0 && conn->fkey.len == alen && strncasecmp(conn->fkey.ptr, auth, alen) == 0) {
		conn->freused = true;
		conn->fconnecting = 0;
		rc = fast_send_begin(conn, true);
		return rc < 0 ? rc : 0;
	}
	fast_drop(conn);
	return fast_connect(conn);
}

/* Body bytes as they come off the wire: decoded, kept or only counted. */
static int fast_body(k6c__http_conn *conn, const char *p, size_t n)
{
	k6c__buf *b = &conn->cur.body;

	if (conn->discard_body || n == 0)
		return 0;
	if (!conn->dec_on)
		return k6c__buf_put(b, p, n) ? -1 : 0;
	return k6c__decoder_write(conn->dec, p, n, b);
}

/* Finds the end of a header block (just past its blank line) in p[0..n). */
static size_t head_end(const char *p, size_t n)
{
	const char *q = p, *end = p + n;

	while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		q++;
		if (q < end && *q == '\n')
			return (size_t)(q + 1 - p);
		if (q + 1 < end && q[0] == '\r' && q[1] == '\n')
			return (size_t)(q + 2 - p);
	}
	return 0;
}

/* Parses a header block: status, raw header lines, body framing. Returns 0,
 * 1 for an interim (1xx) block to skip, or -1 if malformed. */
static int fast_head(k6c__http_conn *conn, const char *p, size_t n)
{
	k6c__http_resp *r = &conn->cur;
	const char *end = p + n, *nl = memchr(p, '\n', n);
	bool chunked = false, has_cl = false, close_conn = false, keep_alive = false, h10;
	const char *enc = NULL;
	size_t enc_len = 0;
	uint64_t cl = 0;
	int code;

	if (nl == NULL || n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
	    !(p[9] >= '1' && p[9] <= '9') || !(p[10] >= '0' && p[10] <= '9') ||
	    !(p[11] >= '0' && p[11] <= '9'))
		return -1;
	code = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (code >= 100 && code < 200 && code != 101)
		return 1;
	h10 = p[7] == '0';
	k6c__buf_clear(&r->headers);
	parse_status_line(r, p, (size_t)(nl + 1 - p));
	r->status = code;
	copy_str(r->proto, sizeof(r->proto), h10 ? "HTTP/1.0" : "HTTP/1.1");
	for (const char *l = nl + 1; l < end;) {
		const char *le = memchr(l, '\n', (size_t)(end - l));
		const char *colon, *v, *ve;
		size_t len;

		le = le ? le + 1 : end;
		len = (size_t)(le - l);
		if (len <= 2 && (l[0] == '\r' || l[0] == '\n'))
			break;   /* the blank line */
		if (k6c__buf_put(&r->headers, l, len) != 0)
			return -2;
		colon = memchr(l, ':', len);
		if (colon) {
			size_t nlen = (size_t)(colon - l);

			v = colon + 1;
			ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == '\n' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (nlen == 14 && strncasecmp(l, "content-length", 14) == 0) {
				char *e2;
				unsigned long long x;

				if (v == ve || !(*v >= '0' && *v <= '9'))
					return -1;
				x = strtoull(v, &e2, 10);
				if (e2 != ve || (has_cl && x != cl))
					return -1;
				cl = x;
				has_cl = true;
			} else if (nlen == 17 && strncasecmp(l, "transfer-encoding", 17) == 0) {
				for (const char *q = v; q + 7 <= ve; q++)
					if (strncasecmp(q, "chunked", 7) == 0)
						chunked = true;
			} else if (nlen == 10 && strncasecmp(l, "connection", 10) == 0) {
				for (const char *q = v; q + 5 <= ve; q++)
					if (strncasecmp(q, "close", 5) == 0)
						close_conn = true;
				for (const char *q = v; q + 10 <= ve; q++)
					if (strncasecmp(q, "keep-alive", 10) == 0)
						keep_alive = true;
			} else if (nlen == 16 && strncasecmp(l, "content-encoding", 16) == 0 && enc == NULL) {
				enc = v;
				enc_len = (size_t)(ve - v);
			} else if (nlen == 10 && strncasecmp(l, "set-cookie", 10) == 0) {
				conn->set_cookie = true;
			}
		}
		l = le;
	}
	conn->rclose = close_conn || (h10 && !keep_alive) || code == 101;
	if (strcmp(conn->method.ptr, "HEAD") == 0 || code == 204 || code == 304 || code == 101) {
		conn->rstate = RS_DONE;
	} else if (chunked) {
		conn->rstate = RS_CHUNK_SIZE;
	} else if (has_cl) {
		conn->rremain = cl;
		conn->rstate = cl ? RS_CL : RS_DONE;
	} else {
		conn->rstate = RS_EOF;
		conn->rclose = true;
	}
	/* Decoded as k6 does, by the first Content-Encoding header, unless
	 * the body is not kept. */
	conn->dec_on = false;
	if (conn->rstate != RS_DONE && enc && !conn->discard_body) {
		int rc = k6c__decoder_reset(&conn->dec, enc, enc_len);

		if (rc < 0)
			return -2;
		conn->dec_on = rc == 1;
	}
	return 0;
}

/* Consumes what rbuf holds. 0: needs more; 1: the hop ended (conn must not
 * be touched). */
static int fast_parse(k6c__http_conn *conn)
{
	for (;;) {
		const char *p = conn->rbuf.ptr + conn->rpos;
		size_t avail = conn->rbuf.len - conn->rpos;
		const char *nl;
		int rc;

		switch (conn->rstate) {
		case RS_HEAD: {
			size_t n = head_end(p, avail);

			if (n == 0) {
				if (avail > FAST_MAX_HEAD) {
					fast_fail(conn, 1000, "net/http: response headers too large");
					return 1;
				}
				return 0;
			}
			rc = fast_head(conn, p, n);
			if (rc == -2) {
				fail_oom(conn);
				fast_drop(conn);
				fast_complete(conn, false);
				return 1;
			}
			if (rc < 0) {
				/* Go quotes the line it could not read. */
				size_t l = strcspn(p, "\r\n");
				char msg[160];

				snprintf(msg, sizeof(msg), "malformed HTTP response \"%.*s\"",
					(int)(l > 100 ? 100 : l), p);
				fast_fail(conn, 1000, msg);
				return 1;
			}
			conn->rpos += n;
			break;
		}
		case RS_CL:
		case RS_CHUNK_DATA:
		case RS_EOF: {
			size_t n = avail;

			if (conn->rstate != RS_EOF && n > conn->rremain)
				n = (size_t)conn->rremain;
			if (n == 0)
				return 0;
			rc = fast_body(conn, p, n);
			if (rc != 0) {
				if (rc == -1) {
					fail_oom(conn);
					fast_drop(conn);
					fast_complete(conn, false);
				} else {
					fast_drop(conn);
					fail_local(conn, 1701, "");
					set_error(&conn->cur, 1701, "error decompressing response body (%s)",
						k6c__decoder_error(conn->dec));
					fast_complete(conn, false);
				}
				return 1;
			}
			conn->rpos += n;
			if (conn->rstate == RS_EOF)
				return 0;
			conn->rremain -= n;
			if (conn->rremain == 0)
				conn->rstate = conn->rstate == RS_CL ? RS_DONE : RS_CHUNK_CRLF;
			break;
		}
		case RS_CHUNK_SIZE:
		case RS_CHUNK_CRLF:
		case RS_TRAILER: {
			size_t len;

			nl = memchr(p, '\n', avail);
			if (nl == NULL) {
				if (avail > 65536) {
					fast_fail(conn, 1000, "malformed chunked encoding");
					return 1;
				}
				return 0;
			}
			len = (size_t)(nl + 1 - p);
			if (conn->rstate == RS_CHUNK_SIZE) {
				char *e2;
				unsigned long long x;

				if (!isxdigit((unsigned char)p[0])) {
					fast_fail(conn, 1000, "malformed chunked encoding");
					return 1;
				}
				x = strtoull(p, &e2, 16);
				if (e2 != nl && *e2 != ';' && *e2 != '\r' && *e2 != ' ' && *e2 != '\t') {
					fast_fail(conn, 1000, "malformed chunked encoding");
					return 1;
				}
				conn->rremain = x;
				conn->rstate = x ? RS_CHUNK_DATA : RS_TRAILER;
			} else if (conn->rstate == RS_CHUNK_CRLF) {
				if (len > 2 || (len == 2 && p[0] != '\r')) {
					fast_fail(conn, 1000, "malformed chunked encoding");
					return 1;
				}
				conn->rstate = RS_CHUNK_SIZE;
			} else if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
				conn->rstate = RS_DONE;   /* trailers are not kept (as on_header) */
			}
			conn->rpos += len;
			break;
		}
		case RS_DONE:
		default:
			conn->t_last = k6c__now_ns();
			if (conn->dec_on && k6c__decoder_finish(conn->dec) != 0) {
				/* A compressed body cut short: Go's readers say so. */
				fast_drop(conn);
				fail_local(conn, 1000, "unexpected EOF");
				fast_complete(conn, false);
				return 1;
			}
			/* Anything after the response was not asked for, and a
			 * request not fully written (the server answered early):
			 * either way the connection is out of step. */
			if (conn->rclose || conn->rpos != conn->rbuf.len || conn->wpos < conn->wbuf.len)
				fast_drop(conn);
			else {
				k6c__buf_clear(&conn->rbuf);
				conn->rpos = 0;
			}
			fast_complete(conn, true);
			return 1;
		}
	}
}

/* Reads what the socket has and parses it. */
static void fast_read(k6c__http_conn *conn)
{
	for (;;) {
		k6c__buf *b = &conn->rbuf;
		size_t room;
		ssize_t n;

		if (conn->rpos > 0 && conn->rpos == b->len) {
			b->len = 0;
			conn->rpos = 0;
		} else if (conn->rpos > 0 && b->cap - b->len < 4096) {
			memmove(b->ptr, b->ptr + conn->rpos, b->len - conn->rpos);
			b->len -= conn->rpos;
			conn->rpos = 0;
		}
		if (k6c__buf_reserve(b, FAST_READ_CHUNK) != 0) {
			fail_oom(conn);
			fast_drop(conn);
			fast_complete(conn, false);
			return;
		}
		room = b->cap - b->len - 1;
		n = recv(conn->ffd, b->ptr + b->len, room, MSG_DONTWAIT);
		if (n > 0) {
			if (conn->t_first == 0)
				conn->t_first = k6c__now_ns();
			conn->rbytes += (uint64_t)n;
			b->len += (size_t)n;
			b->ptr[b->len] = '\0';
			if (fast_parse(conn) != 0)
				return;
			if ((size_t)n < room)
				return;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == 0 && conn->rstate == RS_EOF) {
			/* A body framed by the end of the connection. */
			conn->rstate = RS_DONE;
			conn->rclose = true;
			fast_parse(conn);
			return;
		}
		fast_io_error(conn, n < 0 ? errno : 0, false, false);
		return;
	}
}

static void on_fast_io(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	k6c__http_conn *conn = arg;

	K6C__UNUSED(loop);
	K6C__UNUSED(fd);
	if (!conn->active || !conn->fast || (conn->fphase != FP_SEND && conn->fphase != FP_RECV)) {
		/* Idle: a hang-up, a reset or bytes nobody asked for all mean
		 * the connection cannot carry the next request. */
		fast_drop(conn);
		return;
	}
	if (conn->fphase == FP_SEND && (events & K6C__IO_WRITE)) {
		if (fast_write(conn, false) != 0)
			return;
	}
	if (events & K6C__IO_READ)
		fast_read(conn);
}

static void on_fast_timer(k6c__loop *loop, k6c__timer *t)
{
	k6c__http_conn *conn = t->arg;

	K6C__UNUSED(loop);
	if (!conn->active || !conn->fast || (conn->fphase != FP_SEND && conn->fphase != FP_RECV))
		return;
	fast_fail(conn, 1050, "request timeout");
}

/* After every curl_multi_socket_action: close the "request sent" stamps of
 * transfers that wrote their request in it, then finish what is done. */
static void after_action(k6c__http_client *c)
{
	k6c__http_conn *conn, *next;
	uint64_t now = 0;
	CURLMsg *msg;
	int left;

	for (conn = c->unsent; conn; conn = next) {
		next = conn->unsent_next;
		if (conn->body_done) {
			if (now == 0)
				now = k6c__now_ns();
			mark_sent(conn, now);
		}
	}
	while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
		CURL *easy;
		CURLcode rc;

		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		rc = msg->data.result;
		conn = conn_of(easy);
		if (conn && easy == conn->fe)
			fast_connected(conn, rc);
		else if (conn)
			hop_done(conn, rc);
	}
}

static void on_io(k6c__loop *loop, int fd, unsigned events, void *arg)
{
	k6c__http_client *c = arg;
	int flags = 0, running = 0;

	K6C__UNUSED(loop);
	if (events & K6C__IO_READ)
		flags |= CURL_CSELECT_IN;
	if (events & K6C__IO_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	after_action(c);
}

static void on_timer(k6c__loop *loop, k6c__timer *t)
{
	k6c__http_client *c = t->arg;
	int running = 0;

	K6C__UNUSED(loop);
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	after_action(c);
}

/* ---- client ---------------------------------------------------------- */

/* Whether any environment variable that curl consults for a proxy, for the
 * http and https schemes we allow, is set (curl ignores empty ones). */
static bool proxy_env_set(void)
{
	static const char *const names[] = {
		"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
		"no_proxy", "NO_PROXY",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		if (v && *v)
			return true;
	}
	return false;
}

/* "tls1.2" -> 12; -1 if unknown. */
static int tls_version_num(const char *v)
{
	static const char *const names[] = { "tls1.0", "tls1.1", "tls1.2", "tls1.3" };

	for (int i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0)
			return 10 + i;
	return -1;
}

/* Parses one entry of k6's hosts option ("key=ip" or "key=ip:port", see
 * k6c__http_client_opts.hosts) into r. */
static int parse_host(struct host_rule *r, const char *entry)
{
	const char *eq = entry ? strchr(entry, '=') : NULL;
	const char *key = entry, *kend, *addr, *close, *colon;
	k6c__buf ip = K6C__BUF_INIT;
	int port = 0, to_port = 0;

	memset(r, 0, sizeof(*r));
	if (eq == NULL || eq == entry || eq[1] == '\0')
		return k6c__error(K6C_EINVAL, "invalid hosts entry \"%s\" (want name=ip[:port])",
			entry ? entry : "");
	kend = eq;
	colon = memchr(key, ':', (size_t)(kend - key));
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);

		if (end != kend || p <= 0 || p > 65535)
			return k6c__error(K6C_EINVAL, "invalid hosts entry \"%s\" (bad port)", entry);
		port = (int)p;
		kend = colon;
	}
	if (kend - key > 2 && key[0] == '*' && key[1] == '.') {
		r->wildcard = true;
		key += 2;
	}
	addr = eq + 1;
	if (addr[0] == '[') {
		close = strchr(addr, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return k6c__error(K6C_EINVAL, "invalid hosts entry \"%s\"", entry);
		if (k6c__buf_put(&ip, addr, (size_t)(close + 1 - addr)) != 0)
			goto oom;
		colon = close[1] == ':' ? close + 1 : NULL;
	} else if ((colon = strchr(addr, ':')) != NULL && strchr(colon + 1, ':') != NULL) {
		/* A bare IPv6 address (several colons): no port. */
		if (k6c__buf_printf(&ip, "[%s]", addr) != 0)
			goto oom;
		colon = NULL;
	} else if (k6c__buf_put(&ip, addr, colon ? (size_t)(colon - addr) : strlen(addr)) != 0) {
		goto oom;
	}
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);

		if (*end != '\0' || p <= 0 || p > 65535) {
			k6c__buf_free(&ip);
			return k6c__error(K6C_EINVAL, "invalid hosts entry \"%s\" (bad port)", entry);
		}
		to_port = (int)p;
	}
	r->name = k6c__strndup(key, (size_t)(kend - key));
	if (r->name == NULL)
		goto oom;
	for (char *p = r->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	r->ip = k6c__buf_detach(&ip);
	r->port = port;
	r->to_port = to_port;
	return 0;
oom:
	k6c__buf_free(&ip);
	k6c__free(r->name);
	r->name = NULL;
	return k6c__error(K6C_ENOMEM, "out of memory adding a hosts entry");
}

static void client_free_opts(k6c__http_client *c)
{
	for (size_t i = 0; i < c->nhosts; i++) {
		k6c__free(c->hosts[i].name);
		k6c__free(c->hosts[i].ip);
	}
	k6c__free(c->hosts);
	for (size_t i = 0; i < c->ntls_auth; i++) {
		struct tls_auth *a = &c->tls_auth[i];

		for (size_t d = 0; d < a->ndomains; d++)
			k6c__free(a->domains[d]);
		k6c__free(a->domains);
		k6c__free(a->cert);
		k6c__free(a->key);
		k6c__free(a->password);
	}
	k6c__free(c->tls_auth);
	for (size_t i = 0; i < c->nlocal_ifs; i++)
		k6c__free(c->local_ifs[i]);
	k6c__free(c->local_ifs);
	k6c__free(c->cipher_list);
	k6c__free(c->tls13_ciphers);
	k6c__free(c->ua_line);
	k6c__free(c->ca_file);
	k6c__free(c->ca_dir);
}

/* The cipher suites as curl's two lists (OpenSSL names, colon-separated). */
static int client_ciphers(k6c__http_client *c, const k6c__http_client_opts *opts)
{
	k6c__buf l12 = K6C__BUF_INIT, l13 = K6C__BUF_INIT;

	for (size_t i = 0; i < opts->ncipher_suites; i++) {
		bool tls13 = false;
		const char *name = k6c__tls_cipher_openssl(opts->cipher_suites[i], &tls13);
		k6c__buf *l = tls13 ? &l13 : &l12;

		if (name == NULL) {
			k6c__buf_free(&l12);
			k6c__buf_free(&l13);
			return k6c__error(K6C_EINVAL, "unknown cipher suite \"%s\"",
				opts->cipher_suites[i] ? opts->cipher_suites[i] : "");
		}
		if ((l->len && k6c__buf_putc(l, ':') != 0) || k6c__buf_puts(l, name) != 0) {
			k6c__buf_free(&l12);
			k6c__buf_free(&l13);
			return k6c__error(K6C_ENOMEM, "out of memory creating an HTTP client");
		}
	}
	c->cipher_list = l12.len ? k6c__buf_detach(&l12) : NULL;
	c->tls13_ciphers = l13.len ? k6c__buf_detach(&l13) : NULL;
	k6c__buf_free(&l12);
	k6c__buf_free(&l13);
	return 0;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = k6c__strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

/* Copies the options that are more than flags. */
static int client_copy_opts(k6c__http_client *c, const k6c__http_client_opts *opts)
{
	bool oom = false;
	int rc;

	if (opts->nhosts) {
		c->hosts = k6c__calloc(opts->nhosts, sizeof(*c->hosts));
		if (c->hosts == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory creating an HTTP client");
		for (size_t i = 0; i < opts->nhosts; i++) {
			if ((rc = parse_host(&c->hosts[i], opts->hosts[i])) != 0)
				return rc;
			c->nhosts++;
		}
	}
	if ((rc = client_ciphers(c, opts)) != 0)
		return rc;
	if (opts->ntls_auth) {
		c->tls_auth = k6c__calloc(opts->ntls_auth, sizeof(*c->tls_auth));
		if (c->tls_auth == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory creating an HTTP client");
		for (size_t i = 0; i < opts->ntls_auth; i++) {
			const k6c__http_tls_auth *in = &opts->tls_auth[i];
			struct tls_auth *a = &c->tls_auth[i];

			c->ntls_auth++;
			if (in->cert == NULL || in->key == NULL)
				return k6c__error(K6C_EINVAL, "a tlsAuth entry needs cert and key");
			a->cert = dup_or_null(in->cert, &oom);
			a->key = dup_or_null(in->key, &oom);
			a->password = dup_or_null(in->password, &oom);
			if (in->ndomains) {
				a->domains = k6c__calloc(in->ndomains, sizeof(*a->domains));
				oom |= a->domains == NULL;
				for (size_t d = 0; a->domains && d < in->ndomains; d++) {
					a->domains[d] = dup_or_null(in->domains[d] ? in->domains[d] : "", &oom);
					a->ndomains++;
				}
			}
		}
	}
	if (opts->nlocal_ips) {
		c->local_ifs = k6c__calloc(opts->nlocal_ips, sizeof(*c->local_ifs));
		oom |= c->local_ifs == NULL;
		for (size_t i = 0; c->local_ifs && i < opts->nlocal_ips; i++) {
			k6c__buf b = K6C__BUF_INIT;

			/* "host!" binds to the address, never to an interface name. */
			if (k6c__buf_printf(&b, "host!%s", opts->local_ips[i] ? opts->local_ips[i] : "") != 0) {
				oom = true;
				break;
			}
			c->local_ifs[c->nlocal_ifs++] = k6c__buf_detach(&b);
		}
	}
	return oom ? k6c__error(K6C_ENOMEM, "out of memory creating an HTTP client") : 0;
}

int k6c__http_client_new(k6c__http_client **out, k6c__loop *loop, const k6c__http_client_opts *opts)
{
	k6c__http_client *c;
	const char *ua = opts && opts->user_agent ? opts->user_agent : "k6c/" K6C__HTTP_VERSION;
	const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
	int rc;

	*out = NULL;
	if (loop == NULL)
		return k6c__error(K6C_EINVAL, "an HTTP client needs a loop");
	c = k6c__calloc(1, sizeof(*c));
	if (c == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory creating an HTTP client");
	c->loop = loop;
	k6c__timer_init(&c->timer, on_timer, c);
	if (*ua) {
		size_t n = strlen(ua);

		c->ua_line = k6c__malloc(n + sizeof("User-Agent: "));
		if (c->ua_line == NULL)
			goto oom;
		memcpy(c->ua_line, "User-Agent: ", sizeof("User-Agent: ") - 1);
		memcpy(c->ua_line + sizeof("User-Agent: ") - 1, ua, n + 1);
	}
	{
		/* Go's crypto/x509 (so k6) trusts SSL_CERT_FILE / SSL_CERT_DIR
		 * instead of the system's store when they are set. */
		const char *ca = opts && opts->ca_file ? opts->ca_file : getenv("SSL_CERT_FILE");
		const char *dir = getenv("SSL_CERT_DIR");

		if (ca && *ca && (c->ca_file = k6c__strdup(ca)) == NULL)
			goto oom;
		if (!(opts && opts->ca_file) && dir && *dir && (c->ca_dir = k6c__strdup(dir)) == NULL)
			goto oom;
	}
	c->insecure = opts && opts->insecure_skip_tls_verify;
	c->env_proxy = proxy_env_set();
	c->no_reuse = opts && opts->no_connection_reuse;
	c->no_vu_reuse = opts && opts->no_vu_connection_reuse;
	c->openssl = vi && vi->ssl_version && strncmp(vi->ssl_version, "OpenSSL", 7) == 0;
	/* k6's default DNS TTL is 5 minutes. */
	c->dns_ttl_s = opts && opts->dns_ttl_set ? opts->dns_ttl_s : 300;
	c->ip_resolve = !opts || opts->ip_family == 0 ? CURL_IPRESOLVE_WHATEVER :
		opts->ip_family == 4 ? CURL_IPRESOLVE_V4 : CURL_IPRESOLVE_V6;
	c->sslversion = -1;
	if (opts && (opts->tls_min || opts->tls_max)) {
		int lo = 0, hi = 0;

		if ((opts->tls_min && (lo = tls_version_num(opts->tls_min)) < 0) ||
		    (opts->tls_max && (hi = tls_version_num(opts->tls_max)) < 0)) {
			rc = k6c__error(K6C_EINVAL, "invalid TLS version \"%s\" (use tls1.0 .. tls1.3)",
				opts->tls_min && tls_version_num(opts->tls_min) < 0 ? opts->tls_min : opts->tls_max);
			goto fail;
		}
		c->sslversion = (lo ? CURL_SSLVERSION_TLSv1_0 + (lo - 10) : CURL_SSLVERSION_DEFAULT) |
			(hi ? CURL_SSLVERSION_MAX_TLSv1_0 + ((long)(hi - 10) << 16) : CURL_SSLVERSION_MAX_DEFAULT);
	}
	if (opts && (rc = client_copy_opts(c, opts)) != 0)
		goto fail;
	c->multi = curl_multi_init();
	if (c->multi == NULL)
		goto oom;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_multi_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	if (opts && opts->max_connections > 0)
		curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, opts->max_connections);
	/* Each k6 VU has its own transport, so its own HTTP/2 connection:
	 * sharing one multiplexed connection among VUs would change the
	 * load the server sees. */
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
	*out = c;
	return 0;
oom:
	rc = k6c__error(K6C_ENOMEM, "out of memory creating an HTTP client");
fail:
	client_free_opts(c);
	k6c__free(c);
	return rc;
}

void k6c__http_client_free(k6c__http_client *c)
{
	if (c == NULL)
		return;
	while (c->conns)
		k6c__http_conn_free(c->conns);
	/* Closes the pooled connections; curl unwatches their sockets through
	 * on_socket, so the loop must still exist. */
	curl_multi_cleanup(c->multi);
	k6c__timer_stop(c->loop, &c->timer);
	k6c__free(c->owned);
	client_free_opts(c);
	k6c__free(c);
}

/* ---- conn ------------------------------------------------------------ */

#ifdef K6C__HTTP_OPENSSL
static CURLcode on_ssl_ctx(CURL *e, void *ssl_ctx, void *ud)
{
	K6C__UNUSED(e);
	K6C__UNUSED(ud);
	SSL_CTX_set_tlsext_status_type((SSL_CTX *)ssl_ctx, TLSEXT_STATUSTYPE_ocsp);
	return CURLE_OK;
}
#endif

int k6c__http_conn_new(k6c__http_client *c, k6c__http_conn **out)
{
	k6c__http_conn *conn;
	CURL *e;

	*out = NULL;
	if (c == NULL)
		return k6c__error(K6C_EINVAL, "no HTTP client");
	conn = k6c__calloc(1, sizeof(*conn));
	if (conn == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory creating an HTTP connection");
	e = curl_easy_init();
	if (e == NULL) {
		k6c__free(conn);
		return k6c__error(K6C_ENOMEM, "out of memory creating an HTTP connection");
	}
	conn->client = c;
	conn->easy = e;
	conn->ffd = -1;
	conn->tls_auth_cur = -1;
	k6c__timer_init(&conn->ftimer, on_fast_timer, conn);
	k6c__timer_init(&conn->etimer, on_error_timer, conn);
	/* The options that never change; per-request ones are set in
	 * start_hop, and the handle is never reset so curl keeps its caches. */
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)(void *)conn);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, conn->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, conn);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, conn);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(e, CURLOPT_READDATA, conn);
	curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
	curl_easy_setopt(e, CURLOPT_SEEKDATA, conn);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, conn);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, conn);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, c);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, conn);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* No decoding by curl: on_header and on_write decode as k6 does (k6's
	 * codings, its order, nothing for a body that is not kept), the same
	 * way as the fast path; and no Accept-Encoding, as Go's client in k6. */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	/* Go sends the path as written, dot segments included. */
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	/* k6's transport never drops an idle connection on its own (curl
	 * would after 118 s); a dead one is detected and replaced on reuse. */
	curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, 86400L);
	/* k6's dns option (ttl, and the family of its policy). */
	curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, c->dns_ttl_s);
	curl_easy_setopt(e, CURLOPT_IPRESOLVE, c->ip_resolve);
	/* Go's dialer keeps connections alive with 30 s / 15 s probes. */
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
	if (c->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	if (c->ca_dir)
		curl_easy_setopt(e, CURLOPT_CAPATH, c->ca_dir);
	if (c->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->sslversion >= 0)
		curl_easy_setopt(e, CURLOPT_SSLVERSION, c->sslversion);
	if (c->no_reuse) {
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	}
	if (c->cipher_list)
		curl_easy_setopt(e, CURLOPT_SSL_CIPHER_LIST, c->cipher_list);
	if (c->tls13_ciphers)
		curl_easy_setopt(e, CURLOPT_TLS13_CIPHERS, c->tls13_ciphers);
#ifdef K6C__HTTP_OPENSSL
	/* Ask for a stapled OCSP response, as Go's client does, for k6's
	 * Response.ocsp (curl asks only when it verifies it). */
	if (c->openssl)
		curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
#endif
	/* Without proxy variables (checked once per client, as Go reads them
	 * once), say so: curl would otherwise look up five of them for every
	 * request. */
	if (!c->env_proxy) {
		curl_easy_setopt(e, CURLOPT_PROXY, "");
		curl_easy_setopt(e, CURLOPT_NOPROXY, "");
	}

	conn->next = c->conns;
	if (c->conns)
		c->conns->prev = conn;
	c->conns = conn;
	*out = conn;
	return 0;
}

void k6c__http_conn_set_vu(k6c__http_conn *conn, uint64_t vu_id)
{
	k6c__http_client *c;
	const char *want;

	if (conn == NULL || conn->client->nlocal_ifs == 0)
		return;
	c = conn->client;
	want = c->local_ifs[(vu_id > 0 ? vu_id - 1 : 0) % c->nlocal_ifs];
	if (conn->local_if == want)
		return;
	conn->local_if = (char *)(uintptr_t)want;
	curl_easy_setopt(conn->easy, CURLOPT_INTERFACE, want);
	if (conn->fe)
		curl_easy_setopt(conn->fe, CURLOPT_INTERFACE, want);
	/* A connection from another address is not this VU's. */
	if (!conn->active)
		fast_drop(conn);
}

void k6c__http_conn_iteration_end(k6c__http_conn *conn)
{
	k6c__http_client *c;

	if (conn == NULL || !conn->client->no_vu_reuse || conn->active)
		return;
	c = conn->client;
	fast_drop(conn);
	/* curl's idle connections that this conn opened: ending the TCP
	 * connection makes curl find them dead and drop them; a busy one is
	 * another VU's request now. The next request also asks for a new
	 * connection, in case an idle one another VU opened would be picked. */
	for (size_t fd = 0; fd < c->nowned; fd++)
		if (c->owned[fd].owned && c->owned[fd].owner == conn && !c->owned[fd].busy)
			shutdown((int)fd, SHUT_RDWR);
	conn->fresh_next = true;
}

void k6c__http_cancel(k6c__http_conn *conn)
{
	if (conn == NULL)
		return;
	k6c__timer_stop(conn->client->loop, &conn->etimer);
	if (conn->in_multi) {
		curl_multi_remove_handle(conn->client->multi, conn->easy);
		conn->in_multi = false;
	}
	fast_cancel(conn);
	unsent_unlink(conn);
	conn->active = false;
	conn->seq++;
}

void k6c__http_conn_free(k6c__http_conn *conn)
{
	k6c__http_client *c;

	if (conn == NULL)
		return;
	c = conn->client;
	k6c__http_cancel(conn);
	if (conn->gone)
		*conn->gone = true;
	if (conn->prev)
		conn->prev->next = conn->next;
	else
		c->conns = conn->next;
	if (conn->next)
		conn->next->prev = conn->prev;
	/* curl may keep connections this conn opened: they are nobody's now. */
	for (size_t fd = 0; fd < c->nowned; fd++)
		if (c->owned[fd].owner == conn)
			c->owned[fd].owner = NULL;
	curl_easy_cleanup(conn->easy);
	fast_free(conn);
	k6c__decoder_free(conn->dec);
	k6c__buf_free(&conn->connect_entry);
	k6c__buf_free(&conn->cur.debug_req);
	k6c__buf_free(&conn->method);
	k6c__buf_free(&conn->url);
	k6c__buf_free(&conn->next_url);
	k6c__buf_free(&conn->origin_url);
	k6c__buf_free(&conn->lines);
	k6c__free(conn->line_off);
	k6c__free(conn->line_kind);
	k6c__buf_free(&conn->body);
	k6c__buf_free(&conn->referer);
	k6c__cookie_jar_free(conn->jar);
	k6c__free(conn->rcookies);
	k6c__buf_free(&conn->rcookie_mem);
	k6c__buf_free(&conn->cookie_line);
	k6c__buf_free(&conn->auth_user);
	k6c__buf_free(&conn->auth_pass);
	k6c__buf_free(&conn->auth_line);
	k6c__free(conn->nodes);
	k6c__buf_free(&conn->cur.headers);
	k6c__buf_free(&conn->cur.body);
	k6c__buf_free(&conn->cur_url);
	k6c__buf_free(&conn->spare_body);
	k6c__buf_free(&conn->spare_headers);
	k6c__buf_free(&conn->spare_url);
	k6c__free(conn);
}

/* Copies the user's header lines. "Name:" with an empty value becomes
 * "Name;", curl's way to send an empty header (a bare "Name:" would remove
 * it); Go sends empty values as they are. */
static int copy_headers(k6c__http_conn *conn, const k6c__http_req *req)
{
	size_t n = req->nheaders;

	k6c__buf_clear(&conn->lines);
	conn->nlines = 0;
	conn->have = 0;
	if (n > conn->lines_cap) {
		size_t *off = k6c__realloc(conn->line_off, n * sizeof(*off));
		unsigned char *kind;

		if (off == NULL)
			return K6C_ENOMEM;
		conn->line_off = off;
		kind = k6c__realloc(conn->line_kind, n);
		if (kind == NULL)
			return K6C_ENOMEM;
		conn->line_kind = kind;
		conn->lines_cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		const char *h = req->headers[i];
		const char *colon;
		size_t len;
		unsigned char kind;

		if (h == NULL)
			continue;
		len = strlen(h);
		while (len > 0 && (h[len - 1] == '\r' || h[len - 1] == '\n'))
			len--;
		if (len == 0)
			continue;
		kind = header_kind(h);
		conn->line_off[conn->nlines] = conn->lines.len;
		conn->line_kind[conn->nlines] = kind;
		colon = memchr(h, ':', len);
		if (colon && strspn(colon + 1, " \t") == (size_t)(h + len - colon - 1)) {
			if (k6c__buf_put(&conn->lines, h, (size_t)(colon - h)) != 0 ||
			    k6c__buf_put(&conn->lines, ";", 2) != 0)
				return K6C_ENOMEM;
		} else if (k6c__buf_put(&conn->lines, h, len) != 0 ||
			   k6c__buf_putc(&conn->lines, '\0') != 0) {
			return K6C_ENOMEM;
		}
		conn->nlines++;
		switch (kind) {
		case HDR_UA: conn->have |= HAVE_UA; break;
		case HDR_ACCEPT: conn->have |= HAVE_ACCEPT; break;
		case HDR_ACCEPT_ENCODING: conn->have |= HAVE_ACCEPT_ENCODING; break;
		case HDR_CONTENT_TYPE: conn->have |= HAVE_CONTENT_TYPE; break;
		case HDR_EXPECT: conn->have |= HAVE_EXPECT; break;
		case HDR_REFERER: conn->have |= HAVE_REFERER; break;
		default: break;
		}
	}
	return 0;
}

/* Copies the request's own cookies (params.cookies) for the redirect hops. */
static int copy_cookies(k6c__http_conn *conn, const k6c__http_req *req)
{
	size_t n = req->ncookies;

	conn->nrcookies = 0;
	k6c__buf_clear(&conn->rcookie_mem);
	if (n == 0 || req->jar == NULL)
		return 0;
	if (n > conn->rcookies_cap) {
		k6c__http_cookie *rc = k6c__realloc(conn->rcookies, n * sizeof(*rc));

		if (rc == NULL)
			return K6C_ENOMEM;
		conn->rcookies = rc;
		conn->rcookies_cap = n;
	}
	/* Offsets first: the memory moves while it grows. */
	for (size_t i = 0; i < n; i++) {
		const char *name = req->cookies[i].name ? req->cookies[i].name : "";
		const char *value = req->cookies[i].value ? req->cookies[i].value : "";

		conn->rcookies[i].name = (const char *)(uintptr_t)conn->rcookie_mem.len;
		if (k6c__buf_put(&conn->rcookie_mem, name, strlen(name) + 1) != 0)
			return K6C_ENOMEM;
		conn->rcookies[i].value = (const char *)(uintptr_t)conn->rcookie_mem.len;
		if (k6c__buf_put(&conn->rcookie_mem, value, strlen(value) + 1) != 0)
			return K6C_ENOMEM;
		conn->rcookies[i].replace = req->cookies[i].replace;
	}
	for (size_t i = 0; i < n; i++) {
		conn->rcookies[i].name = conn->rcookie_mem.ptr + (uintptr_t)conn->rcookies[i].name;
		conn->rcookies[i].value = conn->rcookie_mem.ptr + (uintptr_t)conn->rcookies[i].value;
	}
	conn->nrcookies = n;
	return 0;
}

int k6c__http_start(k6c__http_conn *conn, const k6c__http_req *req, k6c__http_resp *final_resp,
	k6c__http_cb cb, void *arg)
{
	double timeout_ms;
	uint64_t now;
	bool body;
	int rc;

	if (conn == NULL || req == NULL || req->method == NULL || req->url == NULL ||
	    final_resp == NULL || cb == NULL || (req->nheaders && req->headers == NULL))
		return k6c__error(K6C_EINVAL, "k6c__http_start: missing argument");
	if (conn->active)
		return k6c__error(K6C_EINVAL, "a request is already running on this connection");
	if (*req->method == '\0')
		return k6c__error(K6C_EINVAL, "empty HTTP method");

	/* Go sends "Content-Length: 0" for a POST, PUT or PATCH without a
	 * body, which is what an empty body does here. */
	body = (req->body != NULL || strcmp(req->method, "POST") == 0 ||
		strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0) &&
	       strcmp(req->method, "HEAD") != 0;
	if (buf_set(&conn->method, req->method, strlen(req->method)) != 0 ||
	    buf_set(&conn->url, req->url, strlen(req->url)) != 0 ||
	    buf_set(&conn->origin_url, req->url, strlen(req->url)) != 0 ||
	    buf_set(&conn->body, body && req->body ? req->body : "", body && req->body ? req->body_len : 0) != 0 ||
	    copy_headers(conn, req) != 0 || copy_cookies(conn, req) != 0)
		return k6c__error(K6C_ENOMEM, "out of memory copying a request");
	/* The jar stays referenced until the next request, or the conn's end:
	 * a transfer never outlives its jar, whatever the script drops. */
	k6c__cookie_jar_free(conn->jar);
	conn->jar = k6c__cookie_jar_ref(req->jar);
	conn->cookie_hop = false;
	conn->auth = req->auth;
	conn->auth_retry = false;
	if (conn->auth_line.len > 0)
		k6c__buf_clear(&conn->auth_line);
	/* Digest: the first request goes out without credentials (no Basic
	 * from the URL's userinfo), as k6's digest transport sends it. */
	if (K6C__HTTP_DIGEST && conn->auth == K6C__HTTP_AUTH_DIGEST) {
		k6c__buf_clear(&conn->auth_user);
		k6c__buf_clear(&conn->auth_pass);
		if (k6c__http_take_userinfo(&conn->url, &conn->auth_user, &conn->auth_pass) != 0 ||
		    buf_set(&conn->origin_url, conn->url.ptr, conn->url.len) != 0)
			return k6c__error(K6C_ENOMEM, "out of memory copying a request");
	}
	conn->has_body = body;
	conn->discard_body = req->discard_body;
	conn->debug = req->debug;
	k6c__buf_clear(&conn->referer);
	conn->strip_sensitive = false;
	conn->max_redirects = req->max_redirects < 0 ? DEFAULT_MAX_REDIRECTS : req->max_redirects;
	conn->redirects = 0;
	timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
	now = k6c__now_ns();
	conn->deadline_ns = now + (uint64_t)(timeout_ms * 1e6);
	conn->final_out = final_resp;
	conn->cb = cb;
	conn->arg = arg;
	conn->seq++;
	/* Active before the hop starts: a hop may only end on the loop's next
	 * pass (fail_soon), but never let a state from start_hop be undone. */
	conn->active = true;
	rc = start_hop(conn, now);
	if (rc != 0) {
		conn->active = false;
		k6c__timer_stop(conn->client->loop, &conn->etimer);
		return rc;
	}
	return 0;
}

/* ---- responses ------------------------------------------------------- */

void k6c__http_resp_free(k6c__http_resp *r)
{
	if (r == NULL)
		return;
	k6c__free(r->url);
	k6c__buf_free(&r->headers);
	k6c__buf_free(&r->body);
	k6c__buf_free(&r->debug_req);
	memset(r, 0, sizeof(*r));
}

static void keep_spare(k6c__buf *spare, k6c__buf *b)
{
	if (b->ptr && spare->ptr == NULL) {
		*spare = *b;
		k6c__buf_clear(spare);
	} else {
		k6c__buf_free(b);
	}
	memset(b, 0, sizeof(*b));
}

void k6c__http_conn_recycle(k6c__http_conn *conn, k6c__http_resp *r)
{
	if (r == NULL)
		return;
	if (conn == NULL) {
		k6c__http_resp_free(r);
		return;
	}
	keep_spare(&conn->spare_body, &r->body);
	keep_spare(&conn->spare_headers, &r->headers);
	k6c__buf_free(&r->debug_req);
	if (r->url) {
		/* Its true capacity is unknown, but strlen + 1 is certain. */
		k6c__buf u = { r->url, 0, strlen(r->url) + 1 };

		keep_spare(&conn->spare_url, &u);
	}
	memset(r, 0, sizeof(*r));
}
