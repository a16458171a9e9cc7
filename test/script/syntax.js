// syntax.js - a k6 script written in modern JavaScript, one check per
// language feature (named after it), so the runner can tell which feature a
// lowering or run-time gap broke. Every check must pass on every iteration.
// The expected values were computed by running the same code in node 20.
import http from 'k6/http';
import { check, group } from 'k6';
import * as k6 from 'k6';
import greet, { add, PI as pi, counter, inc, Point, renamedSecret } from './lib/helper.js';
import * as helper from './lib/helper.js';
import { helperDefault, sum, shapes, own, add as add2 } from './lib/reexport.js';
import * as re from './lib/reexport.js';

export const options = {
  thresholds: {
    checks: ['rate==1'],
    'http_reqs{feature:tagged}': ['count>=1'],
    'checks{feature:tagged}': ['rate==1'],
    'http_reqs{group:::http::nested}': ['count>=1'],
  },
};

const BASE = __ENV.BASE_URL;

// Compares by JSON so arrays and plain objects compare by value; a failure
// logs what was computed, since a check only records pass or fail.
function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function modules() {
  expect('import default', [greet(), greet('k6')], ['hello world', 'hello k6']);
  expect('import named', add(2, 3), 5);
  expect('import named renamed', pi, 3.14);
  expect('export renamed', renamedSecret, 'helper-default');
  expect('import namespace', [helper.add(1, 1), typeof helper.default, helper.PI], [2, 'function', 3.14]);
  const before = counter;
  inc();
  expect('import live binding', [counter - before, helper.counter === counter], [1, true]);
  expect('import class', new Point(3, 4).norm2(), 25);
  expect('re-export default as name', helperDefault('re'), 'hello re');
  expect('re-export renamed', sum(2, 2), 4);
  expect('export star from', [add2 === add, re.renamedSecret, re.PI], [true, 'helper-default', 3.14]);
  expect('export star skips default', re.default, undefined);
  expect('export star as namespace', [shapes.square(3), re.shapes.cube(2), shapes.NAME], [9, 8, 'shapes']);
  expect('re-export module own export', own, 'reexport-own');
  expect('import namespace of k6 module', [typeof k6.check, typeof k6.group, typeof k6.sleep], ['function', 'function', 'function']);
}

function arrows() {
  const sq = (n) => n * n;
  expect('arrow function expression body', sq(4), 16);
  expect('arrow function object literal body', (() => ({ a: 1 }))().a, 1);
  const obj = {
    v: 42,
    get() {
      return [1].map(() => this.v)[0];
    },
  };
  expect('arrow function lexical this', obj.get(), 42);
  function outer() {
    const f = () => arguments[0];
    return f('ignored');
  }
  expect('arrow function lexical arguments', outer('A'), 'A');
  const curried = (a) => (b) => (c) => a + b + c;
  expect('arrow function currying', curried(1)(2)(3), 6);
}

function scoping() {
  const fns = [];
  for (let i = 0; i < 3; i++) {
    fns.push(() => i);
  }
  expect('let loop closures', fns.map((f) => f()), [0, 1, 2]);
  const fns2 = [];
  for (const k of ['a', 'b']) {
    fns2.push(() => k);
  }
  expect('const for-of closures', fns2.map((f) => f()), ['a', 'b']);
  let x = 1;
  {
    let x = 2;
    x += 1;
  }
  expect('let block scope', x, 1);
  let threw = false;
  try {
    const c = 1;
    c = 2; // eslint-disable-line no-const-assign
  } catch (e) {
    threw = e instanceof TypeError;
  }
  expect('const reassignment throws TypeError', threw, true);
}

function templates() {
  const a = 1;
  const b = 2;
  expect('template literal interpolation', `${a} + ${b} = ${a + b}`, '1 + 2 = 3');
  const multi = `line1
line2`;
  expect('template literal multi-line', multi.split('\n'), ['line1', 'line2']);
  expect('template literal nested', `outer ${`inner ${1 + 1}`}`, 'outer inner 2');
  function tag(strings, ...values) {
    return { strings: [...strings], raw: strings.raw.slice(), values };
  }
  const r = tag`a\n${1}b${'c'}`;
  expect('tagged template strings', r.strings, ['a\n', 'b', '']);
  expect('tagged template raw', r.raw, ['a\\n', 'b', '']);
  expect('tagged template values', r.values, [1, 'c']);
  expect('String.raw', String.raw`x\ty${2}`, 'x\\ty2');
}

