class Stack extends Array {
  peek() { return super.at(-1); }
  all() { return [...super.entries()]; }
}
export default function () {
  const s = new Stack(); s.push(1, 2, 3);
  const o = { list: [4, 5] };
  return [o.list?.at(-1), o?.list.at(0), s.length, s.peek(), s.all()];
}
