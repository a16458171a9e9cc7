/*
 * metrics.c - the metric registry, the per-producer sample buffers and the
 * aggregation thread.
 *
 * Producers append records {time, tag bytes, n x (metric id, value)} to a
 * batch they own, without locks. A batch is one contiguous arena that grows by
 * doubling; once handed over (one mutex and a list push per batch) the
 * aggregation thread folds it into per-metric aggregates and puts it on a free
 * list, from which the producer takes its next batch, so a steady state
 * allocates nothing. Tag sets are interned by the hash of their bytes: the
 * first sight of a tag set sorts it and resolves its group and check; every
 * later record costs one hash lookup.
 */
#include "internal.h"

#include "k6c/test.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Record layout inside a batch (all parts 8-byte aligned). */
typedef struct rec_hdr {
	int64_t time_us;
	uint32_t tag_bytes;     /* "k\0v\0..." as the producer gave them */
	uint32_t ntags;
	uint32_t md_bytes;      /* metadata "k\0v\0...", after the tags */
	uint32_t nmd;
	uint32_t n;             /* samples that follow the metadata */
	uint32_t pad;
} rec_hdr;

typedef struct rec_sample {
	int32_t metric;
	uint32_t pad;
	double value;
} rec_sample;

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)
/* A batch bigger than this is handed over at once, whatever the interval,
 * so a producer that never ticks cannot grow without bound. */
#define BATCH_HANDOFF_BYTES (4u << 20)
#define BATCH_MIN_CAP (16u << 10)

static const struct {
	const char *name;
	k6c__metric_type type;
	k6c__metric_contains contains;
} builtins[K6C__M_BUILTIN_COUNT] = {
	[K6C__M_VUS] = { "vus", K6C__GAUGE, K6C__CONTAINS_DEFAULT },
	[K6C__M_VUS_MAX] = { "vus_max", K6C__GAUGE, K6C__CONTAINS_DEFAULT },
	[K6C__M_ITERATIONS] = { "iterations", K6C__COUNTER, K6C__CONTAINS_DEFAULT },
	[K6C__M_ITERATION_DURATION] = { "iteration_duration", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_DROPPED_ITERATIONS] = { "dropped_iterations", K6C__COUNTER, K6C__CONTAINS_DEFAULT },
	[K6C__M_CHECKS] = { "checks", K6C__RATE, K6C__CONTAINS_DEFAULT },
	[K6C__M_GROUP_DURATION] = { "group_duration", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_DATA_SENT] = { "data_sent", K6C__COUNTER, K6C__CONTAINS_DATA },
	[K6C__M_DATA_RECEIVED] = { "data_received", K6C__COUNTER, K6C__CONTAINS_DATA },
	[K6C__M_HTTP_REQS] = { "http_reqs", K6C__COUNTER, K6C__CONTAINS_DEFAULT },
	[K6C__M_HTTP_REQ_FAILED] = { "http_req_failed", K6C__RATE, K6C__CONTAINS_DEFAULT },
	[K6C__M_HTTP_REQ_DURATION] = { "http_req_duration", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_HTTP_REQ_BLOCKED] = { "http_req_blocked", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_HTTP_REQ_CONNECTING] = { "http_req_connecting", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_HTTP_REQ_TLS_HANDSHAKING] = { "http_req_tls_handshaking", K6C__TREND,
		K6C__CONTAINS_TIME },
	[K6C__M_HTTP_REQ_SENDING] = { "http_req_sending", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_HTTP_REQ_WAITING] = { "http_req_waiting", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_HTTP_REQ_RECEIVING] = { "http_req_receiving", K6C__TREND, K6C__CONTAINS_TIME },
	[K6C__M_ITERATION_DURATION_FROM_SCHEDULE] = { "iteration_duration_from_schedule", K6C__TREND,
		K6C__CONTAINS_TIME },
};

/* Indexed by bit number (enum k6c__system_tag). */
static const char *const system_tag_names[K6C__SYSTEM_TAG_COUNT] = {
	"proto", "subproto", "status", "method", "url", "name", "group", "check", "error",
	"error_code", "tls_version", "scenario", "service", "expected_response", "vu", "iter", "ip",
	"ocsp_status",
};

