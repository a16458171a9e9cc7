/*
 * iterators.js - the iteration protocol on built-ins that Duktape 2.7 lacks:
 * Array.prototype[Symbol.iterator] with keys/values/entries, and
 * String.prototype[Symbol.iterator] (by code point). Babel's helpers fall
 * back to index loops for plain arrays and strings, so this is only needed
 * when code asks for an iterator itself. Also Symbol.asyncIterator, the key
 * of async iteration (for await, async generators), which Duktape lacks.
 */

//# chunk iterators
//# triggers Symbol.iterator .keys() .values() .entries() @@iterator
(function () {
	'use strict';
	var ITER = Symbol.iterator;
	function def(o, k, v) {
		Object.defineProperty(o, k, { value: v, writable: true, configurable: true });
	}
	function done() {
		return { value: undefined, done: true };
	}

	/* kind: 0 keys, 1 values, 2 entries. */
	function ArrayIter(a, kind) {
		this._a = a;
		this._i = 0;
		this._k = kind;
	}
	/* Method shorthand: these need no .prototype object. */
	var ms = {
		next() {
			var a = this._a, i = this._i;
			if (a === null || i >= a.length) {
				this._a = null;
				return done();
			}
			this._i = i + 1;
			return { value: this._k === 0 ? i : this._k === 1 ? a[i] : [i, a[i]], done: false };
		},
		self() {
			return this;
		},
		keys() {
			return new ArrayIter(obj(this), 0);
		},
		values() {
			return new ArrayIter(obj(this), 1);
		},
		entries() {
			return new ArrayIter(obj(this), 2);
		},
		snext() {
			var s = this._s, i = this._i, c, d;
			if (s === null || i >= s.length) {
				this._s = null;
				return done();
			}
			c = s.charCodeAt(i);
			d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
			c = c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? s.substr(i, 2) : s.charAt(i);
			this._i = i + c.length;
			return { value: c, done: false };
		},
		string() {
			if (this === null || this === undefined)
				throw new TypeError('not an object');
			return new StringIter(String(this));
		}
	};
	function obj(v) {
		if (v === null || v === undefined)
			throw new TypeError('not an object');
		return Object(v);
	}
	def(ArrayIter.prototype, 'next', ms.next);
	def(ArrayIter.prototype, ITER, ms.self);
	var AP = Array.prototype;
	if (!AP.values) {
		def(AP, 'values', ms.values);
		def(AP, 'keys', ms.keys);
		def(AP, 'entries', ms.entries);
	}
	if (!AP[ITER])
		def(AP, ITER, AP.values);

	function StringIter(s) {
		this._s = s;
		this._i = 0;
	}
	def(StringIter.prototype, 'next', ms.snext);
	def(StringIter.prototype, ITER, ms.self);
	if (!String.prototype[ITER])
		def(String.prototype, ITER, ms.string);
})();

// Without it, an object's [Symbol.asyncIterator]() method would be stored
// under the key "undefined" and Babel's helpers would look for
// "@@asyncIterator" instead, so for await would miss it.
//# chunk asynciterator
//# triggers asyncIterator
(function () {
	'use strict';
	if (!Symbol.asyncIterator)
		Object.defineProperty(Symbol, 'asyncIterator', { value: Symbol('Symbol.asyncIterator') });
})();
