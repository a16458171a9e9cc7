// async/await: values, rejections caught, microtask order, async arrows/methods, await in loops.
const wait = (v) => new Promise((resolve) => resolve(v));
async function compute() { const a = await wait(1); const b = await 2; return a + b; }
export default async function () {
  const out = [await compute()];
  try { await Promise.reject(new Error('nope')); } catch (e) { out.push(e.message); }
  const order = [];
  const p = Promise.resolve().then(() => order.push('micro'));
  order.push('sync');
  await p;
  out.push(order);
  out.push(await Promise.all([1, 2, 3].map(async (v) => { await null; return v * 3; })));
  const self = { v: 5, async m() { await null; return this.v; } };
  out.push(await self.m());
  let s = 0;
  for (let i = 0; i < 3; i++) s += await wait(i);
  out.push(s);
  const failing = async () => { throw new TypeError('t'); };
  out.push(await failing().catch((e) => e.name));
  return out;
}
// expect: [3,"nope",["sync","micro"],[3,6,9],5,3,"TypeError"]
