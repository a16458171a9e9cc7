export default function () {
  const log = [];
  const a = { toString() { log.push('a'); return 'A'; } };
  const s = `${a}${(log.push('f'), 'F')}`;
  return [s, log];
}
