import { randomUUID } from 'node:crypto';
import { canManageApplicationKeys, canManageKeys, rulesBeyond } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { KeyKind, KeyRule, Principal } from '../core/principal.js';
import { MissingTypeError, type KeyChange, type Storage, type StoredKey } from '../storage/port.js';
import { generateKey, looksLikeKey, type KeyCrypto } from './key-crypto.js';
import type { TypeRegistry } from '../content-types/type-registry.js';
import { AppError, addFieldError, type FieldErrors } from '../core/errors.js';
import { sanitizeKeyInput, type KeyFields, type KeyInput } from './key-input.js';

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
  /** When the key stops working (null = never). */
  expiresAt: string | null;
  /** While a rotation's grace window runs: when the previous value stops working (null otherwise). */
  previousValidUntil: string | null;
  /** CIDR ranges requests must come from (empty = anywhere). */
  allowedNetworks: string[];
  /** Origins a browser request must come from (empty = any). */
  allowedOrigins: string[];
}

/** A Principal for a key, with what identification checks besides the policy: its request limit and client limits. */
export type KeyPrincipal = Principal & {
  kind: 'api-key';
  requestLimit: number | null;
  /** When the key stops working (null: never); for `auth-context` (authentication compares it itself). */
  expiresMs: number | null;
  allowedNetworks: readonly string[];
  allowedOrigins: readonly string[];
};

export type { KeyInput } from './key-input.js';

/** Longest grace window of a rotation: 7 days. */
export const MAX_GRACE_MINUTES = 7 * 24 * 60;

const TOUCH_EVERY_MS = 60_000;
const APPLICATION_NAMES: Record<'read-only' | 'read-write', string> = {
  'read-only': 'Read only API KEY',
  'read-write': 'Read and write API KEY',
};

const parseList = (json: string) => Object.freeze(JSON.parse(json) as string[]);

function principalOfRow(row: StoredKey, readOnlyPreview: boolean): KeyPrincipal {
  return Object.freeze({
    kind: 'api-key' as const,
    keyId: row.id,
    keyKind: row.kind,
    name: row.name,
    rules: Object.freeze(JSON.parse(row.rules) as KeyRule[]),
    requestLimit: row.requestLimit,
    expiresMs: row.expiresMs,
    allowedNetworks: parseList(row.allowedNetworks),
    allowedOrigins: parseList(row.allowedOrigins),
    ...(row.kind === 'read-only' && readOnlyPreview ? { readOnlyPreview: true } : {}),
  });
}

/** A principal found by a presented value, and the instant that value stops working (null: never). */
interface Found {
  principal: KeyPrincipal;
  untilMs: number | null;
}

