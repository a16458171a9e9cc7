// DECLINE: dynamic import() and import.meta.
export default function main() { return [typeof import.meta, import('./lib.js')]; }
