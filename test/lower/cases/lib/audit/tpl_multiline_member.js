export default function () {
  const s = `ab
cd`.length;
  const t = typeof `x
y`;
  const n = 2 * `1
`;
  return [s, t, n];
}
