export default function () {
  const arr = [1];
  const f = (...a) => a;
  const r1 = f(...arr, arr.push(2));
  const b = [1];
  const r2 = [...b, b.push(5)];
  return [r1, r2];
}
