export default function () {
  const r = [];
  const tryit = (name, f) => { try { r.push([name, f()]); } catch (e) { r.push([name, 'threw ' + e.constructor.name]); } };
  tryit('Date', () => { class D extends Date { y() { return this.getUTCFullYear(); } } const d = new D(0); return [d.y(), d instanceof D]; });
  tryit('Map', () => { class M extends Map { g(k) { return this.get(k); } } const m = new M([[1, 2]]); return [m.g(1), m.size, m instanceof M]; });
  tryit('Array', () => { class A extends Array { sum() { return this.reduce((a, b) => a + b, 0); } } const a = new A(); a.push(1, 2); return [a.sum(), a.length, Array.isArray(a), a instanceof A]; });
  tryit('Promise', () => { class P extends Promise {} const p = new P(res => res(1)); return [p instanceof P, p instanceof Promise]; });
  tryit('RegExp', () => { class R extends RegExp {} const x = new R('a+'); return [x.test('caa'), x instanceof R]; });
  return r;
}
