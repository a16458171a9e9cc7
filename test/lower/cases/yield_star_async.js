// yield* in async generators: delegation to async and sync iterables, return value, return() forwarded.
const log = [];
async function* inner() { try { yield 'i1'; yield 'i2'; } finally { log.push('inner finally'); } return 'ret'; }
async function* outer() { const r = yield* inner(); yield r; yield* [Promise.resolve('s1'), 's2']; }
export default async function () {
  const got = [];
  for await (const v of outer()) got.push(v);
  const o = outer();
  const first = await o.next();
  const ret = await o.return('stop');
  return [got, first, ret, await o.next(), log];
}
// known-babel: Babel 7.20's async delegation wraps the result of return() during yield* in a second iterator result
// expect: [["i1","i2","ret","s1","s2"],{"value":"i1","done":false},{"value":"stop","done":true},{"done":true},["inner finally","inner finally"]]
