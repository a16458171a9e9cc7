// super.x = v, super in object-literal methods, method names, must-call-super.
// known-babel: Babel lets a derived constructor use this before super() here without the ReferenceError
class A { set v(x) { this._v = 'A' + x; } get v() { return this._v; } m() { return 'A.m'; } static s() { return 'A.s'; } }
class B extends A {
  constructor() { super(); super.v = 1; super.w = 2; }
  m() { return super.m() + '>B'; }
  static s() { return super.s() + '>B'; }
  calc(x) { return x; }
  get g() { return 1; }
}
class C extends A { constructor(ret) { if (ret) return; super(); } }
export default function main() {
  const base = { hi() { return 'base hi'; } };
  const obj = { hi() { return super.hi() + ' + obj'; }, arrow() { return (() => super.hi())(); } };
  Object.setPrototypeOf(obj, base);
  const b = new B();
  let err = null;
  try { new C(true); } catch (e) { err = e instanceof ReferenceError; }
  const o2 = { foo() {}, 'q-x'() {} };
  const names = [B.prototype.m.name, B.prototype.calc.name, B.s.name, o2.foo.name];
  return [loopret(), before(), obj.hi(), obj.arrow(), b.v, b.w, Object.keys(b), b.m(), B.s(), err, new C(false) instanceof C, names];
}
class D2 extends A { constructor(early) { if (early) this.x = 1; super(); this.y = 2; const f = () => this.y; this.z = f(); } }
export function before() {
  let e1 = null;
  try { new D2(true); } catch (e) { e1 = e instanceof ReferenceError; }
  const d = new D2(false);
  return [e1, d.y, d.z];
}
class D3 extends A { constructor(n) { super(); this.fs = []; for (let i = 0; i < n; i++) { this.fs.push(() => i); if (i === 1) return; } } }
export function loopret() { return new D3(5).fs.length; }
// expect: [2,[true,2,2],"base hi + obj","base hi","A1",2,["_v","w"],"A.m>B","A.s>B",true,true,["m","calc","s","foo"]]
