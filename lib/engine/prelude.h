/*
 * prelude.h - the table of per-VU prelude chunks, generated at build time by
 * tools/prelude_chunks.py from the lib/engine/js sources (private to lib/engine).
 */
#ifndef K6C_ENGINE_PRELUDE_H
#define K6C_ENGINE_PRELUDE_H

#include <stddef.h>

struct k6c__prelude_chunk {
	const char *name;
	const char *const *triggers; /* NULL-terminated */
	const int *requires;         /* indices of earlier chunks, -1-terminated */
	const char *src;
	size_t len;
};

extern const struct k6c__prelude_chunk k6c__prelude_chunks[];
extern const size_t k6c__prelude_nchunks;

#endif /* K6C_ENGINE_PRELUDE_H */
