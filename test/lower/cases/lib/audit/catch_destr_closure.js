export default function () {
  const fns = [];
  for (let i = 0; i < 2; i++) { try { throw { a: i }; } catch ({ a }) { fns.push(() => a); } }
  return fns.map(f => f());
}
