// stuck.js - an iteration that cannot finish within gracefulStop, stuck in
// one of three ways chosen by MODE: 'sleep' (sleep 10 s), 'http' (a request
// httpbin answers after 10 s) or 'busy' (a JavaScript loop for 10 s). The
// runner checks that each is interrupted when gracefulStop ends.
import http from 'k6/http';
import { sleep } from 'k6';

const mode = __ENV.MODE || 'sleep';

export default function () {
  console.log(`stuck start ${mode}`);
  if (mode === 'sleep') {
    sleep(10);
  } else if (mode === 'http') {
    http.get(`${__ENV.BASE_URL}/delay/10`, { timeout: '20s' });
  } else {
    const until = Date.now() + 10000;
    let n = 0;
    while (Date.now() < until) {
      n += 1;
    }
  }
  console.log(`stuck end ${mode}`);
}

export function teardown() {
  console.log('teardown ran');
}
