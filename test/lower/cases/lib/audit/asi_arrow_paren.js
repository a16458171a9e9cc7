const log = []
const f = () => { log.push('f called') }
(function () { log.push('iife') })()
export default function () { return log }
