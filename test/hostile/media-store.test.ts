import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { mediaKeys } from '../../src/media/file-store.js';
import { get, quadrants, upload } from '../api/media-fixtures.js';
import { useTestS3 } from '../support/s3.js';
import { useTestApp } from '../support/test-app.js';

const PREFIX = 'tenant-a/';
/** Objects of someone else in the same bucket: beside the prefix, in another tenant's, at the bucket's root. */
const PLANTED: Record<string, string> = {
  'secret.txt': 'root secret',
  'tenant-b/originals/_media-victim': 'victim original',
  'tenant-b/renditions/_media-victim/10x10.png': 'victim rendition',
  'tenant-ab/originals/_media-1': 'a prefix that only starts like ours',
};
const NAMES = [
  '..',
  '.',
  '../secret.txt',
  '..%2Fsecret.txt',
  '%2e%2e%2fsecret.txt',
  '..\\secret.txt',
  '../tenant-b/originals/_media-victim',
  '..%2Ftenant-b%2Foriginals%2F_media-victim',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '~',
  '~h',
  ' ',
];

/**
 * Hostile media names against the S3 store (decision 0022): whatever id, file name or URL a client sends, the bytes
 * read, written and deleted are objects under the store's prefix, and no request reads or touches another object of
 * the bucket — not beside the prefix, not in a sibling prefix, not at the root.
 */
describe('hostile media names on the S3 store', () => {
  let png: Buffer;
  const bucket = useTestS3(PREFIX, async (s3, raw) => {
    png = await quadrants('png', 40, 20);
    for (const [Key, Body] of Object.entries(PLANTED)) await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body }));
  });
  const t = useTestApp('sqlite', bucket.env);

  const objects = bucket.objects;
  /** Every planted object is still there, byte for byte. */
  const plantedIntact = async () => {
    for (const [Key, Body] of Object.entries(PLANTED)) {
      const out = await bucket.raw.send(new GetObjectCommand({ Bucket: bucket.s3.bucket, Key }));
      expect(await out.Body!.transformToString(), Key).toBe(Body);
    }
  };
  const ours = async () => (await objects()).filter((k) => !(k in PLANTED));
  const noPlantedBytes = (body: string) => Object.values(PLANTED).every((v) => !body.includes(v));

  it('kept ids with traversal, encodings and prototype names are stored under the prefix, one object each, or refused', async () => {
    const accepted: string[] = [];
    for (const id of NAMES) {
      const res = await upload(t(), t().rw, { filename: `${id}.png`, type: 'image/png', data: png }, { type: 'image', id });
      expect([200, 400], `${id}: ${res.body}`).toContain(res.statusCode);
      if (res.statusCode === 200) accepted.push(id);
    }
    expect(accepted.length).toBeGreaterThan(NAMES.length / 2);
    // exactly one object per accepted id, each directly under tenant-a/originals/, each at the key mediaKeys names
    expect((await ours()).sort()).toEqual(accepted.map((id) => `${PREFIX}${mediaKeys.original(id)}`).sort());
    expect((await ours()).every((k) => /^tenant-a\/originals\/[^/]+$/.test(k))).toBe(true);
    await plantedIntact();
    // each is served back as itself (its own bytes, not another object's), original and a generated size
    for (const id of accepted) {
      const res = await get(t(), `/image/0x0/${encodeURIComponent(id)}.png`);
      expect(res.statusCode, id).toBe(200);
      expect(res.rawPayload.equals(png), id).toBe(true);
      expect((await get(t(), `/image/20x0/${encodeURIComponent(id)}.png`)).statusCode, id).toBe(200);
    }
    expect((await ours()).every((k) => /^tenant-a\/(originals\/[^/]+|renditions\/[^/]+\/20x10\.png)$/.test(k))).toBe(true);
  });

  it('no URL reads an object outside the prefix, however it is spelled', async () => {
    const paths = [
      '/image/0x0/..%2Fsecret.txt',
      '/image/0x0/..%2F..%2Fsecret.txt',
      '/image/0x0/%2e%2e%2fsecret.txt',
      '/image/0x0/..%5Csecret.txt',
      '/image/0x0/secret.txt',
      '/image/0x0/_media-victim.png',
      '/image/10x10/_media-victim.png',
      '/image/0x0/..%2Ftenant-b%2Foriginals%2F_media-victim.png',
      '/image/0x0/%252e%252e%252fsecret.txt',
      '/image/0x0/__proto__.txt',
      '/image/0x0/constructor.png',
      '/image/0x0/_media-1.png',
      '/image/../secret.txt',
      '/image/0x0/../../secret.txt',
      '/secret.txt',
      '/tenant-b/originals/_media-victim',
    ];
    for (const p of paths) {
      const res = await get(t(), p);
      expect(noPlantedBytes(res.body), p).toBe(true);
      if (res.statusCode !== 200) expect([400, 404], p).toContain(res.statusCode);
      // an id the first test uploaded (`constructor` as .png) is served, as our own bytes; paths that leave /image/
      // after normalisation get the Panel's page
      else if (String(res.headers['content-type']).startsWith('text/html')) expect(res.body, p).toMatch(/^<!doctype html>/);
      else expect(res.rawPayload.equals(png), p).toBe(true);
    }
  });

  it('a _media object made through the content API with a hostile id reads nothing of another tenant', async () => {
    const created: string[] = [];
    for (const id of ['_media-victim', '__proto__x', '..']) {
      const body = { id, fileName: 'v.png', mimeType: 'image/png', size: 1, width: 10, height: 10, extension: 'png' };
      const made = await t().call('POST', '/api/v1/content/_media', {
        key: t().rw,
        body: { ...body, url: `/image/0x0/${id}.png`, source: 'disk', externalId: '', type: 'image' },
      });
      if (made.statusCode !== 200) continue;
      created.push(id);
      for (const size of ['0x0', '10x10', '5x5']) {
        const res = await get(t(), `/image/${size}/${encodeURIComponent(id)}.png`);
        expect(res.statusCode, `${id} ${size}`).toBe(404);
        expect(noPlantedBytes(res.body)).toBe(true);
      }
    }
    // the victim's own id at least is an ordinary id: the object exists, and still its bytes are out of reach
    expect(created).toContain('_media-victim');
    await plantedIntact();
  });

  it('deleting and purging every _media object removes our objects only', async () => {
    expect((await ours()).length).toBeGreaterThan(0);
    const purge = await t().call('POST', '/api/v1/internal/contenttype/_media/purge', { key: t().rw, body: {} });
    expect(purge.statusCode, purge.body).toBeLessThan(300);
    await t().app.services.events.wake();
    expect(await ours()).toEqual([]);
    expect(await objects()).toEqual(Object.keys(PLANTED).sort());
    await plantedIntact();
  });
});
