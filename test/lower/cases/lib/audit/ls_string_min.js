export default function () {
  const a = 'x y';
  return a.length;
}
