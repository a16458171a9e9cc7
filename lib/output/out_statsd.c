/*
 * out_statsd.c - the `statsd` output: k6's StatsD output (built into k6
 * until v0.54, then xk6-output-statsd), over UDP. Samples go into a
 * bounded queue (flusher.h); every push interval the flusher thread
 * writes one line per sample, as k6's DogStatsD client does, and sends
 * them in datagrams of up to bufferSize lines (and at most 1432 bytes, the
 * client's UDP payload size, unless one line is longer).
 *
 * Lines: <namespace><metric>:<value>|<type>[|#tag:value,...]
 *   counter  `|c` with the value truncated to an integer
 *   gauge    `|g`
 *   trend    `|ms`
 *   rate     `|c`: a check's sample counts 1 as `check.<name>.pass` or
 *            `check.<name>.fail`, another rate's value truncated as a counter
 * Tags only when K6_STATSD_ENABLE_TAGS is true: the sample's non-empty
 * tags (metadata included) not in K6_STATSD_TAG_BLOCKLIST, sorted by key.
 */
#include "output/flusher.h"
#include "output/out_net.h"
#include "output/output.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* datagram size of k6's client (datadog-go's OptimalUDPPayloadSize) */
#define MAX_DATAGRAM 1432

/* The flusher comes first: the shared sink entries find it there
 * (flusher.h). */
typedef struct statsd {
	k6c__flusher *f;
	char *addr;                 /* host:port */
	char *ns;                   /* the namespace, "k6." */
	long buffer_size;
	double push_ms;
	bool enable_tags;
	char **block;               /* tag keys left out */
	size_t nblock;
	char *desc;
	int fd;
	struct sockaddr_storage sa;
	socklen_t salen;
} statsd;
_Static_assert(offsetof(statsd, f) == 0, "the flusher must be statsd's first member");

static void statsd_free(void *p)
{
	statsd *s = p;

	if (!s)
		return;
	k6c__flusher_free(s->f);
	if (s->fd >= 0)
		close(s->fd);
	k6c__free(s->addr);
	k6c__free(s->ns);
	for (size_t i = 0; i < s->nblock; i++)
		k6c__free(s->block[i]);
	k6c__free(s->block);
	k6c__free(s->desc);
	k6c__free(s);
}

static int set_str(char **dst, const char *v)
{
	char *c = k6c__strdup(v);
	if (!c)
		return K6C_ENOMEM;
	k6c__free(*dst);
	*dst = c;
	return 0;
}

/* A comma-separated list of tag names (k6's EnabledTags text form). */
static int set_block(statsd *s, const char *list)
{
	for (size_t i = 0; i < s->nblock; i++)
		k6c__free(s->block[i]);
	s->nblock = 0;
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t n = comma ? (size_t)(comma - list) : strlen(list);
		while (n > 0 && *list == ' ') {
			list++;
			n--;
		}
		while (n > 0 && list[n - 1] == ' ')
			n--;
		if (n > 0) {
			char **v = k6c__realloc(s->block, (s->nblock + 1) * sizeof(*v));
			if (!v)
				return K6C_ENOMEM;
			s->block = v;
			if (!(v[s->nblock] = k6c__strndup(list, n)))
				return K6C_ENOMEM;
			s->nblock++;
		}
		if (!comma)
			break;
		list = comma + 1;
	}
	return 0;
}

static bool blocked(const statsd *s, const char *key)
{
	for (size_t i = 0; i < s->nblock; i++) {
		if (!strcmp(s->block[i], key))
			return true;
	}
	return false;
}

