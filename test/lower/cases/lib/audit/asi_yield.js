export default function () {
  const log = []
  function* g() {
    yield
    (function () { log.push('iife') })()
  }
  const it = g(); it.next(); it.next()
  return log
}
