// lower.js - the fast lowering pass (doc/lowering.md): acorn AST ->
// line-preserving text edits -> ES5 CommonJS that Duktape 2.7 runs, with the
// run-time helpers (__k6c_*) of runtime.js. What it cannot lower faithfully
// it declines: it throws a K6cDecline naming the reason and the line, which
// the pipeline turns into a fallback to Babel or a script error; it never
// emits code it knows to be wrong.
//
// Only what Duktape lacks is lowered: Duktape already parses computed keys,
// shorthand properties and methods, `**`, 0b/0o literals, \u{...} escapes,
// new.target, and has Symbol, Proxy, Reflect, Object.assign/setPrototypeOf.
//
// Design: one scope pass (bindings, references, closures) and one recursive
// generator. gen(node) returns the node's new text: the original source of
// the node with each child replaced by gen(child), unless a handler for the
// node type builds the text itself. Handlers only add text without newlines,
// and whatever original text they drop is replaced by the same number of
// newlines (keep()), so every original line stays on its line number.
/* global acorn */
var K6cLower = (function () {
'use strict';

function K6cDecline(reason, line) { this.reason = reason; this.line = line; }
K6cDecline.prototype.toString = function () { return 'decline at line ' + this.line + ': ' + this.reason; };

// Globals the output refers to by name.
var OUTPUT_GLOBALS = /^(Object|Array|Symbol|Function|String|ReferenceError|TypeError|undefined|exports|require|module)$/;

var SKIP = { type: 1, start: 1, end: 1, loc: 1, range: 1, raw: 1, parent: 1, scope: 1, ownScope: 1, binding: 1, modVar: 1 };

// Child keys per node type, learnt from the first node of each type
// (acorn builds every node of a type with the same keys).
var KEYS = {};
function kids(node) {
	var out = [], ks = KEYS[node.type] || keysOf(node), v, i, j;
	var sorted = true, last = -1;
	for (j = 0; j < ks.length; j++) {
		v = node[ks[j]];
		if (v === null || typeof v !== 'object') continue;
		if (Array.isArray(v)) {
			for (i = 0; i < v.length; i++) if (v[i] && typeof v[i].type === 'string') { if (v[i].start < last) sorted = false; last = v[i].start; out.push(v[i]); }
		} else if (typeof v.type === 'string') { if (v.start < last) sorted = false; last = v.start; out.push(v); }
	}
	if (!sorted) out.sort(function (a, b) { return a.start - b.start; });
	return out;
}

function keysOf(node) {
	var ks = [];
	for (var k in node) if (!SKIP[k]) ks.push(k);
	return (KEYS[node.type] = ks);
}

function isFn(n) { return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression'; }
function isLoop(n) { return /^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(n.type); }

// indexOf is native: much faster in Duktape than a charCodeAt loop.
function newlines(s) { var n = 0; for (var i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++; return n; }
function nl(n) { var s = ''; while (n-- > 0) s += '\n'; return s; }

// The CommonJS prologue, all on line 1: export getters, requires, export *
// copies, the module's temporaries. Only a module with exports is marked
// __esModule (as Babel does): a CommonJS file setting module.exports is
// imported through the default-import interop.
function prologue(esm, exportsList, prefix, starList, temps) {
	return '"use strict"; ' + (esm ? 'Object.defineProperty(exports, "__esModule", { value: true }); ' : '') + exportsList.join(' ') + ' ' + prefix.join(' ') + ' ' + starList.join(' ') +
		(temps.length ? ' var ' + temps.join(', ') + ';' : '') + ' ';
}
// The prologue goes in front of line 1, so a hashbang becomes a comment.
function hashbang(body) { return body.slice(0, 2) === '#!' ? '//' + body.slice(2) : body; }

// Node types of ES5 that need no edit (checked further in needsLowering).
var ES5 = {};
('Program ExpressionStatement BlockStatement EmptyStatement DebuggerStatement ReturnStatement LabeledStatement BreakStatement ' +
 'ContinueStatement IfStatement SwitchStatement SwitchCase ThrowStatement TryStatement CatchClause WhileStatement DoWhileStatement ' +
 'ForStatement ForInStatement FunctionDeclaration FunctionExpression VariableDeclaration VariableDeclarator Identifier Literal ' +
 'ThisExpression ArrayExpression ObjectExpression Property UnaryExpression UpdateExpression BinaryExpression AssignmentExpression ' +
 'LogicalExpression MemberExpression ConditionalExpression CallExpression NewExpression SequenceExpression').split(' ').forEach(function (t) { ES5[t] = true; });

// Literals Duktape cannot take as they are (numeric separators) or at all.
function literalNeeds(n) {
	return n.bigint !== undefined || (n.regex && (/[^gim]/.test(n.regex.flags) || /\(\?<[=!]|\(\?<[A-Za-z]/.test(n.regex.pattern))) ||
		(typeof n.value === 'number' && n.raw.indexOf('_') >= 0) || (typeof n.value === 'string' && /[\u2028\u2029]/.test(n.raw));
}

// Does the module use anything the edit pass changes? It stops at the
// first such node, which in a module is usually an import on line 1.
// Is there a comma after the last item of list (the arguments of a call,
// the parameters of a function) before `end`? ES5 has no trailing commas
// there.
function trailingComma(src, list, end) {
	return list.length > 0 && /^\s*,/.test(src.slice(list[list.length - 1].end, end));
}

function needsLowering(ast, src) {
	return (function es6(n, inFn) {
		if (!ES5[n.type]) return true;
		switch (n.type) {
		case 'CallExpression': case 'NewExpression': if (trailingComma(src, n.arguments, n.end)) return true; break;
		case 'VariableDeclaration': if (n.kind !== 'var') return true; break;
		case 'FunctionDeclaration': case 'FunctionExpression': if (n.async || n.generator || trailingComma(src, n.params, n.body.start)) return true; inFn = true; break;
		case 'ThisExpression': if (!inFn) return true; break;   // module code: this is undefined
		case 'CatchClause': if (!n.param) return true; break;
		case 'Property': if (n.method || n.shorthand || n.computed) return true; break;
		case 'LogicalExpression': if (n.operator === '??') return true; break;
		case 'AssignmentExpression': if (n.operator.length === 3 && /^(\?\?|\|\||&&)=$/.test(n.operator)) return true; break;
		case 'Literal': if (literalNeeds(n)) return true; break;
		}
		var c = kids(n);
		for (var i = 0; i < c.length; i++) if (es6(c[i], inFn)) return true;
		return false;
	})(ast, false);
}

function lower(src, opts) {
	opts = opts || {};
	var ast;
	try {
		// Without `locations` acorn is faster and the tree half the size;
		// a line is computed from an offset only for a message.
		ast = acorn.parse(src, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
	} catch (e) {
		if (e && e.loc) throw { line: e.loc.line, column: e.loc.column, message: String(e.message).replace(/ \(\d+:\d+\)$/, '') };
		throw e;
	}

	function lineOf(node) { return newlines(src.slice(0, node.start)) + 1; }
	function decline(reason, node) { throw new K6cDecline(reason, node ? lineOf(node) : 0); }

	// ---- scope pass -------------------------------------------------------
	var uid = 0, used = Object.create(null);
	// A module with nothing of ES2015+ in it needs no edits: only the
	// CommonJS prologue goes in front.
	if (!needsLowering(ast, src)) return prologue(false, [], [], [], []) + hashbang(src);
	function temp(base) { var s; do { s = '_' + base + (++uid); } while (used[s]); used[s] = true; return s; }

	function Scope(kind, parent, node) {
		this.kind = kind; this.parent = parent; this.node = node; this.decls = Object.create(null);
		this.fn = kind === 'function' || kind === 'program' ? this : parent.fn;
	}
	// Maps keyed by user names have no prototype: a binding named toString
	// or constructor must not find Object.prototype's.
	var bindingsByName = Object.create(null), unresolved = Object.create(null);
	function declare(scope, id, kind) {
		used[id.name] = true;
		var b = { name: id.name, kind: kind, scope: scope, refs: [id], captured: false };
		scope.decls[id.name] = b;
		id.binding = b;
		(bindingsByName[id.name] = bindingsByName[id.name] || []).push(b);
		return b;
	}
	function patternIds(p, out) {
		if (!p) return out;
		switch (p.type) {
		case 'Identifier': out.push(p); break;
		case 'ObjectPattern': p.properties.forEach(function (q) { patternIds(q.type === 'RestElement' ? q.argument : q.value, out); }); break;
		case 'ArrayPattern': p.elements.forEach(function (q) { patternIds(q, out); }); break;
		case 'RestElement': patternIds(p.argument, out); break;
		case 'AssignmentPattern': patternIds(p.left, out); break;
		}
		return out;
	}
	// Declarations first (hoisting), then references, in one walk per scope.
	function hoist(n, scope) {
		// var declarations and function declarations inside this function.
		if (n !== scope.node && isFn(n)) return;
		if (n.type === 'VariableDeclaration' && n.kind === 'var')
			n.declarations.forEach(function (d) { patternIds(d.id, []).forEach(function (id) { if (!scope.decls[id.name]) declare(scope, id, 'var'); else { scope.decls[id.name].refs.push(id); id.binding = scope.decls[id.name]; } }); });
		kids(n).forEach(function (c) { if (!(isFn(c) || c.type === 'ClassBody' && false)) hoist(c, scope); });
	}
	function blockDecls(body, scope) {
		body.forEach(function (s) {
			if (s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') s = s.declaration || s;
			if (s.type === 'VariableDeclaration' && s.kind !== 'var')
				s.declarations.forEach(function (d) { patternIds(d.id, []).forEach(function (id) { declare(scope, id, s.kind); }); });
			else if ((s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration') && s.id)
				declare(scope, s.id, s.type === 'ClassDeclaration' ? 'class' : (scope.kind === 'block' ? 'let' : 'function'));
			else if (s.type === 'ImportDeclaration')
				s.specifiers.forEach(function (sp) { declare(scope, sp.local, 'import').spec = sp; });
		});
	}
	var fnStack = [];
	function walk(n, scope, parent, key) {
		var s, i;
		n.parent = parent;
		n.scope = scope;
		switch (n.type) {
		case 'Program':
			s = new Scope('program', null, n);
			hoist(n, s);
			blockDecls(n.body, s);
			n.ownScope = s;
			n.body.forEach(function (c) { walk(c, s, n); });
			return;
		case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
			if (n.id && n.type === 'FunctionExpression') { scope = new Scope('block', scope, n); declare(scope, n.id, 'fname'); }
			else if (n.id) walkId(n.id, scope);
			s = new Scope('function', scope, n);
			n.ownScope = s;
			n.params.forEach(function (p) { patternIds(p, []).forEach(function (id) { declare(s, id, 'param'); }); });
			fnStack.push(n);
			if (n.body.type === 'BlockStatement') {
				hoist(n.body, s);
				blockDecls(n.body.body, s);
				n.body.scope = s; n.body.parent = n;
				n.params.forEach(function (p) { walk(p, s, n); });
				n.body.body.forEach(function (c) { walk(c, s, n.body); });
			} else {
				n.params.forEach(function (p) { walk(p, s, n); });
				walk(n.body, s, n);
			}
			fnStack.pop();
			return;
		case 'BlockStatement': case 'StaticBlock':
			s = new Scope('block', scope, n);
			n.ownScope = s;
			blockDecls(n.body, s);
			n.body.forEach(function (c) { walk(c, s, n); });
			return;
		case 'ForStatement': case 'ForInStatement': case 'ForOfStatement':
			s = new Scope('block', scope, n);
			n.ownScope = s;
			var head = n.init || n.left;
			if (head && head.type === 'VariableDeclaration' && head.kind !== 'var') blockDecls([head], s);
			kids(n).forEach(function (c) { walk(c, s, n); });
			return;
		case 'SwitchStatement':
			// The cases share one block scope.
			walk(n.discriminant, scope, n, 'discriminant');
			s = new Scope('block', scope, n);
			n.ownScope = s;
			blockDecls([].concat.apply([], n.cases.map(function (c) { return c.consequent; })), s);
			n.cases.forEach(function (c) { walk(c, s, n, 'cases'); });
			return;
		case 'CatchClause':
			s = new Scope('block', scope, n);
			n.ownScope = s;
			// A destructured parameter becomes vars in the body: block-scoped
			// like a let (renamed where it could clash, per iteration in a loop).
			if (n.param) patternIds(n.param, []).forEach(function (id) { declare(s, id, n.param.type === 'Identifier' ? 'catch' : 'let'); });
			if (n.param) walk(n.param, s, n);
			walk(n.body, s, n);
			return;
		case 'ClassDeclaration': case 'ClassExpression':
			if (n.id && n.type === 'ClassDeclaration') walkId(n.id, scope);
			s = new Scope('block', scope, n);
			if (n.id) { n.innerName = n.id.name; used[n.id.name] = true; }
			if (n.superClass) walk(n.superClass, scope, n);
			walk(n.body, s, n);
			return;
		case 'Identifier':
			used[n.name] = true;
			if (isRef(n, parent, key)) walkId(n, scope);
			return;
		}
		var ks = KEYS[n.type] || keysOf(n);
		for (var j = 0; j < ks.length; j++) {
			var k = ks[j], v = n[k];
			if (v && typeof v === 'object') {
				if (Array.isArray(v)) { for (i = 0; i < v.length; i++) if (v[i] && typeof v[i].type === 'string') walk(v[i], scope, n, k); }
				else if (typeof v.type === 'string') walk(v, scope, n, k);
			}
		}
	}
	function isRef(n, p, key) {
		if (!p) return true;
		if ((p.type === 'MemberExpression') && key === 'property' && !p.computed) return false;
		if ((p.type === 'Property' || p.type === 'MethodDefinition' || p.type === 'PropertyDefinition') && key === 'key' && !p.computed) return false;
		if (/^(Labeled|Break|Continue)Statement$/.test(p.type)) return false;
		if (p.type === 'ImportSpecifier' || p.type === 'ImportDefaultSpecifier' || p.type === 'ImportNamespaceSpecifier') return false;
		if (p.type === 'ExportSpecifier') return key === 'local' && !p.parent.source;
		if (p.type === 'MetaProperty') return false;
		return true;
	}
	function walkId(id, scope) {
		used[id.name] = true;
		if (id.binding) return;
		for (var s = scope; s; s = s.parent) {
			var b = s.decls[id.name];
			if (b) {
				id.binding = b;
				if (b.refs.indexOf(id) < 0) b.refs.push(id);
				// A reference from a function nested inside the binding's
				// function is a capture (it matters for loop bindings).
				if (fnStack.length && b.scope.fn !== scope.fn) {
					b.captured = true;
					// Every loop around a captured block binding (in the
					// binding's own function) needs per-iteration copies.
					if (b.kind === 'let' || b.kind === 'const' || b.kind === 'class')
						for (var p = b.scope.node; p && !isFn(p); p = p.parent) if (isLoop(p)) p.capture = true;
				}
				return;
			}
		}
		unresolved[id.name] = true;
	}
	ast.parent = null;
	walk(ast, null, null);

	// Block-scoped bindings become `var`s of their function; rename the ones
	// whose name is declared more than once in the module or also used as a
	// global, so hoisting cannot merge two bindings.
	// So are bindings named like a global the output uses (Object, Symbol,
	// require...), which would shadow it.
	Object.keys(bindingsByName).forEach(function (name) {
		var bs = bindingsByName[name];
		bs.forEach(function (b) {
			var block = (b.kind === 'let' || b.kind === 'const' || b.kind === 'class') && b.scope.kind === 'block';
			if (block && (bs.length > 1 || unresolved[name]) || OUTPUT_GLOBALS.test(name) && b.kind !== 'import' && b.kind !== 'fname')
				b.rename = temp(name.replace(/^_+/, ''));
		});
	});

	// ---- generator ---------------------------------------------------------
	// The prelude installs a polyfill when the lowered code names it
	// (`.at(`, `.values()`: runtime.js and ../*.js "triggers"). A method call
	// that the lowering rewrites (an optional call, super.m(), a call with
	// spread) loses that text, so its name goes into a comment on line 1.
	var triggers = [];
	function trigger(m, args) {
		if (m.computed || m.property.type !== 'Identifier') return;
		var t = '.' + m.property.name + (args.length ? '(' : '()');
		if (triggers.indexOf(t) < 0) triggers.push(t);
	}
	var prefix = [];           // text put in front of line 1
	var ctxStack = [];         // per non-arrow function: this/arguments aliases, temps
	function Ctx(node) { this.node = node; this.temps = []; this.thisAlias = null; this.argsAlias = null; this.thisName = 'this'; this.superName = null; this.isStatic = false; this.gen = false; this.ntName = null; this.ntAlias = null; }
	function curCtx() { return ctxStack[ctxStack.length - 1]; }
	function nearestReal() { for (var i = ctxStack.length - 1; i >= 0; i--) if (!ctxStack[i].arrow) return ctxStack[i]; return ctxStack[0]; }
	// The function whose arguments and new.target are meant: an async
	// arrow runs in a function of its own (the coroutine body) but has
	// neither of its own, like an arrow.
	function ownerCtx() { for (var i = ctxStack.length - 1; i >= 0; i--) if (!ctxStack[i].arrow && !ctxStack[i].asyncArrow) return ctxStack[i]; return ctxStack[0]; }
	// A temporary is a var of the innermost function the output has around
	// it (an arrow's own, so that a recursive arrow does not share them),
	// not of a per-iteration loop wrapper.
	function tmp(base) { return tmpName(temp(base)); }
	function tmpName(t) {
		var c = ctxStack[0];
		for (var i = ctxStack.length - 1; i > 0; i--) if (!ctxStack[i].wrapper) { c = ctxStack[i]; break; }
		if (c.temps.indexOf(t) < 0) c.temps.push(t);
		return t;
	}

	function keep(orig, text) {
		var d = newlines(orig) - newlines(text);
		return d > 0 ? text + nl(d) : text;
	}
	function slice(a, b) { return src.slice(a, b); }
	function splice(node, a, b, skipKids) {
		if (a === undefined) { a = node.start; b = node.end; }
		var out = '', pos = a;
		kids(node).forEach(function (c) {
			if (c.start < pos || c.end > b || (skipKids && skipKids.indexOf(c) >= 0)) return;
			out += slice(pos, c.start) + gen(c);
			pos = c.end;
		});
		return out + slice(pos, b);
	}
	// The line breaks between two source positions, to put before text that
	// starts a later line of the source (so that it stays on that line).
	function gap(a, b) { return nl(newlines(src.slice(a, b))); }
	function str(s) { return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'); }

	function gen(n) {
		var h = H[n.type];
		return h ? h(n) : splice(n);
	}

	function thisText(node) {
		var c = nearestReal();
		// In a derived constructor `this` exists only once super() returned.
		if (c.derivedCtor) return mustSuper(c.thisName);
		if (ctxStack[ctxStack.length - 1] === c) return c.thisName;
		if (c.thisName !== 'this') return c.thisName;
		if (!c.thisAlias) c.thisAlias = temp('this');
		return c.thisAlias;
	}

	var H = {};
	H.ThisExpression = function (n) { return thisText(n); };
	H.Identifier = function (n) {
		var b = n.binding;
		if (n.name === 'arguments' && !b) {
			var c = ownerCtx();
			// A module has no arguments: reading it is a ReferenceError (the
			// CommonJS wrapper's must not show through).
			if (c === progCtx) return n.parent && n.parent.type === 'UnaryExpression' && n.parent.operator === 'typeof' ? '(void 0)' : '(function () { throw new ReferenceError("arguments is not defined"); })()';
			if (curCtx() !== c) { if (!c.argsAlias) c.argsAlias = temp('arguments'); return c.argsAlias; }
			return 'arguments';
		}
		if (!b) return n.name;
		if (b.kind === 'import' && n.parent && !(n.parent.type === 'ImportSpecifier' || n.parent.type === 'ImportDefaultSpecifier' || n.parent.type === 'ImportNamespaceSpecifier')) {
			var sp = b.spec, m = b.spec.parent.modVar;
			if (sp.type === 'ImportNamespaceSpecifier') return m;
			var name = sp.type === 'ImportDefaultSpecifier' ? 'default' : (sp.imported.name || sp.imported.value);
			// Called bare, an imported function gets no module as `this`.
			var p = n.parent;
			if (p && (p.type === 'CallExpression' && p.callee === n || p.type === 'TaggedTemplateExpression' && p.tag === n)) return '(0, ' + m + '[' + str(name) + '])';
			return m + '[' + str(name) + ']';
		}
		return b.rename || n.name;
	};
	H.Property = function (n) {
		if (n.shorthand && n.value.type === 'Identifier') {
			// Duktape would read { get, set } as the start of accessors.
			var t = gen(n.value);
			return t === n.key.name && t !== 'get' && t !== 'set' ? t : n.key.name + ': ' + t;
		}
		if (n.parent.type === 'ObjectPattern') return splice(n);
		// Accessors and __proto__ are objectLiteral's (__k6c_put).
		if (!n.method && !anonFn(n.value)) return splice(n);
		// A method or an anonymous function or class is named after its key
		// (the function's own name where that is safe, else at run time).
		var home = n.parent.homeVar, ctx = home ? { superBase: 'Object.getPrototypeOf(' + home + ')' } : null;
		var name = methodName(n), key, nameExpr, value;
		if (n.computed) { nameExpr = tmp('k'); key = '[' + nameExpr + ' = __k6c_pkey(' + gen(n.key) + ')]'; }
		else { nameExpr = str(keyString(n.key)); key = n.key.type === 'Literal' ? gen(n.key) : slice(n.key.start, n.key.end); }
		if (n.value.type === 'ClassExpression') value = genClass(n.value, { nameExpr: nameExpr });
		else if (n.method) value = genFunction(n.value, { name: name, ctx: ctx });
		else value = name ? genFunctionValue(n.value, name) : gen(n.value);
		if (!name && n.value.type !== 'ClassExpression') value = '__k6c_fname(' + value + ', ' + nameExpr + ')';
		return keep(slice(n.start, n.value.start), key + ': ') + value;
	};
	// Is v an anonymous function or class definition (which takes the name
	// of what it is assigned to)?
	function anonFn(v) {
		return !!v && (v.type === 'ArrowFunctionExpression' || (v.type === 'FunctionExpression' || v.type === 'ClassExpression') && !v.id);
	}
	// The default value of an AssignmentPattern: an anonymous function or
	// class takes the name of the binding it defaults.
	function defaultValue(p) { return p.left.type === 'Identifier' ? genAnon(p.right, p.left.name) : gen(p.right); }
	// The property key a non-computed key stands for.
	function keyString(k) { return k.type === 'Identifier' ? k.name : String(k.value); }
	// An anonymous function or class given a name at run time (NamedEvaluation
	// where a function name of its own could shadow something); any other
	// expression as it is.
	function genAnon(v, name) {
		if (!anonFn(v)) return gen(v);
		if (v.type === 'ClassExpression') return genClass(v, { nameExpr: str(name) });
		return '__k6c_fname(' + gen(v) + ', ' + str(name) + ')';
	}
	// `const f = () => ...` names the function f, as the spec's
	// NamedEvaluation does: the function's own name when that cannot shadow
	// anything (a binding of its own, not renamed, never assigned again),
	// else a name set at run time.
	function genNamed(init, id) {
		if (id.type !== 'Identifier' || !anonFn(init)) return gen(init);
		var b = id.binding, name = id.name;
		if (init.type === 'ClassExpression' || !b || b.rename || RESERVED.test(name) || bindingsByName[name].length !== 1 || unresolved[name] || (b.kind !== 'const' && b.refs.some(function (r) { return r !== id && isTarget(r); })))
			return genAnon(init, name);
		return genFunctionValue(init, name);
	}
	function genFunctionValue(f, name) {
		if (!name) return gen(f);
		var t = genFunction(f, { name: name });
		return f.type === 'ArrowFunctionExpression' ? '(' + t + ')' : t;
	}
	function isTarget(r) {
		var p = r.parent;
		if (!p) return true;
		switch (p.type) {
		case 'AssignmentExpression': case 'AssignmentPattern': return p.left === r;
		case 'UpdateExpression': case 'ArrayPattern': case 'RestElement': return true;
		case 'Property': return p.parent && p.parent.type === 'ObjectPattern' && p.value === r;
		case 'VariableDeclarator': return p.id === r;
		case 'ForInStatement': case 'ForOfStatement': return p.left === r;
		}
		return false;
	}
	// A method keeps its name (fn.name) when the key is a plain identifier
	// that nothing in the module refers to: the name of a function
	// expression would otherwise shadow that reference inside the body.
	var RESERVED = /^(break|case|catch|class|const|continue|debugger|default|delete|do|else|enum|export|extends|false|finally|for|function|if|import|in|instanceof|new|null|return|super|switch|this|throw|true|try|typeof|var|void|while|with|yield|let|static|implements|interface|package|private|protected|public|await|arguments|eval|undefined)$/;
	function methodName(m) {
		if (m.computed) return '';
		var k = m.key.type === 'Identifier' ? m.key.name : typeof m.key.value === 'string' ? m.key.value : '';
		if (!/^[A-Za-z_$][\w$]*$/.test(k) || RESERVED.test(k) || bindingsByName[k] || unresolved[k]) return '';
		return k;
	}
	function usesSuper(fn) {
		var hit = false;
		(function scan(x) { if (hit) return; if (x.type === 'Super') { hit = true; return; } kids(x).forEach(function (c) { if (c.type !== 'FunctionExpression' && c.type !== 'FunctionDeclaration') scan(c); }); })(fn.body);
		return hit;
	}
	// acorn drops parentheses; a comma expression put into a new context
	// (a default value, an initialiser, an argument) must keep them.
	H.SequenceExpression = function (n) {
		var t = splice(n), p = n.parent;
		if (p && (p.type === 'ExpressionStatement' || p.type === 'ForStatement')) return t;
		return '(' + t + ')';
	};
	// A statement that now starts with ( [ or ` where the source did not
	// would continue the previous line when that one has no semicolon.
	// A statement whose source ends without a semicolon (ASI, because the
	// next line could not continue it) ends with one in the output, where
	// it could: `() => {}` became a function expression, `yield` a call.
	H.ExpressionStatement = function (n) {
		var t = endStatement(splice(n)), p = n.parent, c = t.charAt(0);
		if ((c === '(' || c === '[' || c === '`') && src.charAt(n.start) !== c && p &&
			(p.type === 'Program' || p.type === 'BlockStatement' || p.type === 'StaticBlock' || p.type === 'SwitchCase'))
			return ';' + t;
		return t;
	};
	function endStatement(t) { return /;\s*$/.test(t) ? t : t + ';'; }
	H.ThrowStatement = function (n) { return endStatement(splice(n)); };
	H.TemplateLiteral = function (n) {
		var parts = [], i;
		for (i = 0; i < n.quasis.length; i++) {
			var q = n.quasis[i], raw = slice(q.start, q.end);
			if (q.value.cooked === null || q.value.cooked === undefined) decline('invalid escape in an untagged template', n);
			// Split the cooked string where the source has line breaks so the
			// lines stay put.
			var lines = q.value.cooked.split('\n'), rl = newlines(raw), piece = '';
			if (rl === lines.length - 1) piece = lines.map(function (l, j) { return str(l + (j < lines.length - 1 ? '\n' : '')); }).join(' +\n');
			else piece = keep(raw, str(q.value.cooked));
			parts.push(piece);
			// Each substitution is a string before the next one is evaluated
			// (concat would convert them all at the end).
			var e = n.expressions[i];
			if (i < n.expressions.length - 1 && e.type !== 'Literal') {
				// (A string or number converts without side effects.)
				var tv = tmp('t');
				parts.push('(' + tv + ' = ' + gen(e) + ', typeof ' + tv + ' === "string" || typeof ' + tv + ' === "number" ? ' + tv + ' : __k6c_ts(' + tv + '))');
			}
			else if (e) parts.push(gen(e));
		}
		if (n.expressions.length === 0) return newlines(parts[0]) ? '(' + parts[0] + ')' : parts[0];
		var out = '(' + parts[0] + ').concat(';
		for (i = 1; i < parts.length; i++) out += (i > 1 ? ', ' : '') + (i % 2 ? '(' + parts[i] + ')' : parts[i]);
		return out + ')';
	};
	H.TaggedTemplateExpression = function (n) {
		var q = n.quasi, id = temp('tpl');
		var cooked = q.quasis.map(function (e) { return e.value.cooked === null || e.value.cooked === undefined ? 'void 0' : str(e.value.cooked); });
		var raw = q.quasis.map(function (e) { return str(e.value.raw); });
		prefix.push('var ' + id + ' = __k6c_tpl([' + cooked.join(', ') + '], [' + raw.join(', ') + ']);');
		var callee = gen(n.tag), args = [id];
		// A member tag keeps its receiver: tag.m(...) is still a method call,
		// and super.tag`...` calls the parent's method on this.
		if (n.tag.type === 'MemberExpression' && n.tag.object.type === 'Super') { callee += '.call'; args.unshift(thisText(n)); }
		q.expressions.forEach(function (e) { args.push(gen(e)); });
		// In parentheses: new tag`x` constructs what the tag returns.
		return keep(slice(n.start, n.end), '(' + callee + '(' + args.join(', ') + '))');
	};

	// ---- functions ------------------------------------------------------------
	function fnBodyInner(n, ctx) {
		// Returns [prologue, body text without braces] for a function.
		var pro = [];
		var simple = true, fixed = [];
		n.params.forEach(function (p, i) {
			if (!simple) return;
			if (p.type === 'Identifier') { fixed.push(gen(p)); return; }
			simple = false;
		});
		var firstComplex = fixed.length;
		// Parameters have a scope of their own: a default value must not see
		// the body's declarations, which the prologue would put in reach.
		if (!simple) n.params.forEach(function (p) {
			var closure = false;
			(function scan(x) {
				if (x.type === 'Identifier' && x.binding && x.binding.scope === n.ownScope && x.binding.kind !== 'param') decline('a parameter default refers to ' + x.name + ', which the function body declares', x);
				if (isFn(x)) closure = true;
				kids(x).forEach(scan);
			})(p);
			// A body var of a parameter's name is a binding of its own there,
			// which a closure in the parameters must not see.
			if (closure && n.body.type === 'BlockStatement') (function scan(x) {
				if (x.type === 'VariableDeclaration' && x.kind === 'var')
					x.declarations.forEach(function (d) { patternIds(d.id, []).forEach(function (id) { if (id.binding && id.binding.kind === 'param') decline('the function body redeclares parameter ' + id.name + ' with var, and a parameter default has a closure', id); }); });
				kids(x).forEach(function (c) { if (!isFn(c)) scan(c); });
			})(n.body);
		});
		for (var i = firstComplex; i < n.params.length; i++) {
			var p = n.params[i];
			if (p.type === 'RestElement') {
				if (p.argument.type === 'Identifier') pro.push('var ' + gen(p.argument) + ' = Array.prototype.slice.call(arguments, ' + i + ');');
				else { var rt = temp('rest'); pro.push('var ' + rt + ' = Array.prototype.slice.call(arguments, ' + i + ');'); pro.push('var ' + destructure(p.argument, rt).join(', ') + ';'); }
			} else if (p.type === 'AssignmentPattern') {
				var v = 'arguments.length > ' + i + ' && arguments[' + i + '] !== undefined ? arguments[' + i + '] : ' + defaultValue(p);
				if (p.left.type === 'Identifier') pro.push('var ' + gen(p.left) + ' = ' + v + ';');
				else { var dt = temp('p'); pro.push('var ' + dt + ' = ' + v + ';'); pro.push('var ' + destructure(p.left, dt).join(', ') + ';'); }
			} else if (p.type === 'Identifier') {
				// Before any default or rest it still counts for length.
				if (i === firstComplex) { fixed.push(gen(p)); firstComplex++; } else pro.push('var ' + gen(p) + ' = arguments[' + i + '];');
			} else {
				// A pattern without default before any default: it counts for length.
				var pt = temp('p');
				if (i === firstComplex) { fixed.push(pt); firstComplex++; } else pro.push('var ' + pt + ' = arguments[' + i + '];');
				pro.push('var ' + destructure(p, pt).join(', ') + ';');
			}
		}
		var paramsSrc = n.params.length ? slice(n.params[0].start, n.params[n.params.length - 1].end) : '';
		// Line breaks of the parameter list that did not move into the
		// prologue (with a default value) are kept in the parameter list.
		return { params: fixed.join(', '), pro: pro, lines: Math.max(0, newlines(paramsSrc) - newlines(pro.join('')) - newlines(fixed.join(''))) };
	}

	function genFunction(n, opt) {
		opt = opt || {};
		var arrow = n.type === 'ArrowFunctionExpression';
		var ctx = new Ctx(n);
		ctx.arrow = arrow && !n.async;   // an async arrow keeps its own frame but reads the outer this
		ctx.asyncArrow = arrow && n.async;
		if (opt.thisName) ctx.thisName = opt.thisName;
		if (opt.ctx) for (var ck in opt.ctx) ctx[ck] = opt.ctx[ck];
		if (n.generator || n.async) ctx.gen = true;
		var outerThis = null;
		if (arrow && n.async) {
			// The coroutine body is a real function: capture the outer this/arguments.
			// Its own frame's `this` is not the outer one, so an alias is
			// needed even right inside the outer function.
			var oc = nearestReal();
			if (oc.thisName !== 'this') outerThis = oc.thisName;
			else outerThis = oc.thisAlias || (oc.thisAlias = temp('this'));
			ctx.thisName = outerThis;
			ctx.asyncArrow = true;
		}
		ctxStack.push(ctx);
		var pr = fnBodyInner(n, ctx);
		var body;
		if (n.body.type === 'BlockStatement') body = splice(n.body, n.body.start + 1, n.body.end - 1);
		else body = ' return (' + gap(n.params.length ? n.params[n.params.length - 1].end : n.start, n.body.start) + gen(n.body) + '); ';
		ctxStack.pop();
		var pre = [];
		if (ctx.temps.length) pre.push('var ' + ctx.temps.join(', ') + ';');
		if (ctx.thisAlias) pre.push('var ' + ctx.thisAlias + ' = this;');
		if (ctx.argsAlias) pre.push('var ' + ctx.argsAlias + ' = arguments;');
		if (ctx.ntAlias) pre.push('var ' + ctx.ntAlias + ' = new.target;');
		if (opt.pre) pre.push(opt.pre);
		var inner = pr.pro.join(' ') + body + (opt.post || '');
		if (n.generator || n.async) {
			var helper = n.async ? (n.generator ? '__k6c_agen' : '__k6c_async') : '__k6c_gen';
			// A generator's parameters are bound at the call, before the first
			// next(); an async function's body starts at the call anyway (and
			// an error in a default rejects its promise).
			if (n.generator) inner = pr.pro.join(' ') + 'return ' + helper + '(function () {' + body + '}, this, arguments);';
			else inner = 'return ' + helper + '(function () {' + inner + '}, this, arguments);';
		}
		var name = opt.name !== undefined ? opt.name : (n.id ? gen(n.id) : '');
		var text = 'function' + (name ? ' ' + name : '') + ' (' + pr.params + nl(pr.lines) + ') {' + pre.join(' ') + inner + '}';
		return keep(slice(n.start, n.end), text);
	}
	// A renamed function keeps its name.
	H.FunctionDeclaration = function (n) {
		var t = genFunction(n), b = n.id && n.id.binding;
		return b && b.rename ? t + ' Object.defineProperty(' + b.rename + ', "name", { value: ' + str(n.id.name) + ', configurable: true });' : t;
	};
	H.FunctionExpression = function (n) { return genFunction(n); };
	H.ArrowFunctionExpression = function (n) {
		var t = genFunction(n);
		return '(' + t + ')';
	};
	H.YieldExpression = function (n) {
		var a = n.argument ? gen(n.argument) : 'undefined';
		var f = fnOf(n);
		return '(' + (n.delegate ? (f && f.async ? '__k6c_ayieldstar(' : '__k6c_yieldstar(') : '__k6c_yield(') + a + '))';
	};
	// Top-level await would need the module body to run as a coroutine that
	// require() waits for: not done, so such a module goes to Babel.
	H.AwaitExpression = function (n) {
		if (!fnOf(n)) decline('top-level await', n);
		return '(__k6c_await(' + gen(n.argument) + '))';
	};
	H.CatchClause = function (n) {
		var inGen = nearestReal() && nearestReal().gen;
		var param = n.param ? n.param : null, pname, pro = '';
		if (!param) pname = temp('e');
		else if (param.type === 'Identifier') pname = gen(param);
		else { pname = temp('e'); pro = 'var ' + destructure(param, pname).join(', ') + ';'; }
		if (inGen) pro = 'if (' + pname + ' instanceof __k6c_Return) throw ' + pname + '; ' + pro;
		var head = slice(n.start, n.body.start);
		return keep(head, 'catch (' + pname + ') ') + '{' + pro + splice(n.body, n.body.start + 1, n.body.end - 1) + '}';
	};

	// ---- declarations, destructuring ------------------------------------------
	// Returns a list of "name = expr" items binding pattern p from the
	// expression text `from` (a simple name, evaluated more than once).
	// out.pos[i] is the source position of item i, for its line.
	function destructure(p, from) {
		var out = [];
		out.pos = [];
		var push = out.push;
		out.push = function (item) { out.pos.push(at); return push.call(out, item); };
		var at = p.start;
		function bind(p, from) {
			at = p.start;
			switch (p.type) {
			case 'Identifier': out.push(gen(p) + ' = ' + from); return;
			case 'MemberExpression': decline('member expression in a declaration pattern', p); return;
			case 'AssignmentPattern':
				var t = temp('d');
				out.push(t + ' = ' + from);
				bind(p.left, t + ' === undefined ? ' + defaultValue(p) + ' : ' + t);
				return;
			case 'ObjectPattern':
				var o = from;
				if (!/^[A-Za-z_$][\w$]*$/.test(from) || p.properties.length !== 1) { o = temp('o'); out.push(o + ' = ' + from); }
				// {} = null is a TypeError too.
				if (!p.properties.length) out.push(temp('o') + ' = ' + o + ' == null ? __k6c_objrest(' + o + ', []) : 0');
				var seen = [];
				p.properties.forEach(function (q) {
					if (q.type === 'RestElement') { out.push(gen(q.argument) + ' = __k6c_objrest(' + o + ', [' + seen.join(', ') + '])'); return; }
					var key;
					if (q.computed) { key = temp('k'); out.push(key + ' = ' + gen(q.key)); seen.push(key); bind(q.value, o + '[' + key + ']'); return; }
					key = q.key.type === 'Identifier' ? q.key.name : String(q.key.value);
					seen.push(str(key));
					bind(q.value, o + '[' + str(key) + ']');
				});
				return;
			case 'ArrayPattern':
				// Without a rest element only as many values as there are
				// elements are taken (an infinite generator must not hang).
				var a = temp('a'), hasRest = p.elements.some(function (e) { return e && e.type === 'RestElement'; });
				out.push(a + ' = __k6c_arr(' + from + (hasRest ? '' : ', ' + p.elements.length) + ')');
				p.elements.forEach(function (e, i) {
					if (!e) return;
					if (e.type === 'RestElement') bind(e.argument, a + '.slice(' + i + ')');
					else bind(e, a + '[' + i + ']');
				});
				return;
			}
			decline('pattern ' + p.type, p);
		}
		bind(p, from);
		return out;
	}
	function bodyCapture(loop) {
		// Does a closure inside the loop capture a block binding declared in
		// the loop (head or body, not inside a nested function)?
		var found = false;
		(function scan(n, inFn) {
			if (found) return;
			if (n.type === 'Identifier' && n.binding && inFn) {
				var b = n.binding;
				if ((b.kind === 'let' || b.kind === 'const' || b.kind === 'class') && within(b.refs[0], loop) && fnOf(b.refs[0]) === fnOf(loop)) found = true;
			}
			kids(n).forEach(function (c) { scan(c, inFn || isFn(c)); });
		})(loop, false);
		return found;
	}
	function within(n, anc) { return n.start >= anc.start && n.end <= anc.end; }
	function fnOf(n) { for (var p = n.parent; p; p = p.parent) if (isFn(p)) return p; return null; }

	H.VariableDeclaration = function (n) {
		// Each declarator (and a pattern's initialiser) stays on its source
		// line, so an error thrown there reports that line. Items are
		// "name = value" or "name".
		var items = [], lines = 0;
		function add(item, pos) {
			var need = pos === undefined ? 0 : newlines(src.slice(n.start, pos)) - lines;
			if (need > 0) item = nl(need) + item;
			lines += newlines(item);
			items.push(item);
		}
		n.declarations.forEach(function (d) {
			var init = d.init ? genNamed(d.init, d.id) : null;
			if (d.id.type === 'Identifier') {
				// A let without initialiser inside a loop must be reset each iteration.
				add(gen(d.id) + (init !== null ? ' = ' + init : (n.kind === 'let' && inLoop(n) ? ' = undefined' : '')), d.start);
			} else {
				var t = /^[A-Za-z_$][\w$]*$/.test(init) ? init : null;
				// The value first, on the pattern's first line; each binding then
				// on its own line.
				if (!t) { t = temp('ref'); add(t + ' = ' + init, d.start); }
				var binds = destructure(d.id, t);
				binds.forEach(function (x, i) { add(x, binds.pos[i]); });
			}
		});
		var forHead = n.parent && /^For(In|Of)?Statement$/.test(n.parent.type) && n.parent.body !== n;
		var text = 'var ' + items.join(', ');
		// A var in a per-iteration loop body (a function of its own) is a
		// var of the enclosing function: declared there, assigned here (a
		// bare name stays only as a for-in head). So is a var of a
		// parameter's name in a generator or async function, whose body is
		// a function of its own too.
		var params = n.kind === 'var' ? paramVars(n) : [];
		// (In a for head, where one statement must stay one, all of them.)
		var wrapped = n.kind === 'var' && (wrapTop(n) || forHead && params.length > 0);
		if (wrapped || params.length) {
			var keepBare = forHead && n.parent.type !== 'ForStatement', decl = [], assign = [];
			items.forEach(function (item) {
				var m = /^\s*([A-Za-z_$][\w$]*)(\s*=)?/.exec(item);
				if (params.indexOf(m[1]) >= 0) { if (m[2] || keepBare) assign.push(item); }
				else if (wrapped) { tmpName(m[1]); if (m[2] || keepBare) assign.push(item); }
				else decl.push(item);
			});
			text = (decl.length ? 'var ' + decl.join(', ') + (assign.length ? '; ' : '') : '') + assign.join(', ');
			if (!forHead) text = (text || 'void 0') + ';';
		}
		text += forHead || /;$/.test(text) ? '' : ';';
		return keep(slice(n.start, n.end), text);
	};
	// The names of a var declaration that are parameters of the generator or
	// async function it is in.
	function paramVars(n) {
		var f = fnOf(n), out = [];
		if (!f || !(f.generator || f.async)) return out;
		n.declarations.forEach(function (d) { patternIds(d.id, []).forEach(function (id) { if (id.binding && id.binding.kind === 'param') out.push(gen(id)); }); });
		return out;
	}
	function inLoop(n) { for (var p = n.parent; p && !isFn(p); p = p.parent) if (isLoop(p)) return true; return false; }

	// Binds an assignment pattern (targets may be members) from the
	// expression text `from`; returns the list of comma expressions.
	function assignPattern(left, from) {
		var out = [];
		(function bind(p, from) {
			if (p.type === 'Identifier' || p.type === 'MemberExpression') { out.push(assignTo(p, from)); return; }
			if (p.type === 'ArrayPattern') {
				var a = tmp('a'), rest = p.elements.some(function (e) { return e && e.type === 'RestElement'; });
				out.push(a + ' = __k6c_arr(' + from + (rest ? '' : ', ' + p.elements.length) + ')');
				p.elements.forEach(function (e, i) { if (e) bind(e.type === 'RestElement' ? e.argument : e, e.type === 'RestElement' ? a + '.slice(' + i + ')' : a + '[' + i + ']'); });
				return;
			}
			if (p.type === 'ObjectPattern') {
				var o = tmp('o'), seen = [];
				out.push(o + ' = ' + from);
				if (!p.properties.length) out.push('(' + o + ' == null && __k6c_objrest(' + o + ', []))');
				p.properties.forEach(function (q) {
					if (q.type === 'RestElement') { bind(q.argument, '__k6c_objrest(' + o + ', [' + seen.join(', ') + '])'); return; }
					if (q.computed) { var k = tmp('k'); out.push(k + ' = ' + gen(q.key)); seen.push(k); bind(q.value, o + '[' + k + ']'); return; }
					var key = q.key.type === 'Identifier' ? q.key.name : String(q.key.value);
					seen.push(str(key));
					bind(q.value, o + '[' + str(key) + ']');
				});
				return;
			}
			if (p.type === 'AssignmentPattern') { var d = tmp('d'); out.push(d + ' = ' + from); bind(p.left, '(' + d + ' === undefined ? ' + defaultValue(p) + ' : ' + d + ')'); return; }
			decline('assignment pattern ' + p.type, p);
		})(left, from);
		return out;
	}
	// `target = value` for an identifier or member target (const checked).
	function assignTo(t, value) {
		if (t.type === 'MemberExpression' && t.object.type === 'Super') decline('a super property as the target of destructuring or a for-of loop', t);
		if (t.type === 'Identifier' && t.binding && t.binding.kind === 'const') return '__k6c_const(' + str(t.name) + ')';
		return gen(t) + ' = ' + value;
	}
	H.AssignmentExpression = function (n) {
		var left = n.left;
		if (left.type === 'Identifier' && left.binding && left.binding.kind === 'const' && !/^(\?\?|\|\||&&)=$/.test(n.operator))
			return keep(slice(n.start, n.end), '(' + gen(n.right) + ', __k6c_const(' + str(left.name) + '))');
		if (left.type === 'ObjectPattern' || left.type === 'ArrayPattern') {
			// The value goes on its own source line (errors there are likelier).
			var t = tmp('ref'), rhs = gen(n.right);
			var items = [nl(newlines(slice(n.start, n.right.start))) + t + ' = ' + rhs];
			return keep(slice(n.start, n.end), '(' + items.concat(assignPattern(left, t)).join(', ') + ', ' + t + ')');
		}
		if (left.type === 'MemberExpression' && left.object.type === 'Super') {
			if (n.operator === '=') return keep(slice(n.start, n.end), '__k6c_superset(' + superBase(n) + ', ' + (left.computed ? gen(left.property) : str(left.property.name)) + ', ' + gen(n.right) + ', ' + thisText(n) + ')');
			if (/^(\?\?|\|\||&&)=$/.test(n.operator)) return keep(slice(n.start, n.end), superLogical(n, left, n.operator.slice(0, -1)));
			return keep(slice(n.start, n.end), superUpdate(n, left, n.operator.slice(0, -1), '(' + gen(n.right) + ')', true));
		}
		if (/^(\?\?|\|\||&&)=$/.test(n.operator)) {
			var op = n.operator.slice(0, -1), l, pre = '';
			if (left.type === 'Identifier') l = gen(left);
			else if (left.type === 'MemberExpression' && left.object.type !== 'Super') {
				// The object and a computed key are evaluated once.
				var ot = tmp('o');
				pre = ot + ' = ' + gen(left.object) + ', ';
				if (left.property.type === 'PrivateIdentifier') l = privAccess(ot, left.property) + '[' + privName(left.property) + ']';
				else if (left.computed) { var kt = tmp('k'); pre += kt + ' = ' + gen(left.property) + ', '; l = ot + '[' + kt + ']'; }
				else l = ot + '.' + left.property.name;
			} else decline('logical assignment to ' + left.type, n);
			var rv = gap(n.left.end, n.right.start) + (left.type === 'Identifier' ? genAnon(n.right, left.name) : gen(n.right));
			var set = left.type === 'Identifier' && left.binding && left.binding.kind === 'const' ? '(' + rv + ', __k6c_const(' + str(left.name) + '))' : l + ' = ' + rv;
			if (op === '??') return keep(slice(n.start, n.end), '(' + pre + '(' + l + ') != null ? ' + l + ' : (' + set + '))');
			return keep(slice(n.start, n.end), '(' + pre + l + ' ' + op + ' (' + set + '))');
		}
		if (n.operator === '=' && left.type === 'Identifier' && anonFn(n.right))
			return splice(n, n.start, n.right.start, [n.right]) + genAnon(n.right, left.name);
		return splice(n);
	};
	// super.k ??= v, ||=, &&=: the key is evaluated once, and v only when
	// it is assigned.
	function superLogical(n, m, op) {
		var base = superBase(n), self = thisText(n), k = tmp('k'), v = tmp('v');
		var get = '(' + v + ' = __k6c_superget(' + base + ', ' + k + ', ' + self + '))';
		var set = '__k6c_superset(' + base + ', ' + k + ', ' + gen(n.right) + ', ' + self + ')';
		var test = op === '??' ? get + ' != null' : op === '||' ? get : '!' + get;
		return '(' + k + ' = ' + (m.computed ? gen(m.property) : str(m.property.name)) + ', ' + test + ' ? ' + v + ' : ' + set + ')';
	}
	// super.k op= v, ++super.k, super.k++: the key is evaluated once.
	function superUpdate(n, m, op, rhs, prefix) {
		var base = superBase(n), self = thisText(n), k = tmp('k'), text = '(' + k + ' = ' + (m.computed ? gen(m.property) : str(m.property.name)) + ', ';
		if (prefix) return text + '__k6c_superset(' + base + ', ' + k + ', __k6c_superget(' + base + ', ' + k + ', ' + self + ') ' + op + ' ' + rhs + ', ' + self + '))';
		var old = tmp('v');
		return text + old + ' = +__k6c_superget(' + base + ', ' + k + ', ' + self + '), __k6c_superset(' + base + ', ' + k + ', ' + old + ' ' + op + ' 1, ' + self + '), ' + old + ')';
	}
	H.UpdateExpression = function (n) {
		if (n.argument.type === 'MemberExpression' && n.argument.object.type === 'Super')
			return keep(slice(n.start, n.end), superUpdate(n, n.argument, n.operator.charAt(0), '1', n.prefix));
		if (n.argument.type === 'Identifier' && n.argument.binding && n.argument.binding.kind === 'const') return '__k6c_const(' + str(n.argument.name) + ')';
		return splice(n);
	};
	H.LogicalExpression = function (n) {
		if (n.operator !== '??') return splice(n);
		var t = tmp('n');
		return '((' + t + ' = ' + gen(n.left) + ') != null ? ' + t + ' : ' + gap(n.left.end, n.right.start) + gen(n.right) + ')';
	};
	H.UnaryExpression = function (n) {
		if (n.operator === 'delete' && n.argument.type === 'ChainExpression') return keep(slice(n.start, n.end), chain(n.argument, true));
		// delete super.x evaluates the key, then throws.
		if (n.operator === 'delete' && n.argument.type === 'MemberExpression' && n.argument.object.type === 'Super')
			return keep(slice(n.start, n.end), '(' + (n.argument.computed ? 'void (' + gen(n.argument.property) + '), ' : '') + '(function () { throw new ReferenceError("Unsupported reference to \'super\'"); })())');
		return splice(n);
	};
	H.ChainExpression = function (n) { return keep(slice(n.start, n.end), chain(n, false)); };
	// recv: a temporary that gets the object of the chain's last member
	// access, for a call of the chain's value ((a?.b.f)()).
	function chain(n, del, recv) {
		// a?.b.c : the whole chain short-circuits to undefined.
		var tests = [];
		// A member keeps the line it has in the source.
		function prop(e) {
			var g = gap(e.object.end, e.property.start);
			return g + (e.property.type === 'PrivateIdentifier' ? '[' + privName(e.property) + ']' : e.computed ? '[' + gen(e.property) + ']' : '.' + e.property.name);
		}
		function g(e) {
			// super.x starts a chain (super?.x is a syntax error).
			if (e.type === 'MemberExpression' && e.object.type === 'Super') return gen(e);
			if (e.type === 'MemberExpression') {
				var o = g(e.object);
				if (e.optional) { var t = tmp('c'); tests.push('(' + t + ' = ' + o + ') == null'); o = t; }
				if (recv && e === n.expression) o = '(' + recv + ' = ' + o + ')';
				if (e.property.type === 'PrivateIdentifier') return privAccess(o, e.property) + prop(e);
				return o + prop(e);
			}
			if (e.type === 'CallExpression') {
				var callee, thisArg = null;
				if (e.callee.type === 'MemberExpression') trigger(e.callee, e.arguments);
				if (e.callee.type === 'MemberExpression' && e.callee.object.type === 'Super') {
					// super.m?.() and super.m().x?.y call the parent's method on this.
					callee = gen(e.callee);
					thisArg = thisText(e);
				} else if (e.callee.type === 'MemberExpression') {
					var ob = g(e.callee.object), tt = tmp('c');
					if (e.callee.optional) tests.push('(' + tt + ' = ' + ob + ') == null'); else tests.push('(' + tt + ' = ' + ob + ', false)');
					callee = (e.callee.property.type === 'PrivateIdentifier' ? privAccess(tt, e.callee.property) : tt) + prop(e.callee);
					thisArg = tt;
				} else callee = g(e.callee);
				// Called through call/apply when the receiver must be passed
				// or an argument is spread.
				var spread = hasSpread(e.arguments), args = spread ? spreadList(e.arguments, e.callee.end) : argList(e.arguments, e.callee.end);
				var invoke = function (f, self) {
					if (spread) return f + '.apply(' + (self || 'void 0') + ', ' + args + ')';
					return self ? f + '.call(' + self + (args ? ', ' + args : '') + ')' : f + '(' + args + ')';
				};
				if (e.optional) { var f = tmp('f'); tests.push('(' + f + ' = ' + callee + ') == null'); return invoke(f, thisArg); }
				if (e.callee.type === 'MemberExpression' && e.callee.object.type === 'Super') return invoke(callee, thisArg);
				return spread ? invoke(callee, thisArg) : callee + '(' + args + ')';
			}
			return gen(e);
		}
		var body = g(n.expression);
		// delete a?.b is true when the chain short-circuits.
		if (del) body = 'delete ' + body;
		return '(' + (tests.length ? tests.join(' || ') + ' ? ' + (del ? 'true' : 'undefined') + ' : ' : '') + body + ')';
	}

	// ---- loops ------------------------------------------------------------------
	// Per-iteration bindings: when a closure in a loop captures a let/const
	// of the loop, the body runs in a function of its own each iteration,
	// with the head's bindings as parameters (Babel's _loop, in short).
	// Leaving the body is encoded in the function's result: `continue` is a
	// plain return, `break` returns __k6c_BRK, `return v` returns
	// {__k6c_ret: true, v: v}. yield and await need nothing: on coroutines
	// they suspend through the extra JS frame. Assignments to a head binding
	// in the body are copied back (try/finally) for the next iteration.
	var wrapStack = [];
	function wrapTop(n) {
		var w = wrapStack[wrapStack.length - 1];
		return w && fnOf(n) === w.fn && within(n, w.loop.body) ? w : null;
	}
	function innerLoop(n, loop, forContinue) { for (var p = n.parent; p && p !== loop; p = p.parent) if (isLoop(p) || (!forContinue && p.type === 'SwitchStatement')) return true; return false; }
	function labelOutside(n, w) { return n.label && !labelInside(n.label.name, w.loop); }
	function labelInside(name, loop) {
		var hit = false;
		(function scan(x) { if (hit) return; if (x.type === 'LabeledStatement' && x.label.name === name) hit = true; kids(x).forEach(scan); })(loop.body);
		return hit;
	}
	H.BreakStatement = function (n) {
		var w = wrapTop(n);
		if (!w || (!n.label && innerLoop(n, w.loop, false)) || (n.label && !labelOutside(n, w))) return splice(n);
		if (n.label) return keep(slice(n.start, n.end), labelJump(w, 'break', n.label.name));
		w.brk = true;
		return keep(slice(n.start, n.end), 'return __k6c_BRK;');
	};
	H.ContinueStatement = function (n) {
		var w = wrapTop(n);
		if (!w || (!n.label && innerLoop(n, w.loop, true)) || (n.label && !labelOutside(n, w))) return splice(n);
		if (n.label) return keep(slice(n.start, n.end), labelJump(w, 'continue', n.label.name));
		return keep(slice(n.start, n.end), 'return;');
	};
	H.ReturnStatement = function (n) {
		var w = wrapTop(n), c = curCtx(), f = fnOf(n), awaits = n.argument && f && f.async && f.generator;
		if (!w && !n.argument && c.derivedCtor) return keep(slice(n.start, n.end), 'return ' + mustSuper(c.thisName) + ';');
		// A derived constructor returns an object, or this for undefined.
		if (!w && c.derivedCtor) return keep(slice(n.start, n.end), 'return __k6c_dret(' + gen(n.argument) + ', ' + c.thisName + ');');
		if (!w && !awaits) return endStatement(splice(n));
		var arg = n.argument ? gen(n.argument) : null;
		// An async generator awaits what it returns, at the return statement.
		if (awaits) arg = '__k6c_await(' + arg + ')';
		if (!w) return keep(slice(n.start, n.end), 'return ' + arg + ';');
		w.ret = true;
		return keep(slice(n.start, n.end), 'return { __k6c_ret: true, v: ' + (arg === null ? 'undefined' : arg) + ' };');
	};
	// A labelled break/continue leaving the wrapper function returns a
	// record; the code after the call (or the next wrapper out) jumps.
	function labelJump(w, kind, label) {
		var j = kind + ' ' + label;
		if (w.jumps.indexOf(j) < 0) w.jumps.push(j);
		return 'return { __k6c_jump: ' + str(j) + ' };';
	}
	function assignedIn(body, names) {
		var hit = [];
		(function scan(x) {
			var t = x.type === 'AssignmentExpression' ? x.left : x.type === 'UpdateExpression' ? x.argument : null;
			if (t && t.type === 'Identifier' && t.binding) { var nm = t.binding.rename || t.name; if (names.indexOf(nm) >= 0 && hit.indexOf(nm) < 0) hit.push(nm); }
			kids(x).forEach(scan);
		})(body);
		return hit;
	}
	// genBody() makes the body text (without braces when it was a block);
	// it is called with the wrapper registered, so break/continue/return
	// inside it are rewritten.
	function loopBody(loop, genBody, names) {
		if (!loop.capture) return null;
		var w = { loop: loop, fn: fnOf(loop), brk: false, ret: false, jumps: [] };
		var outs = assignedIn(loop.body, names).map(function (nm) { return [nm, tmp('out')]; });
		wrapStack.push(w);
		// The wrapper is a function of ours: `this` and `arguments` inside
		// must still be the enclosing function's, as in an arrow.
		var c = new Ctx(null);
		c.arrow = c.wrapper = true;
		ctxStack.push(c);
		var body;
		try { body = genBody(); } finally { ctxStack.pop(); wrapStack.pop(); }
		var r = tmp('r');
		if (outs.length) body = 'try {' + body + '} finally { ' + outs.map(function (o) { return o[1] + ' = ' + o[0] + ';'; }).join(' ') + ' }';
		var text = '{ ' + r + ' = (function (' + names.join(', ') + ') {' + body + '})(' + names.join(', ') + ');';
		outs.forEach(function (o) { text += ' ' + o[0] + ' = ' + o[1] + ';'; });
		if (w.brk) text += ' if (' + r + ' === __k6c_BRK) break;';
		w.jumps.forEach(function (j) {
			var outer = wrapStack[wrapStack.length - 1], label = j.replace(/^\S+ /, '');
			var test = ' if (' + r + ' && ' + r + '.__k6c_jump === ' + str(j) + ') ';
			// Still inside an outer wrapper whose loop the label is not in: pass it on.
			if (outer && outer.fn === w.fn && !labelInside(label, outer.loop)) { if (outer.jumps.indexOf(j) < 0) outer.jumps.push(j); text += test + 'return ' + r + ';'; }
			else text += test + j + ';';
		});
		if (w.ret) {
			var outer = wrapStack[wrapStack.length - 1];
			if (outer && outer.fn === w.fn) { outer.ret = true; text += ' if (' + r + ' && ' + r + '.__k6c_ret) return ' + r + ';'; }
			else if (nearestReal().derivedCtor) text += ' if (' + r + ' && ' + r + '.__k6c_ret) return __k6c_dret(' + r + '.v, ' + nearestReal().thisName + ');';
			else text += ' if (' + r + ' && ' + r + '.__k6c_ret) return ' + r + '.v;';
		}
		return text + ' }';
	}
	function blockInner(body) { return body.type === 'BlockStatement' ? splice(body, body.start + 1, body.end - 1) : gen(body); }
	function headNames(decl) {
		if (!decl || decl.type !== 'VariableDeclaration' || decl.kind === 'var') return [];
		var ids = [];
		decl.declarations.forEach(function (d) { patternIds(d.id, ids); });
		return ids.map(function (id) { return id.binding.rename || id.name; });
	}
	function bodyOrWrapped(n, names, pre) {
		var t = loopBody(n, function () { return (pre || '') + blockInner(n.body); }, names);
		if (t === null) return pre ? '{ ' + pre + blockInner(n.body) + '}' : gen(n.body);
		return keep(slice(n.body.start, n.body.end), t);
	}
	H.ForStatement = function (n) {
		// A closure in the head would need a copy of the bindings per
		// iteration as well (spec CreatePerIterationEnvironment).
		if (n.init && n.init.type === 'VariableDeclaration' && n.init.kind !== 'var')
			[n.init, n.test, n.update].forEach(function (h) {
				if (h && (function scan(x, inFn) {
					if (x.type === 'Identifier' && inFn && x.binding && x.binding.scope.node === n) return true;
					return kids(x).some(function (c) { return scan(c, inFn || isFn(c)); });
				})(h, false)) decline('a closure in a for-loop head captures a loop binding', h);
			});
		return splice(n, n.start, n.body.start, [n.body]) + bodyOrWrapped(n, headNames(n.init));
	};
	H.ForInStatement = function (n) {
		if (n.left.type === 'VariableDeclaration' && n.left.declarations[0].id.type !== 'Identifier') decline('destructuring in a for-in head', n.left);
		if (n.left.type === 'MemberExpression' && n.left.object.type === 'Super') decline('a super property as a for-in target', n.left);
		return splice(n, n.start, n.body.start, [n.body]) + bodyOrWrapped(n, headNames(n.left));
	};
	H.LabeledStatement = function (n) {
		var t = splice(n), b = n.body;
		return b.closeWrap ? b.closeWrap(t) : t;
	};
	H.WhileStatement = function (n) {
		return splice(n, n.start, n.body.start, [n.body]) + bodyOrWrapped(n, []);
	};
	H.DoWhileStatement = function (n) {
		return slice(n.start, n.body.start) + bodyOrWrapped(n, []) + splice(n, n.body.end, n.end, [n.body]);
	};
	H.ForOfStatement = function (n) {
		if (n.await && !fnOf(n)) decline('top-level for await', n);
		var it = tmp('it'), next = tmp('next'), st = tmp('s'), nx = tmp('n'), val = tmp('v');
		// st is set only once a step's done and value were read: an
		// iterator whose next() threw, or whose result's done or value
		// getter threw, is not closed (only a body leaving early closes it).
		// for await: the async iterator's results are awaited (__k6c_anext).
		// The next method is read once, when the loop starts.
		// (__k6c_next gives it bound to the iterator; the result must be an
		// object.)
		var step = n.await ? '__k6c_anext(' + it + ', ' + next + ')' : '(' + nx + ' = ' + next + '(), typeof ' + nx + ' === "object" && ' + nx + ' !== null || __k6c_result(' + nx + '))';
		var head = 'for (' + it + ' = ' + (n.await ? '__k6c_aiter(' : '__k6c_iter(') + gen(n.right) + '), ' + next + ' = ' + (n.await ? it + '.next' : '__k6c_next(' + it + ')') + '; (' + st + ' = false, ' + (n.await ? nx + ' = ' : '') + step + ', !' + nx + '.done && (' + val + ' = ' + nx + '.value, ' + st + ' = true)); ) ';
		var bind;
		if (n.left.type === 'VariableDeclaration') {
			var id = n.left.declarations[0].id, binds = id.type === 'Identifier' ? [gen(id) + ' = ' + val] : destructure(id, val);
			// A var of a loop inside a per-iteration body: see VariableDeclaration.
			if (n.left.kind === 'var' && wrapTop(n)) bind = binds.map(function (b) { tmpName(/^[A-Za-z_$][\w$]*/.exec(b)[0]); return b; }).join(', ') + ';';
			else bind = 'var ' + binds.join(', ') + ';';
		} else if (n.left.type === 'Identifier' || n.left.type === 'MemberExpression') bind = assignTo(n.left, val) + ';';
		else bind = assignPattern(n.left, val).join(', ') + ';';
		// The value binding is made inside the (possibly wrapped) body, so
		// it is per iteration.
		var loop = keep(slice(n.start, n.body.start), head) + bodyOrWrapped(n, [], ' ' + bind);
		// Leaving early (break, return, throw) closes the iterator, so a
		// generator's finally blocks run. A labelled loop keeps its label
		// on the loop itself: the LabeledStatement puts the try around it.
		var close = n.await ? '__k6c_aclose(' + it : '__k6c_close(' + it, e = temp('e');
		n.closeWrap = function (t) {
			return 'try { ' + t + ' } catch (' + e + ') { if (' + st + ') { ' + st + ' = false; ' + close + ', true, ' + e + '); } throw ' + e + '; } finally { if (' + st + ') { ' + st + ' = false; ' + close + '); } }';
		};
		return n.parent.type === 'LabeledStatement' ? loop : n.closeWrap(loop);
	};

	// ---- spread -----------------------------------------------------------------
	// Each element after the line breaks before it in the source (from: the
	// position the list starts at).
	function argList(list, from) {
		return list.map(function (e) { var t = gap(from, e.start) + gen(e); from = e.end; return t; }).join(', ');
	}
	function spreadList(elems, from) {
		// [a, ...b, c] -> [a].concat(__k6c_spr(b), [c]). __k6c_spr takes
		// what b iterates at that point, holes as undefined.
		var groups = [], cur = null;
		// A hole at the end of a run needs a comma of its own: [1, ,] has two
		// elements.
		function end() { if (cur) groups.push('[' + cur.join(', ') + (cur[cur.length - 1] === '' ? ',' : '') + ']'); cur = null; }
		elems.forEach(function (e) {
			var g = e && from !== undefined ? gap(from, e.start) : '';
			if (e) from = e.end;
			if (e && e.type === 'SpreadElement') { end(); groups.push(g + '__k6c_spr(' + gen(e.argument) + ')'); }
			else { cur = cur || []; cur.push(e ? g + gen(e) : ''); }
		});
		end();
		return groups.length === 1 && groups[0].charAt(0) === '_' ? groups[0] : (groups[0].charAt(0) === '[' ? groups[0] + '.concat(' + groups.slice(1).join(', ') + ')' : '[].concat(' + groups.join(', ') + ')');
	}
	function hasSpread(list) { return list.some(function (e) { return e && e.type === 'SpreadElement'; }); }
	H.ArrayExpression = function (n) { return hasSpread(n.elements) ? keep(slice(n.start, n.end), spreadList(n.elements, n.start)) : splice(n); };
	H.CallExpression = function (n) {
		if (n.callee.type === 'Super') return superCall(n);
		if (n.callee.type === 'MemberExpression' && n.callee.object.type === 'Super') {
			// A getter on the parent runs with this as its receiver too.
			trigger(n.callee, n.arguments);
			var member = gen(n.callee);
			var args = hasSpread(n.arguments) ? spreadList(n.arguments, n.callee.end) : '[' + argList(n.arguments, n.callee.end) + ']';
			return keep(slice(n.start, n.end), member + '.apply(' + thisText(n) + ', ' + args + ')');
		}
		// (a?.f)() keeps a as the receiver.
		if (n.callee.type === 'ChainExpression' && n.callee.expression.type === 'MemberExpression') {
			var rv = tmp('r'), fn = chain(n.callee, false, rv);
			return keep(slice(n.start, n.end), fn + (hasSpread(n.arguments) ? '.apply(' + rv + ', ' + spreadList(n.arguments, n.callee.end) + ')' : '.call(' + rv + (n.arguments.length ? ', ' + argList(n.arguments, n.callee.end) : '') + ')'));
		}
		if (!hasSpread(n.arguments)) return trailingComma(src, n.arguments, n.end) ? gen(n.callee) + callRest(n) : splice(n);
		if (n.callee.type === 'MemberExpression') {
			trigger(n.callee, n.arguments);
			var t = tmp('r'), recv = '(' + t + ' = ' + gen(n.callee.object) + ')', prop = n.callee.property;
			var f = prop.type === 'PrivateIdentifier' ? privAccess(recv, prop) + '[' + privName(prop) + ']' : recv + (n.callee.computed ? '[' + gen(prop) + ']' : '.' + prop.name);
			return keep(slice(n.start, n.end), f + '.apply(' + t + ', ' + spreadList(n.arguments, n.callee.end) + ')');
		}
		var callee = gen(n.callee);
		return keep(slice(n.start, n.end), callee + '.apply(void 0, ' + spreadList(n.arguments, n.callee.end) + ')');
	};
	// The rest of a call or new from its callee on, without the trailing
	// comma of its arguments (ES5 has none).
	function callRest(n) {
		var args = n.arguments;
		if (!trailingComma(src, args, n.end)) return splice(n, n.callee.end, n.end);
		var last = args[args.length - 1];
		return splice(n, n.callee.end, last.end) + slice(last.end, n.end).replace(',', ' ');
	}
	H.NewExpression = function (n) {
		// A callee lowered to a call (a private or super member) is put in
		// parentheses, so that new applies to what it gives.
		var callee = gen(n.callee);
		if (hasSpread(n.arguments)) return keep(slice(n.start, n.end), 'new (Function.prototype.bind.apply(' + callee + ', [null].concat(' + spreadList(n.arguments, n.callee.end) + ')))()');
		if (callee !== slice(n.callee.start, n.callee.end)) callee = '(' + callee + ')';
		return keep(slice(n.start, n.end), slice(n.start, n.callee.start) + callee + callRest(n));
	};
	H.ObjectExpression = function (n) {
		// Methods using super need the literal itself (their home object),
		// one per evaluation: the literal is built in a function of its own
		// whose parameter holds it (`this` and `arguments` inside are the
		// enclosing function's, as in a loop wrapper).
		if (n.properties.some(function (p) { return p.type === 'Property' && (p.method || p.kind !== 'init') && usesSuper(p.value); })) {
			n.homeVar = temp('h');
			var c = new Ctx(null), t;
			c.arrow = c.wrapper = true;
			ctxStack.push(c);
			try { t = objectLiteral(n); } finally { ctxStack.pop(); }
			return keep(slice(n.start, n.end), '(function (' + n.homeVar + ') { return ' + n.homeVar + ' = ' + t + '; })()');
		}
		return objectLiteral(n);
	};
	function isProto(p) { return p.type === 'Property' && p.kind === 'init' && !p.computed && !p.shorthand && !p.method && keyString(p.key) === '__proto__'; }
	// A literal with a spread, an accessor or __proto__ is built step by
	// step into a temporary, in source order, so that a spread's getters
	// run before the values after it are evaluated:
	// (o = {a: 1}, __k6c_assign(o, src), __k6c_put(o, 1, "k", getter), o).
	// Duktape takes no computed accessor key, names accessors without
	// "get ", and would make __proto__ an own property. Runs of plain
	// properties stay literals; each property keeps its source lines.
	function objectLiteral(n) {
		if (!n.properties.some(function (p) { return p.type === 'SpreadElement' || p.kind !== 'init' || isProto(p); })) return splice(n);
		var home = n.homeVar, ctx = home ? { superBase: 'Object.getPrototypeOf(' + home + ')' } : null;
		var o = tmp('o'), steps = [], group = null, pos = n.start;
		// With an accessor or __proto__ among the steps, copies define
		// (a setter of the literal must not run); else they may assign.
		var plain = !n.properties.some(function (p) { return p.type === 'Property' && (p.kind !== 'init' || isProto(p)); });
		var assign = function (what) { return '__k6c_assign(' + o + ', ' + what + (plain ? '' : ', 1') + ')'; };
		function flush() {
			if (!group) return;
			var lit = '{' + group.join(', ') + '}';
			steps.push(steps.length ? assign(lit) : o + ' = ' + lit);
			group = null;
		}
		n.properties.forEach(function (p) {
			var gap = nl(newlines(slice(pos, p.start))), key;
			pos = p.end;
			// After the first step, a plain data property is defined on its
			// own (cheaper than a literal copied by __k6c_assign).
			if (steps.length && !group && p.type === 'Property' && p.kind === 'init' && !isProto(p) && !p.method && !anonFn(p.value)) {
				key = p.computed ? gen(p.key) : str(keyString(p.key));
				steps.push(gap + keep(slice(p.start, p.end), (plain ? '__k6c_setval(' : '__k6c_defval(') + o + ', ' + key + ', ' + gen(p.value) + ')'));
				return;
			}
			if (p.type === 'Property' && p.kind === 'init' && !isProto(p)) { (group = group || []).push(gap + gen(p)); return; }
			flush();
			if (p.type === 'SpreadElement') steps.push(gap + keep(slice(p.start, p.end), assign(gen(p.argument))));
			else if (isProto(p)) steps.push(gap + keep(slice(p.start, p.end), '__k6c_put(' + o + ', 0, void 0, ' + gen(p.value) + ')'));
			else {
				key = p.computed ? gen(p.key) : str(keyString(p.key));
				steps.push(gap + keep(slice(p.start, p.end), '__k6c_put(' + o + ', ' + (p.kind === 'get' ? 1 : 2) + ', ' + key + ', ' + genFunction(p.value, { name: '', ctx: ctx }) + ')'));
			}
		});
		flush();
		if (steps[0].indexOf(o + ' = ') !== 0) steps.unshift(o + ' = {}');
		return '(' + steps.join(', ') + ', ' + o + ')';
	}
	H.MemberExpression = function (n) {
		if (n.object.type === 'Super') {
			var key = n.computed ? gen(n.property) : str(n.property.name);
			return '__k6c_superget(' + superBase(n) + ', ' + key + ', ' + thisText(n) + ')';
		}
		if (n.property.type === 'PrivateIdentifier') return privAccess(gen(n.object), n.property) + '[' + privName(n.property) + ']';
		return splice(n);
	};
	H.BinaryExpression = function (n) {
		if (n.left.type === 'PrivateIdentifier') return '__k6c_privin(' + privCls(n.left).check[n.left.name] + ', ' + gen(n.right) + ')';
		return splice(n);
	};

	// ---- classes ----------------------------------------------------------------
	// The object a super property is looked up on: the parent class (static
	// code), its prototype, or the prototype of an object literal's home.
	function superBase(n) {
		// An async arrow (a function of its own) reads its method's super.
		var c = ownerCtx();
		if (c.superBase) return c.superBase;
		if (!c.superName) decline('super outside a method', n);
		return c.isStatic ? c.superName : c.superName + '.prototype';
	}
	var classStack = [];
	function privCls(p) {
		for (var i = classStack.length - 1; i >= 0; i--) if (classStack[i].priv[p.name]) return classStack[i];
		decline('unknown private name #' + p.name, p);
	}
	function privName(p) { return privCls(p).priv[p.name]; }
	// The object, brand-checked for private name p: it must own the symbol
	// of a field or static member, or the class's brand for an instance
	// method or accessor (those sit on the prototype).
	function privAccess(obj, p) {
		var c = privCls(p), check = c.check[p.name];
		return '__k6c_priv(' + obj + ', ' + check + (check !== c.priv[p.name] ? ', ' + str('#' + p.name) : '') + ')';
	}
	function superCall(n) {
		var c = nearestReal();
		if (!c.superName || !c.derivedCtor) decline('super() outside a derived constructor', n);
		var args = hasSpread(n.arguments) ? spreadList(n.arguments, n.callee.end) : '[' + argList(n.arguments, n.callee.end) + ']';
		return '(' + c.thisName + ' = __k6c_fields(__k6c_once(' + c.thisName + ', __k6c_super(this, ' + c.superName + ', ' + args + ', ' + c.ntName + ')), ' + c.fieldsName + '))';
	}
	// A derived constructor that never called super() throws on return.
	function mustSuper(t) {
		return '(' + t + ' === undefined ? __k6c_nosuper() : ' + t + ')';
	}
	// opt.nameExpr: the name an anonymous class takes (NamedEvaluation), as
	// JavaScript text; without it an anonymous class is named "".
	function genClass(n, opt) {
		opt = opt || {};
		var name = n.id ? (n.type === 'ClassDeclaration' ? gen(n.id) : n.id.name) : temp('class');
		// Inside, the class is a var of the IIFE named as written, unless
		// that would shadow a global of the output.
		var inner = n.id && !OUTPUT_GLOBALS.test(n.id.name) ? n.id.name : n.id ? temp(n.id.name) : name;
		var sup = n.superClass ? temp('super') : null;
		var fields = temp('fields'), statics = temp('statics'), nt = temp('newtarget');
		// check: the symbol an object must own to reach a private name.
		var cls = { priv: Object.create(null), check: Object.create(null), brand: null };
		n.body.body.forEach(function (m) {
			if (!m.key || m.key.type !== 'PrivateIdentifier') return;
			var k = m.key.name;
			if (!cls.priv[k]) cls.priv[k] = temp('priv_' + k);
			if (m.type === 'MethodDefinition' && !m.static) cls.check[k] = cls.brand = cls.brand || temp('brand');
			else cls.check[k] = cls.priv[k];
		});
		classStack.push(cls);
		var ctor = null, parts = [], pos = n.body.start + 1;
		// super.x in a class without extends reads Object.prototype
		// (Function.prototype in static code).
		function superCtx(isStatic) { return { superName: sup, isStatic: isStatic, superBase: sup ? null : isStatic ? 'Function.prototype' : 'Object.prototype' }; }
		var head = 'var ' + inner + ' = (function (' + (sup || '') + ') {';
		Object.keys(cls.priv).forEach(function (k) { head += ' var ' + cls.priv[k] + ' = Symbol(' + str('#' + k) + ');'; });
		if (cls.brand) head += ' var ' + cls.brand + ' = Symbol(' + str(inner) + ');';
		// The brand of the private methods goes on an instance first, before
		// its fields are initialised.
		head += ' var ' + fields + ' = [' + (cls.brand ? '[' + cls.brand + ', function () { return true; }, 0, 1]' : '') + '], ' + statics + ' = [];';
		n.body.body.forEach(function (m) {
			var gap = slice(pos, m.start);
			pos = m.end;
			var isPriv = m.key && m.key.type === 'PrivateIdentifier';
			var keyText = m.key ? (isPriv ? cls.priv[m.key.name] : (m.computed ? gen(m.key) : str(keyString(m.key)))) : null;
			var target = m.static ? inner : inner + '.prototype';
			if (m.type === 'MethodDefinition' && m.kind === 'constructor') { ctor = m; parts.push(gap + '/*ctor*/' + nl(newlines(slice(m.start, m.end)))); return; }
			if (m.type === 'MethodDefinition') {
				var ftext = genFunction(m.value, { name: m.kind === 'method' ? methodName(m) : '', ctx: superCtx(m.static) });
				parts.push(gap + '__k6c_method(' + target + ', ' + keyText + ', ' + ftext + ', ' + str(m.kind) + (isPriv ? ', ' + str('#' + m.key.name) : '') + ');');
				return;
			}
			if (m.type === 'PropertyDefinition') {
				var init = m.value ? inCtx(superCtx(m.static), function () { return 'function () { return ' + gen(m.value) + '; }'; }) : 'function () {}';
				// [key, initialiser, name, private]: an anonymous function or
				// class is named after the field. Static fields and blocks run
				// once every member is defined and every key computed.
				var entry = '[' + keyText + ', ' + init + ', ' + (anonFn(m.value) ? (isPriv ? str('#' + m.key.name) : '1') : '0') + ', ' + (isPriv ? 1 : 0) + ']';
				parts.push(gap + (m.static ? statics : fields) + '.push(' + entry + ');');
				return;
			}
			if (m.type === 'StaticBlock') {
				var bt = inCtx(superCtx(true), function () { return 'function () {' + splice(m, m.start + slice(m.start, m.end).indexOf('{') + 1, m.end - 1) + '}'; });
				parts.push(gap + statics + '.push([' + bt + ']);');
				return;
			}
			decline('class member ' + m.type, m);
		});
		parts.push(slice(pos, n.body.end - 1));
		// The constructor is a function declaration, hoisted inside the IIFE,
		// so it can sit on the class's first line. It takes its new.target
		// first (__k6c_ctor), which super() hands on to the parent.
		// (new.target is only undefined when super() or a call reached it.)
		var ctorText, enter = 'var ' + nt + ' = new.target || __k6c_ctor(this, ' + inner + ');';
		if (ctor) {
			var thisName = sup ? temp('this') : 'this';
			ctorText = genFunction(ctor.value, {
				name: inner, thisName: thisName,
				ctx: { superName: sup, derivedCtor: !!sup, fieldsName: fields, ntName: nt },
				pre: enter + (sup ? ' var ' + thisName + ';' : ' __k6c_fields(this, ' + fields + ');'),
				post: sup ? ' return ' + mustSuper(thisName) + ';' : '' });
			// Put the constructor text where it was written, to keep its lines.
			var ci = parts.map(function (p) { return p.indexOf('/*ctor*/') >= 0; }).indexOf(true);
			parts[ci] = parts[ci].replace(/\/\*ctor\*\/\n*/, function () { return ctorText; });
			ctorText = '';
		} else {
			ctorText = 'function ' + inner + '() { ' + enter + ' ' + (sup ? 'return __k6c_fields(__k6c_super(this, ' + sup + ', arguments, ' + nt + '), ' + fields + ');' : '__k6c_fields(this, ' + fields + ');') + ' }';
		}
		classStack.pop();
		// An anonymous class is named before its static members run.
		var naming = !n.id ? ' __k6c_fname(' + inner + ', ' + (opt.nameExpr || '""') + ');' : inner !== n.id.name ? ' __k6c_fname(' + inner + ', ' + str(n.id.name) + ');' : '';
		var text = head + ' ' + ctorText + ' __k6c_inherits(' + inner + (sup ? ', ' + sup : '') + ');' + naming + parts.join('') + ' __k6c_fields(' + inner + ', ' + statics + '); return ' + inner + '; })(' + (n.superClass ? gen(n.superClass) : '') + ')';
		if (n.type === 'ClassDeclaration' && n.id) return keep(slice(n.start, n.end), (name !== inner ? text.replace(/^var \S+ =/, 'var ' + name + ' =') : text) + ';');
		return keep(slice(n.start, n.end), '(' + text.replace(/^var \S+ = /, '') + ')');
	}
	// Runs f with a context for a field initialiser or static block: its
	// own `this`, and super resolving to the class's parent.
	function inCtx(props, f) {
		var c = new Ctx(null);
		c.ntName = 'undefined';
		for (var k in props) c[k] = props[k];
		ctxStack.push(c);
		try {
			var t = f(), pre = (c.temps.length ? ' var ' + c.temps.join(', ') + ';' : '') + (c.thisAlias ? ' var ' + c.thisAlias + ' = this;' : '');
			return pre ? t.replace(/^function \(\) \{/, function () { return 'function () {' + pre; }) : t;
		} finally { ctxStack.pop(); }
	}
	H.ClassDeclaration = H.ClassExpression = genClass;

	// ---- modules ----------------------------------------------------------------
	var exportsList = [], starList = [], nmod = 0;
	function modVar() { return temp('m'); }
	H.ImportDeclaration = function (n) {
		n.modVar = modVar();
		var spec = str(n.source.value);
		var hasDefault = n.specifiers.some(function (s) { return s.type === 'ImportDefaultSpecifier'; });
		prefix.push('var ' + n.modVar + ' = ' + (hasDefault ? '__k6c_interop(require(' + spec + '))' : 'require(' + spec + ')') + ';');
		nmod++;
		return keep(slice(n.start, n.end), '');
	};
	function exportGetter(name, expr) { exportsList.push('Object.defineProperty(exports, ' + str(name) + ', { enumerable: true, get: function () { return ' + expr + '; } });'); }
	H.ExportNamedDeclaration = function (n) {
		if (n.declaration) {
			var d = n.declaration, ids = [];
			if (d.type === 'VariableDeclaration') d.declarations.forEach(function (x) { patternIds(x.id, ids); });
			else ids.push(d.id);
			ids.forEach(function (id) { exportGetter(id.name, id.binding && id.binding.rename || id.name); });
			return keep(slice(n.start, d.start), '') + gen(d);
		}
		var m = null;
		if (n.source) { m = modVar(); prefix.push('var ' + m + ' = require(' + str(n.source.value) + ');'); }
		n.specifiers.forEach(function (s) {
			var exported = s.exported.name || s.exported.value;
			if (m) exportGetter(exported, m + '[' + str(s.local.name || s.local.value) + ']');
			else exportGetter(exported, gen(s.local));
		});
		return keep(slice(n.start, n.end), '');
	};
	H.ExportDefaultDeclaration = function (n) {
		var d = n.declaration;
		if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
			exportGetter('default', d.id.binding && d.id.binding.rename || d.id.name);
			return keep(slice(n.start, d.start), '') + gen(d);
		}
		// Babel's name when free: stack traces show `_default` as `default`
		// (lib/engine/vm.c), whichever path lowered the module.
		var t = used._default ? temp('default') : (used._default = true, '_default');
		exportGetter('default', t);
		// An anonymous function or class exported as default is named
		// "default"; the function declaration is hoisted, so its name can be
		// set in the prologue.
		if (d.type === 'FunctionDeclaration') {
			prefix.push('Object.defineProperty(' + t + ', "name", { value: "default", configurable: true });');
			return keep(slice(n.start, d.start), '') + genFunction(d, { name: t });
		}
		return keep(slice(n.start, d.start), 'var ' + t + ' = ') + (d.type === 'ClassDeclaration' ? genClass(d, { nameExpr: '"default"' }) : genAnon(d, 'default')) + ';';
	};
	H.ExportAllDeclaration = function (n) {
		var m = modVar();
		prefix.push('var ' + m + ' = require(' + str(n.source.value) + ');');
		if (n.exported) exportGetter(n.exported.name || n.exported.value, m);
		else starList.push('Object.keys(' + m + ').forEach(function (k) { if (k !== "default" && k !== "__esModule" && !Object.prototype.hasOwnProperty.call(exports, k)) Object.defineProperty(exports, k, { enumerable: true, get: function () { return ' + m + '[k]; } }); });');
		return keep(slice(n.start, n.end), '');
	};
	H.MetaProperty = function (n) {
		if (n.meta.name === 'import') decline('import.meta', n);
		// A class constructor has its new.target in a variable (super() calls
		// the parent as a function); an arrow or a per-iteration loop body,
		// which become functions of their own, read an alias of the
		// enclosing function's.
		var c = ownerCtx();
		if (c.ntName) return c.ntName;
		if (c === curCtx()) return 'new.target';
		if (!c.ntAlias) c.ntAlias = temp('newtarget');
		return c.ntAlias;
	};
	H.ImportExpression = function (n) { decline('dynamic import()', n); };
	H.Literal = function (n) {
		if (n.bigint !== undefined) decline('BigInt literal', n);
		if (n.regex && /[^gim]/.test(n.regex.flags)) decline('regexp flag ' + n.regex.flags, n);
		if (n.regex && /\(\?<[=!]|\(\?<[A-Za-z]/.test(n.regex.pattern)) decline('regexp lookbehind or named group', n);
		if (typeof n.value === 'number' && /_/.test(slice(n.start, n.end))) return slice(n.start, n.end).replace(/_/g, '');
		// A raw U+2028 or U+2029 in a string (ES2019) is escaped for Duktape.
		if (typeof n.value === 'string' && /[\u2028\u2029]/.test(n.raw)) return str(n.value);
		return splice(n);
	};

	var progCtx = new Ctx(ast);
	ctxStack.push(progCtx);
	progCtx.thisName = 'undefined';   // module code: this is undefined
	var body = splice(ast);
	ctxStack.pop();
	if (triggers.length) prefix.push('/* ' + triggers.join(' ') + ' */');
	var out = prologue(ast.body.some(function (s) { return /^Export/.test(s.type); }), exportsList, prefix, starList, progCtx.temps) + hashbang(body);
	if (newlines(out) !== newlines(src)) throw new Error('k6c lower: line count changed (' + newlines(src) + ' -> ' + newlines(out) + ')');
	return out;
}

return { lower: lower, K6cDecline: K6cDecline };
})();
