// Runs a k6 script's default function twice under node with the k6 stubs
// and fails if any check failed: the expected values written in the script
// are then what a standard JavaScript engine computes.
globalThis.__ENV = { BASE_URL: 'http://127.0.0.1:9' };
globalThis.__VU = 1;
const k6 = await import('k6');
const script = await import(process.argv[2]);
for (let i = 0; i < 2; i++) {
  globalThis.__ITER = i;
  await script.default();
}
let bad = 0;
for (const [name, r] of Object.entries(k6.results)) {
  if (r.fails || r.passes !== 2) {
    bad += 1;
    console.log(`FAIL ${name}: ${r.passes} passes, ${r.fails} fails`);
  }
}
console.log(`${Object.keys(k6.results).length} checks, ${bad} failed`);
process.exit(bad || Object.keys(k6.results).length === 0 ? 1 : 0);
