import { sub } from './vm_sub.js';

export const LIMIT = 10 * 2;

export function greet(name) {
  return `hello ${name}${sub()}`;
}
