// TLS against nginx with the test CA trusted through SSL_CERT_FILE (as Go,
// so k6, reads it): HTTP/2 by ALPN, the negotiated version and suite, the
// stapled OCSP response, and the proto and tls_version tags (thresholds).
import http from 'k6/http';
import { check } from 'k6';

export const options = {
	iterations: 1,
	thresholds: {
		'http_reqs{tls_version:tls1.3}': ['count==1'],
		'http_reqs{tls_version:tls1.2}': ['count==1'],
		'http_reqs{proto:HTTP/2.0}': ['count==1'],
		'http_reqs{proto:HTTP/1.1}': ['count==2'],
	},
};

export default function () {
	const h2 = http.get(`${__ENV.TLS}/get`);
	check(h2, {
		'h2: 200': (r) => r.status === 200 && /\/get$/.test(r.json('url')),
		'h2: proto HTTP/2.0': (r) => r.proto === 'HTTP/2.0',
		'h2: tls1.3': (r) => r.tls_version === http.TLS_1_3,
		'h2: a TLS 1.3 suite': (r) => /^TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)_SHA(256|384)$/.test(r.tls_cipher_suite),
		'h2: handshake timed': (r) => r.timings.tls_handshaking > 0,
		'ocsp: good': (r) => r.ocsp.status === http.OCSP_STATUS_GOOD,
		'ocsp: times': (r) => r.ocsp.produced_at > 1600000000 && r.ocsp.this_update > 1600000000 &&
			r.ocsp.next_update > r.ocsp.this_update,
		'ocsp: not revoked, as k6 says it': (r) => r.ocsp.revocation_reason === http.OCSP_REASON_UNSPECIFIED &&
			r.ocsp.revoked_at === -62135596800,
	});
	const t12 = http.get(`${__ENV.TLS12}/get`);
	check(t12, {
		'1.2: 200 over HTTP/1.1': (r) => r.status === 200 && r.proto === 'HTTP/1.1',
		'1.2: tls1.2': (r) => r.tls_version === http.TLS_1_2,
		'1.2: an ECDSA GCM suite': (r) => /^TLS_ECDHE_ECDSA_WITH_AES_(128|256)_GCM_SHA(256|384)$/.test(r.tls_cipher_suite),
		'1.2: no staple': (r) => r.ocsp.status === http.OCSP_STATUS_UNKNOWN && r.ocsp.produced_at === 0,
	});
	const plain = http.get(`${__ENV.HB}/get`);
	check(plain, {
		'plain: no TLS fields': (r) => r.status === 200 && r.tls_version === '' && r.tls_cipher_suite === '' &&
			r.ocsp.status === '' && r.ocsp.produced_at === 0,
	});
}
