// Private methods and accessors, #x in obj, static blocks, computed and
// symbol keys, class expressions with inner name, accessor inheritance,
// super property access and super in object-literal-free contexts.
const key = 'dyn';
class Base {
  static #instances = 0;
  static registry = [];
  static { Base.registry.push('static block'); }
  #v;
  constructor(v) { this.#v = v; Base.#instances++; }
  #double() { return this.#v * 2; }
  get #secret() { return this.#double() + 1; }
  reveal() { return this.#secret; }
  static has(o) { return #v in o; }
  static get count() { return Base.#instances; }
  [key]() { return 'computed'; }
  [Symbol.iterator]() { return [this.#v][Symbol.iterator](); }
  get value() { return this.#v; }
  toString() { return `Base(${this.#v})`; }
}
class Derived extends Base {
  constructor(v) { super(v + 1); this.tag = 'd'; }
  get value() { return super.value * 100; }
  toString() { return 'Derived/' + super.toString(); }
}
const Named = class Inner { who() { return Inner.name; } };
export default function main() {
  const b = new Base(2), d = new Derived(4);
  return [b.reveal(), Base.has(b), Base.has({}), Base.count, Base.registry, b.dyn(), [...d], d.value, String(d),
    new Named().who(), Object.getOwnPropertyNames(Base.prototype).length, typeof Base, d instanceof Base,
    Object.keys(d)];
}
