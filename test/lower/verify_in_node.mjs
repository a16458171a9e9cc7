// verify_in_node.mjs - runs each case of test/lower/cases natively in node and
// compares the JSON of what its default export returns (awaited) with the
// case's "// expect: <json>" line, so the corpus's expected values are
// plain JavaScript semantics and not what either lowering path produces.
// With K6C_EXPECT_WRITE=1 it rewrites the expect line of each case instead
// (how the expected values are made when a case is added).
// usage: node verify_in_node.mjs CASE.js|DIR...  (a DIR: its *.js files)
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const files = process.argv.slice(2).flatMap((a) => statSync(a).isDirectory()
	? readdirSync(a).filter((f) => f.endsWith('.js')).sort().map((f) => join(a, f)) : [a]);
if (files.length === 0) { console.log('no cases'); process.exit(1); }
let bad = 0;
for (const file of files) {
	let got;
	try {
		const mod = await import(pathToFileURL(resolve(file)).href);
		// Called bare, as k6 calls a default function: no `this`.
		const run = mod.default;
		got = JSON.stringify(await run());
	} catch (e) {
		got = 'threw ' + e;
	}
	const src = readFileSync(file, 'utf8');
	const m = /^\/\/ expect: (.*)$/m.exec(src);
	if (process.env.K6C_EXPECT_WRITE === '1') {
		const line = '// expect: ' + got;
		writeFileSync(file, m ? src.replace(m[0], () => line) : src.replace(/\n*$/, '\n') + line + '\n');
		continue;
	}
	if (!m) { console.log('FAIL ' + file + ': no "// expect:" line'); bad++; continue; }
	if (m[1] !== got) { console.log('FAIL ' + file + '\n expected: ' + m[1] + '\n node:     ' + got); bad++; }
	else console.log('ok ' + file);
}
process.exit(bad ? 1 : 0);
