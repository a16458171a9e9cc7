// max_redirects.js - run with the maxRedirects option at 2: the chain
// stops after 2 redirects (3 hops) without k6's warning, and
// params.redirects overrides the option. 9 requests.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

export default function () {
  let r = http.get(`${BASE}/redirect/5`);
  expect('maxRedirects option', [r.status, r.url], [302, `${BASE}/relative-redirect/3`]);
  r = http.get(`${BASE}/redirect/5`, { redirects: 5 });
  expect('params.redirects over the option', [r.status, r.url], [200, `${BASE}/get`]);
}
