// Syntax error: yield in a function that is not a generator (strict mode).
function f() {
  yield 1;
}
// expect-error: 3:3
