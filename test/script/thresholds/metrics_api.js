// metrics_api.js - k6/metrics: the four types with add(value, tags), the
// values the summary then holds, and k6's errors: invalid names, a type or
// value-type clash, a metric created outside the init context, add() in the
// init context, and NaN/null values (a warning, or an exception with the
// `throw` option, THROW=1).
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

export const options = {
  vus: 1,
  iterations: 1,
  throw: __ENV.THROW === '1',
};

// Each error is logged once per VU that runs the init code, with its message.
function tryInit(label, fn) {
  try {
    fn();
    console.log(`INIT ${label}: ok`);
  } catch (e) {
    console.log(`INIT ${label}: ${e.message}`);
  }
}

const counter = new Counter('my_counter');
const gauge = new Gauge('my_gauge');
const rate = new Rate('my_rate');
const timeTrend = new Trend('my_time_trend', true);
const plainTrend = new Trend('my_trend');
const plainTrendFalse = new Trend('my_trend_false', false);
// isTime applies to every type (k6 ignores the type there).
const timeRate = new Rate('my_time_rate', true);
// The same name and type again is the same metric.
const counterAgain = new Counter('my_counter');

tryInit('digit first', () => new Counter('1abc'));
tryInit('dash', () => new Counter('a-b'));
tryInit('empty', () => new Counter(''));
tryInit('one char', () => new Counter('a'));
tryInit('two chars', () => new Counter('ab'));
tryInit('129 chars', () => new Counter('c'.repeat(129)));
tryInit('130 chars', () => new Counter('c'.repeat(130)));
tryInit('type clash', () => new Gauge('my_counter'));
tryInit('contains clash', () => new Trend('my_time_trend'));
tryInit('contains clash 2', () => new Trend('my_trend', true));
tryInit('contains clash 3', () => new Rate('my_time_rate'));
tryInit('add in init', () => counter.add(1));

export default function () {
  try {
    new Counter('late_counter');
    console.log('LATE: ok');
  } catch (e) {
    console.log(`LATE: ${e.message}`);
  }
  counter.add(1);
  counter.add(2, { kind: 'a' });
  counterAgain.add(3.5);
  counter.add(true);
  counter.add(false);
  gauge.add(7);
  gauge.add(-2.5);
  gauge.add(4);
  rate.add(true);
  rate.add(false);
  rate.add(1);
  rate.add(0);
  rate.add(5);
  timeTrend.add(10);
  timeTrend.add(20);
  timeTrend.add(60);
  plainTrend.add(-3);
  plainTrend.add(3);
  plainTrendFalse.add(2);
  timeRate.add(1);
  // Bad values: refused, with a warning or an exception.
  for (const [label, v] of [['NaN', NaN], ['null', null], ['undefined', undefined],
    ['string', 'abc']]) {
    try {
      console.log(`BAD ${label}: returned ${counter.add(v)}`);
    } catch (e) {
      console.log(`BAD ${label}: threw ${e.message}`);
    }
  }
  try {
    console.log(`BAD none: returned ${counter.add()}`);
  } catch (e) {
    console.log(`BAD none: threw ${e.message}`);
  }
  console.log(`NAME ${counter.name} ${gauge.name} ${rate.name} ${timeTrend.name}`);
}
