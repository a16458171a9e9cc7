export default function () {
  const v = null;
  class A { x = v ?? 1; }
  return new A().x;
}
