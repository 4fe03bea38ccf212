import pLimit from 'p-limit';
import { canObjects } from '../access/policy.js';
import type { Principal } from '../core/principal.js';
import type { StoredObject } from '../storage/port.js';
import { internalJson, objectJson } from './object-json.js';
import { DEFAULT_READ_LIMITS, ReadBudget, Slicer, type ReadLimits } from './read-budget.js';
import type { RelatedRows } from './related-rows.js';
import { parseDataUrl } from './relations.js';

type Json = unknown;

/** One object at one depth of the answer; it is built once however many times it appears there. */
interface Node {
  row: StoredObject;
  /** How many times it appears in the answer (the sum over the places that relate to it). */
  occurrences: number;
  /** Parsed data with its inlinable relations replaced by `Inline` markers (only above the deepest level). */
  data?: Record<string, Json>;
  text?: string;
}

/** Marks a relation that is replaced by its target's JSON text. */
class Inline {
  constructor(readonly node: Node) {}
}

type Slot = { holder: Json[]; index: number; type: string; id: string };

/** Hydrating reads one node runs at once (see Hydrator.heavy). */
const HEAVY_READS_AT_ONCE = 2;

/**
 * Replaces relations by their target objects, level by level, loading each level with one query per type (per
 * CHUNK ids). A target the principal may not read, or that does not exist, stays exactly as stored.
 *
 * Every read is bounded by a ReadBudget: the related objects a level would inline are counted before it is loaded,
 * and the bytes of the answer are estimated before anything is serialised. Each distinct object is parsed and
 * serialised once per depth and its text reused wherever it appears; long loops yield to other requests.
 */
export class Hydrator {
  /**
   * Hydrating reads running at once on this node; the others wait their turn (first come, first served). Several
   * heavy reads sharing the event loop all finish late and starve light requests; in turns, they finish as soon
   * and a one-row request waits behind two of them at most.
   */
  private readonly heavy = pLimit(HEAVY_READS_AT_ONCE);

  constructor(
    /** The relation loader shared with GraphQL. */
    readonly related: RelatedRows,
    readonly limits: ReadLimits = DEFAULT_READ_LIMITS,
  ) {}

  /** Storage reads of relation targets so far (shared with GraphQL's), so a test can prove batching. */
  get queries(): number {
    return this.related.queries;
  }

  /**
   * The JSON text of each row, hydrated to `depth`. `extraBytes` is what the caller adds around them (search sends
   * each hit twice), so that the byte budget covers the whole answer.
   */
  async hydrateRows(p: Principal, rows: StoredObject[], depth: number, extraBytes = 0): Promise<string[]> {
    const budget = new ReadBudget(this.limits, rows.length);
    budget.addBytes(extraBytes + rows.reduce((n, r) => n + objectBytes(r), 0));
    if (depth === 0) return rows.map((r) => objectJson(r));
    if (this.heavy.activeCount >= HEAVY_READS_AT_ONCE) this.waited++;
    return this.heavy(() => {
      this.mostAtOnce = Math.max(this.mostAtOnce, this.heavy.activeCount);
      return this.hydrate(p, rows, depth, budget);
    });
  }

  /** Hydrating reads that had to wait for a turn, and the most that ever ran at once (for tests and diagnostics). */
  private waited = 0;
  private mostAtOnce = 0;

  /** Active hydrating reads and those waiting for a turn now, and the counts above (for tests and diagnostics). */
  get turns(): { active: number; waiting: number; waited: number; mostAtOnce: number } {
    return { active: this.heavy.activeCount, waiting: this.heavy.pendingCount, waited: this.waited, mostAtOnce: this.mostAtOnce };
  }

