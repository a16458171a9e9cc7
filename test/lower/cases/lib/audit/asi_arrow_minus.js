export default function () {
  const f = () => {}
  -1
  let g
  g = () => {}
  [0]
  return [typeof f, typeof g]
}
