// workload.js - the iteration that the executor tests of test_scenarios.c
// schedule. The runner passes the scenarios through k6c_test_set_options, so
// one script serves every executor. SLEEP (seconds) sets how long an
// iteration takes; LOG=1 logs one line per iteration with the VU, its
// iteration and the scenario's global iteration number.
import { sleep } from 'k6';
import exec from 'k6/execution';

const pause = Number(__ENV.SLEEP || 0);

export default function () {
  if (__ENV.LOG) {
    console.log(`iter vu=${__VU} iter=${__ITER} sc=${exec.scenario.iterationInTest}`);
  }
  if (pause > 0) {
    sleep(pause);
  }
  if (__ENV.LOG) {
    console.log(`done vu=${__VU}`);
  }
}

export function teardown() {
  console.log('teardown ran');
}
