// Static initialisation blocks and static fields, in order, with this as the class.
const log = [];
class C {
  static a = (log.push('a'), 1);
  static { log.push('block ' + this.a); this.b = this.a + 1; }
  static c = (log.push('c'), this.b * 10);
  static { log.push('block2 ' + C.c); }
}
export default function () {
  return [log, C.a, C.b, C.c];
}
// expect: [["a","block 1","c","block2 20"],1,2,20]