  private async hydrate(p: Principal, rows: StoredObject[], depth: number, budget: ReadBudget): Promise<string[]> {
    const slicer = new Slicer();

    const readable = new Map<string, boolean>();
    const canRead = (type: string) => {
      let ok = readable.get(type);
      if (ok === undefined) readable.set(type, (ok = canObjects(p, 'read', type)));
      return ok;
    };
    const loaded = new Map<string, StoredObject>();
    const levels: Node[][] = [rows.map((row) => ({ row, occurrences: 1 }))];
    for (let d = 1; d <= depth; d++) {
      const parents = levels[d - 1];
      const slotsOf: Slot[][] = [];
      let inlined = 0;
      for (const parent of parents) {
        parent.data = JSON.parse(parent.row.data) as Record<string, Json>;
        const slots: Slot[] = [];
        collect(parent.data, slots);
        const kept = slots.filter((s) => canRead(s.type));
        slotsOf.push(kept);
        inlined += kept.length * parent.occurrences;
        await slicer.due();
      }
      // counted before anything of this level is loaded (a dangling relation counts: it is known only after)
      budget.addObjects(inlined);
      // each level lets other requests run first, however fast it was: a burst of hydrating reads takes turns
      // (two at a time) instead of running back to back inside one turn of the event loop on SQLite
      await slicer.turn();
      await this.load(p, slotsOf.flat(), loaded, slicer);
      const level = new Map<string, Node>();
      let bytes = 0;
      parents.forEach((parent, i) => {
        for (const s of slotsOf[i]) {
          const key = refKey(s.type, s.id);
          const row = loaded.get(key);
          if (!row) continue;
          let node = level.get(key);
          if (!node) level.set(key, (node = { row, occurrences: 0 }));
          node.occurrences += parent.occurrences;
          bytes += parent.occurrences * objectBytes(row);
          s.holder[s.index] = new Inline(node);
        }
      });
      budget.addBytes(bytes);
      levels.push([...level.values()]);
    }
    // deepest first: every node's relations are texts by the time it is written
    for (let d = depth; d >= 0; d--) {
      for (const node of levels[d]) {
        node.text = node.data ? objectJson(node.row, write(node.data)) : objectJson(node.row);
        node.data = undefined;
        await slicer.due();
      }
    }
    return levels[0].map((n) => n.text as string);
  }

  /**
   * Loads every target not loaded yet through the shared relation loader (one query per type per chunk of ids, in
   * the view the caller reads that type in: a draft is never inlined into a public read; its reference stays).
   */
  private async load(p: Principal, slots: Slot[], loaded: Map<string, StoredObject>, slicer: Slicer): Promise<void> {
    const byType = new Map<string, Set<string>>();
    for (const s of slots) {
      const id = s.id.toLowerCase();
      if (loaded.has(refKey(s.type, id))) continue;
      let ids = byType.get(s.type);
      if (!ids) byType.set(s.type, (ids = new Set()));
      ids.add(id);
    }
    for (const [type, set] of byType) {
      const rows = await this.related.load(p, type, [...set], { between: () => slicer.due() });
      for (const row of rows) loaded.set(refKey(type, row.id), row);
    }
  }
}

const refKey = (type: string, id: string) => `${type}\0${id.toLowerCase()}`;

/**
 * Bytes of `objectJson(row)`: the stored text plus the id and internal block. Exact for ASCII ids and titles; the
 * data is measured in UTF-8.
 */
function objectBytes(row: StoredObject): number {
  return Buffer.byteLength(row.data) + internalJson(row).length + row.id.length + 20;
}

function isDataSource(v: Json): v is { dataUrl: string; type: string } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 2 && typeof (v as { dataUrl?: unknown }).dataUrl === 'string' && 'type' in v;
}

/** Finds relation slots anywhere in an object's stored data (which never holds `id` or `internal`). */
function collect(v: Json, out: Slot[]): void {
  if (Array.isArray(v)) {
    v.forEach((item, index) => {
      if (isDataSource(item)) {
        const ref = parseDataUrl(item.dataUrl);
        if (ref) out.push({ holder: v, index, ...ref });
      } else collect(item, out);
    });
    return;
  }
  if (!v || typeof v !== 'object') return;
  for (const child of Object.values(v)) collect(child, out);
}

/** JSON.stringify, except that an Inline marker is written as its node's text. */
function write(v: Json): string {
  if (v instanceof Inline) return v.node.text as string;
  if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
  if (v && typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) parts.push(`${JSON.stringify(k)}:${write(x)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}
