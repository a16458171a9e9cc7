// plain_summary.js - text_summary.js without handleSummary: the default
// summary that textSummary must reproduce.
import { check } from 'k6';
import { Counter } from 'k6/metrics';

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
