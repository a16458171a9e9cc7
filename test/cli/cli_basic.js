// cli_basic.js - the script the CLI tests run with flags: setup, teardown
// and each iteration log a line (stderr), a check and a threshold feed the
// summary. SLEEP (seconds) sets how long an iteration takes; SLOW_TEARDOWN
// makes teardown sleep 30 s (to interrupt it with a second SIGINT).
import { check, sleep } from 'k6';

export const options = {
  thresholds: {
    iterations: ['count>=1'],
    checks: ['rate==1'],
  },
};

export function setup() {
  console.log('setup ran');
}

export default function () {
  console.log(`ITER vu=${__VU} iter=${__ITER}`);
  check(1, { 'one is one': (v) => v === 1 });
  sleep(Number(__ENV.SLEEP || 0));
}

export function teardown() {
  console.log('teardown start');
  if (__ENV.SLOW_TEARDOWN) {
    sleep(30);
  }
  console.log('teardown ran');
}
