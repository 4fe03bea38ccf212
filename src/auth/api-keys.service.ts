import { randomUUID } from 'node:crypto';
import { canManageKeys } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { KeyKind, KeyRule, Principal } from '../core/principal.js';
import { MissingTypeError, type Storage, type StoredKey } from '../storage/port.js';
import { generateKey, looksLikeKey, type KeyCrypto } from './key-crypto.js';
import type { TypeRegistry } from '../content-types/type-registry.js';
import { addFieldError, type FieldErrors } from '../core/errors.js';

/** What the Panel sees of a key (the only place a key value ever leaves the server). */
export interface ApiKeyView {
  id: string;
  name: string;
  kind: KeyKind;
  key: string;
  rules: KeyRule[];
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  /** Requests per minute this key may make (null = unlimited). */
  requestLimit: number | null;
}

/** A Principal for a key, with the key's own request limit for the rate limiter. */
export type KeyPrincipal = Principal & { kind: 'api-key'; requestLimit: number | null };

export interface KeyInput {
  name?: unknown;
  rules?: unknown;
  requestLimit?: unknown;
}

const TOUCH_EVERY_MS = 60_000;
const APPLICATION_NAMES: Record<'read-only' | 'read-write', string> = {
  'read-only': 'Read only API KEY',
  'read-write': 'Read and write API KEY',
};

function principalOfRow(row: StoredKey, readOnlyPreview: boolean): KeyPrincipal {
  return Object.freeze({
    kind: 'api-key' as const,
    keyId: row.id,
    keyKind: row.kind,
    name: row.name,
    rules: Object.freeze(JSON.parse(row.rules) as KeyRule[]),
    requestLimit: row.requestLimit,
    ...(row.kind === 'read-only' && readOnlyPreview ? { readOnlyPreview: true } : {}),
  });
}

