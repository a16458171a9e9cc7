// DECLINE: new.target inside an arrow function (the arrow becomes a function of its own).
function F() { const f = () => new.target; return f(); }
export default function main() { return [typeof new F()]; }
