// Compression both ways: params.compression compresses the request body
// (the echo server sends it back with the same Content-Encoding, so the
// response is decoded by us again), and httpbin's encoded responses are
// decoded on the plain-http path and, through nginx, on the curl path.
import http from 'k6/http';
import { check } from 'k6';

const E = __ENV;
const text = 'k6c compresses this body. '.repeat(200);

export const options = { iterations: 1 };

export default function () {
	for (const algos of ['gzip', 'deflate', 'br', 'zstd', 'gzip, br', 'deflate,zstd', ' zstd , gzip ']) {
		const r = http.post(`${E.RAW}/echo`, text, { compression: algos });
		const want = algos.split(',').map((s) => s.trim()).join(', ');
		if (!check(r, {
			[`${algos}: sent compressed`]: (r) => r.request.headers['Content-Encoding'][0] === want &&
				r.request.body.length > 0 && r.request.body.length < text.length,
			[`${algos}: Content-Encoding answered`]: (r) => r.headers['Content-Encoding'] === want,
			[`${algos}: decoded back`]: (r) => r.status === 200 && r.body === text,
		}))
			console.error(`${algos}: ${r.status} ${r.error} ${r.headers['Content-Encoding']} ${String(r.body).slice(0, 60)}`);
	}
	check(http.post(`${E.RAW}/echo`, text, { compression: 'gzip', headers: { 'Content-Encoding': 'gzip' } }), {
		'same Content-Encoding set by the script: kept': (r) => r.status === 200 && r.body === text,
	});
	check(http.post(`${E.RAW}/echo`, text, { compression: 'lzma' }), {
		'unknown algorithm: no request, k6 message': (r) => r.status === 0 &&
			r.error === 'unknown compression algorithm lzma, supported algorithms are [gzip deflate zstd br]',
	});
	check(http.get(`${E.RAW}/conn`, { compression: 'gzip' }), {
		'no body, nothing compressed': (r) => r.status === 200 && r.request.headers['Content-Encoding'] === undefined,
	});
	for (const base of [E.HB, E.TLS]) {
		const path = base === E.HB ? 'fast path' : 'curl path';
		check(http.get(`${base}/gzip`), { [`${path}: gzip`]: (r) => r.json('gzipped') === true });
		check(http.get(`${base}/deflate`), { [`${path}: deflate`]: (r) => r.json('deflated') === true });
		check(http.get(`${base}/brotli`), { [`${path}: br`]: (r) => r.json('brotli') === true });
		check(http.get(`${base}/gzip`, { responseType: 'binary' }), {
			[`${path}: binary bodies decoded too`]: (r) => r.body.byteLength > 20 && String.fromCharCode(new Uint8Array(r.body)[0]) === '{',
		});
	}
}
