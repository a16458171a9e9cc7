export default function () {
  const objs = [];
  for (const p of [{ x: 'A' }, { x: 'B' }]) objs.push({ __proto__: p, m() { return super.x; } });
  return objs.map(o => o.m());
}
