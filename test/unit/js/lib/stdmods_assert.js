// Assertions for the k6/encoding, k6/crypto and k6/data fixtures: each
// failure is one "FAIL <name>: ..." log line, done() logs the totals; the
// C test (test_engine_stdmods.c) asserts there is no FAIL line and that
// done() ran.
let n = 0;
let failed = 0;

function show(v) {
  if (v instanceof ArrayBuffer) return 'ArrayBuffer(' + hex(v) + ')';
  try { return JSON.stringify(v); } catch (e) { return String(v); }
}

export function hex(buf) {
  return Array.prototype.map.call(new Uint8Array(buf), (b) => ('0' + b.toString(16)).slice(-2)).join('');
}

export function bytes(list) {
  const u = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) u[i] = list[i];
  return u.buffer;
}

export function eq(name, got, want) {
  n++;
  if (got !== want) {
    failed++;
    console.log(`FAIL ${name}: got ${show(got)}, want ${show(want)}`);
  }
}

export function ok(name, cond) {
  eq(name, !!cond, true);
}

// fn must throw an error whose String() contains want (and, if type is
// given, whose name is type).
export function throws(name, fn, want, type) {
  n++;
  try {
    fn();
  } catch (e) {
    const s = String(e);
    if (s.indexOf(want) < 0 || (type !== undefined && e.name !== type)) {
      failed++;
      console.log(`FAIL ${name}: threw ${s}, want ${type || ''} ${want}`);
    }
    return;
  }
  failed++;
  console.log(`FAIL ${name}: did not throw, want ${want}`);
}

export function done(tag) {
  console.log(`DONE ${tag}: ${n} checks, ${failed} failed`);
}
