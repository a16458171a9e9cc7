/*
 * reflect.js - completes Duktape 2.7's Reflect: its get/set throw
 * "unsupported" when given a receiver and its construct when given a
 * newTarget. Babel's class helpers need both (super.x goes through
 * Reflect.get with a receiver; subclass construction probes
 * Reflect.construct). Reflect.construct is marked .sham, which makes Babel's
 * helpers take their cheaper Super.apply(this) path, as they do on engines
 * without Reflect; user code still gets a working newTarget.
 */

//# chunk reflect
//# triggers Reflect
(function () {
	'use strict';
	var R = Reflect, nget = R.get, nset = R.set, nconstruct = R.construct;
	var gopd = Object.getOwnPropertyDescriptor, gpo = Object.getPrototypeOf;
	var fnString = Function.prototype.toString;

	function isObj(v) {
		return (typeof v === 'object' && v !== null) || typeof v === 'function';
	}
	function lookup(o, k) {
		var d;
		for (; o !== null; o = gpo(o)) {
			d = gopd(o, k);
			if (d)
				return d;
		}
		return undefined;
	}
	var ms = {
		'get'(target, key, receiver) {
			var d;
			if (arguments.length < 3 || receiver === target)
				return nget(target, key);
			if (!isObj(target))
				throw new TypeError('Reflect.get called on non-object');
			d = lookup(target, key);
			if (!d)
				return undefined;
			if (d.get || d.set)
				return d.get ? d.get.call(receiver) : undefined;
			return d.value;
		},

		'set'(target, key, value, receiver) {
			var d, own;
			if (arguments.length < 4 || receiver === target)
				return nset(target, key, value);
			if (!isObj(target))
				throw new TypeError('Reflect.set called on non-object');
			d = lookup(target, key);
			if (d && (d.get || d.set)) {
				if (!d.set)
					return false;
				d.set.call(receiver, value);
				return true;
			}
			if (d && !d.writable)
				return false;
			if (!isObj(receiver))
				return false;
			own = gopd(receiver, key);
			if (own) {
				if (own.get || own.set || !own.writable)
					return false;
				Object.defineProperty(receiver, key, { value: value });
				return true;
			}
			if (!Object.isExtensible(receiver))
				return false;
			Object.defineProperty(receiver, key, { value: value, writable: true, enumerable: true, configurable: true });
			return true;
		},

		construct(target, args, newTarget) {
			var a, o, r;
			if (arguments.length < 3 || newTarget === target)
				return nconstruct(target, args);
			if (typeof target !== 'function' || typeof newTarget !== 'function')
				throw new TypeError('Reflect.construct: target and newTarget must be constructors');
			a = Array.prototype.slice.call(args);
			if (fnString.call(target).indexOf('[ecmascript code]') < 0) {
				/* a native constructor makes its own object (Error, Date, ...) */
				a.unshift(null);
				o = new (Function.prototype.bind.apply(target, a))();
				Object.setPrototypeOf(o, isObj(newTarget.prototype) ? newTarget.prototype : Object.prototype);
				return o;
			}
			o = Object.create(isObj(newTarget.prototype) ? newTarget.prototype : Object.prototype);
			r = target.apply(o, a);
			return isObj(r) ? r : o;
		}
	};
	Object.keys(ms).forEach(function (k) {
		Object.defineProperty(R, k, { value: ms[k], writable: true, configurable: true });
	});
	R.construct.sham = true;
})();
