export default function () {
  try { const {} = null; return 'no throw'; } catch (e) { return e.constructor.name; }
}
