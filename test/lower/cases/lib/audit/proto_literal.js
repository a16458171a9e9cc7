export default function () {
  const log = [];
  const o = { a: log.push('a'), __proto__: (log.push('p'), Array.prototype) };
  const r = [log, Array.isArray(o), o instanceof Array];
  try { const q = { __proto__: 1, b: 2 }; r.push(q.b, Object.getPrototypeOf(q) === Object.prototype); } catch (e) { r.push(e.constructor.name); }
  return r;
}
