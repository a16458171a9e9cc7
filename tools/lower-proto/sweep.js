// sweep.js - PROTOTYPE: lowers every file given and compiles the output in
// Duktape (no run): counts declines, lowering crashes and output that Duktape
// rejects. Run: dukrun acorn.js lower.js sweep.js -- FILE...
var n = { ok: 0, decline: 0, syntax: 0, crash: 0, badout: 0 }, ms = 0, lines = 0;
__args.forEach(function (f) {
	var s = __read(f), t = __now(), out;
	try { out = K6cLower.lower(s); }
	catch (e) {
		if (e instanceof K6cLower.K6cDecline) { n.decline++; print('DECLINE ' + f + ': ' + e); }
		else if (e && e.line) { n.syntax++; print('SYNTAX ' + f + ':' + e.line + ':' + (e.column + 1) + ': SyntaxError: ' + e.message); }
		else { n.crash++; print('CRASH ' + f + ': ' + (e && e.stack || e)); }
		return;
	}
	ms += __now() - t; lines += s.split('\n').length;
	try { __compile('(function (exports, require, module) {' + out + '\n})', f); n.ok++; }
	catch (e) { n.badout++; print('BADOUT ' + f + ': ' + e); }
});
print(JSON.stringify(n) + ', ' + lines + ' lines lowered in ' + ms.toFixed(0) + ' ms');
