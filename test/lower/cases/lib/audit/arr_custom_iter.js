export default function () {
  class L extends Array { *[Symbol.iterator]() { yield 'custom'; } }
  const l = new L(); l.push(1, 2);
  const [first] = l;
  const out = []; for (const x of l) out.push(x);
  return [[...l], first, out];
}
