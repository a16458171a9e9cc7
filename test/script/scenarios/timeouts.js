// timeouts.js - setup() or teardown() that outlive their timeouts. SETUP_SLEEP
// and TEARDOWN_SLEEP (seconds) say how long each takes; the runner sets
// setupTimeout/teardownTimeout below them.
import { sleep } from 'k6';

export function setup() {
  console.log('setup start');
  sleep(Number(__ENV.SETUP_SLEEP || 0));
  console.log('setup end');
}

export default function () {
  console.log('iteration ran');
}

export function teardown() {
  console.log('teardown start');
  sleep(Number(__ENV.TEARDOWN_SLEEP || 0));
  console.log('teardown end');
}
