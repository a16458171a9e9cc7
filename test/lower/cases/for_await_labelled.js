// Labelled for await closes its async iterator; async generator methods keep their names.
class S { async *items() { try { yield 1; yield 2; yield 3; } finally { S.closed++; } } }
S.closed = 0;
export default async function main() {
  const out = [];
  outer: for await (const v of new S().items()) { for (const w of [1, 2]) { if (v === 2) break outer; out.push(v * w); } }
  const f = async (...a) => a.length;
  return [out, S.closed, await f(1, 2), S.prototype.items.name];
}
// expect: [[1,2],1,2,"items"]
