// loop_errors.js - errors on the event loop end the iteration as in k6: an
// exception thrown by a timer's callback (the timers still pending are
// dropped with a warning), and a promise rejected without a handler
// ("Uncaught (in promise) ..."). Three iterations, one case each.
export const options = { iterations: 3, vus: 1 };

export default function () {
  if (__ITER === 0) {
    setTimeout(() => { throw new Error('boom in a timer'); }, 5);
    setTimeout(() => console.log('after the boom'), 50);
  } else if (__ITER === 1) {
    Promise.reject(new Error('nobody handles this'));
  } else {
    Promise.reject(new Error('handled')).catch(() => console.log('caught it'));
  }
}
