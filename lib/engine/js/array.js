/*
 * array.js - ES2015..ES2023 Array methods Duktape 2.7 lacks, one chunk per
 * method (or family) so a VU only pays for what its code mentions. Methods
 * are non-enumerable, as built-ins are, so for-in over arrays is
 * unaffected, and are written as method shorthand so they are not
 * constructors and carry no .prototype object.
 */

//# chunk array.from
//# triggers Array.from
Object.defineProperty(Array, 'from', { writable: true, configurable: true, value: {
	from(items, fn, self) {
		'use strict';
		var out = [], it, r, i, n, c, d;
		if (items === null || items === undefined)
			throw new TypeError('Array.from requires an array-like object');
		if (fn !== undefined && typeof fn !== 'function')
			throw new TypeError('Array.from: when provided, the second argument must be a function');
		if (typeof items === 'string') {
			/* by code point, as the string iterator does */
			for (i = 0; i < items.length; i++) {
				c = items.charAt(i);
				d = items.charCodeAt(i);
				if (d >= 0xd800 && d <= 0xdbff && i + 1 < items.length) {
					d = items.charCodeAt(i + 1);
					if (d >= 0xdc00 && d <= 0xdfff)
						c += items.charAt(++i);
				}
				out.push(fn ? fn.call(self, c, out.length) : c);
			}
			return out;
		}
		if (!Array.isArray(items) && typeof items[Symbol.iterator] === 'function') {
			it = items[Symbol.iterator]();
			while (!(r = it.next()).done)
				out.push(fn ? fn.call(self, r.value, out.length) : r.value);
			return out;
		}
		n = Math.max(0, Math.min(Number(items.length) || 0, 9007199254740991));
		out.length = n;
		for (i = 0; i < n; i++)
			out[i] = fn ? fn.call(self, items[i], i) : items[i];
		return out;
	}
}.from });

//# chunk array.of
//# triggers Array.of
Object.defineProperty(Array, 'of', { writable: true, configurable: true, value: {
	of() {
		'use strict';
		return Array.prototype.slice.call(arguments);
	}
}.of });

//# chunk array.includes
//# triggers includes
Object.defineProperty(Array.prototype, 'includes', { writable: true, configurable: true, value: {
	includes(x, from) {
		'use strict';
		var o = Object(this), n = o.length >>> 0, i = Math.trunc(from) || 0;
		if (i < 0)
			i = Math.max(n + i, 0);
		for (; i < n; i++)
			if (o[i] === x || (x !== x && o[i] !== o[i]))
				return true;
		return false;
	}
}.includes });

//# chunk array.find
//# triggers find findIndex findLast findLastIndex
(function () {
	'use strict';
	/* dir 1 from the start, -1 from the end; index picks the result. */
	function search(o, fn, self, dir, index) {
		var n, i;
		o = Object(o);
		n = o.length >>> 0;
		if (typeof fn !== 'function')
			throw new TypeError('predicate must be a function');
		for (i = dir > 0 ? 0 : n - 1; dir > 0 ? i < n : i >= 0; i += dir)
			if (fn.call(self, o[i], i, o))
				return index ? i : o[i];
		return index ? -1 : undefined;
	}
	var ms = {
		find(fn, self) {
			return search(this, fn, self, 1, false);
		},
		findIndex(fn, self) {
			return search(this, fn, self, 1, true);
		},
		findLast(fn, self) {
			return search(this, fn, self, -1, false);
		},
		findLastIndex(fn, self) {
			return search(this, fn, self, -1, true);
		}
	};
	Object.keys(ms).forEach(function (k) {
		if (!Array.prototype[k])
			Object.defineProperty(Array.prototype, k, { writable: true, configurable: true, value: ms[k] });
	});
})();

//# chunk array.fill
//# triggers fill
Object.defineProperty(Array.prototype, 'fill', { writable: true, configurable: true, value: {
	fill(v, start, end) {
		'use strict';
		var o = Object(this), n = o.length >>> 0;
		var i = start === undefined ? 0 : Math.trunc(start) || 0, e = end === undefined ? n : Math.trunc(end) || 0;
		i = i < 0 ? Math.max(n + i, 0) : Math.min(i, n);
		e = e < 0 ? Math.max(n + e, 0) : Math.min(e, n);
		for (; i < e; i++)
			o[i] = v;
		return o;
	}
}.fill });

//# chunk array.flat
//# triggers flat flatMap
(function () {
	'use strict';
	function flatten(out, a, depth) {
		var i, x;
		for (i = 0; i < a.length; i++) {
			if (!(i in a))
				continue;
			x = a[i];
			if (depth > 0 && Array.isArray(x))
				flatten(out, x, depth - 1);
			else
				out.push(x);
		}
		return out;
	}
	var ms = {
		flat(depth) {
			return flatten([], Object(this), depth === undefined ? 1 : Number(depth) || 0);
		},
		flatMap(fn, self) {
			if (typeof fn !== 'function')
				throw new TypeError('flatMap mapper function is not callable');
			return flatten([], Array.prototype.map.call(Object(this), fn, self), 1);
		}
	};
	Object.defineProperty(Array.prototype, 'flat', { writable: true, configurable: true, value: ms.flat });
	Object.defineProperty(Array.prototype, 'flatMap', { writable: true, configurable: true, value: ms.flatMap });
})();

//# chunk array.at
//# triggers .at(
Object.defineProperty(Array.prototype, 'at', { writable: true, configurable: true, value: {
	at(i) {
		'use strict';
		var o = Object(this), n = o.length >>> 0;
		i = Math.trunc(i) || 0;
		if (i < 0)
			i += n;
		return i < 0 || i >= n ? undefined : o[i];
	}
}.at });
