/*
 * jsonmod.c - JSON modules (include/k6c/jsonmod.h): a k6/x module built
 * from plain C callbacks that see their arguments as JSON text and answer
 * with JSON text, for language bindings that must not touch Duktape.
 *
 * Each JSON module is an ordinary native module (k6c/module.h) whose
 * definition and function table the test owns. Its vu_init makes one
 * Duktape function per entry, all sharing one trampoline that finds its
 * entry through the function's data pointer (k6c_mod_put_functions).
 *
 * Nothing a callback does may make Duktape throw past it: a binding's
 * callback can have frames of another runtime (Python's ctypes) on the C
 * stack, which a longjmp must never cross. So the trampoline calls the
 * callback only with nothing left to do that could throw before it
 * returns, and k6c_json_call_return() decodes inside duk_safe_call().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k6c.h"
#include "k6c/module.h"

#include "api/api_int.h"
#include "util/util.h"

struct k6c_json_call {
	duk_context *ctx;
	k6c_vu *vu;
	duk_idx_t result;       /* stack index of the decoded result, or -1 */
	char *message;          /* k6c_json_call_throw's, owned */
};

typedef struct jm_fn {
	char *name;
	k6c_json_fn fn;
	void *payload;
	const struct jm_module *module;
} jm_fn;

typedef struct jm_module {
	k6c_module_def def;     /* def.name is name below */
	char *name;
	jm_fn *fns;
	size_t nfns;
} jm_module;

static void jm_free(void *p)
{
	jm_module *m = p;

	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfns; i++)
		k6c__free(m->fns[i].name);
	k6c__free(m->fns);
	k6c__free(m->name);
	k6c__free(m);
}

/* The message of the Error at the top of the stack, copied into buf. */
static void error_message(duk_context *ctx, char *buf, size_t size)
{
	snprintf(buf, size, "%s", duk_safe_to_string(ctx, -1));
}

static duk_ret_t jm_trampoline(duk_context *ctx)
{
	const jm_fn *f = k6c_mod_data(ctx);
	duk_idx_t nargs = duk_get_top(ctx);
	k6c_json_call call;
	const char *args;
	duk_size_t len;
	char msg[1024];
	int rc;

	/* The arguments as one array, encoded as JSON.stringify() does; a
	 * cyclic argument throws its TypeError here, before the callback. */
	duk_push_array(ctx);
	for (duk_idx_t i = 0; i < nargs; i++) {
		duk_dup(ctx, i);
		duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
	}
	duk_json_encode(ctx, -1);
	args = duk_get_lstring(ctx, -1, &len);

	call.ctx = ctx;
	call.vu = k6c_vu_from_ctx(ctx);
	call.result = -1;
	call.message = NULL;
	rc = f->fn(&call, args, (size_t)len, f->payload);
	if (rc != 0) {
		/* Copied to the C stack, so the heap copy is freed before the
		 * throw, which does not return. */
		if (call.message != NULL)
			snprintf(msg, sizeof(msg), "%s", call.message);
		else
			snprintf(msg, sizeof(msg), "%s.%s failed", f->module->name, f->name);
		k6c__free(call.message);
		k6c_mod_throw(ctx, "%s", msg);
		return 0;
	}
	k6c__free(call.message);
	if (call.result < 0)
		return 0;
	duk_dup(ctx, call.result);
	return 1;
}

static void jm_vu_init(duk_context *ctx, k6c_vu *vu, void *payload, void *test_state,
	void **vu_state)
{
	const jm_module *m = payload;

	(void)vu;
	(void)test_state;
	(void)vu_state;
	duk_push_object(ctx);
	/* Put one at a time: each function's data pointer is its own entry,
	 * which the shared trampoline reads back with k6c_mod_data(). */
	for (size_t i = 0; i < m->nfns; i++) {
		k6c_mod_fn one[2] = {
			{ m->fns[i].name, jm_trampoline, DUK_VARARGS },
			{ NULL, NULL, 0 }
		};

		k6c_mod_put_functions(ctx, -1, one, (void *)&m->fns[i]);
	}
}

/* A JavaScript identifier made of ASCII: letters, digits, '_' or '$', not
 * starting with a digit. */
static bool valid_identifier(const char *s)
{
	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '_' || c == '$'))
			return false;
	}
	return true;
}

#define FN "k6c_test_register_json_module"

