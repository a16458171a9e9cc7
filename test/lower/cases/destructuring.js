// Destructuring: declarations, params, assignments, defaults, nesting, rest, computed keys.
function f({ a, b: [c, d = 4] = [], ...rest }, [x, , y] = [1, 2, 3]) { return [a, c, d, rest, x, y]; }
export default function () {
  const { p, q: { r } = { r: 'dr' }, s = 's0' } = { p: 1 };
  const [m, [n, o], ...tail] = [1, [2, 3], 4, 5];
  let u, v;
  [u, v] = [1, 2];
  [u, v] = [v, u];
  const k = 'key';
  const { [k]: val } = { key: 'kv' };
  const out = [];
  for (const [i, { w }] of [[0, { w: 'a' }], [1, { w: 'b' }]]) out.push(i + w);
  let obj = {};
  ({ a: obj.x, b: obj['y'] = 9 } = { a: 8 });
  return [p, r, s, m, n, o, tail, u, v, val, out, obj, f({ a: 1, b: [3], e: 5, g: 6 })];
}
// expect: [1,"dr","s0",1,2,3,[4,5],2,1,"kv",["0a","1b"],{"x":8,"y":9},[1,3,4,{"e":5,"g":6},1,3]]
