// Bindings and references named like Object.prototype members.
function valueOf() { return 'v'; }
export default function () {
  const { toString } = { toString: 1 };
  let constructor = 2;
  const f = (hasOwnProperty) => hasOwnProperty + 1;
  return [toString, constructor, f(1), valueOf(), typeof isPrototypeOf, typeof propertyIsEnumerable];
}
// expect: [1,2,2,"v","function","function"]
