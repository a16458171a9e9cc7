// Static fields and blocks run once every member is defined and every key
// computed; derived constructors' returns, a second super(), built-in
// parents such as Date, getters reached through super, a read-only
// prototype, and temporaries in field initialisers and static blocks.
// (Each program under lib/audit/ is a finding of an audit against node.)
import c0 from './lib/audit/static_order.js';
import c1 from './lib/audit/classes1.js';
import c2 from './lib/audit/static_field_vs_getter.js';
import c3 from './lib/audit/static_get_name.js';
import c4 from './lib/audit/derived_return_obj.js';
import c5 from './lib/audit/derived_return_prim.js';
import c6 from './lib/audit/derived_err_return_undef.js';
import c7 from './lib/audit/super_twice.js';
import c8 from './lib/audit/super_getter_call.js';
import c9 from './lib/audit/extends_builtins.js';
import c10 from './lib/audit/class_proto_ro.js';
import c11 from './lib/audit/field_nullish1.js';
import c12 from './lib/audit/static_block_forof.js';
async function run(f) { try { return await f(); } catch (e) { return 'threw ' + (e && e.name); } }
export default async function () {
  return [
    ['static_order', await run(c0)],
    ['classes1', await run(c1)],
    ['static_field_vs_getter', await run(c2)],
    ['static_get_name', await run(c3)],
    ['derived_return_obj', await run(c4)],
    ['derived_return_prim', await run(c5)],
    ['derived_err_return_undef', await run(c6)],
    ['super_twice', await run(c7)],
    ['super_getter_call', await run(c8)],
    ['extends_builtins', await run(c9)],
    ['class_proto_ro', await run(c10)],
    ['field_nullish1', await run(c11)],
    ['static_block_forof', await run(c12)],
  ];
}
// known-babel: Babel 7.20 lets a derived constructor call super() twice without the ReferenceError
// expect: [["static_order",1],["classes1",["k1","k2","k3","k4","sinit3","block","mid","init2"]],["static_field_vs_getter",1],["static_get_name","N"],["derived_return_obj",[true,false,1]],["derived_return_prim","TypeError"],["derived_err_return_undef",["msg",7,true,true]],["super_twice",[2,"ReferenceError"]],["super_getter_call","inst"],["extends_builtins",[["Date",[1970,true]],["Map",[2,1,true]],["Array",[3,2,true,true]],["Promise",[true,true]],["RegExp",[true,true]]]],["class_proto_ro",["TypeError",false,[],false]],["field_nullish1",1],["static_block_forof",[1,2]]]
