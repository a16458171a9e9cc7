// Syntax error in a destructuring pattern: a literal as a binding target.
const o = {};
const { a: 1 } = o;
// expect-error: 3:12
