import { sql, type Kysely } from 'kysely';
import type { KeyUsageRow } from '../port.js';
import type { Database } from './schema.js';

/** Rows a statement carries at most (5 parameters each: far below both engines' limits). */
const CHUNK = 500;

/** Adds each row's count to the stored count of its (key, day, type, action). Run inside a transaction. */
export async function addKeyUsage(db: Kysely<Database>, rows: KeyUsageRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('key_usage')
      .values(
        rows
          .slice(i, i + CHUNK)
          .map((r) => ({ key_id: r.keyId, day: r.day, ctd_name: r.ctdName, action: r.action, count: r.count })),
      )
      .onConflict((oc) =>
        oc.columns(['key_id', 'day', 'ctd_name', 'action']).doUpdateSet({ count: sql<number>`key_usage.count + excluded.count` }),
      )
      .execute();
  }
}

export async function keyUsage(db: Kysely<Database>, keyId: string, fromDay: string): Promise<KeyUsageRow[]> {
  const rows = await db
    .selectFrom('key_usage')
    .selectAll()
    .where('key_id', '=', keyId)
    .where('day', '>=', fromDay)
    .orderBy('day')
    .orderBy('ctd_name')
    .orderBy('action')
    .execute();
  return rows.map((r) => ({ keyId: r.key_id, day: r.day, ctdName: r.ctd_name, action: r.action, count: Number(r.count) }));
}

export async function pruneKeyUsage(db: Kysely<Database>, beforeDay: string): Promise<void> {
  await db.deleteFrom('key_usage').where('day', '<', beforeDay).execute();
}
