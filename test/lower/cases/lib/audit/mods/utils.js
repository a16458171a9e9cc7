export const VERSION = '1.0';
export let counter = 0;
export function inc() { return ++counter; }
export default function formatUser({ first, last = '' }) { return `${first} ${last}`.trim(); }
export class Cfg { static env = 'dev'; }
export const { a: alpha, b: [beta] } = { a: 'A', b: ['B'] };
export * as ns from './consts.js';
