import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const C = '/api/v1/content';

/** Duplicate reads what it copies: a key that may create but not read must learn nothing through it. */
describe.each(dialectsUnderTest())('hostile duplicate on %s', (dialect) => {
  const t = useTestApp(dialect);
  let createOnly = '';

  beforeAll(async () => {
    const made = await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('secret', { title: text({ required: true }) }),
    });
    expect(made.statusCode).toBe(200);
    expect((await t().call('POST', `${C}/secret`, { key: t().rw, body: { id: 's1', title: 'classified' } })).statusCode).toBe(
      200,
    );
    createOnly = (
      await t().app.services.keys.createUserDefined(SYSTEM, 'create only', [
        { ctdName: 'secret', canRead: false, canCreate: true, canUpdate: false, canDelete: false },
      ])
    ).key;
  });

  it('a create-only key gets the same 403 for an existing and a missing object, and nothing is written', async () => {
    const existing = await t().call('POST', `${C}/secret/s1/duplicate`, { key: createOnly });
    const missing = await t().call('POST', `${C}/secret/nope/duplicate`, { key: createOnly });
    for (const res of [existing, missing]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 403, message: 'Access denied' });
      expect(res.body).not.toContain('classified');
    }
    expect((await t().call('GET', `${C}/secret`, { key: t().ro })).json().total_count).toBe(1);
  });

  it('prototype names in the path are plain names: 404 (or 400), never a crash or a copy', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
      const asId = await t().call('POST', `${C}/secret/${name}/duplicate`, { key: t().rw });
      expect(asId.statusCode, `id ${name}`).toBe(404);
      const asType = await t().call('POST', `${C}/${name}/s1/duplicate`, { key: t().rw });
      expect([400, 404], `type ${name}: ${asType.body}`).toContain(asType.statusCode);
      const body = await t().call('POST', `${C}/secret/s1/duplicate`, {
        key: t().rw,
        body: `{"__proto__":{"relatedObjectsToDuplicate":["s1"]},"${name}":1}`,
      });
      expect(body.statusCode, body.body).toBe(200);
      expect(body.json().title).toMatch(/^classified-[0-9a-f]{6}$/);
    }
    expect(({} as Record<string, unknown>).relatedObjectsToDuplicate).toBeUndefined();
  });
});
