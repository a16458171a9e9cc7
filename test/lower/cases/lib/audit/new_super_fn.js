class P { get F() { return function F(a) { if (!new.target) return 'called without new'; this.a = a; }; } }
class C extends P { run() { return new super.F(7); } }
export default function () { return new C().run(); }
