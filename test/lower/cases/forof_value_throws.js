// for-of closes the iterator only when the body leaves early: not when
// next() throws, nor when reading the result's done or value throws.
const log = [];
function iterable(step) {
  return { [Symbol.iterator]() { let i = 0; return {
    next() { i++; return step(i); },
    return() { log.push('closed'); return {}; } }; } };
}
export default function () {
  const bad = (what) => ({ get done() { if (what === 'done') throw new Error('done threw'); return false; },
    get value() { if (what === 'value') throw new Error('value threw'); return 1; } });
  for (const what of ['done', 'value']) {
    try { for (const x of iterable((i) => i === 1 ? { value: 0, done: false } : bad(what))) log.push(x); } catch (e) { log.push(e.message); }
  }
  try { for (const x of iterable((i) => ({ value: i, done: false }))) { if (x === 2) throw new Error('body threw'); } } catch (e) { log.push(e.message); }
  for (const x of iterable((i) => ({ value: i, done: false }))) { if (x === 1) break; }
  return log;
}
// known-babel: Babel 7.20's for-of helper closes the iterator when next(), done or value threw
// expect: [0,"done threw",0,"value threw","closed","body threw","closed"]
