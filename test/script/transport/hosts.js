// The hosts option: made-up names, a wildcard, a name with a port, an
// exact name that wins over the wildcard covering it, and https through a
// mapped name (the certificate is for 127.0.0.1 only, hence 1311).
import http from 'k6/http';
import { check } from 'k6';

const hb = __ENV.HB_ADDR;    // 127.0.0.1:<httpbin port>
const raw = __ENV.RAW_ADDR;  // 127.0.0.1:<raw server port>

export const options = {
	iterations: 1,
	hosts: {
		'made.up.test': hb,
		'*.wild.test': hb,
		'exact.wild.test': raw,
		'port.test:8080': hb,
		'tls.made.up.test': __ENV.TLS_ADDR,
	},
};

export default function () {
	check(http.get('http://made.up.test/get'), {
		'name -> ip:port': (r) => r.status === 200 && r.json('headers.Host') === 'made.up.test' &&
			r.remote_ip === '127.0.0.1' && r.remote_port === Number(hb.split(':')[1]),
	});
	check(http.get('http://a.b.wild.test/get'), { 'wildcard': (r) => r.status === 200 && r.json('headers.Host') === 'a.b.wild.test' });
	check(http.get('http://exact.wild.test/conn'), { 'exact beats wildcard': (r) => r.status === 200 && r.body.indexOf('conn ') === 0 });
	check(http.get('http://port.test:8080/get'), { 'name:port': (r) => r.status === 200 && r.json('headers.Host') === 'port.test:8080' });
	check(http.get('https://tls.made.up.test/get'), {
		'https through a mapped name (curl path)': (r) => r.status === 0 && r.error_code === 1311 &&
			r.error === "x509: certificate doesn't match hostname" && r.remote_port === Number(__ENV.TLS_ADDR.split(':')[1]),
	});
	check(http.get('http://made.up.test/redirect-to?url=http%3A%2F%2Fa.wild.test%2Fget'), {
		'redirect hops are mapped too': (r) => r.status === 200 && r.url === 'http://a.wild.test/get',
	});
}
