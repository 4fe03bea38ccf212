import { canObjects } from '../access/policy.js';
import type { Principal } from '../core/principal.js';
import type { Storage, StoredObject } from '../storage/port.js';
import { internalBlock, objectJson } from './object-json.js';
import { parseDataUrl } from './relations.js';

type Json = unknown;
type Slot = { holder: Json[]; index: number; type: string; id: string };

/**
 * Replaces relations by their target objects, level by level, loading each level with one query per type.
 * A target the principal may not read, or that does not exist, stays exactly as stored.
 */
export class Hydrator {
  /** Counts storage reads, so a test can prove batching (queries grow with types and depth, not page size). */
  queries = 0;

  constructor(private readonly storage: Storage) {}

  async hydrateRows(p: Principal, rows: StoredObject[], depth: number): Promise<string[]> {
    const docs = rows.map((r) => ({ id: r.id, internal: internalBlock(r), ...(JSON.parse(r.data) as Record<string, Json>) }));
    let level: Json[] = docs;
    for (let d = 0; d < depth && level.length > 0; d++) level = await this.expand(p, level);
    return docs.map((doc, i) => (depth > 0 ? JSON.stringify(doc) : objectJson(rows[i])));
  }

  /** Expands every relation found in `objects`; returns the newly inlined objects (the next level). */
  private async expand(p: Principal, objects: Json[]): Promise<Json[]> {
    const slots: Slot[] = [];
    for (const o of objects) collect(o, slots, true);
    const byType = new Map<string, Set<string>>();
    for (const s of slots) {
      if (!canObjects(p, 'read', s.type)) continue;
      let ids = byType.get(s.type);
      if (!ids) byType.set(s.type, (ids = new Set()));
      ids.add(s.id.toLowerCase());
    }
    const loaded = new Map<string, StoredObject>();
    for (const [type, ids] of byType) {
      this.queries++;
      for (const row of await this.storage.getObjects(type, [...ids])) loaded.set(`${type}\0${row.id.toLowerCase()}`, row);
    }
    const next: Json[] = [];
    for (const s of slots) {
      if (!canObjects(p, 'read', s.type)) continue;
      const row = loaded.get(`${s.type}\0${s.id.toLowerCase()}`);
      if (!row) continue;
      // each occurrence gets its own copy, so expanding one level deeper never aliases two places
      const doc = { id: row.id, internal: internalBlock(row), ...(JSON.parse(row.data) as Record<string, Json>) };
      s.holder[s.index] = doc;
      next.push(doc);
    }
    return next;
  }
}

function isDataSource(v: Json): v is { dataUrl: string; type: string } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 2 && typeof (v as { dataUrl?: unknown }).dataUrl === 'string' && 'type' in v;
}

/** Finds relation slots in an object's own fields (not inside already hydrated objects, which carry `internal`). */
function collect(v: Json, out: Slot[], root: boolean): void {
  if (Array.isArray(v)) {
    v.forEach((item, index) => {
      if (isDataSource(item)) {
        const ref = parseDataUrl(item.dataUrl);
        if (ref) out.push({ holder: v, index, ...ref });
      } else collect(item, out, false);
    });
    return;
  }
  if (!v || typeof v !== 'object') return;
  if (!root && 'internal' in v && 'id' in v) return;
  for (const [k, child] of Object.entries(v)) {
    if (root && k === 'internal') continue;
    collect(child, out, false);
  }
}
