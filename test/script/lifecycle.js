// lifecycle.js - init, setup, default and teardown: setup data reaches
// every iteration and teardown, console.* levels reach the log callback,
// __VU and __ITER, open() of fixtures relative to this script, nested group
// paths, group() return values, and fail() ending just its iteration.
import { check, group, fail } from 'k6';

const text = open('./fixtures/data.txt');
const bin = open('./fixtures/binary.bin', 'b');

export function setup() {
  console.log(`setup __VU=${__VU}`);
  return { token: 'abc', list: [1, 2, 3], nested: { ok: true } };
}

export default function (data) {
  console.log(`iteration vu=${__VU} iter=${__ITER}`);
  check(data, {
    'setup data token': (d) => d.token === 'abc',
    'setup data nested': (d) => d.list.length === 3 && d.nested.ok === true,
  });
  check(text, { 'open text fixture': (t) => t === 'line one\nline two: fixture data\n' });
  check(bin, {
    'open binary fixture': (b) => b instanceof ArrayBuffer && b.byteLength === 6 &&
      new Uint8Array(b)[3] === 255 && new Uint8Array(b)[0] === 65,
  });
  const value = group('outer', () => group('inner', () => {
    check(1, { 'nested group check': (v) => v === 1 });
    return 'inner value';
  }));
  check(value, { 'group returns value': (v) => v === 'inner value' });
  if (__ITER === 1) {
    fail('fail() on iteration 1');
  }
  check(__ITER, { 'after fail': (i) => i !== 1 });
}

export function teardown(data) {
  console.log(`teardown token=${data.token} list=${data.list.join(',')}`);
  console.info('info level line');
  console.warn('warn level line');
  console.error('error level line');
}
