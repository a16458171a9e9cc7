export default function () {
  class A {}
  class B extends A { constructor() { super(); return 5; } }
  try { const b = new B(); return 'no throw ' + (b instanceof B); } catch (e) { return e.constructor.name; }
}
