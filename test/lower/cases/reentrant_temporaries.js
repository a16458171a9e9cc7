// A function's temporaries belong to each call: recursive arrows keep their
// for-of iterators, destructuring temporaries and object-literal home objects
// apart, and so do objects with super methods made in a loop.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/flatten_arrow.js';
import c1 from './lib/audit/forof_recursive_arrow.js';
import c2 from './lib/audit/temp_reentrant.js';
import c3 from './lib/audit/home_arrow.js';
import c4 from './lib/audit/home_loop.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['flatten_arrow', await run(c0)],
    ['forof_recursive_arrow', await run(c1)],
    ['temp_reentrant', await run(c2)],
    ['home_arrow', await run(c3)],
    ['home_loop', await run(c4)],
  ];
}
// known-babel: Babel's object-literal super finds no home object under Duktape's __proto__
// expect: [["flatten_arrow",[1,2,3,4,5,6]],["forof_recursive_arrow",["root","a","a1","b"]],["temp_reentrant",["y0","y1"]],["home_arrow",["A","B"]],["home_loop",["A","B"]]]
