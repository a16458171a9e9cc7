// Object literals: shorthand, methods, computed keys, getters/setters, symbols, numeric keys.
export default function () {
  const x = 1, k = 'dyn';
  const sym = Symbol('s');
  const o = {
    x, [k + 1]: 2, [sym]: 3, 'quoted-key': 4, 5: 'five',
    m() { return this.x; },
    get g() { return this.x * 10; }, set g(v) { this.x = v; },
  };
  o.g = 7;
  return [o.x, o.dyn1, o[sym], o['quoted-key'], o[5], o.m(), o.g, Object.keys(o)];
}
// expect: [7,2,3,4,"five",7,70,["5","x","dyn1","quoted-key","m","g"]]
