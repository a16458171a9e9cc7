const get = (u) => 'GET ' + u, set = 1, of = [1, 2], async = (x) => 'async fn ' + x, from = 'from', as = 'as', target = 't';
const http = { get, post: (u, b) => `POST ${u} ${JSON.stringify(b)}`, del: u => 'DEL ' + u };
function* yielder() { const r = yield; return r; }
async function asyncArgs() { return [arguments.length, ...arguments]; }
function* genArgs(a = 1) { yield arguments.length; yield a; yield this?.tag; }
class K { async method() { return this.v; } static async sm() { return this.name; } v = 'v'; 'async'() { return 'named async'; } get() { return 'get method'; } static static() { return 'static static'; } }
export default async function () {
  const out = [];
  out.push(get('/a'), http.get('/b'), http.post('/c', { a: 1 }), async(1), async (2));
  const o = { get, set, of, async, from, as, target, new: 1, class: 2, function: 3 };
  out.push(Object.keys(o), o.new + o.class + o.function);
  for (const x of of) out.push(x);
  out.push(await asyncArgs(1, 2), [...genArgs()], [...genArgs.call({ tag: 'T' }, 9, 8)]);
  const k = new K(); out.push(await k.method(), await K.sm(), k.async(), k.get(), K.static());
  const y = yielder(); y.next(); out.push(y.next('sent'));
  const { get: g2, post } = http; out.push(g2('/d'), typeof post);
  const let_ = 1; var yield_ = 2; out.push(let_ + yield_);
  const obj = { if: 1, else: 2, return: 3, await: 4, yield: 5, let: 6, static: 7 };
  out.push(obj.if + obj.else + obj.return + obj.await + obj.yield + obj.let + obj.static);
  return out;
}
