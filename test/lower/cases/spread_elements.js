// Spread elements take what they iterate when they are evaluated (holes as
// undefined, arguments, typed arrays, an array's own iterator), holes beside
// a spread stay, and calls with spread keep private and optional callees.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/spread_hole.js';
import c1 from './lib/audit/spread_trailing_hole.js';
import c2 from './lib/audit/spread_holes2.js';
import c3 from './lib/audit/spread_mutate.js';
import c4 from './lib/audit/spread_args.js';
import c5 from './lib/audit/spread_typed.js';
import c6 from './lib/audit/arr_custom_iter.js';
import c7 from './lib/audit/optcall_spread.js';
import c8 from './lib/audit/priv_call_spread.js';
import c9 from './lib/audit/priv_call_spread2.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['spread_hole', await run(c0)],
    ['spread_trailing_hole', await run(c1)],
    ['spread_holes2', await run(c2)],
    ['spread_mutate', await run(c3)],
    ['spread_args', await run(c4)],
    ['spread_typed', await run(c5)],
    ['arr_custom_iter', await run(c6)],
    ['optcall_spread', await run(c7)],
    ['priv_call_spread', await run(c8)],
    ['priv_call_spread2', await run(c9)],
  ];
}
// known-babel: Babel 7.20's spread reads an array after the later arguments ran and ignores an array's own iterator
// expect: [["spread_hole",[3,false,[1,null,3]]],["spread_trailing_hole",[2,2]],["spread_holes2",[true,true,2]],["spread_mutate",[[1,2],[1,2]]],["spread_args",[[1,2],[1,2]]],["spread_typed",[5,6]],["arr_custom_iter",[["custom"],"custom",["custom"]]],["optcall_spread",[3,3]],["priv_call_spread","private2"],["priv_call_spread2","private2"]]
