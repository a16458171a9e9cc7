// k6/data SharedArray across VUs: each function runs once per test (the
// BUILD lines are counted by test_engine_stdmods.c), every VU reads the
// same elements, elements are fresh deep-frozen copies, writes throw, and
// length, indexes, iteration and the Array.prototype methods work.
import { SharedArray } from 'k6/data';
import { sleep } from 'k6';
import { eq, ok, throws, done } from './lib/stdmods_assert.js';

const users = new SharedArray('users', function () {
  console.log('BUILD users');
  const a = [];
  for (let i = 0; i < 1000; i++)
    a.push({ id: i, name: 'user' + i, tags: ['t' + (i % 3)], nested: { deep: { n: i } } });
  return a;
});
// The same name gives the same data; this function never runs.
const again = new SharedArray('users', () => {
  console.log('BUILD users again');
  return [];
});
const mixed = new SharedArray('mixed', () => {
  console.log('BUILD mixed');
  return [1, 'two', null, true, [3], { four: 4 }, undefined, () => 5, 'ü😀'];
});
const empty = new SharedArray('empty', () => {
  console.log('BUILD empty');
  return [];
});

// VU 0 (which runs the init code while the test loads) does not construct
// this one, so the VUs race for it: the first builds it while sleeping in
// its function (so VUs of the same worker run meanwhile), the others wait.
let late = null;
if (__VU > 0) {
  late = new SharedArray('late', () => {
    console.log('BUILD late ' + __VU);
    sleep(0.3);
    return [__VU];
  });
}

function err(fn) {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return String(e);
  }
}

// Constructor errors, checked once: in the heap whose init runs first
// (the program's load), the one that builds this marker. (VU 0 runs the
// init code again for setup and teardown, when 'throws' exists already.)
let first = false;
new SharedArray('first init', () => {
  first = true;
  return [];
});
if (first) {
  eq('empty name', err(() => new SharedArray('', () => [])), "Error: empty name provided to SharedArray's constructor");
  eq('no function', err(() => new SharedArray('nofn')), "Error: a function is expected as the second argument of SharedArray's constructor");
  eq('not an array', err(() => new SharedArray('notarray', () => ({ length: 1 }))), 'Error: only arrays can be made into SharedArray');
  eq('async function', err(() => new SharedArray('async', async () => [])), 'Error: SharedArray constructor does not support async functions as second argument');
  eq('function throws', err(() => new SharedArray('throws', () => { throw new Error('boom in fn'); })), 'Error: boom in fn');
  ok('cyclic element', err(() => new SharedArray('cyclic', () => { const o = {}; o.o = o; return [o]; })).indexOf('TypeError') === 0);
  eq('constructed by its own function', err(() => new SharedArray('self', () => { new SharedArray('self', () => []); return []; })), "Error: SharedArray 'self' is constructed again by its own function");
  // A failed build leaves nothing behind: the next constructor runs its function.
  const retried = new SharedArray('throws', () => ['second try']);
  eq('retried after a throw', retried[0], 'second try');
  done('data-init');
}

export default function () {
  eq('length', users.length, 1000);
  eq('element', JSON.stringify(users[7]), '{"id":7,"name":"user7","tags":["t1"],"nested":{"deep":{"n":7}}}');
  eq('last element', users[999].name, 'user999');
  eq('string index', users['42'].id, 42);
  eq('out of range', users[1000], undefined);
  eq('negative index', users[-1], undefined);
  eq('fractional index', users[1.5], undefined);
  eq('non-canonical index string', users['07'], undefined);
  eq('same name, same data', again.length, 1000);
  eq('same name, same element', again[3].name, 'user3');
  ok('Array.isArray', Array.isArray(users));

  // Fresh, deep-frozen copies.
  ok('element frozen', Object.isFrozen(users[0]));
  ok('nested object frozen', Object.isFrozen(users[0].nested.deep));
  ok('nested array frozen', Object.isFrozen(users[0].tags));
  ok('a new copy per access', users[0] !== users[0]);
  throws('element is read-only', () => { users[0].id = 5; }, 'TypeError');
  eq('element unchanged', users[0].id, 0);

  // Writes to the array itself.
  throws('index write', () => { users[0] = 1; }, 'SharedArray is immutable', 'TypeError');
  throws('new index write', () => { users[5000] = 1; }, 'SharedArray is immutable', 'TypeError');
  throws('length write', () => { users.length = 0; }, 'SharedArray is immutable', 'TypeError');
  throws('push', () => users.push({}), 'SharedArray is immutable', 'TypeError');
  throws('delete', () => { delete users[0]; }, 'SharedArray is immutable', 'TypeError');
  throws('property write', () => { users.extra = 1; }, 'SharedArray is immutable', 'TypeError');
  eq('still 1000', users.length, 1000);

  // Iteration and array methods.
  let sum = 0;
  let count = 0;
  for (const u of users) {
    sum += u.id;
    count++;
  }
  eq('for...of count', count, 1000);
  eq('for...of sum', sum, 499500);
  let fsum = 0;
  users.forEach((u, i) => { fsum += u.nested.deep.n + i; });
  eq('forEach', fsum, 999000);
  eq('map', users.map((u) => u.id).slice(0, 3).join(','), '0,1,2');
  eq('filter', users.filter((u) => u.tags[0] === 't2').length, 333);
  eq('reduce', users.reduce((s, u) => s + u.id, 0), 499500);
  eq('find', users.find((u) => u.name === 'user500').id, 500);
  eq('findIndex', users.findIndex((u) => u.id === 12), 12);
  ok('some', users.some((u) => u.id === 999));
  ok('every', users.every((u) => u.id >= 0));
  eq('slice', JSON.stringify(users.slice(998)), JSON.stringify([users[998], users[999]]));
  eq('indexOf primitive', mixed.indexOf('two'), 1);
  eq('includes primitive', mixed.includes(true), true);
  eq('join', mixed.slice(0, 4).join('|'), '1|two||true');
  const [a, b] = users;
  eq('destructuring', a.id + b.id, 1);
  eq('spread', [...mixed].length, 9);
  eq('Array.from', Array.from(users).length, 1000);
  ok('in: index', 5 in users);
  ok('in: past the end', !(1000 in users));
  ok('in: length', 'length' in users);
  eq('for...of empty', (() => { let n = 0; for (const x of empty) n++; return n; })(), 0);
  eq('empty length', empty.length, 0);

  // Element kinds: JSON's, as k6 stores them.
  eq('mixed JSON', JSON.stringify(mixed), '[1,"two",null,true,[3],{"four":4},null,null,"ü😀"]');
  eq('mixed undefined', mixed[6], undefined);
  eq('mixed function', mixed[7], undefined);
  eq('mixed non-BMP string', mixed[8], 'ü😀');
  eq('mixed non-BMP length', mixed[8].length, 3);

  throws('outside init', () => new SharedArray('later', () => []), 'new SharedArray must be called in the init context');
  console.log('LATE ' + late[0]);
  done('data');
}
