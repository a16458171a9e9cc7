// runtime.js - PROTOTYPE run-time helpers for the output of lower.js
// (doc/lowering-plan.md). Throw-away study code, not the production prelude:
// in the real pipeline each helper is a prelude chunk selected by the
// k6c__prelude_for() trigger scan, like the polyfills in lib/engine/js.

// Iterables to arrays (spread, array destructuring); arrays take the fast path.
// With n, at most n values are taken and the iterator is closed (array
// destructuring without a rest element).
function __k6c_arr(v, n) {
	if (Array.isArray(v)) return v;
	if (typeof v === 'string' && n === undefined) return Array.from ? Array.from(v) : v.split('');
	var it = __k6c_iter(v), out = [], s;
	while ((n === undefined || out.length < n) && !(s = it.next()).done) out.push(s.value);
	if (n !== undefined && s && !s.done && typeof it['return'] === 'function') it['return']();
	return out;
}

function __k6c_iter(v) {
	if (v == null) throw new TypeError(v + ' is not iterable');
	var f = v[Symbol.iterator];
	if (typeof f === 'function') return f.call(v);
	if (Array.isArray(v) || typeof v === 'string') {
		var i = 0;
		return { next: function () { return i < v.length ? { value: v[i++], done: false } : { value: undefined, done: true }; } };
	}
	throw new TypeError('object is not iterable');
}

function __k6c_objrest(o, keys) {
	var out = {}, k;
	for (k in o) if (Object.prototype.hasOwnProperty.call(o, k) && keys.indexOf(k) < 0) out[k] = o[k];
	return out;
}

function __k6c_assign(t) {
	for (var i = 1; i < arguments.length; i++) {
		var s = arguments[i];
		if (s == null) continue;
		var ks = Object.keys(s);
		for (var j = 0; j < ks.length; j++) Object.defineProperty(t, ks[j], { value: s[ks[j]], writable: true, enumerable: true, configurable: true });
	}
	return t;
}

function __k6c_tpl(cooked, raw) {
	Object.defineProperty(cooked, 'raw', { value: Object.freeze(raw) });
	return Object.freeze(cooked);
}

function __k6c_interop(m) {
	return m && m.__esModule ? m : { 'default': m };
}

function __k6c_const(name) {
	throw new TypeError('Assignment to constant variable "' + name + '".');
}

// Classes.
// new.target is undefined when a derived class calls its parent through
// __k6c_super (Duktape's Reflect.construct has no newTarget), so an instance
// of the class as `this` is accepted too.
function __k6c_classcheck(self, nt, C) {
	if (nt === undefined && !(self instanceof C)) throw new TypeError('Class constructor ' + C.name + ' cannot be invoked without new');
}

function __k6c_inherits(C, S) {
	if (typeof S !== 'function' && S !== null) throw new TypeError('Class extends value is not a constructor or null');
	C.prototype = Object.create(S && S.prototype, { constructor: { value: C, writable: true, configurable: true } });
	if (S) Object.setPrototypeOf(C, S);
}

function __k6c_method(o, k, f, kind) {
	var d = Object.getOwnPropertyDescriptor(o, k) || { enumerable: false, configurable: true };
	if (kind === 'get') d.get = f; else if (kind === 'set') d.set = f; else { d = { value: f, writable: true, enumerable: false, configurable: true }; }
	Object.defineProperty(o, k, d);
}

// Calls the parent constructor for super(...). Built-ins such as Error
// ignore `this` and return a new object: that object becomes `this`, with
// the derived prototype, which is what `extends Error` needs.
function __k6c_super(self, S, args) {
	var r = S.apply(self, args);
	if (r !== null && (typeof r === 'object' || typeof r === 'function') && r !== self) {
		Object.setPrototypeOf(r, Object.getPrototypeOf(self));
		return r;
	}
	return self;
}

function __k6c_superget(proto, k, self) {
	for (var o = proto; o; o = Object.getPrototypeOf(o)) {
		var d = Object.getOwnPropertyDescriptor(o, k);
		if (d) return d.get ? d.get.call(self) : d.value;
	}
	return undefined;
}

function __k6c_fields(self, list) {
	for (var i = 0; i < list.length; i++)
		Object.defineProperty(self, list[i][0], { value: list[i][1].call(self), writable: true, enumerable: typeof list[i][0] !== 'symbol', configurable: true });
	return self;
}

// Generators and async functions on Duktape coroutines. The body runs in a
// Duktape.Thread; `yield e` becomes __k6c_yield(e) and `await e`
// __k6c_await(e): both Duktape.Thread.yield() a tagged record. return() is
// delivered as a thrown __k6c_Return so finally blocks run; the lowering
// makes every catch clause in a generator body rethrow it.
function __k6c_Return(v) { this.value = v; }
var __k6c_BRK = {};

function __k6c_yield(v) { return Duktape.Thread.yield({ y: v }); }
function __k6c_yieldstar(it) {
	var i = __k6c_iter(it), s, r;
	while (!(s = i.next(r)).done) r = __k6c_yield(s.value);
	return s.value;
}
function __k6c_await(v) { return Duktape.Thread.yield({ a: v }); }

function __k6c_gen(fn, self, args) {
	var state = 0; // 0 fresh, 1 suspended, 2 running, 3 done
	var t = new Duktape.Thread(function () { return { r: fn.apply(self, args) }; });
	function step(v, err) {
		if (state === 3) {
			if (err) throw v instanceof __k6c_Return ? undefined : v;
			return { value: v instanceof __k6c_Return ? v.value : undefined, done: true };
		}
		if (state === 2) throw new TypeError('Generator is already running');
		if (state === 0 && err) { state = 3; return step(v, err); }
		state = 2;
		var r;
		try {
			r = Duktape.Thread.resume(t, v, !!err);
		} catch (e) {
			state = 3;
			if (e instanceof __k6c_Return) return { value: e.value, done: true };
			throw e;
		}
		if ('r' in r) { state = 3; return { value: r.r, done: true }; }
		if ('a' in r) { state = 3; throw new SyntaxError('await in a generator'); }
		state = 1;
		return { value: r.y, done: false };
	}
	var g = {
		next: function (v) { return step(v, false); },
		'throw': function (e) { return step(e, true); },
		'return': function (v) { return step(new __k6c_Return(v), true); }
	};
	g[Symbol.iterator] = function () { return this; };
	return g;
}

function __k6c_async(fn, self, args) {
	return new Promise(function (resolve, reject) {
		var t = new Duktape.Thread(function () { return { r: fn.apply(self, args) }; });
		function step(v, err) {
			var r;
			try {
				r = Duktape.Thread.resume(t, v, err);
			} catch (e) {
				reject(e);
				return;
			}
			if ('r' in r) resolve(r.r);
			else Promise.resolve(r.a).then(function (x) { step(x, false); }, function (e) { step(e, true); });
		}
		step(undefined, false);
	});
}
