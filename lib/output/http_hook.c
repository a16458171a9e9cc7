/*
 * http_hook.c - the hooks of lib/output (output.h): lib/api installs
 * lib/http's blocking request function here, so that network outputs can
 * send over HTTP without including curl.h or linking lib/http, and
 * k6c_output_env for the built-in factories.
 */
#include "output/output.h"

#include <stdatomic.h>
#include <stdio.h>

static _Atomic(k6c__output_http_fn) g_http;

void k6c__output_set_http(k6c__output_http_fn fn)
{
	atomic_store(&g_http, fn);
}

int k6c__output_http(const k6c__output_http_req *req, k6c__output_http_resp *resp)
{
	k6c__output_http_fn fn = atomic_load(&g_http);

	if (!fn) {
		snprintf(resp->error, sizeof(resp->error), "no HTTP client is installed");
		return K6C_ENOTSUP;
	}
	return fn(req, resp);
}

static _Atomic(k6c__output_env_fn) g_env;

void k6c__output_set_env(k6c__output_env_fn fn)
{
	atomic_store(&g_env, fn);
}

static _Atomic(k6c__output_env_at_fn) g_env_at;

void k6c__output_set_env_at(k6c__output_env_at_fn fn)
{
	atomic_store(&g_env_at, fn);
}

const char *k6c__output_env_at(const k6c_output_params *params, size_t i, const char **value)
{
	k6c__output_env_at_fn fn = atomic_load(&g_env_at);

	return fn ? fn(params, i, value) : NULL;
}

const char *k6c__output_env(const k6c_output_params *params, const char *key)
{
	k6c__output_env_fn fn = atomic_load(&g_env);

	return fn ? fn(params, key) : NULL;
}
