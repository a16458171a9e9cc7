export default function () {
  function* g() { yield 1; }
  const a = g(); const r1 = a.return(5);
  const b = g(); b.next(); b.next(); const r2 = b.return(7);
  return [r1, r2];
}
