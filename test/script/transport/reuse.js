// Connection reuse: each iteration makes three requests to the raw
// server, which answers with the number of the connection it came on, and
// three to nginx over TLS, where a handshake shows a new connection. The C
// side reads the log lines and applies noConnectionReuse/noVUConnectionReuse.
import http from 'k6/http';
import exec from 'k6/execution';

export const options = { iterations: 2, vus: 1 };

export default function () {
	const conns = [], hs = [];
	for (let i = 0; i < 3; i++) {
		conns.push(http.get(`${__ENV.RAW}/conn`).body.split(' ')[1]);
		hs.push(http.get(`${__ENV.TLS}/get`).timings.tls_handshaking > 0 ? 'new' : 'reused');
	}
	console.log(`conns iter=${exec.vu.iterationInScenario} ${conns.join(',')} tls ${hs.join(',')}`);
}
