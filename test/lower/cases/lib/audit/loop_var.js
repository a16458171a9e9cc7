export default function () {
  const fns = [];
  for (let i = 0; i < 2; i++) { var x = i; fns.push(() => i); }
  return [x, fns.map(f => f())];
}
