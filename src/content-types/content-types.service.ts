import { actorOf, type EventAction, type NewEvent } from '../core/content-event.js';
import { randomUUID } from 'node:crypto';
import { canReadDefinition, canWriteDefinitions, definitionScope, inScope } from '../access/policy.js';
import type { ApiKeysService } from '../auth/api-keys.service.js';
import type { Clock } from '../core/clock.js';
import { envelope, type ListEnvelope } from '../core/envelope.js';
import { addFieldError, AppError, errors, type FieldErrors } from '../core/errors.js';
import { ownProperty } from '../core/own-property.js';
import { SYSTEM, type Principal } from '../core/principal.js';
import { formatCtdTime } from '../core/time.js';
import { TypeInUseError, type Storage } from '../storage/port.js';
import { ABSTRACT_SCHEMA_REF, type ContentType } from './content-type.js';
import { planConversion } from './convert-data.js';
import { INTERNAL_TYPES } from './internal-types.js';
import { sanitizeContentType } from './sanitize-content-type.js';
import { toLoaded, type TypeRegistry } from './type-registry.js';
import { objectTitle } from '../content/object-title.js';

export interface ListTypesQuery {
  page: number;
  limit: number;
  orderBy: string;
  direction: 'asc' | 'desc';
  name?: string;
  names: string[];
  label?: string;
  internal?: boolean;
}

export interface GetTypeOptions {
  resolveRef: boolean;
  strictSchema: boolean;
}

const TEXT_INPUTS = new Set(['text', 'email']);

/** The fields that get expression indexes, and which of them also get a `contains` index. */
const indexSpec = (fields: readonly { name: string; indexable: boolean; inputType: string }[]) =>
  fields.filter((f) => f.indexable).map((f) => ({ name: f.name, text: TEXT_INPUTS.has(f.inputType) }));

/** Content Type Definitions: list, get, create, replace (migrating objects), delete, purge. */
/** The event of a change to a definition. */
const typeEvent = (action: EventAction, contentType: string): NewEvent => ({
  kind: 'type',
  action,
  contentType,
  objectId: null,
  version: null,
});

export class ContentTypesService {
  constructor(
    private readonly storage: Storage,
    private readonly registry: TypeRegistry,
    private readonly keys: ApiKeysService,
    private readonly clock: Clock,
  ) {}

  /** Creates the internal types that do not exist yet (first start, or a new release adding one). */
  async ensureInternalTypes(p: Principal): Promise<void> {
    this.assertWriter(p);
    for (const input of INTERNAL_TYPES) {
      const name = (input as { name: string }).name;
      if (await this.registry.get(name)) continue;
      await this.create(p, input, { allowInternalName: true });
    }
  }

