// DECLINE: a parameter default that names a body declaration (separate parameter scope).
const x = 'outer';
function f(a = x) { var x = 'inner'; return a; }
export default function main() { return f(); }
