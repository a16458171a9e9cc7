const log = []
const g = async () => { log.push('g called') }
[1, 2].forEach(x => log.push('forEach' + x))
export default function () { return log }
