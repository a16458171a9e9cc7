// Runtime error lines after lowering: each throw carries a marker; the
// checker compares err.lineNumber with the marker's line in this file.
class Base { m() { return 1; } }
class A extends Base {
  m(x = `multi
line`) {
    const f = () => {
      throw new Error('@arrow');
    };
    try { f(); } catch (e) { out.push([e.message, e.lineNumber]); }
    return super.m();
  }
}
const out = [];
function* g() {
  yield 1;
  throw new Error('@gen');
}
async function af() {
  await null;
  const { a = (() => { throw new Error('@destr'); })() } = {};
  return a;
}
export default async function main() {
  new A().m();
  const it = g(); it.next();
  try { it.next(); } catch (e) { out.push([e.message, e.lineNumber]); }
  try { await af(); } catch (e) { out.push([e.message, e.lineNumber]); }
  const fns = [];
  for (const k of [1]) {
    fns.push(() => k);
    try { null.x; } catch (e) { out.push(['@forof', e.lineNumber]); }
  }
  const t = `${1}
${(() => { try { null.y; } catch (e) { out.push(['@tpl', e.lineNumber]); } })()}`;
  return out;
}
