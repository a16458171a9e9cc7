// A module has no `arguments` of its own: at module level (and in an arrow
// there) it is not defined, while a function's arrows see the function's.
const atTop = (() => { try { return arguments.length; } catch (e) { return e instanceof ReferenceError; } })();
const typeofTop = typeof arguments;
function f() { return (() => arguments.length)(); }
export default function () {
  return [atTop, typeofTop, f(1, 2, 3)];
}
// known-babel: Babel's module-level arguments is the CommonJS wrapper's
// expect: [true,"undefined",3]
