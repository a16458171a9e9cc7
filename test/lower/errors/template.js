// Syntax error: an unterminated template substitution.
const b = 1;
const t = `abc ${b + }`;
// expect-error: 3:22
