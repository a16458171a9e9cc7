/*
 * collections.js - Map, Set, WeakMap and WeakSet for Duktape 2.7, which has
 * none of them. Written in ES5 (plus method shorthand) for the per-VU
 * prelude and the transpiler heap.
 *
 * Map and Set keep their entries in a doubly linked list (insertion order)
 * plus a plain-object index keyed by a type-tagged string, so lookups are
 * property lookups. Objects get a stable id in a non-enumerable
 * symbol-keyed property; non-extensible objects and symbols fall back to a
 * linear list. Removed entries stay linked backwards so live iterators
 * continue at the right place (the same idea as core-js).
 *
 * WeakMap and WeakSet store the value on the key itself under a per-instance
 * symbol: no real weakness is needed, and the value dies with the key.
 *
 * Methods are written as method shorthand, which Duktape supports: such
 * functions are not constructors, so they get no .prototype object, which
 * saves about 120 bytes per function in every VU.
 */

//# chunk collections
//# triggers Map Set
(function (G) {
	'use strict';
	var ID = Symbol('k6c.id');
	var ITER = Symbol.iterator;
	var HOP = Object.prototype.hasOwnProperty;
	var nextId = 0;

	function def(o, k, v) {
		Object.defineProperty(o, k, { value: v, writable: true, configurable: true });
	}
	function defAll(o, ms) {
		Object.keys(ms).forEach(function (k) { def(o, k, ms[k]); });
	}
	/* The index key of k, or undefined when k must be searched linearly.
	 * With make false, an object never seen before yields null (absent). */
	function keyOf(k, make) {
		switch (typeof k) {
		case 'string': return 's' + k;
		case 'number': return k !== k ? 'NaN' : k === 0 ? 'n0' : 'n' + k;
		case 'boolean': return k ? 'T' : 'F';
		case 'undefined': return 'u';
		case 'object':
			if (k === null)
				return 'N';
			/* falls through */
		case 'function':
			if (HOP.call(k, ID))
				return k[ID];
			if (!Object.isExtensible(k))
				return undefined;
			if (!make)
				return null;
			Object.defineProperty(k, ID, { value: 'o' + (++nextId) });
			return k[ID];
		}
		return undefined;
	}
	function same(a, b) {
		return a === b || (a !== a && b !== b);
	}

	/* The store behind Map and Set: _i index, _l linear entries, _h/_t
	 * first/last entry, _n size. An entry is {k, v, p(rev), n(ext), r(emoved)}. */
	function init(m) {
		def(m, '_i', {});
		def(m, '_l', null);
		def(m, '_h', null);
		def(m, '_t', null);
		def(m, '_n', 0);
	}
	function find(m, k) {
		var ik = keyOf(k, false), l, i;
		if (ik === null)
			return undefined;
		if (ik !== undefined)
			return HOP.call(m._i, ik) ? m._i[ik] : undefined;
		l = m._l;
		if (l)
			for (i = 0; i < l.length; i++)
				if (same(l[i].k, k))
					return l[i];
		return undefined;
	}
	function add(m, k, v) {
		var e = find(m, k), ik;
		if (e) {
			e.v = v;
			return;
		}
		if (k === 0)
			k = 0; /* -0 becomes +0 */
		e = { k: k, v: v, p: m._t, n: null, r: false };
		ik = keyOf(k, true);
		if (ik !== undefined)
			m._i[ik] = e;
		else
			(m._l || (m._l = [])).push(e);
		if (m._t)
			m._t.n = e;
		else
			m._h = e;
		m._t = e;
		m._n++;
	}
	function remove(m, k) {
		var e = find(m, k), ik;
		if (!e)
			return false;
		ik = keyOf(k, false);
		if (ik)
			delete m._i[ik];
		else
			m._l.splice(m._l.indexOf(e), 1);
		e.r = true;
		if (e.p)
			e.p.n = e.n;
		else
			m._h = e.n;
		if (e.n)
			e.n.p = e.p;
		else
			m._t = e.p;
		m._n--;
		return true;
	}
	function clear(m) {
		var e;
		for (e = m._h; e; e = e.n) {
			e.r = true;
			e.p = null;
		}
		m._i = {};
		m._l = null;
		m._h = m._t = null;
		m._n = 0;
	}
	function each(m, fn, self, isSet) {
		var e = m._h;
		if (typeof fn !== 'function')
			throw new TypeError('callback is not a function');
		while (e) {
			fn.call(self, isSet ? e.k : e.v, e.k, m);
			/* the callback may have removed e: step back to a live entry */
			while (e && e.r)
				e = e.p;
			e = e ? e.n : m._h;
		}
	}
	function fill(m, it, isSet) {
		var i, x, r;
		if (it === undefined || it === null)
			return;
		if (Array.isArray(it)) {
			for (i = 0; i < it.length; i++) {
				x = it[i];
				if (isSet)
					m.add(x);
				else
					m.set(x[0], x[1]);
			}
			return;
		}
		if (typeof it === 'string' && typeof it[ITER] !== 'function') {
			for (i = 0; i < it.length; i++)
				m.add(it.charAt(i));
			return;
		}
		if (typeof it[ITER] !== 'function')
			throw new TypeError('object is not iterable');
		x = it[ITER]();
		while (!(r = x.next()).done) {
			if (isSet)
				m.add(r.value);
			else
				m.set(r.value[0], r.value[1]);
		}
	}

	/* Iterators over a Map or Set: kind 0 keys, 1 values, 2 entries. */
	function Iter(m, kind) {
		this._m = m;
		this._e = null;
		this._k = kind;
	}
	defAll(Iter.prototype, {
		next() {
			var e = this._e, m = this._m;
			if (!m)
				return { value: undefined, done: true };
			while (e && e.r)
				e = e.p;
			e = e ? e.n : m._h;
			if (!e) {
				this._m = this._e = null;
				return { value: undefined, done: true };
			}
			this._e = e;
			return { value: this._k === 0 ? e.k : this._k === 1 ? e.v : [e.k, e.v], done: false };
		},
		self() {
			return this;
		}
	});
	def(Iter.prototype, ITER, Iter.prototype.self);
	delete Iter.prototype.self;

	/* Map and Set share the methods whose behaviour is the same for both. */
	function check(o) {
		if (!isObj(o) || !HOP.call(o, '_i'))
			throw new TypeError('Map/Set method called on incompatible receiver');
		return o;
	}
	function isObj(v) {
		return (typeof v === 'object' && v !== null) || typeof v === 'function';
	}
	var ms = {
		'get'(k) {
			var e = find(check(this), k);
			return e ? e.v : undefined;
		},
		'set'(k, v) {
			add(check(this), k, v);
			return this;
		},
		add(k) {
			add(check(this), k, k);
			return this;
		},
		has(k) {
			return !!find(check(this), k);
		},
		'delete'(k) {
			return remove(check(this), k);
		},
		clear() {
			clear(check(this));
		},
		forEach(fn, self) {
			each(check(this), fn, self, this instanceof Set);
		},
		keys() {
			return new Iter(check(this), 0);
		},
		values() {
			return new Iter(check(this), 1);
		},
		entries() {
			return new Iter(check(this), 2);
		},
		get size() {
			return check(this)._n;
		}
	};
	function install(P, names, tag) {
		names.forEach(function (k) { def(P, k, ms[k]); });
		Object.defineProperty(P, 'size', Object.getOwnPropertyDescriptor(ms, 'size'));
		Object.defineProperty(P, Symbol.toStringTag, { value: tag, configurable: true });
	}

	function Map(it) {
		if (!(this instanceof Map))
			throw new TypeError('Constructor Map requires \'new\'');
		init(this);
		fill(this, it, false);
	}
	install(Map.prototype, ['get', 'set', 'has', 'delete', 'clear', 'forEach', 'keys', 'values', 'entries'], 'Map');
	def(Map.prototype, ITER, ms.entries);

	/* A Set keeps each value as both key and value, so its keys() and
	 * values() are the Map's keys() and its entries() yield [v, v]. */
	function Set(it) {
		if (!(this instanceof Set))
			throw new TypeError('Constructor Set requires \'new\'');
		init(this);
		fill(this, it, true);
	}
	install(Set.prototype, ['add', 'has', 'delete', 'clear', 'forEach', 'entries'], 'Set');
	def(Set.prototype, 'values', ms.keys);
	def(Set.prototype, 'keys', ms.keys);
	def(Set.prototype, ITER, ms.keys);

	def(G, 'Map', Map);
	def(G, 'Set', Set);
})(this);

