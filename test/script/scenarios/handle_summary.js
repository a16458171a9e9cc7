// handle_summary.js - handleSummary writing stdout, stderr and a file
// (OUT_FILE, in the runner's temporary directory); the returned map replaces
// the default summary.
import { check } from 'k6';

export const options = { vus: 1, iterations: 2 };

export default function () {
  check(1, { 'one is one': (v) => v === 1 });
}

export function handleSummary(data) {
  const out = {
    stdout: `custom stdout iterations=${data.metrics.iterations.values.count}\n`,
    stderr: 'custom stderr',
  };
  out[__ENV.OUT_FILE] = JSON.stringify(data);
  return out;
}
