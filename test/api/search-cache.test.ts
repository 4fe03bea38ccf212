import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

describe.each(dialectsUnderTest())('repeated searches stay exact on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('reflects every write between two identical searches, and never serves one scope to another', async () => {
    for (const type of ['open', 'hidden']) {
      await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd(type, { title: text() }) });
      await t().call('POST', `/api/v1/content/${type}`, { key: t().rw, body: { id: `${type}-1`, title: 'lighthouse keeper' } });
    }
    const ids = async (key: string) =>
      ((await t().call('GET', '/api/v1/search?q=lighthouse', { key })).json().data as { item: { id: string } }[])
        .map((h) => h.item.id)
        .sort();
    expect(await ids(t().ro)).toEqual(['hidden-1', 'open-1']);
    expect(await ids(t().ro)).toEqual(['hidden-1', 'open-1']);
    const narrow = (
      await t().app.services.keys.createUserDefined(SYSTEM, 'open only', [
        { ctdName: 'open', canRead: true, canCreate: false, canUpdate: false, canDelete: false },
      ])
    ).key;
    expect(await ids(narrow)).toEqual(['open-1']);
    await t().call('POST', '/api/v1/content/open', { key: t().rw, body: { id: 'open-2', title: 'another lighthouse' } });
    expect(await ids(t().ro)).toEqual(['hidden-1', 'open-1', 'open-2']);
    expect(await ids(narrow)).toEqual(['open-1', 'open-2']);
    await t().call('DELETE', '/api/v1/content/open/open-1', { key: t().rw });
    expect(await ids(t().ro)).toEqual(['hidden-1', 'open-2']);
    await t().call('PATCH', '/api/v1/content/hidden/hidden-1', { key: t().rw, body: { title: 'keeper only' } });
    expect(await ids(t().ro)).toEqual(['open-2']);
  });
});
