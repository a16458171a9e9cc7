/*
 * babel-host.js - the environment @babel/standalone expects, for the
 * throw-away transpiler heap (prepended to the bundle at build time by
 * tools/babel_bundle.py, after the prelude chunks). Debian's bundle takes
 * node's process/os/tty as globals; Babel only reads a few fields of them
 * (environment, platform, and whether stdout is a terminal, for colours).
 */
var process = {
	env: {},
	argv: [],
	platform: 'linux',
	version: 'v0.0.0',
	versions: {},
	cwd: function () { return '/'; },
	emitWarning: function () {},
	nextTick: function (fn) { fn(); }
};
var os = { EOL: '\n', release: function () { return '0.0.0'; }, platform: function () { return 'linux'; } };
var tty = { isatty: function () { return false; } };
var console = (function () {
	function nop() {}
	return { log: nop, info: nop, warn: nop, error: nop, debug: nop, trace: nop };
})();

/* Duktape has no sticky ("y") regexps; tools/babel_bundle.py rewrites
 * new RegExp(src, "y") to this. exec/test match at lastIndex only, as a
 * sticky regexp does, by running a ^-anchored copy on the rest of the
 * string. */
function __stickyRegExp(src, flags) {
	var f = String(flags).replace('y', '').replace('g', '');
	var anchored = new RegExp('^(?:' + src + ')', f);
	return {
		source: src,
		flags: flags,
		sticky: true,
		global: String(flags).indexOf('g') >= 0,
		lastIndex: 0,
		exec: function (s) {
			var i = this.lastIndex, m;
			s = String(s);
			if (i > s.length) {
				this.lastIndex = 0;
				return null;
			}
			m = anchored.exec(s.slice(i));
			if (!m) {
				this.lastIndex = 0;
				return null;
			}
			m.index = i;
			m.input = s;
			this.lastIndex = i + m[0].length;
			return m;
		},
		test: function (s) {
			return this.exec(s) !== null;
		}
	};
}

/* Identifier normalisation is only needed for non-ASCII escapes. */
if (!String.prototype.normalize)
	Object.defineProperty(String.prototype, 'normalize', { value: function () { return String(this); }, writable: true, configurable: true });
