import { request } from './http.js';
import type { ContentObject, ListEnvelope } from './types.js';

export interface ListQuery {
  page?: number;
  limit?: number;
  orderBy?: string;
  direction?: 'asc' | 'desc';
  /** Flotiq's `filters` JSON, already serialised. */
  filters?: string;
  ids?: string[];
  /** Read the latest state, drafts included (`X-MODE: preview`); otherwise what the world sees. */
  preview?: boolean;
}

export type PublicationAction = 'publish' | 'unpublish' | 'archive';

/** A publication planned for later, as `/panel/api/content/{type}/{id}/schedule` describes it. */
export interface Schedule {
  action: 'publish' | 'unpublish';
  at: string;
  createdAt: string;
}

const base = (type: string) => `/v1/content/${encodeURIComponent(type)}`;
const one = (type: string, id: string) => `${base(type)}/${encodeURIComponent(id)}`;
const plan = (type: string, id: string) => `/content/${encodeURIComponent(type)}/${encodeURIComponent(id)}/schedule`;
const mode = (preview: boolean | undefined): { headers?: Record<string, string> } =>
  preview ? { headers: { 'x-mode': 'preview' } } : {};

function query(q: ListQuery): string {
  const p = new URLSearchParams();
  if (q.page) p.set('page', String(q.page));
  if (q.limit) p.set('limit', String(q.limit));
  if (q.orderBy) p.set('order_by', q.orderBy);
  if (q.direction) p.set('order_direction', q.direction);
  if (q.filters) p.set('filters', q.filters);
  for (const id of q.ids ?? []) p.append('ids[]', id);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const contentApi = {
  list: (type: string, q: ListQuery = {}) =>
    request<ListEnvelope<ContentObject>>('GET', `${base(type)}${query(q)}`, undefined, mode(q.preview)),
  get: (type: string, id: string, opts: { preview?: boolean } = {}) =>
    request<ContentObject>('GET', one(type, id), undefined, mode(opts.preview)),
  create: (type: string, body: Record<string, unknown>) => request<ContentObject>('POST', base(type), body),
  replace: (type: string, id: string, body: Record<string, unknown>) => request<ContentObject>('PUT', one(type, id), body),
  remove: (type: string, id: string) => request<void>('DELETE', one(type, id)),
  /** Publish, unpublish or archive one object of a Draft & Public type. */
  act: (type: string, id: string, action: PublicationAction) => request<void>('POST', `${one(type, id)}/${action}`),
  schedule: async (type: string, id: string) => (await request<{ schedule: Schedule | null }>('GET', plan(type, id))).schedule,
  /** Plans a publish or unpublish at `at` (ISO, at least a minute ahead); replaces any plan. */
  setSchedule: async (type: string, id: string, action: Schedule['action'], at: string) =>
    (await request<{ schedule: Schedule }>('PUT', plan(type, id), { action, at })).schedule,
  cancelSchedule: (type: string, id: string) => request<void>('DELETE', plan(type, id)),
  /** "Restore this version": the server writes version `version`'s fields as a new version; answers its number. */
  restore: async (type: string, id: string, version: number) =>
    (
      await request<{ version: number }>(
        'POST',
        `/content/${encodeURIComponent(type)}/${encodeURIComponent(id)}/versions/${version}/restore`,
      )
    ).version,
};

/** `/api/v1/content/{type}/{id}` → its type and id, or undefined for another kind of URL. */
export function parseDataUrl(dataUrl: string): { type: string; id: string } | undefined {
  const m = /^\/api\/v1\/content\/([^/]+)\/([^/]+)$/.exec(dataUrl);
  return m ? { type: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) } : undefined;
}

export const dataUrlOf = (type: string, id: string) => `/api/v1/content/${type}/${id}`;
