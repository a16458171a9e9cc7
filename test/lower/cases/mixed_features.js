// Features interacting: per-iteration bindings with switch/labels, for-in, catch patterns, nested templates, spread, getters.
export default function main() {
  const fns = [];
  for (const k in { a: 1, b: 2 }) fns.push(() => k);
  let i = 0;
  while (i < 3) { let j = i * 2; fns.push(() => j); i++; }
  for (let n = 0; n < 4; n++) {
    switch (n) { case 1: continue; case 3: break; default: fns.push(() => n); }
  }
  let caught;
  try { throw { code: 7, detail: { msg: 'x' } }; } catch ({ code, detail: { msg } }) { caught = `${code}:${msg}:${`inner ${code * 2}`}`; }
  const base = { get v() { return this.w * 2; }, w: 1 };
  const copy = { ...base, w: 5 };
  const m = new Map([[1, 'one'], [2, 'two']]);
  const arr = [...m].map(([k, v]) => `${k}=${v}`);
  const [first = 'd', ...others] = new Set(['s1', 's2', 's3']);
  const x = 2 ** 10, y = 1_000;
  let z = 3; z **= 2;
  const o = { a: { b: { c: () => 'deep' } } };
  return [fns.map(f => f()), caught, copy, arr, first, others, x, y, z, o?.a?.b?.c?.(), o.q?.r.s, o.a?.['b']?.c()];
}
// expect: [["a","b",0,2,4,0,2],"7:x:inner 14",{"v":2,"w":5},["1=one","2=two"],"s1",["s2","s3"],1024,1000,9,"deep",null,"deep"]
