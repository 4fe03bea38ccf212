import { randomBytes } from 'node:crypto';
import { canObjects, canUpsert } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { AppError, errors, type FieldErrors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import { actorOf } from '../core/content-event.js';
import type { LoadedType } from '../content-types/type-registry.js';
import { StaleWriteError, type EventRecord, type Storage, type StoredObject } from '../storage/port.js';
import type { ContentService } from './content.service.js';
import { objectJson, objectStubJson } from './object-json.js';
import { collectRefs, parseDataUrl } from './relations.js';
import { WritePlan, type ObjectCheck, type Planned, type WriteRequest } from './write-plan.js';

export type { ObjectCheck } from './write-plan.js';

/** Types whose objects a duplicate always shares with its original (Flotiq: media and tags are never duplicated). */
const NEVER_DUPLICATED = new Set(['_media', '_tag']);
/** Free-text inputs: a suffix keeps them valid (a select, e-mail or number would not be). */
const SUFFIXED_INPUTS = new Set<string>(['text', 'textarea', 'textMarkdown', 'richtext']);

/** `{"relatedObjectsToDuplicate":["id", …]}` (optional); anything else is a 400. */
function relatedToDuplicate(body: unknown): Set<string> {
  if (body === undefined || body === null) return new Set();
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('The request body must be a JSON object');
  const list = Object.hasOwn(body, 'relatedObjectsToDuplicate')
    ? (body as Record<string, unknown>).relatedObjectsToDuplicate
    : [];
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
    throw errors.badRequest('relatedObjectsToDuplicate must be an array of object ids');
  }
  return new Set((list as string[]).map((x) => x.toLowerCase()));
}

/** A deep copy of `value` with every relation whose target was duplicated pointing at the copy instead. */
function repointRefs(value: unknown, copies: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => repointRefs(v, copies));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = repointRefs(v, copies);
  const ref = parseDataUrl(out.dataUrl);
  const copy = ref && copies.get(`${ref.type}\0${ref.id.toLowerCase()}`);
  if (copy) out.dataUrl = copy;
  return out;
}

/** Attempts of a write that keeps losing to concurrent writes of the same objects (each round lets one through). */
const STALE_ATTEMPTS = 16;
const BUSY = 'The object is being changed by other requests; try again';

/** What became of one item of a batch: written (or nothing to write), or why not. */
type ItemResult = { row: StoredObject } | { errors: FieldErrors } | { error: AppError };

export interface BatchReport {
  batch_total_count: number;
  batch_success_count: number;
  batch_error_count: number;
  errors: { id?: string; data: unknown; errors: FieldErrors }[];
}

/** A write about to be prepared, as a sync webhook sees it. */
export interface PendingWrite {
  action: 'create' | 'update' | 'delete';
  type: string;
  id: string | undefined;
  body: unknown;
}

/**
 * Runs before a write is prepared (outside any transaction): `run` answers the body to write, possibly changed
 * (which is then validated like any body), or throws the 400 that refuses the write. Sync webhooks are one.
 */
export interface BeforeWrite {
  run(p: Principal, w: PendingWrite): Promise<unknown>;
  /**
   * Whether `run` may act on some write of this type: when no hook does, a batch skips telling them apart (the
   * lookup of which items replace stored objects) and asking them.
   */
  mayAct(type: string): Promise<boolean>;
}

/** Creating, replacing, patching and deleting content objects, single and batch. */
export class ContentWriter {
  private readonly beforeHooks: BeforeWrite[] = [];
  private readonly checks = new Map<string, ObjectCheck[]>();

  constructor(
    private readonly storage: Storage,
    private readonly reader: ContentService,
    private readonly clock: Clock,
    private readonly maxObjectBytes: number,
    private readonly batchLimit: number,
    /** Rich text sanitised on every write (on unless FLOTILLA_SANITIZE_RICHTEXT=0). */
    private readonly sanitizeRichtext = true,
  ) {}

  /** Adds a hook that runs before every write (wired in app.ts: sync webhooks). */
  useBeforeWrite(hook: BeforeWrite): void {
    this.beforeHooks.push(hook);
  }

  /** Adds a check for the objects of one type. */
  useCheck(type: string, check: ObjectCheck): void {
    this.checks.set(type, [...(this.checks.get(type) ?? []), check]);
  }

  private async before(p: Principal, w: PendingWrite): Promise<unknown> {
    let body = w.body;
    for (const hook of this.beforeHooks) body = await hook.run(p, { ...w, body });
    return body;
  }

  /** Whether some before-write hook may act on writes of this type. */
  private async hooked(type: string): Promise<boolean> {
    for (const hook of this.beforeHooks) if (await hook.mayAct(type)) return true;
    return false;
  }

