// Syntax error: for await in a function that is not async.
function f(xs) {
  for await (const x of xs) {}
}
// expect-error: 3:7
