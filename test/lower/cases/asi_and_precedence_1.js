// A statement that ended by ASI still ends when its lowered text could go
// on (a block-body arrow, a bare yield, a private or super postfix update,
// then a line starting with ( [ - or /); new of a private or super member;
// multi-line templates as operands; delete super.x; numeric-separator and
// raw U+2028 keys and strings; super in async arrows.
// (Part 1; each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/asi_arrow_paren.js';
import c1 from './lib/audit/asi_arrow_bracket.js';
import c2 from './lib/audit/asi_arrow_minus.js';
import c3 from './lib/audit/asi_arrow_regex.js';
import c4 from './lib/audit/asi_arrow_return.js';
import c5 from './lib/audit/asi_arrow_silent.js';
import c6 from './lib/audit/asi_postfix.js';
import c7 from './lib/audit/asi_yield.js';
import c8 from './lib/audit/new_private_fn2.js';
import c9 from './lib/audit/new_super_fn.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['asi_arrow_paren', await run(c0)],
    ['asi_arrow_bracket', await run(c1)],
    ['asi_arrow_minus', await run(c2)],
    ['asi_arrow_regex', await run(c3)],
    ['asi_arrow_return', await run(c4)],
    ['asi_arrow_silent', await run(c5)],
    ['asi_postfix', await run(c6)],
    ['asi_yield', await run(c7)],
    ['new_private_fn2', await run(c8)],
    ['new_super_fn', await run(c9)],
  ];
}
// expect: [["asi_arrow_paren",["iife"]],["asi_arrow_bracket",["forEach1","forEach2"]],["asi_arrow_minus",["function","function"]],["asi_arrow_regex","function"],["asi_arrow_return",["function","function"]],["asi_arrow_silent",["function",0]],["asi_postfix",[1,null,["iife1","fe2"]]],["asi_yield",["iife"]],["new_private_fn2",{"a":6}],["new_super_fn",{"a":7}]]
