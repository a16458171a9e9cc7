// bench-babel.js - PROTOTYPE: the current path (Babel standalone, patched as
// lib/engine does, options of lib/engine/lower.c) in the same driver, for a
// same-conditions comparison with bench-lower.js.
// Run: dukrun bench-babel.js -- BUILD/lib/engine/babel-duk.js FILE...
var opts = {presets: [['env', {targets: {ie: 11}, modules: 'commonjs', exclude: ['transform-typeof-symbol']}]],
  sourceType: 'module', retainLines: true, babelrc: false, configFile: false, compact: false, comments: false, highlightCode: false};
var src = __read(__args[0]);
var t0 = __now(), f = __compile(src, 'babel.js'), t1 = __now();
var bc = __dump(f); f = null; src = null; __gc();
var t2 = __now(), g = __load(bc), t3 = __now(); g(); var t4 = __now();
bc = g = null; __gc();
print('babel: compile ' + (t1 - t0).toFixed(0) + ' ms; from bytecode: load ' + (t3 - t2).toFixed(0) + ' ms + run ' + (t4 - t3).toFixed(0) + ' ms; heap ' + (__mem()[0] / 1048576).toFixed(1) + ' MiB');
__args.slice(1).forEach(function (file) {
  var s = __read(file), ts = [];
  __resetPeak(); var base = __mem()[0];
  for (var i = 0; i < 3; i++) { var t = __now(); Babel.transform(s, opts); ts.push(__now() - t); }
  print(file.replace(/.*\//, '') + ': first ' + ts[0].toFixed(0) + ' ms, then ' + ts.slice(1).map(function (x) { return x.toFixed(0); }).join(', ') + ' ms; peak heap +' + ((__mem()[1] - base) / 1048576).toFixed(1) + ' MiB');
});
