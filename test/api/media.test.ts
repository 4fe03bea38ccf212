import { statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { dialectsUnderTest } from '../support/databases.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { COLORS, decoded, filesUnder, get, near, PDF, quadrants, TEXT, upload } from './media-fixtures.js';

const NOT_FOUND = { code: 404, message: 'Not found' };

async function uploaded(t: TestApp, filename: string, type: string, data: Buffer) {
  const res = await upload(t, t.rw, { filename, type, data });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { id: string; url: string; fileName: string };
}

describe.each(dialectsUnderTest())('GET /image/... on %s', (dialect) => {
  const t = useTestApp(dialect);
  let png: Buffer;
  let id: string;
  let jpegId: string;
  let textId: string;

  beforeAll(async () => {
    png = await quadrants('png', 400, 300);
    id = (await uploaded(t(), 'quad.png', 'image/png', png)).id;
    jpegId = (await uploaded(t(), 'quad.jpg', 'image/jpeg', await quadrants('jpeg', 400, 300))).id;
    textId = (await upload(t(), t().rw, { filename: 'a.txt', type: 'text/plain', data: TEXT }, { type: 'file' })).json().id;
  });

  it('0x0 is the original, byte for byte, with the stored type, validators and a day of caching', async () => {
    const res = await get(t(), `/image/0x0/${id}.png`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(png)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=86400',
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
    });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(Date.parse(String(res.headers['last-modified']))).not.toBeNaN();
    const text = await get(t(), `/image/0x0/${textId}.txt`);
    expect(text.headers['content-type']).toBe('text/plain');
    expect(text.body).toBe(TEXT.toString());
  });

  it('resizes: one side proportionally, both sides crop to fill, never larger than the original', async () => {
    const cases: [string, number, number][] = [
      ['200x0', 200, 150],
      ['0x150', 200, 150],
      ['100x100', 100, 100],
      ['800x0', 400, 300],
      ['0x3000', 400, 300],
      ['1000x1000', 300, 300],
      ['800x200', 400, 100],
    ];
    for (const [size, w, h] of cases) {
      const res = await get(t(), `/image/${size}/${id}.png`);
      expect(res.statusCode, size).toBe(200);
      expect(await decoded(res.rawPayload), size).toMatchObject({ width: w, height: h, format: 'png' });
    }
    // a cover crop keeps the centre: 100x300 out of 400x300 is the middle column, red|green over blue|white
    const tall = await decoded((await get(t(), `/image/100x300/${id}.png`)).rawPayload);
    expect(tall).toMatchObject({ width: 100, height: 300 });
    expect(
      [tall.pixel(10, 10), tall.pixel(90, 10), tall.pixel(10, 290), tall.pixel(90, 290)].map((p, i) =>
        near(p, Object.values(COLORS)[i]),
      ),
    ).toEqual([true, true, true, true]);
    const jpeg = await get(t(), `/image/120x0/${jpegId}.jpg`);
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect(await decoded(jpeg.rawPayload)).toMatchObject({ width: 120, height: 90, format: 'jpeg' });
  });

  it('resizes GIF and WebP in their own format; vector images are served as they are at any size', async () => {
    for (const [format, ext] of [
      ['gif', 'gif'],
      ['webp', 'webp'],
    ] as const) {
      const m = await uploaded(t(), `q.${ext}`, `image/${format}`, await quadrants(format, 64, 32));
      const res = await get(t(), `/image/32x0/${m.id}.${ext}`);
      expect(res.headers['content-type']).toBe(`image/${format}`);
      expect(await decoded(res.rawPayload)).toMatchObject({ width: 32, height: 16, format });
    }
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="red"/></svg>',
    );
    const m = await uploaded(t(), 'logo.svg', 'image/svg+xml', svg);
    expect(m).toMatchObject({ mimeType: 'image/svg+xml', extension: 'svg', type: 'image', width: 120, height: 60 });
    const res = await get(t(), `/image/400x0/${m.id}/logo.svg`);
    expect(res.rawPayload.equals(svg)).toBe(true);
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect((await get(t(), `/image/0x0/${m.id}/logo.svg/transform/trim/0,0,10,10`)).statusCode).toBe(400);
  });

  it('serves the SEO form with any name, but the extension must match', async () => {
    const seo = await get(t(), `/image/200x0/${id}/any-name-at-all.png`);
    expect(seo.statusCode).toBe(200);
    expect(await decoded(seo.rawPayload)).toMatchObject({ width: 200, height: 150 });
    for (const url of [`/image/200x0/${id}.jpg`, `/image/200x0/${id}/quad.jpg`, `/image/0x0/${id}`]) {
      const res = await get(t(), url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual(NOT_FOUND);
    }
  });

  it('answers Flotiq 404s for unknown files and sizes that are not sizes; bounds W and H', async () => {
    for (const url of [
      '/image/0x0/_media-nope.png',
      '/image/0x0/_media-nope/a.png',
      `/image/abc/${id}.png`,
      `/image/0x0/${id}/a.png/variant/nope`,
    ]) {
      const res = await get(t(), url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual(NOT_FOUND);
    }
    const huge = await get(t(), `/image/6000x0/${id}.png`);
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toEqual({ code: 400, message: 'Width and height must be at most 5000' });
  });

  it('serves non-image files only at 0x0', async () => {
    const res = await get(t(), `/image/200x0/${textId}.txt`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 400, message: 'Only images can be resized or transformed' });
    const pdf = await uploaded(t(), 'doc.pdf', 'application/pdf', PDF);
    expect((await get(t(), `/image/0x0/${pdf.id}/doc.pdf?transform={"trim":{"top":1}}`)).statusCode).toBe(400);
  });

  it('trims before resizing: ?transform= JSON and the /transform/trim/{top},{right},{width},{height} path', async () => {
    const q = encodeURIComponent(JSON.stringify({ trim: { top: 0, left: 200, width: 200, height: 150 } }));
    const tr = await decoded((await get(t(), `/image/0x0/${id}/x.png?transform=${q}`)).rawPayload);
    expect(tr).toMatchObject({ width: 200, height: 150 });
    expect(near(tr.center, COLORS.tr)).toBe(true);
    // top=150, right=0: the 200x150 window touching the right edge, i.e. the bottom-right quadrant, then halved
    const br = await decoded((await get(t(), `/image/100x0/${id}/x.png/transform/trim/150,0,200,150`)).rawPayload);
    expect(br).toMatchObject({ width: 100, height: 75 });
    expect(near(br.center, COLORS.br)).toBe(true);
    const sides = await decoded(
      (
        await get(
          t(),
          `/image/0x0/${id}.png?transform=${encodeURIComponent('{"trim":{"top":150,"right":200,"bottom":0,"left":0}}')}`,
        )
      ).rawPayload,
    );
    expect(sides).toMatchObject({ width: 200, height: 150 });
    expect(near(sides.center, COLORS.bl)).toBe(true);
    expect((await get(t(), `/image/0x0/${id}/x.png?transform={"rotate":1}`)).statusCode).toBe(400);
    expect((await get(t(), `/image/0x0/${id}/x.png/transform/trim/1,2,3`)).statusCode).toBe(400);
    expect((await get(t(), `/image/0x0/${id}/x.png/transform/trim/0,0,5000,5000?transform=${q}`)).statusCode).toBe(400);
  });

  it('serves named variants from the object (trim first, then the size)', async () => {
    const variants = [
      { name: 'Left_half', trim: { top: 0, left: 0, width: 200, height: 300 } },
      { name: 'red', trim: { top: 0, left: 0, right: 200, bottom: 150 } },
    ];
    const patched = await t().call('PATCH', `/api/v1/content/_media/${id}`, { key: t().rw, body: { variants } });
    expect(patched.statusCode, patched.body).toBe(200);
    const half = await decoded((await get(t(), `/image/0x0/${id}/quad.png/variant/left_half`)).rawPayload);
    expect(half).toMatchObject({ width: 200, height: 300 });
    expect([near(half.pixel(100, 10), COLORS.tl), near(half.pixel(100, 290), COLORS.bl)]).toEqual([true, true]);
    const red = await decoded((await get(t(), `/image/100x0/${id}/quad.png/variant/red`)).rawPayload);
    expect(red).toMatchObject({ width: 100, height: 75 });
    expect(near(red.center, COLORS.tl)).toBe(true);
    const square = await decoded((await get(t(), `/image/50x50/${id}/quad.png/variant/Left_half`)).rawPayload);
    expect(square).toMatchObject({ width: 50, height: 50 });
  });

  it('caches generated sizes on disk: the second request is a HIT from the same file', async () => {
    const url = `/image/321x0/${id}.png`;
    const first = await get(t(), url);
    expect(first.headers['x-flotilla-cache']).toBe('MISS');
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const file = filesUnder(t(), 'renditions').find((f) => f.startsWith(`${id}${path.sep}321x`));
    expect(file).toBeDefined();
    const mtime = statSync(path.join(t().db.dataDir, 'media', 'renditions', file!)).mtimeMs;
    const second = await get(t(), url);
    expect(second.headers['x-flotilla-cache']).toBe('HIT');
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(statSync(path.join(t().db.dataDir, 'media', 'renditions', file!)).mtimeMs).toBe(mtime);
    // a second node (or a restart) over the same database and media folder, with nothing in memory: still a HIT
    const other = await createApp(
      loadConfig({
        FLOTILLA_DATA_DIR: t().db.dataDir,
        LOG_LEVEL: 'silent',
        ...(t().db.databaseUrl ? { DATABASE_URL: t().db.databaseUrl } : {}),
      }),
    );
    try {
      const third = await other.server.inject({ method: 'GET', url });
      expect(third.headers['x-flotilla-cache']).toBe('HIT');
      expect(third.headers.etag).toBe(first.headers.etag);
      expect(third.rawPayload.equals(first.rawPayload)).toBe(true);
    } finally {
      await other.close();
    }
    expect(statSync(path.join(t().db.dataDir, 'media', 'renditions', file!)).mtimeMs).toBe(mtime);
    // sizes larger than the original share one answer (the original) instead of filling the cache
    const before = filesUnder(t(), 'renditions').length;
    for (const w of [401, 402, 999, 4000]) expect((await get(t(), `/image/${w}x0/${id}.png`)).rawPayload.equals(png)).toBe(true);
    expect(filesUnder(t(), 'renditions')).toHaveLength(before);
  });

  it('answers If-None-Match with 304 and serves byte ranges (206, 416)', async () => {
    const url = `/image/0x0/${id}.png`;
    const { etag } = (await get(t(), url)).headers;
    const notModified = await get(t(), url, { 'if-none-match': String(etag) });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.rawPayload).toHaveLength(0);
    expect((await get(t(), `/image/222x0/${id}.png`, { 'if-none-match': '"other"' })).statusCode).toBe(200);
    const generated = await get(t(), `/image/222x0/${id}.png`);
    expect((await get(t(), `/image/222x0/${id}.png`, { 'if-none-match': `W/${generated.headers.etag}` })).statusCode).toBe(304);

    const part = await get(t(), url, { range: 'bytes=0-9' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-9/${png.length}`);
    expect(part.rawPayload.equals(png.subarray(0, 10))).toBe(true);
    const tail = await get(t(), url, { range: 'bytes=-5' });
    expect(tail.rawPayload.equals(png.subarray(png.length - 5))).toBe(true);
    const past = await get(t(), url, { range: `bytes=${png.length}-` });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${png.length}`);
    // an If-Range that no longer matches gets the whole file
    expect((await get(t(), url, { range: 'bytes=0-9', 'if-range': '"stale"' })).statusCode).toBe(200);
    const head = await t().app.server.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(png.length));
    expect(head.rawPayload).toHaveLength(0);
  });

  it('deleting a _media object (single or batch) removes its file and every cached size', async () => {
    const a = await uploaded(t(), 'a.png', 'image/png', png);
    const b = await uploaded(t(), 'b.png', 'image/png', png);
    for (const m of [a, b])
      for (const size of ['100x0', '50x50']) expect((await get(t(), `/image/${size}/${m.id}.png`)).statusCode).toBe(200);
    const ofMedia = (mid: string) => [
      ...filesUnder(t(), 'originals').filter((f) => f === mid),
      ...filesUnder(t(), 'renditions').filter((f) => f.startsWith(mid + path.sep)),
    ];
    expect(ofMedia(a.id)).toHaveLength(3);
    expect((await t().call('DELETE', `/api/v1/content/_media/${a.id}`, { key: t().rw })).statusCode).toBe(200);
    // the files go by the deletion's event, after the commit: wait for the event worker to have run
    await t().app.services.events.wake();
    expect(ofMedia(a.id)).toEqual([]);
    expect((await get(t(), `/image/0x0/${a.id}.png`)).json()).toEqual(NOT_FOUND);
    const batch = await t().call('POST', '/api/v1/content/_media/batch-delete', { key: t().rw, body: [b.id] });
    expect(batch.json()).toEqual({ deletedCount: 1 });
    await t().app.services.events.wake();
    expect(ofMedia(b.id)).toEqual([]);
    expect(filesUnder(t(), 'renditions').some((f) => f.startsWith(id + path.sep))).toBe(true);
  });

  it('purging _media removes the files of every purged object', async () => {
    const c = await uploaded(t(), 'c.png', 'image/png', png);
    expect(filesUnder(t(), 'originals')).toContain(c.id);
    const purge = await t().call('POST', '/api/v1/internal/contenttype/_media/purge', { key: t().rw, body: {} });
    expect(purge.statusCode, purge.body).toBeLessThan(300);
    await t().app.services.events.wake();
    expect(filesUnder(t(), 'originals')).toEqual([]);
    expect(filesUnder(t(), 'renditions')).toEqual([]);
  });
});

describe.each(dialectsUnderTest())('bounded cache on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_MEDIA_MAX_RENDITIONS: '2', FLOTILLA_MEDIA_MAX_DIMENSION: '300' });

  it('keeps at most the configured number of sizes per media; more are rendered but not kept', async () => {
    const { id } = await uploaded(t(), 'q.png', 'image/png', await quadrants('png', 200, 100));
    expect((await get(t(), `/image/50x0/${id}.png`)).headers['x-flotilla-cache']).toBe('MISS');
    expect((await get(t(), `/image/60x0/${id}.png`)).headers['x-flotilla-cache']).toBe('MISS');
    const third = await get(t(), `/image/70x0/${id}.png`);
    expect(third.headers['x-flotilla-cache']).toBe('BYPASS');
    expect(await decoded(third.rawPayload)).toMatchObject({ width: 70, height: 35 });
    expect(filesUnder(t(), 'renditions')).toHaveLength(2);
    expect((await get(t(), `/image/301x0/${id}.png`)).json()).toEqual({
      code: 400,
      message: 'Width and height must be at most 300',
    });
  });
});
