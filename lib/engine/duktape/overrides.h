/*
 * libk6c's Duktape configuration: appended by tools/duk_config.py after the
 * __OVERRIDE_DEFINES__ marker of a build-directory copy of duk_config.h.
 * Each choice was measured (per-VU RSS with 200 heaps, Babel transform
 * time); the numbers are in the comments. Plain C preprocessor text.
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

/* From the "lowmem" set, only what saves memory in every heap at no
 * measurable speed cost: no literal cache (4 KiB per heap, it only speeds
 * up compiling) and a small initial string table (it grows on demand).
 * Together about -9 KiB per heap. Removing the property hash part would
 * save about 5 KiB more but makes lookups in big objects linear: Babel runs
 * 2.3 times slower and a Map with many keys degrades to O(n) per access.
 * CACHE_ACTIVATION/CATCHER cost nothing measurable and speed up calls. */
#undef DUK_USE_LITCACHE_SIZE
#undef DUK_USE_STRTAB_MINSIZE
#define DUK_USE_STRTAB_MINSIZE 64

/* The compiler has no native stack check, so bound its recursion; the
 * regexp executor gets a lower bound too (each level of a quantified group
 * costs about 0.6 KiB of C stack). */
#undef DUK_USE_COMPILER_RECLIMIT
#define DUK_USE_COMPILER_RECLIMIT 1000
#undef DUK_USE_REGEXP_EXECUTOR_RECLIMIT
#define DUK_USE_REGEXP_EXECUTOR_RECLIMIT 5000

/* Duktape's API is part of libk6c's ABI for native modules (k6c/module.h):
 * the duk_* functions keep Duktape's default visibility, so libk6c.so
 * exports them and a module links with libk6c only. libk6c.so is linked
 * with -Bsymbolic-functions, so its own calls always bind to this copy even
 * if the program also carries another Duktape (which it should not). */

/* No tail calls, as in node: every call keeps its frame, so the stack of an
 * exception (and the line k6c reports for it) names the function that threw
 * even when that function returned a call. Lowered code returns calls of its
 * helpers where the source had none (return [...items]). */
#undef DUK_USE_TAILCALL
