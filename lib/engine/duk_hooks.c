/*
 * duk_hooks.c - the callbacks compiled into libk6c's Duktape build
 * (interrupt check and native stack check), kept apart from lib/sched so the
 * lowering library and its build-time tools link without the scheduler.
 */
#include "engine/duk_hooks.h"

#include <stddef.h>

int (*k6c__duk_stack_low_fn)(void) = NULL;

int k6c__duk_exec_timeout(void *udata)
{
	const struct k6c__duk_udata *u = udata;

	if (u == NULL || u->interrupt == NULL)
		return 0;
	return u->interrupt(u->arg) ? 1 : 0;
}

int k6c__duk_native_stack_check(void)
{
	int (*fn)(void) = k6c__duk_stack_low_fn;

	return fn != NULL ? fn() : 0;
}
