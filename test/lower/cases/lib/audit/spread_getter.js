export default function () {
  let n = 0;
  const o = { get x() { return ++n; }, ...{ y: 1 } };
  const a = o.x, b = o.x;
  return [a, b, typeof Object.getOwnPropertyDescriptor(o, 'x').get];
}
