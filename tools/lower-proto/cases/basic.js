import { helper, counter, inc } from './lib.js';
import * as ns from './lib.js';
import dflt from './lib.js';

export default function main() {
  const out = {};
  // arrows, this/arguments capture
  const obj = { v: 42, get() { return [1].map(() => this.v)[0]; } };
  function outer() { const f = () => arguments[0]; return f('A'); }
  out.arrows = [obj.get(), outer('x'), ((a) => (b) => a + b)(1)(2)];
  // let/const per-iteration closures and shadowing
  const fns = [];
  for (let i = 0; i < 3; i++) fns.push(() => i);
  const fns2 = [];
  for (const k of ['a', 'b']) { fns2.push(() => k); }
  let x = 1;
  { let x = 2; x += 1; out.inner = x; }
  let threw = false;
  try { const c = 1; c = 2; } catch (e) { threw = e instanceof TypeError; }
  out.scope = [fns.map((f) => f()), fns2.map((f) => f()), x, threw];
  // templates
  const a = 1, b = 2;
  const multi = `line1
line2 ${a}`;
  function tag(strings, ...values) { return [strings.slice(), strings.raw.slice(), values]; }
  out.tpl = [`${a} + ${b} = ${a + b}`, multi, `o ${`i ${1 + 1}`}`, tag`a\n${1}b${'c'}`, String.raw`x\ty${2}`];
  // destructuring
  const { p, q: renamed, r = 5, ...rest } = { p: 1, q: 2, s: 3, t: 4 };
  const [h, , z = 9, ...others] = [1, 2, undefined, 4, 5];
  const { n: { m: [first, { deep }] } } = { n: { m: [10, { deep: 'd' }] } };
  function endpoint({ host = 'localhost', port = 80 } = {}) { return `${host}:${port}`; }
  function dp(a1, b1 = a1 * 2, c1 = b1 + 1) { return [a1, b1, c1]; }
  let m1 = 1, n1 = 2;
  [m1, n1] = [n1, m1];
  out.destr = [p, renamed, r, rest, h, z, others, first, deep, endpoint(), endpoint({ port: 8080 }), dp(1), dp(1, undefined, 0), dp.length, m1, n1];
  // spread / rest / optional / nullish
  function sumAll(...nums) { return nums.reduce((acc, v) => acc + v, 0); }
  const base = { a: 1, b: 2 };
  const cfg = { a: { b: { c: 1 } }, fn: () => 'called', zero: 0 };
  out.spread = [sumAll(1, 2, 3), [...[1, 2], 3], Math.max(...[1, 5, 3]), { ...base, b: 3, ...null, c: 4 }, [...'ab'],
    cfg?.a?.b?.c, cfg.x?.y.z, cfg.fn?.(), cfg.nofn?.(), cfg.zero ?? 5, null ?? 'd'];
  out.mod = [helper(2), counter, (inc(), counter), ns.counter, dflt, typeof ns.helper];
  return out;
}
