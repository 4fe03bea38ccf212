import type { ApiKey, ContentType, KeyRule } from '../api/types.js';

/** What a person edits on a user-defined key card. */
export interface KeyDraft {
  name: string;
  rules: KeyRule[];
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

export function draftOf(key: Pick<ApiKey, 'name' | 'rules'>): KeyDraft {
  return { name: key.name, rules: key.rules.map((r) => ({ ...r })) };
}

const canonical = (d: KeyDraft) =>
  JSON.stringify({
    name: d.name.trim(),
    rules: d.rules.map((r) => [r.ctdName, r.canRead, r.canCreate, r.canUpdate, r.canDelete, !!r.canPreview, !!r.canPublish]),
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
  const seen = new Set<string>();
  d.rules.forEach((r, i) => {
    if (seen.has(r.ctdName)) out[`rules[${i}].ctdName`] = [`There is already a rule for this content type`];
    seen.add(r.ctdName);
  });
  return out;
}
