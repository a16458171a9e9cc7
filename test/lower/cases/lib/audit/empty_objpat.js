export default function () {
  const r = [];
  try { const {} = null; r.push('no throw'); } catch (e) { r.push(e.constructor.name); }
  try { const {...x} = null; r.push('no throw2'); } catch (e) { r.push(e.constructor.name); }
  try { (function ({}) {})(); r.push('no throw3'); } catch (e) { r.push(e.constructor.name); }
  return r;
}
