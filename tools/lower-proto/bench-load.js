// bench-load.js - PROTOTYPE: cost of loading lower.js itself.
// Run: dukrun bench-load.js -- lower.js
var s = __read(__args[0]), t0 = __now(), f = __compile(s, 'lower.js'), t1 = __now();
var bc = __dump(f), t2 = __now(); __load(bc); var t3 = __now();
print('lower.js: compile ' + (t1 - t0).toFixed(1) + ' ms, bytecode ' + (bc.length / 1024).toFixed(0) + ' KiB, load ' + (t3 - t2).toFixed(2) + ' ms');
