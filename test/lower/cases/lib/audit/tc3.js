import { VERSION, inc, } from './mods/utils.js';
const a = 1, b = 2;
export { a, b, };
async function af(x, y,) { return x + y; }
function* gf(x, y,) { yield x + y; }
const aa = async (x, y,) => x * y;
class B { constructor(x,) { this.x = x; } }
class C extends B { constructor(x,) { super(x,); } }
export default async function () {
  const { p, q, } = { p: 1, q: 2 };
  const [r, s,] = [3, 4];
  return [VERSION, typeof inc, p + q + r + s, await af(1, 2), [...gf(3, 4)], await aa(2, 3), new C(5).x];
}
