// httpDebug: k6 logs every request and response (with bodies for "full").
import http from 'k6/http';

export const options = { iterations: 1 };

export default function () {
	http.get(`${__ENV.HB}/get?via=debug`);
	http.post(`${__ENV.HB}/post`, 'ping-body-123', { tags: { mine: 'yes' } });
	http.get(`http://no-such-host.k6c.invalid/debug`);
	if (__ENV.TLS)
		http.get(`${__ENV.TLS}/get?via=curl`);
}
