import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, iterations: 4 };
function* steps(n) { for (let i = 0; i < n; i++) { const r = http.get('http://127.0.0.1:1/'); yield [i, r.status]; } }
async function fetchBoth() {
  const a = await http.asyncRequest('GET', 'http://127.0.0.1:1/a');
  const b = http.get('http://127.0.0.1:1/b');
  await null;
  return [a.status, b.status];
}
export default async function () {
  const got = [...steps(2)];
  const both = await fetchBoth();
  let spins = 0;
  function* busy() { for (;;) { spins++; if (spins % 1000 === 0) yield spins; } }
  const it = busy();
  for (let k = 0; k < 50; k++) it.next();
  check(null, {
    'generator with http.get inside': () => JSON.stringify(got) === '[[0,0],[1,0]]',
    'async with asyncRequest and http.get': () => JSON.stringify(both) === '[0,0]',
    'busy generator': () => spins === 50000,
  });
  console.log(`vu ${__VU} got ${JSON.stringify(got)} both ${JSON.stringify(both)} spins ${spins}`);
}
