/*
 * prelude.c - picks the per-VU prelude chunks (lib/engine/js sources, compiled
 * into prelude_chunks.c at build time) that a set of lowered modules needs.
 *
 * A chunk is selected when one of its trigger strings occurs in any module;
 * a trigger end that is an identifier character must sit at a word
 * boundary, so "Map" does not fire on "Mapping" while ".at(" fires on any
 * method call named at. A word quoted on its own ("Map") does not count:
 * Babel's helpers compare constructor names that way (n === "Map") without
 * needing the constructor. Selection errs on the side of installing: a false
 * positive costs a few KiB per VU, a false negative a TypeError. Required
 * chunks are added, and the result is in the generator's (file) order,
 * which lists every chunk after the chunks it requires.
 */
#include "engine/lower.h"
#include "engine/prelude.h"

#include <string.h>

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '$';
}

static bool mentions(const char *text, size_t len, const char *word)
{
	size_t wl = strlen(word);
	bool left = ident_char(word[0]), right = ident_char(word[wl - 1]);
	const char *p = text, *end = text + len;

	while ((size_t)(end - p) >= wl) {
		const char *hit = memmem(p, (size_t)(end - p), word, wl);

		if (hit == NULL)
			return false;
		bool quoted = hit > text && hit + wl < end && (hit[-1] == '"' || hit[-1] == '\'') &&
			      hit[wl] == hit[-1];

		if ((!left || hit == text || !ident_char(hit[-1])) &&
		    (!right || hit + wl == end || !ident_char(hit[wl])) && !quoted)
			return true;
		p = hit + 1;
	}
	return false;
}

int k6c__prelude_for(const char *const *lowered, const size_t *lens, size_t n, k6c__buf *out)
{
	bool *use;
	size_t i, m, t;
	int rc = 0;

	use = k6c__calloc(k6c__prelude_nchunks ? k6c__prelude_nchunks : 1, sizeof(*use));
	if (use == NULL)
		return k6c__error(K6C_ENOMEM, "out of memory");
	for (i = 0; i < k6c__prelude_nchunks; i++) {
		const struct k6c__prelude_chunk *c = &k6c__prelude_chunks[i];

		for (t = 0; !use[i] && c->triggers[t] != NULL; t++)
			for (m = 0; !use[i] && m < n; m++)
				use[i] = lowered[m] != NULL && mentions(lowered[m], lens[m], c->triggers[t]);
	}
	/* Requirements point backwards, so one pass from the end closes the set. */
	for (i = k6c__prelude_nchunks; i-- > 0;) {
		const int *r;

		if (!use[i])
			continue;
		for (r = k6c__prelude_chunks[i].requires; *r >= 0; r++)
			use[*r] = true;
	}
	k6c__buf_clear(out);
	rc = k6c__buf_put(out, "", 0);
	for (i = 0; rc == 0 && i < k6c__prelude_nchunks; i++) {
		const struct k6c__prelude_chunk *c = &k6c__prelude_chunks[i];

		if (!use[i])
			continue;
		rc = k6c__buf_printf(out, "/* k6c prelude: %s */\n", c->name);
		if (rc == 0)
			rc = k6c__buf_put(out, c->src, c->len);
	}
	k6c__free(use);
	return rc != 0 ? k6c__error(K6C_ENOMEM, "out of memory") : 0;
}
