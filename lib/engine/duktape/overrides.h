/*
 * libk6c's Duktape configuration: appended by tools/duk_config.py after the
 * __OVERRIDE_DEFINES__ marker of a build-directory copy of duk_config.h.
 * Each choice is explained in /work/shared/reference/duktape-notes.md and
 * measured in lib/engine's report; this file is plain C preprocessor text.
 */

/* The VM stops a VU (test abort, iteration timeout) from the bytecode
 * executor's interrupt hook. heap_udata is a struct k6c__duk_udata
 * (lib/engine/duk_hooks.h). */
#define DUK_USE_INTERRUPT_COUNTER
int k6c__duk_exec_timeout(void *udata);
#undef DUK_USE_EXEC_TIMEOUT_CHECK
#define DUK_USE_EXEC_TIMEOUT_CHECK(udata) k6c__duk_exec_timeout((udata))

/* VUs run on small coroutine stacks; running low turns into a RangeError
 * instead of a fault on the guard page. */
int k6c__duk_native_stack_check(void);
#undef DUK_USE_NATIVE_STACK_CHECK
#define DUK_USE_NATIVE_STACK_CHECK() k6c__duk_native_stack_check()

/* Built-in functions as lightfuncs: about -40 KiB per heap. */
#define DUK_USE_LIGHTFUNC_BUILTINS

/* The "lowmem" set: a further -15..-35 KiB per heap (see the report for
 * what it costs the transpiler). */
#undef DUK_USE_HOBJECT_HASH_PART
#undef DUK_USE_CACHE_ACTIVATION
#undef DUK_USE_CACHE_CATCHER
#undef DUK_USE_LITCACHE_SIZE
#undef DUK_USE_REGEXP_CANON_BITMAP
#undef DUK_USE_STRTAB_MINSIZE
#define DUK_USE_STRTAB_MINSIZE 64

/* The compiler has no native stack check, so bound its recursion; the
 * regexp executor gets a lower bound too (each level of a quantified group
 * costs about 0.6 KiB of C stack). */
#undef DUK_USE_COMPILER_RECLIMIT
#define DUK_USE_COMPILER_RECLIMIT 1000
#undef DUK_USE_REGEXP_EXECUTOR_RECLIMIT
#define DUK_USE_REGEXP_EXECUTOR_RECLIMIT 5000
