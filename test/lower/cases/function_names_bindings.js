// Anonymous functions and classes take the name of the binding, parameter,
// field or default export they are defined for (NamedEvaluation), also when
// the binding is assigned again; anything else stays anonymous.
import def, { Anon } from './lib/default_anon.js';
import DefClass from './lib/default_class.js';
let reassigned = () => 1;
reassigned = reassigned;
let later;
later = function () {};
let orElse;
orElse ||= () => {};
const Cls = class {};
const Named = class Inner {};
class Fields {
  arrow = () => 1;
  #priv = () => 2;
  static klass = class {};
  [('comp' + 'uted')] = function () {};
  privName() { return this.#priv.name; }
}
function withDefault(cb = () => {}, { inner = function () {} } = {}) { return [cb.name, inner.name]; }
export default function () {
  const [fromArray = () => {}] = [];
  let assigned;
  ({ assigned = class {} } = {});
  const f = new Fields();
  return [reassigned.name, later.name, orElse.name, Cls.name, Named.name, f.arrow.name, f.privName(),
    Fields.klass.name, f.computed.name, withDefault(), fromArray.name, assigned.name,
    (() => {}).name, (class {}).name, [function () {}][0].name, def.name, Anon.name, DefClass.name, DefClass.kind()];
}
// known-babel: Babel names few anonymous functions and classes (fields, defaults, reassigned bindings), and names others after its temporaries
// expect: ["reassigned","later","orElse","Cls","Inner","arrow","#priv","klass","computed",["cb","inner"],"fromArray","assigned","","","","default","","default",1]
