// babel-node.js - PROTOTYPE: lowers files with Debian's Babel standalone in
// node, with lib/engine/lower.c's options, writing <file>.low.js next to a
// copy (the oracle path, for comparison runs in Duktape).
// usage: node babel-node.js FILE...
const Babel = require('/usr/share/nodejs/@babel/standalone/babel.js');
const fs = require('fs');
const opts = {presets: [['env', {targets: {ie: 11}, modules: 'commonjs', exclude: ['transform-typeof-symbol']}]],
  sourceType: 'module', retainLines: true, babelrc: false, configFile: false, compact: false, comments: false};
for (const f of process.argv.slice(2)) {
  const t = Date.now();
  fs.writeFileSync(f + '.low.js', Babel.transform(fs.readFileSync(f, 'utf8'), opts).code);
  console.error(f, Date.now() - t, 'ms (node)');
}
