// Optional chaining: members, calls, computed keys, short-circuiting, with this kept.
export default function () {
  const o = { a: { b: 1, f() { return this.b; } }, arr: [10], n: null };
  let calls = 0;
  const side = () => { calls++; return 'b'; };
  return [o?.a?.b, o.x?.b, o.n?.[side()], o.a?.[side()], o.a.f?.(), o.g?.(), o.arr?.[0], o.x?.y.z.w,
    calls, (o.n?.b) === undefined, delete o?.a?.b, o.a];
}
// expect: [1,null,null,1,1,null,10,null,1,true,true,{}]
