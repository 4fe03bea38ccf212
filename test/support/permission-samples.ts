import { expect } from 'vitest';
import { ctd, text } from './fixtures.js';
import type { TestApp } from './test-app.js';

/**
 * The permission matrices' shared samples: one real request per API route, and the content types they act on. The
 * key matrix (test/parity/permission-matrix.test.ts) and the session matrix (test/parity/session-matrix.test.ts) both
 * send them, so a route has one sample whichever way it is reached.
 */
export const TYPES = ['alpha', 'beta'] as const;
export type TypeName = (typeof TYPES)[number];

/** alpha and beta (one object `o1` each) and their Draft & Public twins alpha_dp and beta_dp, made with the read-write key. */
export async function makeMatrixTypes(t: TestApp): Promise<void> {
  for (const type of TYPES) {
    for (const [name, extra] of [
      [type, {}],
      [`${type}_dp`, { draftPublic: true }],
    ] as const) {
      const made = await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: ctd(name, { title: text() }, extra) });
      expect(made.statusCode, made.body).toBe(200);
    }
    expect((await t.call('POST', `/api/v1/content/${type}`, { key: t.rw, body: { id: 'o1', title: 'one' } })).statusCode).toBe(
      200,
    );
  }
}

export interface Sample {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The status of a permitted call. */
  ok: number;
  /** The content type the request acts on, when it is not the one the sample was asked for. */
  type?: string;
}

/** A real multipart upload of a small text file. */
export function multipartText(): { body: string; headers: Record<string, string> } {
  const boundary = `----matrix${fresh()}`;
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="type"',
    '',
    'file',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="note.txt"',
    'Content-Type: text/plain',
    '',
    'hello from the permission matrix',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let counter = 0;
/** A new lower-case name each call (CTD names allow only a-z and _): the counter written in base 26 letters. */
export const fresh = () => {
  let n = counter++;
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `${out}_`;
};

/**
 * One representative request per API route; `type` is alpha or beta (publications act on its Draft & Public twin,
 * alpha_dp or beta_dp); fixtures are made with the read-write key. The permission matrix sends them with keys, the
 * session matrix with Panel sessions under /panel.
 */
export const SAMPLES: Record<string, (t: TestApp, type: TypeName) => Promise<Sample>> = {
  'GET /api/auth-context': async () => ({ method: 'GET', url: '/api/auth-context', ok: 200 }),
  'GET /api/v1/open-api-schema.json': async () => ({ method: 'GET', url: '/api/v1/open-api-schema.json', ok: 200 }),
  'GET /api/v1/internal/contenttype': async () => ({ method: 'GET', url: '/api/v1/internal/contenttype', ok: 200 }),
  'POST /api/v1/internal/contenttype': async () => ({
    method: 'POST',
    url: '/api/v1/internal/contenttype',
    body: ctd(`m${fresh()}`, { a: text() }),
    ok: 200,
  }),
  'GET /api/v1/internal/contenttype/:name': async (_t, type) => ({
    method: 'GET',
    url: `/api/v1/internal/contenttype/${type}`,
    ok: 200,
  }),
  'PUT /api/v1/internal/contenttype/:name': async (_t, type) => ({
    method: 'PUT',
    url: `/api/v1/internal/contenttype/${type}`,
    body: ctd(type, { title: text() }),
    ok: 200,
  }),
  'DELETE /api/v1/internal/contenttype/:name': async (t) => {
    const name = `d${fresh()}`;
    await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: ctd(name, { a: text() }) });
    return { method: 'DELETE', url: `/api/v1/internal/contenttype/${name}`, ok: 200 };
  },
  'POST /api/v1/internal/contenttype/:name/purge': async (t) => {
    const name = `p${fresh()}`;
    await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: ctd(name, { a: text() }) });
    return { method: 'POST', url: `/api/v1/internal/contenttype/${name}/purge`, body: {}, ok: 204 };
  },
  'GET /api/v1/content/:type': async (_t, type) => ({ method: 'GET', url: `/api/v1/content/${type}`, ok: 200 }),
  'POST /api/v1/content/:type': async (_t, type) => ({
    method: 'POST',
    url: `/api/v1/content/${type}`,
    body: { title: 'new' },
    ok: 200,
  }),
  'POST /api/v1/content/:type/batch': async (_t, type) => ({
    method: 'POST',
    url: `/api/v1/content/${type}/batch`,
    body: [{ title: 'b' }],
    ok: 200,
  }),
  'PATCH /api/v1/content/:type/batch': async (_t, type) => ({
    method: 'PATCH',
    url: `/api/v1/content/${type}/batch`,
    body: [{ id: 'o1', title: 'p' }],
    ok: 200,
  }),
  'POST /api/v1/content/:type/batch-delete': async (t, type) => ({
    method: 'POST',
    url: `/api/v1/content/${type}/batch-delete`,
    body: [await object(t, type)],
    ok: 200,
  }),
  'GET /api/v1/content/:type/removed': async (_t, type) => ({ method: 'GET', url: `/api/v1/content/${type}/removed`, ok: 200 }),
  'GET /api/v1/content/:type/:id': async (_t, type) => ({ method: 'GET', url: `/api/v1/content/${type}/o1`, ok: 200 }),
  'PUT /api/v1/content/:type/:id': async (_t, type) => ({
    method: 'PUT',
    url: `/api/v1/content/${type}/o1`,
    body: { title: 'put' },
    ok: 200,
  }),
  'PATCH /api/v1/content/:type/:id': async (_t, type) => ({
    method: 'PATCH',
    url: `/api/v1/content/${type}/o1`,
    body: { title: 'patch' },
    ok: 200,
  }),
  'DELETE /api/v1/content/:type/:id': async (t, type) => ({
    method: 'DELETE',
    url: `/api/v1/content/${type}/${await object(t, type)}`,
    ok: 200,
  }),
  'POST /api/v1/content/:type/:id/duplicate': async (t, type) => ({
    method: 'POST',
    url: `/api/v1/content/${type}/${await object(t, type)}/duplicate`,
    ok: 200,
  }),
  'GET /api/v1/content/:type/:id/version': async (_t, type) => ({
    method: 'GET',
    url: `/api/v1/content/${type}/o1/version`,
    ok: 200,
  }),
  'GET /api/v1/content/:type/:id/version/:version': async (_t, type) => ({
    method: 'GET',
    url: `/api/v1/content/${type}/o1/version/1`,
    ok: 200,
  }),
  // GraphQL: every valid key gets a schema of its readable types (what it may see is tested in graphql.test.ts)
  'POST /api/v2/graphql': async () => ({ method: 'POST', url: '/api/v2/graphql', body: { query: '{ __typename }' }, ok: 200 }),
  'GET /api/v2/graphql': async () => ({ method: 'GET', url: '/api/v2/graphql?query=%7B__typename%7D', ok: 200 }),
  'GET /api/v2/graphql/schema': async () => ({ method: 'GET', url: '/api/v2/graphql/schema', ok: 200 }),
  'POST /api/graphql': async () => ({ method: 'POST', url: '/api/graphql', body: { query: '{ __typename }' }, ok: 200 }),
  'GET /api/graphql': async () => ({ method: 'GET', url: '/api/graphql?query=%7B__typename%7D', ok: 200 }),
  'GET /api/graphql/schema': async () => ({ method: 'GET', url: '/api/graphql/schema', ok: 200 }),
  // search itself is open to every key; asking for a type the key cannot read is the 403 case
  'GET /api/v1/search': async (_t, type) => ({ method: 'GET', url: `/api/v1/search?q=*&content_type[]=${type}`, ok: 200 }),
  'POST /api/media': async () => ({ method: 'POST', url: '/api/media', ...multipartText(), ok: 200 }),
  ...publicationSamples(),
};

