class P { m() {} }
class C extends P { run() { try { delete super.m; return 'deleted, P.prototype.m is ' + typeof P.prototype.m; } catch (e) { return e.constructor.name; } } }
export default function () { return new C().run(); }
