export default function () {
  let n = 0;
  const it = { [Symbol.iterator]() { return { next() { if (++n > 3) return { done: true }; return 5; } }; } };
  try { for (const x of it) {} return 'no throw ' + n; } catch (e) { return e.constructor.name; }
}
