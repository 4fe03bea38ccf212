import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyKind } from '../core/principal.js';

const PREFIX: Record<KeyKind, string> = { 'read-only': 'ro', 'read-write': 'rw', 'user-defined': 'u' };
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Recognises a Flotilla key anywhere in text: for log redaction and the secret-scan tests. */
export const KEY_PATTERN = /fla_(?:ro|rw|u)_[0-9A-Za-z]{32,}/g;

function randomBase62(length: number): string {
  // rejection sampling keeps the characters uniform
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

/** A new key value: `fla_<kind>_<40 base62>` (~238 bits). */
export function generateKey(kind: KeyKind): string {
  return `fla_${PREFIX[kind]}_${randomBase62(40)}`;
}

export function looksLikeKey(value: string): boolean {
  return /^fla_(?:ro|rw|u)_[0-9A-Za-z]{32,128}$/.test(value);
}

/** Derives independent HMAC and encryption keys from the master secret. */
export class KeyCrypto {
  private readonly macKey: Buffer;
  private readonly encKey: Buffer;

  constructor(masterSecret: string) {
    const ikm = Buffer.from(masterSecret, 'utf8');
    this.macKey = Buffer.from(hkdfSync('sha256', ikm, 'flotilla', 'api-key-lookup', 32));
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, 'flotilla', 'api-key-encryption', 32));
  }

  /** The lookup value stored in the database. */
  hmac(key: string): string {
    return createHmac('sha256', this.macKey).update(key).digest('hex');
  }

  /** Constant-time comparison of two hex HMACs. */
  sameHmac(a: string, b: string): boolean {
    const x = Buffer.from(a, 'hex');
    const y = Buffer.from(b, 'hex');
    return x.length === y.length && timingSafeEqual(x, y);
  }

  /** AES-256-GCM, bound to the key's id so a ciphertext cannot be moved to another row. */
  encrypt(key: string, keyId: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    c.setAAD(Buffer.from(keyId));
    const body = Buffer.concat([c.update(key, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(payload: string, keyId: string): string {
    const [v, iv, body, tag] = payload.split('.');
    if (v !== 'v1') throw new Error('unknown key encryption version');
    const d = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(keyId));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}
