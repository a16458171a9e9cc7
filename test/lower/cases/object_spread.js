// Object spread and object rest: order, overrides, getters run once, non-enumerables and symbols skipped.
export default function () {
  let reads = 0;
  const src = { a: 1, get g() { reads++; return 'g'; } };
  Object.defineProperty(src, 'hidden', { value: 1, enumerable: false });
  const merged = { z: 0, ...src, a: 2, ...null, ...undefined, ...'hi' };
  const { a, ...rest } = merged;
  const copy = { ...[5, 6] };
  return [merged, reads, a, rest, copy, Object.keys({ ...src })];
}
// expect: [{"0":"h","1":"i","z":0,"a":2,"g":"g"},1,2,{"0":"h","1":"i","z":0,"g":"g"},{"0":5,"1":6},["a","g"]]
