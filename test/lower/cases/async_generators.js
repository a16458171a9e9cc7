// Async generators: queued next/return/throw requests, awaited yields and returns, finally.
const log = [];
async function* counter(n) {
  try {
    for (let i = 0; i < n; i++) { const got = yield i; if (got) log.push('got ' + got); }
    return 'end';
  } finally { log.push('finally'); }
}
async function* fromPromises() { yield Promise.resolve('a'); yield 'b'; return Promise.resolve('c'); }
export default async function () {
  const out = [];
  const g = counter(5);
  out.push(await Promise.all([g.next(), g.next('A'), g.return('R'), g.next()]));
  const g2 = counter(2);
  const t = await g2.next();
  let err = null;
  try { await g2.throw(new Error('boom')); } catch (e) { err = e.message; }
  out.push([t, err, await g2.next()]);
  const f = fromPromises();
  out.push([await f.next(), await f.next(), await f.next(), await f.next()]);
  const fresh = counter(1);
  out.push(await fresh.return('early'), await fresh.next());
  const order = [];
  async function* tick() { order.push('start'); yield 1; order.push('after'); }
  const tg = tick();
  const p1 = tg.next().then(() => order.push('r1'));
  const p2 = tg.next().then(() => order.push('r2'));
  order.push('sync');
  await Promise.all([p1, p2]);
  out.push(order, log, typeof g[Symbol.asyncIterator]);
  return out;
}
// known-babel: Babel 7.20's regenerator runs the finally block of an async generator closed by return() before it started
// expect: [[{"value":0,"done":false},{"value":1,"done":false},{"value":"R","done":true},{"done":true}],[{"value":0,"done":false},"boom",{"done":true}],[{"value":"a","done":false},{"value":"b","done":false},{"value":"c","done":true},{"done":true}],{"value":"early","done":true},{"done":true},["start","sync","after","r1","r2"],["got A","finally","finally"],"function"]
