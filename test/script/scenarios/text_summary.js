// text_summary.js - handleSummary printing jslib's textSummary, as k6 users
// write it; it must render exactly what plain_summary.js (the same test
// without handleSummary) prints as the default summary.
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';

const things = new Counter('things');

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: { things: ['count==3'], checks: ['rate==1'] },
};

export default function () {
  things.add(1);
  check(__ITER, { 'iteration is small': (i) => i < 3 });
}

export function handleSummary(data) {
  return { stdout: textSummary(data, { indent: ' ', enableColors: false }) };
}
