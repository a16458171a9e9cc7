// expected.js - the response callback: k6's default (200-399
// expected), params.responseCallback, http.setResponseCallback with
// http.expectedStatuses (exact statuses and {min, max}), and null, which
// drops the http_req_failed sample and the expected_response tag.
// 8 requests; http_req_failed: 6 samples, 3 of them failures.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;

export const options = {
  thresholds: {
    'http_reqs{expected_response:true}': ['count==3'],
    'http_reqs{expected_response:false}': ['count==3'],
    'http_req_failed{status:404}': ['rate==0.5'],
  },
};

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function throws(name, fn, needle) {
  let msg = null;
  try {
    fn();
  } catch (e) {
    msg = String(e);
  }
  const ok = msg !== null && msg.indexOf(needle) >= 0;
  if (!ok) {
    console.error(`${name}: threw ${msg}, want an error with "${needle}"`);
  }
  check(msg, { [name]: () => ok });
}

export default function () {
  http.get(`${BASE}/status/200`);                                   // expected
  http.get(`${BASE}/status/404`);                                   // failed
  http.get(`${BASE}/status/404`, { responseCallback: http.expectedStatuses(404) });  // expected
  http.get(`${BASE}/status/201`, {
    responseCallback: http.expectedStatuses({ min: 300, max: 399 }, 500),
  });                                                               // failed
  http.get(`${BASE}/status/500`, { responseCallback: null });       // no sample, no tag

  http.setResponseCallback(http.expectedStatuses(500, { min: 202, max: 204 }));
  const r = http.get(`${BASE}/status/500`);                         // expected
  expect('the callback does not change the response', r.status, 500);
  http.get(`${BASE}/status/200`);                                   // failed
  http.setResponseCallback(null);
  http.get(`${BASE}/status/200`);                                   // no sample, no tag

  expect('expectedStatuses is opaque', JSON.stringify(http.expectedStatuses(200)), '{}');
  throws('expectedStatuses()', () => http.expectedStatuses(), 'no arguments');
  throws('expectedStatuses("200")', () => http.expectedStatuses('200'), 'argument number 1');
  throws('expectedStatuses(200, 2.5)', () => http.expectedStatuses(200, 2.5), 'argument number 2');
  throws('expectedStatuses({min: 1})', () => http.expectedStatuses({ min: 1 }), 'neither an integer');
  throws('expectedStatuses({min: 1.5, max: 2})', () => http.expectedStatuses({ min: 1.5, max: 2 }),
    'both min and max need to be integers');
  throws('setResponseCallback(5)', () => http.setResponseCallback(5), 'expected http.expectedStatuses');
  throws('params.responseCallback: a function', () => http.get(`${BASE}/get`, { responseCallback: () => true }),
    'unsupported responseCallback');
}
