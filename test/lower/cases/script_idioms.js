// Idioms of real scripts: trailing commas in calls (Prettier's default),
// shorthand properties named get and set, optional and super calls of
// methods a polyfill provides (.at, .values, .entries).
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/trailing_comma_call.js';
import c1 from './lib/audit/tc1.js';
import c2 from './lib/audit/tc3.js';
import c3 from './lib/audit/tc4.js';
import c4 from './lib/audit/shorthand_getset.js';
import c5 from './lib/audit/shorthand_getset2.js';
import c6 from './lib/audit/ident1.js';
import c7 from './lib/audit/at_optcall.js';
import c8 from './lib/audit/optcall2.js';
import c9 from './lib/audit/trig2.js';
import c10 from './lib/audit/trig3.js';
import c11 from './lib/audit/trig4.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['trailing_comma_call', await run(c0)],
    ['tc1', await run(c1)],
    ['tc3', await run(c2)],
    ['tc4', await run(c3)],
    ['shorthand_getset', await run(c4)],
    ['shorthand_getset2', await run(c5)],
    ['ident1', await run(c6)],
    ['at_optcall', await run(c7)],
    ['optcall2', await run(c8)],
    ['trig2', await run(c9)],
    ['trig3', await run(c10)],
    ['trig4', await run(c11)],
  ];
}
// expect: [["trailing_comma_call",3],["tc1",[3,12,3,6,"m",[1,2]]],["tc3",["1.0","function",10,3,[7],6,5]],["tc4",[[1,2],null,[2,3],[1,4],true,[5]]],["shorthand_getset",{"get":1,"set":2}],["shorthand_getset2",["v:x","v:y","v:aset:b1"]],["ident1",["GET /a","GET /b","POST /c {\"a\":1}","async fn 1","async fn 2",["get","set","of","async","from","as","target","new","class","function"],6,1,2,[2,1,2],[0,1,null],[2,9,"T"],"v","K","named async","get method","static static",{"value":"sent","done":true},"GET /d","function",3,28]],["at_optcall",[9,"z","function"]],["optcall2",[[null,8],[null,{"id":8}],[null,{"id":7}]]],["trig2",[5,4,3,3,[[0,1],[1,2],[2,3]]]],["trig3",[3]],["trig4",[[[0,1],[1,2]]]]]
