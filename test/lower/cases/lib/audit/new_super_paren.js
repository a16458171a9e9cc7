class P { get F() { return function F(a) { this.a = a; }; } }
class C extends P { #G = function (b) { this.b = b; }; run() { return [new (super.F)(7), new (this.#G)(8), new super.F, new this.#G]; } }
export default function () { return new C().run(); }
