// Static private members belong to the class itself: reaching them through
// a subclass is a TypeError. Instance private methods need an object the
// constructor branded, not merely one that inherits the prototype.
class A {
  static #count = 1;
  static #helper() { return 'h'; }
  #m() { return 'm'; }
  static read() { return this.#count; }
  static call() { return this.#helper(); }
  static has(o) { return #count in o; }
  static hasM(o) { return #m in o; }
  callM() { return this.#m(); }
}
class B extends A {}
function tryIt(f) { try { return f(); } catch (e) { return e instanceof TypeError ? 'TypeError' : 'other ' + e; } }
export default function () {
  const fake = Object.create(A.prototype);
  return [tryIt(() => A.read()), tryIt(() => B.read()), tryIt(() => A.call()), tryIt(() => B.call()),
    A.has(A), A.has(B), A.hasM(new A()), A.hasM(fake), tryIt(() => new A().callM()), tryIt(() => fake.callM()),
    tryIt(() => new B().callM())];
}
// expect: [1,"TypeError","h","TypeError",true,false,true,false,"m","TypeError","m"]