static int configure(statsd *s, const k6c_output_params *params, char *err, size_t errlen)
{
	const char *v;
	char *end;

	s->fd = -1;
	s->buffer_size = 20;
	s->push_ms = 1000;
	if (set_str(&s->addr, "localhost:8125") || set_str(&s->ns, "k6.") ||
	    set_block(s, "vu,iter,url"))
		return K6C_ENOMEM;
	if ((v = k6c__output_env(params, "K6_STATSD_ADDR")) != NULL && set_str(&s->addr, v))
		return K6C_ENOMEM;
	if ((v = k6c__output_env(params, "K6_STATSD_NAMESPACE")) != NULL && set_str(&s->ns, v))
		return K6C_ENOMEM;
	if ((v = k6c__output_env(params, "K6_STATSD_BUFFER_SIZE")) != NULL) {
		long n = strtol(v, &end, 10);
		if (!*v || *end || n < 1) {
			snprintf(err, errlen, "invalid K6_STATSD_BUFFER_SIZE '%s' (a positive integer)", v);
			return K6C_ECONFIG;
		}
		s->buffer_size = n;
	}
	if ((v = k6c__output_env(params, "K6_STATSD_PUSH_INTERVAL")) != NULL) {
		double ms;
		if (k6c__duration_parse(v, &ms) != 0 || ms <= 0) {
			snprintf(err, errlen, "invalid K6_STATSD_PUSH_INTERVAL '%s' (a duration such as 1s)",
				v);
			return K6C_ECONFIG;
		}
		s->push_ms = ms;
	}
	if ((v = k6c__output_env(params, "K6_STATSD_ENABLE_TAGS")) != NULL &&
	    k6c__output_parse_bool(v, &s->enable_tags)) {
		snprintf(err, errlen, "invalid K6_STATSD_ENABLE_TAGS '%s' (true or false)", v);
		return K6C_ECONFIG;
	}
	if ((v = k6c__output_env(params, "K6_STATSD_TAG_BLOCKLIST")) != NULL && set_block(s, v))
		return K6C_ENOMEM;
	if (params->arg && *params->arg) {
		/* k6's statsd takes no argument; saying so beats ignoring it. */
		snprintf(err, errlen, "the statsd output takes no argument (got '%s'); use "
			"K6_STATSD_ADDR and the other K6_STATSD_* variables", params->arg);
		return K6C_ECONFIG;
	}
	{
		k6c__buf b = K6C__BUF_INIT;
		if (k6c__buf_printf(&b, "statsd (%s)", s->addr)) {
			k6c__buf_free(&b);
			return K6C_ENOMEM;
		}
		s->desc = k6c__buf_detach(&b);
	}
	return 0;
}

/* ---- lines ------------------------------------------------------------- */

typedef struct kv {
	const char *key, *value;
} kv;

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const kv *)a)->key, ((const kv *)b)->key);
}

/* One line, without its '\n'. Return 0, 1 (nothing to send: a NaN) or
 * K6C_ENOMEM. */
static int put_line(const statsd *s, k6c__buf *b, const k6c_sample *smp, kv *kvs)
{
	const char *check = NULL;
	int rc = 0;

	for (size_t i = 0; i < smp->ntags; i++) {
		if (!strcmp(smp->tags[i].key, "check"))
			check = smp->tags[i].value;
	}
	if (!isfinite(smp->value) && !(smp->metric->type == K6C_METRIC_RATE && check))
		return 1;
	rc |= k6c__buf_puts(b, s->ns);
	switch (smp->metric->type) {
	case K6C_METRIC_COUNTER:
		rc |= k6c__buf_printf(b, "%s:%lld|c", smp->metric->name, (long long)smp->value);
		break;
	case K6C_METRIC_GAUGE:
		rc |= k6c__buf_printf(b, "%s:", smp->metric->name);
		rc |= k6c__output_put_float(b, smp->value);
		rc |= k6c__buf_puts(b, "|g");
		break;
	case K6C_METRIC_TREND:
		rc |= k6c__buf_printf(b, "%s:", smp->metric->name);
		rc |= k6c__output_put_float(b, smp->value);
		rc |= k6c__buf_puts(b, "|ms");
		break;
	case K6C_METRIC_RATE:
		if (check)
			rc |= k6c__buf_printf(b, "check.%s.%s:1|c", check, smp->value > 0 ? "pass" : "fail");
		else
			rc |= k6c__buf_printf(b, "%s:%lld|c", smp->metric->name, (long long)smp->value);
		break;
	default:
		return 1;
	}
	if (s->enable_tags) {
		size_t n = 0, k = 0;
		for (size_t i = 0; i < smp->ntags; i++) {
			kvs[n].key = smp->tags[i].key;
			kvs[n++].value = smp->tags[i].value;
		}
		for (size_t i = 0; i < smp->nmetadata; i++) {
			kvs[n].key = smp->metadata[i].key;
			kvs[n++].value = smp->metadata[i].value;
		}
		qsort(kvs, n, sizeof(*kvs), cmp_kv);
		for (size_t i = 0; i < n; i++) {
			if (!*kvs[i].value || blocked(s, kvs[i].key))
				continue;
			rc |= k6c__buf_puts(b, k++ ? "," : "|#");
			rc |= k6c__buf_printf(b, "%s:%s", kvs[i].key, kvs[i].value);
		}
	}
	return rc ? K6C_ENOMEM : 0;
}

int k6c__statsd_lines(const void *sink_payload, k6c__buf *b, const k6c_sample *samples, size_t n)
{
	const statsd *s = sink_payload;
	kv *kvs = NULL;
	size_t cap = 0;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t need = samples[i].ntags + samples[i].nmetadata + 1;
		if (need > cap) {
			kv *v = k6c__realloc(kvs, need * sizeof(*v));
			if (!v) {
				rc = K6C_ENOMEM;
				break;
			}
			kvs = v;
			cap = need;
		}
		rc = put_line(s, b, &samples[i], kvs);
		if (rc == 0)
			rc = k6c__buf_putc(b, '\n');
		else if (rc == 1)
			rc = 0;
	}
	k6c__free(kvs);
	return rc;
}

