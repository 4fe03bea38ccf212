import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useTestS3 } from '../support/s3.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { decoded, get, quadrants, upload } from './media-fixtures.js';

const PREFIX = 'site-1/media/';

/**
 * The media routes with FLOTILLA_MEDIA_STORE=s3, against a real S3-compatible server (s3rver): originals and
 * generated sizes are objects under the prefix, large files are served by streaming (with ranges), and deleting or
 * purging `_media` removes the objects. What the routes answer is media.test.ts's business; here, where bytes live.
 */
describe('media on an S3-compatible store', () => {
  const bucket = useTestS3(PREFIX);
  const t = useTestApp('sqlite', bucket.env);

  const objects = bucket.objects;
  const uploaded = async (app: TestApp, filename: string, type: string, data: Buffer) => {
    const res = await upload(app, app.rw, { filename, type, data });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { id: string };
  };

  it('keeps the original and its generated sizes in the bucket, under the prefix, and nothing on local disk', async () => {
    const png = await quadrants('png', 400, 300);
    const { id } = await uploaded(t(), 'quad.png', 'image/png', png);
    expect(await objects()).toEqual([`${PREFIX}originals/${id}`]);
    const original = await get(t(), `/image/0x0/${id}.png`);
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.equals(png)).toBe(true);
    const first = await get(t(), `/image/200x0/${id}.png`);
    expect(first.headers['x-flotilla-cache']).toBe('MISS');
    expect(await decoded(first.rawPayload)).toMatchObject({ width: 200, height: 150 });
    expect(await objects()).toEqual([`${PREFIX}originals/${id}`, `${PREFIX}renditions/${id}/200x150.png`]);
    // the upload passed through local disk only on its way: no media folder, no temporary file left
    expect(existsSync(path.join(t().db.dataDir, 'media'))).toBe(false);
    expect(readdirSync(path.join(t().db.dataDir, 'tmp', 'uploads'))).toEqual([]);
    // the same size again is the stored object (the memory cache is per process; ETags come from the object)
    const again = await get(t(), `/image/200x0/${id}.png`);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await get(t(), `/image/200x0/${id}.png`, { 'if-none-match': String(first.headers.etag) })).toMatchObject({
      statusCode: 304,
    });
  });

  it('streams a large original from the bucket, whole or by range', async () => {
    // noise does not compress: well above the 512 kB that is kept in memory, so every request reads the bucket
    const big = await sharp({
      create: { width: 700, height: 700, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const { id } = await uploaded(t(), 'noise.png', 'image/png', big);
    const whole = await get(t(), `/image/0x0/${id}.png`);
    expect(whole.rawPayload.equals(big)).toBe(true);
    expect(whole.headers['content-length']).toBe(String(big.length));
    const part = await get(t(), `/image/0x0/${id}.png`, { range: `bytes=${big.length - 100}-` });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(big.subarray(big.length - 100))).toBe(true);
    const first = await get(t(), `/image/0x0/${id}.png`, { range: 'bytes=0-0' });
    expect(first.statusCode).toBe(206);
    expect(first.rawPayload.equals(big.subarray(0, 1))).toBe(true);
  });

  it('deleting a _media object removes its object and every generated size from the bucket; purging removes all', async () => {
    const png = await quadrants('png', 200, 100);
    const a = await uploaded(t(), 'a.png', 'image/png', png);
    const b = await uploaded(t(), 'b.png', 'image/png', png);
    for (const m of [a, b])
      for (const size of ['100x0', '50x50']) expect((await get(t(), `/image/${size}/${m.id}.png`)).statusCode).toBe(200);
    const of = async (id: string) => (await objects()).filter((k) => k.includes(`/${id}`));
    expect(await of(a.id)).toHaveLength(3);
    expect((await t().call('DELETE', `/api/v1/content/_media/${a.id}`, { key: t().rw })).statusCode).toBe(200);
    await t().app.services.events.wake();
    expect(await of(a.id)).toEqual([]);
    expect(await of(b.id)).toHaveLength(3);
    expect((await get(t(), `/image/0x0/${a.id}.png`)).statusCode).toBe(404);

    const purge = await t().call('POST', '/api/v1/internal/contenttype/_media/purge', { key: t().rw, body: {} });
    expect(purge.statusCode, purge.body).toBeLessThan(300);
    await t().app.services.events.wake();
    expect(await objects()).toEqual([]);
  });
});
