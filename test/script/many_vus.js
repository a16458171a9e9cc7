// many_vus.js - 500 VUs on one worker thread for a few seconds. Every VU
// counts its first iteration and adds its id, so the runner can tell that
// all 500 distinct VUs made progress (count 500, ids summing to 500*501/2).
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';

const firstIterations = new Counter('vu_first_iterations');
const vuIdSum = new Counter('vu_id_sum');

export default function () {
  if (__ITER === 0) {
    firstIterations.add(1);
    vuIdSum.add(__VU);
  }
  sleep(0.5);
  check(__VU, { 'vu id in range': (v) => v >= 1 && v <= 500 });
}
