export default function () {
  const o = { 1_000() { return 'm'; } };
  return o[1000]();
}
