// Syntax error: a literal in an arrow function's parameter list.
const f = (a, 1) => a;
// expect-error: 2:15
