import type { FieldErrors } from '../api/types.js';
import type { WebhookObject, WebhookType } from '../api/webhooks.js';

/** What a person edits in the webhook form. */
export interface WebhookDraft {
  name: string;
  type: WebhookType;
  url: string;
  enabled: boolean;
  /** Content type names; none means every type. */
  types: string[];
  actions: string[];
  headers: { name: string; value: string }[];
}

export const ACTIONS = [
  { action: 'Create', help: 'an object was created' },
  { action: 'Update', help: 'an object was changed' },
  { action: 'Delete', help: 'an object was deleted' },
  { action: 'Custom', help: '“Run webhook” on an object’s page' },
] as const;

export const TYPES: { type: WebhookType; label: string }[] = [
  { type: 'async', label: 'Asynchronous: after content changes' },
  { type: 'sync', label: 'Synchronous: before content changes (may change or refuse the write)' },
  { type: 'ctd', label: 'Content type definitions: after a type changes' },
];

export const EMPTY_DRAFT: WebhookDraft = {
  name: '',
  type: 'async',
  url: '',
  enabled: true,
  types: [],
  actions: ['Create', 'Update', 'Delete'],
  headers: [],
};

export function draftOf(w: WebhookObject): WebhookDraft {
  return {
    name: w.name ?? '',
    type: w.type === 'sync' || w.type === 'ctd' ? w.type : 'async',
    url: w.url ?? '',
    enabled: w.enabled === true,
    types: (w.content_type_definitions ?? []).map((d) => d.content_type_definition_name),
    actions: (w.actions ?? []).map((a) => a.action),
    headers: (w.headers ?? []).map((h) => ({ name: h.header_name, value: h.header_value })),
  };
}

/** The `_webhooks` body to save: the draft's fields over the stored ones the form does not edit. */
export function bodyOf(d: WebhookDraft, saved?: WebhookObject): Record<string, unknown> {
  const { id: _id, internal: _internal, ...kept } = saved ?? { id: '' };
  return {
    ...kept,
    name: d.name.trim(),
    type: d.type,
    url: d.url.trim(),
    enabled: d.enabled,
    content_type_definitions: d.types.map((content_type_definition_name) => ({ content_type_definition_name })),
    actions: d.actions.map((action) => ({ action })),
    headers: d.headers.map((h) => ({ header_name: h.name.trim(), header_value: h.value })),
  };
}

/** Whether the form holds changes the server does not have (always, for a webhook never saved). */
export function isDirty(d: WebhookDraft, saved: WebhookObject | undefined): boolean {
  return !saved || JSON.stringify(bodyOf(d)) !== JSON.stringify(bodyOf(draftOf(saved)));
}

/** The messages about `path` and everything under it (`headers.0` collects `headers.0.header_name`). */
export function errorsAt(errors: FieldErrors, path: string): string[] {
  return Object.entries(errors)
    .filter(([k]) => k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`))
    .flatMap(([, m]) => m);
}

const FORM_FIELDS = ['name', 'type', 'url', 'enabled', 'content_type_definitions', 'actions', 'headers'];

/** Messages about no field of the form (e.g. `__webhook`, `executionMode`): shown above it. */
export function otherErrors(errors: FieldErrors): string[] {
  return Object.entries(errors)
    .filter(([k]) => !FORM_FIELDS.includes(k.split(/[.[]/)[0]))
    .flatMap(([, m]) => m);
}

/** What the browser can tell before saving; the server checks the rest (URL policy, read access). */
export function draftProblems(d: WebhookDraft): FieldErrors {
  const out: FieldErrors = {};
  if (!d.name.trim()) out.name = ['The name is required'];
  if (d.actions.length === 0) out.actions = ['Choose at least one action'];
  d.headers.forEach((h, i) => {
    if (!h.name.trim()) out[`headers.${i}.header_name`] = ['The header name is required'];
  });
  return out;
}
