// bench-lower.js - PROTOTYPE: time and memory of acorn parse + lower.js per
// file. Run: dukrun acorn.js lower.js bench-lower.js -- FILE...
__args.forEach(function (f) {
  var s = __read(f), opts = { ecmaVersion: 'latest', sourceType: 'module', locations: true };
  var tp = [], tl = [], out, peak = 0;
  for (var i = 0; i < 5; i++) {
    __gc(); var base = __mem()[0]; __resetPeak();
    var t0 = __now(); acorn.parse(s, opts); var t1 = __now();
    out = K6cLower.lower(s); var t2 = __now();
    peak = Math.max(peak, __mem()[1] - base);
    tp.push(t1 - t0); tl.push(t2 - t1);
  }
  function med(a) { a = a.slice().sort(function (x, y) { return x - y; }); return a[a.length >> 1].toFixed(1); }
  print(f.replace(/.*\//, '') + ' (' + s.split('\n').length + ' lines, ' + s.length + ' B): parse ' + med(tp) + ' ms, parse+lower ' + med(tl) +
        ' ms (median of 5), peak heap +' + (peak / 1024).toFixed(0) + ' KiB, output ' + out.length + ' B');
});
