/*
 * k6c/module.h - native JavaScript modules under `k6/x/<name>` and plugins.
 *
 * What k6 needs xk6 and a custom-built binary for, a libk6c host does at run
 * time: it registers a module named `k6/x/<name>` (for the process or for
 * one test), and a script's `import x from 'k6/x/<name>'` gets the exports
 * the module builds in that VU's JavaScript heap.
 *
 * This header exposes Duktape, libk6c's JavaScript engine: the module
 * builds its exports and reads its arguments with the Duktape API
 * (https://duktape.org/api.html). It includes libk6c's own build of
 * Duktape's headers (installed as k6c/duktape/duktape.h, configured as
 * libk6c's engine is), and libk6c.so exports the duk_* functions, so a
 * module links with libk6c only. Do not link another Duktape into the same
 * program. That is why this header is not part of the umbrella k6c.h.
 *
 * Life of a module in one test:
 *  1. test_init (optional): once per test, when the test loads and its
 *     module graph imports the module, before any init code runs. It makes
 *     the per-test state shared by every VU (which must be thread-safe:
 *     VUs run on several worker threads).
 *  2. vu_init: once per VU whose init code imports the module (every VU
 *     does, as init code runs in each VU), in that VU's heap, on that VU's
 *     thread. It pushes the exports object and may keep per-VU state.
 *     VU 0, the heap libk6c runs first to read the script's options, also
 *     imports it (k6c_vu_id() is then 0 and k6c_vu_scenario() "").
 *  3. vu_free: when that VU is freed (end of test, or its init failed).
 *  4. test_free: at the end of the test, after every VU is freed.
 *
 * Threads. A VU runs on one worker thread for its whole life; its
 * duk_context and the k6c_vu functions may only be used on it, from the
 * module's native functions (and vu_init/vu_free) while the VU runs them.
 * Functions that say "any thread" are the exceptions.
 *
 * Errors. A native function reports an error by throwing a JavaScript
 * exception (k6c_mod_throw(), duk_error()), which unwinds with longjmp:
 * check every argument before acquiring anything, or use the VU's
 * finalizer-owned objects, so nothing leaks (STYLE.md).
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_MODULE_H
#define K6C_MODULE_H

#include "common.h"
#include "metric.h"
#include "test.h"
#include "k6c/duktape/duktape.h"

K6C_BEGIN_DECL

/**
 * K6C_MODULE_ABI - the version of the module and plugin ABI this header
 * describes; bumped on any incompatible change to k6c_module_def, the
 * plugin entry point or the Duktape configuration.
 *
 * Since: 0.1
 */
#define K6C_MODULE_ABI 1

/**
 * k6c_vu - one virtual user as a native module sees it (k6's modules.VU).
 *
 * Opaque; owned by libk6c, valid from the module's vu_init to its vu_free,
 * on the VU's thread.
 *
 * Since: 0.1
 */
typedef struct k6c_vu k6c_vu;

/**
 * k6c_module_def - a native module. Static data, usually a const global.
 * @abi: K6C_MODULE_ABI.
 * @name: "k6/x/<name>": after the prefix, 1 to 100 bytes of letters,
 *        digits and "-_./", not starting or ending with '/'.
 * @test_init: optional. Creates the per-test state into *@test_state
 *             (initially NULL). Return 0, or nonzero to fail the test's
 *             load (exit code 107, k6's for an init error) with the
 *             message of k6c_mod_set_error() if it set one.
 *             Thread: the thread that runs the test.
 * @test_free: optional. Frees the per-test state; called once after every
 *             VU was freed, also when the run failed, if test_init ran
 *             (whatever it returned). Thread: the thread that runs the test.
 * @vu_init: required. Runs when a VU's init code first imports the module,
 *           in the VU's init context. Must leave exactly one value on the
 *           Duktape stack: the exports (an object; its `default` property,
 *           if any, is the default export, else the object itself is, as
 *           with k6's modules). May set *@vu_state (initially NULL) to
 *           per-VU data. To fail, throw (k6c_mod_throw()): the script sees
 *           the exception at its import, as init errors.
 *           Thread: the VU's.
 * @vu_free: optional. Frees the per-VU state when the VU is freed (its
 *           heap still exists; do not call into it). Called only if
 *           vu_init returned normally. Thread: the VU's.
 *
 * Both *_init get the payload given at registration.
 *
 * Since: 0.1
 */
