import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { canObjects } from '../access/policy.js';
import { addFieldError, AppError, errors, type FieldErrors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import { actorOf } from '../core/content-event.js';
import type { LoadedType } from '../content-types/type-registry.js';
import type { ObjectWrite, Storage, StoredObject } from '../storage/port.js';
import { objectTitle } from './object-title.js';
import { collectRefs, type RelationRef } from './relations.js';
import { sanitizeRichtextFields } from './sanitize-richtext.js';
import { applySlugs } from './slugify.js';

/** Ids per lookup query: below SQLite's 32 766 bound parameters, with room to spare. */
const IDS_PER_QUERY = 10_000;
const ID_PATTERN = /^[a-zA-Z0-9-_.,:=!?#$%&(`'{}" ]*$/;

/**
 * One write asked for: `create`, `put` or `patch` (of `pathId`), or `upsert` (a batch with updateExisting: a `put`
 * of the body's id when that object exists and no earlier item of the batch wrote it, else a `create`).
 */
export interface WriteRequest {
  body: unknown;
  mode: 'create' | 'put' | 'patch' | 'upsert';
  pathId?: string;
}

/** What became of one request: a write to make, nothing to write, field errors, or an error answer (404, 413, …). */
export type Planned =
  | { kind: 'write'; write: ObjectWrite }
  | { kind: 'unchanged'; row: StoredObject }
  | { kind: 'errors'; errors: FieldErrors }
  | { kind: 'error'; error: AppError };

/** More checks of one type's objects after schema validation (e.g. `_webhooks`: its URL and who may save it). */
export type ObjectCheck = (p: Principal, data: Record<string, unknown>) => Promise<FieldErrors>;

/** What planning needs besides the requests. */
export interface PlanContext {
  storage: Storage;
  checks: ReadonlyMap<string, ObjectCheck[]>;
  maxObjectBytes: number;
  now: number;
  /** Rich text is sanitised before validation (FLOTILLA_SANITIZE_RICHTEXT). */
  sanitizeRichtext: boolean;
}

/** The first pass over one request: everything that needs no lookup but the batch's own objects. */
interface Shaped {
  mode: 'create' | 'put' | 'patch';
  id: string;
  key: string;
  existing: StoredObject | undefined;
  data: Record<string, unknown>;
  json: string;
  errs: FieldErrors;
  /** PATCH: the fields sent (relations in the others were stored before and are not this key's doing). */
  sent: ReadonlySet<string> | undefined;
  refs: RelationRef[];
}

type Shape = Shaped | { done: Planned };

/** A scalar's identity as a unique value (typed, so "1" and 1 differ as they do in the database). */
const valueKey = (v: unknown): string | undefined =>
  (typeof v === 'string' && v !== '') || typeof v === 'number' || typeof v === 'boolean' ? `${typeof v}:${String(v)}` : undefined;

const refKey = (type: string, id: string) => `${type}\0${id.toLowerCase()}`;

/**
 * Plans the writes of one batch (a single write is a batch of one) against one type, as if each item were written
 * before the next is looked at — a later item sees the earlier ones' ids, unique values and relation targets — but
 * with the lookups made per batch: the stored objects in one query, unique values in one query per unique field,
 * relation targets in one query per target type. Nothing is written here.
 */
export class WritePlan {
  /** The stored objects the batch names (latest state), by id key. */
  private stored = new Map<string, StoredObject>();
  /** Relation targets known to exist or not, by refKey. */
  private readonly targets = new Map<string, boolean>();
  /** Per unique field: the stored holders (id keys) of each value looked up, by valueKey. */
  private readonly holders = new Map<string, Map<string, Set<string>>>();
  /** Per unique field: the value (valueKey, or undefined) of each object this batch writes, by id key. */
  private readonly batchValues = new Map<string, Map<string, string | undefined>>();
  /** Objects this batch creates (refKey). */
  private readonly created = new Set<string>();

  constructor(
    private readonly ctx: PlanContext,
    private readonly p: Principal,
    private readonly t: LoadedType,
  ) {}

  /** Plans every request, in order. */
  async plan(requests: readonly WriteRequest[]): Promise<Planned[]> {
    const type = this.t.ct.name;
    const named = requests.flatMap((r) => {
      const id = r.mode === 'put' || r.mode === 'patch' ? r.pathId : (r.body as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? [id] : [];
    });
    for (const row of await this.getObjects(type, [...new Set(named)])) this.stored.set(row.id.toLowerCase(), row);
    // first pass: as if every item that is valid so far were written, so a PATCH of the same object twice builds
    // on the first; it gathers what to look up
    const assumed = new Map(this.stored);
    const seen = new Set<string>();
    const shapes: Shape[] = [];
    for (const r of requests) {
      const s = await this.shape(r, assumed, seen);
      shapes.push(s);
      if ('done' in s || Object.keys(s.errs).length > 0 || s.mode === 'create') continue;
      assumed.set(s.key, this.nextState(s));
    }
    await this.lookUp(shapes.filter((s): s is Shaped => !('done' in s)));
    // second pass: in order, against the stored objects as this batch changes them
    const state = new Map(this.stored);
    const out: Planned[] = [];
    for (const [i, first] of shapes.entries()) {
      let s = first;
      // an earlier write of the same object was refused after all: build on what is really there
      if (!('done' in s) && s.mode !== 'create' && state.get(s.key) !== s.existing)
        s = await this.shape(requests[i], state, new Set());
      if ('done' in s) {
        out.push(s.done);
        continue;
      }
      const planned = await this.decide(s);
      out.push(planned);
      if (planned.kind !== 'write') continue;
      if (s.mode === 'create') this.created.add(refKey(type, s.id));
      else state.set(s.key, this.nextState(s));
      for (const f of this.t.fields) {
        if (!f.unique) continue;
        if (!this.batchValues.has(f.name)) this.batchValues.set(f.name, new Map());
        this.batchValues.get(f.name)!.set(s.key, valueKey(s.data[f.name]));
      }
    }
    return out;
  }

  /** The object as it is once this write is made (for the next write of it in the same batch). */
  private nextState(s: Shaped): StoredObject {
    return { ...s.existing!, data: s.json, version: s.existing!.version + 1 };
  }

  /** Checks one request on its own: id, body, schema, the type's checks, size. */
  private async shape(r: WriteRequest, state: ReadonlyMap<string, StoredObject>, seen: Set<string>): Promise<Shape> {
    const done = (d: Planned): Shape => ({ done: d });
    if (!r.body || typeof r.body !== 'object' || Array.isArray(r.body)) {
      return done({ kind: 'error', error: errors.badRequest('The request body must be a JSON object') });
    }
    const t = this.t;
    const type = t.ct.name;
    const { id: bodyId, internal: _ignored, ...fields } = r.body as Record<string, unknown>;
    let mode: Shaped['mode'] = r.mode === 'upsert' ? 'create' : r.mode;
    let pathId = r.pathId;
    if (r.mode === 'upsert' && typeof bodyId === 'string' && !seen.has(bodyId.toLowerCase()) && state.has(bodyId.toLowerCase())) {
      seen.add(bodyId.toLowerCase());
      mode = 'put';
      pathId = bodyId;
    }
    const errs: FieldErrors = {};
    let id: string;
    let existing: StoredObject | undefined;
    if (mode === 'create') {
      if (
        bodyId !== undefined &&
        (typeof bodyId !== 'string' || bodyId === '' || !ID_PATTERN.test(bodyId) || bodyId.length > 255)
      ) {
        return done({ kind: 'errors', errors: { id: ['This value is not valid.'] } });
      }
      id = (bodyId as string | undefined) ?? `${type}-${randomUUID()}`;
      if (seen.has(id.toLowerCase()))
        return done({ kind: 'errors', errors: { id: ['There are duplications in object data, key: id'] } });
      seen.add(id.toLowerCase());
      if (state.has(id.toLowerCase())) addFieldError(errs, 'id', 'This value is already used');
    } else {
      existing = state.get(pathId!.toLowerCase());
      if (!existing) return done({ kind: 'error', error: errors.notFound() });
      if (bodyId !== undefined && (typeof bodyId !== 'string' || bodyId.toLowerCase() !== pathId!.toLowerCase())) {
        return done({ kind: 'errors', errors: { id: ['The id in the body must match the id in the path'] } });
      }
      id = existing.id;
    }
    let data: Record<string, unknown> =
      mode === 'patch' ? { ...(JSON.parse(existing!.data) as Record<string, unknown>), ...fields } : { ...fields };
    if (mode === 'create') data = applySlugs(t.ct, data);
    if (this.ctx.sanitizeRichtext) data = sanitizeRichtextFields(t, data);
    for (const [k, v] of Object.entries(t.validate(data))) for (const m of v) addFieldError(errs, k, m);
    for (const check of this.ctx.checks.get(type) ?? []) {
      for (const [k, v] of Object.entries(await check(this.p, data))) for (const m of v) addFieldError(errs, k, m);
    }
    const json = JSON.stringify(data);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.ctx.maxObjectBytes) {
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2).replace(/\.00$/, '')} MB`;
      return done({
        kind: 'error',
        error: errors.payloadTooLarge(
          `Content Object size limit exceeded by an object with ID: ${id}. Requested size ${mb(bytes)}, limit: ${mb(this.ctx.maxObjectBytes)})`,
        ),
      });
    }
    const sent = mode === 'patch' ? new Set(Object.keys(fields)) : undefined;
    return { mode, id, key: id.toLowerCase(), existing, data, json, errs, sent, refs: collectRefs(t, data) };
  }

  /** The lookups of every shaped request, made together: unique values per field, relation targets per type. */
  private async lookUp(shapes: Shaped[]): Promise<void> {
    for (const f of this.t.fields) {
      if (!f.unique) continue;
      await this.lookUpValues(
        f.name,
        shapes.map((s) => s.data[f.name]),
      );
    }
    await this.lookUpTargets(shapes.filter((s) => Object.keys(s.errs).length === 0).flatMap((s) => this.readableRefs(s)));
  }

  private async lookUpValues(field: string, values: unknown[]): Promise<void> {
    if (!this.holders.has(field)) this.holders.set(field, new Map());
    const known = this.holders.get(field)!;
    const wanted = new Map<string, unknown>();
    for (const v of values) {
      const k = valueKey(v);
      if (k !== undefined && !known.has(k)) wanted.set(k, v);
    }
    if (wanted.size === 0) return;
    const found = await this.ctx.storage.findByFieldValues(this.t.ct.name, field, [...wanted.values()]);
    [...wanted.keys()].forEach((k, i) => known.set(k, new Set(found[i].map((id) => id.toLowerCase()))));
  }

  private async lookUpTargets(refs: RelationRef[]): Promise<void> {
    const byType = new Map<string, Set<string>>();
    for (const r of refs) {
      if (this.targets.has(refKey(r.type, r.id))) continue;
      if (!byType.has(r.type)) byType.set(r.type, new Set());
      byType.get(r.type)!.add(r.id.toLowerCase());
    }
    for (const [type, ids] of byType) {
      for (const id of ids) this.targets.set(refKey(type, id), false);
      for (const row of await this.getObjects(type, [...ids])) this.targets.set(refKey(type, row.id), true);
    }
  }

  /** Stored objects by id, in slices that stay below the engines' limits on bound parameters (a batch may be large). */
  private async getObjects(type: string, ids: string[]): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      out.push(...(await this.ctx.storage.getObjects(type, ids.slice(i, i + IDS_PER_QUERY), 'preview')));
    }
    return out;
  }

  /** Relations whose targets this key may read: those must exist; the others are refused (see decide). */
  private readableRefs(s: Shaped): RelationRef[] {
    return s.refs.filter((r) => canObjects(this.p, 'read', r.type));
  }

  /** The unique and relation checks, against the stored objects and this batch's earlier writes; then the write. */
  private async decide(s: Shaped): Promise<Planned> {
    const errs: FieldErrors = { ...s.errs };
    for (const f of this.t.fields) {
      const k = valueKey(s.data[f.name]);
      if (!f.unique || k === undefined || s.data[f.name] === null) continue;
      await this.lookUpValues(f.name, [s.data[f.name]]);
      const changed = this.batchValues.get(f.name) ?? new Map<string, string | undefined>();
      const holders = new Set([...this.holders.get(f.name)!.get(k)!].filter((h) => !changed.has(h)));
      for (const [h, v] of changed) if (v === k) holders.add(h);
      // an update does not collide with itself
      if (s.mode !== 'create') holders.delete(s.key);
      if (holders.size > 0) addFieldError(errs, f.name, 'This value is already used');
    }
    if (Object.keys(errs).length === 0) await this.checkRelations(s, errs);
    if (Object.keys(errs).length > 0) return { kind: 'errors', errors: errs };
    if (s.existing && isDeepStrictEqual(JSON.parse(s.existing.data), s.data)) return { kind: 'unchanged', row: s.existing };
    const obj = {
      type: this.t.ct.name,
      id: s.id,
      data: s.json,
      fields: s.data,
      title: objectTitle(this.t.ct, s.data),
      createdMs: s.existing?.createdMs ?? this.ctx.now,
      updatedMs: this.ctx.now,
      refs: s.refs.map((r) => ({ type: r.type, id: r.id })),
      actor: actorOf(this.p),
      draftPublic: this.t.ct.draftPublic,
    };
    return s.existing
      ? { kind: 'write', write: { kind: 'update', obj: { ...obj, version: s.existing.version + 1 } } }
      : { kind: 'write', write: { kind: 'create', obj } };
  }

  /**
   * Every relation target must exist (and be of the declared type, checked by the validator) — stored, or created by
   * an earlier item of this batch. A relation is a read: to a type the key cannot read it is refused with the same
   * answer whether or not the target exists, so a write cannot probe what the key may not see. Relations in fields a
   * PATCH did not send are kept as stored.
   */
  private async checkRelations(s: Shaped, errs: FieldErrors): Promise<void> {
    for (const r of s.refs) {
      if (canObjects(this.p, 'read', r.type)) continue;
      if (s.sent && !s.sent.has(r.path.split('.')[0])) continue;
      const message = `No read access to the related content type ${r.type}`;
      if (!errs[r.path]?.includes(message)) addFieldError(errs, r.path, message);
    }
    const readable = this.readableRefs(s);
    await this.lookUpTargets(readable);
    for (const r of readable) {
      const key = refKey(r.type, r.id);
      if (this.targets.get(key) || this.created.has(key)) continue;
      if (!errs[r.path]?.includes('This value does not exist in database'))
        addFieldError(errs, r.path, 'This value does not exist in database');
    }
  }
}
