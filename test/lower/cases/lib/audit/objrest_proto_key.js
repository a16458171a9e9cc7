export default function () {
  const src = JSON.parse('{"__proto__": {"x": 1}, "a": 1}');
  const { a, ...r } = src;
  return [Object.keys(r), r.x, Object.getPrototypeOf(r) === Object.prototype];
}