/** API keys: lookup for authentication, and management for the Panel (session principals only). */
export class ApiKeysService {
  /** hmac → principal; dropped on every 'keys' signal (from this node or, over PostgreSQL, any node). */
  private readonly cache = new Map<string, KeyPrincipal>();
  /** Bumped on every 'keys' signal: a row read before a change must not be cached after the change dropped the cache. */
  private generation = 0;
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    private readonly crypto: KeyCrypto,
    private readonly clock: Clock,
    private readonly registry: TypeRegistry,
    /** FLOTILLA_READONLY_PREVIEW: the read-only key may preview drafts. */
    private readonly readOnlyPreview = false,
  ) {
    storage.subscribe((channel) => {
      if (channel !== 'keys') return;
      this.generation++;
      this.cache.clear();
    });
  }

  /** Creates the two application keys when they do not exist yet (first start). */
  async ensureApplicationKeys(p: Principal): Promise<void> {
    this.assertManager(p);
    const existing = new Set((await this.storage.listKeys()).map((k) => k.kind));
    for (const kind of ['read-only', 'read-write'] as const) {
      if (!existing.has(kind)) await this.insert(kind, APPLICATION_NAMES[kind], []);
    }
  }

  /** Turns a presented key into a Principal, or undefined when it is not a valid key. Never throws on bad input. */
  async authenticate(presented: string): Promise<KeyPrincipal | undefined> {
    if (!looksLikeKey(presented)) return undefined;
    const hmac = this.crypto.hmac(presented);
    const principal = this.cache.get(hmac) ?? (await this.load(hmac));
    if (!principal) return undefined;
    this.touch(principal.keyId, hmac);
    return principal;
  }

  private async load(hmac: string): Promise<KeyPrincipal | undefined> {
    const generation = this.generation;
    const row = await this.storage.getKeyByHmac(hmac);
    if (!row || !this.crypto.sameHmac(row.hmac, hmac)) return undefined;
    const principal = principalOfRow(row, this.readOnlyPreview);
    // Several nodes share PostgreSQL: a per-node cache would let a regenerated key work on another node until its
    // signal arrives, so there every request reads the (indexed) key row; SQLite is one node and may cache, unless
    // a change was signalled while the row was being read (the row may predate it).
    if (!this.storage.shared && generation === this.generation) this.cache.set(hmac, principal);
    return principal;
  }

  /**
   * The principal of a key by its id, as it stands now (undefined once removed): for work done on a key's behalf
   * after the request, such as the deliveries of a webhook it saved. In-process callers only (system principal);
   * `via` is the transaction the caller is in, if any.
   */
  async principalById(p: Principal, id: string, via: Storage = this.storage): Promise<KeyPrincipal | undefined> {
    if (p.kind !== 'system') throw errors.forbidden();
    const row = await via.getKey(id);
    return row ? principalOfRow(row, this.readOnlyPreview) : undefined;
  }

  /** lastUsedAt is written at most once a minute per key, off the request path. */
  private touch(keyId: string, hmac: string): void {
    const now = this.clock.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouched.set(keyId, now);
    void this.storage.touchKey(keyId, hmac, now).catch(() => undefined);
  }

  async list(p: Principal): Promise<ApiKeyView[]> {
    this.assertManager(p);
    return (await this.storage.listKeys()).map((k) => this.view(k));
  }

  /** The value of one application key, for in-process callers (tests, the setup banner): system or Panel users only. */
  async applicationKey(p: Principal, kind: 'read-only' | 'read-write'): Promise<string> {
    const key = (await this.list(p)).find((k) => k.kind === kind);
    if (!key) throw new Error(`no ${kind} key`);
    return key.key;
  }

  /** Creates a user-defined key with these rules. */
  async createUserDefined(p: Principal, name: string, rules: KeyRule[], requestLimit: number | null = null): Promise<ApiKeyView> {
    this.assertManager(p);
    const input = await this.validate({ name, rules, requestLimit }, true);
    const row = await this.insert('user-defined', input.name!, input.rules!, input.requestLimit ?? null);
    await this.storage.notify('keys', row.id);
    return this.view(row);
  }

  /** Validates raw Panel input; rules must name existing types, one rule per type, booleans only. */
  async validate(body: KeyInput, creating: boolean): Promise<{ name?: string; rules?: KeyRule[]; requestLimit?: number | null }> {
    const errs: FieldErrors = {};
    const out: { name?: string; rules?: KeyRule[]; requestLimit?: number | null } = {};
    if (body.name !== undefined || creating) {
      if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 100) {
        addFieldError(errs, 'name', 'The name is required (1 to 100 characters)');
      } else out.name = body.name.trim();
    }
    if (body.rules !== undefined || creating) {
      const raw = body.rules ?? [];
      if (!Array.isArray(raw)) addFieldError(errs, 'rules', 'Rules must be a list');
      else {
        const types = await this.registry.all();
        const seen = new Set<string>();
        out.rules = [];
        raw.forEach((r: unknown, i) => {
          const rule = r as Record<string, unknown> | null;
          const name = rule?.ctdName;
          if (typeof name !== 'string' || !types.has(name)) {
            addFieldError(errs, `rules[${i}].ctdName`, `Content type ${JSON.stringify(name)} does not exist`);
            return;
          }
          if (seen.has(name)) addFieldError(errs, `rules[${i}].ctdName`, `There is already a rule for ${name}`);
          seen.add(name);
          const flags = ['canRead', 'canCreate', 'canUpdate', 'canDelete', 'canPreview', 'canPublish'] as const;
          for (const f of flags) {
            if (rule![f] !== undefined && typeof rule![f] !== 'boolean')
              addFieldError(errs, `rules[${i}].${f}`, 'Must be true or false');
          }
          out.rules!.push({
            ctdName: name,
            canRead: rule!.canRead === true,
            canCreate: rule!.canCreate === true,
            canUpdate: rule!.canUpdate === true,
            canDelete: rule!.canDelete === true,
            canPreview: rule!.canPreview === true,
            canPublish: rule!.canPublish === true,
          });
        });
      }
    }
    if (body.requestLimit !== undefined) {
      const n = body.requestLimit;
      if (n === null) out.requestLimit = null;
      else if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
        addFieldError(errs, 'requestLimit', 'Must be null or a whole number of requests per minute (1 to 1000000)');
      } else out.requestLimit = n;
    }
    if (Object.keys(errs).length > 0) throw errors.validation(errs);
    return out;
  }

  /**
   * Changes name, rules or request limit. Application keys have no rules: sending rules for them is a 400. Only the
   * columns sent are written, so a concurrent regenerate or rule change is never undone by this one.
   */
  async update(p: Principal, id: string, body: KeyInput): Promise<{ view: ApiKeyView; before: ApiKeyView }> {
    this.assertManager(p);
    const row = await this.storage.getKey(id);
    if (!row) throw errors.notFound();
    // the kind never changes, so this read may decide what the body may carry
    if (row.kind !== 'user-defined' && body.rules !== undefined && !(Array.isArray(body.rules) && body.rules.length === 0)) {
      throw errors.validation({ rules: ['Application keys have no rules: they are read-only or read-write for every type'] });
    }
    const input = await this.validate({ ...body, rules: row.kind === 'user-defined' ? body.rules : undefined }, false);
    const changed = await this.writeRules(input.rules, () =>
      this.storage.updateKey(id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.rules !== undefined ? { rules: JSON.stringify(input.rules) } : {}),
        ...(input.requestLimit !== undefined ? { requestLimit: input.requestLimit } : {}),
        updatedMs: this.clock.now(),
      }),
    );
    if (!changed) throw errors.notFound();
    await this.storage.notify('keys', id);
    return { view: this.view(changed.after), before: this.view(changed.before) };
  }

  /** A new value for the key; the old one is refused from the next request on, on every node. */
  async regenerate(p: Principal, id: string): Promise<ApiKeyView> {
    this.assertManager(p);
    const row = await this.storage.getKey(id);
    if (!row) throw errors.notFound();
    // id and kind never change: the new value depends on nothing else the row holds
    const key = generateKey(row.kind);
    const changed = await this.storage.updateKey(id, {
      hmac: this.crypto.hmac(key),
      secretEnc: this.crypto.encrypt(key, row.id),
      lastUsedMs: null,
      updatedMs: this.clock.now(),
    });
    if (!changed) throw errors.notFound();
    await this.storage.notify('keys', id);
    return this.view(changed.after);
  }

  /**
   * Runs a storage write that stores these rules. The database refuses a rule on a type that is not stored (deleted
   * after `validate` saw it, perhaps on another node): that is the same 400 as a rule on an unknown type.
   */
  private async writeRules<T>(rules: KeyRule[] | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!(e instanceof MissingTypeError) || !rules) throw e;
      this.registry.invalidate();
      const stored = new Set((await this.storage.listTypes()).map((t) => t.name));
      const errs: FieldErrors = {};
      rules.forEach((r, i) => {
        if (!stored.has(r.ctdName))
          addFieldError(errs, `rules[${i}].ctdName`, `Content type ${JSON.stringify(r.ctdName)} does not exist`);
      });
      if (Object.keys(errs).length === 0) addFieldError(errs, 'rules', 'A content type of these rules does not exist');
      throw errors.validation(errs);
    }
  }

  /** Removes a user-defined key; application keys cannot be removed (409). */
  async remove(p: Principal, id: string): Promise<ApiKeyView> {
    this.assertManager(p);
    const row = await this.storage.getKey(id);
    if (!row) throw errors.notFound();
    if (row.kind !== 'user-defined') throw errors.conflict('Application API keys cannot be removed; regenerate them instead');
    await this.storage.deleteKey(id);
    await this.storage.notify('keys', id);
    return this.view(row);
  }

  async get(p: Principal, id: string): Promise<ApiKeyView> {
    this.assertManager(p);
    const row = await this.storage.getKey(id);
    if (!row) throw errors.notFound();
    return this.view(row);
  }

  private async insert(kind: KeyKind, name: string, rules: KeyRule[], requestLimit: number | null = null): Promise<StoredKey> {
    const id = randomUUID();
    const key = generateKey(kind);
    const now = this.clock.now();
    const row: StoredKey = {
      id,
      kind,
      name,
      hmac: this.crypto.hmac(key),
      secretEnc: this.crypto.encrypt(key, id),
      rules: JSON.stringify(rules),
      requestLimit,
      createdMs: now,
      updatedMs: now,
      lastUsedMs: null,
    };
    await this.writeRules(rules, () => this.storage.insertKey(row));
    return row;
  }

  /** Names of user-defined keys with a rule on `type` (a CTD they reference cannot be deleted). */
  async keysReferencing(p: Principal, type: string): Promise<string[]> {
    this.assertManager(p);
    return this.storage.keyNamesReferencingType(type);
  }

  private view(k: StoredKey): ApiKeyView {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: k.id,
      name: k.name,
      kind: k.kind,
      key: this.crypto.decrypt(k.secretEnc, k.id),
      rules: JSON.parse(k.rules) as KeyRule[],
      createdAt: iso(k.createdMs),
      updatedAt: iso(k.updatedMs),
      lastUsedAt: k.lastUsedMs === null ? null : iso(k.lastUsedMs),
      requestLimit: k.requestLimit,
    };
  }

  private assertManager(p: Principal): void {
    if (!canManageKeys(p)) throw errors.forbidden();
  }
}
