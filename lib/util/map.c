/*
 * map.c - a string-keyed hash map with open addressing and linear probing.
 *
 * Keys are length-delimited (they may contain NULs) and copied; values are
 * borrowed pointers. There is no removal, so probing needs no tombstones. The
 * table doubles when it would pass 70% load, which keeps probe runs short.
 */
#include "util.h"

#include <string.h>

#define MAP_MIN_CAP 16
#define MAP_SEED 0x6b3663ULL   /* arbitrary; fixed so behaviour is reproducible */

typedef struct map_slot {
	char *key;        /* NULL: empty slot */
	size_t keylen;
	uint64_t hash;
	void *value;
} map_slot;

struct k6c__map {
	map_slot *slots;
	size_t cap;       /* power of two */
	size_t count;
};

int k6c__map_new(k6c__map **out)
{
	k6c__map *m = k6c__calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory creating a map");
	m->slots = k6c__calloc(MAP_MIN_CAP, sizeof(*m->slots));
	if (m->slots == NULL) {
		k6c__free(m);
		return k6c__error(K6C_ENOMEM, "out of memory creating a map");
	}
	m->cap = MAP_MIN_CAP;
	*out = m;
	return 0;
}

void k6c__map_free(k6c__map *m, void (*free_value)(void *value))
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL)
			continue;
		k6c__free(m->slots[i].key);
		if (free_value)
			free_value(m->slots[i].value);
	}
	k6c__free(m->slots);
	k6c__free(m);
}

/* The slot holding key, or the empty slot where it would go. */
static map_slot *map_find(map_slot *slots, size_t cap, const char *key, size_t keylen,
			  uint64_t hash)
{
	size_t mask = cap - 1, i = (size_t)hash & mask;

	for (;; i = (i + 1) & mask) {
		map_slot *s = &slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == hash && s->keylen == keylen &&
		    (keylen == 0 || memcmp(s->key, key, keylen) == 0))
			return s;
	}
}

static int map_grow(k6c__map *m)
{
	size_t cap = m->cap * 2, i;
	map_slot *slots;

	if (cap < m->cap || cap > SIZE_MAX / sizeof(*slots))
		return k6c__error(K6C_ENOMEM, "map too large");
	slots = k6c__calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory growing a map to %zu slots", cap);
	for (i = 0; i < m->cap; i++) {
		map_slot *s = &m->slots[i];

		if (s->key != NULL)
			*map_find(slots, cap, s->key, s->keylen, s->hash) = *s;
	}
	k6c__free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int k6c__map_set(k6c__map *m, const char *key, size_t keylen, void *value)
{
	uint64_t hash = k6c__hash64(key, keylen, MAP_SEED);
	map_slot *s = map_find(m->slots, m->cap, key, keylen, hash);
	char *copy;
	int rc;

	if (s->key != NULL) {
		s->value = value;
		return 0;
	}
	/* Grow before inserting so the load stays at or below 70%. */
	if ((m->count + 1) * 10 > m->cap * 7) {
		if ((rc = map_grow(m)) < 0)
			return rc;
		s = map_find(m->slots, m->cap, key, keylen, hash);
	}
	copy = k6c__strndup(key, keylen);
	if (copy == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory copying a map key");
	s->key = copy;
	s->keylen = keylen;
	s->hash = hash;
	s->value = value;
	m->count++;
	return 0;
}

void *k6c__map_get(const k6c__map *m, const char *key, size_t keylen)
{
	uint64_t hash = k6c__hash64(key, keylen, MAP_SEED);
	map_slot *s = map_find(m->slots, m->cap, key, keylen, hash);

	return s->key != NULL ? s->value : NULL;
}

size_t k6c__map_count(const k6c__map *m)
{
	return m->count;
}

bool k6c__map_next(const k6c__map *m, size_t *pos, const char **key, size_t *keylen,
		   void **value)
{
	size_t i;

	for (i = *pos; i < m->cap; i++) {
		const map_slot *s = &m->slots[i];

		if (s->key == NULL)
			continue;
		if (key)
			*key = s->key;
		if (keylen)
			*keylen = s->keylen;
		if (value)
			*value = s->value;
		*pos = i + 1;
		return true;
	}
	*pos = m->cap;
	return false;
}
