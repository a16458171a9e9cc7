// let/const: block scope, shadowing, per-iteration loop bindings, TDZ-free use.
export default function () {
  const fs = [];
  for (let i = 0; i < 3; i++) fs.push(() => i);
  const gs = [];
  for (const k in { a: 1, b: 2 }) gs.push(() => k);
  const hs = [];
  for (const v of [7, 8]) hs.push(() => v);
  let x = 1;
  { let x = 2; fs.push(() => x); }
  const out = [];
  for (let i = 0; i < 3; i++) { out.push(i); i++; }
  let err = null;
  try { const c = 1; c = 2; } catch (e) { err = e instanceof TypeError; }
  return [fs.map((f) => f()), gs.map((f) => f()), hs.map((f) => f()), x, out, err];
}
// expect: [[0,1,2,2],["a","b"],[7,8],1,[0,2],true]
