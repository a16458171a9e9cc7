// Reading or writing a private member of a foreign object throws a TypeError.
class K {
  #x = 1;
  #m() { return 'm'; }
  static read(o) { return o.#x; }
  static write(o) { o.#x = 2; return o.#x; }
  static call(o) { return o.#m(); }
  static has(o) { return #x in o; }
}
export default function main() {
  const r = [];
  for (const f of ['read', 'write', 'call']) {
    try { r.push(K[f](new K())); } catch (e) { r.push('bad'); }
    try { K[f]({}); r.push('no error'); } catch (e) { r.push(e instanceof TypeError); }
  }
  r.push(K.has(new K()), K.has({}));
  return r;
}
// expect: [1,true,2,true,"m",true,true,false]
