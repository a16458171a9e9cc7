// typical.js - the start-up workload: a script shaped like a real k6 test
// (imports, options, groups, checks, ES2015+ syntax), run for one iteration,
// so start-to-exit time includes lowering it (cold) or loading it from the
// cache (warm).
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
	vus: 1,
	iterations: 1,
};

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const PAGES = ['/', '/about', '/contact'];

class Visitor {
	constructor(id) {
		this.id = id;
		this.seen = new Map();
	}

	visit(path) {
		const res = http.get(`${BASE_URL}${path}`, { headers: { 'X-Visitor': `${this.id}` } });
		this.seen.set(path, res.status);
		return res;
	}
}

export default function () {
	const visitor = new Visitor(__VU);
	group('pages', () => {
		for (const path of PAGES) {
			const res = visitor.visit(path);
			check(res, {
				'status is 200': (r) => r.status === 200,
				'body is not empty': (r) => (r.body || '').length > 0,
			});
		}
	});
	const { size } = visitor.seen;
	check(size, { 'every page visited': (n) => n === PAGES.length });
}
