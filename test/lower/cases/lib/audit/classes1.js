export default function () {
  const log = [];
  const k = (n) => { log.push('k' + n); return 'm' + n; };
  class A {
    [k(1)]() {}
    [k(2)] = log.push('init2');
    static [k(3)] = log.push('sinit3');
    [k(4)]() {}
    static { log.push('block'); }
  }
  log.push('mid');
  new A();
  return log;
}
