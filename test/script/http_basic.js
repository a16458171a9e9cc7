// http_basic.js - the k6/http request functions and the Response object
// against httpbin: every method helper, the three kinds of body, status and
// status_text, canonical header names, json() with a selector, timings,
// url, proto, remote address, redirects, and request tags (which the
// thresholds below turn into submetrics the runner reads back).
// One iteration makes 15 requests (the redirect counts twice); 1 fails (404).
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  thresholds: {
    'http_reqs{mytag:custom}': ['count==2'],
    'http_reqs{name:named-request}': ['count==1'],
    'http_reqs{method:PATCH}': ['count==2'],
    'checks{kind:tagged-check}': ['rate==1'],
  },
};

const BASE = __ENV.BASE_URL;
const PORT = Number(BASE.split(':')[2]);
const JSON_HEADERS = { headers: { 'Content-Type': 'application/json' } };

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function timingsAreSane(t) {
  const keys = ['blocked', 'connecting', 'tls_handshaking', 'sending', 'waiting', 'receiving', 'duration'];
  return keys.every((k) => typeof t[k] === 'number' && t[k] >= 0) &&
    Math.abs(t.duration - (t.sending + t.waiting + t.receiving)) < 0.01;
}

export default function () {
  const url = `${BASE}/get?a=1&b=two`;
  const g = http.get(url, { headers: { 'X-Test-Header': 'hdr-value' }, tags: { mytag: 'custom' } });
  expect('get: status', g.status, 200);
  expect('get: status_text', g.status_text, '200 OK');
  expect('get: url', g.url, url);
  expect('get: proto', g.proto, 'HTTP/1.1');
  expect('get: remote_ip', g.remote_ip, '127.0.0.1');
  expect('get: remote_port', g.remote_port, PORT);
  expect('get: no error', [g.error, g.error_code], ['', 0]);
  expect('get: json() without selector', g.json().args, { a: '1', b: 'two' });
  expect('get: json(selector)', [g.json('args.a'), g.json('args.b')], ['1', 'two']);
  expect('get: request header sent', g.json('headers.X-Test-Header'), 'hdr-value');
  expect('get: body is a string', typeof g.body === 'string' && JSON.parse(g.body).url === url, true);
  expect('get: header canonical case', [g.headers['Content-Type'], g.headers['Access-Control-Allow-Origin']],
    ['application/json', '*']);
  expect('get: timings', timingsAreSane(g.timings), true);
  expect('get: request echo', [g.request.method, g.request.url], ['GET', url]);

  const rh = http.get(`${BASE}/response-headers?x-custom-thing=abc`, { tags: { mytag: 'custom' } });
  expect('response header canonicalised', rh.headers['X-Custom-Thing'], 'abc');

  const ps = http.post(`${BASE}/post`, 'hello body');
  expect('post string body', [ps.status, ps.json('data')], [200, 'hello body']);
  expect('post string body has no content type', ps.json().headers['Content-Type'], undefined);

  const pf = http.post(`${BASE}/post`, { a: '1', b: ['x', 'y'], sp: 'a b&c' });
  expect('post object form body', pf.json('form'), { a: '1', b: ['x', 'y'], sp: 'a b&c' });
  expect('post object form content type', pf.json('headers.Content-Type'), 'application/x-www-form-urlencoded');

  const pj = http.post(`${BASE}/post`, JSON.stringify({ k: 1, s: 'v' }), JSON_HEADERS);
  expect('post JSON string with header', [pj.json('json.k'), pj.json().json], [1, { k: 1, s: 'v' }]);

  const pu = http.put(`${BASE}/put`, 'put body');
  expect('put', [pu.status, pu.json('data')], [200, 'put body']);

  const pa = http.patch(`${BASE}/patch`, JSON.stringify({ p: 1 }), JSON_HEADERS);
  expect('patch', [pa.status, pa.json('json.p')], [200, 1]);

  const de = http.del(`${BASE}/delete`);
  expect('del', [de.status, de.json('url')], [200, `${BASE}/delete`]);

  const he = http.head(`${BASE}/get`);
  expect('head', [he.status, !he.body, he.headers['Content-Type']], [200, true, 'application/json']);

  const op = http.options(`${BASE}/get`);
  expect('options', [op.status, (op.headers.Allow || '').includes('GET')], [200, true]);

  const rq = http.request('PATCH', `${BASE}/anything`, 'req body', { tags: { name: 'named-request' } });
  expect('request with method and body', [rq.status, rq.json('method'), rq.json('data')], [200, 'PATCH', 'req body']);
  const rg = http.request('GET', `${BASE}/get?via=request`);
  expect('request GET', [rg.status, rg.json('args.via')], [200, 'request']);

  const nf = http.get(`${BASE}/status/404`);
  expect('404: status and status_text', [nf.status, nf.status_text], [404, '404 NOT FOUND']);

  const rd = http.get(`${BASE}/redirect/1`);
  expect('redirect followed', [rd.status, rd.url], [200, `${BASE}/get`]);

  check(g, { 'check with tags': (r) => r.status === 200 }, { kind: 'tagged-check' });
}
