// localIPs: VU n connects from entry (n-1) mod count of the list.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 1 } } };

export default function () {
	const ips = __ENV.IPS.split(',');
	const want = ips[(exec.vu.idInTest - 1) % ips.length];
	const r = http.get(`${__ENV.RAW}/peer`);
	if (!check(r, { 'from the VU\'s address': (r) => r.status === 200 && r.body === want }))
		console.error(`vu ${exec.vu.idInTest}: from ${r.body} (${r.error}), want ${want}`);
	// http.batch's requests run on further connections of the same VU.
	const b = http.batch([`${__ENV.RAW}/peer`, `${__ENV.RAW}/peer`, `${__ENV.RAW}/peer`]);
	if (!check(b, { 'batch: from the VU\'s address': (b) => b.every((r) => r.status === 200 && r.body === want) }))
		console.error(`vu ${exec.vu.idInTest}: batch from ${b.map((r) => r.body).join(',')}, want ${want}`);
}