/* ---- sending ------------------------------------------------------------- */

static int send_datagram(statsd *s, const char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (sendto(s->fd, p, n, 0, (const struct sockaddr *)&s->sa, s->salen) < 0) {
		k6c__flusher_error(s->f, "couldn't send to %s: %s", s->addr, strerror(errno));
		return K6C_EIO;
	}
	return 0;
}

static int statsd_flush(void *arg, const k6c_sample *samples, size_t n, uint64_t deadline_ns,
	bool final)
{
	statsd *s = arg;
	k6c__buf lines = K6C__BUF_INIT;
	size_t start = 0, pos = 0, nlines = 0;
	int rc, failed = 0;

	(void)deadline_ns;
	(void)final;
	if ((rc = k6c__statsd_lines(s, &lines, samples, n)) != 0) {
		k6c__flusher_error(s->f, "out of memory sending %zu samples", n);
		k6c__buf_free(&lines);
		return rc;
	}
	/* Datagrams of whole lines, newline-separated (none after the last). */
	while (pos < lines.len) {
		const char *nl = memchr(lines.ptr + pos, '\n', lines.len - pos);
		size_t end = (size_t)(nl - lines.ptr);       /* every line ends with '\n' */
		if (nlines > 0 && (nlines >= (size_t)s->buffer_size || end - start > MAX_DATAGRAM)) {
			if (send_datagram(s, lines.ptr + start, pos - 1 - start))
				failed = 1;
			start = pos;
			nlines = 0;
		}
		nlines++;
		pos = end + 1;
	}
	if (nlines > 0 && send_datagram(s, lines.ptr + start, pos - 1 - start))
		failed = 1;
	k6c__buf_free(&lines);
	return failed ? K6C_EIO : 0;
}

/* ---- the sink ------------------------------------------------------------ */

static const char *statsd_description(k6c_sink *sink, void *p)
{
	(void)sink;
	return ((statsd *)p)->desc;
}

static int statsd_start(k6c_sink *sink, void *p, const k6c_sink_start_info *info)
{
	statsd *s = p;
	struct addrinfo hints, *res = NULL;
	const char *colon = strrchr(s->addr, ':');
	char host[256], msg[512];
	int rc;

	(void)info;
	if (!colon || colon == s->addr || !colon[1] || (size_t)(colon - s->addr) >= sizeof(host)) {
		snprintf(msg, sizeof(msg), "invalid K6_STATSD_ADDR '%s' (host:port)", s->addr);
		k6c__sink_fail(sink, 0, msg);
		return K6C_ECONFIG;
	}
	memcpy(host, s->addr, (size_t)(colon - s->addr));
	host[colon - s->addr] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0 || !res) {
		snprintf(msg, sizeof(msg), "cannot resolve K6_STATSD_ADDR '%s': %s", s->addr,
			gai_strerror(rc));
		k6c__sink_fail(sink, 0, msg);
		return K6C_EIO;
	}
	memcpy(&s->sa, res->ai_addr, res->ai_addrlen);
	s->salen = res->ai_addrlen;
	s->fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	freeaddrinfo(res);
	if (s->fd < 0) {
		snprintf(msg, sizeof(msg), "cannot open a UDP socket: %s", strerror(errno));
		k6c__sink_fail(sink, 0, msg);
		return K6C_EIO;
	}
	return k6c__flusher_open(&s->f, sink, "statsd", s->push_ms < 1 ? 1 : (unsigned)s->push_ms,
		10000, 1000000, statsd_flush, s, "cannot start the flusher thread");
}

static const k6c_sink_vtable statsd_vt = {
	K6C_SINK_VERSION, statsd_description, statsd_start, k6c__flusher_sink_add,
	k6c__flusher_sink_stop, statsd_free,
};

int k6c__out_statsd_factory(const k6c_output_params *params, void *factory_payload,
	const k6c_sink_vtable **vt, void **payload, char *err, size_t errlen)
{
	statsd *s = k6c__calloc(1, sizeof(*s));
	int rc;

	(void)factory_payload;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return K6C_ENOMEM;
	}
	if ((rc = configure(s, params, err, errlen)) != 0) {
		if (rc == K6C_ENOMEM)
			snprintf(err, errlen, "out of memory");
		statsd_free(s);
		return rc;
	}
	*vt = &statsd_vt;
	*payload = s;
	return 0;
}
