import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/tmp/flotilla-bench-XrwzAO/flotilla.sqlite');
const qs = {
  get: `select "seq", "type", "id", objects.data as "data", "title", "version" from objects where "type" = ? and "id_key" IN (?) and objects.deleted_ms IS NULL AND objects.visibility <> 'public'`,
  getIdx: `select "seq", "type", "id", objects.data as "data", "title", "version" from objects indexed by objects_type_id where "type" = ? and "id_key" IN (?) and objects.deleted_ms IS NULL AND objects.visibility <> 'public'`,
  getEq: `select "seq", "type", "id", objects.data as "data", "title", "version" from objects where "type" = ? and "id_key" = ? and objects.deleted_ms IS NULL AND objects.visibility <> 'public'`,
};
for (let r = 0; r < 2; r++) for (const [k, q] of Object.entries(qs)) {
  if (r == 0) console.log(k, db.prepare('explain query plan ' + q).all('event', 'zz').map((r: any) => r.detail));
  const st = db.prepare(q);
  const t = performance.now(); for (let i = 0; i < 3000; i++) st.all('event', 'zz' + i); console.log(k, 'µs', ((performance.now() - t) * 1000 / 3000).toFixed(1));
}
