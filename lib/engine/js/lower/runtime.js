// runtime.js - run-time helpers of the fast lowerer's output (lower.js),
// as prelude chunks: k6c__prelude_for() installs in a VU only the chunks
// whose helpers its lowered modules name, with the chunks they require
// (the iteration protocol, Promise, Symbol.asyncIterator). The helpers are
// global functions named __k6c_*, so a chunk's triggers are its names.

//# chunk lower.iter
//# triggers __k6c_iter __k6c_close
// The iteration protocol (for-of, spread, destructuring, yield*). Arrays and
// strings have an index fallback, so the iterators chunk is not needed.
function __k6c_iter(v) {
	if (v == null) throw new TypeError(v + ' is not iterable');
	var f = v[Symbol.iterator];
	if (typeof f === 'function') return f.call(v);
	// Strings iterate by code point: a surrogate pair is one value.
	if (typeof v === 'string') {
		var j = 0;
		return { next: function () {
			if (j >= v.length) return { value: undefined, done: true };
			var c = v.charCodeAt(j), w = c >= 0xD800 && c <= 0xDBFF && j + 1 < v.length && (v.charCodeAt(j + 1) & 0xFC00) === 0xDC00 ? 2 : 1;
			j += w;
			return { value: v.substr(j - w, w), done: false };
		} };
	}
	if (Array.isArray(v)) {
		var i = 0;
		return { next: function () { return i < v.length ? { value: v[i++], done: false } : { value: undefined, done: true }; } };
	}
	throw new TypeError('object is not iterable');
}

function __k6c_close(it) {
	var f = it['return'];
	if (f != null) f.call(it);
}

//# chunk lower.arr
//# triggers __k6c_arr
//# requires lower.iter
// Spread and array destructuring.
// Iterables to arrays (spread, array destructuring); arrays take the fast path.
// With n, at most n values are taken and the iterator is closed (array
// destructuring without a rest element).
function __k6c_arr(v, n) {
	if (Array.isArray(v)) return v;
	var it = __k6c_iter(v), out = [], s;
	while ((n === undefined || out.length < n) && !(s = it.next()).done) out.push(s.value);
	if (n !== undefined && s && !s.done && typeof it['return'] === 'function') it['return']();
	return out;
}

//# chunk lower.objrest
//# triggers __k6c_objrest
// Object rest in destructuring.
function __k6c_objrest(o, keys) {
	var out = {}, k;
	for (k in o) if (Object.prototype.hasOwnProperty.call(o, k) && keys.indexOf(k) < 0) out[k] = o[k];
	return out;
}

//# chunk lower.assign
//# triggers __k6c_assign
// Object spread.
function __k6c_assign(t) {
	for (var i = 1; i < arguments.length; i++) {
		var s = arguments[i];
		if (s == null) continue;
		var ks = Object.keys(s);
		for (var j = 0; j < ks.length; j++) Object.defineProperty(t, ks[j], { value: s[ks[j]], writable: true, enumerable: true, configurable: true });
	}
	return t;
}

//# chunk lower.tpl
//# triggers __k6c_tpl
// The strings object of a tagged template.
function __k6c_tpl(cooked, raw) {
	Object.defineProperty(cooked, 'raw', { value: Object.freeze(raw) });
	return Object.freeze(cooked);
}

//# chunk lower.interop
//# triggers __k6c_interop
// Default imports of CommonJS modules.
function __k6c_interop(m) {
	return m && m.__esModule ? m : { 'default': m };
}

//# chunk lower.const
//# triggers __k6c_const
// Assignments to const bindings.
function __k6c_const(name) {
	throw new TypeError('Assignment to constant variable "' + name + '".');
}

//# chunk lower.class
//# triggers __k6c_classcheck __k6c_inherits __k6c_method __k6c_super __k6c_superget __k6c_fields __k6c_priv __k6c_superset __k6c_nosuper
// Classes: constructors, members, super, fields, private names.
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
	// The lowering names a method's function where it safely can; accessors
	// and the rest get their name here ("get x" for a getter).
	if (!f.name && typeof k !== 'symbol') Object.defineProperty(f, 'name', { value: (kind === 'get' || kind === 'set' ? kind + ' ' : '') + k, configurable: true });
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

// Private names are symbols on the instance (fields) or the prototype
// (methods). Reaching one through an object that does not carry it is a
// TypeError, as the spec's brand check says, not a read of undefined.
function __k6c_priv(o, k) {
	if (o === null || (typeof o !== 'object' && typeof o !== 'function') || !(k in o))
		throw new TypeError('Cannot access private member ' + String(k).replace(/^Symbol\((.*)\)$/, '$1') + ' from an object whose class did not declare it');
	return o;
}

