// Object rest copies own enumerable symbol keys too, leaves out the keys
// already taken (computed ones by their property key), and throws on null.
const s = Symbol('s'), t = Symbol('t');
export default function () {
  const src = { a: 1, [s]: 2, [t]: 3, 1: 'one', b: 4 };
  Object.defineProperty(src, 'hidden', { value: 5, enumerable: false });
  const { a, [t]: tv, [1]: one, ...rest } = src;
  const keys = Object.getOwnPropertyNames(rest).concat(Object.getOwnPropertySymbols(rest).map(String));
  let r2;
  ({ [s]: r2, ...r2rest } = src);
  let nullErr;
  try { const { ...x } = null; nullErr = x; } catch (e) { nullErr = e instanceof TypeError; }
  return [a, tv, one, keys, rest[s], r2, Object.getOwnPropertySymbols(r2rest).map(String), nullErr];
}
var r2rest;
// expect: [1,3,"one",["b","Symbol(s)"],2,2,["Symbol(t)"],true]
