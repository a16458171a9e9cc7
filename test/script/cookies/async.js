// async.js - cookies and the response callback with http.batch and
// http.asyncRequest: a batch request's own cookies, a batch redirect hop
// storing into the VU's jar, an asyncRequest with a jar the script drops at
// once (lib/http keeps it alive) and a callback replaced while the request
// runs (the request keeps the one it was made with). 6 requests.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;

export const options = {
  thresholds: {
    'http_reqs{expected_response:true}': ['count==6'],
    'http_reqs{expected_response:false}': ['count==0'],
  },
};

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

export default async function () {
  const rs = http.batch([
    ['GET', `${BASE}/cookies`, null, { cookies: { b1: 'one' } }],
    ['GET', `${BASE}/cookies/set?frombatch=1`],
  ]);
  expect('batch: params.cookies', rs[0].json('cookies'), { b1: 'one' });
  expect('batch: a redirect hop\'s cookie on the next hop', rs[1].json('cookies.frombatch'), '1');
  expect('batch: the VU jar keeps it', http.cookieJar().cookiesForURL(BASE).frombatch, ['1']);

  const pending = http.asyncRequest('GET', `${BASE}/cookies/set?own=1`, null, {
    jar: new http.CookieJar(),
    responseCallback: http.expectedStatuses(200, 302),
  });
  if (typeof Duktape !== 'undefined') {
    Duktape.gc();   // the jar object is garbage now; its jar is still in use
  }
  http.setResponseCallback(http.expectedStatuses(404));
  const r = await pending;
  expect('asyncRequest with a jar of its own', r.json('cookies'), { own: '1' });
  expect('the VU jar did not get it', http.cookieJar().cookiesForURL(BASE).own, undefined);
  const r2 = await http.asyncRequest('GET', `${BASE}/status/404`);
  expect('the new callback for later requests', r2.status, 404);
}
