// new.target inside an arrow function is the enclosing function's.
function F() { const f = () => new.target; return f(); }
export default function () { return [typeof new F()]; }
// expect: ["function"]
