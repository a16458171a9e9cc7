export default function () {
  let a = 'outer';
  try { throw { a: 'inner' }; } catch ({ a }) { }
  return a;
}
