import type { ApiKey, ContentType, KeyLimits, KeyRule } from '../api/types.js';

/** What a person edits on a user-defined key card; limits as the form holds them (text). */
export interface KeyDraft {
  name: string;
  rules: KeyRule[];
  /** A `datetime-local` value in the browser's time zone; '' for a key that never expires. */
  expiresAt: string;
  /** Requests per minute; '' for unlimited. */
  requestLimit: string;
  /** CIDR ranges, one a line. */
  networks: string;
  /** Origins, one a line. */
  origins: string;
}

/** The limits part of a draft, for a key that has none yet. */
export const NO_LIMITS = { expiresAt: '', requestLimit: '', networks: '', origins: '' } as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as a `datetime-local` value in the browser's time zone ('' for none). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (the browser's time zone) as an ISO instant; null for ''. */
export function fromLocalInput(value: string): string | null {
  if (value.trim() === '') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** What the server is sent for a draft's limits. */
export function limitsOf(d: KeyDraft): KeyLimits {
  return {
    expiresAt: fromLocalInput(d.expiresAt),
    requestLimit: d.requestLimit.trim() === '' ? null : Number(d.requestLimit),
    allowedNetworks: lines(d.networks),
    allowedOrigins: lines(d.origins),
  };
}

/** Keys expiring within this long are marked "Expires soon". */
export const EXPIRES_SOON_MS = 7 * 24 * 3600_000;

/** Whether a key has expired, expires within 7 days, or neither. */
export function expiryState(key: Pick<ApiKey, 'expiresAt'>, nowMs: number): 'expired' | 'soon' | undefined {
  if (!key.expiresAt) return undefined;
  const at = Date.parse(key.expiresAt);
  if (at <= nowMs) return 'expired';
  return at - nowMs <= EXPIRES_SOON_MS ? 'soon' : undefined;
}

export const GRANTS = [
  { flag: 'canRead', label: 'Read' },
  { flag: 'canCreate', label: 'Create' },
  { flag: 'canUpdate', label: 'Update' },
  { flag: 'canDelete', label: 'Delete' },
] as const;

/** Grants that only mean something for a content type with Draft & Public. */
export const DRAFT_PUBLIC_GRANTS = [
  { flag: 'canPreview', label: 'Preview' },
  { flag: 'canPublish', label: 'Publish' },
] as const;

export type GrantFlag = (typeof GRANTS)[number]['flag'] | (typeof DRAFT_PUBLIC_GRANTS)[number]['flag'];

/** The grants a rule row offers for a type: the four, and Preview and Publish for a Draft & Public type. */
export const grantsFor = (t: Pick<ContentType, 'draftPublic'> | undefined) =>
  t?.draftPublic ? [...GRANTS, ...DRAFT_PUBLIC_GRANTS] : [...GRANTS];

/** A rule moved to another type: Preview and Publish do not carry over to a type without Draft & Public. */
export function retarget(rule: KeyRule, t: Pick<ContentType, 'name' | 'draftPublic'> | undefined, name: string): KeyRule {
  return t?.draftPublic ? { ...rule, ctdName: name } : { ...rule, ctdName: name, canPreview: false, canPublish: false };
}

export function draftOf(
  key: Pick<ApiKey, 'name' | 'rules' | 'expiresAt' | 'requestLimit' | 'allowedNetworks' | 'allowedOrigins'>,
): KeyDraft {
  return {
    name: key.name,
    rules: key.rules.map((r) => ({ ...r })),
    expiresAt: toLocalInput(key.expiresAt),
    requestLimit: key.requestLimit == null ? '' : String(key.requestLimit),
    networks: (key.allowedNetworks ?? []).join('\n'),
    origins: (key.allowedOrigins ?? []).join('\n'),
  };
}

const canonical = (d: KeyDraft) =>
  JSON.stringify({
    name: d.name.trim(),
    rules: d.rules.map((r) => [r.ctdName, r.canRead, r.canCreate, r.canUpdate, r.canDelete, !!r.canPreview, !!r.canPublish]),
    expiresAt: d.expiresAt,
    requestLimit: d.requestLimit.trim(),
    networks: lines(d.networks),
    origins: lines(d.origins),
  });

/** Whether the card holds changes the server does not have (always, for a key never saved). */
export function isDirty(draft: KeyDraft, saved: ApiKey | undefined): boolean {
  return !saved || canonical(draft) !== canonical(draftOf(saved));
}

/** How a content type is named in a rule's selector: internal types say so, e.g. "Media (internal)". */
export function typeLabel(t: Pick<ContentType, 'label' | 'internal'>): string {
  return t.internal ? `${t.label} (internal)` : t.label;
}

/** A new rule for the first type that has none yet (read granted), or undefined when every type has one. */
export function nextRule(types: Pick<ContentType, 'name'>[], rules: KeyRule[]): KeyRule | undefined {
  const used = new Set(rules.map((r) => r.ctdName));
  const free = types.find((t) => !used.has(t.name));
  return free && { ctdName: free.name, canRead: true, canCreate: false, canUpdate: false, canDelete: false };
}

/** Problems the server would refuse, found before sending: a missing name, two rules for one type. */
export function draftProblems(d: KeyDraft): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (d.name.trim() === '') out.name = ['The name is required'];
  const limit = d.requestLimit.trim();
  if (limit !== '' && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1_000_000))
    out.requestLimit = ['A whole number of requests per minute (1 to 1000000), or empty for no limit'];
  if (d.expiresAt !== '' && Number.isNaN(new Date(d.expiresAt).getTime())) out.expiresAt = ['Not a date and time'];
  const seen = new Set<string>();
  d.rules.forEach((r, i) => {
    if (seen.has(r.ctdName)) out[`rules[${i}].ctdName`] = [`There is already a rule for this content type`];
    seen.add(r.ctdName);
  });
  return out;
}
