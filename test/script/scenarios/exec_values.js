// exec_values.js - what k6/execution reports, logged as one JSON line per
// iteration ("EXEC {...}") and from teardown ("INSTANCE {...}", "OPTIONS
// {...}"); the runner parses the lines and checks them against the plan.
// Scenario b starts after a ends, so their VUs and counters are separate.
import { sleep } from 'k6';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    a: { executor: 'per-vu-iterations', vus: 2, iterations: 2, exec: 'a' },
    b: { executor: 'shared-iterations', vus: 1, iterations: 3, exec: 'b', startTime: '700ms' },
  },
};

function report(fn) {
  const v = {
    fn,
    VU: __VU,
    ITER: __ITER,
    vuIn: exec.vu.idInInstance,
    vuTest: exec.vu.idInTest,
    iterInst: exec.vu.iterationInInstance,
    iterScen: exec.vu.iterationInScenario,
    name: exec.scenario.name,
    executor: exec.scenario.executor,
    start: exec.scenario.startTime,
    progress: exec.scenario.progress,
    scInst: exec.scenario.iterationInInstance,
    scTest: exec.scenario.iterationInTest,
    now: Date.now(),
  };
  console.log(`EXEC ${JSON.stringify(v)}`);
}

export function a() {
  report('a');
  sleep(0.1);
}

export function b() {
  report('b');
}

export function teardown() {
  const i = exec.instance;
  console.log(`INSTANCE ${JSON.stringify({
    completed: i.iterationsCompleted,
    interrupted: i.iterationsInterrupted,
    active: i.vusActive,
    initialized: i.vusInitialized,
    runMs: i.currentTestRunDuration,
  })}`);
  console.log(`OPTIONS ${JSON.stringify(exec.test.options)}`);
}
