// Syntax error: a rest element that is not last in an object pattern.
const o = {};
const { ...r, x } = o;
// expect-error: 3:13
