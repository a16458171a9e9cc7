// super in object literal methods, with the prototype set by Object.setPrototypeOf.
const base = { hello() { return 'base ' + this.name; }, get kind() { return 'base kind'; } };
export default function () {
  const o = { name: 'o', hello() { return 'child ' + super.hello(); }, get kind() { return 'child of ' + super.kind; } };
  Object.setPrototypeOf(o, base);
  return [o.hello(), o.kind];
}
// expect: ["child base o","child of base kind"]
