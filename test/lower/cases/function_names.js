// Function names: methods, const/let arrows, property values, super in a base class.
class Base { toString() { return 'base:' + super.toString(); } static who() { return super.toString === Function.prototype.toString; } }
export default function main() {
  const arrow = () => 1;
  let fexp = function () { return fexp.name; };
  let changed = () => 2; changed = changed;
  const o = { val: () => 3, fn: function () {}, named: function inner() {} };
  const f = () => typeof f;
  return [arrow.name, fexp(), o.val.name, o.fn.name, o.named.name, f(), String(new Base()), Base.who(), changed.name === 'changed' || changed.name === ''];
}
// expect: ["arrow","fexp","val","fn","inner","function","base:[object Object]",true,true]
