import sql from 'k6/x/sql';
const db = sql.open('sqlite3', './test.db');
export default function () {
  db.exec("INSERT INTO keyvalues (key, value) VALUES('lorem', 'ipsum');");
}
