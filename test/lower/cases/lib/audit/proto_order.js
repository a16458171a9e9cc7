export default function () {
  const log = [];
  const o = { __proto__: (log.push('p'), null), a: log.push('a') };
  return [log, Object.getPrototypeOf(o)];
}
