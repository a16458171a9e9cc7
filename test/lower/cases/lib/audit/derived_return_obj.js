export default function () {
  class A { constructor() { return { plain: true }; } }
  class B extends A { f = 1; }
  const b = new B();
  return [Object.getPrototypeOf(b) === Object.prototype, b instanceof B, b.f];
}
