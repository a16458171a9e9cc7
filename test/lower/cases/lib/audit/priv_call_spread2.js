export default function () {
  class A { #m(...a) { return 'private' + a.length; } run(args) { return this.#m(...args); } }
  try { return new A().run([1, 2]); } catch (e) { return 'threw ' + e.constructor.name; }
}
