// Parameter defaults, patterns and rest; accessor and computed method names.
// known-babel: Babel names class accessors and computed methods "get", "set" and "value" (its defineProperty helper), not "get size" and the key
const x = 'outer';
function f(a = x, { b = a, ...r } = {}, ...rest) { return [a, b, r, rest]; }
function g(a, b = () => a) { a = 'changed'; return b(); }
class N { get size() { return 1; } set size(v) {} ['comp' + 'uted']() {} static [Symbol.iterator]() {} }
export default function main() {
  const d = Object.getOwnPropertyDescriptor(N.prototype, 'size');
  return [f(), f(1, { c: 2 }, 3, 4), g('orig'), f.length, g.length, d.get.name, d.set.name, N.prototype.computed.name];
}
// expect: [["outer","outer",{},[]],[1,1,{"c":2},[3,4]],"changed",0,1,"get size","set size","computed"]
