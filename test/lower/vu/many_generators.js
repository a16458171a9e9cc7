// Keeps 10,000 generators suspended at once, then resumes each: every one
// must finish with its own state (test_lower_coro.c notes the memory).
import { check } from 'k6';

function* pair(i) {
  const x = yield i;
  return x + i;
}
async function later(i) {
  await null;
  return i;
}
export default async function () {
  const gens = [];
  for (let i = 0; i < 10000; i++) {
    const g = pair(i);
    g.next();
    gens.push(g);
  }
  let sum = 0;
  for (const g of gens) sum += g.next(1).value;
  const pending = [];
  for (let i = 0; i < 1000; i++) pending.push(later(i));
  const got = await Promise.all(pending);
  check(sum, { 'every generator resumed': (s) => s === 10000 + (10000 * 9999) / 2 });
  check(got, { 'every async call settled': (g) => g.length === 1000 && g[999] === 999 });
}
