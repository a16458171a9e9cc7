export default function () {
  class A { static x = 1; static get x() { return 2; } }
  return A.x;
}
