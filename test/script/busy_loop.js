// busy_loop.js - an iteration that never yields. Only an external abort can
// end it: the runner calls k6c_test_abort() after 2 s and expects the run to
// end promptly with exit code 105.
export default function () {
  console.log('entering busy loop');
  let n = 0;
  // eslint-disable-next-line no-constant-condition
  while (true) {
    n++;
  }
}
