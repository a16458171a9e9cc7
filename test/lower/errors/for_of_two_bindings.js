// Syntax error: for-of with two bindings.
const c = [];
for (const a, b of c) {}
// expect-error: 3:13
