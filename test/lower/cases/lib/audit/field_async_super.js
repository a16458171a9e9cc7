class P { m() { return 'P' + this.t; } static s() { return 'S'; } }
class C extends P { t = 1; g = () => super.m(); static h = () => super.s(); }
export default async function () { const c = new C(); return [c.g(), C.h()]; }
