// Syntax error: a class with two constructors.
class A {
  constructor() {}
  constructor(x) {}
}
// expect-error: 4:3
