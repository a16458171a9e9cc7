export default function () {
  function f() {}
  const r = [];
  { function f() {} r.push(f.name); }
  { const g = () => 1; r.push(g.name); }
  { const g = () => 2; r.push(g.name); }
  return r;
}
