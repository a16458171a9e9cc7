// Iterator closing and lazy destructuring over generators.
const log = [];
function* nat() { let i = 0; try { for (;;) yield i++; } finally { log.push('closed'); } }
function firstOver(limit) { for (const v of nat()) { if (v > limit) return v; } }
export default function main() {
  const out = [];
  for (const v of nat()) { if (v === 2) break; }
  out.push(log.slice());
  out.push(firstOver(3), log.length);
  const [a, b] = nat();
  out.push(a, b, log.length);
  try { for (const v of nat()) { if (v === 1) throw new Error('x'); } } catch (e) { out.push(e.message); }
  out.push(log.length);
  return out;
}
