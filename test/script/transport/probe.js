// One request described by __ENV, checked against the WANT_* values that
// are set: the C side (test_http_transport.c) runs it with different
// options and counts the checks. A failed check logs what came back.
import http from 'k6/http';
import { check } from 'k6';

const E = __ENV;

export const options = { iterations: 1 };

export default function () {
	const params = E.PARAMS ? JSON.parse(E.PARAMS) : {};
	const r = http.request(E.METHOD || 'GET', E.URL, E.BODY === undefined ? null : E.BODY, params);
	const c = {};
	if (E.WANT_STATUS) c['status is ' + E.WANT_STATUS] = (r) => r.status === Number(E.WANT_STATUS);
	if (E.WANT_CODE) c['error_code is ' + E.WANT_CODE] = (r) => r.error_code === Number(E.WANT_CODE);
	if (E.WANT_ERROR) c['error is ' + E.WANT_ERROR] = (r) => r.error === E.WANT_ERROR;
	if (E.WANT_TLS) c['tls_version is ' + E.WANT_TLS] = (r) => r.tls_version === E.WANT_TLS;
	if (E.WANT_CIPHER) c['cipher is ' + E.WANT_CIPHER] = (r) => r.tls_cipher_suite === E.WANT_CIPHER;
	if (E.WANT_PROTO) c['proto is ' + E.WANT_PROTO] = (r) => r.proto === E.WANT_PROTO;
	if (E.WANT_BODY) c['body has ' + E.WANT_BODY] = (r) => typeof r.body === 'string' && r.body.indexOf(E.WANT_BODY) >= 0;
	if (!check(r, c)) {
		console.error('probe got: ' + JSON.stringify({
			status: r.status, proto: r.proto, error: r.error, error_code: r.error_code,
			tls_version: r.tls_version, tls_cipher_suite: r.tls_cipher_suite,
			body: typeof r.body === 'string' ? r.body.slice(0, 300) : r.body,
		}));
	}
}
