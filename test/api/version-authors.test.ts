import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, rule, text } from '../support/fixtures.js';
import { ADMIN, panelCall, panelLogin, useTestApp } from '../support/test-app.js';

/** Versions say who made the object (`owner`) and who wrote each version (`editor`): a key's name or a user's e-mail. */
describe.each(dialectsUnderTest())('owner and editor of versions on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('names the key or Panel user behind every version', async () => {
    const rw = t().rw;
    expect(
      (await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body: ctd('memo', { title: text() }) })).statusCode,
    ).toBe(200);
    const writer = await t().app.services.keys.createUserDefined(SYSTEM, 'Importer', [
      rule('memo', { canCreate: true, canRead: true }),
    ]);
    expect(
      (await t().call('POST', '/api/v1/content/memo', { key: writer.key, body: { id: 'm1', title: 'one' } })).statusCode,
    ).toBe(200);
    expect((await t().call('PATCH', '/api/v1/content/memo/m1', { key: rw, body: { title: 'two' } })).statusCode).toBe(200);
    const session = await panelLogin(t());
    expect((await panelCall(t(), session, 'PATCH', '/panel/api/v1/content/memo/m1', { title: 'three' })).statusCode).toBe(200);
    const res = await t().call('GET', '/api/v1/content/memo/m1/version?order_direction=asc', { key: rw });
    expect(res.statusCode, res.body).toBe(200);
    const versions = (res.json().data as { version: number; owner: string; editor: string }[]).map(
      ({ version, owner, editor }) => ({
        version,
        owner,
        editor,
      }),
    );
    expect(versions).toEqual([
      { version: 1, owner: 'Importer', editor: 'Importer' },
      { version: 2, owner: 'Importer', editor: 'Read and write API KEY' },
      { version: 3, owner: 'Importer', editor: ADMIN.email },
    ]);
  });
});
