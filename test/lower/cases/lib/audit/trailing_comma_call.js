function add(a, b) { return a + b; }
export default function () {
  return add(
    1,
    2,
  );
}
