// Syntax error: a let binding declared twice in one scope.
let a = 1;
let a = 2;
// expect-error: 3:5
