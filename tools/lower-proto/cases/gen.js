function* range(a, b) {
  try {
    for (let i = a; i < b; i++) {
      const got = yield i;
      if (got === 'stop') return 'stopped';
    }
  } finally {
    log.push('finally');
  }
  return 'end';
}
function* inner() { yield 1; yield 2; return 3; }
function* outer() { const r = yield* inner(); yield r; }
function* catcher() {
  try { yield 1; } catch (e) { log.push('caught ' + e); }
  yield 2;
}
const log = [];
export default async function main() {
  const out = [];
  out.push([...range(0, 3)]);
  const g = range(0, 10);
  out.push(g.next().value, g.next().value, g.next('stop'));
  const g2 = range(0, 10);
  g2.next();
  out.push(g2.return(7), g2.next());
  out.push([...outer()]);
  const c = catcher();
  c.next();
  out.push(c.throw('boom'), c.next());
  const c2 = catcher();
  c2.next();
  out.push(c2.return('r'));
  const obj = { *[Symbol.iterator]() { yield 'x'; yield 'y'; } };
  out.push([...obj]);
  // async functions
  const wait = (v) => new Promise((resolve) => resolve(v));
  async function compute() { const a = await wait(1); const b = await Promise.resolve(2); return a + b; }
  out.push(await compute());
  let msg = null;
  try { await Promise.reject(new Error('nope')); } catch (e) { msg = e.message; }
  out.push(msg);
  const order = [];
  const p = Promise.resolve().then(() => order.push('micro'));
  order.push('sync');
  await p;
  out.push(order);
  const double = async (x) => x * 2;
  out.push(await double(4));
  out.push(await Promise.all([1, 2, 3].map(async (v) => { await null; return v * 3; })));
  const self = { v: 5, async m() { await null; return this.v; } };
  out.push(await self.m());
  out.push(log);
  return out;
}
