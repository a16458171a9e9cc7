// abort_paths.js - the ways a script ends a test early or marks it failed,
// chosen by MODE: 'abort' calls exec.test.abort('why') on the third
// iteration; 'fail' calls exec.test.fail('bad') on the first and goes on;
// 'threshold' has an abortOnFail threshold that fails after a few
// iterations. Teardown always logs, so the runner sees it ran.
import { sleep } from 'k6';
import exec from 'k6/execution';

const mode = __ENV.MODE || 'abort';

const byMode = {
  abort: { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 10 } } },
  fail: { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 3 } } },
  threshold: {
    scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '20s' } },
    thresholds: { iterations: [{ threshold: 'count<3', abortOnFail: true }] },
  },
};

export const options = byMode[mode];

export default function () {
  console.log(`iteration ${__ITER}`);
  if (mode === 'abort' && __ITER === 2) {
    exec.test.abort('why');
    console.log('after abort must not print');
  }
  if (mode === 'fail' && __ITER === 0) {
    exec.test.fail('bad');
    console.log('after fail goes on');
  }
  if (mode === 'threshold') {
    sleep(0.1);
  }
}

export function teardown() {
  console.log('teardown ran');
}
