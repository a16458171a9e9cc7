/*
 * http_hook.c - the HTTP hook of network outputs (output.h): lib/api
 * installs lib/http's blocking request function here, so that lib/output
 * can send over HTTP without including curl.h or linking lib/http.
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
