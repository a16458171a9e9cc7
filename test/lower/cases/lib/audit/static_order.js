export default function () {
  class A { static x = A.m(); static m() { return 1; } }
  return A.x;
}
