// Helper module for syntax.js: default, named, renamed and mutable exports.
export const PI = 3.14;
export let counter = 0;

export function add(a, b) {
  return a + b;
}

export function inc() {
  counter += 1;
  return counter;
}

export class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
  norm2() {
    return this.x * this.x + this.y * this.y;
  }
}

const secret = 'helper-default';
export { secret as renamedSecret };

export default function greet(name = 'world') {
  return `hello ${name}`;
}
