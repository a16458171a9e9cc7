// Classes: constructors, methods, getters/setters, statics, fields, inheritance and super.
class Animal {
  legs = 4;
  static count = 0;
  constructor(name) { this.name = name; Animal.count++; }
  speak() { return this.name + ' makes a sound'; }
  get label() { return '[' + this.name + ']'; }
  set label(v) { this.name = v; }
  static create(n) { return new this(n); }
}
class Dog extends Animal {
  tricks = [];
  constructor(name) { super(name); this.tricks.push('sit'); }
  speak() { return super.speak() + ' (woof)'; }
  get label() { return 'dog ' + super.label; }
}
export default function () {
  const d = Dog.create('rex');
  const a = new Animal('cat');
  a.label = 'tom';
  let err = null;
  try { Animal('x'); } catch (e) { err = e instanceof TypeError; }
  return [d.speak(), d.label, d.legs, d.tricks, a.label, Animal.count, d instanceof Animal,
    Object.keys(d), typeof Dog, Object.getPrototypeOf(Dog) === Animal, err, Dog.name];
}
// expect: ["rex makes a sound (woof)","dog [rex]",4,["sit"],"[tom]",2,true,["legs","name","tricks"],"function",true,true,"Dog"]
