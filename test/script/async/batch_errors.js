// batch_errors.js - what http.batch throws for bad arguments (each message
// names the problem), and throw: true turning a failed request into an
// exception. Logs one "case <name>: <outcome>" line per case.
import http from 'k6/http';

const B = __ENV.BASE_URL;
const CLOSED = `http://127.0.0.1:${__ENV.CLOSED_PORT}/`;

export const options = { iterations: 1, vus: 1 };

function attempt(name, f) {
  try {
    f();
    console.log(`case ${name}: no exception`);
  } catch (e) {
    console.log(`case ${name}: ${e}`);
  }
}

export default function () {
  attempt('no argument', () => http.batch());
  attempt('two arguments', () => http.batch([], []));
  attempt('number', () => http.batch(42));
  attempt('string', () => http.batch(`${B}/get`));
  attempt('no url key', () => http.batch({ x: { method: 'GET' } }));
  attempt('short array', () => http.batch([['GET']]));
  attempt('method type', () => http.batch([[7, `${B}/get`]]));
  attempt('bad params', () => http.batch([['GET', `${B}/get`, null, 'not an object']]));
  attempt('failed, no throw', () => http.batch([`${B}/get`, CLOSED]));
  attempt('failed, throw', () => http.batch([`${B}/get`, ['GET', CLOSED, null, { throw: true }]]));
  attempt('bad url', () => {
    const r = http.batch(['not a url at all']);
    console.log(`bad url error_code=${r[0].error_code}`);
  });
}
