// exception.js - the default function throws on even iterations. Each
// exception is logged with its place ("exception.js:6") and stack (naming
// explode), the run goes on, and k6 counts the iterations that threw.
import { check } from 'k6';

function explode(iter) {
  throw new Error(`boom at iteration ${iter}`);
}

export default function () {
  if (__ITER % 2 === 0) {
    explode(__ITER);
  }
  check(__ITER, { 'odd iteration survives': (i) => i % 2 === 1 });
  console.log(`survived iteration ${__ITER}`);
}
