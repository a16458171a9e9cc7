class Stack extends Array {
  peek() { return super.at(-1); }
}
export default function () {
  const s = new Stack(); s.push(1, 2, 3);
  return [s.peek()];
}
