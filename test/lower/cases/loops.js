// Per-iteration loop bodies with closures: break, continue, return and labels around them.
function find(xs, want) {
  for (const x of xs) { const f = () => x; if (f() === want) return 'found ' + f(); }
  return 'none';
}
export default function () {
  const fs = [];
  for (let i = 0; i < 10; i++) {
    if (i === 1) continue;
    if (i === 4) break;
    fs.push(() => i);
  }
  const ws = [];
  let j = 0;
  while (j < 3) { let k = j * 2; ws.push(() => k); j++; }
  const nested = [];
  outer: for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) { if (b > a) continue outer; nested.push(() => a + '' + b); }
  }
  const mut = [];
  for (let i = 0; i < 6; i++) { mut.push(() => i); i++; }
  return [fs.map((f) => f()), ws.map((f) => f()), nested.map((f) => f()), mut.map((f) => f()), find([1, 2], 2), find([], 1)];
}
// expect: [[0,2,3],[0,2,4],["00","10","11","20","21","22"],[1,3,5],"found 2","none"]
