/*
 * babel-smoke.js - build-time check of the Babel image (run by
 * tools/js-bytecode.c in a fresh heap after loading the dump): lowers one
 * module with lower.c's kind of options and evaluates to Babel's version.
 */
(function () {
	var r = Babel.transform('export default (a) => a ?? 1;', {
		presets: [['env', { targets: { ie: 11 }, modules: 'commonjs' }]],
		sourceType: 'module', babelrc: false, configFile: false });
	if (r.code.indexOf('exports.default') < 0) throw new Error('unexpected output: ' + r.code);
	return Babel.version;
})()
