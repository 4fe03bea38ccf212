import { sql } from 'kysely';
import { SEARCH_SLOTS } from '../sql/search-document.js';
import { column, RowInsert } from '../sql/row-insert.js';
import { vocabularyOf, type SearchWriter } from '../sql/search-writer.js';
import { sqliteOps } from './sqlite.ops.js';

// contentless_delete=1 lets REPLACE drop the previous entry of the rowid
const insertEntries = new RowInsert(
  'search_fts',
  [column('rowid', 'bigint'), column('k'), ...Array.from({ length: SEARCH_SLOTS }, (_, i) => column(`c${i}`))],
  '',
  'INSERT OR REPLACE',
);

/** SQLite FTS5 (see sqlite.search.ts): one multi-row INSERT per slice, then the new words of all entries at once. */
export const sqliteSearchWriter: SearchWriter = {
  async writeMany(db, entries) {
    await insertEntries.run(
      db,
      sqliteOps,
      entries.map((e) => [e.seq, e.doc.keys.join(' '), ...e.doc.slots]),
    );
    const words = vocabularyOf(entries);
    if (words.length === 0) return;
    const added = await sql<{ id: number; word: string }>`INSERT OR IGNORE INTO search_words (word)
      SELECT value FROM json_each(${JSON.stringify(words)}) RETURNING id, word`.execute(db);
    if (added.rows.length === 0) return;
    const padded = added.rows.map((r) => ({ id: r.id, w: `^^${r.word}$` }));
    await sql`INSERT INTO search_trigrams (rowid, word) SELECT json_extract(value, '$.id'), json_extract(value, '$.w')
      FROM json_each(${JSON.stringify(padded)})`.execute(db);
  },
};
