// Spins inside a generator body (a Duktape thread on the fast path) until the
// test is aborted; test_lower_coro.c expects exit code 105.
function* spin() {
  console.log('inside the generator');
  let n = 0;
  for (;;) { n++; if (n < 0) yield n; }
}
export default function () {
  spin().next();
}
