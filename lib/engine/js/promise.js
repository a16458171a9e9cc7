/*
 * promise.js - Promise for Duktape 2.7 (built without it), with the job
 * queue in JS: reactions are queued in FIFO order and run only when the host
 * calls the global __k6c_drain_jobs(), which runs every queued job,
 * including jobs queued while draining, and returns how many ran. The VM
 * drains after each piece of JS it runs (init, iteration, timer callback,
 * async native completion), which gives the microtask semantics of an event
 * loop. Ordering follows the specification's PromiseJobs (thenables resolve
 * through an extra job), so it matches node and k6 for await chains.
 *
 * Unhandled rejections: a promise rejected with no handler that still has
 * none when the queue runs dry is reported once; the global
 * __k6c_take_unhandled() returns the reasons collected since its last call
 * (at most 32, oldest first), so the VM can report them like k6's
 * "Uncaught (in promise)".
 */

//# chunk promise
//# triggers Promise async await _asyncToGenerator regeneratorRuntime _regeneratorRuntime __k6c_drain_jobs
(function (G) {
	'use strict';
	var STATE = Symbol('k6c.promiseState'); /* 0 pending, 1 fulfilled, 2 rejected */
	var VALUE = Symbol('k6c.promiseValue');
	var REACT = Symbol('k6c.promiseReactions'); /* array while pending */
	var HANDLED = Symbol('k6c.promiseHandled');
	var jobs = [];  /* flat pairs: function, argument */
	var head = 0;
	var rejected = []; /* rejected without a handler, not yet checked */
	var unhandled = []; /* reasons to report */

	function def(o, k, v) {
		Object.defineProperty(o, k, { value: v, writable: true, configurable: true });
	}
	function isObj(v) {
		return (typeof v === 'object' && v !== null) || typeof v === 'function';
	}
	function enqueue(fn, arg) {
		jobs.push(fn, arg);
	}
	function drain() {
		var n = 0, fn, arg;
		while (head < jobs.length) {
			fn = jobs[head];
			arg = jobs[head + 1];
			jobs[head] = jobs[head + 1] = undefined;
			head += 2;
			n++;
			fn(arg);
		}
		jobs.length = 0;
		head = 0;
		while (rejected.length > 0) {
			var p = rejected.shift();
			if (!p[HANDLED] && unhandled.length < 32)
				unhandled.push(p[VALUE]);
		}
		return n;
	}
	function takeUnhandled() {
		var out = unhandled;
		unhandled = [];
		return out;
	}

	function init(p) {
		p[STATE] = 0;
		p[VALUE] = undefined;
		p[REACT] = [];
	}
	function settle(p, state, value) {
		var rs = p[REACT], i, r;
		if (p[STATE] !== 0)
			return;
		p[STATE] = state;
		p[VALUE] = value;
		p[REACT] = null;
		if (state === 2 && rs.length === 0 && !p[HANDLED])
			rejected.push(p);
		for (i = 0; i < rs.length; i++) {
			r = rs[i];
			r.s = state;
			r.v = value;
			enqueue(react, r);
		}
	}
	function reject(p, e) {
		settle(p, 2, e);
	}
	function resolve(p, x) {
		var then;
		if (x === p) {
			reject(p, new TypeError('Chaining cycle detected for promise'));
			return;
		}
		if (isObj(x)) {
			try {
				then = x.then;
			} catch (e) {
				reject(p, e);
				return;
			}
			if (typeof then === 'function') {
				enqueue(thenableJob, { p: p, x: x, t: then });
				return;
			}
		}
		settle(p, 1, x);
	}
	/* Resolving functions that act once (for executors and thenables). */
	function resolvers(p) {
		var done = false;
		return [
			function (v) { if (!done) { done = true; resolve(p, v); } },
			function (e) { if (!done) { done = true; reject(p, e); } }
		];
	}
	function thenableJob(j) {
		var fns = resolvers(j.p);
		try {
			j.t.call(j.x, fns[0], fns[1]);
		} catch (e) {
			fns[1](e);
		}
	}
	/* A reaction r: f/r handlers, c the derived promise, s/v the outcome. */
	function react(r) {
		var h = r.s === 1 ? r.f : r.r, x;
		if (typeof h !== 'function') {
			if (r.s === 1)
				resolve(r.c, r.v);
			else
				reject(r.c, r.v);
			return;
		}
		try {
			x = h(r.v);
		} catch (e) {
			reject(r.c, e);
			return;
		}
		resolve(r.c, x);
	}

	function Promise(executor) {
		var fns;
		if (!(this instanceof Promise))
			throw new TypeError('Promise constructor cannot be invoked without \'new\'');
		if (typeof executor !== 'function')
			throw new TypeError('Promise resolver is not a function');
		init(this);
		fns = resolvers(this);
		try {
			executor(fns[0], fns[1]);
		} catch (e) {
			fns[1](e);
		}
	}
	/* Derived promises skip the executor and its two closures. */
	function Derived() {
		init(this);
	}
	Derived.prototype = Promise.prototype;
	function isPromise(p) {
		return isObj(p) && p[STATE] !== undefined;
	}

	function defAll(o, ms) {
		Object.keys(ms).forEach(function (k) { def(o, k, ms[k]); });
	}
	function resolved(x) {
		var p;
		if (isPromise(x) && x.constructor === Promise)
			return x;
		p = new Derived();
		resolve(p, x);
		return p;
	}
	function list(it) {
		var out = [], x, r;
		if (Array.isArray(it))
			return it;
		if (it !== null && it !== undefined && typeof it[Symbol.iterator] === 'function') {
			x = it[Symbol.iterator]();
			while (!(r = x.next()).done)
				out.push(r.value);
			return out;
		}
		if (typeof it === 'string')
			return it.split('');
		throw new TypeError('object is not iterable');
	}
	/* Calls onItem(state, i, promise) for each item of an iterable and
	 * returns the combined promise state.p; onEmpty settles it when there
	 * are no items. */
	function combine(it, onItem, onEmpty) {
		var p = new Derived(), items, st, i;
		try {
			items = list(it);
		} catch (e) {
			reject(p, e);
			return p;
		}
		st = { left: items.length, out: new Array(items.length), p: p };
		if (items.length === 0)
			onEmpty(st);
		for (i = 0; i < items.length; i++)
			onItem(st, i, resolved(items[i]));
		return p;
	}
	function aggregate(errors) {
		var e = new Error('All promises were rejected');
		e.name = 'AggregateError';
		e.errors = errors;
		return e;
	}

	defAll(Promise.prototype, {
		then(onFulfilled, onRejected) {
			var c, r;
			if (!isPromise(this))
				throw new TypeError('Promise.prototype.then called on incompatible receiver');
			c = new Derived();
			r = { f: onFulfilled, r: onRejected, c: c, s: 0, v: undefined };
			this[HANDLED] = true;
			if (this[STATE] === 0) {
				this[REACT].push(r);
			} else {
				r.s = this[STATE];
				r.v = this[VALUE];
				enqueue(react, r);
			}
			return c;
		},
		'catch'(onRejected) {
			return this.then(undefined, onRejected);
		},
		'finally'(f) {
			if (typeof f !== 'function')
				return this.then(f, f);
			return this.then(
				function (v) { return resolved(f()).then(function () { return v; }); },
				function (e) { return resolved(f()).then(function () { throw e; }); });
		}
	});
	Object.defineProperty(Promise.prototype, Symbol.toStringTag, { value: 'Promise', configurable: true });

	defAll(Promise, {
		resolve: resolved,
		reject(e) {
			var p = new Derived();
			reject(p, e);
			return p;
		},
		all(it) {
			return combine(it, function (st, i, p) {
				p.then(function (v) {
					st.out[i] = v;
					if (--st.left === 0)
						resolve(st.p, st.out);
				}, function (e) { reject(st.p, e); });
			}, function (st) { resolve(st.p, []); });
		},
		allSettled(it) {
			return combine(it, function (st, i, p) {
				function done(o) {
					st.out[i] = o;
					if (--st.left === 0)
						resolve(st.p, st.out);
				}
				p.then(function (v) { done({ status: 'fulfilled', value: v }); },
					function (e) { done({ status: 'rejected', reason: e }); });
			}, function (st) { resolve(st.p, []); });
		},
		race(it) {
			return combine(it, function (st, i, p) {
				p.then(function (v) { resolve(st.p, v); }, function (e) { reject(st.p, e); });
			}, function () {});
		},
		any(it) {
			return combine(it, function (st, i, p) {
				p.then(function (v) { resolve(st.p, v); }, function (e) {
					st.out[i] = e;
					if (--st.left === 0)
						reject(st.p, aggregate(st.out));
				});
			}, function (st) { reject(st.p, aggregate([])); });
		}
	});

	def(G, 'Promise', Promise);
	def(G, '__k6c_drain_jobs', drain);
	def(G, '__k6c_take_unhandled', takeUnhandled);
})(this);
