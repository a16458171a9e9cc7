export default function () {
  const f = (n) => { let x, y; [x = n > 0 ? f(n - 1)[1] : 'base', y] = [undefined, 'y' + n]; return [x, y]; };
  return f(1);
}
