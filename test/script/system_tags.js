// systemTags through the public API: only status and scenario are emitted,
// so a submetric on a disabled tag (method) gets nothing while the summary's
// group tree and checks, which come from the group and check tags, are whole.
// test_script.c also runs it with an API override of systemTags.
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
	vus: 1,
	iterations: 2,
	systemTags: ['status', 'scenario'],
	thresholds: {
		'http_reqs{status:200}': ['count==4'],
		'http_reqs{method:GET}': ['count==0'],
		'http_reqs{scenario:default}': ['count==4'],
	},
};

export default function () {
	group('g', () => {
		const r = http.get(`${__ENV.BASE_URL}/get`);
		check(r, { 'status is 200': (res) => res.status === 200 });
	});
	http.get(`${__ENV.BASE_URL}/get?second=1`);
}
