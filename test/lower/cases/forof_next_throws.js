// for-of does not close an iterator whose next() threw (only a body that
// leaves early closes it).
const log = [];
const it = { [Symbol.iterator]() { let i = 0; return {
  next() { if (i++ === 1) throw new Error('next threw'); return { value: i, done: false }; },
  return() { log.push('closed'); return {}; } }; } };
export default function () {
  try { for (const x of it) log.push(x); } catch (e) { log.push(e.message); }
  return log;
}
// known-babel: Babel 7.20's for-of helper calls return() when next() threw
// expect: [1,"next threw"]