typedef struct k6c_module_def {
	unsigned abi;
	const char *name;
	int (*test_init)(void *payload, void **test_state);
	void (*test_free)(void *payload, void *test_state);
	void (*vu_init)(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
		void **vu_state);
	void (*vu_free)(k6c_vu *vu, void *payload, void *test_state, void *vu_state);
} k6c_module_def;

/**
 * k6c_module_register() - make a native module available to every test of
 * the process.
 * @def: the module; borrowed, must stay valid for the life of the process.
 * @payload: passed to its callbacks; owned by the caller, same lifetime.
 *
 * Return: 0; K6C_EINVAL (NULL @def, no vu_init, a name that does not start
 * with "k6/x/" or is malformed); K6C_ENOTSUP (@def->abi is not
 * K6C_MODULE_ABI); K6C_ECONFIG (a module of that name is already
 * registered); K6C_ENOMEM. The message, naming the module, is in
 * k6c_error_last().
 * Thread: any (registrations are serialised by a lock); tests already
 * running do not see a module registered after they loaded.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_module_register(const k6c_module_def *def, void *payload);

/**
 * k6c_test_register_module() - make a native module available to one test.
 * @test: the test (not running).
 * @def: the module; borrowed, must stay valid until @test is freed.
 * @payload: passed to its callbacks; owned by the caller, same lifetime.
 *
 * A test's module may not have the name of a process-wide one.
 *
 * Return: as k6c_module_register(), plus K6C_ESTATE (the test is running).
 * Thread: the test's owner thread.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_register_module(k6c_test *test, const k6c_module_def *def,
	void *payload);

/**
 * k6c_mod_set_error() - the message of a failing test_init.
 * @fmt: printf-style format, then its arguments.
 *
 * Return: 0. Thread: the test_init's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_mod_set_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* ---- The VU ---------------------------------------------------------- */

/**
 * k6c_vu_from_ctx() - the VU a Duktape context belongs to.
 * @ctx: a VU's context, as passed to a native function.
 *
 * Return: the VU, or NULL for a context that is not a libk6c VU's.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(k6c_vu *) k6c_vu_from_ctx(duk_context *ctx);

/**
 * k6c_vu_ctx() - the VU's Duktape context (k6's Runtime()).
 * @vu: the VU.
 *
 * Return: its context. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(duk_context *) k6c_vu_ctx(k6c_vu *vu);

/**
 * k6c_vu_in_init() - whether the VU runs its init context now.
 * @vu: the VU.
 *
 * Return: 1 in the init context, 0 otherwise (setup, iterations, teardown,
 * handleSummary). Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_in_init(const k6c_vu *vu);

/**
 * k6c_vu_id() - the VU's number in this instance (exec.vu.idInInstance).
 * @vu: the VU.
 *
 * Return: 1-based; 0 for the VU that runs setup and teardown and for the
 * options-reading VU 0. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(uint64_t) k6c_vu_id(const k6c_vu *vu);

/**
 * k6c_vu_id_in_test() - the VU's number in the whole test across execution
 * segments (exec.vu.idInTest).
 * @vu: the VU.
 *
 * Return: as k6c_vu_id() but global. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(uint64_t) k6c_vu_id_in_test(const k6c_vu *vu);

/**
 * k6c_vu_iteration() - the VU's current iteration (exec.vu.iterationInInstance,
 * k6's __ITER).
 * @vu: the VU.
 *
 * Return: 0-based; 0 in the init context. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(uint64_t) k6c_vu_iteration(const k6c_vu *vu);

/**
 * k6c_vu_scenario() - the name of the scenario the VU runs.
 * @vu: the VU.
 *
 * Return: the name (owned by the test, valid until the VU's next
 * iteration), or "" outside a scenario (init, setup, teardown).
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_vu_scenario(const k6c_vu *vu);

/**
 * k6c_vu_env() - a variable of the script's environment (__ENV).
 * @vu: the VU.
 * @key: the name.
 *
 * Return: the value (owned by the test, valid for the run), or NULL if
 * unset. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_vu_env(const k6c_vu *vu, const char *key);

/**
 * k6c_vu_tags() - the tags the VU's next sample would carry: the `tags`
 * option, the scenario's tags, `scenario`, exec.vu.tags changes and `group`.
 * @vu: the VU.
 * @out: receives an array of tags, owned by the VU, valid until the next
 *       call of a k6c_vu_* function or of JavaScript on the VU.
 *
 * Return: the number of tags (0 with *@out NULL when there are none, or
 * when @vu or @out is NULL). Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(size_t) k6c_vu_tags(k6c_vu *vu, const k6c_tag **out);

/**
 * k6c_vu_tag_set() - set or remove a tag of the VU's later samples, as
 * `exec.vu.tags[key] = value` (and `delete`).
 * @vu: the VU.
 * @key: the tag's name; copied.
 * @value: its value, copied; NULL removes the tag.
 *
 * Return: 0; K6C_EINVAL (NULL @vu or @key); K6C_ENOMEM. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_tag_set(k6c_vu *vu, const char *key, const char *value);

/**
 * k6c_vu_metadata_set() - set or remove a metadata entry of the VU's later
 * samples, as `exec.vu.metrics.metadata[key] = value`.
 * @vu: the VU.
 * @key: copied.
 * @value: copied; NULL removes the entry.
 *
 * Return: 0; K6C_EINVAL; K6C_ENOMEM. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_metadata_set(k6c_vu *vu, const char *key, const char *value);

/**
 * k6c_vu_log() - log a line through the test's log callback, as console.log
 * in this VU would.
 * @vu: the VU.
 * @level: severity.
 * @message: the line; borrowed.
 *
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_vu_log(k6c_vu *vu, k6c_log_level level, const char *message);

/**
 * k6c_vu_cancelled() - whether the VU's current operation is being cut
 * short (k6's Context().Done()): a hard stop, the end of a gracefulStop, a
 * test abort.
 * @vu: the VU.
 *
 * A native function that loops should check it and return.
 *
 * Return: 1 if cancelled, 0 otherwise. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_cancelled(const k6c_vu *vu);

/* ---- Metrics ----------------------------------------------------------- */

