// for await: async generators, Symbol.asyncIterator objects, sync iterables of promises, closing on break.
const log = [];
async function* gen() { try { yield 1; yield Promise.resolve(2); yield 3; } finally { log.push('gen closed'); } }
const asyncIt = { [Symbol.asyncIterator]() { let i = 0; return {
  next() { i++; return Promise.resolve({ value: i, done: i > 2 }); },
  return() { log.push('async return'); return Promise.resolve({ done: true }); } }; } };
export default async function () {
  const out = [];
  for await (const x of gen()) out.push(x);
  for await (const x of gen()) { out.push('b' + x); break; }
  for await (const w of asyncIt) out.push('w' + w);
  for await (const w of asyncIt) { out.push('v' + w); break; }
  for await (const p of [Promise.resolve('p1'), 'p2']) out.push(p);
  const fs = [];
  for await (const c of [1, 2]) fs.push(() => c);
  out.push(fs.map((f) => f()));
  let err = null;
  try { for await (const x of gen()) { throw new Error('inside ' + x); } } catch (e) { err = e.message; }
  return [out, err, log];
}
// expect: [[1,2,3,"b1","w1","w2","v1","p1","p2",[1,2]],"inside 1",["gen closed","gen closed","async return","gen closed"]]
