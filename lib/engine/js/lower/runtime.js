// runtime.js - run-time helpers of the fast lowerer's output (lower.js),
// as prelude chunks: k6c__prelude_for() installs in a VU only the chunks
// whose helpers its lowered modules name, with the chunks they require
// (the iteration protocol, Promise, Symbol.asyncIterator). The helpers are
// global functions named __k6c_*, so a chunk's triggers are its names.

//# chunk lower.iter
//# triggers __k6c_iter __k6c_close __k6c_result __k6c_next
// The iteration protocol (for-of, spread, destructuring, yield*). Arrays and
// strings have an index fallback, so the iterators chunk is not needed.
function __k6c_iter(v) {
	if (v == null) throw new TypeError(v + ' is not iterable');
	var f = v[Symbol.iterator];
	if (typeof f === 'function') return f.call(v);
	// Strings iterate by code point: a surrogate pair is one value.
	if (typeof v === 'string') {
		var j = 0;
		return { __k6c_index: true, next: function () {
			if (j >= v.length) return { value: undefined, done: true };
			var c = v.charCodeAt(j), w = c >= 0xD800 && c <= 0xDBFF && j + 1 < v.length && (v.charCodeAt(j + 1) & 0xFC00) === 0xDC00 ? 2 : 1;
			j += w;
			return { value: v.substr(j - w, w), done: false };
		} };
	}
	// Arrays, arguments objects and typed arrays iterate by index.
	if (Array.isArray(v) || Object.prototype.toString.call(v) === '[object Arguments]' ||
	    (typeof ArrayBuffer === 'function' && ArrayBuffer.isView(v) && !(v instanceof DataView))) {
		var i = 0;
		return { __k6c_index: true, next: function () { return i < v.length ? { value: v[i++], done: false } : { value: undefined, done: true }; } };
	}
	throw new TypeError('object is not iterable');
}

// The next method of an iterator, bound to it (read once, as for-of reads
// it); the index iterators above need no binding.
function __k6c_next(it) {
	var f = it.next;
	if (it.__k6c_index === true) return f;
	if (typeof f !== 'function') return function () { throw new TypeError('The iterator\'s next is not a function'); };
	return function () { return f.call(it); };
}

// Symbol.iterator, kept in a variable: looking it up each time costs a
// third of __k6c_arr's test for a plain array.
var __k6c_SI = Symbol.iterator;

// An iterator's next() must give an object (IteratorNext): a primitive
// would otherwise read as a step that is not done, forever.
function __k6c_result(r) {
	if (Object(r) !== r) throw new TypeError('Iterator result ' + r + ' is not an object');
	return r;
}

// Closes an iterator that is left before its end (IteratorClose). When the
// code using it threw (thrown, e), return() is still called but what it
// throws or gives is ignored: the first error wins. A generator's return()
// reaches its body as a thrown __k6c_Return, which is no error.
function __k6c_close(it, thrown, e) {
	var f = it['return'];
	if (f == null) return;
	if (thrown && !(typeof __k6c_Return === 'function' && e instanceof __k6c_Return)) {
		try { f.call(it); } catch (ignored) { /* the body's error wins */ }
		return;
	}
	__k6c_result(f.call(it));
}

//# chunk lower.arr
//# triggers __k6c_arr __k6c_spr
//# requires lower.iter
// Spread and array destructuring.
// Iterables to arrays (spread, array destructuring); arrays take the fast path.
// With n, at most n values are taken and the iterator is closed (array
// destructuring without a rest element).
function __k6c_arr(v, n) {
	if (Array.isArray(v)) {
		var f = v[__k6c_SI];
		if (f === undefined || f === Array.prototype[__k6c_SI]) return v;
	}
	var it = __k6c_iter(v), next = it.next, out = [], s, done = false;
	while (n === undefined || out.length < n) {
		s = __k6c_result(next.call(it));
		if (s.done) { done = true; break; }
		out.push(s.value);
	}
	if (n !== undefined && !done) __k6c_close(it);
	return out;
}

