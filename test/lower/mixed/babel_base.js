// Declined by the fast path (a closure in a for-loop head), so Babel
// lowers it.
for (let i = 0, f = () => i; i < 1; i++) f();
export class Base {
  constructor(x) { this.x = x; }
  hello() { return 'hi ' + this.x; }
}
