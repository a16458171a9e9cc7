// Logical assignment on members evaluates the object and the key once.
export default function main() {
  const log = [];
  const o = { a: null, b: 0, c: 1, n: { v: undefined } };
  const get = () => { log.push('get'); return o; };
  const key = (k) => { log.push('key ' + k); return k; };
  get().a ??= 'A';
  get()[key('b')] ||= 'B';
  get()[key('c')] &&= 'C';
  o.n.v ??= 'V';
  o.a ??= 'not';
  const r = (o.missing ||= 5);
  let x = null; x ??= 3;
  const k = 1; let threw = false;
  k ??= 2; // no assignment happens, so no TypeError
  try { k &&= 2; } catch (e) { threw = e instanceof TypeError; }
  class P { #p = null; fill() { this.#p ??= 'priv'; return this.#p; } }
  return [o, log, r, x, threw, new P().fill()];
}
// expect: [{"a":"A","b":"B","c":"C","n":{"v":"V"},"missing":5},["get","get","key b","get","key c"],5,3,true,"priv"]
