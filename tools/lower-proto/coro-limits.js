// coro-limits.js - PROTOTYPE: limits and costs of Duktape.Thread as the base
// of lowered generators/async functions. Run after runtime.js:
//   dukrun <prelude chunks> runtime.js coro-limits.js
function tryit(name, f) {
	try { print(name + ': ok ' + JSON.stringify(f())); } catch (e) { print(name + ': ' + String(e)); }
}
// 1. yield from a callback that a native function calls, inside the coroutine
tryit('yield inside forEach callback', function () {
	var g = __k6c_gen(function () { [1, 2].forEach(function (v) { __k6c_yield(v); }); }, null, []);
	return [g.next(), g.next()];
});
tryit('yield inside .call()ed function', function () {
	var g = __k6c_gen(function () { (function (v) { __k6c_yield(v); }).call(null, 7); }, null, []);
	return [g.next()];
});
tryit('yield inside a getter', function () {
	var o = { get x() { return __k6c_yield(3); } };
	var g = __k6c_gen(function () { return o.x; }, null, []);
	return [g.next()];
});
tryit('yield inside a constructor (new)', function () {
	function C() { this.v = __k6c_yield(4); }
	var g = __k6c_gen(function () { return new C(); }, null, []);
	return [g.next()];
});
tryit('yield inside a Proxy trap', function () {
	var p = new Proxy({}, { get: function () { return __k6c_yield(5); } });
	var g = __k6c_gen(function () { return p.x; }, null, []);
	return [g.next()];
});
// 2. resume from inside a native callback
tryit('next() inside a sort comparator', function () {
	var g = __k6c_gen(function () { __k6c_yield(1); __k6c_yield(2); }, null, []);
	var seen = [];
	[3, 1, 2].sort(function (a, b) { seen.push(g.next().value); return a - b; });
	return seen;
});
tryit('next() inside a JSON.parse reviver', function () {
	var g = __k6c_gen(function () { __k6c_yield('r'); }, null, []);
	return JSON.parse('{"a":1}', function (k, v) { return k === 'a' ? g.next().value : v; });
});
// 3. nesting depth: generator resumed from a generator resumed from ...
function nest(d) { return __k6c_gen(function () { if (d === 0) { __k6c_yield(0); return; } var i = nest(d - 1), s; while (!(s = i.next()).done) __k6c_yield(s.value + 1); }, null, []); }
[10, 100, 200, 500, 1000].forEach(function (d) { tryit('nested yield* depth ' + d, function () { return nest(d).next().value; }); });
// 4. memory per suspended generator and per pending async function
__gc();
var m0 = __mem()[0], keep = [];
for (var i = 0; i < 1000; i++) { var g = __k6c_gen(function (a) { var x = a * 2; __k6c_yield(x); return x; }, null, [i]); g.next(); keep.push(g); }
__gc();
print('suspended generator: ' + ((__mem()[0] - m0) / 1000).toFixed(0) + ' B each (1000 alive)');
keep = []; __gc();
m0 = __mem()[0];
var never = new Promise(function () {});
for (i = 0; i < 1000; i++) keep.push(__k6c_async(function () { __k6c_await(never); }, null, []));
__gc();
print('pending async function: ' + ((__mem()[0] - m0) / 1000).toFixed(0) + ' B each (1000 alive, incl. its promise)');
keep = []; __gc();
m0 = __mem()[0];
for (i = 0; i < 1000; i++) { var it = (function (a) { var x = a * 2; return { next: function () { return { value: x, done: false }; } }; })(i); it.next(); keep.push(it); }
__gc();
print('for scale, a closure-based iterator object: ' + ((__mem()[0] - m0) / 1000).toFixed(0) + ' B each');
keep = []; __gc();
// 5. time per next() round trip and per generator creation
var N = 100000, gg = __k6c_gen(function () { for (;;) __k6c_yield(1); }, null, []);
var t = __now();
for (i = 0; i < N; i++) gg.next();
print('next() round trip: ' + ((__now() - t) * 1000 / N).toFixed(2) + ' us');
t = __now();
for (i = 0; i < 10000; i++) __k6c_gen(function () { __k6c_yield(1); }, null, []).next();
print('create + first next(): ' + ((__now() - t) * 1000 / 10000).toFixed(2) + ' us');
var arr = []; for (i = 0; i < 1000; i++) arr.push(i);
t = __now();
for (var r = 0; r < 100; r++) { var sum = 0, s2, it2 = __k6c_iter(arr); while (!(s2 = it2.next()).done) sum += s2.value; }
print('for scale, array iterator step: ' + ((__now() - t) * 1000 / 100000).toFixed(2) + ' us');
