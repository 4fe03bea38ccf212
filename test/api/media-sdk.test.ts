import { Flotiq } from '@flotiq/flotiq-api-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { useTestApp } from '../support/test-app.js';
import { decoded, quadrants } from './media-fixtures.js';

// A real listening server, a browser-like multipart upload (fetch + FormData), and the SDK's own URL helper.
describe.each(dialectsUnderTest())('media through real clients on %s', (dialect) => {
  const t = useTestApp(dialect);
  let apiUrl: string;
  let png: Buffer;
  let id: string;

  beforeAll(async () => {
    apiUrl = await t().app.server.listen({ port: 0, host: '127.0.0.1' });
    png = await quadrants('png', 400, 300);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'holiday photo.png');
    form.append('type', 'image');
    // the documented public HTML form: the key travels as ?auth_token=
    const res = await fetch(`${apiUrl}/api/media?auth_token=${t().rw}`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    id = ((await res.json()) as { id: string }).id;
  });

  it('helpers.getMediaUrl() builds URLs our server answers: original, proportional, and cropped', async () => {
    const sdk = new Flotiq({ apiKey: t().ro, apiUrl });
    const media = await sdk.content._media.get(id);
    expect(media).toMatchObject({ fileName: 'holiday photo.png', width: 400, height: 300 });

    const original = await fetch(sdk.helpers.getMediaUrl(media));
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer()).equals(png)).toBe(true);

    const url = sdk.helpers.getMediaUrl(media, { width: 100 });
    expect(url).toBe(`${apiUrl}/image/100x0/${id}/holiday photo.png`);
    const small = await fetch(url);
    expect(small.status).toBe(200);
    expect(small.headers.get('content-type')).toBe('image/png');
    expect(await decoded(Buffer.from(await small.arrayBuffer()))).toMatchObject({ width: 100, height: 75 });

    const square = await fetch(sdk.helpers.getMediaUrl(media, { width: 200, height: 200 }));
    expect(await decoded(Buffer.from(await square.arrayBuffer()))).toMatchObject({ width: 200, height: 200 });
  });

  it('the stored url field, joined to the API URL, downloads the file without a key', async () => {
    const { url } = (await t().call('GET', `/api/v1/content/_media/${id}`, { key: t().ro })).json() as { url: string };
    const res = await fetch(`${apiUrl}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
    expect((await fetch(`${apiUrl}${url}`, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304);
  });
});
