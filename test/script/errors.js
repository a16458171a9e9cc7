// errors.js - transport errors are results, not exceptions: a refused
// connection (error_code 1212) and request timeouts (1050, given as a
// duration string and as a number of milliseconds) return status 0, and are
// counted in http_reqs and as failures in http_req_failed.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  thresholds: {
    'http_reqs{error_code:1212}': ['count==1'],
    'http_reqs{error_code:1050}': ['count==2'],
    'http_reqs{status:0}': ['count==3'],
    'http_reqs{status:200}': ['count==1'],
  },
};

const BASE = __ENV.BASE_URL;

function show(what, r) {
  console.log(`${what}: status=${r.status} error_code=${r.error_code} error=${r.error}`);
}

export default function () {
  const ok = http.get(`${BASE}/get`);
  show('ok', ok);
  check(ok, {
    'reachable: status 200': (r) => r.status === 200,
    'reachable: error_code 0': (r) => r.error_code === 0,
    'reachable: no error': (r) => !r.error,
  });

  const refused = http.get(`http://127.0.0.1:${__ENV.CLOSED_PORT}/get`);
  show('refused', refused);
  check(refused, {
    'refused: status 0': (r) => r.status === 0,
    'refused: error_code 1212': (r) => r.error_code === 1212,
    'refused: error message': (r) => typeof r.error === 'string' && r.error.length > 0,
  });

  const slow = http.get(`${BASE}/delay/3`, { timeout: '500ms' });
  show('timeout', slow);
  check(slow, {
    'timeout string: status 0': (r) => r.status === 0,
    'timeout string: error_code 1050': (r) => r.error_code === 1050,
    'timeout string: error message': (r) => typeof r.error === 'string' && r.error.length > 0,
  });

  const slow2 = http.get(`${BASE}/delay/3`, { timeout: 400 });
  show('timeout ms', slow2);
  check(slow2, {
    'timeout ms: status 0': (r) => r.status === 0,
    'timeout ms: error_code 1050': (r) => r.error_code === 1050,
  });
}
