export default function () {
  return [(function ({a}, b) {}).length, (function (a, [b], c) {}).length, ((x, {y}) => 0).length];
}
