export default function () {
  let a = 'outer';
  switch (1) { case 1: let a = 'inner'; }
  return a;
}
