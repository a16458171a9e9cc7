// Generator/async micro-benchmark, run through both lowering paths.
function* counter() { let i = 0; for (;;) yield i++; }
function* one(v) { yield v; }
async function add(a) { await null; return a + 1; }
export default async function main() {
  const out = {};
  let t = __now();
  const g = counter();
  for (let i = 0; i < 100000; i++) g.next();
  out.nextUs = ((__now() - t) * 10).toFixed(2);
  t = __now();
  for (let i = 0; i < 10000; i++) one(i).next();
  out.createUs = ((__now() - t) * 100).toFixed(2);
  t = __now();
  let v = 0;
  for (let i = 0; i < 10000; i++) v = await add(v);
  out.asyncCallUs = ((__now() - t) * 100).toFixed(2);
  __gc();
  const m0 = __mem()[0], keep = [];
  for (let i = 0; i < 1000; i++) { const x = one(i); x.next(); keep.push(x); }
  __gc();
  out.suspendedBytes = ((__mem()[0] - m0) / 1000).toFixed(0);
  out.v = v;
  return out;
}
