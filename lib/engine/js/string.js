/*
 * string.js - ES2017..ES2022 String methods Duktape 2.7 lacks (includes,
 * startsWith, endsWith and repeat are native), one chunk each, as method
 * shorthand (no .prototype objects).
 */

//# chunk string.pad
//# triggers padStart padEnd
(function () {
	'use strict';
	function pad(s, len, fill, atStart) {
		var n = (len >>> 0) - s.length, p;
		fill = fill === undefined ? ' ' : String(fill);
		if (n <= 0 || fill === '')
			return s;
		p = fill.repeat(Math.ceil(n / fill.length)).slice(0, n);
		return atStart ? p + s : s + p;
	}
	var ms = {
		padStart(len, fill) {
			return pad(String(this), len, fill, true);
		},
		padEnd(len, fill) {
			return pad(String(this), len, fill, false);
		}
	};
	Object.defineProperty(String.prototype, 'padStart', { writable: true, configurable: true, value: ms.padStart });
	Object.defineProperty(String.prototype, 'padEnd', { writable: true, configurable: true, value: ms.padEnd });
})();

//# chunk string.trim
//# triggers trimStart trimEnd trimLeft trimRight
(function () {
	'use strict';
	/* String.prototype.trim knows the whitespace set; a sentinel character
	 * on the other side keeps that side as it is. */
	var ms = {
		trimStart() {
			return (String(this) + '\u0001').trim().slice(0, -1);
		},
		trimEnd() {
			return ('\u0001' + String(this)).trim().slice(1);
		}
	};
	var SP = String.prototype;
	Object.defineProperty(SP, 'trimStart', { writable: true, configurable: true, value: ms.trimStart });
	Object.defineProperty(SP, 'trimEnd', { writable: true, configurable: true, value: ms.trimEnd });
	Object.defineProperty(SP, 'trimLeft', { writable: true, configurable: true, value: ms.trimStart });
	Object.defineProperty(SP, 'trimRight', { writable: true, configurable: true, value: ms.trimEnd });
})();

//# chunk string.replaceAll
//# triggers replaceAll
(function () {
	'use strict';
	/* GetSubstitution for a plain-string search: $$, $&, $` and $'. */
	function subst(repl, s, pos, match) {
		return repl.replace(/\$([$&`']?)/g, function (all, c) {
			switch (c) {
			case '$': return '$';
			case '&': return match;
			case '`': return s.slice(0, pos);
			case '\'': return s.slice(pos + match.length);
			}
			return all;
		});
	}
	Object.defineProperty(String.prototype, 'replaceAll', { writable: true, configurable: true, value: {
		replaceAll(search, repl) {
			var s = String(this), out = '', last = 0, pos, step, fn = typeof repl === 'function';
			if (search instanceof RegExp) {
				if (!search.global)
					throw new TypeError('replaceAll must be called with a global RegExp');
				return s.replace(search, repl);
			}
			search = String(search);
			if (!fn)
				repl = String(repl);
			step = Math.max(search.length, 1);
			for (pos = s.indexOf(search); pos >= 0; pos = s.indexOf(search, pos + step)) {
				out += s.slice(last, pos) + (fn ? String(repl(search, pos, s)) : subst(repl, s, pos, search));
				last = pos + search.length;
				if (pos >= s.length)
					break;
			}
			return out + s.slice(last);
		}
	}.replaceAll });
})();

//# chunk string.matchAll
//# triggers matchAll
(function () {
	'use strict';
	function MatchIter(re, s) {
		this._r = re;
		this._s = s;
	}
	var ms = {
		next() {
			var m, re = this._r;
			if (re === null)
				return { value: undefined, done: true };
			m = re.exec(this._s);
			if (m === null) {
				this._r = null;
				return { value: undefined, done: true };
			}
			if (m[0] === '')
				re.lastIndex++;
			return { value: m, done: false };
		},
		self() {
			return this;
		},
		matchAll(re) {
			var flags;
			if (re instanceof RegExp) {
				if (!re.global)
					throw new TypeError('matchAll must be called with a global RegExp');
				flags = (re.ignoreCase ? 'i' : '') + (re.multiline ? 'm' : '');
				re = new RegExp(re.source, 'g' + flags);
			} else {
				re = new RegExp(re === undefined ? '(?:)' : String(re), 'g');
			}
			return new MatchIter(re, String(this));
		}
	};
	Object.defineProperty(MatchIter.prototype, 'next', { writable: true, configurable: true, value: ms.next });
	Object.defineProperty(MatchIter.prototype, Symbol.iterator, { writable: true, configurable: true, value: ms.self });
	Object.defineProperty(String.prototype, 'matchAll', { writable: true, configurable: true, value: ms.matchAll });
})();

//# chunk string.at
//# triggers .at(
Object.defineProperty(String.prototype, 'at', { writable: true, configurable: true, value: {
	at(i) {
		'use strict';
		var s = String(this);
		i = Math.trunc(i) || 0;
		if (i < 0)
			i += s.length;
		return i < 0 || i >= s.length ? undefined : s.charAt(i);
	}
}.at });

//# chunk string.raw
//# triggers String.raw
Object.defineProperty(String, 'raw', { writable: true, configurable: true, value: {
	raw(strings) {
		'use strict';
		var r = Object(strings.raw), n = r.length >>> 0, out = '', i;
		for (i = 0; i < n; i++) {
			out += String(r[i]);
			if (i + 1 < n && i + 1 < arguments.length)
				out += String(arguments[i + 1]);
		}
		return out;
	}
}.raw });
