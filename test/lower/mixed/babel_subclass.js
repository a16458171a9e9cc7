// A class of a module that Babel lowers (the closure in the loop head below
// makes the fast path decline it) extends a class of the fast path's; the
// parent sees the subclass as new.target.
import { Base } from './fast_base.js';
for (let i = 0, f = () => i; i < 1; i++) f();
class D extends Base { constructor() { super(5); } }
export default function () {
  const d = new D();
  return [d.x, d.nt, d.hello(), d instanceof D, d instanceof Base];
}
// expect: [5,"D","hi 5",true,true]
