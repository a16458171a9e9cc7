// new.target inside an arrow function is the enclosing function's.
// known-fast: declined (an arrow becomes a function of its own, with a new.target of its own)
function F() { const f = () => new.target; return f(); }
export default function () { return [typeof new F()]; }
// expect: ["function"]