  async create(p: Principal, type: string, body: unknown): Promise<string> {
    const t = await this.reader.typeFor(p, 'create', type);
    const input = await this.before(p, { action: 'create', type, id: undefined, body });
    const row = await this.writeOne(p, t, { body: input, mode: 'create' });
    return this.answer(p, type, row);
  }

  async replace(p: Principal, type: string, id: string, body: unknown): Promise<string> {
    const t = await this.reader.typeFor(p, 'update', type);
    const input = await this.before(p, { action: 'update', type, id, body });
    const row = await this.writeOne(p, t, { body: input, mode: 'put', pathId: id });
    return this.answer(p, type, row);
  }

  /**
   * "Restore this version": a new version of the object holding the fields of version `version` (read as the
   * principal reads the type), written as any full update (update permission, hooks, validation, events). Answers the
   * new version's number.
   */
  async restore(p: Principal, type: string, id: string, version: number): Promise<number> {
    const old = JSON.parse(await this.reader.version(p, type, id, version)) as Record<string, unknown>;
    const { internal: _internal, ...fields } = old;
    const written = JSON.parse(await this.replace(p, type, id, { ...fields, id })) as { internal: { latestVersion: number } };
    return written.internal.latestVersion;
  }

  async patch(p: Principal, type: string, id: string, body: unknown): Promise<string> {
    const t = await this.reader.typeFor(p, 'update', type);
    const input = await this.before(p, { action: 'update', type, id, body });
    const row = await this.writeOne(p, t, { body: input, mode: 'patch', pathId: id });
    return this.answer(p, type, row);
  }

  /**
   * `POST …/{id}/duplicate` (§8.7): a new object from the stored one, written as a create (same hooks, validation
   * and events; a Draft & Public type's copy is a draft). Unique and required text fields get a random suffix.
   * Relations stay references to the same objects, except the related ids named in `relatedObjectsToDuplicate`,
   * which are duplicated first (one level) — media and tags never are. Needs create and read on every type
   * involved: the copy reveals the original, so a create-only key learns nothing, not even whether it exists.
   */
  async duplicate(p: Principal, type: string, id: string, body: unknown): Promise<string> {
    const data = await this.duplicateData(p, type, id);
    const wanted = relatedToDuplicate(body);
    const t = await this.reader.typeFor(p, 'create', type);
    const copies = new Map<string, string>();
    for (const r of collectRefs(t, data)) {
      const key = `${r.type}\0${r.id.toLowerCase()}`;
      if (!wanted.has(r.id.toLowerCase()) || NEVER_DUPLICATED.has(r.type) || copies.has(key)) continue;
      const copy = JSON.parse(await this.create(p, r.type, await this.duplicateData(p, r.type, r.id))) as { id: string };
      copies.set(key, `/api/v1/content/${r.type}/${encodeURIComponent(copy.id)}`);
    }
    return this.create(p, type, copies.size > 0 ? (repointRefs(data, copies) as Record<string, unknown>) : data);
  }

  /** The data of a copy of one stored object: no id, suffixed unique/required text fields. */
  private async duplicateData(p: Principal, type: string, id: string): Promise<Record<string, unknown>> {
    const t = await this.reader.typeFor(p, 'create', type);
    if (!canObjects(p, 'read', type)) throw errors.forbidden();
    const source = await this.storage.getObject(type, id, 'preview');
    if (!source) throw errors.notFound();
    const data = JSON.parse(source.data) as Record<string, unknown>;
    const suffix = randomBytes(3).toString('hex');
    for (const f of t.fields) {
      const value = Object.hasOwn(data, f.name) ? data[f.name] : undefined;
      if ((f.unique || f.required) && SUFFIXED_INPUTS.has(f.inputType) && typeof value === 'string' && value !== '') {
        data[f.name] = `${value}-${suffix}`;
      }
    }
    return data;
  }

  /** A write never reveals stored fields to a key that cannot read them. */
  private answer(p: Principal, type: string, row: StoredObject): string {
    return canObjects(p, 'read', type) ? objectJson(row) : objectStubJson(row);
  }

  /** A single write: a batch of one whose refusal is the answer. */
  private async writeOne(p: Principal, t: LoadedType, request: WriteRequest): Promise<StoredObject> {
    const [result] = await this.writeItems(p, t, [request]);
    if ('error' in result) throw result.error;
    if ('errors' in result) throw errors.validation(result.errors);
    return result.row;
  }

