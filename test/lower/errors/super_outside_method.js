// Syntax error: super outside a method.
function f() {
  return super.x;
}
// expect-error: 3:10
