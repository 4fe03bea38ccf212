import { createHash } from 'node:crypto';
import type { App } from '../../src/app.js';

/**
 * A digest of everything a request could change: every type definition, every object (live and deleted, with its
 * version and data), every key row (value, name, rules — not `lastUsedAt`, which reads are meant to touch) and the
 * audit trail. Equal digests before and after a batch of requests prove the requests changed no data.
 */
export async function dataFingerprint(app: App): Promise<string> {
  const s = app.storage;
  const hash = createHash('sha256');
  for (const t of (await s.listTypes()).sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(`type ${t.name} ${t.version} ${t.definition}\n`);
    const rows = await s.listObjects({
      type: t.name,
      view: 'preview',
      where: [],
      order: { kind: 'column', column: 'id' },
      direction: 'asc',
      emptyFirst: false,
      limit: 1_000_000,
      offset: 0,
    });
    for (const r of rows) hash.update(`obj ${r.id} ${r.version} ${r.updatedMs} ${r.title} ${r.data}\n`);
    hash.update(`removed ${(await s.listRemoved(t.name, 0, 'public')).sort().join(',')}\n`);
  }
  for (const k of (await s.listKeys()).sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(`key ${k.id} ${k.kind} ${k.name} ${k.hmac} ${k.rules} ${k.requestLimit} ${k.updatedMs}\n`);
  }
  for (const e of await s.panel.listAudit(1_000_000)) hash.update(`audit ${e.seq} ${e.action} ${e.keyId} ${e.detail}\n`);
  return hash.digest('hex');
}
