class P { m() { return 'P.m:' + this.t; } }
class C extends P {
  *g() {
    const aa = async (x = arguments[0]) => [x, arguments.length, this.t, super.m(), await (async () => [arguments[1]])()];
    yield aa;
    yield () => function () { return [typeof this, arguments.length]; };
  }
  static async sm() {
    const gen = function* () { yield this; };
    const arrow = () => { const inner = () => [this.name, super.toString === Function.prototype.toString]; return inner(); };
    return [gen.call(5).next().value, arrow()];
  }
}
export default async function () {
  const c = new C(); c.t = 'T';
  const it = c.g('a0', 'a1', 'a2');
  const aa = it.next().value;
  const f = it.next().value;
  return [await aa(), await aa('given'), f().call(null, 1, 2), await C.sm()];
}
