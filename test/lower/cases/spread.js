// Spread and rest: calls, arrays, new, iterables, rest parameters.
function sum(...xs) { return xs.reduce((a, b) => a + b, 0); }
function first(a, ...rest) { return [a, rest]; }
class P { constructor(a, b) { this.s = a + b; } }
export default function () {
  const xs = [1, 2, 3];
  const o = { base: 10, add(...v) { return this.base + sum(...v); } };
  return [sum(...xs), sum(0, ...xs, 4), [...xs, ...'ab'], first(...xs), o.add(...xs), new P(...[1, 2]).s,
    [...new Set([1, 1, 2])], Math.max(...xs), sum.length];
}
// expect: [6,10,[1,2,3,"a","b"],[1,[2,3]],16,3,[1,2],3,0]