  /**
   * Plans the writes (validation and every lookup, outside any transaction) and makes them in one transaction with
   * their events: all of them or none. When a concurrent write changed an object in between (an update is checked
   * against the version it was planned from, so a PATCH never silently drops a concurrent PATCH), the whole batch is
   * planned and written again; objects that keep losing are at last refused alone (409, or an item error).
   */
  private async writeItems(p: Principal, t: LoadedType, requests: readonly WriteRequest[]): Promise<ItemResult[]> {
    const busy = new Set<string>();
    for (let i = 0; ; i++) {
      const now = this.clock.now();
      const active = requests.filter((r) => !busy.has(requestKey(r)));
      const planner = new WritePlan(
        {
          storage: this.storage,
          checks: this.checks,
          maxObjectBytes: this.maxObjectBytes,
          now,
          sanitizeRichtext: this.sanitizeRichtext,
        },
        p,
        t,
      );
      try {
        const done = await this.commit(p, await planner.plan(active), now);
        return requests.map((r) => (busy.has(requestKey(r)) ? { error: errors.conflict(BUSY) } : done.shift()!));
      } catch (e) {
        if (!(e instanceof StaleWriteError)) throw e;
        if (i >= STALE_ATTEMPTS - 1) {
          const named = new Set(e.ids.map((id) => id.toLowerCase()));
          const stale = active.filter((r) => named.has(requestKey(r)));
          // nothing to set aside (or nothing else left): the request as a whole is the one that lost
          if (stale.length === 0 || stale.length === active.length || i >= STALE_ATTEMPTS + 3) throw errors.conflict(BUSY);
          for (const r of stale) busy.add(requestKey(r));
        }
        // every round lets at least one writer through; a little jitter keeps the others from colliding again
        await new Promise((r) => setTimeout(r, Math.random() * 2 * (i + 1)));
      }
    }
  }

  /** Writes what the plan says, with one event per object written, in one transaction. */
  private async commit(p: Principal, plan: Planned[], now: number): Promise<ItemResult[]> {
    const writes = plan.flatMap((x) => (x.kind === 'write' ? [x.write] : []));
    const rows =
      writes.length === 0
        ? []
        : await this.storage.transaction(async (tx) => {
            const written = await tx.writeObjects(writes);
            const events: EventRecord[] = [];
            written.forEach((row, i) => {
              if (!row) return;
              const action = writes[i].kind === 'create' ? 'create' : 'update';
              events.push({
                event: { kind: 'object', action, contentType: row.type, objectId: row.id, version: row.version },
                actor: actorOf(p),
                atMs: now,
                object: row,
              });
            });
            await tx.recordEvents(events);
            return written;
          });
    let w = 0;
    return plan.map((x): ItemResult => {
      if (x.kind === 'unchanged') return { row: x.row };
      if (x.kind === 'errors') return { errors: x.errors };
      if (x.kind === 'error') return { error: x.error };
      const row = rows[w++];
      // a concurrent create of the same id won the race on the unique key
      return row ? { row } : { errors: { id: ['This value is already used'] } };
    });
  }

  async delete(p: Principal, type: string, id: string): Promise<void> {
    await this.reader.typeFor(p, 'delete', type);
    await this.before(p, { action: 'delete', type, id, body: { id } });
    const problem = await this.deleteOne(p, type, id);
    if (problem === 'missing') throw errors.notFound();
    if (problem === 'referenced') throw errors.errorList(['This content object is used in another content object.']);
  }

  private async deleteOne(p: Principal, type: string, id: string): Promise<'missing' | 'referenced' | undefined> {
    return this.storage.transaction(async (tx) => {
      const row = await tx.getObject(type, id, 'preview');
      if (!row) return 'missing';
      if (await tx.isReferenced(type, row.id)) return 'referenced';
      const now = this.clock.now();
      await tx.softDeleteObject(type, row.id, now);
      await tx.recordEvent(
        { kind: 'object', action: 'delete', contentType: type, objectId: row.id, version: null },
        actorOf(p),
        now,
      );
      return undefined;
    });
  }

  async batchDelete(p: Principal, type: string, body: unknown): Promise<{ deletedCount: number }> {
    await this.reader.typeFor(p, 'delete', type);
    if (!Array.isArray(body) || body.some((x) => typeof x !== 'string')) {
      throw errors.badRequest('The request body must be a JSON array of object ids');
    }
    this.assertBatchSize(body.length);
    const problems: string[] = [];
    let deleted = 0;
    for (const id of body as string[]) {
      try {
        await this.before(p, { action: 'delete', type, id, body: { id } });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        problems.push(`Content object: "${id}": ${JSON.stringify(e.body)}`);
        continue;
      }
      const problem = await this.deleteOne(p, type, id);
      if (problem === 'missing') problems.push(`Content object: "${id}" doesn't exist`);
      else if (problem === 'referenced') problems.push(`Content object: "${id}" is used in another content object.`);
      else deleted++;
    }
    if (problems.length > 0) throw new AppError(400, { errors: problems, deletedCount: deleted });
    return { deletedCount: deleted };
  }

