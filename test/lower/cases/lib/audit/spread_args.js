export default function () {
  function f() { const a = [...arguments]; const b = []; for (const x of arguments) b.push(x); return [a, b]; }
  return f(1, 2);
}
