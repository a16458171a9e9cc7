// Default parameters: evaluation order, undefined vs null, references to earlier params, fn.length.
let calls = 0;
function d(a, b = a + 1, c = (calls++, b * 2)) { return [a, b, c]; }
function e(x = 1, y) { return [x, y]; }
export default function () {
  return [d(1), d(1, undefined, 5), d(1, null), e(), e(undefined, 2), calls, d.length, e.length, ((a, b = 2) => a + b)(1)];
}
// expect: [[1,2,4],[1,2,5],[1,null,0],[1,null],[1,2],2,1,0,3]
