/*
 * blocking.c - one blocking HTTP request with its own easy handle, for the
 * network outputs' flusher threads (output.h's k6c__output_http_fn, which
 * lib/api installs). Never used on a worker's loop: it blocks its thread
 * for up to the request's timeout.
 */
#include "http/http.h"
#include "output/output.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	k6c__output_http_resp *resp = arg;

	if (k6c__buf_put(&resp->body, data, size * n) != 0)
		return 0;           /* curl reports a write error */
	return size * n;
}

int k6c__http_blocking(const k6c__output_http_req *req, k6c__output_http_resp *resp)
{
	struct curl_slist *hdrs = NULL, *tmp;
	char errbuf[CURL_ERROR_SIZE];
	CURL *h;
	CURLcode cc;
	int rc = 0;

	resp->status = 0;
	resp->error[0] = '\0';
	if (!req || !req->url || !req->method) {
		snprintf(resp->error, sizeof(resp->error), "no URL or method");
		return K6C_EINVAL;
	}
	if (!(h = curl_easy_init())) {
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		return K6C_ENOMEM;
	}
	for (size_t i = 0; i < req->nheaders; i++) {
		if (!(tmp = curl_slist_append(hdrs, req->headers[i]))) {
			curl_slist_free_all(hdrs);
			curl_easy_cleanup(h);
			snprintf(resp->error, sizeof(resp->error), "out of memory");
			return K6C_ENOMEM;
		}
		hdrs = tmp;
	}
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	if (!strcmp(req->method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (req->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
	}
	if (hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (req->timeout_ms)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
	if (req->username) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, req->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, req->password ? req->password : "");
	}
	if (req->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (req->proxy)
		curl_easy_setopt(h, CURLOPT_PROXY, req->proxy);
	/* A flusher thread has no signal handling of its own: curl must not
	 * use alarm() for DNS timeouts. */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "k6c/" K6C__HTTP_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	} else {
		snprintf(resp->error, sizeof(resp->error), "%s %s: %s", req->method, req->url,
			errbuf[0] ? errbuf : curl_easy_strerror(cc));
		rc = cc == CURLE_OUT_OF_MEMORY ? K6C_ENOMEM : K6C_EIO;
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return rc;
}
