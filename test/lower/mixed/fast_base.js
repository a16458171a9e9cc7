// Lowered by the fast path: a base class that records new.target.
export class Base {
  constructor(x) { this.x = x; this.nt = new.target.name; }
  hello() { return 'hi ' + this.x; }
}
