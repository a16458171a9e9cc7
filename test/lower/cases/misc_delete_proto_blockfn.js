// delete a?.b, async-arrow arguments, __proto__ in literals, block functions, closures per iteration.
// known-babel: Babel leaves {__proto__: p} as it is, and Duktape makes __proto__ an own property of the literal
function outer() { const f = async () => arguments[0] + arguments.length; return f('ignored'); }
function g() { { function inner() { return 'inner'; } } return typeof inner; }
function shadow() { return 'outer'; }
{ function shadow() { return 'block'; } }
export default async function main() {
  const o = { a: { b: 1, c: 2 } }, n = null;
  const d = [delete o.a?.b, delete n?.b, delete o?.a.c, o];
  const a = await outer(40, 2);
  const base = { hello() { return 'hi'; } };
  const lit = { __proto__: base, x: 1 };
  const lit2 = { '__proto__': null };
  const p = [lit.hello(), Object.keys(lit), Object.getPrototypeOf(lit2) === null, Object.keys(lit2).length];
  const fs = [];
  for (let i = 0; i < 3; i++) { function h() { return i; } fs.push(h); }
  return [d, a, p, g(), shadow(), fs.map(f => f())];
}
// expect: [[true,true,true,{"a":{}}],42,["hi",["x"],true,0],"undefined","outer",[0,1,2]]