// super.k = v: a setter found on the parent's chain runs with `this` as
// receiver; otherwise the value lands on `this` itself (Duktape's
// Reflect.set has no receiver argument).
function __k6c_superset(proto, k, v, self) {
	for (var o = proto; o; o = Object.getPrototypeOf(o)) {
		var d = Object.getOwnPropertyDescriptor(o, k);
		if (!d) continue;
		if (d.set) { d.set.call(self, v); return v; }
		if (d.get || !d.writable) throw new TypeError('Cannot assign to read only property ' + String(k));
		break;
	}
	var own = Object.getOwnPropertyDescriptor(self, k);
	if (own && !('value' in own)) throw new TypeError('Cannot assign to property ' + String(k));
	if (own) self[k] = v;
	else Object.defineProperty(self, k, { value: v, writable: true, enumerable: true, configurable: true });
	return v;
}

function __k6c_nosuper() {
	throw new ReferenceError("Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
}

//# chunk lower.loop
//# triggers __k6c_BRK
// What a per-iteration loop body returns for `break`.
var __k6c_BRK = {};

//# chunk lower.coro
//# triggers __k6c_Return __k6c_yield __k6c_yieldstar __k6c_await __k6c_gen
//# requires lower.iter
// Generators (and the coroutine primitives of async functions).
// Generators and async functions on Duktape coroutines. The body runs in a
// Duktape.Thread; `yield e` becomes __k6c_yield(e) and `await e`
// __k6c_await(e): both Duktape.Thread.yield() a tagged record. return() is
// delivered as a thrown __k6c_Return so finally blocks run; the lowering
// makes every catch clause in a generator body rethrow it.
function __k6c_Return(v) { this.value = v; }

function __k6c_yield(v) { return Duktape.Thread.yield({ y: v }); }

// yield* forwards next/throw/return to the inner iterator, as the
// specification's delegation does: a return() or throw() of the outer
// generator reaches the inner one first.
function __k6c_yieldstar(v) {
	var it = __k6c_iter(v), r, recv, mode = 0, f;
	for (;;) {
		if (mode === 0) r = it.next(recv);
		else if (mode === 1) {
			f = it['throw'];
			if (f == null) { __k6c_close(it); throw new TypeError('The iterator does not provide a \'throw\' method'); }
			r = f.call(it, recv);
		} else {
			f = it['return'];
			if (f == null) throw recv;
			r = f.call(it, recv.value);
		}
		if (Object(r) !== r) throw new TypeError('Iterator result ' + r + ' is not an object');
		if (r.done) {
			if (mode === 2) throw new __k6c_Return(r.value);
			return r.value;
		}
		try {
			recv = __k6c_yield(r.value);
			mode = 0;
		} catch (e) {
			recv = e;
			mode = e instanceof __k6c_Return ? 2 : 1;
		}
	}
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

//# chunk lower.async
//# triggers __k6c_async
//# requires promise lower.coro
// Async functions.
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

//# chunk lower.asyncgen
//# triggers __k6c_aiter __k6c_anext __k6c_ayieldstar __k6c_agen
//# requires promise asynciterator lower.coro
// Async iteration: for await, async generators and their yield*.
// The async iterator of v for `for await` and yield* in async generators:
// v[Symbol.asyncIterator](), or else its sync iterator wrapped so that each
// result's value is awaited (CreateAsyncFromSyncIterator).
function __k6c_aiter(v) {
	if (v == null) throw new TypeError(v + ' is not async iterable');
	var f = v[Symbol.asyncIterator];
	if (f != null) {
		var it = f.call(v);
		if (Object(it) !== it) throw new TypeError('Result of the Symbol.asyncIterator method is not an object');
		return it;
	}
	var s = __k6c_iter(v);
	function wrap(r) {
		if (Object(r) !== r) throw new TypeError('Iterator result ' + r + ' is not an object');
		var done = !!r.done;
		return Promise.resolve(r.value).then(function (x) { return { value: x, done: done }; });
	}
	function call(name, a, n) {
		return new Promise(function (resolve) {
			var f = s[name];
			if (f == null) {
				if (name === 'return') { resolve({ value: a, done: true }); return; }
				__k6c_close(s);
				throw new TypeError('The iterator does not provide a \'throw\' method');
			}
			resolve(wrap(n ? f.call(s, a) : f.call(s)));
		});
	}
	return {
		next: function (a) { return call('next', a, arguments.length); },
		'return': function (a) { return call('return', a, arguments.length); },
		'throw': function (a) { return call('throw', a, arguments.length); }
	};
}

// `for await` calls this for each step: the awaited result of it.next(),
// which must be an object.
function __k6c_anext(it) {
	var r = __k6c_await(it.next());
	if (Object(r) !== r) throw new TypeError('Iterator result ' + r + ' is not an object');
	return r;
}

// yield* in an async generator: the inner results are awaited, their
// values are yielded as they are (tag ys: no second await).
function __k6c_ayieldstar(v) {
	var it = __k6c_aiter(v), r, recv, mode = 0, f;
	for (;;) {
		if (mode === 0) r = __k6c_await(it.next(recv));
		else if (mode === 1) {
			f = it['throw'];
			if (f == null) {
				f = it['return'];
				if (f != null) __k6c_await(f.call(it));
				throw new TypeError('The iterator does not provide a \'throw\' method');
			}
			r = __k6c_await(f.call(it, recv));
		} else {
			f = it['return'];
			if (f == null) throw recv;
			r = __k6c_await(f.call(it, recv.value));
		}
		if (Object(r) !== r) throw new TypeError('Iterator result ' + r + ' is not an object');
		if (r.done) {
			if (mode === 2) throw new __k6c_Return(__k6c_await(r.value));
			return r.value;
		}
		try {
			recv = Duktape.Thread.yield({ ys: r.value });
			mode = 0;
		} catch (e) {
			recv = e;
			mode = e instanceof __k6c_Return ? 2 : 1;
		}
	}
}

// Async generators: next/throw/return queue a request and return its
// promise; one request runs at a time, in order (AsyncGenerator queue).
// A yielded value and a returned value are awaited before they settle the
// request, and so is the argument of return() before the body sees it, so
// that finally blocks run after it resolved. One difference from the
// specification: a rejected `return promise` rejects the request instead of
// being thrown at the return statement.
function __k6c_agen(fn, self, args) {
	var state = 0; // 0 fresh, 1 suspended at a yield, 2 running, 3 done, 4 awaiting return()
	var queue = [];
	var t = new Duktape.Thread(function () { return { r: fn.apply(self, args) }; });
	function settle(ok, v, done) {
		var q = queue.shift();
		if (ok) q.resolve({ value: v, done: done });
		else q.reject(v);
	}
	function finish(ok, v) {
		state = 3;
		settle(ok, v, true);
		drain();
	}
	function run(v, err) {
		var r;
		try {
			r = Duktape.Thread.resume(t, v, err);
		} catch (e) {
			if (e instanceof __k6c_Return) finish(true, e.value);
			else finish(false, e);
			return;
		}
		if ('a' in r) {
			Promise.resolve(r.a).then(function (x) { run(x, false); }, function (e) { run(e, true); });
		} else if ('r' in r) {
			Promise.resolve(r.r).then(function (x) { finish(true, x); }, function (e) { finish(false, e); });
		} else if ('ys' in r) {
			yielded(r.ys);
		} else {
			Promise.resolve(r.y).then(yielded, function (e) { run(e, true); });
		}
	}
	function yielded(x) {
		state = 1;
		settle(true, x, false);
		drain();
	}
	function drain() {
		while (queue.length && (state === 0 || state === 1 || state === 3)) {
			var q = queue[0];
			if (q.kind !== 'next' && state === 0) state = 3;
			if (state === 3) {
				if (q.kind === 'return') {
					state = 4;
					Promise.resolve(q.v).then(function (x) { finish(true, x); }, function (e) { finish(false, e); });
					return;
				}
				settle(q.kind === 'next', q.kind === 'next' ? undefined : q.v, true);
				continue;
			}
			state = 2;
			if (q.kind === 'next') run(q.v, false);
			else if (q.kind === 'throw') run(q.v, true);
			else Promise.resolve(q.v).then(function (x) { run(new __k6c_Return(x), true); }, function (e) { run(e, true); });
			return;
		}
	}
	function request(kind, v) {
		return new Promise(function (resolve, reject) {
			queue.push({ kind: kind, v: v, resolve: resolve, reject: reject });
			drain();
		});
	}
	var g = {
		next: function (v) { return request('next', v); },
		'throw': function (e) { return request('throw', e); },
		'return': function (v) { return request('return', v); }
	};
	g[Symbol.asyncIterator] = function () { return this; };
	return g;
}
