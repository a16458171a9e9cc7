export default function () {
  const a = { v: 3, f() { return this && this.v; } };
  return [(a?.f)(), a?.f(), a.f?.()];
}
