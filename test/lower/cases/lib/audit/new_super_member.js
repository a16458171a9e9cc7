class P { get X() { return class { constructor(a) { this.a = a; } }; } }
class C extends P { run() { return new super.X(5).a; } }
export default function () { return new C().run(); }