// What a spread element takes: a new array of what v iterates, now (a
// later argument cannot change it), with holes read as undefined.
function __k6c_spr(v) {
	// __k6c_arr gives back v itself only for an array of default iteration.
	var a = __k6c_arr(v);
	if (a !== v) return a;
	var out = new Array(v.length);
	for (var i = 0; i < v.length; i++) out[i] = v[i];
	return out;
}

//# chunk lower.keys
//# triggers __k6c_ownkeys __k6c_defval __k6c_setval
// The keys object spread and object rest copy (CopyDataProperties): own
// enumerable strings, then own enumerable symbols.
function __k6c_ownkeys(o) {
	var ks = Object.keys(o), ss = Object.getOwnPropertySymbols(o);
	for (var i = 0; i < ss.length; i++) if (Object.prototype.propertyIsEnumerable.call(o, ss[i])) ks.push(ss[i]);
	return ks;
}

// A data property as an object literal makes it: defined, not assigned, so
// a key such as __proto__ or a setter up the chain changes nothing.
function __k6c_defval(t, k, v) {
	Object.defineProperty(t, k, { value: v, writable: true, enumerable: true, configurable: true });
}

// The same on an object that has only data properties and Object.prototype
// as its prototype: assigning is defining there, except for __proto__
// (Object.prototype's accessor), and much faster in Duktape.
function __k6c_setval(t, k, v) {
	if (k === '__proto__') __k6c_defval(t, k, v);
	else t[k] = v;
}

//# chunk lower.objrest
//# triggers __k6c_objrest
//# requires lower.keys
// Object rest in destructuring. The keys already taken come as property
// keys or, when computed, as the values the pattern computed.
// (Written out, not through __k6c_ownkeys and __k6c_setval: destructuring
// is common in iteration code, and calls cost in Duktape.)
function __k6c_objrest(o, taken) {
	if (o == null) throw new TypeError('Cannot destructure ' + o + ' as it is ' + (o === null ? 'null' : 'undefined') + '.');
	var out = {}, src = Object(o), ks = Object.keys(src), ss = Object.getOwnPropertySymbols(src), i, k;
	for (i = 0; i < taken.length; i++) if (typeof taken[i] !== 'string' && typeof taken[i] !== 'symbol') taken[i] = String(taken[i]);
	for (i = 0; i < ks.length; i++) {
		k = ks[i];
		if (taken.indexOf(k) >= 0) continue;
		if (k === '__proto__') __k6c_defval(out, k, src[k]); else out[k] = src[k];
	}
	for (i = 0; i < ss.length; i++)
		if (taken.indexOf(ss[i]) < 0 && Object.prototype.propertyIsEnumerable.call(src, ss[i])) out[ss[i]] = src[ss[i]];
	return out;
}

//# chunk lower.assign
//# triggers __k6c_assign
//# requires lower.keys
// Object spread: copies s into t, defining (define) or, when t is plain
// (a literal without accessors and __proto__), assigning.
function __k6c_assign(t, s, define) {
	if (s == null) return t;
	s = Object(s);
	var ks = __k6c_ownkeys(s), set = define ? __k6c_defval : __k6c_setval;
	for (var j = 0; j < ks.length; j++) set(t, ks[j], s[ks[j]]);
	return t;
}

//# chunk lower.tpl
//# triggers __k6c_tpl
// The strings object of a tagged template.
function __k6c_tpl(cooked, raw) {
	Object.defineProperty(cooked, 'raw', { value: Object.freeze(raw) });
	return Object.freeze(cooked);
}

