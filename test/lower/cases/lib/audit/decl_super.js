class P { m() { return 'P'; } }
class C extends P { async am() { const f = async () => super.m(); return f(); } *g() { const f = () => super.m(); yield f(); } a2() { return (async () => (async () => super.m())())(); } }
export default async function () { return [await new C().am(), new C().g().next().value, await new C().a2()]; }
