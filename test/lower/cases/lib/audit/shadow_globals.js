export default function () {
  const r = [];
  function f(...args) { const Array = 'mine'; return [args, Array]; }
  try { r.push(f(1, 2)); } catch (e) { r.push('f threw ' + e.constructor.name); }
  function g(src) { const String = 'S'; const k = 'a'; const { [k]: v, ...rest } = src; return [v, rest, String]; }
  try { r.push(g({ a: 1, b: 2 })); } catch (e) { r.push('g threw ' + e.constructor.name); }
  function h() { const Symbol = 's'; class P { #x = 1; get() { return this.#x; } } return [new P().get(), Symbol]; }
  try { r.push(h()); } catch (e) { r.push('h threw ' + e.constructor.name); }
  return r;
}
