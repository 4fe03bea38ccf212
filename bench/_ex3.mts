import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/tmp/exdb/c.sqlite');
const a = `select "seq", "id" from objects where "type" = ? and "id_key" IN (?) and objects.deleted_ms IS NULL`;
const b = `select "seq", "id" from objects indexed by objects_type_id where "type" = ? and "id_key" IN (?) and objects.deleted_ms IS NULL`;
const c = `select "seq", "id" from objects where "type" = 'event' and "id_key" IN (?) and objects.deleted_ms IS NULL`;
for (let r = 0; r < 2; r++) for (const [k, q] of Object.entries({ a, b, c })) {
  let t = performance.now(); for (let i = 0; i < 1000; i++) db.prepare(q + ' '.repeat(i % 2)); const prep = (performance.now() - t);
  const st = db.prepare(q); t = performance.now(); for (let i = 0; i < 5000; i++) k === 'c' ? st.all('zz' + i) : st.all('event', 'zz' + i);
  console.log(k, 'run µs', ((performance.now() - t) * 1000 / 5000).toFixed(1), 'prepare µs', prep.toFixed(1));
}
