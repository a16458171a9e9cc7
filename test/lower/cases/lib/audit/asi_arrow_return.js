function make() {
  return () => { return 'arrow' }
  [0]
}
function* g() {
  yield () => {}
  (1)
}
export default function () {
  const a = make(), b = g().next().value
  return [typeof a, typeof b]
}
