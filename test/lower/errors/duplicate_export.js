// Syntax error: the same name exported twice.
export const a = 1;
export { a };
// expect-error: 3:10
