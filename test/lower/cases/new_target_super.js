// new.target in a parent constructor reached through super() is the class
// that `new` named, through every level; inside an arrow, an async arrow and
// a per-iteration loop body it is the enclosing function's.
const seen = [];
class A { constructor() { seen.push(new.target.name); this.kind = new.target.kind; } }
class B extends A { constructor(x) { super(); seen.push('B:' + new.target.name); } static get kind() { return 'b'; } }
class C extends B { static get kind() { return 'c'; } }
class D extends A {}
class E extends Error { constructor(m) { super(m); this.t = new.target.name; } }
function F() {
  const arrow = () => new.target;
  const fs = [];
  for (let i = 0; i < 2; i++) fs.push(() => [i, new.target === F]);
  return { a: arrow() === F, fs: fs.map((f) => f()) };
}
class G { constructor() { this.later = async () => new.target.name; } }
class H { x = typeof new.target; }
export default async function () {
  const c = new C(), d = new D(), b = new B();
  const e = new E('m');
  const f = new F();
  let plain = F.call({});
  return [seen, c.kind, d.kind, b.kind, e.t, e instanceof E, f.a, f.fs, plain.a, await new G().later(), new H().x];
}
// known-babel: Babel leaves new.target in a class field initialiser to the constructor's
// expect: [["C","B:C","D","B","B:B"],"c",null,"b","E",true,true,[[0,true],[1,true]],false,"G","undefined"]
