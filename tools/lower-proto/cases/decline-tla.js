// DECLINE: top-level await (the module body is not a coroutine).
const v = await Promise.resolve(1);
export default function main() { return v; }
