export default function () {
  let n = 0
  const k = () => { n++; return () => 'inner' }
  (1)
  return [typeof k, n]
}
