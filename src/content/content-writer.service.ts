import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { canObjects, canUpsert } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { addFieldError, AppError, errors, type FieldErrors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import { actorOf } from '../events/content-event.js';
import type { LoadedType } from '../content-types/type-registry.js';
import { StaleWriteError, type NewObject, type Storage, type StoredObject } from '../storage/port.js';
import type { ContentService } from './content.service.js';
import { objectJson, objectStubJson } from './object-json.js';
import { objectTitle } from './object-title.js';
import { collectRefs, parseDataUrl } from './relations.js';
import { applySlugs } from './slugify.js';

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

const ID_PATTERN = /^[a-zA-Z0-9-_.,:=!?#$%&(`'{}" ]*$/;

export interface BatchReport {
  batch_total_count: number;
  batch_success_count: number;
  batch_error_count: number;
  errors: { id?: string; data: unknown; errors: FieldErrors }[];
}

type Mode = 'create' | 'put' | 'patch';

/** A write about to be prepared, as a sync webhook sees it. */
export interface PendingWrite {
  action: 'create' | 'update' | 'delete';
  type: string;
  id: string | undefined;
  body: unknown;
}

/**
 * Runs before a write is prepared (outside any transaction): answers the body to write, possibly changed (which is
 * then validated like any body), or throws the 400 that refuses the write. Sync webhooks are one.
 */
export type BeforeWrite = (p: Principal, w: PendingWrite) => Promise<unknown>;

/** More checks of one type's objects after schema validation (e.g. `_webhooks`: its URL and who may save it). */
export type ObjectCheck = (p: Principal, data: Record<string, unknown>) => Promise<FieldErrors>;

/** A validated write, ready for storage. */
interface Prepared {
  obj: NewObject;
  existing: StoredObject | undefined;
  /** Set when the write would store exactly what is stored: nothing is written and no version is added. */
  unchanged?: StoredObject;
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
    for (const hook of this.beforeHooks) body = await hook(p, { ...w, body });
    return body;
  }

  async create(p: Principal, type: string, body: unknown): Promise<string> {
    const t = await this.reader.typeFor(p, 'create', type);
    const input = await this.before(p, { action: 'create', type, id: undefined, body });
    const row = await this.writeOne(p, t, input, 'create', undefined);
    return this.answer(p, type, row);
  }

  async replace(p: Principal, type: string, id: string, body: unknown): Promise<string> {
    const t = await this.reader.typeFor(p, 'update', type);
    const input = await this.before(p, { action: 'update', type, id, body });
    const row = await this.writeOne(p, t, input, 'put', id);
    return this.answer(p, type, row);
  }

  async patch(p: Principal, type: string, id: string, body: unknown): Promise<string> {
    const t = await this.reader.typeFor(p, 'update', type);
    const input = await this.before(p, { action: 'update', type, id, body });
    const row = await this.writeOne(p, t, input, 'patch', id);
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

  private async writeOne(
    p: Principal,
    t: LoadedType,
    body: unknown,
    mode: Mode,
    pathId: string | undefined,
  ): Promise<StoredObject> {
    return this.retryStale(async () => {
      const prepared = await this.prepare(p, t, body, mode, pathId, new Set());
      if ('errors' in prepared) throw errors.validation(prepared.errors);
      return prepared.unchanged ?? this.store(prepared);
    });
  }

  /**
   * Reads, validates and writes again when another request changed the object in between (an update is checked
   * against the version it was prepared from), so a PATCH never silently drops a concurrent PATCH.
   */
  private async retryStale<T>(attempt: (retry: boolean) => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt(i > 0);
      } catch (e) {
        if (!(e instanceof StaleWriteError)) throw e;
        // every round lets at least one writer through; a little jitter keeps the others from colliding again
        if (i >= 15) throw errors.conflict('The object is being changed by other requests; try again');
        await new Promise((r) => setTimeout(r, Math.random() * 2 * (i + 1)));
      }
    }
  }

  /** Writes the object and its event in one transaction: the event exists if and only if the write commits. */
  private async store(prepared: Prepared): Promise<StoredObject> {
    const { obj, existing } = prepared;
    try {
      return await this.storage.transaction(async (tx) => {
        let row: StoredObject;
        if (existing) row = await tx.updateObject({ ...obj, createdMs: existing.createdMs, version: existing.version + 1 });
        else {
          await tx.purgeDeletedObject(obj.type, obj.id);
          row = await tx.insertObject(obj);
        }
        const event = { kind: 'object', contentType: row.type, objectId: row.id, version: row.version } as const;
        await tx.recordEvent({ ...event, action: existing ? 'update' : 'create' }, obj.actor, obj.updatedMs);
        return row;
      });
    } catch (e) {
      // a concurrent create of the same id lost the race on the unique index
      if (/unique|duplicate/i.test(String((e as Error).message))) throw errors.validation({ id: ['This value is already used'] });
      throw e;
    }
  }

  /** Validates one object for create/put/patch; returns the row to store or the field errors. */
  private async prepare(
    p: Principal,
    t: LoadedType,
    body: unknown,
    mode: Mode,
    pathId: string | undefined,
    batchIds: Set<string>,
  ): Promise<Prepared | { errors: FieldErrors }> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw errors.badRequest('The request body must be a JSON object');
    }
    const type = t.ct.name;
    const { id: bodyId, internal: _ignored, ...fields } = body as Record<string, unknown>;
    const errs: FieldErrors = {};
    let id: string;
    let existing: StoredObject | undefined;
    if (mode === 'create') {
      if (
        bodyId !== undefined &&
        (typeof bodyId !== 'string' || bodyId === '' || !ID_PATTERN.test(bodyId) || bodyId.length > 255)
      ) {
        return { errors: { id: ['This value is not valid.'] } };
      }
      id = (bodyId as string | undefined) ?? `${type}-${randomUUID()}`;
      if (batchIds.has(id.toLowerCase())) return { errors: { id: ['There are duplications in object data, key: id'] } };
      batchIds.add(id.toLowerCase());
      if (await this.storage.getObject(type, id, 'preview')) addFieldError(errs, 'id', 'This value is already used');
    } else {
      id = pathId!;
      existing = await this.storage.getObject(type, id, 'preview');
      if (!existing) throw errors.notFound();
      if (bodyId !== undefined && (typeof bodyId !== 'string' || bodyId.toLowerCase() !== id.toLowerCase())) {
        return { errors: { id: ['The id in the body must match the id in the path'] } };
      }
      id = existing.id;
    }
    let data: Record<string, unknown> =
      mode === 'patch' ? { ...(JSON.parse(existing!.data) as Record<string, unknown>), ...fields } : { ...fields };
    if (mode === 'create') data = applySlugs(t.ct, data);
    for (const [k, v] of Object.entries(t.validate(data))) for (const m of v) addFieldError(errs, k, m);
    for (const check of this.checks.get(type) ?? []) {
      for (const [k, v] of Object.entries(await check(p, data))) for (const m of v) addFieldError(errs, k, m);
    }
    const json = JSON.stringify(data);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.maxObjectBytes) {
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2).replace(/\.00$/, '')} MB`;
      throw errors.payloadTooLarge(
        `Content Object size limit exceeded by an object with ID: ${id}. Requested size ${mb(bytes)}, limit: ${mb(this.maxObjectBytes)})`,
      );
    }
    await this.checkUnique(t, data, existing ? id : undefined, errs);
    // PATCH carries over the fields it does not send: their relations were stored before and are not this key's doing
    const sent = mode === 'patch' ? new Set(Object.keys(fields)) : undefined;
    const refs = Object.keys(errs).length === 0 ? await this.checkRelations(p, t, data, sent, errs) : [];
    if (Object.keys(errs).length > 0) return { errors: errs };
    const now = this.clock.now();
    return {
      existing,
      unchanged: existing && isDeepStrictEqual(JSON.parse(existing.data), data) ? existing : undefined,
      obj: {
        type,
        id,
        data: json,
        title: objectTitle(t.ct, data),
        createdMs: now,
        updatedMs: now,
        refs,
        actor: actorOf(p),
        draftPublic: t.ct.draftPublic,
      },
    };
  }

  private async checkUnique(t: LoadedType, data: Record<string, unknown>, selfId: string | undefined, errs: FieldErrors) {
    for (const f of t.fields) {
      if (!f.unique || data[f.name] === undefined || data[f.name] === null || data[f.name] === '') continue;
      if (await this.storage.findByFieldValue(t.ct.name, f.name, data[f.name], selfId))
        addFieldError(errs, f.name, 'This value is already used');
    }
  }

  /**
   * Every relation target must exist (and be of the declared type, checked by the validator). A relation is a read:
   * to a type the key cannot read it is refused with the same answer whether or not the target exists, so a write
   * cannot probe what the key may not see. Relations in fields a PATCH did not send (`sent`) are kept as stored.
   */
  private async checkRelations(
    p: Principal,
    t: LoadedType,
    data: Record<string, unknown>,
    sent: ReadonlySet<string> | undefined,
    errs: FieldErrors,
  ) {
    const all = collectRefs(t, data);
    const refs = all.filter((r) => {
      if (canObjects(p, 'read', r.type)) return true;
      if (sent && !sent.has(r.path.split('.')[0])) return false;
      const message = `No read access to the related content type ${r.type}`;
      if (!errs[r.path]?.includes(message)) addFieldError(errs, r.path, message);
      return false;
    });
    const byType = new Map<string, Set<string>>();
    for (const r of refs) {
      if (!byType.has(r.type)) byType.set(r.type, new Set());
      byType.get(r.type)!.add(r.id.toLowerCase());
    }
    const found = new Set<string>();
    for (const [type, ids] of byType) {
      for (const row of await this.storage.getObjects(type, [...ids], 'preview')) found.add(`${type}\0${row.id.toLowerCase()}`);
    }
    for (const r of refs) {
      if (!found.has(`${r.type}\0${r.id.toLowerCase()}`)) {
        const key = r.path;
        if (!errs[key]?.includes('This value does not exist in database'))
          addFieldError(errs, key, 'This value does not exist in database');
      }
    }
    return all.map((r) => ({ type: r.type, id: r.id }));
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

  /** POST batch: create (or, with updateExisting, upsert) each item; valid items are saved even if others fail. */
  async batchCreate(
    p: Principal,
    type: string,
    body: unknown,
    updateExisting: boolean,
  ): Promise<{ status: number; report: BatchReport }> {
    const t = await this.reader.typeFor(p, 'create', type);
    if (updateExisting && !canUpsert(p, type)) throw errors.forbidden();
    const items = this.batchItems(body);
    const seen = new Set<string>();
    const exists = async (item: unknown) => {
      const id = (item as { id?: unknown } | null)?.id;
      return updateExisting && typeof id === 'string' && (await this.storage.getObject(type, id, 'preview')) !== undefined;
    };
    const pending = async (item: unknown): Promise<PendingWrite> => ({
      action: (await exists(item)) ? 'update' : 'create',
      type,
      id: typeof (item as { id?: unknown } | null)?.id === 'string' ? (item as { id: string }).id : undefined,
      body: item,
    });
    return this.runBatch(p, t, items, pending, async (item, retry) => {
      const id = (item as { id?: unknown } | null)?.id;
      // a retried item (a concurrent write won) is prepared afresh: it is not its own duplicate
      if (retry && typeof id === 'string') seen.delete(id.toLowerCase());
      if (
        updateExisting &&
        typeof id === 'string' &&
        !seen.has(id.toLowerCase()) &&
        (await this.storage.getObject(type, id, 'preview'))
      ) {
        seen.add(id.toLowerCase());
        return this.prepare(p, t, item, 'put', id, seen);
      }
      return this.prepare(p, t, item, 'create', undefined, seen);
    });
  }

  /** PATCH batch: every item needs an existing id (PATCH never creates). */
  async batchPatch(p: Principal, type: string, body: unknown): Promise<{ status: number; report: BatchReport }> {
    const t = await this.reader.typeFor(p, 'update', type);
    const items = this.batchItems(body);
    for (const item of items) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !(await this.storage.getObject(type, id, 'preview'))) throw errors.notFound();
    }
    const pending = async (item: unknown): Promise<PendingWrite> => ({
      action: 'update',
      type,
      id: (item as { id: string }).id,
      body: item,
    });
    return this.runBatch(p, t, items, pending, (item) =>
      this.prepare(p, t, item, 'patch', (item as { id: string }).id, new Set()),
    );
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
    pending: (item: unknown) => Promise<PendingWrite>,
    prep: (item: unknown, retry: boolean) => Promise<Prepared | { errors: FieldErrors }>,
  ) {
    const report: BatchReport = { batch_total_count: items.length, batch_success_count: 0, batch_error_count: 0, errors: [] };
    for (const item of items) {
      let result: Prepared | { errors: FieldErrors };
      try {
        // hooks see each item once, before its first attempt (a retry after a concurrent write re-prepares only)
        const input = this.beforeHooks.length > 0 ? await this.before(p, await pending(item)) : item;
        result = await this.retryStale(async (retry) => {
          const r = await prep(input, retry);
          if (!('errors' in r) && !r.unchanged) await this.store(r);
          return r;
        });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        result = {
          errors:
            e.status === 400 && e.body && typeof e.body === 'object' && !('code' in e.body)
              ? (e.body as FieldErrors)
              : { _: [String(e.message)] },
        };
      }
      if ('errors' in result) {
        report.batch_error_count++;
        const id = (item as { id?: unknown } | null)?.id;
        report.errors.push({ ...(typeof id === 'string' ? { id } : {}), data: item, errors: result.errors });
      } else report.batch_success_count++;
    }
    return { status: report.batch_error_count > 0 ? 400 : 200, report };
  }
}
