// Object literals with spreads, accessors and __proto__ evaluate and define
// in source order; object rest copies an own __proto__ key and rejects null;
// a getter can follow a method of the same name.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/spread_getter.js';
import c1 from './lib/audit/objspread_order.js';
import c2 from './lib/audit/proto_literal.js';
import c3 from './lib/audit/proto_order.js';
import c4 from './lib/audit/objrest_proto_key.js';
import c5 from './lib/audit/objrest_null.js';
import c6 from './lib/audit/method_then_getter.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['spread_getter', await run(c0)],
    ['objspread_order', await run(c1)],
    ['proto_literal', await run(c2)],
    ['proto_order', await run(c3)],
    ['objrest_proto_key', await run(c4)],
    ['objrest_null', await run(c5)],
    ['method_then_getter', await run(c6)],
  ];
}
// known-babel: Babel leaves __proto__ in literals to Duktape (an own property) and its object rest assigns an own __proto__ key
// expect: [["spread_getter",[1,2,"function"]],["objspread_order",{"g":1,"n":1}],["proto_literal",[["a","p"],false,true,2,true]],["proto_order",[["p","a"],null]],["objrest_proto_key",[["__proto__"],null,true]],["objrest_null","TypeError"],["method_then_getter","g"]]
