// cookies_iter.js - the VU's cookie jar across iterations: k6 gives
// each iteration a new jar unless noCookiesReset is set (the runner passes
// EXPECT_KEEP=1 then). Cookies set by a redirect hop (/cookies/set answers
// 302 to /cookies) are sent on the next hop. A jar object kept from an
// earlier iteration is that iteration's jar, not the new active one.
// 3 iterations of 1 VU: 2 requests each, 5 checks each.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;
const KEEP = __ENV.EXPECT_KEEP === '1';
let held = null;

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name} (iteration ${__ITER}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

export default function () {
  const it = __ITER;
  const before = http.cookieJar().cookiesForURL(BASE);
  if (it === 0 || !KEEP) {
    expect('jar at iteration start', before, {});
  } else {
    const want = { iter: [String(it - 1)] };
    for (let i = 0; i < it; i++) {
      want['only' + i] = ['x'];
    }
    expect('jar at iteration start', before, want);
  }
  const r = http.get(`${BASE}/cookies/set?iter=${it}&only${it}=x`);
  expect('cookies set on the redirect hop reach the next hop', r.json('cookies.iter'), String(it));
  expect('response url is the final one', r.url, `${BASE}/cookies`);
  const names = Object.keys(r.json('cookies')).sort();
  const want = ['iter', 'only' + it];
  for (let i = 0; KEEP && i < it; i++) {
    want.push('only' + i);
  }
  expect('only this iteration\'s cookies unless kept', names, want.sort());
  if (it === 0) {
    held = http.cookieJar();
  }
  // The jar object of iteration 0: the same jar when kept, else the old
  // one with iteration 0's cookie.
  expect('a jar kept from iteration 0', held.cookiesForURL(BASE).iter, [KEEP ? String(it) : '0']);
  http.get(`${BASE}/get`);
}
