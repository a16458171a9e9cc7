// Modules: named, default and namespace imports, live bindings, re-exports.
import Counter, { count, bump, pi } from './lib/counter.js';
import * as ns from './lib/counter.js';
export const exported = 'x';
export default function () {
  const before = count;
  bump();
  bump();
  return [before, count, ns.count, pi, ns.E, new Counter(4).n, Object.keys(ns).sort(), typeof ns.default];
}
// expect: [0,2,2,3,2,4,["E","PI","bump","count","default","pi"],"function"]
