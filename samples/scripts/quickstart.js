// quickstart.js - the script samples/quickstart.sh runs against a local
// nginx (samples/nginx.conf): each VU fetches a page and a small JSON API,
// checks both answers and pauses briefly; the run fails (exit code 99) if
// requests fail or get slow. Run it yourself with
//   k6c run -e BASE_URL=http://127.0.0.1:PORT samples/scripts/quickstart.js
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';

export const options = {
	vus: 10,
	duration: '5s',
	thresholds: {
		http_req_failed: ['rate<0.01'],
		http_req_duration: ['p(95)<500'],
		checks: ['rate==1'],
	},
};

export default function () {
	const page = http.get(`${BASE_URL}/`);
	check(page, {
		'page status is 200': (r) => r.status === 200,
		'page says hello': (r) => r.body.includes('hello'),
	});

	const api = http.get(`${BASE_URL}/api/items`);
	check(api, {
		'api status is 200': (r) => r.status === 200,
		'api lists two items': (r) => JSON.parse(r.body).items.length === 2,
	});

	sleep(0.1);
}
