export default function () {
  const f = async x => { await x }
  /re/g.lastIndex
  return typeof f
}