  /**
   * POST batch: create (or, with updateExisting, upsert) each item; valid items are saved even if others fail, all
   * in one transaction (docs/decisions/0015-batch-writes.md).
   */
  async batchCreate(
    p: Principal,
    type: string,
    body: unknown,
    updateExisting: boolean,
  ): Promise<{ status: number; report: BatchReport }> {
    const t = await this.reader.typeFor(p, 'create', type);
    if (updateExisting && !canUpsert(p, type)) throw errors.forbidden();
    const items = this.batchItems(body);
    const idOf = (item: unknown) => (item as { id?: unknown } | null)?.id;
    const pending = async (): Promise<PendingWrite[]> => {
      // what a hook is told: an update when the item will replace a stored object
      const ids = items.map(idOf).filter((id): id is string => typeof id === 'string');
      const stored = new Set(
        updateExisting ? (await this.storage.getObjects(type, ids, 'preview')).map((r) => r.id.toLowerCase()) : [],
      );
      return items.map((item) => {
        const id = idOf(item);
        return {
          action: typeof id === 'string' && stored.has(id.toLowerCase()) ? 'update' : 'create',
          type,
          id: typeof id === 'string' ? id : undefined,
          body: item,
        };
      });
    };
    return this.runBatch(p, t, items, pending, (input) => ({ body: input, mode: updateExisting ? 'upsert' : 'create' }));
  }

  /** PATCH batch: every item needs an existing id (PATCH never creates); one missing id is a 404 and nothing changes. */
  async batchPatch(p: Principal, type: string, body: unknown): Promise<{ status: number; report: BatchReport }> {
    const t = await this.reader.typeFor(p, 'update', type);
    const items = this.batchItems(body);
    const ids = items.map((item) => (item as { id?: unknown } | null)?.id);
    if (ids.some((id) => typeof id !== 'string')) throw errors.notFound();
    const stored = new Set((await this.storage.getObjects(type, ids as string[], 'preview')).map((r) => r.id.toLowerCase()));
    if ((ids as string[]).some((id) => !stored.has(id.toLowerCase()))) throw errors.notFound();
    const pending = async (): Promise<PendingWrite[]> =>
      items.map((item, i) => ({ action: 'update', type, id: ids[i] as string, body: item }));
    return this.runBatch(p, t, items, pending, (input, i) => ({ body: input, mode: 'patch', pathId: ids[i] as string }));
  }

  private batchItems(body: unknown): unknown[] {
    if (!Array.isArray(body)) throw errors.badRequest('The request body must be a JSON array of objects');
    this.assertBatchSize(body.length);
    return body;
  }

  private assertBatchSize(n: number): void {
    if (n > this.batchLimit) {
      throw new AppError(400, {
        code: 400,
        message: `Batch limit exceeded: at most ${this.batchLimit} items per request`,
        batch_limit: this.batchLimit,
      });
    }
  }

  private async runBatch(
    p: Principal,
    t: LoadedType,
    items: unknown[],
    pending: () => Promise<PendingWrite[]>,
    request: (input: unknown, i: number) => WriteRequest,
  ) {
    // hooks see each item once, before anything is planned and outside any transaction (a retry after a concurrent
    // write plans again, without asking them again); a refusal is that item's error
    const results: (ItemResult | undefined)[] = items.map(() => undefined);
    const requests: { i: number; request: WriteRequest }[] = [];
    const writes = (await this.hooked(t.ct.name)) ? await pending() : undefined;
    for (const [i, item] of items.entries()) {
      try {
        const input = writes ? await this.before(p, writes[i]) : item;
        requests.push({ i, request: request(input, i) });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        results[i] = { error: e };
      }
    }
    const written = await this.writeItems(
      p,
      t,
      requests.map((r) => r.request),
    );
    requests.forEach((r, n) => (results[r.i] = written[n]));
    const report: BatchReport = { batch_total_count: items.length, batch_success_count: 0, batch_error_count: 0, errors: [] };
    for (const [i, item] of items.entries()) {
      const result = results[i]!;
      if ('row' in result) {
        report.batch_success_count++;
        continue;
      }
      if ('error' in result && result.error.status >= 500) throw result.error;
      const e = 'error' in result ? result.error : undefined;
      const fieldErrors = e
        ? e.status === 400 && e.body && typeof e.body === 'object' && !('code' in e.body)
          ? (e.body as FieldErrors)
          : { _: [String(e.message)] }
        : (result as { errors: FieldErrors }).errors;
      report.batch_error_count++;
      const id = (item as { id?: unknown } | null)?.id;
      report.errors.push({ ...(typeof id === 'string' ? { id } : {}), data: item, errors: fieldErrors });
    }
    return { status: report.batch_error_count > 0 ? 400 : 200, report };
  }
}

/** Which object a request writes (its id key), for setting aside one that keeps losing to concurrent writes. */
function requestKey(r: WriteRequest): string {
  const id = r.mode === 'put' || r.mode === 'patch' ? r.pathId : (r.body as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.toLowerCase() : '';
}
