export default function () {
  const out = [];
  const items = [{id: 7}, {id: 8}];
  const fn = null;
  out.push(fn?.(1), items.at?.(-1)?.id);
  const g = (...a) => a;
  const r2 = g(fn?.(1), items.at?.(-1));
  const r3 = [fn?.(), items.at?.(0)];
  return [out, r2, r3];
}
