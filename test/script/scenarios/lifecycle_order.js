// lifecycle_order.js - the order of the stages (init per VU, setup once,
// the iterations, teardown, handleSummary) and setup data isolation: each VU
// mutates its own copy of the data, which persists across that VU's
// iterations but never reaches another VU or teardown.
import exec from 'k6/execution';

console.log(`init vu=${__VU}`);

export const options = {
  scenarios: {
    iso: { executor: 'per-vu-iterations', vus: 3, iterations: 3 },
  },
};

export function setup() {
  console.log(`setup vu=${__VU}`);
  return { n: 0, seen: [], nested: { owner: 'setup' } };
}

export default function (data) {
  data.n += 1;
  data.seen.push(exec.vu.idInInstance);
  data.nested.owner = `vu${exec.vu.idInInstance}`;
  const others = data.seen.filter((v) => v !== exec.vu.idInInstance).length;
  console.log(`iteration vu=${exec.vu.idInInstance} n=${data.n} seen=${data.seen.length} ` +
    `others=${others} owner=${data.nested.owner}`);
}

export function teardown(data) {
  console.log(`teardown n=${data.n} seen=${data.seen.length} owner=${data.nested.owner}`);
}

export function handleSummary(data) {
  console.log(`handleSummary iterations=${data.metrics.iterations.values.count}`);
  return { stdout: 'summary replaced\n' };
}
