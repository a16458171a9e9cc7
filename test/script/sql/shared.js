// shared.js - one SQLite connection per data source name for the whole
// test: every VU opens the database in its init code, yet a TEMP table
// (private to a connection in SQLite) created by setup() is visible to all
// of them. VU 1 closes its handle at its first iteration: that handle then
// throws, the others keep working, and a new open shares the connection
// again. Every iteration inserts one row (test_sql.c counts them).
import { check } from 'k6';
import sql from 'k6/x/sql';

let db = sql.open('sqlite3', __ENV.DB);
let reopened = false;

export function setup() {
  db.exec('CREATE TABLE IF NOT EXISTS hits (vu INTEGER, iter INTEGER)');
  db.exec('CREATE TEMP TABLE marker (x)');
  db.exec('INSERT INTO temp.marker VALUES (1)');
}

export default function () {
  if (__VU === 1 && !reopened) {
    const old = db;
    old.close();
    let threw = false;
    try {
      old.query('SELECT 1');
    } catch (e) {
      threw = /database is closed/.test(e.message);
    }
    check(threw, { 'a closed handle throws': (t) => t });
    db = sql.open('sqlite3', __ENV.DB);
    reopened = true;
  }
  check(db.query('SELECT x FROM temp.marker'), {
    'one connection for every VU': (r) => r.length === 1 && r[0].x === 1,
  });
  db.exec('INSERT INTO hits (vu, iter) VALUES (?, ?)', __VU, __ITER);
}

export function teardown() {
  db.close();
}
