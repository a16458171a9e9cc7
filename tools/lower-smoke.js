/*
 * lower-smoke.js - build-time check of the fast lowerer image (acorn +
 * lib/engine/js/lower/lower.js, run by tools/js-bytecode.c in a fresh heap
 * after loading the dump): lowers one module and evaluates to acorn's
 * version, which the lowering cache key records.
 */
(function () {
	var code = K6cLower.lower('export default (a) => a ?? 1;\nconst { b, ...c } = globalThis;\n');
	if (code.indexOf('exports') < 0 || code.indexOf('=>') >= 0 || code.split('\n').length !== 3)
		throw new Error('unexpected output: ' + code);
	return 'acorn ' + acorn.version;
})()
