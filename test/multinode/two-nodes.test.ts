import { describe, expect, inject, it } from 'vitest';
import { nodeLogin as login, nodePanel as panel, nodeStatus as status, useTwoNodes } from '../support/nodes.js';

describe.skipIf(!inject('pgAvailable'))('two Flotilla processes sharing one PostgreSQL', () => {
  const nodes = useTwoNodes();

  it('a key changed, regenerated or removed through node A is narrowed or refused by node B at once', async () => {
    const s = await login(nodes.a());
    const rw = ((await (await panel(nodes.a(), s, 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[]).find(
      (k) => k.kind === 'read-write',
    )!.key;
    const ctd = (name: string) => ({
      name,
      label: name,
      schemaDefinition: {
        type: 'object',
        allOf: [
          { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
          { type: 'object', properties: { t: { type: 'string' } } },
        ],
        required: [],
        additionalProperties: false,
      },
      metaDefinition: { order: ['t'], propertiesConfig: { t: { label: 'T', inputType: 'text', unique: false } } },
    });
    const made = await fetch(`${nodes.a().url}/api/v1/internal/contenttype`, {
      method: 'POST',
      headers: { 'x-auth-token': rw, 'content-type': 'application/json' },
      body: JSON.stringify(ctd('shared')),
    });
    expect(made.status).toBe(200);
    // the type created on A is served by B (its type cache was dropped by the signal, or never held it)
    expect(await status(nodes.b(), '/api/v1/content/shared', rw)).toBe(200);

    const created = (await (
      await panel(nodes.a(), s, 'POST', '/panel/api/keys', { name: 'Roaming', rules: [{ ctdName: 'shared', canRead: true }] })
    ).json()) as { id: string; key: string };
    expect(await status(nodes.b(), '/api/v1/content/shared', created.key)).toBe(200);
    expect(await status(nodes.b(), '/api/v1/content/shared', created.key)).toBe(200);

    expect((await panel(nodes.a(), s, 'PUT', `/panel/api/keys/${created.id}`, { name: 'Roaming', rules: [] })).status).toBe(200);
    expect(await status(nodes.b(), '/api/v1/content/shared', created.key)).toBe(403);

    const regen = (await (await panel(nodes.a(), s, 'POST', `/panel/api/keys/${created.id}/regenerate`)).json()) as {
      key: string;
    };
    expect(await status(nodes.b(), '/api/auth-context', created.key)).toBe(401);
    expect(await status(nodes.b(), '/api/auth-context', regen.key)).toBe(200);

    expect((await panel(nodes.a(), s, 'DELETE', `/panel/api/keys/${created.id}`)).status).toBe(204);
    expect(await status(nodes.b(), '/api/auth-context', regen.key)).toBe(401);
    expect(await status(nodes.a(), '/api/auth-context', regen.key)).toBe(401);
  });

  it('a session ended on node A is refused by node B', async () => {
    const s = await login(nodes.a());
    expect((await panel(nodes.b(), s, 'GET', '/panel/api/session')).status).toBe(200);
    expect((await panel(nodes.a(), s, 'DELETE', '/panel/api/session')).status).toBe(204);
    expect((await panel(nodes.b(), s, 'GET', '/panel/api/session')).status).toBe(401);
  });
});
