import { request } from './http.js';
import type { ContentType, ListEnvelope } from './types.js';

const BASE = '/v1/internal/contenttype';
const one = (name: string) => `${BASE}/${encodeURIComponent(name)}`;

/** The CTD body the Panel sends (the server fills in id and timestamps). */
export type ContentTypeBody = Omit<ContentType, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'internal'>;

export const contentTypesApi = {
  /** Every type (or only user / only internal ones), by label. */
  list: (internal?: boolean) =>
    request<ListEnvelope<ContentType>>(
      'GET',
      `${BASE}?limit=1000&order_by=label${internal === undefined ? '' : `&internal=${internal ? 1 : 0}`}`,
    ),
  get: (name: string) => request<ContentType>('GET', one(name)),
  create: (body: ContentTypeBody) => request<ContentType>('POST', BASE, body),
  update: (name: string, body: ContentTypeBody) => request<ContentType>('PUT', one(name), body),
  remove: (name: string) => request<void>('DELETE', one(name)),
};
