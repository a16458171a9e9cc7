// bench-acorn.js - PROTOTYPE: load/parse time and memory of Debian's acorn in
// libk6c's Duktape. Run: dukrun bench-acorn.js -- ACORN_JS FILE...
var A = __args[0], files = __args.slice(1);
function kib(n) { return (n / 1024).toFixed(0) + ' KiB'; }
__gc(); var m0 = __mem()[0]; __resetPeak();
var src = __read(A);
var t0 = __now();
var fn = __compile(src, 'acorn.js');
var t1 = __now();
fn();
var t2 = __now();
__gc();
var mLoaded = __mem();
print('acorn ' + acorn.version + ': compile ' + (t1 - t0).toFixed(1) + ' ms, run ' + (t2 - t1).toFixed(1) +
      ' ms; heap after load ' + kib(mLoaded[0] - m0) + ' (peak ' + kib(mLoaded[1] - m0) + ')');
var bc = __dump(fn);
var t3 = __now();
var fn2 = __load(bc);
var t4 = __now();
fn2();
var t5 = __now();
print('bytecode ' + kib(bc.length) + ': load ' + (t4 - t3).toFixed(1) + ' ms, run ' + (t5 - t4).toFixed(1) + ' ms');
fn = fn2 = bc = null; __gc();
var opts = { ecmaVersion: 'latest', sourceType: 'module', locations: !!this.__LOC };
files.forEach(function (f) {
  var s = __read(f), lines = s.split('\n').length;
  __gc(); var base = __mem()[0]; __resetPeak();
  var t = __now();
  var ast = acorn.parse(s, opts);
  var first = __now() - t;
  var peakFirst = __mem()[1] - base;
  __gc();
  var kept = __mem()[0] - base;
  ast = null; __gc();
  var n = 10, ts = [];
  for (var i = 0; i < n; i++) { t = __now(); acorn.parse(s, opts); ts.push(__now() - t); }
  ts.sort(function (a, b) { return a - b; });
  print(f.replace(/.*\//, '') + ' (' + lines + ' lines): first parse ' + first.toFixed(1) + ' ms, warm median ' +
        ts[n >> 1].toFixed(1) + ' ms (min ' + ts[0].toFixed(1) + '), peak +' + kib(peakFirst) + ', AST ' + kib(kept));
});
