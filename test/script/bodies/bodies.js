// bodies.js - k6/http request and response bodies against httpbin:
// http.file() and multipart/form-data (files and fields echoed back),
// ArrayBuffer / typed array / string / object bodies, UTF-8 both ways,
// responseType text, binary and none, json() per responseType, k6's error
// for bodies it cannot send, and open() in text and binary mode.
// Every expect() must pass; `requests_made` counts the requests the script
// expects to reach the server, so the runner compares it with http_reqs.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const made = new Counter('requests_made');
const BASE = __ENV.BASE_URL;
const binFixture = open('../fixtures/binary.bin', 'b');
const utf8Fixture = open('../fixtures/utf8.txt');

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function post(url, body, params) {
  made.add(1);
  return http.post(url, body, params);
}

function get(url, params) {
  made.add(1);
  return http.get(url, params);
}

function bytes(buf) {
  return Array.prototype.slice.call(new Uint8Array(buf));
}

// Standard base64 (httpbin's data: URLs for bodies that are not UTF-8).
function b64decode(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s.replace(/=+$/, '')) {
    acc = (acc << 6) | abc.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

// httpbin's data: URL (data:<type>;base64,...) as bytes, or null.
function dataURLBytes(s) {
  const m = /^data:[^;,]*;base64,(.*)$/.exec(s);
  return m ? b64decode(m[1]) : null;
}

function count(haystack, needle) {
  return haystack.split(needle).length - 1;
}

function fileData() {
  const f = http.file('hello \ud83d\ude00', 'hello.txt', 'text/plain');
  expect('file: fields', [f.filename, f.content_type, f.data instanceof ArrayBuffer, f.data.byteLength],
    ['hello.txt', 'text/plain', true, 10]);
  const d = http.file(new Uint8Array([9, 8, 7]).buffer);
  expect('file: defaults', [/^[0-9]{15,}$/.test(d.filename), d.content_type, bytes(d.data)],
    [true, 'application/octet-stream', [9, 8, 7]]);
  const v = http.file(new Uint8Array([1, 2, 3, 4]).subarray(1, 3), 'v.bin');
  expect('file: typed array view', bytes(v.data), [2, 3]);
  let err = '';
  try {
    http.file(42);
  } catch (e) {
    err = `${e.name}: ${e.message}`;
  }
  expect('file: bad data throws a TypeError naming the value', err.indexOf('TypeError: http.file(): invalid data 42') === 0, true);
}

function multipart() {
  const png = get(`${BASE}/image/png`, { responseType: 'binary' }).body;
  const r = post(`${BASE}/post`, {
    field: 'v\u00e9',
    number: 5,
    text: http.file('hello \ud83d\ude00', 'hello.txt', 'text/plain'),
    bin: http.file(new Uint8Array([0, 1, 2, 255]).buffer, 'b.bin'),
    fixture: http.file(binFixture, 'fixture.bin', 'application/x-fixture'),
    image: http.file(png, 'image.png', 'image/png'),
    list: ['a', 'b'],
  });
  expect('multipart: status', r.status, 200);
  const ct = r.json('headers.Content-Type');
  expect('multipart: content type with a 60-digit boundary', /^multipart\/form-data; boundary=[0-9a-f]{60}$/.test(ct), true);
  expect('multipart: form fields echoed', r.json('form'), { field: 'v\u00e9', list: ['a', 'b'], number: '5' });
  const files = r.json('files');
  expect('multipart: text file echoed', files.text, 'hello \ud83d\ude00');
  expect('multipart: binary file echoed', dataURLBytes(files.bin), [0, 1, 2, 255]);
  expect('multipart: open(b) fixture echoed', dataURLBytes(files.fixture), bytes(binFixture));
  expect('multipart: image echoed byte for byte', JSON.stringify(dataURLBytes(files.image)) === JSON.stringify(bytes(png)), true);
  expect('multipart: file names of the echo', Object.keys(files).sort(), ['bin', 'fixture', 'image', 'text']);
  const sent = r.request.body;
  expect('multipart: part headers', sent.indexOf('Content-Disposition: form-data; name="fixture"; filename="fixture.bin"\r\n' +
    'Content-Type: application/x-fixture\r\n\r\n') > 0, true);
  expect('multipart: body ends with the closing boundary', sent.slice(-66), `--${ct.slice(-60)}--\r\n`);

  const again = post(`${BASE}/post`, { f: http.file('x') });
  expect('multipart: a new boundary per request', again.json('headers.Content-Type') !== ct, true);
  expect('multipart: default file part', again.request.body.indexOf('Content-Type: application/octet-stream\r\n\r\nx\r\n') > 0, true);

  const arr = post(`${BASE}/post`, { docs: [http.file('one', '1.txt'), http.file('two', '2.txt')] });
  expect('multipart: an array of files gives one part each', [count(arr.request.body, 'name="docs"'), arr.json('files.docs')], [2, 'one']);

  const quoted = post(`${BASE}/post`, { 'a"b': http.file('q', 'x"y\\z.txt') });
  expect('multipart: quotes escaped', quoted.request.body.indexOf('name="a\\"b"; filename="x\\"y\\\\z.txt"') > 0, true);

  // Larger than the VU's scratch space keeps (64 KiB): built, sent, freed.
  const bigData = new Uint8Array(200000);
  bigData[199999] = 65;
  const big = post(`${BASE}/post`, { big: http.file(bigData.buffer, 'big.bin'), s: 'x'.repeat(70000) });
  expect('multipart: a 200 kB file', [big.json('files.big').length, big.json('files.big').charCodeAt(199999), big.json('form.s').length],
    [200000, 65, 70000]);

  const custom = post(`${BASE}/post`, { f: http.file('x') }, { headers: { 'Content-Type': 'application/x-custom' } });
  expect('multipart: the script\'s Content-Type wins', custom.json('headers.Content-Type'), 'application/x-custom');
}

function requestBodies() {
  const ab = new Uint8Array([0, 1, 2, 255, 128]).buffer;
  let r = post(`${BASE}/anything`, ab);
  expect('body: ArrayBuffer sent as is', dataURLBytes(r.json('data')), [0, 1, 2, 255, 128]);
  r = post(`${BASE}/anything`, new Uint8Array([0, 1, 2, 255, 128]).subarray(1, 4));
  expect('body: typed array view sent as its bytes', dataURLBytes(r.json('data')), [1, 2, 255]);
  r = post(`${BASE}/anything`, new DataView(ab, 3, 2));
  expect('body: DataView sent as its bytes', dataURLBytes(r.json('data')), [255, 128]);
  r = post(`${BASE}/anything`, binFixture);
  expect('body: open(b) fixture', dataURLBytes(r.json('data')), [65, 66, 0, 255, 67, 68]);

  const png = get(`${BASE}/image/png`, { responseType: 'binary' });
  r = post(`${BASE}/anything`, png.body, { headers: { 'Content-Type': 'image/png' } });
  expect('body: binary round trip', JSON.stringify(dataURLBytes(r.json('data'))) === JSON.stringify(bytes(png.body)), true);
  expect('body: binary round trip length', r.json('headers.Content-Length'), String(png.body.byteLength));

  r = post(`${BASE}/anything`, 'h\u00e9llo \ud83d\ude00 \ud800x');
  expect('body: string sent as UTF-8, lone surrogate as U+FFFD', r.json('data'), 'h\u00e9llo \ud83d\ude00 \ufffdx');
  expect('body: UTF-8 length', r.json('headers.Content-Length'), '16');
  r = post(`${BASE}/post`, { k: '\u00e9\ud83d\ude00', '\u00fc': 'x y' });
  expect('body: form values and keys as UTF-8', r.json('form'), { k: '\u00e9\ud83d\ude00', '\u00fc': 'x y' });
  expect('body: form content type', r.json('headers.Content-Type'), 'application/x-www-form-urlencoded');
}

function responseTypes() {
  let r = get(`${BASE}/bytes/1000`, { responseType: 'binary' });
  expect('binary: ArrayBuffer of the right length', [r.body instanceof ArrayBuffer, r.body.byteLength], [true, 1000]);
  r = get(`${BASE}/base64/w6nwn5iA`, { responseType: 'binary' });
  expect('binary: exact bytes', bytes(r.body), [0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
  r = get(`${BASE}/image/png`, { responseType: 'binary' });
  expect('binary: PNG signature', bytes(r.body).slice(0, 8), [137, 80, 78, 71, 13, 10, 26, 10]);
  r = get(`${BASE}/get?x=1`, { responseType: 'binary' });
  expect('binary: json() parses the bytes', r.json('args.x'), '1');

  r = get(`${BASE}/image/png`);
  expect('text: bytes that are not UTF-8 become U+FFFD', [typeof r.body, r.body.charCodeAt(0), r.body.substr(1, 3)], ['string', 0xfffd, 'PNG']);
  r = get(`${BASE}/base64/8J-YgA==`);
  expect('text: a 4-byte character is a surrogate pair', [r.body.length, r.body.charCodeAt(0), r.body.charCodeAt(1)], [2, 0xd83d, 0xde00]);
  r = get(`${BASE}/get`, { responseType: 'text' });
  expect('text: explicit', typeof r.body, 'string');

  r = get(`${BASE}/bytes/5000`, { responseType: 'none' });
  expect('none: body null, status kept', [r.body, r.status], [null, 200]);
  let err = '';
  try {
    r.json();
  } catch (e) {
    err = e.message;
  }
  expect('none: json() throws', err.indexOf('the body is null') === 0, true);

  err = '';
  try {
    http.get(`${BASE}/get`, { responseType: 'blob' });
  } catch (e) {
    err = `${e.name}: ${e.message}`;
  }
  expect('responseType: unknown value throws', err, 'TypeError: invalid responseType "blob": expected "text", "binary" or "none"');
}

function badBodies() {
  // As k6: no request is made; the response carries the error.
  let r = http.post(`${BASE}/post`, 42);
  expect('bad body: number', [r.status, r.error, r.error_code, r.body], [0, 'unknown request body type: a number', 0, null]);
  r = http.post(`${BASE}/post`, [1, 2]);
  expect('bad body: array', r.error.indexOf('unknown request body type: an array') === 0, true);
  r = http.post(`${BASE}/post`, http.file('x'));
  expect('bad body: a FileData on its own', r.error.indexOf('unknown request body type: a FileData') === 0, true);
  let err = '';
  try {
    http.post(`${BASE}/post`, true, { throw: true });
  } catch (e) {
    err = e.message;
  }
  expect('bad body: throws with throw', err, 'unknown request body type: a boolean');
}

export default function () {
  expect('open: text as UTF-8 with U+FFFD', utf8Fixture, '\u00e9\ud83d\ude00\ufffd\n');
  fileData();
  multipart();
  requestBodies();
  responseTypes();
  badBodies();
}
