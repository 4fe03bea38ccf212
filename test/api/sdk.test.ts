import { Flotiq } from '@flotiq/flotiq-api-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, ref, relation, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

// The official client, unchanged, pointed at a real listening Flotilla: the README examples of the SDK.
describe.each(dialectsUnderTest())('@flotiq/flotiq-api-sdk against Flotilla on %s', (dialect) => {
  const t = useTestApp(dialect);
  let rw: Flotiq;
  let ro: Flotiq;
  let apiUrl: string;

  beforeAll(async () => {
    apiUrl = await t().app.server.listen({ port: 0, host: '127.0.0.1' });
    rw = new Flotiq({ apiKey: t().rw, apiUrl });
    ro = new Flotiq({ apiKey: t().ro, apiUrl });
    const res = await t().call('POST', '/api/v1/internal/contenttype', {
      key: t().rw,
      body: ctd('blogpost', { title: text({ required: true, isTitlePart: true }), image: relation('_media') }),
    });
    expect(res.statusCode).toBe(200);
    for (let i = 0; i < 7; i++) {
      const media = {
        id: `_media-${i}`,
        fileName: `file-${String.fromCharCode(103 - i)}.png`,
        mimeType: 'image/png',
        size: 10,
        width: 1,
        height: 1,
        url: `/image/0x0/_media-${i}.png`,
        externalId: '',
        source: 'disk',
        extension: 'png',
        type: 'image',
      };
      const r = await t().call('POST', '/api/v1/content/_media', { key: t().rw, body: media });
      expect(r.statusCode, r.body).toBe(200);
    }
    await t().call('POST', '/api/v1/content/_tag', { key: t().rw, body: { id: '_tag-1', name: 'nature' } });
    await t().call('PATCH', '/api/v1/content/_media/_media-0', { key: t().rw, body: { tags: [ref('_tag', '_tag-1')] } });
  });

  afterAll(() => vi.restoreAllMocks());

  it('lists objects with paging and ordering (README: List objects)', async () => {
    const all = await ro.content._media.list();
    expect(all.total_count).toBe(7);
    const page = await ro.content._media.list({ page: 1, limit: 100, orderBy: 'fileName', orderDirection: 'asc' });
    expect(page.data.map((m: { fileName: string }) => m.fileName)).toEqual(
      [...page.data.map((m: { fileName: string }) => m.fileName)].sort(),
    );
    expect(page.data[0].fileName).toBe('file-a.png');
  });

  it('gets an object, hydrated to one and two levels, and builds media URLs (README: Get, Hydrate, Generate media url)', async () => {
    const media = await ro.content._media.get('_media-0');
    expect(media.id).toBe('_media-0');
    const hydrated = await ro.content._media.get('_media-0', { hydrate: 1 });
    expect(hydrated.tags[0]).toMatchObject({ id: '_tag-1', name: 'nature' });
    const twice = await ro.content._media.get('_media-0', { hydrate: 2 });
    expect(twice.tags[0].name).toBe('nature');
    expect(ro.helpers.getMediaUrl(media, { width: 200, height: 200 })).toBe(`${apiUrl}/image/200x200/_media-0/file-g.png`);
  });

  it('creates, filters, updates and patches (README: Create objects, Filter Objects)', async () => {
    const post = await rw.content.blogpost.create({ title: 'New post 2', image: [ref('_media', '_media-3')] });
    expect(post.id).toMatch(/^blogpost-/);
    await rw.content.blogpost.create({ title: 'No image' });
    const withImage = await ro.content.blogpost.list({ filters: { image: { type: 'contains', filter: '_media' } } });
    expect(withImage.data.map((p: { title: string }) => p.title)).toEqual(['New post 2']);
    const updated = await rw.content.blogpost.update(post.id, { title: 'Renamed' });
    expect(updated.title).toBe('Renamed');
    const patched = await rw.content.blogpost.patch(post.id, { image: [] });
    expect(patched).toMatchObject({ title: 'Renamed', image: [] });
  });

  it('iterates all pages (README: Iterate all pages)', async () => {
    const params = { page: 1, limit: 3, orderBy: 'fileName', orderDirection: 'asc' as const };
    const names: string[] = [];
    let result;
    do {
      result = await ro.content._media.list(params);
      names.push(...result.data.map((m: { fileName: string }) => m.fileName));
      params.page++;
    } while (result.total_pages > result.current_page);
    expect(names).toHaveLength(7);
    expect(params.page).toBe(4);
  });

  it('surfaces a denied write as an error carrying our 403 body', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(ro.content.blogpost.create({ title: 'x' })).rejects.toThrow(/Access denied/);
    spy.mockRestore();
  });

  it('delete(): resolves (we answer 200 with a JSON body, which the SDK parses), and the object is gone', async () => {
    const post = await rw.content.blogpost.create({ title: 'To delete' });
    await expect(rw.content.blogpost.delete(post.id)).resolves.toEqual({ deletedCount: 1 });
    expect((await t().call('GET', `/api/v1/content/blogpost/${post.id}`, { key: t().ro })).statusCode).toBe(404);
    // a missing object is still the SDK's error, not a silent success
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(rw.content.blogpost.delete(post.id)).rejects.toThrow();
    spy.mockRestore();
  });
});
