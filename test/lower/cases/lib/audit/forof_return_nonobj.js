export default function () {
  const it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { return 1; } }; } };
  try { for (const x of it) break; return 'no throw'; } catch (e) { return e.constructor.name; }
}