static int check_fns(const char *name, const k6c_json_fn_def *fns, size_t nfns)
{
	if (fns == NULL && nfns > 0)
		return k6c__error(K6C_EINVAL, FN ": module %s: no function table", name);
	for (size_t i = 0; i < nfns; i++) {
		if (fns[i].name == NULL || !valid_identifier(fns[i].name))
			return k6c__error(K6C_EINVAL, FN ": module %s: function %zu has an invalid "
				"name \"%s\" (letters, digits, '_' or '$', not starting with a digit)",
				name, i, fns[i].name ? fns[i].name : "(null)");
		if (fns[i].fn == NULL)
			return k6c__error(K6C_EINVAL, FN ": module %s: function %s has no callback",
				name, fns[i].name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(fns[i].name, fns[j].name) == 0)
				return k6c__error(K6C_EINVAL, FN ": module %s: function %s is given "
					"twice", name, fns[i].name);
	}
	return 0;
}

K6C_EXTERN(int) k6c_test_register_json_module(k6c_test *test, const char *name,
	const k6c_json_fn_def *fns, size_t nfns)
{
	jm_module *m;
	int rc;

	if (test == NULL)
		return k6c__error(K6C_EINVAL, FN ": test is NULL");
	if (name == NULL)
		return k6c__error(K6C_EINVAL, FN ": the module has no name");
	rc = k6c__test_check_idle(test, FN);
	if (rc == 0)
		rc = check_fns(name, fns, nfns);
	if (rc != 0)
		return rc;

	m = k6c__calloc(1, sizeof(*m));
	if (m == NULL)
		return k6c__error(K6C_ENOMEM, FN ": out of memory");
	m->name = k6c__strdup(name);
	m->fns = k6c__calloc(nfns + 1, sizeof(*m->fns));
	if (m->name == NULL || m->fns == NULL) {
		jm_free(m);
		return k6c__error(K6C_ENOMEM, FN ": out of memory");
	}
	for (size_t i = 0; i < nfns; i++) {
		m->fns[i].name = k6c__strdup(fns[i].name);
		if (m->fns[i].name == NULL) {
			m->nfns = i;
			jm_free(m);
			return k6c__error(K6C_ENOMEM, FN ": out of memory");
		}
		m->fns[i].fn = fns[i].fn;
		m->fns[i].payload = fns[i].payload;
		m->fns[i].module = m;
	}
	m->nfns = nfns;
	m->def.abi = K6C_MODULE_ABI;
	m->def.name = m->name;
	m->def.vu_init = jm_vu_init;
	/* The name, ABI and clashes are checked there, as for any module. */
	return k6c__test_add_owned_xmod(test, FN, &m->def, m, jm_free);
}

typedef struct text {
	const char *p;
	size_t len;
} text;

static duk_ret_t decode(duk_context *ctx, void *udata)
{
	const text *in = udata;

	duk_push_lstring(ctx, in->p, in->len);
	duk_json_decode(ctx, -1);
	return 1;
}

K6C_EXTERN(int) k6c_json_call_return(k6c_json_call *call, const char *json, size_t len)
{
	text in;
	char msg[512];

	if (call == NULL || json == NULL)
		return k6c__error(K6C_EINVAL, "k6c_json_call_return: %s is NULL",
			call == NULL ? "call" : "json");
	in.p = json;
	in.len = len;
	/* duk_safe_call() itself throws if the value stack has no room for
	 * its result; duk_check_stack() asks for the room without throwing. */
	if (!duk_check_stack(call->ctx, 2))
		return k6c__error(K6C_ENOMEM, "k6c_json_call_return: out of memory");
	if (duk_safe_call(call->ctx, decode, &in, 0, 1) != DUK_EXEC_SUCCESS) {
		error_message(call->ctx, msg, sizeof(msg));
		duk_pop(call->ctx);
		return k6c__error(K6C_EINVAL, "k6c_json_call_return: not JSON: %s", msg);
	}
	if (call->result >= 0)
		duk_replace(call->ctx, call->result);
	else
		call->result = duk_get_top_index(call->ctx);
	return 0;
}

K6C_EXTERN(int) k6c_json_call_throw(k6c_json_call *call, const char *message)
{
	char *copy;

	if (call == NULL || message == NULL)
		return k6c__error(K6C_EINVAL, "k6c_json_call_throw: %s is NULL",
			call == NULL ? "call" : "message");
	copy = k6c__strdup(message);
	if (copy == NULL)
		return k6c__error(K6C_ENOMEM, "k6c_json_call_throw: out of memory");
	k6c__free(call->message);
	call->message = copy;
	return 0;
}

K6C_EXTERN(uint64_t) k6c_json_call_vu_id(const k6c_json_call *call)
{
	return call != NULL && call->vu != NULL ? k6c_vu_id(call->vu) : 0;
}

K6C_EXTERN(int) k6c_json_call_in_init(const k6c_json_call *call)
{
	return call != NULL && call->vu != NULL ? k6c_vu_in_init(call->vu) : 0;
}
