export default function () {
  class P { get fn() { const self = this; return function () { return self.tag; }; } }
  class C extends P { tag = 'inst'; m() { return super.fn(); } }
  return new C().m();
}
