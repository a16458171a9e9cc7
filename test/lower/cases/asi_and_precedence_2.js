// A statement that ended by ASI still ends when its lowered text could go
// on (a block-body arrow, a bare yield, a private or super postfix update,
// then a line starting with ( [ - or /); new of a private or super member;
// multi-line templates as operands; delete super.x; numeric-separator and
// raw U+2028 keys and strings; super in async arrows.
// (Part 2; each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/new_super_member.js';
import c1 from './lib/audit/new_super_paren.js';
import c2 from './lib/audit/tpl_multiline_member.js';
import c3 from './lib/audit/delete_super.js';
import c4 from './lib/audit/numsep_method_key.js';
import c5 from './lib/audit/ls_string_min.js';
import c6 from './lib/audit/ls_cjs.js';
import c7 from './lib/audit/decl_super.js';
import c8 from './lib/audit/field_async_super.js';
import c9 from './lib/audit/nested_ctx.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['new_super_member', await run(c0)],
    ['new_super_paren', await run(c1)],
    ['tpl_multiline_member', await run(c2)],
    ['delete_super', await run(c3)],
    ['numsep_method_key', await run(c4)],
    ['ls_string_min', await run(c5)],
    ['ls_cjs', await run(c6)],
    ['decl_super', await run(c7)],
    ['field_async_super', await run(c8)],
    ['nested_ctx', await run(c9)],
  ];
}
// expect: [["new_super_member",5],["new_super_paren",[{"a":7},{"b":8},{},{}]],["tpl_multiline_member",[5,"string",2]],["delete_super","ReferenceError"],["numsep_method_key","m"],["ls_string_min",3],["ls_cjs",3],["decl_super",["P","P","P"]],["field_async_super",["P1","S"]],["nested_ctx",[["a0",3,"T","P.m:T",["a1"]],["given",3,"T","P.m:T",["a1"]],["object",2],[5,["C",true]]]]]
