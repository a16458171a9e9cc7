export default function () {
  const o = { f(...a) { return a.length; } };
  const args = [1, 2, 3];
  return [o.f?.(...args), o?.f(...args)];
}
