// Syntax error: a private name the class does not declare.
class A {
  m() { return this.#x; }
}
// expect-error: 3:21