/**
 * k6c_vu_metric() - define a custom metric, or find it (k6's
 * InitEnv().Registry.NewMetric).
 * @vu: the VU, in its init context (as k6, metrics are defined there only).
 * @name: k6's rule: ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$.
 * @type: its type.
 * @contains: what its values are.
 * @id: receives the metric's id for k6c_vu_emit(); the same in every VU.
 *
 * Defining an existing metric with the same type and contains (each VU's
 * init does) finds it; this includes the built-in metrics.
 *
 * Return: 0; K6C_EINVAL (a bad name, with k6's message, or NULL argument);
 * K6C_ESTATE (not in the init context); K6C_ECONFIG (the name exists with
 * another type or contains); K6C_ENOMEM. The message is in k6c_error_last().
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_metric(k6c_vu *vu, const char *name, k6c_metric_type type,
	k6c_metric_contains contains, int *id);

/**
 * k6c_vu_emit() - add a sample, tagged with the VU's current tags (see
 * k6c_vu_tags()) plus @tags, with the VU's metadata.
 * @vu: the VU, not in its init context (k6 pushes no samples there).
 * @metric: an id from k6c_vu_metric().
 * @value: the value.
 * @tags: extra tags, overriding the VU's of the same key; the strings are
 *        copied. May be NULL when @ntags is 0.
 * @ntags: number of entries in @tags.
 *
 * The sample gets the current wall-clock time, reaches the summary, the
 * thresholds and every sink. It takes no lock.
 *
 * Return: 0; K6C_EINVAL (unknown metric, NULL @tags with @ntags > 0);
 * K6C_ESTATE (in the init context). Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_emit(k6c_vu *vu, int metric, double value, const k6c_tag *tags,
	size_t ntags);

/* ---- Waiting without blocking the worker -------------------------------- */

/**
 * k6c_vu_wait_fd() - suspend the VU until a file descriptor is ready.
 * @vu: the VU, running a native function called from JavaScript (not its
 *      vu_init or vu_free).
 * @fd: the descriptor (the module keeps owning it); must not be watched by
 *      anything else on the worker meanwhile.
 * @events: K6C_WAIT_READ, K6C_WAIT_WRITE or both.
 * @timeout_ms: at most this long; negative for no limit.
 * @revents: receives the events that are ready (may be NULL).
 *
 * The worker's event loop runs the other VUs meanwhile, so a module doing
 * its own network I/O yields to them instead of blocking the thread (what
 * a goroutine blocking in Go does in k6).
 *
 * Return: 0 when ready; K6C_EIO on a timeout (*@revents 0); K6C_EABORTED
 * when the VU is cut short (a hard stop, test abort): return from the
 * native function quickly, freeing what you hold; K6C_ESTATE where the VU
 * cannot suspend (vu_init of the options-reading VU 0, which has no event
 * loop); K6C_EINVAL (bad @fd or @events); K6C_ENOMEM.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_wait_fd(k6c_vu *vu, int fd, unsigned events, int64_t timeout_ms,
	unsigned *revents);

/**
 * K6C_WAIT_READ - k6c_vu_wait_fd(): wait until @fd is readable.
 *
 * Since: 0.1
 */
