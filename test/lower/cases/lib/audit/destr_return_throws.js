export default function () {
  const r = [];
  const mk = () => ({ [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { r.push('ret'); return 5; } }; } });
  try { const [a] = mk(); r.push('no throw'); } catch (e) { r.push(e.constructor.name); }
  return r;
}
