// Arrow functions: lexical this and arguments, expression and block bodies.
function outer() {
  const f = () => [this.v, arguments.length, arguments[0]];
  const g = (a, b) => { return a + b; };
  const h = () => () => this.v * 2;
  return [f(), g(1, 2), h()()];
}
export default function () {
  const o = { v: 21, m() { return [1, 2].map((x) => x * this.v); } };
  return [outer.call({ v: 5 }, 'a', 'b'), o.m(), (() => typeof this)()];
}
// expect: [[[5,2,"a"],3,10],[21,42],"undefined"]
