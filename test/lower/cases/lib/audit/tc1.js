function add(a, b,) { return a + b; }
const mul = (a, b,) => a * b;
class P { constructor(x, y,) { this.s = x + y; } m(a,) { return a; } }
export default function () {
  const r = [
    add(1, 2,),
    mul(
      3,
      4,
    ),
    new P(1, 2,).s,
    Math.max(5, 6,),
    new P(3, 4,).m('m',),
    [1, 2].map((x,) => x,),
  ];
  return r;
}
