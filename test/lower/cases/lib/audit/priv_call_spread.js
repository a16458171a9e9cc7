export default function () {
  class A { m() { return 'public'; } #m(...a) { return 'private' + a.length; } run(args) { return this.#m(...args); } }
  return new A().run([1, 2]);
}
