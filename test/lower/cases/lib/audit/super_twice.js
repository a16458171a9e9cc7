export default function () {
  let n = 0;
  class A { constructor() { n++; } }
  class B extends A { constructor() { super(); try { super(); } catch (e) { this.err = e.constructor.name; } } }
  const b = new B();
  return [n, b.err];
}
