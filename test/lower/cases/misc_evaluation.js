// Template substitutions convert in order, (a?.f)() keeps a, new tag`x`,
// function length after a pattern, locals named like globals the output
// uses, renamed block functions keep their name, empty object patterns.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/tpl_order.js';
import c1 from './lib/audit/optcall_paren.js';
import c2 from './lib/audit/new_tagged.js';
import c3 from './lib/audit/fn_length.js';
import c4 from './lib/audit/shadow_globals.js';
import c5 from './lib/audit/blockfn_name.js';
import c6 from './lib/audit/empty_objpat1.js';
import c7 from './lib/audit/empty_objparam.js';
import c8 from './lib/audit/empty_objpat.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['tpl_order', await run(c0)],
    ['optcall_paren', await run(c1)],
    ['new_tagged', await run(c2)],
    ['fn_length', await run(c3)],
    ['shadow_globals', await run(c4)],
    ['blockfn_name', await run(c5)],
    ['empty_objpat1', await run(c6)],
    ['empty_objparam', await run(c7)],
    ['empty_objpat', await run(c8)],
  ];
}
// known-babel: Babel's rest-parameter helper breaks under a local named Array, and it renames block functions
// expect: [["tpl_order",["AF",["a","f"]]],["optcall_paren",[3,3,3]],["new_tagged",["object","x"]],["fn_length",[2,3,2]],["shadow_globals",[[[1,2],"mine"],[1,{"b":2},"S"],[1,"s"]]],["blockfn_name",["f","g","g"]],["empty_objpat1","TypeError"],["empty_objparam","TypeError"],["empty_objpat",["TypeError","TypeError","TypeError"]]]
