// A module with a live binding, a default export and a re-export, for modules.js.
export let count = 0;
export function bump() { count++; return count; }
export default class Counter { constructor(n) { this.n = n; } }
export { PI as pi } from './consts.js';
export * from './consts.js';
