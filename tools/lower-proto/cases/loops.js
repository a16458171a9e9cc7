// Per-iteration bindings with control flow leaving the body, and await and
// yield inside such bodies.
function find(list, want) {
  const fns = [];
  for (const v of list) {
    fns.push(() => v);
    if (v === 'skip') continue;
    if (v === want) return [v, fns.map((f) => f())];
    if (v === 'stop') break;
  }
  return ['none', fns.map((f) => f())];
}
function counting() {
  const fns = [];
  for (let i = 0; i < 6; i++) {
    fns.push(() => i);
    if (i === 1) i += 2;       // assignment copied back
    switch (i) { case 3: continue; default: break; }
    fns.push(() => -i);
  }
  return fns.map((f) => f());
}
function* gen() {
  for (let i = 0; i < 3; i++) {
    const f = () => i * 10;
    yield f();
  }
}
function whileLoop() {
  const fns = [];
  let n = 0;
  while (n < 3) {
    const m = n;
    fns.push(() => m);
    n++;
  }
  return fns.map((f) => f());
}
function nested() {
  const fns = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      fns.push(() => `${i}${j}`);
      if (j === 1) break;
      if (i === 2) return fns.map((f) => f());
    }
  }
  return 'unreached';
}
export default async function main() {
  const out = [find(['a', 'skip', 'b'], 'b'), find(['a', 'stop', 'b'], 'b'), counting(), [...gen()], whileLoop(), nested()];
  const got = [];
  for (const d of [1, 2]) {
    const v = await Promise.resolve(d * 2);
    got.push(() => v + d);
  }
  out.push(got.map((f) => f()));
  const self = { k: 'self', m() { const r = []; for (const x of [1]) { r.push(() => [this.k, arguments.length, x]); } return r[0](); } };
  out.push(self.m(9, 9));
  return out;
}
