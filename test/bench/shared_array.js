// shared_array.js - the SharedArray memory workload: the get_sleep.js VU
// plus a JSON array file (__ENV.DATA) held as MODE says: "shared" (default)
// in one SharedArray for the whole test, "copy" parsed by every VU, "none"
// not loaded. Each iteration reads one random element.
import http from 'k6/http';
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';

const mode = __ENV.MODE || 'shared';
const data = mode === 'shared' ? new SharedArray('data', () => JSON.parse(open(__ENV.DATA)))
	: mode === 'copy' ? JSON.parse(open(__ENV.DATA)) : [];

export default function () {
	if (data.length > 0) {
		const e = data[Math.floor(Math.random() * data.length)];
		if (typeof e.id !== 'number')
			throw new Error('bad element');
	}
	http.get(__ENV.URL);
	sleep(1);
}
