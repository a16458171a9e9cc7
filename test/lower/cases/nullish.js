// Nullish coalescing and logical assignment (??=, ||=, &&=), evaluated once and short-circuited.
export default function () {
  const o = { a: 0, b: null, c: 'x' };
  let n = 0;
  const get = () => { n++; return o; };
  get().a ??= 5;
  get().b ??= 6;
  o.c ||= 'no';
  o.d ||= 'yes';
  o.a &&= 'no';
  o.c &&= 'cc';
  let z = null;
  z ??= 1;
  return [o, n, z, 0 ?? 1, null ?? 'd', undefined ?? null ?? 3, (false || null) ?? 'e', '' ?? 'f'];
}
// expect: [{"a":0,"b":6,"c":"cc","d":"yes"},2,1,0,"d",3,"e",""]
