export default function () {
  const out = [];
  const it = { i: 0, [Symbol.iterator]() { return this; }, next() { this.next = () => ({ done: true }); return { value: this.i++, done: this.i > 3 }; } };
  for (const x of it) out.push(x);
  return out;
}
