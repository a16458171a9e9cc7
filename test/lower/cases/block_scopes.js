// let/const in switch cases and destructured catch parameters are block
// scoped (per iteration in a loop), and a var in a per-iteration loop body
// is still the function's.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/switch_let.js';
import c1 from './lib/audit/switch_let_closure.js';
import c2 from './lib/audit/catch_destr_shadow.js';
import c3 from './lib/audit/catch_destr_closure.js';
import c4 from './lib/audit/loop_var.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['switch_let', await run(c0)],
    ['switch_let_closure', await run(c1)],
    ['catch_destr_shadow', await run(c2)],
    ['catch_destr_closure', await run(c3)],
    ['loop_var', await run(c4)],
  ];
}
// expect: [["switch_let","outer"],["switch_let_closure",[0,10]],["catch_destr_shadow","outer"],["catch_destr_closure",[0,1]],["loop_var",[1,[0,1]]]]
