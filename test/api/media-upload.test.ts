import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { dialectsUnderTest } from '../support/databases.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { filesUnder, get, GZIP, PDF, quadrants, TEXT, upload } from './media-fixtures.js';

const ALLOWED = `Allowed mime types are "image/gif", "image/png", "image/jpeg", "image/bmp", "image/webp", "image/svg+xml", "image/svg", "image/x-icon", "image/vnd.microsoft.icon", "text/plain", "audio/midi", "audio/mpeg", "audio/webm", "audio/ogg", "audio/wav", "video/webm", "video/ogg", "video/mp4", "application/pdf", "application/json".`;

const mediaCount = async (t: TestApp) =>
  (await t.call('GET', '/api/v1/content/_media', { key: t.rw })).json().total_count as number;
const tmpFiles = (t: TestApp) => readdirSync(path.join(t.db.dataDir, 'tmp', 'uploads'));

describe.each(dialectsUnderTest())('POST /api/media on %s', (dialect) => {
  const t = useTestApp(dialect);
  let png: Buffer;

  beforeAll(async () => {
    png = await quadrants('png', 400, 300);
  });

  it('stores a PNG, creates its _media object and answers it without `internal` (§7.1)', async () => {
    const res = await upload(t(), t().rw, { filename: 'example_image.png', type: 'image/png', data: png });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^_media-[0-9a-f-]{36}$/),
      fileName: 'example_image.png',
      mimeType: 'image/png',
      size: png.length,
      width: 400,
      height: 300,
      url: `/image/0x0/${body.id}.png`,
      externalId: '',
      source: 'disk',
      extension: 'png',
      type: 'image',
    });
    expect(filesUnder(t(), 'originals')).toContain(body.id);
    const stored = await t().call('GET', `/api/v1/content/_media/${body.id}`, { key: t().ro });
    expect(stored.json()).toMatchObject({ ...body, internal: { contentType: '_media', latestVersion: 1 } });
    const original = await get(t(), body.url);
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.equals(png)).toBe(true);
  });

  it.each([
    ['jpeg', 'photo.jpeg', 'image/jpeg', 'jpeg'],
    ['webp', 'pic.webp', 'image/webp', 'webp'],
    ['gif', 'anim.gif', 'image/gif', 'gif'],
  ] as const)('stores a %s image with its real dimensions', async (format, filename, type, extension) => {
    const data = await quadrants(format, 64, 32);
    const res = await upload(t(), t().rw, { filename, type, data });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      fileName: filename,
      mimeType: type,
      extension,
      type: 'image',
      width: 64,
      height: 32,
      size: data.length,
    });
  });

  it('stores text and PDF files as `file` with zero dimensions; `type` and `save` are accepted', async () => {
    const text = await upload(
      t(),
      t().rw,
      { filename: 'notes.txt', type: 'text/plain', data: TEXT },
      { type: 'file', save: '0' },
    );
    expect(text.statusCode, text.body).toBe(200);
    expect(text.json()).toMatchObject({ mimeType: 'text/plain', extension: 'txt', type: 'file', width: 0, height: 0 });
    const pdf = await upload(t(), t().rw, { filename: 'report', type: 'application/pdf', data: PDF }, { type: 'file' });
    expect(pdf.statusCode, pdf.body).toBe(200);
    // a name without the extension gets it, so the SDK's `/image/0x0/{id}/{fileName}` URL matches
    expect(pdf.json()).toMatchObject({ fileName: 'report.pdf', mimeType: 'application/pdf', extension: 'pdf', type: 'file' });
    const back = await get(t(), `/image/0x0/${pdf.json().id}/report.pdf`);
    expect(back.headers['content-type']).toBe('application/pdf');
    expect(back.rawPayload.equals(PDF)).toBe(true);
  });

  it('detects the real type from the bytes and refuses what is not allowed or not what it claims, storing nothing', async () => {
    const before = { count: await mediaCount(t()), files: filesUnder(t(), 'originals').length };
    const gz = await upload(t(), t().rw, { filename: 'a.gz', type: 'application/gzip', data: GZIP }, { type: 'file' });
    expect(gz.statusCode).toBe(400);
    expect(gz.json()).toEqual({ file: [`The mime type of the file is invalid ("application/gzip"). ${ALLOWED}`] });
    // a gzip posing as text is caught by its bytes
    const disguised = await upload(t(), t().rw, { filename: 'a.txt', type: 'text/plain', data: GZIP }, { type: 'file' });
    expect(disguised.json()).toEqual({ file: [`The mime type of the file is invalid ("application/gzip"). ${ALLOWED}`] });
    const mismatch = await upload(t(), t().rw, { filename: 'a.jpg', type: 'image/jpeg', data: png });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toEqual({
      file: ['The file content ("image/png") does not match its declared mime type ("image/jpeg").'],
    });
    const fake = await upload(t(), t().rw, { filename: 'fake.png', type: 'image/png', data: TEXT });
    expect(fake.json().file[0]).toMatch(/^The mime type of the file is invalid \("application\/octet-stream"\)/);
    const noFile = await upload(t(), t().rw, undefined, { type: 'image' });
    expect(noFile.json()).toEqual({ file: ['This value should not be blank.'] });
    const badType = await upload(t(), t().rw, { filename: 'a.png', type: 'image/png', data: png }, { type: 'video' });
    expect(badType.json()).toEqual({ type: ['The value you selected is not a valid choice.'] });
    expect(await mediaCount(t())).toBe(before.count);
    expect(filesUnder(t(), 'originals')).toHaveLength(before.files);
    expect(tmpFiles(t())).toEqual([]);
  });

  it('answers 415 to anything but multipart, 401 without a key, and takes the key from ?auth_token=', async () => {
    const json = await t().call('POST', '/api/media', { key: t().rw, body: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(json.json()).toEqual({ code: 415, message: 'Unsupported Media Type' });
    const plain = await t().app.server.inject({
      method: 'POST',
      url: '/api/media',
      payload: 'x',
      headers: { 'content-type': 'text/plain', 'x-auth-token': t().rw },
    });
    expect(plain.json()).toEqual({ code: 415, message: 'Unsupported Media Type' });
    const anon = await upload(t(), undefined, { filename: 'a.png', type: 'image/png', data: png });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toEqual({ code: 401, message: 'Unauthorized' });
    const viaQuery = await upload(
      t(),
      undefined,
      { filename: 'q.png', type: 'image/png', data: png },
      { type: 'image' },
      `?auth_token=${t().rw}`,
    );
    expect(viaQuery.statusCode, viaQuery.body).toBe(200);
  });

  it('needs create on _media: read-only and read-only user keys get 403; a create-only key gets just the id', async () => {
    const before = filesUnder(t(), 'originals').length;
    const ro = await upload(t(), t().ro, { filename: 'a.png', type: 'image/png', data: png });
    expect(ro.statusCode).toBe(403);
    expect(ro.json()).toEqual({ code: 403, message: 'Access denied' });
    // whatever the body: the right is checked before the format
    expect((await t().call('POST', '/api/media', { key: t().ro, body: { file: 'x' } })).statusCode).toBe(403);
    expect(
      (await t().call('POST', '/api/media', { key: t().ro, body: 'x', headers: { 'content-type': 'text/plain' } })).statusCode,
    ).toBe(403);
    const rule = { ctdName: '_media', canRead: true, canCreate: false, canUpdate: true, canDelete: true };
    const { key: noCreate } = await t().app.services.keys.createUserDefined(SYSTEM, 'no create', [rule]);
    expect((await upload(t(), noCreate, { filename: 'a.png', type: 'image/png', data: png })).statusCode).toBe(403);
    expect(filesUnder(t(), 'originals')).toHaveLength(before);

    const createOnly = { ctdName: '_media', canRead: false, canCreate: true, canUpdate: false, canDelete: false };
    const { key } = await t().app.services.keys.createUserDefined(SYSTEM, 'uploader', [createOnly]);
    const ok = await upload(t(), key, { filename: 'mine.png', type: 'image/png', data: png });
    expect(ok.statusCode, ok.body).toBe(200);
    // a write never reveals stored fields to a key that cannot read them; minus `internal` that leaves the id
    expect(ok.json()).toEqual({ id: expect.stringMatching(/^_media-/) });
    const stored = await t().call('GET', `/api/v1/content/_media/${ok.json().id}`, { key: t().rw });
    expect(stored.json()).toMatchObject({ fileName: 'mine.png', width: 400 });
  });
});