//# chunk weakcollections
//# triggers WeakMap WeakSet
(function (G) {
	'use strict';
	var HOP = Object.prototype.hasOwnProperty;

	function def(o, k, v) {
		Object.defineProperty(o, k, { value: v, writable: true, configurable: true });
	}
	function isObj(v) {
		return (typeof v === 'object' && v !== null) || typeof v === 'function';
	}
	/* The value lives on the key under w._s; keys that are not extensible
	 * go to a linear list of [key, value] pairs in w._l. */
	function wfind(w, k) {
		var l = w._l, i;
		if (l)
			for (i = 0; i < l.length; i++)
				if (l[i][0] === k)
					return i;
		return -1;
	}
	function wget(w, k) {
		var i;
		if (!isObj(k))
			return undefined;
		if (HOP.call(k, w._s))
			return k[w._s];
		i = wfind(w, k);
		return i < 0 ? undefined : w._l[i][1];
	}
	function whas(w, k) {
		return isObj(k) && (HOP.call(k, w._s) || wfind(w, k) >= 0);
	}
	function wset(w, k, v) {
		var i;
		if (!isObj(k))
			throw new TypeError('invalid value used as weak collection key');
		if (HOP.call(k, w._s)) {
			k[w._s] = v;
		} else if (Object.isExtensible(k)) {
			Object.defineProperty(k, w._s, { value: v, writable: true, configurable: true });
		} else {
			i = wfind(w, k);
			if (i >= 0)
				w._l[i][1] = v;
			else
				(w._l || (w._l = [])).push([k, v]);
		}
	}
	function wdel(w, k) {
		var i;
		if (!isObj(k))
			return false;
		if (HOP.call(k, w._s))
			return delete k[w._s];
		i = wfind(w, k);
		if (i < 0)
			return false;
		w._l.splice(i, 1);
		return true;
	}
	function winit(w, it, isSet) {
		var x, r, i;
		def(w, '_s', Symbol('k6c.weak'));
		def(w, '_l', null);
		if (it === undefined || it === null)
			return;
		if (!Array.isArray(it)) {
			x = it[Symbol.iterator]();
			it = [];
			while (!(r = x.next()).done)
				it.push(r.value);
		}
		for (i = 0; i < it.length; i++)
			if (isSet)
				w.add(it[i]);
			else
				w.set(it[i][0], it[i][1]);
	}
	function check(o) {
		if (!isObj(o) || !HOP.call(o, '_s'))
			throw new TypeError('WeakMap/WeakSet method called on incompatible receiver');
		return o;
	}
	/* WeakMap and WeakSet share has() and delete(). */
	var ms = {
		'get'(k) {
			return wget(check(this), k);
		},
		'set'(k, v) {
			wset(check(this), k, v);
			return this;
		},
		add(k) {
			wset(check(this), k, true);
			return this;
		},
		has(k) {
			return whas(check(this), k);
		},
		'delete'(k) {
			return wdel(check(this), k);
		}
	};
	function install(P, names, tag) {
		names.forEach(function (k) { def(P, k, ms[k]); });
		Object.defineProperty(P, Symbol.toStringTag, { value: tag, configurable: true });
	}

	function WeakMap(it) {
		if (!(this instanceof WeakMap))
			throw new TypeError('Constructor WeakMap requires \'new\'');
		winit(this, it, false);
	}
	install(WeakMap.prototype, ['get', 'set', 'has', 'delete'], 'WeakMap');

	function WeakSet(it) {
		if (!(this instanceof WeakSet))
			throw new TypeError('Constructor WeakSet requires \'new\'');
		winit(this, it, true);
	}
	install(WeakSet.prototype, ['add', 'has', 'delete'], 'WeakSet');

	def(G, 'WeakMap', WeakMap);
	def(G, 'WeakSet', WeakSet);
})(this);