/** A new draft object of `type`'s Draft & Public twin (each publication sample needs its own). */
async function draftObject(t: TestApp, type: TypeName): Promise<{ type: string; id: string }> {
  const dp = `${type}_dp`;
  const id = `x${fresh()}`;
  const made = await t.call('POST', `/api/v1/content/${dp}`, { key: t.rw, body: { id, title: 'x' } });
  expect(made.statusCode, made.body).toBe(200);
  return { type: dp, id };
}

function publicationSamples(): Record<string, (t: TestApp, type: TypeName) => Promise<Sample>> {
  const out: Record<string, (t: TestApp, type: TypeName) => Promise<Sample>> = {};
  for (const action of ['publish', 'unpublish', 'archive']) {
    out[`POST /api/v1/content/:type/:id/${action}`] = async (t, type) => {
      const o = await draftObject(t, type);
      return { method: 'POST', url: `/api/v1/content/${o.type}/${o.id}/${action}`, ok: 204, type: o.type };
    };
    out[`POST /api/v1/content/:type/batch-${action}`] = async (t, type) => {
      const o = await draftObject(t, type);
      return { method: 'POST', url: `/api/v1/content/${o.type}/batch-${action}`, body: [o.id], ok: 204, type: o.type };
    };
  }
  return out;
}

async function object(t: TestApp, type: TypeName): Promise<string> {
  const id = `x${fresh()}`;
  const res = await t.call('POST', `/api/v1/content/${type}`, { key: t.rw, body: { id, title: 'x' } });
  expect(res.statusCode).toBe(200);
  return id;
}