#define K6C_WAIT_READ 1u

/**
 * K6C_WAIT_WRITE - k6c_vu_wait_fd(): wait until @fd is writable.
 *
 * Since: 0.1
 */
#define K6C_WAIT_WRITE 2u

/**
 * k6c_vu_sleep() - suspend the VU for a time, as k6's sleep().
 * @vu: the VU, as for k6c_vu_wait_fd().
 * @ms: milliseconds (0 yields to the other VUs once).
 *
 * Return: 0; K6C_EABORTED, K6C_ESTATE, K6C_EINVAL (negative or NaN @ms) as
 * for k6c_vu_wait_fd(). Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_vu_sleep(k6c_vu *vu, double ms);

/* ---- Promises (asynchronous JavaScript APIs) ---------------------------- */

/**
 * k6c_promise - a pending Promise a native function returned, settled
 * later from C (k6's RegisterCallback with a promise).
 *
 * Opaque; created by k6c_promise_new(), released by k6c_promise_settle(),
 * which must be called exactly once for each.
 *
 * Since: 0.1
 */
typedef struct k6c_promise k6c_promise;

/**
 * k6c_promise_fn - produces a promise's outcome on the VU.
 * @ctx: the VU's context, or NULL when the promise was abandoned (the VU's
 *       iteration or the test ended first): then only free @arg.
 * @arg: the argument given to k6c_promise_settle(); the function owns it.
 *
 * With a context, push exactly one value and return 0 to resolve the
 * promise with it, or nonzero to reject it with it. A throw rejects the
 * promise with the error thrown.
 *
 * Thread: the VU's (with a context); without one, the thread that called
 * k6c_promise_settle(), or the VU's when the VU ended after the settle
 * but before the outcome could run.
 *
 * Since: 0.1
 */
typedef int (*k6c_promise_fn)(duk_context *ctx, void *arg);

/**
 * k6c_promise_new() - create a pending Promise and push it.
 * @ctx: the VU's context, in a native function called from JavaScript.
 *
 * [ ... ] -> [ ... promise ]. The VU's event loop stays alive (the iteration
 * does not end) until the promise is settled and its outcome ran.
 *
 * Return: the handle, or NULL (with nothing pushed) on a context that is
 * not a VU's. Throws a JavaScript error when out of memory.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(k6c_promise *) k6c_promise_new(duk_context *ctx);

/**
 * k6c_promise_settle() - settle a promise, from any thread.
 * @p: the promise; released by this call.
 * @fn: called later on the VU (or at once with a NULL context if the
 *      promise was abandoned) to produce the outcome; see k6c_promise_fn.
 * @arg: passed to @fn, which owns it from now on.
 *
 * Return: 0; K6C_EINVAL for a NULL @p or @fn (nothing is released).
 * Thread: any, including a thread of the module's own; @fn is called exactly
 * once.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_promise_settle(k6c_promise *p, k6c_promise_fn fn, void *arg);

/* ---- Helpers for native functions --------------------------------------- */

/**
 * k6c_mod_fn - one native function to export.
 * @name: the JavaScript name.
 * @fn: the Duktape function.
 * @nargs: its argument count (DUK_VARARGS for any).
 *
 * Since: 0.1
 */
typedef struct k6c_mod_fn {
	const char *name;
	duk_c_function fn;
	duk_idx_t nargs;
} k6c_mod_fn;

