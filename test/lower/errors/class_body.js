// Syntax error in a class body: two names before a method.
class A {
  foo bar() {}
}
// expect-error: 3:7
