import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

// gatsby-source-flotiq's own data loader (the module its gatsby-node.js calls), unchanged, against a real server.
const require = createRequire(import.meta.url);
type Ctd = { name: string; label: string };
const loader = require('gatsby-source-flotiq/src/data-loader') as {
  getContentTypes(reporter: unknown, options: object, apiUrl: string): Promise<Ctd[]>;
  getDeletedObjects(
    fns: object,
    options: object,
    since: string,
    types: Ctd[],
    apiUrl: string,
    onDeleted: (ctd: Ctd, id: string) => Promise<void>,
  ): Promise<number>;
  getContentObjects(
    fns: object,
    options: object,
    since: string | null,
    types: Ctd[],
    apiUrl: string,
    onObject: (ctd: Ctd, o: { id: string }) => Promise<void>,
  ): Promise<number>;
};
const reporter = { info: () => undefined, success: () => undefined, warn: (...a: unknown[]) => console.warn(...a) };

/** The plugin's `since`: UTC `YYYY-MM-DD HH:MM:SS`. */
const gatsbyTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

describe.each(dialectsUnderTest())('gatsby-source-flotiq incremental sync on %s', (dialect) => {
  const t = useTestApp(dialect);
  let apiUrl: string;
  let options: { authToken: string; singleFetchLimit: number };

  beforeAll(async () => {
    apiUrl = await t().app.server.listen({ port: 0, host: '127.0.0.1' });
    options = { authToken: t().ro, singleFetchLimit: 2 };
    await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('recipe', { title: text() }, { label: 'B Recipes' }),
    });
    await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('chef', { name: text() }, { label: 'A Chefs' }),
    });
    for (let i = 1; i <= 5; i++)
      await t().call('POST', '/api/v1/content/recipe', { key: t().rw, body: { id: `r${i}`, title: `Recipe ${i}` } });
    await t().call('POST', '/api/v1/content/chef', { key: t().rw, body: { id: 'c1', name: 'Ada' } });
  });

  it('reads the CTD list ordered by label', async () => {
    const types = await loader.getContentTypes(reporter, options, apiUrl);
    const user = types.filter((c) => !c.name.startsWith('_'));
    expect(user.map((c) => c.name)).toEqual(['chef', 'recipe']);
    const labels = types.map((c) => c.label);
    expect(labels).toEqual([...labels].sort());
  });

  it('downloads every object, page by page, then only the changes since the last build', async () => {
    const types = (await loader.getContentTypes(reporter, options, apiUrl)).filter((c) => !c.name.startsWith('_'));
    const seen: string[] = [];
    const fns = { reporter, getNodesByType: () => ({ count: 0 }) };
    await loader.getContentObjects(fns, options, null, types, apiUrl, async (c, o) => void seen.push(`${c.name}/${o.id}`));
    expect(seen.sort()).toEqual(['chef/c1', 'recipe/r1', 'recipe/r2', 'recipe/r3', 'recipe/r4', 'recipe/r5']);

    // the next build starts at a whole second, as the plugin's timestamps have second precision
    const sinceMs = Math.ceil((Date.now() + 1) / 1000) * 1000;
    await new Promise((r) => setTimeout(r, sinceMs - Date.now() + 20));
    const since = gatsbyTime(sinceMs);
    await t().call('PATCH', '/api/v1/content/recipe/r2', { key: t().rw, body: { title: 'Recipe 2, revised' } });
    await t().call('DELETE', '/api/v1/content/recipe/r4', { key: t().rw });
    await t().call('POST', '/api/v1/content/chef', { key: t().rw, body: { id: 'c2', name: 'Grace' } });

    const deleted: string[] = [];
    await loader.getDeletedObjects(fns, options, since, types, apiUrl, async (c, id) => void deleted.push(`${c.name}/${id}`));
    expect(deleted).toEqual(['recipe/r4']);
    const changed: string[] = [];
    await loader.getContentObjects(fns, options, since, types, apiUrl, async (c, o) => void changed.push(`${c.name}/${o.id}`));
    expect(changed.sort()).toEqual(['chef/c2', 'recipe/r2']);
  });

  it('after a purge, the incremental sync drops every purged object', async () => {
    const types = (await loader.getContentTypes(reporter, options, apiUrl)).filter((c) => !c.name.startsWith('_'));
    const fns = { reporter, getNodesByType: () => ({ count: 0 }) };
    const sinceMs = Math.ceil((Date.now() + 1) / 1000) * 1000;
    await new Promise((r) => setTimeout(r, sinceMs - Date.now() + 20));
    const purge = await t().call('POST', '/api/v1/internal/contenttype/recipe/purge', { key: t().rw, body: {} });
    expect(purge.statusCode, purge.body).toBe(204);
    const deleted: string[] = [];
    await loader.getDeletedObjects(
      fns,
      options,
      gatsbyTime(sinceMs),
      types,
      apiUrl,
      async (c, id) => void deleted.push(`${c.name}/${id}`),
    );
    // r4 was deleted before this build's start: only the objects the purge removed are new
    expect(deleted.sort()).toEqual(['recipe/r1', 'recipe/r2', 'recipe/r3', 'recipe/r5']);
    // an id used again is an object again, not a removed one
    expect(
      (await t().call('POST', '/api/v1/content/recipe', { key: t().rw, body: { id: 'r1', title: 'Back' } })).statusCode,
    ).toBe(200);
    const again: string[] = [];
    await loader.getDeletedObjects(
      fns,
      options,
      gatsbyTime(sinceMs),
      types,
      apiUrl,
      async (c, id) => void again.push(`${c.name}/${id}`),
    );
    expect(again.sort()).toEqual(['recipe/r2', 'recipe/r3', 'recipe/r5']);
  });
});
