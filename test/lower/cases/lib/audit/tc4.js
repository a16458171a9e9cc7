class P { m(a, b) { return [a, b]; } }
class Q extends P { m(a, b) { return super.m(a, b,); } }
const f = (...x) => x;
export default function () {
  const g = null, h = f, a = [1];
  return [new Q().m(1, 2), g?.(1,), h?.(2, 3,), f(...a, 4,), new Q(...a,) instanceof Q, h?.call(null, 5,)];
}
