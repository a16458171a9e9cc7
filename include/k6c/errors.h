/*
 * k6c/errors.h - error codes and the thread-local last error.
 *
 * Every fallible libk6c function returns an int: 0 on success or one of the
 * negative codes below. A detailed message for the most recent failure on the
 * calling thread is kept by k6c_error_last(). Script exceptions, HTTP errors
 * and failed thresholds are results of a test, not API errors.
 *
 * Copyright (c) libk6c developers. MIT licence, see LICENSE.
 */
#ifndef K6C_ERRORS_H
#define K6C_ERRORS_H

#include "common.h"

K6C_BEGIN_DECL

/**
 * K6C_ERRNO_MAP - the one list of error codes: XX(name, value, message).
 *
 * Since: 0.1
 */
#define K6C_ERRNO_MAP(XX)                                                   \
	XX(NOMEM,    -1, "out of memory")                                   \
	XX(INVAL,    -2, "invalid argument")                                \
	XX(SCRIPT,   -3, "script error")                                    \
	XX(IO,       -4, "input/output error")                              \
	XX(CONFIG,   -5, "invalid configuration")                           \
	XX(STATE,    -6, "operation not allowed in the current state")      \
	XX(NOTFOUND, -7, "not found")                                       \
	XX(INTERNAL, -8, "internal error")                                  \
	XX(NOTSUP,   -9, "not supported")                                   \
	XX(ABORTED, -10, "aborted")

/**
 * k6c_error_code - the negative codes returned by libk6c functions.
 *
 * K6C_OK (0) means success; K6C_E<NAME> come from K6C_ERRNO_MAP.
 *
 * Since: 0.1
 */
typedef enum k6c_error_code {
	K6C_OK = 0,
#define K6C__ERRNO_ENUM(name, value, msg) K6C_E##name = (value),
	K6C_ERRNO_MAP(K6C__ERRNO_ENUM)
#undef K6C__ERRNO_ENUM
	K6C__ERRNO_LAST = -11
} k6c_error_code;

/**
 * k6c_strerror() - a fixed English description of an error code.
 * @code: 0 or a negative k6c_error_code.
 *
 * Return: a static string, never NULL ("unknown error" for unknown codes).
 * Thread: any.
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_strerror(int code);

/**
 * k6c_error_name() - the symbolic name of an error code, e.g. "K6C_EINVAL".
 * @code: 0 or a negative k6c_error_code.
 *
 * Return: a static string, never NULL ("K6C_EUNKNOWN" for unknown codes).
 * Thread: any.
 * Since: 0.1
 */
K6C_EXTERN(const char *) k6c_error_name(int code);

/**
 * k6c_error - the detail of the last failure on a thread.
 * @code: the code the failing function returned.
 * @message: a human-readable message naming what failed (never NULL).
 *
 * Since: 0.1
 */
typedef struct k6c_error {
	int code;
	const char *message;
} k6c_error;

/**
 * k6c_error_last() - the last error recorded on the calling thread.
 *
 * Every libk6c function that returns a negative code records a message here
 * first. Successful calls do not clear it.
 *
 * Return: a borrowed pointer valid until the next libk6c call on this thread,
 * or NULL if no error was recorded on this thread.
 * Thread: any; the error is per thread.
 * Since: 0.1
 */
K6C_EXTERN(const k6c_error *) k6c_error_last(void);

/**
 * k6c_error_clear() - forget the calling thread's last error.
 *
 * Thread: any.
 * Since: 0.1
 */
K6C_EXTERN(void) k6c_error_clear(void);

K6C_END_DECL

#endif /* K6C_ERRORS_H */