uint32_t k6c__system_tag_bit(const char *name)
{
	for (unsigned i = 0; name != NULL && i < K6C__SYSTEM_TAG_COUNT; i++)
		if (strcmp(name, system_tag_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *k6c__system_tag_name(unsigned i)
{
	return i < K6C__SYSTEM_TAG_COUNT ? system_tag_names[i] : NULL;
}

const char *k6c__metric_type_name(k6c__metric_type type)
{
	switch (type) {
	case K6C__COUNTER: return "counter";
	case K6C__GAUGE: return "gauge";
	case K6C__RATE: return "rate";
	case K6C__TREND: return "trend";
	}
	return "unknown";
}

const char *k6c__metric_contains_name(k6c__metric_contains contains)
{
	switch (contains) {
	case K6C__CONTAINS_DEFAULT: return "default";
	case K6C__CONTAINS_TIME: return "time";
	case K6C__CONTAINS_DATA: return "data";
	}
	return "unknown";
}

static void add_dropped(k6c__metrics *m, uint64_t n)
{
	__atomic_fetch_add(&m->dropped, n, __ATOMIC_RELAXED);
}

uint64_t k6c__metrics_dropped(const k6c__metrics *m)
{
	return m ? __atomic_load_n(&m->dropped, __ATOMIC_RELAXED) : 0;
}

/* ---- small growable arrays -------------------------------------------- */

/* Makes room for one more element in *arr (elements of size sz). */
static int grow_one(void **arr, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = k6c__realloc(*arr, ncap * sz);
	if (p == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory in the metrics registry");
	*arr = p;
	*cap = ncap;
	return 0;
}

/* ---- tag-set interning ------------------------------------------------- */

static k6c__tagset *itab_get(const k6c__itab *t, uint64_t hash, const char *key, size_t keylen)
{
	if (t->cap == 0)
		return NULL;
	for (size_t i = hash & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		const k6c__itab_slot *s = &t->slots[i];
		if (s->ts == NULL)
			return NULL;
		if (s->hash == hash && s->keylen == keylen && memcmp(s->key, key, keylen) == 0)
			return s->ts;
	}
}

static void itab_place(k6c__itab_slot *slots, size_t cap, const k6c__itab_slot *src)
{
	size_t i = src->hash & (cap - 1);
	while (slots[i].ts != NULL)
		i = (i + 1) & (cap - 1);
	slots[i] = *src;
}

/* Inserts a key known to be absent. On failure the caller still owns key. */
static int itab_put(k6c__itab *t, uint64_t hash, const char *key, size_t keylen, bool owned,
	k6c__tagset *ts)
{
	if ((t->n + 1) * 10 > t->cap * 7) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		k6c__itab_slot *slots = k6c__calloc(ncap, sizeof(*slots));
		if (slots == NULL)
			return k6c__error(K6C_ENOMEM, "out of memory interning tags");
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].ts != NULL)
				itab_place(slots, ncap, &t->slots[i]);
		k6c__free(t->slots);
		t->slots = slots;
		t->cap = ncap;
	}
	k6c__itab_slot s = { hash, key, keylen, owned, ts };
	itab_place(t->slots, t->cap, &s);
	t->n++;
	return 0;
}

static void itab_free(k6c__itab *t, bool free_tagsets)
{
	for (size_t i = 0; i < t->cap; i++) {
		k6c__itab_slot *s = &t->slots[i];
		if (s->ts == NULL)
			continue;
		if (s->owned)
			k6c__free((void *)s->key);
		if (free_tagsets) {
			k6c__free(s->ts->seen);
			k6c__free(s->ts->bytes);
			k6c__free(s->ts->tags);
			k6c__free(s->ts);
		}
	}
	k6c__free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* The value of a visible tag of the set, or NULL. */
static const char *tag_get(const k6c__tagset *ts, const char *key)
{
	for (size_t i = 0; i < ts->ntags; i++)
		if (strcmp(ts->tags[i].key, key) == 0)
			return ts->tags[i].value;
	return NULL;
}

/* True if key names a default system tag that systemTags disables. The
 * opt-in ones are never hidden here: producers only emit them when
 * enabled, so a user tag of that name survives. */
static bool tag_hidden(const k6c__metrics *m, const char *key)
{
	return m->hidden_tags != 0 && (k6c__system_tag_bit(key) & m->hidden_tags) != 0;
}

/* ---- groups and checks ------------------------------------------------- */

static k6c__group *group_new(const char *name, size_t namelen, const char *path, size_t pathlen)
{
	k6c__group *g = k6c__calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->name = k6c__strndup(name, namelen);
	g->path = k6c__strndup(path, pathlen);
	if (g->name == NULL || g->path == NULL) {
		k6c__free(g->name);
		k6c__free(g->path);
		k6c__free(g);
		return NULL;
	}
	return g;
}

static void group_free(k6c__group *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->ngroups; i++)
		group_free(g->groups[i]);
	k6c__free(g->groups);
	/* Checks are owned by checks_by_path. */
	k6c__free(g->checks);
	k6c__free(g->name);
	k6c__free(g->path);
	k6c__free(g);
}

/* The group of a k6 group path ("" is the root, "::a::b" is b inside a),
 * created with its ancestors on first sight. */
static k6c__group *group_ensure(k6c__metrics *m, const char *path, size_t len)
{
	if (len == 0)
		return m->root;
	k6c__group *g = k6c__map_get(m->groups_by_path, path, len);
	if (g != NULL)
		return g;

	/* The parent's path is everything before the last "::". */
	size_t cut = len;
	bool found = false;
	while (cut >= 2) {
		cut--;
		if (path[cut] == ':' && path[cut - 1] == ':') {
			cut--;
			found = true;
			break;
		}
	}
	k6c__group *parent;
	const char *name;
	size_t namelen;
	if (found) {
		parent = group_ensure(m, path, cut);
		name = path + cut + 2;
		namelen = len - cut - 2;
	} else {
		parent = m->root;
		name = path;
		namelen = len;
	}
	if (parent == NULL)
		return NULL;
	g = group_new(name, namelen, path, len);
	if (g == NULL)
		return NULL;
	if (grow_one((void **)&parent->groups, parent->ngroups, &parent->capgroups,
		sizeof(*parent->groups)) < 0 || k6c__map_set(m->groups_by_path, g->path, len, g) < 0) {
		group_free(g);
		return NULL;
	}
	parent->groups[parent->ngroups++] = g;
	return g;
}

static k6c__check *check_new(const char *name, const char *path)
{
	k6c__check *c = k6c__calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->name = k6c__strdup(name);
	c->path = k6c__strdup(path);
	if (c->name == NULL || c->path == NULL) {
		k6c__free(c->name);
		k6c__free(c->path);
		k6c__free(c);
		return NULL;
	}
	return c;
}

static void check_free(void *p)
{
	k6c__check *c = p;
	if (c == NULL)
		return;
	k6c__free(c->name);
	k6c__free(c->path);
	k6c__free(c);
}

/* Resolves the tag set's check in its group and in the by-name list. */
static int tagset_resolve_check(k6c__metrics *m, k6c__tagset *ts)
{
	k6c__group *g = ts->group ? ts->group : m->root;
	k6c__buf path = K6C__BUF_INIT;
	int rc;

	if ((rc = k6c__buf_printf(&path, "%s::%s", g->path, ts->check)) < 0)
		return rc;
	k6c__check *c = k6c__map_get(m->checks_by_path, path.ptr, path.len);
	if (c == NULL) {
		c = check_new(ts->check, path.ptr);
		if (c == NULL || grow_one((void **)&g->checks, g->nchecks, &g->capchecks,
			sizeof(*g->checks)) < 0 || k6c__map_set(m->checks_by_path, c->path, path.len, c) < 0) {
			check_free(c);
			k6c__buf_free(&path);
			return K6C_ENOMEM;
		}
		g->checks[g->nchecks++] = c;
	}
	k6c__check *t = k6c__map_get(m->checks_by_name, ts->check, strlen(ts->check));
	if (t == NULL) {
		t = check_new(ts->check, path.ptr);
		if (t == NULL || grow_one((void **)&m->total_checks, m->ntotal_checks,
			&m->captotal_checks, sizeof(*m->total_checks)) < 0 ||
		    k6c__map_set(m->checks_by_name, t->name, strlen(t->name), t) < 0) {
			check_free(t);
			k6c__buf_free(&path);
			return K6C_ENOMEM;
		}
		m->total_checks[m->ntotal_checks++] = t;
	}
	k6c__buf_free(&path);
	ts->check_in_group = c;
	ts->check_total = t;
	return 0;
}

typedef struct tag_ref {
	const char *key, *value;
	size_t klen, vlen;
} tag_ref;

/* Interns the tag bytes of a record; NULL on out-of-memory. */
static k6c__tagset *intern(k6c__metrics *m, const char *bytes, size_t nbytes, uint32_t ntags)
{
	uint64_t hash = k6c__hash64(bytes, nbytes, 0);
	k6c__tagset *ts = itab_get(&m->raw, hash, bytes, nbytes);
	if (ts != NULL)
		return ts;

	/* First sight of these bytes: sort (stably, so the last of duplicate
	 * keys wins, as when a later tag overrides an earlier one). */
	tag_ref stack_refs[32], *refs = stack_refs;
	if (ntags > K6C__ARRAY_LEN(stack_refs)) {
		refs = k6c__malloc(ntags * sizeof(*refs));
		if (refs == NULL)
			return NULL;
	}
	const char *p = bytes;
	for (uint32_t i = 0; i < ntags; i++) {
		refs[i].key = p;
		refs[i].klen = strlen(p);
		p += refs[i].klen + 1;
		refs[i].value = p;
		refs[i].vlen = strlen(p);
		p += refs[i].vlen + 1;
	}
	for (uint32_t i = 1; i < ntags; i++) {
		tag_ref r = refs[i];
		uint32_t j = i;
		while (j > 0 && strcmp(refs[j - 1].key, r.key) > 0) {
			refs[j] = refs[j - 1];
			j--;
		}
		refs[j] = r;
	}
	uint32_t nuniq = 0;
	for (uint32_t i = 0; i < ntags; i++) {
		if (i + 1 < ntags && strcmp(refs[i].key, refs[i + 1].key) == 0)
			continue;
		refs[nuniq++] = refs[i];
	}

	/* Disabled system tags leave the tag set here, once per distinct set
	 * rather than once per sample. group and check stay in the bytes,
	 * which key the set, because the summary's group tree and checks come
	 * from them whatever systemTags says (k6 builds those from its group
	 * tree, not from tags); they are only left out of ts->tags. */
	char *canon = k6c__malloc(nbytes ? nbytes : 1);
	if (canon == NULL)
		goto oom;
	size_t clen = 0;
	uint32_t nvisible = 0;
	for (uint32_t i = 0; i < nuniq; i++) {
		bool hidden = tag_hidden(m, refs[i].key);
		if (hidden && strcmp(refs[i].key, "group") != 0 && strcmp(refs[i].key, "check") != 0)
			continue;
		nvisible += !hidden;
		memcpy(canon + clen, refs[i].key, refs[i].klen + 1);
		clen += refs[i].klen + 1;
		memcpy(canon + clen, refs[i].value, refs[i].vlen + 1);
		clen += refs[i].vlen + 1;
	}
	uint64_t chash = k6c__hash64(canon, clen, 0);
	ts = itab_get(&m->canon, chash, canon, clen);
	if (ts != NULL) {
		k6c__free(canon);
	} else {
		ts = k6c__calloc(1, sizeof(*ts));
		k6c__tag *tags = k6c__calloc(nvisible ? nvisible : 1, sizeof(*tags));
		if (ts == NULL || tags == NULL) {
			k6c__free(ts);
			k6c__free(tags);
			k6c__free(canon);
			goto oom;
		}
		ts->hash = chash;
		ts->bytes = canon;
		ts->nbytes = clen;
		ts->tags = tags;
		const char *group = NULL;
		for (const char *q = canon; q < canon + clen;) {
			const char *k = q;
			q += strlen(q) + 1;
			const char *v = q;
			q += strlen(q) + 1;
			if (strcmp(k, "group") == 0)
				group = v;
			else if (strcmp(k, "check") == 0)
				ts->check = v;
			if (!tag_hidden(m, k))
				tags[ts->ntags++] = (k6c__tag){ k, v };
		}
		if (group != NULL)
			ts->group = group_ensure(m, group, strlen(group));
		if (itab_put(&m->canon, chash, ts->bytes, ts->nbytes, false, ts) < 0) {
			k6c__free(ts->bytes);
			k6c__free(ts->tags);
			k6c__free(ts);
			goto oom;
		}
	}

	/* Remember the producer's byte order too; share the canonical bytes
	 * when they are the same (producers that sort their tags). */
	if (nbytes == ts->nbytes && memcmp(bytes, ts->bytes, nbytes) == 0) {
		if (itab_put(&m->raw, hash, ts->bytes, ts->nbytes, false, ts) < 0)
			goto oom_keep;
	} else {
		char *key = k6c__strndup(bytes, nbytes);
		if (key == NULL)
			goto oom_keep;
		if (itab_put(&m->raw, hash, key, nbytes, true, ts) < 0) {
			k6c__free(key);
			goto oom_keep;
		}
	}
	if (refs != stack_refs)
		k6c__free(refs);
	return ts;

oom_keep:
	/* The tag set itself is interned; only the shortcut is missing. */
	if (refs != stack_refs)
		k6c__free(refs);
	return ts;
oom:
	if (refs != stack_refs)
		k6c__free(refs);
	return NULL;
}

/* True if the tag set holds every criterion of the (sorted) filter. */
static bool tagset_matches(const k6c__tagset *ts, const k6c__tag *filter, size_t nfilter)
{
	size_t i = 0;
	for (size_t f = 0; f < nfilter; f++) {
		int c = 1;
		while (i < ts->ntags && (c = strcmp(ts->tags[i].key, filter[f].key)) < 0)
			i++;
		if (i == ts->ntags || c != 0 || strcmp(ts->tags[i].value, filter[f].value) != 0)
			return false;
	}
	return true;
}

/* ---- registry ---------------------------------------------------------- */

static void metric_free(k6c__metric *mt)
{
	if (mt == NULL)
		return;
	k6c__free(mt->name);
	k6c__free(mt->suffix);
	if (mt->filter != NULL) {
		for (size_t i = 0; i < mt->nfilter; i++) {
			k6c__free((void *)mt->filter[i].key);
			k6c__free((void *)mt->filter[i].value);
		}
		k6c__free(mt->filter);
	}
	k6c__free(mt->subs);
	k6c__hist_free(&mt->hist);
	k6c__free(mt);
}

/* Adds a new metric to the registry (lock held). On failure mt is freed. */
static int registry_add(k6c__metrics *m, k6c__metric *mt, int *out_id)
{
	int rc;

	if ((rc = grow_one((void **)&m->metrics, m->nmetrics, &m->capmetrics, sizeof(*m->metrics))) < 0 ||
	    (rc = k6c__map_set(m->by_name, mt->name, strlen(mt->name), mt)) < 0) {
		metric_free(mt);
		return rc;
	}
	mt->id = (int)m->nmetrics;
	m->metrics[m->nmetrics++] = mt;
	if (out_id)
		*out_id = mt->id;
	return 0;
}

static k6c__metric *metric_new(const char *name, k6c__metric_type type,
	k6c__metric_contains contains)
{
	k6c__metric *mt = k6c__calloc(1, sizeof(*mt));
	if (mt == NULL)
		return NULL;
	mt->name = k6c__strdup(name);
	if (mt->name == NULL) {
		k6c__free(mt);
		return NULL;
	}
	mt->type = type;
	mt->contains = contains;
	mt->parent = -1;
	k6c__hist_init(&mt->hist);
	return mt;
}

/* k6's rule for custom metric names, ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$: 2 to
 * 129 characters. */
static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n < 2 || n > 129)
		return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
	      name[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

int k6c__metrics_register(k6c__metrics *m, const char *name, k6c__metric_type type,
	k6c__metric_contains contains, int *out_id)
{
	int rc = 0;

	if (m == NULL || name == NULL || out_id == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_register: NULL argument");
	if ((unsigned)type > K6C__TREND || (unsigned)contains > K6C__CONTAINS_DATA)
		return k6c__error(K6C_EINVAL, "metric '%s': invalid type or value type", name);
	if (!valid_name(name))
		return k6c__error(K6C_EINVAL, "Invalid metric name: '%s'. Metric names should start "
			"with a letter or an underscore and only include up to 128 ASCII letters, "
			"numbers, or underscores.", name);

	pthread_mutex_lock(&m->lock);
	k6c__metric *old = k6c__map_get(m->by_name, name, strlen(name));
	if (old != NULL) {
		if (old->type != type)
			rc = k6c__error(K6C_EINVAL, "metric '%s' already exists but with type %s, instead "
				"of %s", name, k6c__metric_type_name(old->type), k6c__metric_type_name(type));
		else if (old->contains != contains)
			rc = k6c__error(K6C_EINVAL, "metric '%s' already exists but with a value type %s, "
				"instead of %s", name, k6c__metric_contains_name(old->contains),
				k6c__metric_contains_name(contains));
		else
			*out_id = old->id;
	} else {
		k6c__metric *mt = metric_new(name, type, contains);
		rc = mt ? registry_add(m, mt, out_id) : k6c__error(K6C_ENOMEM, "out of memory");
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int k6c__metrics_find(const k6c__metrics *cm, const char *name)
{
	k6c__metrics *m = (k6c__metrics *)cm;   /* the lock is not part of the value */
	int id = -1;

	if (m == NULL || name == NULL)
		return -1;
	pthread_mutex_lock(&m->lock);
	k6c__metric *mt = k6c__map_get(m->by_name, name, strlen(name));
	if (mt != NULL)
		id = mt->id;
	pthread_mutex_unlock(&m->lock);
	return id;
}

int k6c__metrics_count(const k6c__metrics *cm)
{
	k6c__metrics *m = (k6c__metrics *)cm;
	pthread_mutex_lock(&m->lock);
	int n = (int)m->nmetrics;
	pthread_mutex_unlock(&m->lock);
	return n;
}

int k6c__metrics_info(const k6c__metrics *cm, int id, k6c__metric_info *out)
{
	k6c__metrics *m = (k6c__metrics *)cm;
	int rc = 0;

	pthread_mutex_lock(&m->lock);
	if (id < 0 || (size_t)id >= m->nmetrics) {
		rc = k6c__error(K6C_ENOTFOUND, "no metric with id %d", id);
	} else {
		const k6c__metric *mt = m->metrics[id];
		out->name = mt->name;
		out->type = mt->type;
		out->contains = mt->contains;
		out->parent = mt->parent;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* strings.TrimSpace then strings.Trim(s, `"'`), on [*s, *e). */
static void trim_criterion(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r' ||
	       **s == '\v' || **s == '\f'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\n' ||
	       (*e)[-1] == '\r' || (*e)[-1] == '\v' || (*e)[-1] == '\f'))
		(*e)--;
	while (*s < *e && (**s == '"' || **s == '\''))
		(*s)++;
	while (*e > *s && ((*e)[-1] == '"' || (*e)[-1] == '\''))
		(*e)--;
}

static void filter_free(k6c__tag *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		k6c__free((void *)f[i].key);
		k6c__free((void *)f[i].value);
	}
	k6c__free(f);
}

/* Parses and validates "metric{k:v,...}" as k6's ParseMetricName and
 * Metric.AddSubmetric do. Fills the parent name, the trimmed criteria text and
 * the filter sorted by key (duplicate keys: the last wins). */
static int parse_submetric(const char *spec, char **out_parent, char **out_suffix,
	k6c__tag **out_filter, size_t *out_nfilter)
{
	const char *open = strchr(spec, '{'), *close = strrchr(spec, '}');
	size_t len = strlen(spec);

	if (open == NULL && close == NULL)
		return k6c__error(K6C_EINVAL, "parsing metric name failed, metric \"%s\" has no "
			"submetric criteria", spec);
	if (open == NULL || close == NULL)
		return k6c__error(K6C_EINVAL, "parsing metric name failed, metric \"%s\" has unmatched "
			"opening/close curly brace", spec);
	if (close < open)
		return k6c__error(K6C_EINVAL, "parsing metric name failed, metric \"%s\" closing curly "
			"brace appears before opening one", spec);
	if ((size_t)(close - spec) != len - 1)
		return k6c__error(K6C_EINVAL, "parsing metric name failed, metric \"%s\" lacks a closing "
			"curly brace in its last position", spec);

	/* Every comma-separated part must be key:value with a value. */
	for (const char *p = open + 1; p <= close;) {
		const char *end = memchr(p, ',', (size_t)(close - p));
		if (end == NULL)
			end = close;
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (colon == NULL || colon + 1 == end)
			return k6c__error(K6C_EINVAL, "parsing metric name failed, metric \"%.*s\" tag "
				"expression is malformed", (int)(end - p), p);
		p = end + 1;
	}

	const char *ks = open + 1, *ke = close;
	while (ks < ke && (*ks == ' ' || *ks == '\t'))
		ks++;
	while (ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'))
		ke--;
	if (ks == ke)
		return k6c__error(K6C_EINVAL, "submetric criteria for metric '%.*s' cannot be empty",
			(int)(open - spec), spec);

	k6c__tag *filter = NULL;
	size_t n = 0, cap = 0;
	for (const char *p = ks; p <= ke;) {
		const char *end = memchr(p, ',', (size_t)(ke - p));
		if (end == NULL)
			end = ke;
		if (end > p) {
			const char *colon = memchr(p, ':', (size_t)(end - p));
			const char *k0 = p, *k1 = colon ? colon : end;
			const char *v0 = colon ? colon + 1 : end, *v1 = end;
			trim_criterion(&k0, &k1);
			trim_criterion(&v0, &v1);
			char *key = k6c__strndup(k0, (size_t)(k1 - k0));
			char *value = k6c__strndup(v0, (size_t)(v1 - v0));
			if (key == NULL || value == NULL ||
			    grow_one((void **)&filter, n, &cap, sizeof(*filter)) < 0) {
				k6c__free(key);
				k6c__free(value);
				filter_free(filter, n);
				return K6C_ENOMEM;
			}
			/* A repeated key replaces the earlier criterion. */
			size_t i;
			for (i = 0; i < n && strcmp(filter[i].key, key) != 0; i++)
				;
			if (i < n) {
				k6c__free(key);
				k6c__free((void *)filter[i].value);
				filter[i].value = value;
			} else {
				filter[n].key = key;
				filter[n].value = value;
				n++;
			}
		}
		p = end + 1;
	}
	for (size_t i = 1; i < n; i++) {
		k6c__tag t = filter[i];
		size_t j = i;
		while (j > 0 && strcmp(filter[j - 1].key, t.key) > 0) {
			filter[j] = filter[j - 1];
			j--;
		}
		filter[j] = t;
	}
	*out_parent = k6c__strndup(spec, (size_t)(open - spec));
	*out_suffix = k6c__strndup(ks, (size_t)(ke - ks));
	if (*out_parent == NULL || *out_suffix == NULL) {
		k6c__free(*out_parent);
		k6c__free(*out_suffix);
		filter_free(filter, n);
		return K6C_ENOMEM;
	}
	*out_filter = filter;
	*out_nfilter = n;
	return 0;
}

static bool filter_equal(const k6c__tag *a, size_t na, const k6c__tag *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].key, b[i].key) != 0 || strcmp(a[i].value, b[i].value) != 0)
			return false;
	return true;
}

/* add_submetric with the lock held. */
static int add_submetric_locked(k6c__metrics *m, const char *spec, int *out_id)
{
	char *parent_name = NULL, *suffix = NULL;
	k6c__tag *filter = NULL;
	size_t nfilter = 0;
	int rc = parse_submetric(spec, &parent_name, &suffix, &filter, &nfilter);
	if (rc < 0)
		return rc;

	k6c__metric *parent = k6c__map_get(m->by_name, parent_name, strlen(parent_name));
	if (parent == NULL) {
		rc = k6c__error(K6C_ENOTFOUND, "no metric name \"%s\" found", parent_name);
		goto out;
	}
	if (parent->parent >= 0) {
		rc = k6c__error(K6C_EINVAL, "\"%s\": a submetric cannot have submetrics", spec);
		goto out;
	}
	for (size_t i = 0; i < parent->nsubs; i++) {
		k6c__metric *sub = m->metrics[parent->subs[i]];
		if (filter_equal(sub->filter, sub->nfilter, filter, nfilter)) {
			*out_id = sub->id;
			goto out;
		}
	}

	k6c__buf name = K6C__BUF_INIT;
	if ((rc = k6c__buf_printf(&name, "%s{%s}", parent->name, suffix)) < 0)
		goto out;
	k6c__metric *mt = metric_new(name.ptr, parent->type, parent->contains);
	k6c__buf_free(&name);
	if (mt == NULL ||
	    (rc = grow_one((void **)&parent->subs, parent->nsubs, &parent->capsubs,
		sizeof(*parent->subs))) < 0) {
		metric_free(mt);
		rc = k6c__error(K6C_ENOMEM, "out of memory adding a submetric");
		goto out;
	}
	mt->parent = parent->id;
	mt->suffix = suffix;
	mt->filter = filter;
	mt->nfilter = nfilter;
	suffix = NULL;
	filter = NULL;
	if ((rc = registry_add(m, mt, out_id)) < 0)
		goto out;
	parent->subs[parent->nsubs++] = *out_id;
out:
	k6c__free(parent_name);
	k6c__free(suffix);
	if (filter != NULL)
		filter_free(filter, nfilter);
	return rc;
}

int k6c__metrics_add_submetric(k6c__metrics *m, const char *spec, int *out_id)
{
	if (m == NULL || spec == NULL || out_id == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_add_submetric: NULL argument");
	pthread_mutex_lock(&m->lock);
	int rc = add_submetric_locked(m, spec, out_id);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* ---- aggregates -------------------------------------------------------- */

static void fold_value(k6c__metrics *m, k6c__metric *mt, double v)
{
	switch (mt->type) {
	case K6C__COUNTER:
		mt->sum += v;
		break;
	case K6C__GAUGE:
		mt->last = v;
		if (mt->n == 0 || v < mt->min)
			mt->min = v;
		if (mt->n == 0 || v > mt->max)
			mt->max = v;
		break;
	case K6C__RATE:
		if (v != 0)
			mt->nonzero++;
		break;
	case K6C__TREND:
		if (k6c__hist_add(&mt->hist, v) < 0) {
			add_dropped(m, 1);
			return;
		}
		break;
	}
	mt->n++;
}

int k6c__summary_check_stat(const char *stat)
{
	static const char *const fixed[] = { "avg", "min", "med", "max", "count" };

	if (stat == NULL)
		return k6c__error(K6C_EINVAL, "invalid trend stat: NULL");
	for (size_t i = 0; i < K6C__ARRAY_LEN(fixed); i++)
		if (strcmp(stat, fixed[i]) == 0)
			return 0;
	size_t n = strlen(stat);
	if (n < 3 || strncmp(stat, "p(", 2) != 0 || stat[n - 1] != ')')
		return k6c__error(K6C_EINVAL, "invalid trend stat '%s', unknown format", stat);
	char num[64];
	if (n - 3 == 0 || n - 3 >= sizeof(num))
		goto bad;
	memcpy(num, stat + 2, n - 3);
	num[n - 3] = '\0';
	/* A plain decimal number, as Go's ParseFloat reads it here. */
	if (num[0] == ' ' || num[0] == '\t' || num[0] == '\n')
		goto bad;
	char *end;
	errno = 0;
	double p = strtod(num, &end);
	if (*end != '\0' || errno != 0 || !(p >= 0 && p <= 100))
		goto bad;
	return 0;
bad:
	return k6c__error(K6C_EINVAL, "invalid percentile trend stat value '%s', provide a number "
		"between 0 and 100", stat);
}

double k6c__metric_trend_stat(const k6c__metric *mt, const char *stat)
{
	const k6c__hist *h = &mt->hist;

	if (strcmp(stat, "avg") == 0)
		return k6c__hist_avg(h);
	if (strcmp(stat, "min") == 0)
		return h->count ? h->min : 0;
	if (strcmp(stat, "max") == 0)
		return h->count ? h->max : 0;
	if (strcmp(stat, "med") == 0)
		return k6c__hist_percentile(h, 50);
	if (strcmp(stat, "count") == 0)
		return (double)h->count;
	/* p(N), already validated. */
	return k6c__hist_percentile(h, strtod(stat + 2, NULL));
}

static int metric_stat(const k6c__metric *mt, const char *stat, double duration_ms, double *out)
{
	switch (mt->type) {
	case K6C__COUNTER:
		if (strcmp(stat, "count") == 0) {
			*out = mt->sum;
			return 0;
		}
		if (strcmp(stat, "rate") == 0) {
			*out = duration_ms > 0 ? mt->sum / (duration_ms / 1000.0) : 0;
			return 0;
		}
		break;
	case K6C__GAUGE:
		if (strcmp(stat, "value") == 0) {
			*out = mt->n ? mt->last : 0;
			return 0;
		}
		if (strcmp(stat, "min") == 0 || strcmp(stat, "max") == 0) {
			*out = mt->n ? (stat[1] == 'i' ? mt->min : mt->max) : 0;
			return 0;
		}
		break;
	case K6C__RATE:
		if (strcmp(stat, "rate") == 0) {
			*out = mt->n ? (double)mt->nonzero / (double)mt->n : 0;
			return 0;
		}
		if (strcmp(stat, "passes") == 0) {
			*out = (double)mt->nonzero;
			return 0;
		}
		if (strcmp(stat, "fails") == 0) {
			*out = (double)(mt->n - mt->nonzero);
			return 0;
		}
		break;
	case K6C__TREND:
		if (k6c__summary_check_stat(stat) == 0) {
			*out = k6c__metric_trend_stat(mt, stat);
			return 0;
		}
		break;
	}
	return k6c__error(K6C_EINVAL, "'%s' is not an aggregation of the %s metric '%s'", stat,
		k6c__metric_type_name(mt->type), mt->name);
}

int k6c__metrics_stat(k6c__metrics *m, int id, const char *stat, double duration_ms, double *out)
{
	int rc;

	if (m == NULL || stat == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_stat: NULL argument");
	pthread_mutex_lock(&m->lock);
	if (id < 0 || (size_t)id >= m->nmetrics)
		rc = k6c__error(K6C_ENOTFOUND, "no metric with id %d", id);
	else
		rc = metric_stat(m->metrics[id], stat, duration_ms, out);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

uint64_t k6c__metrics_sample_count(k6c__metrics *m, int id)
{
	uint64_t n = 0;

	if (m == NULL)
		return 0;
	pthread_mutex_lock(&m->lock);
	if (id >= 0 && (size_t)id < m->nmetrics)
		n = m->metrics[id]->n;
	pthread_mutex_unlock(&m->lock);
	return n;
}

/* ---- folding batches --------------------------------------------------- */

/* Room for n elements of sz bytes in *arr (capacity *cap, first the
 * smallest), doubling; false on out-of-memory, *arr unchanged. */
static bool reserve_n(void **arr, size_t *cap, size_t n, size_t sz, size_t first)
{
	if (n <= *cap)
		return true;
	size_t ncap = *cap ? *cap : first;
	while (ncap < n)
		ncap *= 2;
	void *p = k6c__realloc(*arr, ncap * sz);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

static bool views_reserve(k6c__metrics *m, size_t n)
{
	return reserve_n((void **)&m->views, &m->capviews, n, sizeof(*m->views), 256);
}

void k6c__metrics_set_tag_sets_warn(k6c__metrics *m, uint64_t limit)
{
	m->tag_sets_warn = limit;
}

uint64_t k6c__metrics_tag_sets(k6c__metrics *m, int id)
{
	uint64_t n = 0;

	pthread_mutex_lock(&m->lock);
	if (id >= 0 && (size_t)id < m->nmetrics)
		n = m->metrics[id]->ntagsets;
	pthread_mutex_unlock(&m->lock);
	return n;
}

size_t k6c__metrics_raw_tag_sets(k6c__metrics *m)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->raw.n;
	pthread_mutex_unlock(&m->lock);
	return n;
}

/* Whether the first sample of metric id with tag set ts makes the metric
 * pass the warning limit (then, once per metric, true). Out of memory only
 * stops the counting for that tag set. Called with m->lock held. */
static bool count_tag_set(k6c__metrics *m, k6c__metric *mt, k6c__tagset *ts, int id)
{
	size_t w = (size_t)id / 64;
	uint64_t bit = (uint64_t)1 << ((unsigned)id % 64);

	if (w < ts->nseen && (ts->seen[w] & bit))
		return false;
	if (w >= ts->nseen) {
		size_t n = m->nmetrics / 64 + 1;
		uint64_t *seen = k6c__realloc(ts->seen, n * sizeof(*seen));
		if (seen == NULL)
			return false;
		memset(seen + ts->nseen, 0, (n - ts->nseen) * sizeof(*seen));
		ts->seen = seen;
		ts->nseen = n;
	}
	ts->seen[w] |= bit;
	if (++mt->ntagsets <= m->tag_sets_warn || mt->tagsets_warned)
		return false;
	mt->tagsets_warned = true;
	return true;
}

/* At most this many warnings are kept per batch; a metric past the limit
 * warns once anyway, so more in one batch is unlikely. */
#define WARNS_PER_BATCH 8

/* names: metric names (immutable, owned by the registry), read under the
 * lock; the log callback runs without it. */
static void warn_tag_sets(k6c__metrics *m, const char *const *names, size_t n)
{
	k6c__buf b = K6C__BUF_INIT;

	for (size_t i = 0; i < n && m->cfg.log != NULL; i++) {
		k6c__buf_clear(&b);
		if (k6c__buf_printf(&b, "metric '%s' has passed %llu distinct tag sets; each one is "
			"kept in memory until the end of the test, so a tag with unbounded values "
			"(a unique URL, an id) grows memory with the run: group such requests with "
			"the 'name' tag (http.url`...` does)", names[i],
			(unsigned long long)m->tag_sets_warn) == 0)
			m->cfg.log(K6C_LOG_WARN, b.ptr, m->cfg.log_arg);
	}
	k6c__buf_free(&b);
}

/* ---- the full summary's breakdown -------------------------------------- */

static k6c__scope *scope_new(const char *name, size_t len)
{
	k6c__scope *sc = k6c__calloc(1, sizeof(*sc));
	if (sc == NULL)
		return NULL;
	if ((sc->name = k6c__strndup(name, len)) == NULL) {
		k6c__free(sc);
		return NULL;
	}
	return sc;
}

static void scope_free(k6c__scope *sc)
{
	if (sc == NULL)
		return;
	for (size_t i = 0; i < sc->naggs; i++) {
		if (sc->aggs[i] != NULL) {
			k6c__hist_free(&sc->aggs[i]->hist);
			k6c__free(sc->aggs[i]);
		}
	}
	k6c__free(sc->aggs);
	for (size_t i = 0; i < sc->nchecks; i++)
		check_free(sc->checks[i]);
	k6c__free(sc->checks);
	for (size_t i = 0; i < sc->nkids; i++)
		scope_free(sc->kids[i]);
	k6c__free(sc->kids);
	k6c__free(sc->name);
	k6c__free(sc);
}

/* The child of that name, created on first sight. Groups and scenarios are
 * few and this runs once per tag set, so a linear search is enough. */
static k6c__scope *scope_kid(k6c__scope *sc, const char *name, size_t len)
{
	for (size_t i = 0; i < sc->nkids; i++)
		if (strlen(sc->kids[i]->name) == len && memcmp(sc->kids[i]->name, name, len) == 0)
			return sc->kids[i];
	k6c__scope *kid = scope_new(name, len);
	if (kid == NULL || grow_one((void **)&sc->kids, sc->nkids, &sc->capkids, sizeof(*sc->kids)) < 0) {
		scope_free(kid);
		return NULL;
	}
	sc->kids[sc->nkids++] = kid;
	return kid;
}

static k6c__check *scope_check(k6c__scope *sc, const char *name)
{
	for (size_t i = 0; i < sc->nchecks; i++)
		if (strcmp(sc->checks[i]->name, name) == 0)
			return sc->checks[i];
	k6c__check *c = check_new(name, name);
	if (c == NULL || grow_one((void **)&sc->checks, sc->nchecks, &sc->capchecks,
		sizeof(*sc->checks)) < 0) {
		check_free(c);
		return NULL;
	}
	sc->checks[sc->nchecks++] = c;
	return c;
}

/* k6's rule: a scenario other than "default" gets the sample itself, and
 * its groups live under it; otherwise groups live under the root. The
 * sample then goes to the innermost group of its path. */
static void tagset_resolve_scopes(k6c__metrics *m, k6c__tagset *ts)
{
	/* The group comes from the set's group (the full tags, as the group
	 * tree), so the blocks stay whole when systemTags disables `group`;
	 * the scenario follows its tag, as k6's summary output does. */
	const char *scenario = tag_get(ts, "scenario");
	const char *group = ts->group != NULL ? ts->group->path : NULL;
	k6c__scope *base = m->bd_groups;
	size_t n = 0;

	ts->scopes_resolved = true;
	if (scenario != NULL && strcmp(scenario, "default") != 0) {
		if ((base = scope_kid(m->bd_scenarios, scenario, strlen(scenario))) == NULL)
			return;
		ts->scopes[n++] = base;
	}
	if (group != NULL && group[0] != '\0') {
		const char *p = strncmp(group, "::", 2) == 0 ? group + 2 : group;
		for (;;) {
			const char *sep = strstr(p, "::");
			size_t len = sep ? (size_t)(sep - p) : strlen(p);
			if ((base = scope_kid(base, p, len)) == NULL)
				return;
			if (sep == NULL)
				break;
			p = sep + 2;
		}
		ts->scopes[n++] = base;
	}
	for (size_t i = 0; i < n && ts->check != NULL; i++)
		ts->scope_checks[i] = scope_check(ts->scopes[i], ts->check);
}

/* Folds a sample into the breakdown nodes of its tag set (lock held). Out
 * of memory only loses the sample there; the totals have it. */
static void breakdown_fold(k6c__metrics *m, k6c__tagset *ts, const k6c__metric *mt, double v)
{
	if (!ts->scopes_resolved)
		tagset_resolve_scopes(m, ts);
	for (size_t i = 0; i < 2 && ts->scopes[i] != NULL; i++) {
		k6c__scope *sc = ts->scopes[i];
		size_t id = (size_t)mt->id;
		if (id >= sc->naggs) {
			k6c__metric **grown = k6c__realloc(sc->aggs, m->nmetrics * sizeof(*grown));
			if (grown == NULL)
				continue;
			memset(grown + sc->naggs, 0, (m->nmetrics - sc->naggs) * sizeof(*grown));
			sc->aggs = grown;
			sc->naggs = m->nmetrics;
		}
		if (sc->aggs[id] == NULL) {
			k6c__metric *agg = k6c__calloc(1, sizeof(*agg));
			if (agg == NULL)
				continue;
			agg->name = mt->name;
			agg->type = mt->type;
			agg->contains = mt->contains;
			agg->id = mt->id;
			agg->parent = -1;
			k6c__hist_init(&agg->hist);
			sc->aggs[id] = agg;
		}
		fold_value(m, sc->aggs[id], v);
		if (mt->id == K6C__M_CHECKS && ts->scope_checks[i] != NULL) {
			if (v != 0)
				ts->scope_checks[i]->passes++;
			else
				ts->scope_checks[i]->fails++;
		}
	}
}

void k6c__metrics_set_breakdown(k6c__metrics *m, bool on)
{
	if (m == NULL || m->state != K6C__MS_NEW || on == (m->bd_groups != NULL))
		return;
	if (!on) {
		scope_free(m->bd_groups);
		scope_free(m->bd_scenarios);
		m->bd_groups = m->bd_scenarios = NULL;
		return;
	}
	m->bd_groups = scope_new("", 0);
	m->bd_scenarios = scope_new("", 0);
	if (m->bd_groups == NULL || m->bd_scenarios == NULL) {
		/* Without memory for two nodes the full summary shows no
		 * blocks; the totals are unaffected. */
		scope_free(m->bd_groups);
		scope_free(m->bd_scenarios);
		m->bd_groups = m->bd_scenarios = NULL;
	}
}

static bool md_reserve(k6c__metrics *m, size_t n)
{
	return reserve_n((void **)&m->md, &m->capmd, n, sizeof(*m->md), 64);
}

/* Folds every record of a batch, then shows the batch to on_samples. Called
 * by one folder at a time (see k6c__metrics.views). */
static void fold_batch(k6c__metrics *m, k6c__batch *b)
{
	bool want_views = m->cfg.on_samples != NULL;
	size_t nviews = 0, nmd = 0;
	const char *warn_names[WARNS_PER_BATCH];
	size_t nwarn = 0;

	if (want_views && (!views_reserve(m, b->nsamples) || !md_reserve(m, b->nmetadata)))
		want_views = false;   /* the aggregates still count; outputs miss a batch */

	pthread_mutex_lock(&m->lock);
	for (size_t off = 0; off < b->len;) {
		const rec_hdr *h = (const rec_hdr *)(b->data + off);
		const char *tags = b->data + off + sizeof(*h);
		const char *md = tags + ALIGN8(h->tag_bytes);
		const rec_sample *smp = (const rec_sample *)(md + ALIGN8(h->md_bytes));
		off += sizeof(*h) + ALIGN8(h->tag_bytes) + ALIGN8(h->md_bytes) +
			(size_t)h->n * sizeof(*smp);

		/* Metadata never meets the aggregates: the record's entries are
		 * only laid out for the views (md_reserve made room for all). */
		const k6c__tag *rec_md = NULL;
		if (want_views && h->nmd > 0) {
			k6c__tag *t = m->md + nmd;
			for (uint32_t i = 0; i < h->nmd; i++) {
				t[i].key = md;
				md += strlen(md) + 1;
				t[i].value = md;
				md += strlen(md) + 1;
			}
			rec_md = t;
			nmd += h->nmd;
		}

		k6c__tagset *ts = intern(m, tags, h->tag_bytes, h->ntags);
		if (ts == NULL) {
			add_dropped(m, h->n);
			continue;
		}
		for (uint32_t j = 0; j < h->n; j++) {
			int id = smp[j].metric;
			double v = smp[j].value;
			if (id < 0 || (size_t)id >= m->nmetrics || m->metrics[id]->parent >= 0) {
				/* Unknown ids and submetric ids are not sample targets. */
				add_dropped(m, 1);
				continue;
			}
			k6c__metric *mt = m->metrics[id];
			if (m->tag_sets_warn > 0 && count_tag_set(m, mt, ts, id) &&
			    nwarn < WARNS_PER_BATCH)
				warn_names[nwarn++] = mt->name;
			fold_value(m, mt, v);
			for (size_t k = 0; k < mt->nsubs; k++) {
				k6c__metric *sub = m->metrics[mt->subs[k]];
				if (tagset_matches(ts, sub->filter, sub->nfilter))
					fold_value(m, sub, v);
			}
			if (id == K6C__M_CHECKS && ts->check != NULL) {
				/* Out of memory here only loses the per-check
				 * breakdown; the checks rate above has the sample. */
				if (ts->check_total == NULL)
					(void)tagset_resolve_check(m, ts);
				if (ts->check_total != NULL) {
					if (v != 0) {
						ts->check_in_group->passes++;
						ts->check_total->passes++;
					} else {
						ts->check_in_group->fails++;
						ts->check_total->fails++;
					}
				}
			}
			if (m->bd_groups != NULL)
				breakdown_fold(m, ts, mt, v);
			if (want_views) {
				k6c__sample_view *sv = &m->views[nviews++];
				sv->time_us = h->time_us;
				sv->metric = id;
				sv->value = v;
				sv->tags = ts->tags;
				sv->ntags = ts->ntags;
				sv->metadata = rec_md;
				sv->nmetadata = rec_md != NULL ? h->nmd : 0;
			}
		}
	}
	pthread_mutex_unlock(&m->lock);

	if (nwarn > 0)
		warn_tag_sets(m, warn_names, nwarn);
	if (want_views && nviews > 0)
		m->cfg.on_samples(m->views, nviews, m->cfg.on_samples_arg);
}

static void batch_reset(k6c__batch *b)
{
	b->next = NULL;
	b->len = 0;
	b->nsamples = 0;
	b->nmetadata = 0;
	b->started_ns = 0;
}

static void batch_free(k6c__batch *b)
{
	if (b == NULL)
		return;
	k6c__free(b->data);
	k6c__free(b);
}

static void batch_list_free(k6c__batch *b)
{
	while (b != NULL) {
		k6c__batch *next = b->next;
		batch_free(b);
		b = next;
	}
}

/* Folds a list of batches and returns them to the free list. */
static void fold_list(k6c__metrics *m, k6c__batch *list, bool qlock_held)
{
	k6c__batch *last = NULL;

	for (k6c__batch *b = list; b != NULL; b = b->next) {
		fold_batch(m, b);
		last = b;
	}
	if (list == NULL)
		return;
	for (k6c__batch *b = list; b != NULL;) {
		k6c__batch *next = b->next;
		batch_reset(b);
		b->next = next;
		b = next;
	}
	if (!qlock_held)
		pthread_mutex_lock(&m->qlock);
	last->next = m->free_batches;
	m->free_batches = list;
	if (!qlock_held)
		pthread_mutex_unlock(&m->qlock);
}

/* ---- the aggregation thread -------------------------------------------- */

static void *aggregator_main(void *arg)
{
	k6c__metrics *m = arg;

	pthread_mutex_lock(&m->qlock);
	for (;;) {
		if (!m->stopping) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			uint64_t ns = (uint64_t)ts.tv_nsec + m->flush_ns;
			ts.tv_sec += (time_t)(ns / 1000000000u);
			ts.tv_nsec = (long)(ns % 1000000000u);
			/* A spurious or early wake-up only folds a little sooner. */
			pthread_cond_timedwait(&m->cond, &m->qlock, &ts);
		}
		bool last = m->stopping;
		k6c__batch *list = m->pending;
		m->pending = m->pending_tail = NULL;
		pthread_mutex_unlock(&m->qlock);

		fold_list(m, list, false);
		if (m->cfg.on_tick != NULL)
			m->cfg.on_tick(m, m->cfg.on_tick_arg);

		pthread_mutex_lock(&m->qlock);
		if (last)
			break;
	}
	pthread_mutex_unlock(&m->qlock);
	return NULL;
}

int k6c__metrics_start(k6c__metrics *m)
{
	int rc = 0;

	if (m == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_start: NULL argument");
	pthread_mutex_lock(&m->qlock);
	if (m->state != K6C__MS_NEW) {
		rc = k6c__error(K6C_ESTATE, "the metrics thread was already started");
	} else {
		int err = pthread_create(&m->thread, NULL, aggregator_main, m);
		if (err != 0)
			rc = k6c__error(K6C_EINTERNAL, "cannot start the metrics thread: %s", strerror(err));
		else
			m->state = K6C__MS_RUNNING;
	}
	pthread_mutex_unlock(&m->qlock);
	return rc;
}

void k6c__metrics_stop(k6c__metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->qlock);
	if (m->state == K6C__MS_STOPPED) {
		pthread_mutex_unlock(&m->qlock);
		return;
	}
	if (m->state == K6C__MS_RUNNING) {
		m->stopping = true;
		pthread_cond_signal(&m->cond);
		pthread_mutex_unlock(&m->qlock);
		pthread_join(m->thread, NULL);
		pthread_mutex_lock(&m->qlock);
	}
	/* Whatever was handed off after the thread's last look (or without a
	 * thread at all) is folded here, under qlock, so that producers flushing
	 * now wait and their batches keep their order. */
	k6c__batch *list = m->pending;
	m->pending = m->pending_tail = NULL;
	fold_list(m, list, true);
	m->state = K6C__MS_STOPPED;
	pthread_mutex_unlock(&m->qlock);
}

/* ---- producer buffers -------------------------------------------------- */

static k6c__batch *batch_take(k6c__metrics *m, bool qlock_held)
{
	k6c__batch *b;

	if (!qlock_held)
		pthread_mutex_lock(&m->qlock);
	b = m->free_batches;
	if (b != NULL)
		m->free_batches = b->next;
	if (!qlock_held)
		pthread_mutex_unlock(&m->qlock);
	if (b == NULL)
		b = k6c__calloc(1, sizeof(*b));
	if (b != NULL)
		b->next = NULL;
	return b;
}

static void handoff(k6c__samples *s)
{
	k6c__metrics *m = s->m;
	k6c__batch *b = s->cur;

	if (b == NULL || b->nsamples == 0)
		return;
	pthread_mutex_lock(&m->qlock);
	if (m->state == K6C__MS_STOPPED) {
		/* Late hand-off: fold it here (see k6c__metrics_stop). */
		fold_batch(m, b);
		batch_reset(b);
		pthread_mutex_unlock(&m->qlock);
		return;
	}
	b->next = NULL;
	if (m->pending_tail != NULL)
		m->pending_tail->next = b;
	else
		m->pending = b;
	m->pending_tail = b;
	k6c__batch *nb = m->free_batches;
	if (nb != NULL)
		m->free_batches = nb->next;
	pthread_mutex_unlock(&m->qlock);
	if (nb == NULL)
		nb = k6c__calloc(1, sizeof(*nb));
	if (nb != NULL)
		nb->next = NULL;
	s->cur = nb;   /* NULL after out-of-memory: the next add retries */
}

int k6c__samples_new(k6c__metrics *m, k6c__samples **out)
{
	if (m == NULL || out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__samples_new: NULL argument");
	k6c__samples *s = k6c__calloc(1, sizeof(*s));
	if (s == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	s->m = m;
	s->cur = batch_take(m, false);
	if (s->cur == NULL) {
		k6c__free(s);
		return k6c__error(K6C_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void k6c__samples_free(k6c__samples *s)
{
	if (s == NULL)
		return;
	handoff(s);
	if (s->cur != NULL) {
		k6c__metrics *m = s->m;
		batch_reset(s->cur);
		pthread_mutex_lock(&m->qlock);
		s->cur->next = m->free_batches;
		m->free_batches = s->cur;
		pthread_mutex_unlock(&m->qlock);
	}
	k6c__free(s);
}

/* Bytes of tags laid out as "k\0v\0..." (NULL strings as ""). */
static size_t tag_bytes(const k6c__tag *tags, size_t ntags)
{
	size_t tb = 0;
	for (size_t i = 0; i < ntags; i++) {
		tb += (tags[i].key ? strlen(tags[i].key) : 0) + 1;
		tb += (tags[i].value ? strlen(tags[i].value) : 0) + 1;
	}
	return tb;
}

/* Writes tags as tag_bytes counted them, then zeroes the padding up to the
 * next 8-byte boundary so records are fully initialised bytes. */
static void put_tag_bytes(char *t, const k6c__tag *tags, size_t ntags, size_t tb)
{
	for (size_t i = 0; i < ntags; i++) {
		const char *k = tags[i].key ? tags[i].key : "";
		const char *v = tags[i].value ? tags[i].value : "";
		size_t kl = strlen(k) + 1, vl = strlen(v) + 1;
		memcpy(t, k, kl);
		t += kl;
		memcpy(t, v, vl);
		t += vl;
	}
	memset(t, 0, ALIGN8(tb) - tb);
}

void k6c__samples_add(k6c__samples *s, int64_t time_us, const k6c__tag *tags, size_t ntags,
	const int *metrics, const double *values, size_t n)
{
	k6c__samples_add_md(s, time_us, tags, ntags, NULL, 0, metrics, values, n);
}

void k6c__samples_add_md(k6c__samples *s, int64_t time_us, const k6c__tag *tags, size_t ntags,
	const k6c__tag *metadata, size_t nmetadata, const int *metrics, const double *values,
	size_t n)
{
	if (s == NULL || n == 0)
		return;
	k6c__metrics *m = s->m;

	size_t tb = tag_bytes(tags, ntags);
	size_t mb = metadata != NULL ? tag_bytes(metadata, nmetadata) : 0;
	if (metadata == NULL)
		nmetadata = 0;
	if (tb > UINT32_MAX || ntags > UINT32_MAX || mb > UINT32_MAX ||
	    n > UINT32_MAX / sizeof(rec_sample)) {
		add_dropped(m, n);
		return;
	}
	size_t need = sizeof(rec_hdr) + ALIGN8(tb) + ALIGN8(mb) + n * sizeof(rec_sample);

	k6c__batch *b = s->cur;
	if (b == NULL && (b = s->cur = batch_take(m, false)) == NULL) {
		add_dropped(m, n);
		return;
	}
	if (b->cap - b->len < need) {
		size_t cap = b->cap ? b->cap : BATCH_MIN_CAP;
		while (cap - b->len < need)
			cap *= 2;
		char *data = k6c__realloc(b->data, cap);
		if (data == NULL) {
			add_dropped(m, n);
			return;
		}
		b->data = data;
		b->cap = cap;
	}
	if (b->nsamples == 0)
		b->started_ns = k6c__now_ns();

	char *p = b->data + b->len;
	rec_hdr *h = (rec_hdr *)p;
	h->time_us = time_us;
	h->tag_bytes = (uint32_t)tb;
	h->ntags = (uint32_t)ntags;
	h->md_bytes = (uint32_t)mb;
	h->nmd = (uint32_t)nmetadata;
	h->n = (uint32_t)n;
	h->pad = 0;
	p += sizeof(*h);
	put_tag_bytes(p, tags, ntags, tb);
	p += ALIGN8(tb);
	put_tag_bytes(p, metadata, nmetadata, mb);
	rec_sample *smp = (rec_sample *)(p + ALIGN8(mb));
	for (size_t i = 0; i < n; i++) {
		smp[i].metric = metrics[i];
		smp[i].pad = 0;
		smp[i].value = values[i];
	}
	b->len += need;
	b->nsamples += n;
	/* Each of the record's samples shows the record's metadata; the
	 * views share one copy of its entries. */
	b->nmetadata += nmetadata;

	if (b->len >= BATCH_HANDOFF_BYTES)
		handoff(s);
}

void k6c__samples_tick(k6c__samples *s, uint64_t now_ns)
{
	if (s == NULL || s->cur == NULL || s->cur->nsamples == 0)
		return;
	if (now_ns - s->cur->started_ns >= s->m->flush_ns)
		handoff(s);
}

void k6c__samples_flush(k6c__samples *s)
{
	if (s != NULL)
		handoff(s);
}

/* ---- lifetime ---------------------------------------------------------- */

int k6c__metrics_new(k6c__metrics **out, const k6c__metrics_config *cfg)
{
	int rc;

	if (out == NULL)
		return k6c__error(K6C_EINVAL, "k6c__metrics_new: NULL argument");
	k6c__metrics *m = k6c__calloc(1, sizeof(*m));
	if (m == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	if (cfg != NULL)
		m->cfg = *cfg;
	m->flush_ns = (uint64_t)(m->cfg.flush_interval_ms ? m->cfg.flush_interval_ms : 50) * 1000000u;
	m->state = K6C__MS_NEW;
	m->system_tags = K6C__SYSTEM_TAGS_DEFAULT;

	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->qlock, NULL);

	if ((rc = k6c__map_new(&m->by_name)) < 0 || (rc = k6c__map_new(&m->groups_by_path)) < 0 ||
	    (rc = k6c__map_new(&m->checks_by_path)) < 0 ||
	    (rc = k6c__map_new(&m->checks_by_name)) < 0)
		goto fail;
	m->root = group_new("", 0, "", 0);
	if (m->root == NULL) {
		rc = k6c__error(K6C_ENOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < K6C__M_BUILTIN_COUNT; i++) {
		k6c__metric *mt = metric_new(builtins[i].name, builtins[i].type, builtins[i].contains);
		int id;
		if (mt == NULL) {
			rc = k6c__error(K6C_ENOMEM, "out of memory");
			goto fail;
		}
		if ((rc = registry_add(m, mt, &id)) < 0)
			goto fail;
	}
	int sub;
	if ((rc = add_submetric_locked(m, "http_req_duration{expected_response:true}", &sub)) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	k6c__metrics_free(m);
	return rc;
}

void k6c__metrics_set_system_tags(k6c__metrics *m, uint32_t mask)
{
	if (m == NULL)
		return;
	m->system_tags = mask;
	m->hidden_tags = K6C__SYSTEM_TAGS_DEFAULT & ~mask;
}

uint32_t k6c__metrics_system_tags(const k6c__metrics *m)
{
	return m != NULL ? m->system_tags : K6C__SYSTEM_TAGS_DEFAULT;
}

bool k6c__metrics_wants_metadata(const k6c__metrics *m)
{
	return m != NULL && m->cfg.on_samples != NULL;
}

void k6c__metrics_free(k6c__metrics *m)
{
	if (m == NULL)
		return;
	k6c__metrics_stop(m);
	batch_list_free(m->pending);
	batch_list_free(m->free_batches);
	for (size_t i = 0; i < m->nmetrics; i++)
		metric_free(m->metrics[i]);
	k6c__free(m->metrics);
	if (m->by_name)
		k6c__map_free(m->by_name, NULL);
	itab_free(&m->raw, false);
	itab_free(&m->canon, true);
	group_free(m->root);
	if (m->groups_by_path)
		k6c__map_free(m->groups_by_path, NULL);
	if (m->checks_by_path)
		k6c__map_free(m->checks_by_path, check_free);
	if (m->checks_by_name)
		k6c__map_free(m->checks_by_name, check_free);
	k6c__free(m->total_checks);
	scope_free(m->bd_groups);
	scope_free(m->bd_scenarios);
	k6c__free(m->views);
	k6c__free(m->md);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->qlock);
	pthread_cond_destroy(&m->cond);
	k6c__free(m);
}