describe.each(dialectsUnderTest())('POST /api/media limits from configuration on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_MEDIA_MAX_BYTES: '4096', FLOTILLA_MEDIA_MIME_TYPES: 'image/png, text/plain' });

  it('refuses a file over the configured size, reporting its size in the unit of the limit', async () => {
    const big = Buffer.from('x'.repeat(10_000));
    const res = await upload(t(), t().rw, { filename: 'big.txt', type: 'text/plain', data: big }, { type: 'file' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ file: ['The file is too large (9.77 kB). Allowed maximum size is 4 kB.'] });
    expect(filesUnder(t(), 'originals')).toEqual([]);
    expect(tmpFiles(t())).toEqual([]);
  });

  it('reports both problems at once, and applies the configured MIME list', async () => {
    const res = await upload(
      t(),
      t().rw,
      { filename: 'a.gz', type: 'application/gzip', data: Buffer.concat([GZIP, Buffer.alloc(5000)]) },
      { type: 'file' },
    );
    expect(res.json()).toEqual({
      file: [
        'The mime type of the file is invalid ("application/gzip"). Allowed mime types are "image/png", "text/plain".',
        `The file is too large (${Math.round(((GZIP.length + 5000) / 1024) * 100) / 100} kB). Allowed maximum size is 4 kB.`,
      ],
    });
    const jpeg = await upload(t(), t().rw, { filename: 'a.jpg', type: 'image/jpeg', data: await quadrants('jpeg', 8, 8) });
    expect(jpeg.json().file[0]).toMatch(/^The mime type of the file is invalid \("image\/jpeg"\)/);
    const ok = await upload(t(), t().rw, { filename: 'ok.png', type: 'image/png', data: await quadrants('png', 8, 8) });
    expect(ok.statusCode).toBe(200);
  });
});

describe.each(dialectsUnderTest())('POST /api/media when the object cannot be saved on %s', (dialect) => {
  // objects this small cannot hold a _media object: the file is already stored when ContentWriter refuses it
  const t = useTestApp(dialect, { FLOTILLA_MAX_OBJECT_BYTES: '100' });

  it('takes the stored file back: no object, no file, no temporary file', async () => {
    const res = await upload(t(), t().rw, { filename: 'a.png', type: 'image/png', data: await quadrants('png', 8, 8) });
    expect(res.statusCode).toBe(413);
    expect(await mediaCount(t())).toBe(0);
    expect(filesUnder(t(), '')).toEqual([]);
    expect(tmpFiles(t())).toEqual([]);
  });
});
