// golden.js - a deterministic test for the golden summaries: custom metrics
// with fixed values, checks with fixed outcomes in nested groups, setup data
// and thresholds (one fails on purpose), run with summaryTrendStats and
// summaryTimeUnit set. Nothing here depends on timing except the built-in
// metrics, whose figures the comparison masks.
import { check, group } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const counter = new Counter('g_counter');
const gauge = new Gauge('g_gauge');
const rate = new Rate('g_rate');
const timeTrend = new Trend('g_time_trend', true);
const trend = new Trend('g_trend');

export const options = {
  vus: 1,
  iterations: 2,
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(75)', 'p(99.9)', 'count'],
  summaryTimeUnit: 'ms',
  thresholds: {
    g_counter: ['count==6'],
    'g_counter{kind:a}': ['count==2', 'count>2'],
    g_rate: ['rate>=0.5'],
    g_time_trend: ['max<=1000', 'min==1'],
    g_gauge: ['value==8'],
  },
};

export function setup() {
  return { fixed: 42 };
}

export default function () {
  // 0 in the first iteration, 1 in the second (one VU).
  const first = exec.scenario.iterationInTest === 0;
  counter.add(1, { kind: 'a' });
  counter.add(2);
  gauge.add(first ? 5 : 8);
  rate.add(true);
  rate.add(first);
  [1, 3, 5, 1000].forEach((v) => timeTrend.add(v));
  trend.add(first ? 2 : 4);
  check(1, { 'root passes': (v) => v === 1 });
  group('outer', () => {
    check(1, { 'outer passes': () => true, 'outer fails': () => false });
    group('inner', () => {
      check(1, { 'inner half': () => first });
    });
  });
}
