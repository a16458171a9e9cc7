export default function () {
  class E extends Error { constructor(m) { super(m); this.code = 7; return undefined; } }
  const e = new E('msg');
  return [e.message, e.code, e instanceof E, e instanceof Error];
}
