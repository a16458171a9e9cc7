// Generators: next/return/throw, finally, yield*, generator methods, spread of a generator.
const log = [];
function* range(a, b) {
  try { for (let i = a; i < b; i++) { const got = yield i; if (got === 'stop') return 'stopped'; } }
  finally { log.push('finally'); }
  return 'end';
}
function* inner() { try { yield 1; yield 2; } finally { log.push('inner finally'); } return 3; }
function* outer() { const r = yield* inner(); yield r; }
export default function () {
  const g = range(0, 10);
  const a = [g.next(), g.next(), g.next('stop'), g.next()];
  const o = outer();
  o.next();
  const b = [o.return('early'), o.next()];
  const c = range(0, 5);
  c.next();
  let err = null;
  try { c.throw(new Error('boom')); } catch (e) { err = e.message; }
  const obj = { *[Symbol.iterator]() { yield 'x'; yield 'y'; } };
  return [[...range(0, 3)], a, b, err, [...obj], [...outer()], log];
}
// expect: [[0,1,2],[{"value":0,"done":false},{"value":1,"done":false},{"value":"stopped","done":true},{"done":true}],[{"value":"early","done":true},{"done":true}],"boom",["x","y"],[1,2,3],["finally","inner finally","finally","finally","inner finally"]]
