export default function () {
  function tag(s) { return function C() { this.v = s[0]; }; }
  const o = new tag`x`;
  return [typeof o, o.v];
}
