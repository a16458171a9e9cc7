export default function () {
  class A { x() { return 'm'; } get x() { return 'g'; } }
  return new A().x;
}
