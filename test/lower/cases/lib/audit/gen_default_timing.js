export default function () {
  const log = [];
  function* g(a = log.push('default')) { log.push('body'); }
  const it = g(); log.push('after call'); it.next();
  return log;
}
