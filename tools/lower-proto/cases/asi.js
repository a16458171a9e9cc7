// Semicolon-less code: lowered statements that start with ( must not continue the previous line; comma expressions keep their parentheses.
let calls = 0
function d(a, b = (calls++, a * 2)) { return b }
export default function main() {
  const o = { f() { return 'f' } }
  let x = null
  o?.f()
  x ??= 1
  o.g ||= 2
  const s = (calls++, 'seq')
  const [p, q] = (calls++, [1, 2])
  const r = [d(1), d(1, 5), calls, x, o.g, s, p + q]
  return r
}
