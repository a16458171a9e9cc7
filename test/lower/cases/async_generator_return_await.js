// In an async generator, `return v` awaits v at the return statement: a
// rejected promise is thrown there, where try/catch and finally see it.
async function* g() {
  try { return Promise.reject(new Error('rejected')); } catch (e) { yield 'caught ' + e.message; }
  return 'end';
}
async function* h() {
  try { return Promise.resolve('ok'); } finally { yield 'in finally'; }
}
export default async function () {
  const out = [];
  const a = g();
  out.push(await a.next(), await a.next(), await a.next());
  const b = h();
  out.push(await b.next(), await b.next(), await b.next());
  return out;
}
// known-babel: Babel 7.20's async generators settle a returned promise's rejection outside the body, past its try/catch
// expect: [{"value":"caught rejected","done":false},{"value":"end","done":true},{"done":true},{"value":"in finally","done":false},{"value":"ok","done":true},{"done":true}]
