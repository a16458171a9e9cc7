export default function () {
  const items = [7, 8, 9];
  return [items.at?.(-1), 'xyz'.at?.(-1), typeof items.at];
}