  async list(p: Principal, q: ListTypesQuery): Promise<ListEnvelope<ContentType>> {
    const scope = definitionScope(p);
    const nameLike = q.name?.toLowerCase();
    const labelLike = q.label?.toLowerCase();
    const names = new Set(q.names.map((n) => n.toLowerCase()));
    const all = [...(await this.registry.all()).values()]
      .map((t) => t.ct)
      .filter((ct) => inScope(scope, ct.name))
      .filter((ct) => q.internal === undefined || ct.internal === q.internal)
      .filter((ct) => !nameLike || ct.name.toLowerCase().includes(nameLike))
      .filter((ct) => !labelLike || ct.label.toLowerCase().includes(labelLike))
      .filter((ct) => names.size === 0 || names.has(ct.name.toLowerCase()));
    const key = (ct: ContentType): string | number | boolean => {
      const v = ownProperty(ct as unknown as Record<string, unknown>, q.orderBy);
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : '';
    };
    const sign = q.direction === 'desc' ? -1 : 1;
    all.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0) * sign;
    });
    const start = (q.page - 1) * q.limit;
    return envelope(all.slice(start, start + q.limit), all.length, q.page, q.limit);
  }

  /** The definition, optionally flattened (resolveRef) or reduced to a plain JSON schema (strictSchema). */
  async get(p: Principal, name: string, opts: GetTypeOptions): Promise<unknown> {
    if (!canReadDefinition(p, name)) throw errors.forbidden();
    const t = await this.registry.get(name);
    if (!t) throw errors.notFound();
    if (!opts.resolveRef) return t.ct;
    const props = t.ct.schemaDefinition.allOf[1].properties;
    if (opts.strictSchema) {
      return { schema: { type: 'object', properties: props, required: t.ct.schemaDefinition.required } };
    }
    return {
      ...t.ct,
      schemaDefinition: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Unique ID of the object', pattern: '^[a-zA-Z0-9-_.,:=!?#$%&(`\'{}" ]*$' },
          internal: { type: 'object', description: 'Server-managed metadata of the object' },
          ...props,
        },
        required: t.ct.schemaDefinition.required,
        additionalProperties: false,
      },
    };
  }

  async create(p: Principal, input: unknown, opts = { allowInternalName: false }): Promise<ContentType> {
    this.assertWriter(p);
    const result = sanitizeContentType(input, opts);
    const fieldErrors: FieldErrors = result.ok ? {} : { ...result.errors };
    const name = result.ok ? result.value.name : undefined;
    if (name && (await this.registry.get(name))) addFieldError(fieldErrors, 'name', 'This value is already used');
    if (!result.ok || Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
    const now = this.clock.now();
    const ct: ContentType = {
      ...result.value,
      id: randomUUID(),
      internal: opts.allowInternalName ? result.value.internal : false,
      createdAt: formatCtdTime(now),
      updatedAt: formatCtdTime(now),
      deletedAt: null,
    };
    const loaded = toLoaded(ct, 1);
    await this.storage.transaction(async (tx) => {
      await tx.insertType(ct.name, JSON.stringify(ct), now);
      await tx.syncFieldIndexes(ct.name, indexSpec(loaded.fields));
      await tx.recordEvent(typeEvent('create', ct.name), actorOf(p), now);
    });
    return ct;
  }

  /**
   * Full replace. Existing objects are converted (§2.7) in the same transaction; if any object cannot be converted
   * the whole update is refused with a 400 and nothing changes.
   */
  async update(p: Principal, name: string, input: unknown): Promise<ContentType> {
    this.assertWriter(p);
    const current = await this.registry.get(name);
    if (!current) throw errors.notFound();
    const body = input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : input;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      if (b.name !== undefined && b.name !== name)
        throw errors.validation({ name: ['The name of a content type cannot be changed'] });
      b.name = name;
    }
    const result = sanitizeContentType(body, { allowInternalName: current.ct.internal });
    if (!result.ok) throw errors.validation(result.errors);
    const now = this.clock.now();
    const next: ContentType = {
      ...result.value,
      id: current.ct.id,
      internal: current.ct.internal,
      createdAt: current.ct.createdAt,
      updatedAt: formatCtdTime(now),
      deletedAt: null,
    };
    const loaded = toLoaded(next, current.version + 1);
    const plan = planConversion(current.ct, next);
    await this.storage.transaction(async (tx) => {
      if (plan.changes) {
        const failures: Record<string, FieldErrors> = {};
        await tx.eachObject(name, 500, async (rows) => {
          for (const row of rows) {
            const { data, errors: errs } = plan.convert(JSON.parse(row.data) as Record<string, unknown>);
            if (Object.keys(errs).length > 0) {
              if (Object.keys(failures).length < 20) failures[row.id] = errs;
              continue;
            }
            await tx.rewriteObjectData(row, JSON.stringify(data), objectTitle(next, data));
            // a migrated object changed: its event is an update like any other (once, not per published copy)
            if (row.visibility === 'public') continue;
            const event = {
              kind: 'object',
              action: 'update',
              contentType: name,
              objectId: row.id,
              version: row.version,
            } as const;
            await tx.recordEvent(event, actorOf(p), now);
          }
        });
        if (Object.keys(failures).length > 0) {
          const flat: Record<string, unknown> = {};
          for (const errs of Object.values(failures)) for (const [k, v] of Object.entries(errs)) flat[k] = v;
          throw new AppError(400, {
            ...flat,
            co: failures,
            ctd: [
              'Existing objects do not conform to the new schema, and updating them automatically is impossible (e.g., Text -> Relationship). Please update or remove those objects first.',
            ],
          });
        }
      }
      await tx.updateType(name, JSON.stringify(next), now);
      await tx.syncFieldIndexes(name, indexSpec(loaded.fields));
      if (next.draftPublic !== current.ct.draftPublic) await tx.setDraftPublic(name, next.draftPublic, now);
      await tx.recordEvent(typeEvent('update', name), actorOf(p), now);
    });
    return next;
  }

  /** Deletes an empty type that no user-defined key references. */
  async delete(p: Principal, name: string): Promise<void> {
    this.assertWriter(p);
    const t = await this.registry.get(name);
    if (!t) throw errors.notFound();
    const problems: string[] = [];
    if (t.ct.internal) problems.push('Internal content type definitions cannot be removed');
    for (const keyName of await this.keys.keysReferencing(SYSTEM, name)) {
      problems.push(`This content type definition is used by Api Key: ${keyName}`);
    }
    if ((await this.storage.countLiveObjects(name)) > 0) problems.push("Content Type has objects, you can't remove it!");
    if (problems.length > 0) throw errors.errorList(problems);
    await this.inUseAsRefused(name, () =>
      this.storage.transaction(async (tx) => {
        await tx.purgeType(name, this.clock.now());
        await tx.syncFieldIndexes(name, []);
        await tx.deleteType(name);
        await tx.recordEvent(typeEvent('delete', name), actorOf(p), this.clock.now());
      }),
    );
  }

  /** Removes every object of the type (and the definition with deleteSchema). */
  async purge(p: Principal, name: string, deleteSchema: boolean): Promise<void> {
    this.assertWriter(p);
    const t = await this.registry.get(name);
    if (!t) throw errors.notFound();
    if (deleteSchema) {
      const problems: string[] = [];
      if (t.ct.internal) problems.push('Internal content type definitions cannot be removed');
      for (const keyName of await this.keys.keysReferencing(SYSTEM, name)) {
        problems.push(`This content type definition is used by Api Key: ${keyName}`);
      }
      if (problems.length > 0) throw errors.errorList(problems);
    }
    await this.inUseAsRefused(name, () =>
      this.storage.transaction(async (tx) => {
        await tx.purgeType(name, this.clock.now());
        await tx.recordEvent(typeEvent('purge', name), actorOf(p), this.clock.now());
        if (deleteSchema) {
          await tx.syncFieldIndexes(name, []);
          await tx.deleteType(name);
          await tx.recordEvent(typeEvent('delete', name), actorOf(p), this.clock.now());
        }
      }),
    );
  }

  /**
   * Runs a removal of the type. The check above it reads the keys before the removal: a rule saved in between (on
   * any node) is caught by the database, whose foreign key refuses the delete; the answer is the same 400.
   */
  private async inUseAsRefused(name: string, remove: () => Promise<void>): Promise<void> {
    try {
      await remove();
    } catch (e) {
      if (!(e instanceof TypeInUseError)) throw e;
      const names = await this.keys.keysReferencing(SYSTEM, name);
      throw errors.errorList(
        names.length > 0
          ? names.map((keyName) => `This content type definition is used by Api Key: ${keyName}`)
          : ['This content type definition is used by an Api Key'],
      );
    }
  }

  private assertWriter(p: Principal): void {
    if (!canWriteDefinitions(p)) throw errors.forbidden();
  }
}

export { ABSTRACT_SCHEMA_REF };