//# chunk lower.ts
//# triggers __k6c_ts
// A template substitution as a string (ToString: a symbol throws).
function __k6c_ts(v) {
	if (typeof v === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
	return String(v);
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

//# chunk lower.fname
//# triggers __k6c_fname __k6c_pkey
// Function names (SetFunctionName): an anonymous function or class takes
// the name of the binding or property key it is defined under, "get k" and
// "set k" for accessors, "[description]" for a symbol key.
function __k6c_fname(f, k, prefix) {
	var n = typeof k === 'symbol' ? String(k).slice(7, -1) : String(k);
	if (typeof k === 'symbol' && n !== '') n = '[' + n + ']';
	Object.defineProperty(f, 'name', { value: prefix ? prefix + ' ' + n : n, configurable: true });
	return f;
}

// A computed key is converted once, as the engine would (ToPropertyKey),
// when the lowering needs its value twice: as the key and for a name.
function __k6c_pkey(k) {
	return typeof k === 'symbol' ? k : String(k);
}

//# chunk lower.put
//# triggers __k6c_put
//# requires lower.fname
// What object literals define besides data properties: kind 0 is
// __proto__ (a non-object is ignored), 1 a getter, 2 a setter, named
// "get k" and "set k"; Duktape has no computed accessor keys in literals.
function __k6c_put(o, kind, k, v) {
	if (kind === 0) {
		if (v === null || typeof v === 'object' || typeof v === 'function') Object.setPrototypeOf(o, v);
		return;
	}
	k = __k6c_pkey(k);
	__k6c_fname(v, k, kind === 1 ? 'get' : 'set');
	var d = Object.getOwnPropertyDescriptor(o, k);
	if (!d || !('get' in d)) d = { get: undefined, set: undefined, enumerable: true, configurable: true };
	if (kind === 1) d.get = v; else d.set = v;
	Object.defineProperty(o, k, d);
}

//# chunk lower.class
//# triggers __k6c_ctor __k6c_inherits __k6c_method __k6c_super __k6c_superget __k6c_fields __k6c_priv __k6c_privin __k6c_superset __k6c_nosuper __k6c_privmiss __k6c_once __k6c_dret
//# requires lower.fname
// Classes: constructors, members, super, fields, private names.
// new.target of a parent constructor that super() runs: Duktape's
// Reflect.construct takes no newTarget, so __k6c_super calls the parent as
// a function and leaves the derived constructor's new.target here, for the
// parent's __k6c_ctor to take first thing.
var __k6c_ntnext;

// Every class constructor called without new starts here: it returns the
// constructor's new.target and throws when the class was not reached
// through super(). A subclass
// that Babel lowered (a module the fast path declined) calls its parent as
// a function on the new instance: that instance's constructor stands in for
// new.target then.
function __k6c_ctor(self, C) {
	var nt = __k6c_ntnext;
	__k6c_ntnext = undefined;
	if (nt === undefined && self instanceof C) nt = Object.getPrototypeOf(self).constructor;
	if (nt === undefined) throw new TypeError('Class constructor ' + C.name + ' cannot be invoked without new');
	return nt;
}

// Every class passes here (S undefined without extends): its prototype
// property is read-only, as a class's is.
var __k6c_CLASS = Symbol('k6c class');
function __k6c_inherits(C, S) {
	if (arguments.length > 1) {
		if (typeof S !== 'function' && S !== null) throw new TypeError('Class extends value is not a constructor or null');
		C.prototype = Object.create(S && S.prototype, { constructor: { value: C, writable: true, configurable: true } });
		if (S) Object.setPrototypeOf(C, S);
	}
	Object.defineProperty(C, 'prototype', { writable: false });
	// Marks the classes of the lowering: their constructors are never
	// built-ins (__k6c_super).
	Object.defineProperty(C, __k6c_CLASS, { value: true });
}

// A private method is not writable, and a private accessor without one
// half throws for it (a TypeError, as the specification's missing getter
// or setter): `priv` is the member's name (#m) then.
function __k6c_method(o, k, f, kind, priv) {
	var d = Object.getOwnPropertyDescriptor(o, k);
	if (kind === 'get' || kind === 'set') {
		if (!d || !('get' in d)) d = { get: priv ? __k6c_privmiss(priv, 'getter') : undefined, set: priv ? __k6c_privmiss(priv, 'setter') : undefined, enumerable: false, configurable: true };
		d[kind] = f;
	} else d = { value: f, writable: !priv, enumerable: false, configurable: true };
	// The lowering names a method's function where it safely can; accessors
	// and the rest get their name here ("get x" for a getter).
	if (!f.name || kind === 'get' || kind === 'set') __k6c_fname(f, priv || k, kind === 'get' || kind === 'set' ? kind : '');
	Object.defineProperty(o, k, d);
}

function __k6c_privmiss(name, what) {
	return function () { throw new TypeError(name + ' was defined without a ' + what); };
}

// Calls the parent constructor for super(...). Built-ins such as Error
// ignore `this` and return a new object: that object becomes `this`, with
// the derived prototype, which is what `extends Error` needs.
function __k6c_super(self, S, args, nt) {
	var r;
	// A built-in (Error, Date, Map...) is constructed: called as a function
	// it would not make its kind of object (Date gives a string). Its
	// result takes the derived prototype, as with Reflect.construct.
	if (S[__k6c_CLASS] !== true && /\[native code\]/.test(Function.prototype.toString.call(S))) {
		r = new (Function.prototype.bind.apply(S, [null].concat(Array.prototype.slice.call(args))))();
		Object.setPrototypeOf(r, Object.getPrototypeOf(self));
		return r;
	}
	__k6c_ntnext = nt;
	if (S[__k6c_CLASS] === true) {
		// A class of the lowering takes it first thing.
		r = S.apply(self, args);
	} else {
		try {
			r = S.apply(self, args);
		} finally {
			__k6c_ntnext = undefined;
		}
	}
	// A parent constructor that returns an object makes it this.
	return r !== null && (typeof r === 'object' || typeof r === 'function') ? r : self;
}

// super() a second time: the parent constructor ran, binding this fails.
function __k6c_once(prev, r) {
	if (prev !== undefined) throw new ReferenceError('Super constructor may only be called once');
	return r;
}

// What a derived constructor's `return v` gives: an object as it is, this
// for undefined, a TypeError for anything else.
function __k6c_dret(v, self) {
	if (v !== null && (typeof v === 'object' || typeof v === 'function')) return v;
	if (v !== undefined) throw new TypeError('Derived constructors may only return object or undefined');
	return self === undefined ? __k6c_nosuper() : self;
}

function __k6c_superget(proto, k, self) {
	for (var o = proto; o; o = Object.getPrototypeOf(o)) {
		var d = Object.getOwnPropertyDescriptor(o, k);
		if (d) return d.get ? d.get.call(self) : d.value;
	}
	return undefined;
}

// Instance or static fields and static blocks, in order: [key,
// initialiser, name, private] for a field, where a name says the value is
// an anonymous function or class to be named (the key itself when the name
// is 1) and a private field is not enumerable; [function] for a block.
function __k6c_fields(self, list) {
	for (var i = 0; i < list.length; i++) {
		var f = list[i], v;
		if (f.length === 1) { f[0].call(self); continue; }   // a static block
		v = f[1].call(self);
		if (f[2]) __k6c_fname(v, f[2] === 1 ? f[0] : f[2]);
		Object.defineProperty(self, f[0], { value: v, writable: true, enumerable: !f[3], configurable: true });
	}
	return self;
}

// Private names are symbols on the instance (fields, and the class's brand
// for its private methods, which sit on the prototype) or on the class
// itself (static members). `brand` is the symbol the object must own:
// reaching a private member through any other object, a subclass's
// constructor or an object that merely inherits the prototype included, is
// a TypeError, as the specification's brand check says.
function __k6c_priv(o, brand, name) {
	if (o === null || (typeof o !== 'object' && typeof o !== 'function') || !Object.prototype.hasOwnProperty.call(o, brand))
		throw new TypeError('Cannot access private member ' + (name || String(brand).slice(7, -1)) + ' from an object whose class did not declare it');
	return o;
}

// #x in o
function __k6c_privin(brand, o) {
	if (o === null || (typeof o !== 'object' && typeof o !== 'function')) throw new TypeError("Cannot use 'in' operator to search for a private field in " + o);
	return Object.prototype.hasOwnProperty.call(o, brand);
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
//# triggers __k6c_Return __k6c_yield __k6c_yieldstar __k6c_await __k6c_gen __k6c_genproto __k6c_genobj
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
	var it = __k6c_iter(v), next = it.next, r, recv, mode = 0, f;
	for (;;) {
		if (mode === 0) r = next.call(it, recv);
		else if (mode === 1) {
			f = it['throw'];
			if (f == null) { __k6c_close(it); throw new TypeError('The iterator does not provide a \'throw\' method'); }
			r = f.call(it, recv);
		} else {
			f = it['return'];
			if (f == null) throw recv;
			r = f.call(it, recv.value);
		}
		__k6c_result(r);
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

// Generator objects have no own properties: next, throw and return are on
// a shared prototype (tagged "Generator"), and drive the generator's
// coroutine through a function kept under a symbol.
var __k6c_GENSTEP = Symbol('k6c generator');
function __k6c_genproto(tag, iterKey) {
	var p = {};
	['next', 'throw', 'return'].forEach(function (kind) {
		Object.defineProperty(p, kind, { value: function (v) {
			var step = this != null ? this[__k6c_GENSTEP] : undefined;
			if (typeof step !== 'function') throw new TypeError(kind + ' method called on incompatible receiver ' + this);
			return step(kind, v);
		}, writable: true, configurable: true });
	});
	Object.defineProperty(p, iterKey, { value: function () { return this; }, writable: true, configurable: true });
	Object.defineProperty(p, Symbol.toStringTag, { value: tag, configurable: true });
	return p;
}
var __k6c_GenProto = __k6c_genproto('Generator', Symbol.iterator);
function __k6c_genobj(proto, step) {
	var g = Object.create(proto);
	Object.defineProperty(g, __k6c_GENSTEP, { value: step });
	return g;
}

function __k6c_gen(fn, self, args) {
	var state = 0; // 0 fresh, 1 suspended, 2 running, 3 done
	var t = new Duktape.Thread(function () { return { r: fn.apply(self, args) }; });
	function step(v, err) {
		if (state === 3) {
			if (v instanceof __k6c_Return) return { value: v.value, done: true };
			if (err) throw v;
			return { value: undefined, done: true };
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
	return __k6c_genobj(__k6c_GenProto, function (kind, v) {
		return kind === 'next' ? step(v, false) : kind === 'throw' ? step(v, true) : step(new __k6c_Return(v), true);
	});
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
//# triggers __k6c_aiter __k6c_anext __k6c_aclose __k6c_ayieldstar __k6c_agen
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
		__k6c_result(r);
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
// __k6c_close for an async iterator: return()'s result is awaited.
function __k6c_aclose(it, thrown, e) {
	var f = it['return'];
	if (f == null) return;
	if (thrown && !(e instanceof __k6c_Return)) {
		try { __k6c_await(f.call(it)); } catch (ignored) { /* the body's error wins */ }
		return;
	}
	__k6c_result(__k6c_await(f.call(it)));
}

function __k6c_anext(it, next) {
	var r = __k6c_await(next.call(it));
	__k6c_result(r);
	return r;
}

// yield* in an async generator: the inner results are awaited, their
// values are yielded as they are (tag ys: no second await).
function __k6c_ayieldstar(v) {
	var it = __k6c_aiter(v), next = it.next, r, recv, mode = 0, f;
	for (;;) {
		if (mode === 0) r = __k6c_await(next.call(it, recv));
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
		__k6c_result(r);
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
// that finally blocks run after it resolved. The lowering awaits the
// operand of `return` at the statement (a rejection throws there), so the
// body's result is final.
var __k6c_AsyncGenProto = __k6c_genproto('AsyncGenerator', Symbol.asyncIterator);
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
			finish(true, r.r);
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
	return __k6c_genobj(__k6c_AsyncGenProto, request);
}
