// cli_sql.js - the built-in k6/x/sql of `k6c run` (no plugin needed):
// each iteration inserts a row into ./cli.db, relative to the working
// directory; teardown checks the count through the module itself.
import { check } from 'k6';
import sql from 'k6/x/sql';

export const options = { thresholds: { checks: ['rate==1'] } };

const db = sql.open('sqlite3', './cli.db');

export function setup() {
  db.exec('CREATE TABLE IF NOT EXISTS runs (vu INTEGER, iter INTEGER)');
}

export default function () {
  db.exec('INSERT INTO runs (vu, iter) VALUES (?, ?)', __VU, __ITER);
}

export function teardown() {
  check(db.query('SELECT count(*) AS n FROM runs'), { 'all rows': (r) => r[0].n === 12 });
  db.close();
}
