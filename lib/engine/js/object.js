/*
 * object.js - ES2017..ES2022 Object functions Duktape 2.7 lacks
 * (Object.assign is native), one chunk each, as method shorthand (no
 * .prototype objects).
 */

//# chunk object.entries
//# triggers Object.entries Object.values
(function () {
	'use strict';
	function pairs(o, kind) {
		var keys, out, i;
		o = Object(o);
		keys = Object.keys(o);
		out = new Array(keys.length);
		for (i = 0; i < keys.length; i++)
			out[i] = kind ? [keys[i], o[keys[i]]] : o[keys[i]];
		return out;
	}
	var ms = {
		entries(o) {
			return pairs(o, true);
		},
		values(o) {
			return pairs(o, false);
		}
	};
	Object.defineProperty(Object, 'entries', { writable: true, configurable: true, value: ms.entries });
	Object.defineProperty(Object, 'values', { writable: true, configurable: true, value: ms.values });
})();

//# chunk object.fromEntries
//# triggers Object.fromEntries
Object.defineProperty(Object, 'fromEntries', { writable: true, configurable: true, value: {
	fromEntries(it) {
		'use strict';
		var out = {}, x, r, i;
		if (it === null || it === undefined)
			throw new TypeError('Object.fromEntries requires an iterable');
		if (Array.isArray(it)) {
			for (i = 0; i < it.length; i++)
				out[it[i][0]] = it[i][1];
			return out;
		}
		x = it[Symbol.iterator]();
		while (!(r = x.next()).done)
			out[r.value[0]] = r.value[1];
		return out;
	}
}.fromEntries });

//# chunk object.getOwnPropertyDescriptors
//# triggers getOwnPropertyDescriptors
Object.defineProperty(Object, 'getOwnPropertyDescriptors', { writable: true, configurable: true, value: {
	getOwnPropertyDescriptors(o) {
		'use strict';
		var out = {}, keys, i;
		o = Object(o);
		keys = Object.getOwnPropertyNames(o).concat(Object.getOwnPropertySymbols(o));
		for (i = 0; i < keys.length; i++)
			out[keys[i]] = Object.getOwnPropertyDescriptor(o, keys[i]);
		return out;
	}
}.getOwnPropertyDescriptors });

//# chunk object.hasOwn
//# triggers Object.hasOwn
Object.defineProperty(Object, 'hasOwn', { writable: true, configurable: true, value: {
	hasOwn(o, k) {
		'use strict';
		if (o === null || o === undefined)
			throw new TypeError('Cannot convert undefined or null to object');
		return Object.prototype.hasOwnProperty.call(Object(o), k);
	}
}.hasOwn });
