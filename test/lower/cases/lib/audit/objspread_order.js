export default function () {
  let n = 0;
  const src = { get g() { return ++n; } };
  const o = { ...src, n };
  return o;
}
