// super in an optional chain.
class A { m() { return 1; } }
class B extends A { m() { return super.m?.(); } }
export default function () { return new B().m(); }
// expect: 1
