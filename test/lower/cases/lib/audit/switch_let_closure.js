export default function () {
  const fns = [];
  for (let i = 0; i < 2; i++) { switch (i) { default: let v = i * 10; fns.push(() => v); } }
  return fns.map(f => f());
}
