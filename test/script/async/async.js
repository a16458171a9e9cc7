// async.js - http.asyncRequest in an async default function: three
// /delay/1 requests awaited together overlap (logged: their total time),
// a rejected request (throw: true) is caught, a request whose promise is
// never awaited still completes before the iteration ends, and the
// Response is the same as request()'s.
import http from 'k6/http';
import { check } from 'k6';

const B = __ENV.BASE_URL;

export const options = { iterations: 1, vus: 1 };

export default async function () {
  const t0 = Date.now();
  const rs = await Promise.all([1, 2, 3].map((i) => http.asyncRequest('GET', `${B}/delay/1?i=${i}`)));
  console.log(`async ms=${Date.now() - t0} ids=${rs.map((r) => r.json().args.i).join(',')}`);

  const post = await http.asyncRequest('POST', `${B}/post`, { a: '1' }, { tags: { name: 'apost' } });
  check(post, {
    'async response': (r) => r.status === 200 && r.json().form.a === '1' &&
      r.request.method === 'POST' && r.timings.duration >= 0,
  });
  let rejected = '';
  try {
    await http.asyncRequest('GET', `http://127.0.0.1:${__ENV.CLOSED_PORT}/`, null, { throw: true });
  } catch (e) {
    rejected = String(e);
  }
  console.log(`rejected=${rejected}`);
  const failed = await http.asyncRequest('GET', `http://127.0.0.1:${__ENV.CLOSED_PORT}/`);
  console.log(`failed error_code=${failed.error_code}`);
  // Not awaited: the event loop still waits for it.
  http.asyncRequest('GET', `${B}/get?late=1`).then((r) => console.log(`late status=${r.status}`));
}
