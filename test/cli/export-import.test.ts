import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import type { TestApp } from '../support/test-app.js';
import { runCli, startServer, stopServer } from './cli-harness.js';
import { blankTimes, comparable, filesOf } from './folder-compare.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const TYPES = ['category', 'blogpost', 'page', '_media', '_tag'];

/** Every object of the given types, as the API answers a single GET, keyed by type/id. */
async function everyObject(t: TestApp & { url: string }, hydrate = 0): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const type of TYPES) {
    const list = (await t.call('GET', `/api/v1/content/${type}?limit=1000`, { key: t.rw })).json();
    for (const o of list.data as { id: string }[]) {
      const one = await t.call('GET', `/api/v1/content/${type}/${encodeURIComponent(o.id)}?hydrate=${hydrate}`, { key: t.rw });
      expect(one.statusCode).toBe(200);
      out[`${type}/${o.id}`] = one.json();
    }
  }
  return out;
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(dialectsUnderTest())('flotilla export/import (%s)', (dialect) => {
  let a: TestApp & { url: string };
  let b: TestApp & { url: string };
  const tmp = mkdtempSync(path.join(tmpdir(), 'flotilla-cli-'));

  beforeAll(async () => {
    a = await startServer(dialect);
    b = await startServer(dialect);
  });
  afterAll(async () => {
    await stopServer(a);
    await stopServer(b);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('--dry-run checks the folder and writes nothing', async () => {
    const r = await runCli(['import', GOLDEN, '--dry-run', '--url', a.url, '--key', a.rw]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('blogpost: create');
    expect(r.stdout).toContain('upload 2 media files');
    expect((await a.call('GET', '/api/v1/internal/contenttype/blogpost', { key: a.rw })).statusCode).toBe(404);
  });

  it('imports the golden folder: ids kept, relations and nested lists restored, media served under their ids', async () => {
    const r = await runCli(['import', GOLDEN, '--url', a.url, '--key', a.rw]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const post = (await a.call('GET', '/api/v1/content/blogpost/post-1?hydrate=1', { key: a.rw })).json();
    expect(post.categories.map((c: { id: string }) => c.id)).toEqual(['cat-news', 'cat-tech']);
    expect(post.cover[0].id).toBe('_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b01');
    expect(post.sections[0].links[0].target.map((x: { id: string }) => x.id)).toEqual(['post-2']); // nested list relation
    expect(post.sections[0].links[1]).toEqual({ label: 'Nowhere', target: [] });
    const ctd = (await a.call('GET', '/api/v1/internal/contenttype/blogpost', { key: a.rw })).json();
    expect(ctd.schemaDefinition.allOf[1].properties.categories.minItems).toBe(1); // constraint restored after pass 4
    expect(ctd.metaDefinition.propertiesConfig.categories.validation.relationContenttype).toBe('category');
    expect(ctd.featuredImage).toEqual([
      { type: 'internal', dataUrl: '/api/v1/content/_media/_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b01' },
    ]);
    expect((await a.call('GET', '/api/v1/internal/contenttype/page', { key: a.rw })).json().draftPublic).toBe(true);
    // plain progress lines when stderr is not a TTY; 8 of 9: the uploaded media with a tag waits for pass 4
    expect(r.stderr).toMatch(/^pass 3: objects: 8\/8 \(/m);
    const png = await fetch(`${a.url}/image/0x0/_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b01.png`);
    expect(png.status).toBe(200);
    const original = Buffer.from(await png.arrayBuffer());
    // asking to keep an id that is taken is refused, and the existing file stays as it was
    const form = new FormData();
    form.append('id', '_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b01');
    form.append('file', new Blob(['other bytes'], { type: 'text/plain' }), 'x.txt');
    const taken = await fetch(`${a.url}/api/media`, { method: 'POST', headers: { 'x-auth-token': a.rw }, body: form });
    expect(taken.status).toBe(400);
    expect(await taken.json()).toEqual({ id: ['This value is already used'] });
    const after = await fetch(`${a.url}/image/0x0/_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b01.png`);
    expect(Buffer.from(await after.arrayBuffer()).equals(original)).toBe(true);
    const total = (type: string) =>
      a.call('GET', `/api/v1/content/${type}?limit=1`, { key: a.rw }).then((x) => x.json().total_count);
    expect(await Promise.all(TYPES.map(total))).toEqual([2, 2, 2, 2, 1]);
  });

  it('exporting that server reproduces the golden folder (modulo timestamps)', async () => {
    const out = path.join(tmp, 'export-a');
    const r = await runCli(['export', out, '--url', a.url, '--key', a.rw]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesOf(out)).toEqual(filesOf(GOLDEN));
    for (const f of filesOf(GOLDEN)) expect(comparable(path.join(out, f)), f).toEqual(comparable(path.join(GOLDEN, f)));
  });

  it('a round trip to a new server gives identical API answers for every object', async () => {
    const r = await runCli(['import', path.join(tmp, 'export-a'), '--url', b.url, '--key', b.rw]);
    expect(r.code, r.stderr).toBe(0);
    const fromA = await everyObject(a, 1);
    const fromB = await everyObject(b, 1);
    expect(Object.keys(fromA)).toHaveLength(9);
    expect(blankTimes(fromB)).toEqual(blankTimes(fromA));
    for (const id of ['_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b01.png', '_media-0b7f3c2a-5d1e-4c39-9a57-1f2e3d4c5b02.txt']) {
      const [x, y] = await Promise.all([a.url, b.url].map((u) => fetch(`${u}/image/0x0/${id}`).then((res) => res.arrayBuffer())));
      expect(Buffer.from(y).equals(Buffer.from(x))).toBe(true);
    }
  });

  it('importing the same folder again changes nothing and duplicates nothing', async () => {
    const before = await everyObject(b);
    const r = await runCli(['import', path.join(tmp, 'export-a'), '--url', b.url, '--key', b.rw]);
    expect(r.code, r.stderr).toBe(0);
    expect(blankTimes(await everyObject(b))).toEqual(blankTimes(before));
  });

  it('fails with a clear message and a non-zero status', async () => {
    const bad = await runCli(['import', path.join(tmp, 'nowhere'), '--url', a.url, '--key', a.rw]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^flotilla import: .*not a directory/m);
    const key = await runCli(['export', path.join(tmp, 'x'), '--url', a.url, '--key', 'wrong']);
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/401/);
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const down = await runCli(['export', path.join(tmp, 'y'), '--url', `http://127.0.0.1:${closed}`, '--key', a.rw]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/ECONNREFUSED/);
  });
});
