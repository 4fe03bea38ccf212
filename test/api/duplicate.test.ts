import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, relation, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const C = '/api/v1/content';
const ref = (type: string, id: string) => ({ type: 'internal', dataUrl: `${C}/${type}/${id}` });

describe.each(dialectsUnderTest())('POST …/{id}/duplicate on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    const rw = t().rw;
    const mk = async (body: unknown) => {
      const r = await t().call('POST', '/api/v1/internal/contenttype', { key: rw, body });
      expect(r.statusCode, r.body).toBe(200);
    };
    await mk(ctd('author', { name: text({ required: true }) }));
    await mk(
      ctd('post', {
        title: text({ required: true }),
        slug: text({ unique: true }),
        note: text(),
        image: relation('_media'),
        tags: relation('_tag'),
        author: relation('author'),
      }),
    );
    await mk(ctd('draft', { title: text({ required: true }) }, { draftPublic: true }));
    const media = {
      id: '_media-1',
      fileName: 'a.png',
      mimeType: 'image/png',
      size: 1,
      width: 1,
      height: 1,
      url: '/image/0x0/_media-1.png',
      externalId: '',
      source: 'disk',
      extension: 'png',
      type: 'image',
    };
    expect((await t().call('POST', `${C}/_media`, { key: rw, body: media })).statusCode).toBe(200);
    expect((await t().call('POST', `${C}/_tag`, { key: rw, body: { id: '_tag-1', name: 'nature' } })).statusCode).toBe(200);
    expect((await t().call('POST', `${C}/author`, { key: rw, body: { id: 'a1', name: 'Ann' } })).statusCode).toBe(200);
    const post = {
      id: 'p1',
      title: 'Hello',
      slug: 'hello',
      note: 'kept as is',
      image: [ref('_media', '_media-1')],
      tags: [ref('_tag', '_tag-1')],
      author: [ref('author', 'a1')],
    };
    expect((await t().call('POST', `${C}/post`, { key: rw, body: post })).statusCode).toBe(200);
  });

  it('creates a new object: required and unique text fields suffixed, other fields and relations kept', async () => {
    const res = await t().call('POST', `${C}/post/p1/duplicate`, { key: t().rw, body: {} });
    expect(res.statusCode, res.body).toBe(200);
    const copy = res.json();
    expect(copy.id).not.toBe('p1');
    expect(copy.title).toMatch(/^Hello-[0-9a-f]{6}$/);
    expect(copy.slug).toMatch(/^hello-[0-9a-f]{6}$/);
    expect(copy.note).toBe('kept as is');
    expect(copy.image).toEqual([ref('_media', '_media-1')]);
    expect(copy.tags).toEqual([ref('_tag', '_tag-1')]);
    expect(copy.author).toEqual([ref('author', 'a1')]);
    const stored = await t().call('GET', `${C}/post/${copy.id}`, { key: t().ro });
    expect(stored.json().title).toBe(copy.title);
    // a second duplicate does not collide on the unique field
    expect((await t().call('POST', `${C}/post/p1/duplicate`, { key: t().rw })).statusCode).toBe(200);
    const list = await t().call('GET', `${C}/post?limit=10`, { key: t().ro });
    expect(list.json().total_count).toBe(3);
  });

  it('duplicates the related objects named in relatedObjectsToDuplicate, never media or tags', async () => {
    const media = await t().call('GET', `${C}/_media`, { key: t().ro });
    const tags = await t().call('GET', `${C}/_tag`, { key: t().ro });
    const res = await t().call('POST', `${C}/post/p1/duplicate`, {
      key: t().rw,
      body: { relatedObjectsToDuplicate: ['a1', '_media-1', '_tag-1'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const copy = res.json();
    expect(copy.image).toEqual([ref('_media', '_media-1')]);
    expect(copy.tags).toEqual([ref('_tag', '_tag-1')]);
    const authorUrl = copy.author[0].dataUrl as string;
    expect(authorUrl).not.toBe(`${C}/author/a1`);
    const author = await t().call('GET', authorUrl, { key: t().ro });
    expect(author.json().name).toMatch(/^Ann-[0-9a-f]{6}$/);
    expect((await t().call('GET', `${C}/_media`, { key: t().ro })).json().total_count).toBe(media.json().total_count);
    expect((await t().call('GET', `${C}/_tag`, { key: t().ro })).json().total_count).toBe(tags.json().total_count);
  });

  it('a Draft & Public copy is a draft, even of a published object', async () => {
    expect((await t().call('POST', `${C}/draft`, { key: t().rw, body: { id: 'd1', title: 'T' } })).statusCode).toBe(200);
    expect((await t().call('POST', `${C}/draft/d1/publish`, { key: t().rw })).statusCode).toBe(204);
    const res = await t().call('POST', `${C}/draft/d1/duplicate`, { key: t().rw });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().internal.status).toBe('draft');
  });

  it('404 for a missing object, 400 for a bad body, 403 without create or without read', async () => {
    expect((await t().call('POST', `${C}/post/nope/duplicate`, { key: t().rw })).statusCode).toBe(404);
    expect(
      (await t().call('POST', `${C}/post/p1/duplicate`, { key: t().rw, body: { relatedObjectsToDuplicate: 'a1' } })).statusCode,
    ).toBe(400);
    expect((await t().call('POST', `${C}/post/p1/duplicate`, { key: t().ro })).statusCode).toBe(403);
    const both = await t().app.services.keys.createUserDefined(SYSTEM, 'cr', [
      { ctdName: 'post', canRead: true, canCreate: true, canUpdate: false, canDelete: false },
      // a relation is a read: the copy keeps its author, image and tags, so the key must read those types
      { ctdName: 'author', canRead: true, canCreate: false, canUpdate: false, canDelete: false },
      { ctdName: '_media', canRead: true, canCreate: false, canUpdate: false, canDelete: false },
      { ctdName: '_tag', canRead: true, canCreate: false, canUpdate: false, canDelete: false },
    ]);
    const ok = await t().call('POST', `${C}/post/p1/duplicate`, { key: both.key });
    expect(ok.statusCode, ok.body).toBe(200);
    // duplicating the author needs create on authors: refused, and nothing is written
    const before = (await t().call('GET', `${C}/post?limit=1`, { key: t().ro })).json().total_count;
    const res = await t().call('POST', `${C}/post/p1/duplicate`, { key: both.key, body: { relatedObjectsToDuplicate: ['a1'] } });
    expect(res.statusCode).toBe(403);
    expect((await t().call('GET', `${C}/post?limit=1`, { key: t().ro })).json().total_count).toBe(before);
  });
});
