// The exponent operator and its assignment form, with precedence and right associativity.
export default function () {
  let x = 3;
  x **= 2;
  return [2 ** 10, 2 ** 3 ** 2, (-2) ** 2, x, 2 ** -1, (2 ** 0.5) ** 2 > 1.99];
}
// expect: [1024,512,4,9,0.5,true]
