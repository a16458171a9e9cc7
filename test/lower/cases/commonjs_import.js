// Importing a CommonJS module (ES5, no ES2015+ node) by default and by name.
import lib from './lib/es5_commonjs.js';
export default function main() {
  return [lib.bump(2), lib.bump(3), lib.kind];
}
// expect: [2,5,"object"]
