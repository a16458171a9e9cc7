export default function () {
  try { (function ({}) {})(); return 'no throw'; } catch (e) { return e.constructor.name; }
}
