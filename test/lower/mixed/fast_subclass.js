// A class of the fast path's extends a class of a module that Babel lowers.
import { Base } from './babel_base.js';
class D extends Base { constructor() { super(7); this.own = new.target.name; } }
export default function () {
  const d = new D();
  return [d.x, d.own, d.hello(), d instanceof D, d instanceof Base];
}
// expect: [7,"D","hi 7",true,true]
