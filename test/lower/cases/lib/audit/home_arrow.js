const mk = (p) => ({ __proto__: p, m() { return super.x; } });
export default function () {
  const a = mk({ x: 'A' }), b = mk({ x: 'B' });
  return [a.m(), b.m()];
}
