import { sql } from 'kysely';
import { SEARCH_SLOTS } from '../sql/search-document.js';
import { ENTRIES_PER_STATEMENT, slices, type SearchWriter } from '../sql/search-writer.js';

const COLUMNS = sql.raw(['k', ...Array.from({ length: SEARCH_SLOTS }, (_, i) => `c${i}`)].join(', '));

/** SQLite FTS5 (see sqlite.search.ts): one multi-row INSERT per slice, then the new words of all entries at once. */
export const sqliteSearchWriter: SearchWriter = {
  async writeMany(db, entries) {
    for (const part of slices(entries, ENTRIES_PER_STATEMENT)) {
      // contentless_delete=1 lets REPLACE drop the previous entry of the rowid
      const rows = part.map((e) => sql`(${e.seq}, ${e.doc.keys.join(' ')}, ${sql.join(e.doc.slots)})`);
      await sql`INSERT OR REPLACE INTO search_fts (rowid, ${COLUMNS}) VALUES ${sql.join(rows)}`.execute(db);
    }
    const words = [...new Set(entries.flatMap((e) => e.doc.words))];
    if (words.length === 0) return;
    const added = await sql<{ id: number; word: string }>`INSERT OR IGNORE INTO search_words (word)
      SELECT value FROM json_each(${JSON.stringify(words)}) RETURNING id, word`.execute(db);
    if (added.rows.length === 0) return;
    const padded = added.rows.map((r) => ({ id: r.id, w: `^^${r.word}$` }));
    await sql`INSERT INTO search_trigrams (rowid, word) SELECT json_extract(value, '$.id'), json_extract(value, '$.w')
      FROM json_each(${JSON.stringify(padded)})`.execute(db);
  },
};
