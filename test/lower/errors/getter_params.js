// Syntax error: a getter with a parameter.
class A {
  get x(a) { return a; }
}
// expect-error: 3:8
// expect-error-babel: 3:3
