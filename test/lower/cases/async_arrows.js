// await in async arrows: the arrow reads the enclosing function's this and arguments.
function outer() {
  const f = async (k) => { await null; return [this.tag, arguments.length, arguments[0], k]; };
  return f(9);
}
class K {
  constructor() { this.v = 3; }
  m() { return (async () => { await null; return this.v; })(); }
  static s() { return (async () => this.name)(); }
}
export default async function () {
  return [await outer.call({ tag: 'T' }, 'x', 'y'), await new K().m(), await K.s()];
}
// expect: [["T",2,"x",9],3,"K"]
