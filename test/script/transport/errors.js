// k6's error codes and messages, each from a real failure on loopback:
// the error and error_code of the response and the tags of its samples
// (thresholds on http_reqs{error_code:...}).
import http from 'k6/http';
import { check } from 'k6';

const E = __ENV;

export const options = {
	iterations: 1,
	thresholds: {
		'http_reqs{error_code:1101}': ['count==1'],
		'http_reqs{error_code:1212}': ['count==1'],
		'http_reqs{error_code:1050}': ['count==1'],
		'http_reqs{error_code:1301}': ['count==1'],
		'http_reqs{error_code:1220}': ['count==1'],
		'http_reqs{error_code:1000}': ['count==3'],
		'http_reqs{error_code:1701}': ['count==1'],
		'http_reqs{error:lookup: no such host}': ['count==1'],
	},
};

function expect(name, r, code, error) {
	const ok = check(r, {
		[`${name}: ${code} ${error}`]: (r) => r.status === 0 && r.error_code === code && r.error === error,
	});
	if (!ok)
		console.error(`${name}: got status ${r.status} code ${r.error_code} error ${r.error}`);
}

export default function () {
	expect('dns', http.get('http://no-such-host.k6c.invalid/'), 1101, 'lookup: no such host');
	expect('refused', http.get(`http://127.0.0.1:${E.CLOSED_PORT}/`), 1212, 'dial: connection refused');
	expect('timeout', http.get(`${E.HB}/delay/5`, { timeout: '500ms' }), 1050, 'request timeout');
	expect('tls to plain http', http.get(`https://${E.RAW_ADDR}/get`), 1301,
		'tls: first record does not look like a TLS handshake');
	expect('reset', http.get(`${E.RAW}/reset`), 1220, 'read: connection reset by peer');
	expect('eof', http.get(`${E.RAW}/eof`), 1000, 'EOF');
	expect('garbage', http.get(`${E.RAW}/garbage`), 1000, 'malformed HTTP response "garbage"');
	expect('cut gzip', http.post(`${E.RAW}/echo?cut=4`, 'some body to compress', { compression: 'gzip' }),
		1000, 'unexpected EOF');
	const bad = http.get(`${E.RAW}/corrupt-gzip`);
	check(bad, {
		'corrupt gzip: 1701': (r) => r.status === 0 && r.error_code === 1701 &&
			r.error.indexOf('error decompressing response body (gzip: ') === 0,
	});
	check(http.get(`${E.RAW}/corrupt-gzip`, { responseType: 'none' }), {
		'not decoded when not kept, as k6': (r) => r.status === 200 && r.error === '' && r.body === null,
	});
}
