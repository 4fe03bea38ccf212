import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM, type KeyRule } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, rule, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

/**
 * A write must never answer a question about data the key cannot read: not through the object it writes
 * (`internal.objectTitle` is derived from stored fields), and not through the relations it stores ("does not exist"
 * against "saved" for a type it cannot read). And a write that changes nothing writes nothing.
 */
const SECRET = 'sk_live_do_not_reveal';

describe.each(dialectsUnderTest())('write-to-read oracles on %s', (dialect) => {
  const t = useTestApp(dialect);
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    const rw = t().rw;
    const types = [
      ctd('vault', { secret: text(), label: text() }),
      ctd('secret', { name: text() }),
      ctd('note', { title: text(), about: relation('secret') }),
      ctd('pin', { title: text(), anything: relation('') }),
    ];
    for (const body of types) {
      expect((await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body })).statusCode).toBe(200);
    }
    expect(
      (await t().call('POST', '/api/v1/content/vault', { key: rw, body: { id: 'v1', secret: SECRET, label: 'a' } })).statusCode,
    ).toBe(200);
    expect((await t().call('POST', '/api/v1/content/secret', { key: rw, body: { id: 's2', name: 'exists' } })).statusCode).toBe(
      200,
    );
    const ud = async (name: string, rules: KeyRule[]) => (await t().app.services.keys.createUserDefined(SYSTEM, name, rules)).key;
    keys.updateOnly = await ud('vault update-only', [rule('vault', { canUpdate: true })]);
    keys.createOnly = await ud('vault create-only', [rule('vault', { canCreate: true })]);
    keys.noteWriter = await ud('note writer', [rule('note', { canCreate: true, canUpdate: true, canRead: true })]);
    keys.pinWriter = await ud('pin writer', [rule('pin', { canCreate: true, canRead: true })]);
    keys.noteAndSecretReader = await ud('note writer, secret reader', [
      rule('note', { canCreate: true, canRead: true }),
      rule('secret', { canRead: true }),
    ]);
  });

  /** The answer holds the id and server facts only: no stored value, nothing derived from one. */
  function expectStub(body: string, id: string) {
    expect(body).not.toContain(SECRET);
    const json = JSON.parse(body) as { id: string; internal: Record<string, unknown> };
    expect(Object.keys(json).sort()).toEqual(['id', 'internal']);
    expect(json.id).toBe(id);
    expect(json.internal).not.toHaveProperty('objectTitle');
    expect(json.internal.contentType).toBe('vault');
  }

  it('PATCH by an update-only key answers no objectTitle (the first text field it cannot read)', async () => {
    const res = await t().call('PATCH', '/api/v1/content/vault/v1', { key: keys.updateOnly, body: { label: 'x' } });
    expect(res.statusCode, res.body).toBe(200);
    expectStub(res.body, 'v1');
  });

  it('PUT by an update-only key answers the stub too', async () => {
    const res = await t().call('PUT', '/api/v1/content/vault/v1', {
      key: keys.updateOnly,
      body: { secret: SECRET, label: 'y' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expectStub(res.body, 'v1');
  });

  it('create by a create-only key answers the stub', async () => {
    const res = await t().call('POST', '/api/v1/content/vault', { key: keys.createOnly, body: { id: 'v2', secret: SECRET } });
    expect(res.statusCode, res.body).toBe(200);
    expectStub(res.body, 'v2');
  });

  it('a write that changes nothing adds no version (PATCH {}, PATCH with the same value, PUT in another key order)', async () => {
    const rw = t().rw;
    const before = (await t().call('GET', '/api/v1/content/vault/v1', { key: rw })).json();
    for (const [method, body] of [
      ['PATCH', {}],
      ['PATCH', {}],
      ['PATCH', { label: before.label }],
      ['PUT', { label: before.label, secret: before.secret }],
    ] as const) {
      const res = await t().call(method, '/api/v1/content/vault/v1', { key: rw, body });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().internal.latestVersion).toBe(before.internal.latestVersion);
      expect(res.json().internal.updatedAt).toBe(before.internal.updatedAt);
    }
    const versions = await t().call('GET', '/api/v1/content/vault/v1/version', { key: rw });
    expect(versions.statusCode, versions.body).toBe(200);
    const after = (await t().call('GET', '/api/v1/content/vault/v1', { key: rw })).json();
    expect(after.internal.latestVersion).toBe(before.internal.latestVersion);
    // and a real change still makes one
    const changed = await t().call('PATCH', '/api/v1/content/vault/v1', { key: rw, body: { label: 'changed' } });
    expect(changed.json().internal.latestVersion).toBe(before.internal.latestVersion + 1);
  });

  it('a relation to an unreadable type is refused alike whether or not the target exists (single and batch)', async () => {
    const answers: string[] = [];
    for (const id of ['s2', 's999']) {
      const res = await t().call('POST', '/api/v1/content/note', {
        key: keys.noteWriter,
        body: { title: `to ${id}`, about: [ref('secret', id)] },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ about: ['No read access to the related content type secret'] });
      answers.push(res.body);
      const batch = await t().call('POST', '/api/v1/content/note/batch', {
        key: keys.noteWriter,
        body: [{ title: `batch to ${id}`, about: [ref('secret', id)] }],
      });
      expect(batch.statusCode, batch.body).toBe(400);
      expect(batch.json().errors[0].errors).toEqual({ about: ['No read access to the related content type secret'] });
    }
    expect(answers[0]).toBe(answers[1]);
    const stored = await t().call('GET', '/api/v1/content/note?limit=100', { key: t().rw });
    expect(stored.json().total_count).toBe(0);
  });

  it('an any-type relation and PATCH follow the same rule', async () => {
    for (const id of ['s2', 's999']) {
      const res = await t().call('POST', '/api/v1/content/pin', {
        key: keys.pinWriter,
        body: { title: 'p', anything: [ref('secret', id)] },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ anything: ['No read access to the related content type secret'] });
    }
    const rw = t().rw;
    expect((await t().call('POST', '/api/v1/content/note', { key: rw, body: { id: 'n1', title: 'n' } })).statusCode).toBe(200);
    for (const id of ['s2', 's999']) {
      const res = await t().call('PATCH', '/api/v1/content/note/n1', {
        key: keys.noteWriter,
        body: { about: [ref('secret', id)] },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ about: ['No read access to the related content type secret'] });
    }
  });

  it('a key that may read the target type still learns existence (the documented check)', async () => {
    const missing = await t().call('POST', '/api/v1/content/note', {
      key: keys.noteAndSecretReader,
      body: { title: 'x', about: [ref('secret', 's999')] },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ about: ['This value does not exist in database'] });
    const ok = await t().call('POST', '/api/v1/content/note', {
      key: keys.noteAndSecretReader,
      body: { title: 'y', about: [ref('secret', 's2')] },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});
