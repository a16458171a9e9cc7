// batch_forms.js - every form of http.batch's requests and both shapes of
// its argument; every check must pass, and each of the 9 requests emits its
// own samples (http_reqs counts 9, the test checks it).
import http from 'k6/http';
import { check, group } from 'k6';

const B = __ENV.BASE_URL;

export const options = { iterations: 1, vus: 1 };

export default function () {
  const a = http.batch([
    `${B}/get?form=url`,
    ['GET', `${B}/get?form=array`],
    ['POST', `${B}/post`, 'array body', { headers: { 'X-Form': 'array' } }],
    { method: 'put', url: `${B}/put`, body: { k: 'v' }, params: { tags: { name: 'objput' } } },
    { url: `${B}/get?form=object`, body: 'dropped for a GET' },
  ]);
  check(a, {
    'array in, array out': (r) => Array.isArray(r) && r.length === 5,
    'url string': (r) => r[0].status === 200 && r[0].json().args.form === 'url',
    'array form': (r) => r[1].json().args.form === 'array',
    'array form body and params': (r) => r[2].json().data === 'array body' &&
      r[2].json().headers['X-Form'] === 'array' && r[2].request.method === 'POST',
    'object form, method upper-cased, form body': (r) => r[3].request.method === 'PUT' &&
      r[3].json().form.k === 'v',
    'object form GET drops the body': (r) => r[4].json().args.form === 'object' &&
      r[4].request.body === '',
  });
  const o = group('g', () => http.batch({
    first: `${B}/get?k=first`,
    second: ['GET', `${B}/status/404`],
    third: { method: 'GET', url: `${B}/get?k=third` },
  }));
  check(o, {
    'object in, same keys out': (r) => Object.keys(r).sort().join() === 'first,second,third',
    'object values': (r) => r.first.json().args.k === 'first' && r.second.status === 404 &&
      r.third.json().args.k === 'third',
  });
  // An empty batch sends nothing.
  const e = http.batch([]);
  const eo = http.batch({});
  check(null, { 'empty batches': () => e.length === 0 && Object.keys(eo).length === 0 });
  // A request that fails is a Response with its error, not an exception.
  const f = http.batch([`${B}/get?k=ok`, `http://127.0.0.1:${__ENV.CLOSED_PORT}/`]);
  check(f, {
    'a failed request has error and error_code': (r) => r[0].status === 200 &&
      r[1].status === 0 && r[1].error_code === 1212 && r[1].error !== '',
  });
}
