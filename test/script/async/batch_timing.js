// batch_timing.js - one http.batch of four /delay/1 requests to the same
// host, timed in JavaScript (so lowering the script is not counted). The
// test runs it with k6's default limits (the four overlap: about 1 s) and
// with batchPerHost or batch set to 1 (one after another: about 4 s).
import http from 'k6/http';

const B = __ENV.BASE_URL;

export const options = { iterations: 1, vus: 1 };

export default function () {
  const t0 = Date.now();
  const rs = http.batch([`${B}/delay/1`, `${B}/delay/1`, `${B}/delay/1`, `${B}/delay/1`]);
  const ms = Date.now() - t0;
  console.log(`batch ms=${ms} n=${rs.length} statuses=${rs.map((r) => r.status).join(',')}`);
}
