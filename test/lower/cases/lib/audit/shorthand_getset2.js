function get(k) { return 'v:' + k; }
function set(k, v) { return 'set:' + k + v; }
const cache = { get, set };
export default function () {
  const { get: g } = cache;
  const dflt = ({ get, set } = cache) => get('a') + set('b', 1);
  return [cache.get('x'), g('y'), dflt()];
}
