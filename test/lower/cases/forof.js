// for-of through the iterator protocol: arrays, strings, Map, Set, custom iterators, closing on break.
const log = [];
function iterable(n) {
  return { [Symbol.iterator]() { let i = 0; return { next() { return { value: i, done: i++ >= n }; }, return() { log.push('closed'); return {}; } }; } };
}
export default function () {
  const out = [];
  for (const x of [1, 2]) out.push(x);
  for (const c of 'hé') out.push(c);
  for (const [k, v] of new Map([['a', 1]])) out.push(k + v);
  for (const s of new Set(['s'])) out.push(s);
  for (const i of iterable(5)) { if (i === 2) break; out.push(i); }
  for (const [i, v] of ['x', 'y'].entries()) out.push(i + v);
  let err = null;
  try { for (const x of {}) out.push(x); } catch (e) { err = e instanceof TypeError; }
  return [out, log, err];
}
// expect: [[1,2,"h","é","a1","s",0,1,"0x","1y"],["closed"],true]
