// multi.js - two scenarios in one test: different executors and exec
// functions, a startTime, per-scenario env merged over the test's __ENV, and
// per-scenario tags. The thresholds make the tagged submetrics appear in the
// summary (they always pass); the runner asserts their counts.
import http from 'k6/http';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    first: {
      executor: 'shared-iterations',
      vus: 2,
      iterations: 6,
      exec: 'first',
      env: { WHO: 'first-env' },
      tags: { team: 'alpha' },
    },
    second: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 3,
      startTime: '1s',
      exec: 'second',
      env: { WHO: 'second-env' },
      tags: { team: 'beta' },
    },
  },
  thresholds: {
    'iterations{scenario:first}': ['count>=0'],
    'iterations{scenario:second}': ['count>=0'],
    'iterations{team:alpha}': ['count>=0'],
    'iterations{team:beta}': ['count>=0'],
    'http_reqs{scenario:second}': ['count>=0'],
    'http_reqs{team:beta}': ['count>=0'],
    'http_reqs{scenario:first}': ['count>=0'],
  },
};

function line(fn) {
  return `${fn} who=${__ENV.WHO} base=${__ENV.BASE_URL ? 'yes' : 'no'} ` +
    `scenario=${exec.scenario.name} executor=${exec.scenario.executor} ` +
    `start=${exec.scenario.startTime} run_ms=${Math.round(exec.instance.currentTestRunDuration)}`;
}

export function first() {
  console.log(line('first'));
}

export function second() {
  console.log(line('second'));
  http.get(`${__ENV.BASE_URL}/get`);
}

export default function () {
  console.log('default must not run');
}
