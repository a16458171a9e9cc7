// A stand-in for the k6 module under node: check() records passes and fails
// per name; group() runs its callback. Used by verify_in_node.sh only.
export const results = {};
export function check(value, sets) {
  let all = true;
  for (const [name, f] of Object.entries(sets)) {
    const ok = !!(typeof f === 'function' ? f(value) : f);
    results[name] = results[name] || { passes: 0, fails: 0 };
    results[name][ok ? 'passes' : 'fails'] += 1;
    all = all && ok;
  }
  return all;
}
export function group(name, fn) {
  return fn();
}
export function sleep() {}
export function fail(msg) {
  throw new Error(msg);
}
