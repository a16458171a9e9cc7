// discard.js - discardResponseBodies: __ENV.EXPECT says what the default
// responseType is ("text" or "none"); each params.responseType overrides it.
// __ENV.RT, if set, is the responseType of the /bytes downloads whose bytes
// the runner compares through data_received.
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
  if (__ENV.RT) {
    for (let i = 0; i < 3; i++) {
      const r = http.get(`${BASE}/bytes/50000`, { responseType: __ENV.RT });
      expect('download', [r.status, __ENV.RT === 'none' ? r.body === null : r.body.byteLength === 50000], [200, true]);
    }
    return;
  }
  const d = http.get(`${BASE}/get`);
  if (__ENV.EXPECT === 'none') {
    expect('default: no body', d.body, null);
  } else {
    expect('default: text body', typeof d.body, 'string');
  }
  expect('default: status', d.status, 200);
  const t = http.get(`${BASE}/get?x=1`, { responseType: 'text' });
  expect('override: text', [typeof t.body, t.json('args.x')], ['string', '1']);
  const b = http.get(`${BASE}/bytes/64`, { responseType: 'binary' });
  expect('override: binary', [b.body instanceof ArrayBuffer, b.body.byteLength], [true, 64]);
  const n = http.get(`${BASE}/get`, { responseType: 'none' });
  expect('override: none', n.body, null);
}
