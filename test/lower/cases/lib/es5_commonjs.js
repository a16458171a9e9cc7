// A plain ES5 CommonJS module: no edits, no __esModule mark.
var count = 0;
function bump(n) { count += n; return count; }
module.exports = { bump: bump, kind: typeof module };
