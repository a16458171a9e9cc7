export default function () {
  let closed = 0;
  const it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { closed++; return {}; } }; } };
  const [] = it;
  return closed;
}
