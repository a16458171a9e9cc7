export default function () {
  try { const {...x} = null; return 'no throw'; } catch (e) { return e.constructor.name; }
}
