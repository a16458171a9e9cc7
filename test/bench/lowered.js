// lowered.js - what lowered code costs at run time (test/bench/lower.sh):
// the constructs whose lowering adds run-time work, each in a loop. Prints
// one line, "BENCH name=ms ...". No requests.
const arr = [];
for (let i = 0; i < 1000; i++) arr.push(i);
class Point { constructor(x) { this.x = x; } }
class Point3 extends Point { #z = 0; constructor(x) { super(x); this.y = x; } get z() { return this.#z; } }
function* count(n) { for (let i = 0; i < n; i++) yield i; }
async function twice(x) { const a = await x; return a * 2; }

function time(f) { const t = Date.now(); f(); return Date.now() - t; }

export default async function () {
  let s = 0, str = '';
  const r = {};
  r.forof = time(() => { for (let k = 0; k < 300; k++) for (const x of arr) s += x; });
  r.ctor = time(() => { for (let k = 0; k < 100000; k++) s += new Point3(k).z; });
  r.template = time(() => { for (let k = 0; k < 100000; k++) str = `http://127.0.0.1:${k}/api/${s}?q=${k}`; });
  r.spread = time(() => { for (let k = 0; k < 100000; k++) { const o = { ...{ a: 1, b: 2 }, c: k }; s += o.c; } });
  r.destructure = time(() => { for (let k = 0; k < 100000; k++) { const { a, b = 2, ...rest } = { a: k, c: 3 }; const [x, y] = arr; s += a + b + rest.c + x + y; } });
  r.generator = time(() => { for (let k = 0; k < 100; k++) for (const v of count(100)) s += v; });
  const t = Date.now();
  for (let k = 0; k < 10000; k++) s += await twice(k);
  r.async = Date.now() - t;
  console.log('BENCH ' + Object.keys(r).map((k) => k + '=' + r[k]).join(' ') + ' (' + (s > 0) + str.length + ')');
}
