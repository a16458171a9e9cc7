// api.js - k6/x/sql's API on one VU against a fresh SQLite file (__ENV.DB):
// typed rows, bound parameters (a quote is stored verbatim: nothing is
// spliced), exec results, the older sql.query/sql.exec, the driver module,
// SQLite's messages in exceptions and use after close. Every outcome is a
// check; test_sql.c requires all of them to pass.
import { check } from 'k6';
import sql from 'k6/x/sql';
import driver from 'k6/x/sql/driver/sqlite3';

const db = sql.open('sqlite3', __ENV.DB);

// Whether fn throws an error whose message matches re (logged either way).
function throws(fn, re) {
  try {
    fn();
  } catch (e) {
    console.log(`threw ${e.name}: ${e.message}`);
    return re.test(String(e.message));
  }
  console.log('did not throw');
  return false;
}

export default function () {
  db.exec('CREATE TABLE typed (i INTEGER, r REAL, t TEXT, n TEXT, b BLOB)');
  const ins = db.exec('INSERT INTO typed VALUES (?, ?, ?, ?, ?)',
    42, 2.5, 'h\u00e9llo \u{1F600}', null, new Uint8Array([1, 2, 255]));
  check(ins, {
    'exec: rowsAffected()': (r) => r.rowsAffected() === 1,
    'exec: lastInsertId()': (r) => r.lastInsertId() === 1,
  });

  const rows = db.query('SELECT * FROM typed');
  check(rows, {
    'query: an array of one row': (r) => Array.isArray(r) && r.length === 1,
    'INTEGER is a number': (r) => r[0].i === 42,
    'REAL is a number': (r) => r[0].r === 2.5,
    'TEXT is a string (UTF-8 both ways)': (r) => r[0].t === 'h\u00e9llo \u{1F600}',
    'NULL is null': (r) => r[0].n === null,
    'BLOB is an ArrayBuffer': (r) => r[0].b instanceof ArrayBuffer && r[0].b.byteLength === 3 &&
      new Uint8Array(r[0].b)[2] === 255,
  });

  db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, ok INTEGER)');
  const evil = "O'Brien'); DROP TABLE people; --";
  const first = db.exec('INSERT INTO people (name, ok) VALUES ($1, $2)', evil, true);
  db.exec('INSERT INTO people (name, ok) VALUES (?, ?)', 'Ann', false);
  db.exec('INSERT INTO people (name, ok) VALUES (?2, ?1)', 1, 'Bob');
  const people = db.query('SELECT id, name, ok FROM people ORDER BY id');
  check(people, {
    'a quote is bound, not spliced': (r) => r.length === 3 && r[0].name === evil,
    'true binds as 1': (r) => r[0].ok === 1,
    'false binds as 0': (r) => r[1].ok === 0,
    'numbered parameters (?2, ?1)': (r) => r[2].name === 'Bob' && r[2].ok === 1,
    'lastInsertId() of the first insert': () => first.lastInsertId() === 1,
  });
  check(db.exec('UPDATE people SET ok = ? WHERE id > ?', 7, 0), {
    'UPDATE: rowsAffected() is 3': (r) => r.rowsAffected() === 3,
  });
  check(db.query('SELECT ? AS i, ? AS f, ? AS u, 9007199254740991 AS big', 3, 3.25, undefined), {
    'integral number binds as INTEGER': (r) => r[0].i === 3,
    'other number binds as REAL': (r) => r[0].f === 3.25,
    'undefined binds as NULL': (r) => r[0].u === null,
    'large INTEGER': (r) => r[0].big === 9007199254740991,
  });
  check(db.query("SELECT typeof(?) AS t", 3), { 'typeof INTEGER': (r) => r[0].t === 'integer' });

  check(sql.query(db, 'SELECT name FROM people WHERE id = $1', 2), {
    'sql.query(db, ...)': (r) => r.length === 1 && r[0].name === 'Ann',
  });
  check(sql.exec(db, 'DELETE FROM people WHERE id = ?', 3), {
    'sql.exec(db, ...)': (r) => r.rowsAffected() === 1,
  });
  check(db.exec('CREATE TABLE m (x); INSERT INTO m VALUES (?); INSERT INTO m VALUES (?);', 1, 2), {
    'several statements take the arguments in turn': (r) => r.rowsAffected() === 1 &&
      db.query('SELECT sum(x) AS s FROM m')[0].s === 3,
  });
  check(db.query('SELECT 1 AS a; SELECT 2 AS b'), {
    'query returns the rows of its last statement': (r) => r.length === 1 && r[0].b === 2,
  });

  check(null, {
    'too few arguments': () => throws(() => db.query('SELECT ?, ?', 1), /expected 2 arguments, got 1/),
    'too many arguments': () => throws(() => db.exec('SELECT ?', 1, 2), /expected 1 arguments, got 2/),
    'an object cannot be bound': () => throws(() => db.exec('SELECT ?', {}), /argument 1 cannot be bound/),
    "SQLite's syntax error": () => throws(() => db.query('SELEKT 1'), /near "SELEKT": syntax error/),
    "SQLite's constraint error": () => throws(
      () => db.exec('INSERT INTO people (id, name) VALUES (1, ?)', 'x'),
      /UNIQUE constraint failed: people\.id/),
    "SQLite's no such table": () => throws(() => db.query('SELECT * FROM nope'), /no such table: nope/),
    'unsupported driver': () => throws(() => sql.open('postgres', 'x'), /unsupported driver "postgres"/),
    'not a Database': () => throws(() => sql.query({}, 'SELECT 1'), /Database/),
    'query must be a string': () => throws(() => db.query(42), /query must be a string/),
    'open error': () => throws(() => sql.open('sqlite3', '/nonexistent-k6c-dir/x.db'),
      /unable to open database file/),
  });

  const ro = sql.open('sqlite3', `file:${__ENV.DB}?mode=ro`);
  check(null, {
    'a URI data source name (read-only)': () => ro.query('SELECT count(*) AS n FROM people')[0].n === 2,
    'writing through it throws': () => throws(() => ro.exec('DELETE FROM people'), /readonly database/),
  });
  ro.close();

  const db2 = sql.open(driver, __ENV.DB);
  check(db2.query('SELECT count(*) AS n FROM people'), {
    'sql.open(driver, dsn)': (r) => r[0].n === 2,
  });
  db2.close();
  check(null, {
    'query after close': () => throws(() => db2.query('SELECT 1'), /database is closed/),
    'exec after close': () => throws(() => db2.exec('SELECT 1'), /database is closed/),
    'close after close': () => throws(() => db2.close(), /database is closed/),
    'sql.query after close': () => throws(() => sql.query(db2, 'SELECT 1'), /database is closed/),
    'another handle on the same file still works': () => db.query('SELECT 1 AS one')[0].one === 1,
  });
}
