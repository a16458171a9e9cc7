// Labelled break/continue out of per-iteration loop bodies, labelled for-of closing.
export default function main() {
  const fns = [], out = [];
  outer: for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      fns.push(() => i * 10 + j);
      if (j === 1) continue outer;
      if (i === 2) break outer;
    }
  }
  lbl: for (const v of [1, 2, 3, 4]) {
    fns.push(() => v);
    if (v === 2) continue lbl;
    if (v === 3) break lbl;
    out.push(v);
  }
  let closed = 0;
  const it = { [Symbol.iterator]() { let n = 0; return { next: () => ({ value: n++, done: false }), return() { closed++; return {}; } }; } };
  L: for (const x of it) { if (x > 2) break L; }
  M: for (const x of it) { if (x > 1) break; for (const y of it) { if (y > 1) continue M; } }
  return [fns.map(f => f()), out, closed];
}
// expect: [[0,1,10,11,20,1,2,3],[1],4]
