/*
 * lower.h - turns one ES2015+ module into ES5 CommonJS that Duktape runs.
 * Two engines, each loaded from bytecode built at compile time into a Duktape
 * heap of its own: the fast path (acorn and lib/engine/js/lower/lower.js,
 * line-preserving text edits) and Babel standalone (Debian's
 * node-babel7-standalone, retainLines). Both keep line numbers, so errors
 * point at the user's lines. The fast path declines what it cannot lower
 * faithfully; the mode (K6C_LOWER) says whether Babel then takes over.
 * Results are cached on disk keyed by SHA-256 of the source and of
 * everything that determines the output (engine image, run-time helpers,
 * options), so a second run of the same script starts neither engine.
 */
#ifndef K6C_ENGINE_LOWER_H
#define K6C_ENGINE_LOWER_H

#include "util/util.h"

typedef struct k6c__lowerer k6c__lowerer;

/* How modules are lowered, from the environment variable K6C_LOWER:
 * "auto" (the default): the fast path, and Babel for a module it declines
 * (with an INFO log line "<file>:<line>: lowering with Babel: <reason>");
 * "fast": the fast path only; a module it declines is an error;
 * "babel": Babel only. */
typedef enum k6c__lower_mode {
	K6C__LOWER_BABEL = 0,
	K6C__LOWER_FAST,
	K6C__LOWER_AUTO
} k6c__lower_mode;

/* cache_dir: NULL = default ($K6C_CACHE_DIR, $XDG_CACHE_HOME/k6c,
 * ~/.cache/k6c); "" = no cache. The mode is read from K6C_LOWER (unset or
 * empty: the default). Each engine's heap is created lazily on the first
 * cache miss that needs it and lives until k6c__lowerer_free. Returns 0;
 * K6C_EINVAL naming the variable and the accepted values when K6C_LOWER
 * holds anything else; K6C_ENOMEM. */
int k6c__lowerer_new(k6c__lowerer **out, const char *cache_dir);
void k6c__lowerer_free(k6c__lowerer *l);

/* The mode the lowerer was created with. */
k6c__lower_mode k6c__lowerer_mode(const k6c__lowerer *l);

/* Where the lowerer sends its log lines (level as k6c_log_level; today only
 * the INFO line of a decline in auto mode). NULL (the default) drops them.
 * The message is valid during the call only. */
typedef void (*k6c__lower_log_fn)(int level, const char *message, void *arg);
void k6c__lowerer_set_log(k6c__lowerer *l, k6c__lower_log_fn fn, void *arg);

/* Lowers src (a module; filename used in messages) to the ES5 body of a
 * CommonJS module: code that uses the free variables exports, require and
 * module. Import specifiers appear as require("<specifier>") string literals
 * exactly as written. Fast-path output calls run-time helpers (__k6c_*)
 * that k6c__prelude_for() selects. Return 0; K6C_ESCRIPT with the message
 * "<filename>:<line>:<column>: SyntaxError: <what>" for a syntax error
 * (line and column 1-based, as k6 prints positions; the same from both
 * engines); K6C_ESCRIPT with "<filename>:<line>: the fast lowerer cannot
 * lower this (K6C_LOWER=fast): <reason>" for a decline in fast mode;
 * K6C_ENOMEM; K6C_EINTERNAL if an engine itself failed. */
int k6c__lower(k6c__lowerer *l, const char *filename, const char *src, size_t len, k6c__buf *out);

/* Statistics for tests and benchmarks. transpiler_load_ms and transform_ms
 * are the totals of both engines; the fast_ and babel_ fields split them.
 * lowered_fast/lowered_babel count the modules each engine lowered (cache
 * misses), declines the modules the fast path declined. The heap peaks are
 * the largest number of bytes each engine's heap held at once. */
typedef struct k6c__lower_stats {
	unsigned cache_hits, cache_misses;
	double transpiler_load_ms, transform_ms;
	unsigned lowered_fast, lowered_babel, declines;
	double fast_load_ms, fast_transform_ms, babel_load_ms, babel_transform_ms;
	size_t fast_heap_peak, babel_heap_peak;
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
