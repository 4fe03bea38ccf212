import { sql } from 'kysely';
import { foldText } from '../../core/search-words.js';
import { ENTRIES_PER_STATEMENT, slices, vocabularyOf, type SearchWriter } from '../sql/search-writer.js';

const CFG = sql.raw(`'english'::regconfig`);

/**
 * PostgreSQL (see postgres.search.ts): one statement per slice of entries. Each non-empty slot is tokenized once;
 * a document's vector is its slots' vectors in slot order, and field rows of slots now empty go. The words join the
 * vocabulary in the first slice's statement, sorted, all of them (concurrent writers take the unique index locks in
 * one order and cannot deadlock), so a batch of up to ENTRIES_PER_STATEMENT objects is indexed in one round trip.
 * Keys travel space-separated (tokens are hex with a letter prefix): arrays of arrays must be rectangular.
 */
export const postgresSearchWriter: SearchWriter = {
  async writeMany(db, entries) {
    // all the words in one sorted statement (the first slice's), so that two transactions never take the same locks
    // in different orders
    let vocabulary = vocabularyOf(entries).sort();
    for (const part of slices(entries, ENTRIES_PER_STATEMENT)) {
      const seqs: number[] = [];
      const slots: number[] = [];
      const texts: string[] = [];
      for (const e of part) {
        e.doc.slots.forEach((t, i) => {
          if (t === '') return;
          seqs.push(e.seq);
          slots.push(i);
          texts.push(foldText(t));
        });
      }
      await sql`WITH w AS (
          INSERT INTO search_words (word) SELECT unnest(CAST(${vocabulary} AS text[])) ON CONFLICT DO NOTHING
        ), docs AS (
          SELECT d.seq, d.type, string_to_array(d.keys, ' ') AS keys
          FROM unnest(CAST(${part.map((e) => e.seq)} AS bigint[]), CAST(${part.map((e) => e.type)} AS text[]),
            CAST(${part.map((e) => e.doc.keys.join(' '))} AS text[])) AS d(seq, type, keys)
        ), f AS (
          SELECT s.seq, s.slot, to_tsvector(${CFG}, s.txt) AS tsv
          FROM unnest(CAST(${seqs} AS bigint[]), CAST(${slots} AS int[]), CAST(${texts} AS text[])) AS s(seq, slot, txt)
        ), d AS (
          INSERT INTO search_docs (seq, type, keys, tsv)
          SELECT docs.seq, docs.type, docs.keys,
            coalesce((SELECT search_tsvector_agg(f.tsv ORDER BY f.slot) FROM f WHERE f.seq = docs.seq), ''::tsvector)
          FROM docs
          ON CONFLICT (seq) DO UPDATE SET type = EXCLUDED.type, keys = EXCLUDED.keys, tsv = EXCLUDED.tsv
        )
        INSERT INTO search_fields (seq, slot, type, keys, tsv)
        SELECT f.seq, f.slot, docs.type, docs.keys, f.tsv FROM f JOIN docs ON docs.seq = f.seq
        ON CONFLICT (seq, slot) DO UPDATE SET type = EXCLUDED.type, keys = EXCLUDED.keys, tsv = EXCLUDED.tsv`.execute(db);
      vocabulary = [];
    }
    // field rows of slots now empty go: only rows indexed before may have some. One statement each, on the primary
    // key: without statistics (autovacuum off) the planner walks the whole table for a list of rows
    for (const e of entries) {
      if (e.fresh) continue;
      const slots = e.doc.slots.flatMap((t, i) => (t === '' ? [] : [i]));
      await sql`DELETE FROM search_fields WHERE seq = ${e.seq} AND slot <> ALL(CAST(${slots} AS int[]))`.execute(db);
    }
  },
};
