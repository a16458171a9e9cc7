/*
 * promise.js - Promise for Duktape 2.7 (built without it), with the job
 * queue in JS: reactions are queued in FIFO order and run only when the host
 * calls the global __k6c_drain_jobs(), which runs every queued job,
 * including jobs queued while draining, and returns how many ran. The VM
 * drains after each piece of JS it runs (init, iteration, timer callback,
 * async native completion), which gives the microtask semantics of an event
 * loop. Ordering follows the specification's PromiseJobs (thenables resolve
 * through an extra job, finally() takes its extra steps), so it matches node
 * and k6 for await chains.
 *
 * Unhandled rejections: a promise rejected with no handler that still has
 * none when the queue runs dry is reported once; the global
 * __k6c_take_unhandled() returns the reasons collected since its last call
 * (at most 32, oldest first), so the VM can report them like k6's
 * "Uncaught (in promise)".
 *
 * Memory matters more than elegance here (this is loaded into every VU of a
 * script that uses async code, and each function costs bytes in every VU):
 * the combinators and finally() are reaction kinds dispatched by react()
 * rather than closures, and methods use the method shorthand, which gives
 * them no .prototype object.
 */
// (k6/x/: a native module may return promises, k6c_promise_new.)

//# chunk promise
//# triggers Promise async await _asyncToGenerator regeneratorRuntime _regeneratorRuntime __k6c_drain_jobs asyncRequest k6/x/
(function (G) {
	'use strict';
	var STATE = Symbol('k6c.promiseState'); /* 0 pending, 1 fulfilled, 2 rejected */
	var VALUE = Symbol('k6c.promiseValue');
	var REACT = Symbol('k6c.promiseReactions'); /* array while pending */
	var HANDLED = Symbol('k6c.promiseHandled');
	/* Reaction kinds. */
	var THEN = 0, ALL = 1, SETTLED = 2, RACE = 3, ANY = 4, FINALLY = 5, FINALLY_DONE = 6;
	var jobs = [];      /* flat pairs: function, argument */
	var head = 0;
	var rejected = [];  /* rejected without a handler, not yet checked */
	var unhandled = []; /* reasons to report */

	function isObj(v) {
		return (typeof v === 'object' && v !== null) || typeof v === 'function';
	}
	function drain() {
		var n = 0, fn, arg, p;
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
			p = rejected.shift();
			if (!p[HANDLED] && unhandled.length < 32)
				unhandled.push(p[VALUE]);
		}
		return n;
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
			jobs.push(react, r);
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
				jobs.push(thenableJob, { p: p, x: x, t: then });
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
	/* Adds reaction r to promise p; it runs as a job once p settles. */
	function subscribe(p, r) {
		p[HANDLED] = true;
		if (p[STATE] === 0) {
			p[REACT].push(r);
		} else {
			r.s = p[STATE];
			r.v = p[VALUE];
			jobs.push(react, r);
		}
	}
	function aggregate(errors) {
		var e = new Error('All promises were rejected');
		e.name = 'AggregateError';
		e.errors = errors;
		return e;
	}
	/* A reaction r: kind k, outcome s (1 fulfilled, 2 rejected) and v. THEN
	 * has handlers f/r and the derived promise c; the combinators have the
	 * shared state c = {left, out, p} and the item index i; FINALLY has the
	 * callback f and c; FINALLY_DONE settles c with the original outcome
	 * o/ov once the callback's result has settled. */
	function react(r) {
		var h, x, st = r.c, ok = r.s === 1;
		switch (r.k) {
		case THEN:
			h = ok ? r.f : r.r;
			if (typeof h !== 'function') {
				settle(st, r.s, r.v);
				return;
			}
			try {
				x = h(r.v);
			} catch (e) {
				reject(st, e);
				return;
			}
			resolve(st, x);
			return;
		case ALL:
			if (!ok) {
				reject(st.p, r.v);
				return;
			}
			st.out[r.i] = r.v;
			if (--st.left === 0)
				resolve(st.p, st.out);
			return;
		case SETTLED:
			st.out[r.i] = ok ? { status: 'fulfilled', value: r.v } : { status: 'rejected', reason: r.v };
			if (--st.left === 0)
				resolve(st.p, st.out);
			return;
		case RACE:
			settle(st.p, r.s, r.v);
			return;
		case ANY:
			if (ok) {
				resolve(st.p, r.v);
				return;
			}
			st.out[r.i] = r.v;
			if (--st.left === 0)
				reject(st.p, aggregate(st.out));
			return;
		case FINALLY:
			/* as the specification's thenFinally/catchFinally: the derived
			 * promise is resolved with a second promise q, which settles
			 * with the original outcome after f()'s result has settled */
			try {
				x = r.f();
			} catch (e) {
				reject(st, e);
				return;
			}
			h = new Derived();
			subscribe(resolved(x), { k: FINALLY_DONE, c: h, o: r.s, ov: r.v, s: 0, v: undefined });
			resolve(st, h);
			return;
		case FINALLY_DONE:
			if (ok)
				settle(st, r.o, r.ov);
			else
				reject(st, r.v);
			return;
		}
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
	function combine(it, kind) {
		var p = new Derived(), items, st, i;
		try {
			items = list(it);
		} catch (e) {
			reject(p, e);
			return p;
		}
		st = { left: items.length, out: new Array(items.length), p: p };
		if (items.length === 0) {
			if (kind === ANY)
				reject(p, aggregate([]));
			else if (kind !== RACE)
				resolve(p, []);
		}
		for (i = 0; i < items.length; i++)
			subscribe(resolved(items[i]), { k: kind, c: st, i: i, s: 0, v: undefined });
		return p;
	}

	var ms = {
		then(onFulfilled, onRejected) {
			var c;
			if (!isPromise(this))
				throw new TypeError('Promise.prototype.then called on incompatible receiver');
			c = new Derived();
			subscribe(this, { k: THEN, f: onFulfilled, r: onRejected, c: c, s: 0, v: undefined });
			return c;
		},
		'catch'(onRejected) {
			return this.then(undefined, onRejected);
		},
		'finally'(f) {
			var c;
			if (typeof f !== 'function')
				return this.then(f, f);
			if (!isPromise(this))
				throw new TypeError('Promise.prototype.finally called on incompatible receiver');
			c = new Derived();
			subscribe(this, { k: FINALLY, f: f, c: c, s: 0, v: undefined });
			return c;
		},
		resolve(x) {
			return resolved(x);
		},
		reject(e) {
			var p = new Derived();
			reject(p, e);
			return p;
		},
		all(it) {
			return combine(it, ALL);
		},
		allSettled(it) {
			return combine(it, SETTLED);
		},
		race(it) {
			return combine(it, RACE);
		},
		any(it) {
			return combine(it, ANY);
		},
		takeUnhandled() {
			var out = unhandled;
			unhandled = [];
			return out;
		}
	};
	function def(o, k, v) {
		Object.defineProperty(o, k, { value: v, writable: true, configurable: true });
	}
	['then', 'catch', 'finally'].forEach(function (k) { def(Promise.prototype, k, ms[k]); });
	['resolve', 'reject', 'all', 'allSettled', 'race', 'any'].forEach(function (k) { def(Promise, k, ms[k]); });
	Object.defineProperty(Promise.prototype, Symbol.toStringTag, { value: 'Promise', configurable: true });
	def(G, 'Promise', Promise);
	def(G, '__k6c_drain_jobs', drain);
	def(G, '__k6c_take_unhandled', ms.takeUnhandled);
})(this);
