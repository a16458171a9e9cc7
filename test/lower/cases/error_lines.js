// An error thrown inside a multi-line expression that the lowering rewrites
// (arrow expression bodies, ?. chains, ??, spread arguments and elements,
// ||=, destructuring defaults...) reports the line it is on in the source.
// (M7 and M8, destructuring assignment and for-of heads, are left out:
// both paths report the value's line there; see doc/lowering.md.)
const f1 = (x) =>
  x.a.b; // M1
const f2 = async (x) =>
  x.a.b; // M2
function f3(resp) {
  const v = resp?.data
    ?.items.x.y; // M3
  return v;
}
function f4(a, b) {
  const t = a ??
    b.c.d; // M4
  return t;
}
function g(...args) { return args; }
function f5(args, b) {
  return g(
    ...args,
    b.c.d, // M5
  );
}
function f6(a, b) {
  return [
    ...a,
    b.c.d, // M6
  ];
}
function f7(o) {
  let a, b;
  ({
    a,
    b = o.c.d, // M7
  } = o);
  return b;
}
function f8(list) {
  for (const {
    id,
    name = id.q.r, // M8
  } of list) { return name; }
}
class C9 {
  handler = () =>
    this.x.y.z; // M9
}
const f10 = ({ a,
  b = a.c.d }) => b; // M10
function f11(data) {
  return data
    .filter((x) => x)
    .map((x) => x.a.b); // M11
}
function f12(o) {
  const k = 'key';
  return {
    [k]: 1,
    v: o.c.d, // M12
  };
}
function f13(o) {
  const { a, ...rest } = o;
  return rest.b.c; // M13
}
function f14(x) {
  const r = x?.y ?? (
    x.z.w); // M14
  return r;
}
function f15(x) {
  return `${x}` +
    x.y.z; // M15
}
function f16(items) {
  return items.map(({ id, tags = [] }) =>
    tags.x.y); // M16
}
function f17(o) {
  o.cfg ??= {};
  o.cfg.deep ||=
    o.q.w; // M17
}
function f18(arr) {
  const [
    first,
    second = first.a.b, // M18
  ] = arr;
  return second;
}
export const cases = {
  M1: () => f1({}), M2: () => f2({}), M3: () => f3({ data: {} }), M4: () => f4(null, {}), M5: () => f5([], {}), M6: () => f6([], {}),
  M9: () => new C9().handler(), M10: () => f10({ a: {} }), M11: () => f11([1]), M12: () => f12({}),
  M13: () => f13({}), M14: () => f14({}), M15: () => f15({}), M16: () => f16([{ id: 1, tags: {} }]), M17: () => f17({}), M18: () => f18([{}]),
};
export default async function () {
  const res = {};
  for (const [k, f] of Object.entries(cases)) {
    try { await f(); res[k] = 'no throw'; } catch (e) {
      const m = String(e.stack).match(/error_lines\.js:(\d+)/g) || [];
      res[k] = m.map(s => s.split(':')[1])[0];
    }
  }
  return res;
}
// known-babel: Babel reports an array destructuring default of a declaration one line late
// expect: {"M1":"7","M2":"9","M3":"12","M4":"17","M5":"24","M6":"30","M9":"49","M10":"52","M11":"56","M12":"62","M13":"67","M14":"71","M15":"76","M16":"80","M17":"85","M18":"90"}
