// harness.js - PROTOTYPE: lowers ES modules with lower.js (or takes Babel's
// output) and runs them as CommonJS in the same Duktape heap, then prints the
// JSON of what the entry module's default export returns (awaited).
// Run: dukrun <prelude chunks> acorn.js runtime.js lower.js harness.js -- MODE ENTRY
//   MODE: fast (lower.js) | pre (ENTRY and its imports are already lowered
//   files named <file>.low.js) | mixed (<file>.low.js where it exists, else
//   lower.js: modules of one test lowered by different engines)
var mode = __args[0], entry = __args[1];
var cache = {}, stats = { lowerMs: 0, lines: 0 };
var checks = { pass: 0, fail: [] };
var __VU = 1;
var __ENV = { BASE_URL: "http://127.0.0.1:1" }, __ITER = 0;
var console = { log: print, error: print, warn: print };
var natives = {
	'k6': { __esModule: true, check: function (v, sets) { var ok = true; for (var k in sets) { var r = !!sets[k](v); if (r) checks.pass++; else checks.fail.push(k); ok = r && ok; } return ok; },
		group: function (n, f) { return f(); }, sleep: function () {} },
	'k6/http': { __esModule: true, 'default': { get: function (u) { return { status: 200, body: 'x', url: u, json: function () { return 'nested'; } }; } } }
};
natives['k6'].default = natives['k6'];
function dirname(p) { return p.replace(/\/[^\/]*$/, ''); }
function resolve(from, spec) {
	if (natives[spec]) return spec;
	var parts = (dirname(from) + '/' + spec).split('/'), out = [];
	parts.forEach(function (s) { if (s === '..') out.pop(); else if (s !== '.' && s !== '') out.push(s); });
	return '/' + out.join('/');
}
function load(path) {
	if (natives[path]) return natives[path];
	if (cache[path]) return cache[path].exports;
	var mod = { exports: {} };
	cache[path] = mod;
	var code;
	var pre = null;
	if (mode === 'mixed') { try { pre = __read(path + '.low.js'); } catch (e) { pre = null; } }
	if (mode === 'fast' || (mode === 'mixed' && pre === null)) {
		var src = __read(path), t = __now();
		try {
			code = K6cLower.lower(src);
		} catch (e) {
			if (e instanceof K6cLower.K6cDecline) { print('DECLINE ' + path + ': ' + e); throw e; }
			if (e && e.line) { print(path + ':' + e.line + ':' + (e.column + 1) + ': SyntaxError: ' + e.message); throw e; }
			throw e;
		}
		stats.lowerMs += __now() - t;
		stats.lines += src.split('\n').length;
		if (this.__DUMP) print(code);
	} else code = pre !== null ? pre : __read(path + '.low.js');
	var f = __compile('(function (exports, require, module) {' + code + '\n})', path)();
	f(mod.exports, function (spec) { return load(resolve(path, spec)); }, mod);
	return mod.exports;
}
var result, error = null, m = load(entry[0] === '/' ? entry : '/' + entry);
var r = m['default']();
if (r && typeof r.then === 'function') r.then(function (v) { result = v; }, function (e) { error = e; });
else result = r;
if (typeof __k6c_drain_jobs === 'function') while (__k6c_drain_jobs() > 0) {}
if (error) print('ERROR ' + (error && error.stack || error));
print(JSON.stringify(result));
if (checks.pass || checks.fail.length) print('checks: ' + checks.pass + ' passed, failed: ' + JSON.stringify(checks.fail));
if (this.__STATS) print('lowered ' + stats.lines + ' lines in ' + stats.lowerMs.toFixed(1) + ' ms');
