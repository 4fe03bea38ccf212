import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { s3Client } from '../../src/media/s3-file-store.js';
import { multipart, quadrants } from '../api/media-fixtures.js';
import { nodeCall as call, nodeLogin as login, nodePanel as panel, useTwoNodes, type Node } from '../support/nodes.js';
import { startTestS3, type TestS3 } from '../support/s3.js';

const PREFIX = 'shared/';

/**
 * Issue 14, shared media: two Flotilla processes on one PostgreSQL and one S3-compatible bucket (s3rver). A file
 * uploaded through node A is served by node B, originals and generated sizes alike, and a deletion through B removes
 * the objects that A had written.
 */
describe.skipIf(!inject('pgAvailable'))('media shared by two Flotilla processes through an S3-compatible store', () => {
  let s3: TestS3;
  let raw: S3Client;
  let rw: string;

  // the store first: the nodes are pointed at it
  beforeAll(async () => {
    s3 = await startTestS3();
    raw = s3Client({ ...s3, region: 'us-east-1', forcePathStyle: true, prefix: '' });
  });

  // after the nodes stopped (afterAll hooks run in reverse order)
  afterAll(async () => {
    raw?.destroy();
    await s3?.stop();
    for (const n of [nodes.a(), nodes.b()]) expect(n.output.join('')).not.toContain(s3.secretAccessKey);
  });

  const nodes = useTwoNodes(() => ({ a: s3.env(PREFIX), b: s3.env(PREFIX) }));

  beforeAll(async () => {
    const a = nodes.a();
    const keys = (await (await panel(a, await login(a), 'GET', '/panel/api/keys')).json()) as { kind: string; key: string }[];
    rw = keys.find((k) => k.kind === 'read-write')!.key;
  });

  const objects = async () =>
    ((await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!).sort();
  const uploadTo = async (n: Node, filename: string, data: Buffer) => {
    const { payload, headers } = multipart({ filename, type: 'image/png', data }, { type: 'image' });
    const res = await fetch(`${n.url}/api/media`, { method: 'POST', headers: { ...headers, 'x-auth-token': rw }, body: payload });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };
  const fetchFrom = async (n: Node, path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${n.url}${path}`, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('an upload through node A is served by node B: the original, a generated size, and a large file by range', async () => {
    const png = await quadrants('png', 400, 300);
    const id = await uploadTo(nodes.a(), 'quad.png', png);
    const original = await fetchFrom(nodes.b(), `/image/0x0/${id}.png`);
    expect(original.status).toBe(200);
    expect(original.body.equals(png)).toBe(true);

    // B renders the size and keeps it in the bucket; A then serves B's object, with the same validators
    const onB = await fetchFrom(nodes.b(), `/image/120x0/${id}.png`);
    expect(onB.status).toBe(200);
    expect(onB.headers.get('x-flotilla-cache')).toBe('MISS');
    expect((await sharp(onB.body).metadata()).width).toBe(120);
    const onA = await fetchFrom(nodes.a(), `/image/120x0/${id}.png`);
    expect(onA.headers.get('x-flotilla-cache')).toBe('HIT');
    expect(onA.body.equals(onB.body)).toBe(true);
    expect(onA.headers.get('etag')).toBe(onB.headers.get('etag'));
    expect(await objects()).toEqual([`${PREFIX}originals/${id}`, `${PREFIX}renditions/${id}/120x90.png`]);

    const big = await sharp({
      create: { width: 700, height: 700, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer();
    const bigId = await uploadTo(nodes.a(), 'noise.png', big);
    expect((await fetchFrom(nodes.b(), `/image/0x0/${bigId}.png`)).body.equals(big)).toBe(true);
    const part = await fetchFrom(nodes.b(), `/image/0x0/${bigId}.png`, { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.body.equals(big.subarray(1000, 2000))).toBe(true);
  });

  it('deleting through node B removes the objects node A wrote, and neither node serves them', async () => {
    const id = await uploadTo(nodes.a(), 'gone.png', await quadrants('png', 200, 100));
    expect((await fetchFrom(nodes.a(), `/image/50x0/${id}.png`)).status).toBe(200);
    expect((await objects()).filter((k) => k.includes(`/${id}`))).toHaveLength(2);
    expect((await call(nodes.b(), 'DELETE', `/api/v1/content/_media/${id}`, rw)).status).toBe(200);
    // the cleanup runs after the commit, on whichever node's event worker claims the event: wait for it
    const deadline = Date.now() + 20_000;
    while ((await objects()).some((k) => k.includes(`/${id}`)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect((await objects()).filter((k) => k.includes(`/${id}`))).toEqual([]);
    for (const n of [nodes.a(), nodes.b()]) expect((await fetchFrom(n, `/image/50x0/${id}.png`)).status).toBe(404);
  });
});
