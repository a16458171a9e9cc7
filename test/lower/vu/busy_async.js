// Spins inside an async function body resumed after an await (from the job
// queue) until the test is aborted; test_lower_coro.c expects exit code 105.
async function spin() {
  await null;
  console.log('inside the async function');
  let n = 0;
  for (;;) { n++; if (n < 0) await n; }
}
export default async function () {
  await spin();
}
