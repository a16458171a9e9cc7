// tlsAuth: the client certificate whose domains cover the host is offered.
// AUTH is a JSON list of {domains, cert, key, password} with file paths;
// the script reads the PEM files at init, as a k6 script does with open().
// Each entry of EXPECT is [url, status, body substring].
import http from 'k6/http';
import { check } from 'k6';

const spec = JSON.parse(__ENV.AUTH);

export const options = {
	iterations: 1,
	tlsAuth: spec.map((a) => {
		const e = { cert: open(a.cert), key: open(a.key) };
		if (a.domains) e.domains = a.domains;
		if (a.password) e.password = a.password;
		return e;
	}),
	hosts: __ENV.HOSTS ? JSON.parse(__ENV.HOSTS) : undefined,
	insecureSkipTLSVerify: !!__ENV.INSECURE,
};

export default function () {
	for (const [url, status, body] of JSON.parse(__ENV.EXPECT)) {
		const r = http.get(url);
		if (!check(r, { [`${url}: ${status} ${body}`]: (r) => r.status === status && r.body.indexOf(body) >= 0 }))
			console.error(`${url}: got ${r.status} ${r.error} ${String(r.body).slice(0, 120)}`);
	}
}