/**
 * k6c_mod_put_functions() - put functions on an object, each carrying a
 * data pointer.
 * @ctx: the VU's context.
 * @obj: index of the object.
 * @fns: the functions, ended by an entry with a NULL name; borrowed.
 * @data: returned by k6c_mod_data() inside each of them; not owned.
 *
 * Throws on out-of-memory. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_mod_put_functions(duk_context *ctx, duk_idx_t obj, const k6c_mod_fn *fns,
	void *data);

/**
 * k6c_mod_data() - the data pointer of the running native function.
 * @ctx: the VU's context, inside a function put with
 *       k6c_mod_put_functions().
 *
 * Return: the pointer, or NULL. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void *) k6c_mod_data(duk_context *ctx);

/**
 * k6c_mod_push_object() - push a new object that owns a C pointer.
 * @ctx: the VU's context.
 * @data: the pointer; owned by the object from now on (also if this
 *        function throws, in which case @finalize is called at once).
 * @finalize: called with @data when the object is garbage-collected or
 *            the VU's heap is destroyed (on the VU's thread; do not call
 *            into Duktape from it). The heap is destroyed after the
 *            modules' vu_free: @finalize must not use per-VU state.
 *            May be NULL.
 *
 * [ ... ] -> [ ... object ]. Throws on out-of-memory.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_mod_push_object(duk_context *ctx, void *data, void (*finalize)(void *data));

/**
 * k6c_mod_object_data() - the pointer an object pushed with
 * k6c_mod_push_object() owns.
 * @ctx: the VU's context.
 * @idx: the object's index; DUK_INVALID_INDEX for `this`.
 * @what: names the expected object in the TypeError thrown otherwise
 *        (e.g. "Database").
 *
 * Return: the pointer; throws a TypeError naming @what if the value is not
 * such an object (or its pointer was cleared with k6c_mod_object_clear()).
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void *) k6c_mod_object_data(duk_context *ctx, duk_idx_t idx, const char *what);

/**
 * k6c_mod_object_clear() - take the pointer back from such an object (a
 * close()): its finalizer will not be called, later k6c_mod_object_data()
 * calls throw.
 * @ctx: the VU's context.
 * @idx: the object's index; DUK_INVALID_INDEX for `this`.
 *
 * Return: the pointer (now owned by the caller), or NULL if there was none.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void *) k6c_mod_object_clear(duk_context *ctx, duk_idx_t idx);

/**
 * k6c_mod_arg_string() - an argument that must be a string, as UTF-8.
 * @ctx: the VU's context.
 * @idx: the argument's index.
 * @fn: the function's JavaScript name, for the error.
 * @param: the parameter's name, for the error.
 * @len: receives the length in bytes (may be NULL).
 *
 * Return: the string, valid while the value stays on the stack; throws a
 * TypeError "<fn>: <param> must be a string, not <type>" otherwise.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_mod_arg_string(duk_context *ctx, duk_idx_t idx, const char *fn,
	const char *param, size_t *len);

/**
 * k6c_mod_arg_number() - an argument that must be a number.
 * @ctx, @idx, @fn, @param: as for k6c_mod_arg_string().
 *
 * Return: the number; throws a TypeError naming @fn and @param otherwise.
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(double) k6c_mod_arg_number(duk_context *ctx, duk_idx_t idx, const char *fn,
	const char *param);

/**
 * k6c_mod_arg_bytes() - an argument holding bytes: a string (as UTF-8),
 * an ArrayBuffer, a typed array or a DataView.
 * @ctx, @idx, @fn, @param: as for k6c_mod_arg_string().
 * @len: receives the length (may be NULL).
 *
 * Return: the bytes, valid while the value stays on the stack (a
 * converted string is left above the stack's top); throws a TypeError
 * naming @fn and @param otherwise. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(const void *) k6c_mod_arg_bytes(duk_context *ctx, duk_idx_t idx, const char *fn,
	const char *param, size_t *len);

/**
 * k6c_mod_push_string() - push UTF-8 text as a JavaScript string (invalid
 * bytes become U+FFFD, characters outside the BMP surrogate pairs, as k6's
 * conversion from Go strings).
 * @ctx: the VU's context.
 * @s: the text; need not be NUL-terminated.
 * @len: its length in bytes.
 *
 * [ ... ] -> [ ... string ]. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_mod_push_string(duk_context *ctx, const char *s, size_t len);

/**
 * k6c_mod_push_arraybuffer() - push a copy of bytes as an ArrayBuffer.
 * @ctx: the VU's context.
 * @p: the bytes (may be NULL when @len is 0).
 * @len: their count.
 *
 * [ ... ] -> [ ... ArrayBuffer ]. Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_mod_push_arraybuffer(duk_context *ctx, const void *p, size_t len);

/**
 * k6c_mod_throw() - throw a JavaScript Error with a message; does not
 * return.
 * @ctx: the VU's context.
 * @fmt: printf-style format, then its arguments.
 *
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_mod_throw(duk_context *ctx, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((noreturn, format(printf, 2, 3)))
#endif
	;

/**
 * k6c_mod_throw_type() - throw a JavaScript TypeError; does not return.
 * @ctx, @fmt: as for k6c_mod_throw().
 *
 * Thread: the VU's.
 *
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_mod_throw_type(duk_context *ctx, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((noreturn, format(printf, 2, 3)))
#endif
	;

K6C_END_DECL

#endif /* K6C_MODULE_H */
