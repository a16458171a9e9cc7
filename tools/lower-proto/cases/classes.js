class Animal {
  static count = 0;
  #secret;
  legs = 4;
  constructor(name) {
    this.name = name;
    this.#secret = name.length;
    Animal.count++;
  }
  speak() { return `${this.name} makes a sound`; }
  get secretLength() { return this.#secret; }
  set nickname(v) { this._nick = v.toUpperCase(); }
  get nickname() { return this._nick; }
  static create(name) { return new this(name); }
}
class Dog extends Animal {
  #tricks = [];
  speak() { return `${super.speak()} (woof)`; }
  learn(t) { this.#tricks.push(t); return this; }
  get tricks() { return this.#tricks.length; }
  static create(name) { return super.create(name).learn('sit'); }
}
class HttpError extends Error {
  constructor(status, msg) {
    super(msg);
    this.name = 'HttpError';
    this.status = status;
  }
  describe() { return `${this.name} ${this.status}: ${this.message}`; }
}
export default function main() {
  const d = new Dog('rex');
  d.nickname = 'rexy';
  const f = Dog.create('fido');
  let caught;
  try { throw new HttpError(404, 'not found'); } catch (e) { caught = e; }
  let noNew = false;
  try { Animal('x'); } catch (e) { noNew = e instanceof TypeError; }
  const K = class { m() { return 'k'; } };
  return [d.speak(), d instanceof Animal, d.constructor === Dog, d.nickname, f.tricks, Animal.count, d.legs,
    d.secretLength, d.secret, Object.keys(new Animal('ab')).sort(), caught instanceof HttpError, caught instanceof Error,
    caught.message, caught.describe(), String(caught), noNew, new K().m(), Object.keys(Dog.prototype)];
}
