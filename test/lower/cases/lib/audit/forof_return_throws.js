export default function () {
  const it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { throw new Error('from return'); } }; } };
  try { for (const x of it) throw new Error('from body'); } catch (e) { return e.message; }
}
