// Syntax error: an optional chain as an assignment target.
const o = {};
o?.b = 1;
// expect-error: 3:1
