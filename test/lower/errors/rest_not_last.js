// Syntax error: a rest parameter that is not the last one.
function f(...a, b) {
  return a;
}
// expect-error: 2:16
