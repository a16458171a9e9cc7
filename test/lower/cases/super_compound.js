// Compound assignment and ++/-- on super properties (key evaluated once).
class P { get n() { return this._n ?? 1; } set n(v) { this._n = v; } get label() { return this._l || 'p'; } set label(v) { this._l = v; } }
class C extends P {
  bump() {
    const keys = [];
    const key = (k) => { keys.push(k); return k; };
    super.n += 10;
    const post = super.n++;
    const pre = ++super[key('n')];
    super.label += '!';
    super[key('label')] += '?';
    return [post, pre, this.n, this.label, keys];
  }
}
export default function () { return new C().bump(); }
// expect: [11,13,13,"p!?",["n","label"]]
