import { randomUUID } from 'node:crypto';
import { canManageKeys } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { KeyKind, KeyRule, Principal } from '../core/principal.js';
import type { Storage, StoredKey } from '../storage/port.js';
import { generateKey, looksLikeKey, type KeyCrypto } from './key-crypto.js';

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
}

const TOUCH_EVERY_MS = 60_000;
const APPLICATION_NAMES: Record<'read-only' | 'read-write', string> = {
  'read-only': 'Read only API KEY',
  'read-write': 'Read and write API KEY',
};

/** API keys: lookup for authentication, and management for the Panel (session principals only). */
export class ApiKeysService {
  /** hmac → principal; dropped on every 'keys' signal (from this node or, over PostgreSQL, any node). */
  private readonly cache = new Map<string, Principal & { kind: 'api-key' }>();
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    private readonly crypto: KeyCrypto,
    private readonly clock: Clock,
  ) {
    storage.subscribe((channel) => {
      if (channel === 'keys') this.cache.clear();
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
  async authenticate(presented: string): Promise<(Principal & { kind: 'api-key' }) | undefined> {
    if (!looksLikeKey(presented)) return undefined;
    const hmac = this.crypto.hmac(presented);
    let principal = this.cache.get(hmac);
    if (!principal) {
      const row = await this.storage.getKeyByHmac(hmac);
      if (!row || !this.crypto.sameHmac(row.hmac, hmac)) return undefined;
      principal = Object.freeze({
        kind: 'api-key' as const,
        keyId: row.id,
        keyKind: row.kind,
        name: row.name,
        rules: Object.freeze(JSON.parse(row.rules) as KeyRule[]),
      });
      this.cache.set(hmac, principal);
    }
    this.touch(principal.keyId);
    return principal;
  }

  /** lastUsedAt is written at most once a minute per key, off the request path. */
  private touch(keyId: string): void {
    const now = this.clock.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouched.set(keyId, now);
    void this.storage.touchKey(keyId, now).catch(() => undefined);
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

  /** Creates a user-defined key with these rules (rules are validated by the caller against existing types). */
  async createUserDefined(p: Principal, name: string, rules: KeyRule[]): Promise<ApiKeyView> {
    this.assertManager(p);
    const row = await this.insert('user-defined', name, rules);
    await this.storage.notify('keys', row.id);
    return this.view(row);
  }

  private async insert(kind: KeyKind, name: string, rules: KeyRule[]): Promise<StoredKey> {
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
      requestLimit: null,
      createdMs: now,
      updatedMs: now,
      lastUsedMs: null,
    };
    await this.storage.insertKey(row);
    return row;
  }

  /** Names of user-defined keys with a rule on `type` (a CTD they reference cannot be deleted). */
  async keysReferencing(p: Principal, type: string): Promise<string[]> {
    this.assertManager(p);
    return (await this.storage.listKeys())
      .filter((k) => k.kind === 'user-defined' && (JSON.parse(k.rules) as KeyRule[]).some((r) => r.ctdName === type))
      .map((k) => k.name);
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
    };
  }

  private assertManager(p: Principal): void {
    if (!canManageKeys(p)) throw errors.forbidden();
  }
}
