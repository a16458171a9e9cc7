function* spin() { let n = 0; for (;;) { n++; if (n < 0) yield n; } }
async function aspin() { await null; let n = 0; for (;;) n++; }
export const options = { vus: 1, duration: '1s' };
export default async function () {
  console.log('entering busy loop in ' + __ENV.MODE);
  if (__ENV.MODE === 'gen') spin().next(); else await aspin();
}
