import { contentApi } from './content.js';
import { request } from './http.js';
import type { ContentObject } from './types.js';

/*
 * The wire shapes of webhooks. The server's own types live in modules that import Node (src/webhooks), which the
 * Panel's build cannot follow, so the contract's fields are written out here.
 */

export type WebhookType = 'async' | 'sync' | 'ctd';

/** A `_webhooks` object with Flotiq's fields (fields the Panel does not edit, e.g. `code`, are kept as they are). */
export interface WebhookObject extends ContentObject {
  name: string;
  type?: WebhookType;
  url?: string;
  enabled?: boolean;
  content_type_definitions?: { content_type_definition_name: string }[];
  actions?: { action: string }[];
  headers?: { header_name: string; header_value: string }[];
}

/** One delivery attempt series, as `/panel/api/webhooks/{id}/executions` lists them (newest first). */
export interface Execution {
  id: number;
  status: 'pending' | 'done' | 'error';
  attempts: number;
  httpStatus: number | null;
  durationMs: number | null;
  error: string | null;
  action: string;
  contentTypeName: string | null;
  objectId: string | null;
  createdAt: string;
}

const TYPE = '_webhooks';
const one = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

export const webhooksApi = {
  list: async () => (await contentApi.list(TYPE, { limit: 1000, orderBy: 'name', direction: 'asc' })).data as WebhookObject[],
  get: (id: string) => contentApi.get(TYPE, id) as Promise<WebhookObject>,
  create: (body: Record<string, unknown>) => contentApi.create(TYPE, body) as Promise<WebhookObject>,
  replace: (id: string, body: Record<string, unknown>) => contentApi.replace(TYPE, id, body) as Promise<WebhookObject>,
  remove: (id: string) => contentApi.remove(TYPE, id),
  /** Reveals the signing secret (written to the audit trail). */
  secret: async (id: string) => (await request<{ secret: string }>('GET', `${one(id)}/secret`)).secret,
  /** A new signing secret; the old one stops signing at once. */
  rotateSecret: async (id: string) => (await request<{ secret: string }>('POST', `${one(id)}/secret`)).secret,
  executions: (id: string) => request<Execution[]>('GET', `${one(id)}/executions`),
  sendTest: (id: string) => request<Execution>('POST', `${one(id)}/test`),
  /** "Run webhook" (Custom action) on one object. */
  run: (id: string, contentTypeName: string, objectId: string) =>
    request<Execution>('POST', `${one(id)}/run`, { contentTypeName, objectId }),
};
