// Functions defined in object literals and classes under computed, string,
// numeric and symbol keys are named after the key (accessors "get k"/"set k").
const k = 'dyn';
const s = Symbol('sym');
const o = {
  [k + 'M']() {},
  'str-key'() {},
  42() {},
  [s]() {},
  [Symbol()]() {},
  ['a' + 'rrow']: () => 1,
  'fn-val': function () {},
  get 'g-x'() { return 1; },
  set [k](v) {},
  get plain() { return 2; },
  async [k + 'A']() {},
  *[k + 'G']() {},
};
class K {
  [k + 'M']() {}
  static [s]() {}
  get [k]() { return 1; }
  'str key'() {}
}
function desc(obj, key) { return Object.getOwnPropertyDescriptor(obj, key); }
export default function () {
  return [o.dynM.name, o['str-key'].name, o[42].name, o[s].name, o[Object.getOwnPropertySymbols(o)[1]].name,
    o.arrow.name, o['fn-val'].name, desc(o, 'g-x').get.name, desc(o, 'dyn').set.name, desc(o, 'plain').get.name,
    o.dynA.name, o.dynG.name, K.prototype.dynM.name, K[s].name, desc(K.prototype, 'dyn').get.name, K.prototype['str key'].name];
}
// known-babel: Babel names functions under computed, string and symbol keys after its temporaries or not at all, and accessors "get"/"set"
// expect: ["dynM","str-key","42","[sym]","","arrow","fn-val","get g-x","set dyn","get plain","dynA","dynG","dynM","[sym]","get dyn","str key"]
