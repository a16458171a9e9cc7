// noderun.mjs - PROTOTYPE oracle: runs a case natively in node and prints the
// JSON of its default export's (awaited) result.
const m = await import(process.argv[2]);
console.log(JSON.stringify(await m.default()));
