/*
 * lower.h - turns one ES2015+ module into ES5 CommonJS that Duktape runs,
 * with Babel standalone (Debian's node-babel7-standalone) loaded from
 * bytecode built at compile time into a throw-away Duktape heap. Line numbers
 * are kept (retainLines) so errors point at the user's lines. Results are
 * cached on disk keyed by SHA-256 of source + Babel version and bytecode
 * hash + options, so a second run of the same script never starts the
 * transpiler.
 */
#ifndef K6C_ENGINE_LOWER_H
#define K6C_ENGINE_LOWER_H

#include "util/util.h"

typedef struct k6c__lowerer k6c__lowerer;

/* cache_dir: NULL = default ($K6C_CACHE_DIR, $XDG_CACHE_HOME/k6c,
 * ~/.cache/k6c); "" = no cache. The Babel heap is created lazily on the first
 * cache miss and lives until k6c__lowerer_free. */
int k6c__lowerer_new(k6c__lowerer **out, const char *cache_dir);
void k6c__lowerer_free(k6c__lowerer *l);

/* Lowers src (a module; filename used in messages) to the ES5 body of a
 * CommonJS module: code that uses the free variables exports, require and
 * module. Import specifiers appear as require("<specifier>") string literals
 * exactly as written. Return 0; K6C_ESCRIPT with the message
 * "<filename>:<line>:<column>: SyntaxError: <what>" for a syntax error
 * (line and column 1-based, as k6 prints positions);
 * K6C_ENOMEM; K6C_EINTERNAL if the transpiler itself failed. */
int k6c__lower(k6c__lowerer *l, const char *filename, const char *src, size_t len, k6c__buf *out);

/* Statistics for tests and benchmarks. */
typedef struct k6c__lower_stats {
	unsigned cache_hits, cache_misses;
	double transpiler_load_ms, transform_ms;
} k6c__lower_stats;
void k6c__lowerer_stats(const k6c__lowerer *l, k6c__lower_stats *out);

/* The run-time support every VU needs (polyfills: Map/Set/WeakMap, Promise
 * with a job queue, iterators, Array/Object/String gap fillers, Reflect
 * fixes), split into chunks installed only when the lowered code mentions
 * them. Returns the JS source of the chunks that the given lowered modules
 * need (deterministic order, with dependencies). The Promise chunk defines
 * the global function __k6c_drain_jobs(), which runs queued reactions and
 * returns how many ran, and __k6c_take_unhandled(), which returns (and
 * forgets) the reasons of rejections still unhandled when the queue ran dry
 * (at most 32). */
int k6c__prelude_for(const char *const *lowered, const size_t *lens, size_t n, k6c__buf *out);

#endif /* K6C_ENGINE_LOWER_H */
