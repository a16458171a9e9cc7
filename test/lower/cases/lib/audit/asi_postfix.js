class P {}
class C extends P {
  #p = 0
  run(log) {
    this.#p++
    (function () { log.push('iife1') })()
    super.q = 1
    super.q--
    [2].forEach(x => log.push('fe' + x))
    return [this.#p, this.q, log]
  }
}
export default function () { return new C().run([]) }
