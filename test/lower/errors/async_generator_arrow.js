// Syntax error: an arrow cannot be a generator.
const g = async *() => 1;
// expect-error: 2:19
