// super in optional chains, as a template tag and under logical assignment:
// the parent's members, with `this` as the receiver.
class A {
  m() { return this.v; }
  tag(strs, x) { return strs.raw[0] + x + this.v; }
  get obj() { return this.o; }
}
A.prototype.flag = 0;
class B extends A {
  constructor() { super(); this.v = 'b'; this.o = null; }
  calls() { return [super.m?.(), super.missing?.(), super.obj?.deep, super.m().length, super.tag`t${1}`]; }
  logical() {
    const log = [];
    const rhs = (x) => { log.push(x); return x; };
    super.flag ||= rhs('or');
    super.flag &&= rhs("not evaluated: the parent's flag is 0");
    super.nothing ??= rhs('nullish');
    super.nothing ??= rhs('again, as super reads the parent');
    return [this.flag, this.nothing, log, Object.keys(this).sort()];
  }
}
export default function () {
  const b = new B();
  return [b.calls(), b.logical()];
}
// known-babel: Babel 7.20 calls a super property used as a template tag without this
// expect: [["b",null,null,1,"t1b"],["or","again, as super reads the parent",["or","nullish","again, as super reads the parent"],["flag","nothing","o","v"]]]
