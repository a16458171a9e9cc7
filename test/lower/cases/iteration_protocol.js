// Generators and the iteration protocol: return() on a fresh or finished
// generator, parameters bound at the call, generator objects without own
// properties, non-object results, next() read once, closing an empty
// pattern's iterator, and the body's error winning over return()'s.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/g_return_fresh.js';
import c1 from './lib/audit/gen_default_timing.js';
import c2 from './lib/audit/gen_keys.js';
import c3 from './lib/audit/forof_nonobj.js';
import c4 from './lib/audit/forof_return_nonobj.js';
import c5 from './lib/audit/destr_return_throws.js';
import c6 from './lib/audit/next_cached.js';
import c7 from './lib/audit/empty_arrpat_close.js';
import c8 from './lib/audit/forof_return_throws.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['g_return_fresh', await run(c0)],
    ['gen_default_timing', await run(c1)],
    ['gen_keys', await run(c2)],
    ['forof_nonobj', await run(c3)],
    ['forof_return_nonobj', await run(c4)],
    ['destr_return_throws', await run(c5)],
    ['next_cached', await run(c6)],
    ['empty_arrpat_close', await run(c7)],
    ['forof_return_throws', await run(c8)],
  ];
}
// known-babel: Babel 7.20's helpers accept non-object iterator results, read next() on every step and drop the value of return() on a finished generator
// expect: [["g_return_fresh",[{"value":5,"done":true},{"value":7,"done":true}]],["gen_default_timing",["default","after call","body"]],["gen_keys",[[],"boolean"]],["forof_nonobj","TypeError"],["forof_return_nonobj","TypeError"],["destr_return_throws",["ret","TypeError"]],["next_cached",[0,1,2]],["empty_arrpat_close",1],["forof_return_throws","from body"]]
