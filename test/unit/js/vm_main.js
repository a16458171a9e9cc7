import http from 'k6/http';
import { check, group } from 'k6';
import { greet, LIMIT } from './lib/vm_helper.js';
import * as helper from './lib/vm_helper.js';

const text = open('./vm_data.txt');
const bytes = open('vm_data.txt', 'b');

export const options = {
  vus: 2,
  iterations: 4,
  ext: { greeting: greet('k6c'), limit: LIMIT, text: text, nbytes: bytes.byteLength, ns: typeof helper.greet },
};

export function setup() {
  return { token: 'abc', n: 3 };
}

export default function (data) {
  group('g', () => {
    check(data, { 'token passed': (d) => d.token === 'abc' && d.n === 3 });
  });
}

export function teardown(data) {
  console.log('teardown token', data.token);
}
