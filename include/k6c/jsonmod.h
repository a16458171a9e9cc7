/*
 * k6c/jsonmod.h - native modules whose functions take and return JSON.
 *
 * A JSON module is a `k6/x/<name>` module made of plain C callbacks that
 * never touch Duktape: the arguments of each call arrive as the JSON text
 * of an array, and the result goes back as JSON text. It is what language
 * bindings build on (the Python binding's k6c.Module is one), and what a C
 * host uses when it wants a few functions without learning Duktape's stack
 * API (k6c/module.h is the full native module API).
 *
 * The JavaScript side sees an ordinary module: `import py from 'k6/x/py'`
 * gives an object whose functions are the ones registered (it is also the
 * default export), and each function returns the decoded result or throws.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_JSONMOD_H
#define K6C_JSONMOD_H

#include "common.h"
#include "test.h"

K6C_BEGIN_DECL

/**
 * k6c_json_call - one call of a JSON module function in progress.
 *
 * Opaque; valid only during the k6c_json_fn call it is passed to.
 *
 * Since: 0.1
 */
typedef struct k6c_json_call k6c_json_call;

/**
 * k6c_json_fn - a JSON module function.
 * @call: the call; pass it to k6c_json_call_return() or
 *        k6c_json_call_throw().
 * @args: the JSON text of the arguments as an array, e.g. `[2,"x",null]`,
 *        NUL-terminated; borrowed for the duration of the call. The
 *        arguments are converted as JSON.stringify() does: `undefined`
 *        and functions inside the array become `null`, Dates become
 *        strings. Arguments that JSON.stringify() refuses (a cyclic
 *        object, a BigInt) make the script's call throw a TypeError before
 *        the function is called.
 * @len: the length of @args in bytes.
 * @payload: the payload of the function's k6c_json_fn_def.
 *
 * The function runs on the VU's worker thread, synchronously: while it
 * runs, the other VUs of that worker wait. Functions of one module are
 * called from several worker threads at once, so they must be thread-safe.
 *
 * Return: 0 for success: the script gets the value set with
 * k6c_json_call_return(), or `undefined` if none was set. Nonzero makes the
 * script's call throw an Error whose message is the one given to
 * k6c_json_call_throw(), or "k6/x/<name>.<fn> failed" if none was given.
 * Thread: a worker thread of the test (the VU's).
 *
 * Since: 0.1
 */
typedef int (*k6c_json_fn)(k6c_json_call *call, const char *args, size_t len, void *payload);

/**
 * k6c_json_fn_def - one function of a JSON module.
 * @name: its JavaScript name (an identifier: letters, digits, '_' or '$',
 *        not starting with a digit).
 * @fn: the function.
 * @payload: passed to @fn; owned by the caller, and must stay valid until
 *           the test is freed.
 *
 * Since: 0.1
 */
typedef struct k6c_json_fn_def {
	const char *name;
	k6c_json_fn fn;
	void *payload;
} k6c_json_fn_def;

/**
 * k6c_test_register_json_module() - add a JSON module to one test.
 * @test: the test (not running).
 * @name: the module's name, "k6/x/<name>" as k6c_module_def's name; copied.
 * @fns: its functions; the array and the names are copied, the payloads
 *       are borrowed.
 * @nfns: the number of entries in @fns (0 makes a module with no
 *        functions).
 *
 * Return: 0; K6C_EINVAL (NULL @test or @name, NULL @fns with @nfns > 0, a
 * malformed module or function name, a function without @fn, or the same
 * function name twice); K6C_ECONFIG (a module of that name is already
 * registered, in the process or in the test); K6C_ESTATE (the test is
 * running); K6C_ENOMEM. The message, naming the module, is in
 * k6c_error_last().
 * Thread: the test's owner thread.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_test_register_json_module(k6c_test *test, const char *name,
	const k6c_json_fn_def *fns, size_t nfns);

/**
 * k6c_json_call_return() - set the value a JSON module function returns.
 * @call: the call in progress.
 * @json: the JSON text of the value; borrowed for the call. It need not be
 *        NUL-terminated.
 * @len: its length in bytes.
 *
 * The text is decoded at once with JSON.parse(); a later call replaces the
 * value.
 *
 * Return: 0; K6C_EINVAL (NULL @call or @json, or text that is not JSON:
 * the message, with JSON.parse()'s reason, is in k6c_error_last(), and the
 * value is left as it was); K6C_ENOMEM.
 * Thread: the thread running the k6c_json_fn, during the call.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_json_call_return(k6c_json_call *call, const char *json, size_t len);

/**
 * k6c_json_call_throw() - set the message of the Error a failing JSON
 * module function throws.
 * @call: the call in progress.
 * @message: the message, NUL-terminated; copied. A later call replaces it.
 *
 * Only the message is set; the function must still return nonzero for the
 * script to see the Error.
 *
 * Return: 0; K6C_EINVAL (NULL argument); K6C_ENOMEM.
 * Thread: the thread running the k6c_json_fn, during the call.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_json_call_throw(k6c_json_call *call, const char *message);

/**
 * k6c_json_call_vu_id() - the calling VU's id, as `__VU` (0 in the init
 * context of the options-reading VU, see k6c/module.h).
 * @call: the call in progress.
 *
 * Return: the id; 0 for NULL @call.
 * Thread: the thread running the k6c_json_fn, during the call.
 *
 * Since: 0.1
 */
K6C_EXTERN(uint64_t) k6c_json_call_vu_id(const k6c_json_call *call);

/**
 * k6c_json_call_in_init() - whether the call happens in the VU's init
 * context (module scope code) rather than in setup, an iteration or
 * teardown.
 * @call: the call in progress.
 *
 * Return: 1 in init, 0 otherwise or for NULL @call.
 * Thread: the thread running the k6c_json_fn, during the call.
 *
 * Since: 0.1
 */
K6C_EXTERN(int) k6c_json_call_in_init(const k6c_json_call *call);

K6C_END_DECL

#endif /* K6C_JSONMOD_H */