function destructuring() {
  const { a, b: renamed, c = 5 } = { a: 1, b: 2 };
  expect('destructuring object with rename and default', [a, renamed, c], [1, 2, 5]);
  const [x, , z = 9, ...others] = [1, 2, undefined, 4, 5];
  expect('destructuring array holes defaults rest', [x, z, others], [1, 9, [4, 5]]);
  const { p: { q: [first, { r }] } } = { p: { q: [10, { r: 'deep' }] } };
  expect('destructuring nested', [first, r], [10, 'deep']);
  function endpoint({ host = 'localhost', port = 80 } = {}) {
    return `${host}:${port}`;
  }
  expect('destructuring parameter defaults', [endpoint(), endpoint({ port: 8080 })], ['localhost:80', 'localhost:8080']);
  function headTail([h, ...t]) {
    return [h, t];
  }
  expect('destructuring array parameter with rest', headTail([1, 2, 3]), [1, [2, 3]]);
  function split({ id, ...rest }) {
    return [id, rest];
  }
  expect('object rest in parameters', split({ id: 1, x: 2, y: 3 }), [1, { x: 2, y: 3 }]);
  const { k1, ...restObj } = { k1: 'one', k2: 'two', k3: 'three' };
  expect('object rest in declaration', [k1, restObj], ['one', { k2: 'two', k3: 'three' }]);
  let m = 1;
  let n = 2;
  [m, n] = [n, m];
  expect('destructuring swap', [m, n], [2, 1]);
  let out = '';
  for (const { num, s = '?' } of [{ num: 1 }, { num: 2, s: 'x' }]) {
    out += `${num}${s}`;
  }
  expect('destructuring in for-of', out, '1?2x');
  const key = 'dyn';
  const { [key]: dv } = { dyn: 7 };
  expect('destructuring computed key', dv, 7);
}

function spreadRest() {
  function sumAll(...nums) {
    return nums.reduce((acc, v) => acc + v, 0);
  }
  expect('rest parameters', sumAll(1, 2, 3, 4), 10);
  expect('array spread', [...[1, 2], 3], [1, 2, 3]);
  expect('call spread', Math.max(...[1, 5, 3]), 5);
  expect('new with spread', new Point(...[6, 8]).norm2(), 100);
  expect('spread string by code points', [...'a\u{1F600}b'].length, 3);
  expect('spread Set', [...new Set([1, 1, 2])], [1, 2]);
  expect('spread Map', [...new Map([['k', 'v']])], [['k', 'v']]);
  const base = { a: 1, b: 2 };
  expect('object spread', { ...base, b: 3, ...null, c: 4 }, { a: 1, b: 3, c: 4 });
  const copy = { ...base };
  copy.a = 99;
  expect('object spread copies', base.a, 1);
  const k = 'key';
  const short = 5;
  expect('object literal shorthand and computed keys', { short, [`${k}1`]: 1, m() { return 'm'; } }.m() + short, 'm5');
}

function defaults() {
  function dp(a, b = a * 2, c = b + 1) {
    return [a, b, c];
  }
  expect('default parameters', [dp(1), dp(1, undefined, 0), dp(1, null)], [[1, 2, 3], [1, 2, 0], [1, null, 1]]);
  expect('default parameter function length', dp.length, 1);
}

class Animal {
  static count = 0;
  #secret;
  legs = 4;

  constructor(name) {
    this.name = name;
    this.#secret = name.length;
    Animal.count++;
  }

  speak() {
    return `${this.name} makes a sound`;
  }

  get secretLength() {
    return this.#secret;
  }

  set nickname(v) {
    this._nick = v.toUpperCase();
  }

  get nickname() {
    return this._nick;
  }

  static create(name) {
    return new this(name);
  }
}

class Dog extends Animal {
  #tricks = [];

  speak() {
    return `${super.speak()} (woof)`;
  }

  learn(t) {
    this.#tricks.push(t);
    return this;
  }

  get tricks() {
    return this.#tricks.length;
  }

  static create(name) {
    return super.create(name).learn('sit');
  }
}

class HttpError extends Error {
  constructor(status, msg) {
    super(msg);
    this.name = 'HttpError';
    this.status = status;
  }

  describe() {
    return `${this.name} ${this.status}: ${this.message}`;
  }
}

function classes() {
  const d = new Dog('rex');
  expect('class extends and super method', d.speak(), 'rex makes a sound (woof)');
  expect('class instanceof chain', [d instanceof Dog, d instanceof Animal, d.constructor === Dog], [true, true, true]);
  d.nickname = 'rexy';
  expect('class getter and setter', d.nickname, 'REXY');
  const f = Dog.create('fido');
  expect('class static method inherited via super', [f instanceof Dog, f.tricks], [true, 1]);
  const before = Animal.count;
  new Animal('x'); // eslint-disable-line no-new
  expect('class static field', Animal.count - before, 1);
  expect('class public field', [d.legs, new Animal('a').legs], [4, 4]);
  expect('class private field', [d.secretLength, d.secret], [3, undefined]);
  expect('class private field not enumerable', Object.keys(new Animal('ab')).sort(), ['legs', 'name']);
  expect('class private field per instance', [d.learn('a').learn('b').tricks, new Dog('z').tricks], [2, 0]);
  const K = class {
    m() {
      return 'k';
    }
  };
  expect('class expression', new K().m(), 'k');
  let caught = null;
  try {
    throw new HttpError(404, 'not found');
  } catch (e) {
    caught = e;
  }
  expect('class extends Error', [
    caught instanceof HttpError,
    caught instanceof Error,
    caught.message,
    caught.describe(),
    String(caught),
  ], [true, true, 'not found', 'HttpError 404: not found', 'HttpError: not found']);
}

