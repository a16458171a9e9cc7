// Syntax error: await in a function that is not async.
function f(g) {
  return await g();
}
// expect-error: 3:10
