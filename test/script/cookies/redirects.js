// redirects.js - redirects followed hop by hop, each hop with samples
// of its own (url, name, status and method tags), response.url the final
// URL, params.redirects and the default limit (k6 returns the last
// redirect and warns), 301/302/303 turning a POST into a GET without body
// and 307/308 repeating it, and tags.name / http.url naming every hop.
// The thresholds make the runner read the per-hop counts back.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;

export const options = {
  thresholds: {
    // /redirect/3 -> /relative-redirect/2 -> /relative-redirect/1 -> /get,
    // three times (twice cut short); /redirect/11 passes /relative-redirect/2
    // and /1; the named /redirect/2 requests pass /relative-redirect/1 with
    // their own name.
    [`http_reqs{url:${BASE}/redirect/3}`]: ['count==3'],
    [`http_reqs{url:${BASE}/relative-redirect/2}`]: ['count==3'],
    [`http_reqs{url:${BASE}/relative-redirect/1}`]: ['count==4'],
    [`http_reqs{name:${BASE}/relative-redirect/1}`]: ['count==2'],
    [`http_reqs{url:${BASE}/absolute-redirect/2}`]: ['count==1'],
    [`http_reqs{url:${BASE}/absolute-redirect/1}`]: ['count==1'],
    'http_reqs{name:grouped}': ['count==3'],
    'http_reqs{name:${}/redirect/${}}': ['count==3'],
    'http_reqs{status:307}': ['count==1'],
    'http_reqs{status:308}': ['count==1'],
    'http_reqs{method:POST}': ['count==7'],
  },
};

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function redirectTo(status) {
  return `${BASE}/redirect-to?url=${encodeURIComponent('/anything')}&status_code=${status}`;
}

export default function () {
  // 4 hops.
  let r = http.get(`${BASE}/redirect/3`);
  expect('followed: final status and url', [r.status, r.url], [200, `${BASE}/get`]);
  // 3 hops.
  r = http.get(`${BASE}/absolute-redirect/2`);
  expect('absolute redirects', [r.status, r.url], [200, `${BASE}/get`]);

  // Limits: 2 hops, 1 hop, 11 hops (the default limit: a warning).
  r = http.get(`${BASE}/redirect/3`, { redirects: 1 });
  expect('params.redirects: 1', [r.status, r.url], [302, `${BASE}/relative-redirect/2`]);
  r = http.get(`${BASE}/redirect/3`, { redirects: 0 });
  expect('params.redirects: 0', [r.status, r.url, r.headers.Location], [302, `${BASE}/redirect/3`, '/relative-redirect/2']);
  r = http.get(`${BASE}/redirect/11`);
  expect('stopped at the default limit of 10', [r.status, r.error_code, r.error], [302, 0, '']);

  // Methods and bodies (POST tags: 303, 301 and 302 once each, 307 and
  // 308 twice each: 7): 6 requests of 2 hops.
  for (const s of [301, 302, 303]) {
    r = http.post(redirectTo(s), 'the body');
    expect(`${s} turns a POST into a GET without body`, [r.status, r.json('method'), r.json('data')],
      [200, 'GET', '']);
  }
  for (const s of [307, 308]) {
    r = http.post(redirectTo(s), 'the body', { headers: { 'Content-Type': 'text/plain' } });
    expect(`${s} repeats the POST with its body`, [r.status, r.json('method'), r.json('data'),
      r.json('headers.Content-Type')], [200, 'POST', 'the body', 'text/plain']);
  }
  r = http.put(redirectTo(302), 'put body');
  expect('302 turns a PUT into a GET', [r.json('method'), r.json('data')], ['GET', '']);

  // Names: tags.name and an http.url template name every hop (3 hops each).
  r = http.get(`${BASE}/redirect/2`, { tags: { name: 'grouped' } });
  expect('named request', r.status, 200);
  const n = 2;
  r = http.get(http.url`${BASE}/redirect/${n}`);
  expect('template request', [r.status, r.url], [200, `${BASE}/get`]);

  // Cookies set by a hop reach the next ones, and the final response's
  // cookies are stored too.
  r = http.get(`${BASE}/cookies/set?hop=1`);
  expect('a redirect hop\'s cookie is sent on the next hop', r.json('cookies.hop'), '1');
}
