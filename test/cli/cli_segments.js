// cli_segments.js - one scenario for the execution-segment test, chosen by
// MODE: 'shared' (10 VUs share 100 iterations) or 'car' (20 arrivals a
// second for 2 s). Each iteration logs its global scenario iteration number,
// its global VU id and (car) its start offset in ms from the scenario start,
// so the test can merge what several instances did.
import { sleep } from 'k6';
import exec from 'k6/execution';

const byMode = {
  shared: {
    scenarios: {
      s: { executor: 'shared-iterations', vus: 10, iterations: 100 },
    },
  },
  car: {
    scenarios: {
      s: {
        executor: 'constant-arrival-rate',
        rate: 20,
        timeUnit: '1s',
        duration: '2s',
        preAllocatedVUs: 6,
        maxVUs: 6,
      },
    },
  },
};

const mode = __ENV.MODE || 'shared';

export const options = byMode[mode];

export default function () {
  const off = Date.now() - exec.scenario.startTime;
  console.log(`SEG kind=${mode} it=${exec.scenario.iterationInTest} vu=${exec.vu.idInTest} ` +
    `local=${exec.vu.idInInstance} off=${off}`);
  if (mode === 'shared') {
    sleep(0.05);
  }
}
