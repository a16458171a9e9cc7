/*
 * error.c - error codes and the per-thread last error.
 *
 * Each thread keeps its own {code, message}; the message buffer is owned by
 * the thread and freed by a pthread key destructor when the thread exits, so
 * short-lived threads do not leak it. The public names and descriptions are
 * generated from the single K6C_ERRNO_MAP list.
 */
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The message buffer uses libc malloc rather than k6c__malloc on purpose: it
 * is freed at thread exit, possibly after an allocator hook was changed, and
 * an error report must not itself count as an allocation in OOM tests. */
typedef struct error_state {
	k6c_error err;
	char *msg;        /* owned; err.message points here or to a static string */
	bool set;
	bool registered;  /* the key destructor knows about msg */
} error_state;

static _Thread_local error_state tls_error;
static pthread_key_t error_key;
static pthread_once_t error_key_once = PTHREAD_ONCE_INIT;
static bool error_key_ok;

static void error_key_destroy(void *p)
{
	error_state *st = p;

	free(st->msg);
	st->msg = NULL;
	st->set = false;
}

static void error_key_create(void)
{
	error_key_ok = pthread_key_create(&error_key, error_key_destroy) == 0;
}

K6C_EXTERN(const char *) k6c_strerror(int code)
{
	switch (code) {
	case K6C_OK:
		return "success";
#define K6C__ERR_MSG(name, value, msg) case (value): return msg;
	K6C_ERRNO_MAP(K6C__ERR_MSG)
#undef K6C__ERR_MSG
	default:
		return "unknown error";
	}
}

K6C_EXTERN(const char *) k6c_error_name(int code)
{
	switch (code) {
	case K6C_OK:
		return "K6C_OK";
#define K6C__ERR_NAME(name, value, msg) case (value): return "K6C_E" #name;
	K6C_ERRNO_MAP(K6C__ERR_NAME)
#undef K6C__ERR_NAME
	default:
		return "K6C_EUNKNOWN";
	}
}

int k6c__error(int code, const char *fmt, ...)
{
	error_state *st = &tls_error;
	va_list ap;
	char *msg;
	int n;

	/* Format into a fresh buffer before dropping the old message: callers
	 * often wrap the previous error ("...: %s", k6c_error_last()->message). */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (msg != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (!st->registered) {
		pthread_once(&error_key_once, error_key_create);
		if (error_key_ok && pthread_setspecific(error_key, st) == 0)
			st->registered = true;
	}
	free(st->msg);
	st->msg = msg;
	st->err.code = code;
	/* Out of memory while reporting: fall back to the fixed description. */
	st->err.message = msg != NULL ? msg : k6c_strerror(code);
	st->set = true;
	return code;
}

K6C_EXTERN(const k6c_error *) k6c_error_last(void)
{
	return tls_error.set ? &tls_error.err : NULL;
}

K6C_EXTERN(void) k6c_error_clear(void)
{
	error_state *st = &tls_error;

	free(st->msg);
	st->msg = NULL;
	st->err.code = 0;
	st->err.message = NULL;
	st->set = false;
}
