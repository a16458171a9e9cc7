// abort.js - a 30 s test whose abortOnFail threshold fails from the first
// iteration; with DELAY set (e.g. '5s') the abort waits for delayAbortEval.
// teardown() and the summary still happen after the abort.
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';

const counter = new Counter('my_counter');

const threshold = { threshold: 'count<1', abortOnFail: true };
if (__ENV.DELAY) {
  threshold.delayAbortEval = __ENV.DELAY;
}

export const options = {
  scenarios: {
    long: { executor: 'constant-vus', vus: 1, duration: '30s', gracefulStop: '0s' },
  },
  thresholds: {
    my_counter: [threshold],
    'my_counter{kind:ok}': ['count>0'],
  },
};

export default function () {
  counter.add(1, { kind: 'ok' });
  sleep(0.1);
}

export function teardown() {
  console.log('teardown ran');
}
