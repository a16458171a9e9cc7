// hard_stop.js - a hard stop (duration 1s, gracefulStop 0s) while every VU
// waits on long timers, intervals, asynchronous /delay/5 requests and (VU 2)
// a batch of them: the run ends at once and cleanly, with k6's warning for
// each timer that never ran.
import http from 'k6/http';

const B = __ENV.BASE_URL;

export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 3, duration: '1s', gracefulStop: '0s' } },
};

export default async function () {
  setTimeout(() => console.log('never ran'), 10000);
  setInterval(() => {}, 50);
  http.asyncRequest('GET', `${B}/delay/5`);
  if (__VU === 2)
    http.batch([`${B}/delay/5`, `${B}/delay/5`]);
  await new Promise((resolve) => setTimeout(resolve, 8000));
  console.log('never finished');
}