function forOf() {
  let total = 0;
  for (const v of [1, 2, 3]) {
    total += v;
  }
  expect('for-of array', total, 6);
  const chars = [];
  for (const ch of 'ab\u{1F600}') {
    chars.push(ch);
  }
  expect('for-of string', chars.length, 3);
  let mapped = '';
  const map = new Map([['a', 1], ['b', 2]]);
  for (const [k, v] of map) {
    mapped += `${k}${v}`;
  }
  expect('for-of Map', mapped, 'a1b2');
  expect('Map keys values entries', [[...map.keys()], [...map.values()], [...map.entries()]], [['a', 'b'], [1, 2], [['a', 1], ['b', 2]]]);
  let setOut = '';
  for (const s of new Set(['x', 'y', 'x'])) {
    setOut += s;
  }
  expect('for-of Set', setOut, 'xy');
  const range = {
    from: 1,
    to: 3,
    [Symbol.iterator]() {
      let cur = this.from;
      const last = this.to;
      return { next: () => (cur <= last ? { value: cur++, done: false } : { value: undefined, done: true }) };
    },
  };
  const got = [];
  for (const v of range) {
    got.push(v);
  }
  expect('for-of custom iterable', got, [1, 2, 3]);
  let broke = 0;
  for (const v of [1, 2, 3, 4]) {
    if (v === 3) break;
    broke = v;
  }
  expect('for-of break', broke, 2);
}

function optionalAndNullish() {
  const cfg = { a: { b: { c: 1 } }, list: [10], fn: () => 'called', zero: 0, empty: '' };
  expect('optional chaining property', cfg?.a?.b?.c, 1);
  expect('optional chaining short-circuit', cfg.x?.y.z, undefined);
  expect('optional chaining index', [cfg.list?.[0], cfg.nolist?.[0]], [10, undefined]);
  expect('optional chaining call', [cfg.fn?.(), cfg.nofn?.()], ['called', undefined]);
  const nothing = null;
  expect('optional chaining on null', nothing?.x, undefined);
  expect('nullish coalescing null and undefined', [nothing ?? 'd', undefined ?? 'e'], ['d', 'e']);
  expect('nullish coalescing keeps falsy', [cfg.zero ?? 5, cfg.empty ?? 'x', false ?? true], [0, '', false]);
  expect('optional chaining with nullish coalescing', cfg.missing?.v ?? 'fallback', 'fallback');
}

function httpGroups() {
  group('http', () => {
    const res = http.get(`${BASE}/get`, { tags: { feature: 'tagged' } });
    check(res, { 'http get in group': (r) => r.status === 200 }, { feature: 'tagged' });
    group('nested', () => {
      const r2 = http.get(`${BASE}/get?q=nested`);
      check(r2, { 'http get in nested group': (r) => r.json('args.q') === 'nested' });
    });
  });
  const value = group('returns', () => 'group value');
  expect('group returns callback value', value, 'group value');
}

async function promises() {
  const resolveWith = (v) => new Promise((resolve) => resolve(v));
  async function compute() {
    const a = await resolveWith(1);
    const b = await Promise.resolve(2);
    return a + b;
  }
  expect('async/await value', await compute(), 3);
  expect('Promise.all', await Promise.all([resolveWith(1), 2, compute()]), [1, 2, 3]);
  expect('Promise.race', await Promise.race([resolveWith('first'), new Promise(() => {})]), 'first');
  let message = null;
  try {
    await Promise.reject(new Error('nope'));
  } catch (e) {
    message = e.message;
  }
  expect('await rejected promise caught', message, 'nope');
  expect('Promise then chain', await resolveWith(2).then((v) => v * 10).then((v) => v + 1), 21);
  const caught = await Promise.reject(new Error('c')).catch((e) => `caught ${e.message}`);
  expect('Promise catch', caught, 'caught c');
  const order = [];
  const p = Promise.resolve().then(() => order.push('micro'));
  order.push('sync');
  await p;
  expect('Promise microtask ordering', order, ['sync', 'micro']);
  const double = async (x) => x * 2;
  expect('async arrow function', await double(4), 8);
  let fin = false;
  await resolveWith(0).finally(() => {
    fin = true;
  });
  expect('Promise finally', fin, true);
}

export default async function () {
  modules();
  arrows();
  scoping();
  templates();
  destructuring();
  spreadRest();
  defaults();
  classes();
  forOf();
  optionalAndNullish();
  httpGroups();
  await promises();
  expect('check after await', __ITER >= 0, true);
}
