// Assignment patterns with rest elements, computed keys, member targets and defaults.
export default function main() {
  let a, b, rest, k = 'y', o = {}, arr = [];
  ({ x: a, [k]: b, ...rest } = { x: 1, y: 2, z: 3, w: 4 });
  const r1 = [a, b, rest];
  ({ [k + '2']: o.p = 'dflt', ...o.q } = { x: 5 });
  [arr[0], , ...arr[1]] = 'hello';
  let c, d;
  for ([c, d] of [[1, 2], [3, 4]]) arr.push(c + d);
  for ({ c, d = 9 } of [{ c: 7 }]) arr.push(c * d);
  const ret = ({ a, ...rest } = { a: 'A', b: 'B' });
  return [numericKeys(), r1, o, arr, a, rest, ret];
}
export function numericKeys() {
  const { [1]: one, ...others } = { 1: 'a', 2: 'b' };
  let two, more;
  ({ [2]: two, ...more } = { 1: 'a', 2: 'b' });
  return [one, others, two, more];
}
// expect: [["a",{"2":"b"},"b",{"1":"a"}],[1,2,{"z":3,"w":4}],{"p":"dflt","q":{"x":5}},["h",["l","l","o"],3,7,63],"A",{"b":"B"},{"a":"A","b":"B"}]