const earlier = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/** API keys: lookup for authentication, and management for the Panel (session principals only). */
export class ApiKeysService {
  /**
   * hmac → principal and the end of that value's validity; dropped on every 'keys' signal (from this node or, over
   * PostgreSQL, any node). Expiry and the end of a grace window are compared with the clock on every request, so
   * they never wait for a signal.
   */
  private readonly cache = new Map<string, Found>();
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
    const found = this.cache.get(hmac) ?? (await this.load(hmac));
    if (!found) return undefined;
    // an expired key, or a previous value past its grace window, is refused like an unknown one, at the instant
    if (found.untilMs !== null && this.clock.now() >= found.untilMs) return undefined;
    this.touch(found.principal.keyId, hmac);
    return found.principal;
  }

  private async load(hmac: string): Promise<Found | undefined> {
    const generation = this.generation;
    const row = await this.storage.getKeyByHmac(hmac);
    if (!row) return undefined;
    let untilMs: number | null;
    if (this.crypto.sameHmac(row.hmac, hmac)) untilMs = row.expiresMs;
    else if (row.prevHmac !== null && row.prevUntilMs !== null && this.crypto.sameHmac(row.prevHmac, hmac)) {
      untilMs = earlier(row.expiresMs, row.prevUntilMs);
    } else return undefined;
    const found = { principal: principalOfRow(row, this.readOnlyPreview), untilMs };
    // Several nodes share PostgreSQL: a per-node cache would let a regenerated key work on another node until its
    // signal arrives, so there every request reads the (indexed) key row; SQLite is one node and may cache, unless
    // a change was signalled while the row was being read (the row may predate it).
    if (!this.storage.shared && generation === this.generation) this.cache.set(hmac, found);
    return found;
  }

  /**
   * The principal of a key by its id, as it stands now (undefined once removed): for work done on a key's behalf
   * after the request, such as the deliveries of a webhook it saved. In-process callers only (system principal);
   * `via` is the transaction the caller is in, if any.
   */
  async principalById(p: Principal, id: string, via: Storage = this.storage): Promise<KeyPrincipal | undefined> {
    if (p.kind !== 'system') throw errors.forbidden();
    if (id.length > 100 || id.includes('\u0000')) return undefined;
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
    return (await this.storage.listKeys()).filter((k) => this.within(p, k)).map((k) => this.view(k));
  }

  /** The value of one application key, for in-process callers (tests, the setup banner): system or Panel users only. */
  async applicationKey(p: Principal, kind: 'read-only' | 'read-write'): Promise<string> {
    const key = (await this.list(p)).find((k) => k.kind === kind);
    if (!key) throw new Error(`no ${kind} key`);
    return key.key;
  }

  /** Creates a user-defined key with these rules (and, from the Panel, its limits and expiry). */
  async createUserDefined(
    p: Principal,
    name: string,
    rules: KeyRule[],
    extra: Omit<KeyInput, 'name' | 'rules'> = {},
  ): Promise<ApiKeyView> {
    this.assertManager(p);
    const input = await this.validate({ ...extra, name, rules }, true);
    this.assertRulesWithin(p, input.rules!);
    const row = await this.insert('user-defined', input.name!, input.rules!, input);
    await this.storage.notify('keys', row.id);
    return this.view(row);
  }

  /** Validates raw Panel input; rules must name existing types, one rule per type, booleans only. */
  async validate(body: KeyInput, creating: boolean): Promise<KeyFields> {
    const errs: FieldErrors = {};
    const out = sanitizeKeyInput(body, creating, await this.typeNames(body, creating), errs);
    if (Object.keys(errs).length > 0) throw errors.validation(errs);
    return out;
  }

  private async typeNames(body: KeyInput, creating: boolean): Promise<ReadonlySet<string>> {
    if (body.rules === undefined && !creating) return new Set();
    return new Set((await this.registry.all()).keys());
  }

  /**
   * Changes name, rules, limits or expiry. Application keys have no rules and never expire: sending rules or an
   * expiry for them is a 400. Only the columns sent are written, so a concurrent regenerate or rule change is never
   * undone by this one.
   */
  async update(p: Principal, id: string, body: KeyInput): Promise<{ view: ApiKeyView; before: ApiKeyView }> {
    this.assertManager(p);
    const row = await this.managedRow(p, id);
    if (!row) throw errors.notFound();
    // the kind never changes, so this read may decide what the body may carry
    if (row.kind !== 'user-defined') {
      const errs: FieldErrors = {};
      if (body.rules !== undefined && !(Array.isArray(body.rules) && body.rules.length === 0))
        addFieldError(errs, 'rules', 'Application keys have no rules: they are read-only or read-write for every type');
      if (body.expiresAt !== undefined && body.expiresAt !== null)
        addFieldError(errs, 'expiresAt', 'Application keys do not expire: regenerate them instead');
      if (Object.keys(errs).length > 0) throw errors.validation(errs);
    }
    const input = await this.validate({ ...body, rules: row.kind === 'user-defined' ? body.rules : undefined }, false);
    if (input.rules !== undefined) this.assertRulesWithin(p, input.rules);
    const changed = await this.writeRules(input.rules, () =>
      this.storage.updateKey(id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.rules !== undefined ? { rules: JSON.stringify(input.rules) } : {}),
        ...(input.requestLimit !== undefined ? { requestLimit: input.requestLimit } : {}),
        ...(input.expiresMs !== undefined ? { expiresMs: input.expiresMs } : {}),
        ...(input.allowedNetworks !== undefined ? { allowedNetworks: JSON.stringify(input.allowedNetworks) } : {}),
        ...(input.allowedOrigins !== undefined ? { allowedOrigins: JSON.stringify(input.allowedOrigins) } : {}),
        updatedMs: this.clock.now(),
      }),
    );
    if (!changed) throw errors.notFound();
    await this.storage.notify('keys', id);
    return { view: this.view(changed.after), before: this.view(changed.before) };
  }

  /**
   * A new value for the key. With a grace window (`graceMinutes` > 0, at most 7 days) the value it replaces keeps
   * working until the window ends, then is refused like an unknown key; without one (the default) it is refused
   * from the next request on, on every node. A rotation replaces any earlier previous value.
   */
  async regenerate(p: Principal, id: string, graceMinutes = 0): Promise<ApiKeyView> {
    this.assertManager(p);
    const row = await this.managedRow(p, id);
    if (!row) throw errors.notFound();
    const changed = await this.storage.updateKey(id, this.rotation(row, graceMinutes));
    if (!changed) throw errors.notFound();
    await this.storage.notify('keys', id);
    return this.view(changed.after);
  }

  /** The columns a rotation writes. id and kind never change: the new value depends on nothing else the row holds. */
  private rotation(row: Pick<StoredKey, 'id' | 'kind'>, graceMinutes: number): KeyChange {
    if (!Number.isInteger(graceMinutes) || graceMinutes < 0 || graceMinutes > MAX_GRACE_MINUTES) {
      throw errors.validation({ graceMinutes: [`Must be a whole number of minutes from 0 to ${MAX_GRACE_MINUTES} (7 days)`] });
    }
    const key = generateKey(row.kind);
    const now = this.clock.now();
    return {
      hmac: this.crypto.hmac(key),
      secretEnc: this.crypto.encrypt(key, row.id),
      lastUsedMs: null,
      previous: graceMinutes > 0 ? { untilMs: now + graceMinutes * 60_000 } : null,
      updatedMs: now,
    };
  }

  /** "End now": the previous value of a rotation stops working from the next request on, on every node. */
  async endGrace(p: Principal, id: string): Promise<{ view: ApiKeyView; before: ApiKeyView }> {
    this.assertManager(p);
    if (!(await this.managedRow(p, id))) throw errors.notFound();
    const changed = await this.storage.updateKey(id, { previous: null, updatedMs: this.clock.now() });
    if (!changed) throw errors.notFound();
    await this.storage.notify('keys', id);
    return { view: this.view(changed.after), before: this.view(changed.before) };
  }

  /**
   * Emergency rotation: every key gets a new value in one transaction (no grace window; earlier previous values are
   * forgotten), refused from the next request on, on every node. Answers the keys with their new values.
   */
  async regenerateAll(p: Principal): Promise<ApiKeyView[]> {
    this.assertManager(p);
    if (!canManageApplicationKeys(p)) throw errors.forbidden();
    const after = await this.storage.transaction(async (tx) => {
      const out: StoredKey[] = [];
      for (const row of await tx.listKeys()) {
        const changed = await tx.updateKey(row.id, this.rotation(row, 0));
        if (changed) out.push(changed.after);
      }
      return out;
    });
    await this.storage.notify('keys', '*');
    return after.map((k) => this.view(k));
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
    const row = await this.managedRow(p, id);
    if (!row) throw errors.notFound();
    if (row.kind !== 'user-defined') throw errors.conflict('Application API keys cannot be removed; regenerate them instead');
    await this.storage.deleteKey(id);
    await this.storage.notify('keys', id);
    return this.view(row);
  }

  async get(p: Principal, id: string): Promise<ApiKeyView> {
    this.assertManager(p);
    const row = await this.managedRow(p, id);
    if (!row) throw errors.notFound();
    return this.view(row);
  }

  private async insert(kind: KeyKind, name: string, rules: KeyRule[], extra: KeyFields = {}): Promise<StoredKey> {
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
      requestLimit: extra.requestLimit ?? null,
      createdMs: now,
      updatedMs: now,
      lastUsedMs: null,
      expiresMs: extra.expiresMs ?? null,
      prevHmac: null,
      prevUntilMs: null,
      allowedNetworks: JSON.stringify(extra.allowedNetworks ?? []),
      allowedOrigins: JSON.stringify(extra.allowedOrigins ?? []),
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
      expiresAt: k.expiresMs === null ? null : iso(k.expiresMs),
      previousValidUntil:
        k.prevHmac !== null && k.prevUntilMs !== null && k.prevUntilMs > this.clock.now() ? iso(k.prevUntilMs) : null,
      allowedNetworks: JSON.parse(k.allowedNetworks) as string[],
      allowedOrigins: JSON.parse(k.allowedOrigins) as string[],
    };
  }

  /**
   * The row of a key id from a URL. Ids are UUIDs: text no key can have (a NUL byte, which PostgreSQL refuses in any
   * query, or an endless string) is simply no key.
   */
  private async keyRow(id: string): Promise<StoredKey | undefined> {
    if (id.length > 100 || id.includes('\u0000')) return undefined;
    return this.storage.getKey(id);
  }

  private assertManager(p: Principal): void {
    if (!canManageKeys(p)) throw errors.forbidden();
  }

  /**
   * No escalation through keys (issue 16): a manager below administrator sees and manages only user-defined keys
   * within their own rights; application keys are administrators' alone. Others' keys are no key to them (404).
   */
  private within(p: Principal, row: Pick<StoredKey, 'kind' | 'rules'>): boolean {
    if (canManageApplicationKeys(p)) return true;
    return row.kind === 'user-defined' && rulesBeyond(p, JSON.parse(row.rules) as KeyRule[]).length === 0;
  }

  private async managedRow(p: Principal, id: string): Promise<StoredKey | undefined> {
    const row = await this.keyRow(id);
    return row && this.within(p, row) ? row : undefined;
  }

  private assertRulesWithin(p: Principal, rules: readonly KeyRule[]): void {
    const beyond = rulesBeyond(p, rules);
    if (beyond.length > 0)
      throw new AppError(403, { code: 403, message: `Access denied: beyond your own rights on ${beyond.join(', ')}` });
  }
}
