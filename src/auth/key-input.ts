import { addFieldError, type FieldErrors } from '../core/errors.js';
import type { KeyRule } from '../core/principal.js';
import { canonicalNetwork, canonicalOrigin, MAX_LIMIT_ENTRIES } from './key-limits.js';

/** What the Panel may send for a key (raw: every field is checked here). */
export interface KeyInput {
  name?: unknown;
  rules?: unknown;
  requestLimit?: unknown;
  expiresAt?: unknown;
  allowedNetworks?: unknown;
  allowedOrigins?: unknown;
}

/** Sanitized key fields; absent ones are left as they are. */
export interface KeyFields {
  name?: string;
  rules?: KeyRule[];
  requestLimit?: number | null;
  /** Epoch milliseconds, or null for a key that never expires. */
  expiresMs?: number | null;
  allowedNetworks?: string[];
  allowedOrigins?: string[];
}

const FLAGS = ['canRead', 'canCreate', 'canUpdate', 'canDelete', 'canPreview', 'canPublish'] as const;
/** An ISO 8601 instant with a time zone (what `Date.prototype.toISOString` and the Panel's picker produce). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks raw Panel input: rules name existing types (`types`), one rule per type, booleans only; limits are
 * canonical CIDR ranges and origins; the expiry an ISO instant. Field errors are collected into `errs`.
 */
export function sanitizeKeyInput(body: KeyInput, creating: boolean, types: ReadonlySet<string>, errs: FieldErrors): KeyFields {
  const out: KeyFields = {};
  if (body.name !== undefined || creating) {
    if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 100) {
      addFieldError(errs, 'name', 'The name is required (1 to 100 characters)');
    } else out.name = body.name.trim();
  }
  if (body.rules !== undefined || creating) out.rules = sanitizeRules(body.rules ?? [], types, errs);
  if (body.requestLimit !== undefined) {
    const n = body.requestLimit;
    if (n === null) out.requestLimit = null;
    else if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
      addFieldError(errs, 'requestLimit', 'Must be null or a whole number of requests per minute (1 to 1000000)');
    } else out.requestLimit = n;
  }
  if (body.expiresAt !== undefined) {
    const v = body.expiresAt;
    const ms = typeof v === 'string' && ISO_INSTANT.test(v) ? Date.parse(v) : NaN;
    if (v === null) out.expiresMs = null;
    else if (!Number.isFinite(ms) || ms < 0 || ms > 253_402_300_799_000) {
      addFieldError(errs, 'expiresAt', 'Must be null or a date and time with a time zone, e.g. 2030-01-31T12:00:00Z');
    } else out.expiresMs = ms;
  }
  if (body.allowedNetworks !== undefined) {
    out.allowedNetworks = sanitizeList(
      body.allowedNetworks,
      'allowedNetworks',
      canonicalNetwork,
      errs,
      (x) => `${JSON.stringify(x)} is not an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32)`,
    );
  }
  if (body.allowedOrigins !== undefined) {
    out.allowedOrigins = sanitizeList(
      body.allowedOrigins,
      'allowedOrigins',
      canonicalOrigin,
      errs,
      (x) => `${JSON.stringify(x)} is not an origin (scheme://host[:port], without a path, e.g. https://site.example)`,
    );
  }
  return out;
}

function sanitizeRules(raw: unknown, types: ReadonlySet<string>, errs: FieldErrors): KeyRule[] {
  if (!Array.isArray(raw)) {
    addFieldError(errs, 'rules', 'Rules must be a list');
    return [];
  }
  const seen = new Set<string>();
  const out: KeyRule[] = [];
  raw.forEach((r: unknown, i) => {
    const rule = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const name = Object.hasOwn(rule, 'ctdName') ? rule.ctdName : undefined;
    if (typeof name !== 'string' || !types.has(name)) {
      addFieldError(errs, `rules[${i}].ctdName`, `Content type ${JSON.stringify(name)} does not exist`);
      return;
    }
    if (seen.has(name)) addFieldError(errs, `rules[${i}].ctdName`, `There is already a rule for ${name}`);
    seen.add(name);
    const flag = (f: (typeof FLAGS)[number]) => (Object.hasOwn(rule, f) ? rule[f] : undefined);
    for (const f of FLAGS) {
      if (flag(f) !== undefined && typeof flag(f) !== 'boolean') addFieldError(errs, `rules[${i}].${f}`, 'Must be true or false');
    }
    out.push({
      ctdName: name,
      canRead: flag('canRead') === true,
      canCreate: flag('canCreate') === true,
      canUpdate: flag('canUpdate') === true,
      canDelete: flag('canDelete') === true,
      canPreview: flag('canPreview') === true,
      canPublish: flag('canPublish') === true,
    });
  });
  return out;
}

/** A list of at most MAX_LIMIT_ENTRIES strings, each made canonical by `canonical`; duplicates count once. */
function sanitizeList(
  raw: unknown,
  field: string,
  canonical: (s: string) => string | undefined,
  errs: FieldErrors,
  message: (x: unknown) => string,
): string[] {
  if (!Array.isArray(raw)) {
    addFieldError(errs, field, 'Must be a list');
    return [];
  }
  if (raw.length > MAX_LIMIT_ENTRIES) addFieldError(errs, field, `At most ${MAX_LIMIT_ENTRIES} entries`);
  const out: string[] = [];
  raw.slice(0, MAX_LIMIT_ENTRIES).forEach((x: unknown, i) => {
    const c = typeof x === 'string' && x.length <= 300 ? canonical(x) : undefined;
    if (c === undefined) addFieldError(errs, `${field}[${i}]`, message(typeof x === 'string' ? x.slice(0, 100) : x));
    else if (!out.includes(c)) out.push(c);
  });
  return out;
}
