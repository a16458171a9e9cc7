import { a } from './vm_cycle_a.js';
export function b() { return 'b'; }
export function callA() { return a(); }
