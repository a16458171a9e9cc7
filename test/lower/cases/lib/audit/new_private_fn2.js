class C {
  #f = function F(a) { if (!new.target) return 'called without new'; this.a = a; };
  run() { return new this.#f(6); }
}
export default function () { return new C().run(); }
