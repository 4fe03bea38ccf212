import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { TestApp } from '../support/test-app.js';
import { runCli, startServer, stopServer } from './cli-harness.js';

const TYPE = {
  name: 'entry',
  label: 'Entry',
  schemaDefinition: {
    type: 'object',
    allOf: [
      { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
      { type: 'object', properties: { n: { type: 'number' } } },
    ],
    required: [],
    additionalProperties: false,
  },
  metaDefinition: { order: ['n'], propertiesConfig: { n: { label: 'N', inputType: 'number', unique: false } } },
};

// SQLite only: PostgreSQL is backed up with pg_dump (README, "Command line")
describe('flotilla backup / restore of a running SQLite instance under writes', () => {
  let t: TestApp & { url: string };
  let restored: App | undefined;
  const tmp = mkdtempSync(path.join(tmpdir(), 'flotilla-backup-'));
  const restoredDir = path.join(tmp, 'restored-data');
  const mediaIds: string[] = [];

  beforeAll(async () => {
    t = await startServer('sqlite');
    expect((await t.call('POST', '/api/v1/internal/contenttype', { key: t.rw, body: TYPE })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) {
      const png = await sharp({ create: { width: 5 + i, height: 4, channels: 3, background: { r: 10 * i, g: 90, b: 200 } } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append('file', new Blob([png], { type: 'image/png' }), `p${i}.png`);
      const res = await fetch(`${t.url}/api/media`, { method: 'POST', headers: { 'x-auth-token': t.rw }, body: form });
      expect(res.status).toBe(200);
      mediaIds.push(((await res.json()) as { id: string }).id);
    }
  }, 60_000);
  afterAll(async () => {
    await restored?.close();
    await stopServer(t);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('restores to a server whose objects, keys and media match a moment of the source', async () => {
    // a writer creating entry-0, entry-1, … one after the other for the whole backup
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const r = await t.call('POST', '/api/v1/content/entry', { key: t.rw, body: { id: `entry-${written}`, n: written } });
        expect(r.statusCode).toBe(200);
        written++;
      }
    })();
    while (written < 50) await new Promise((r) => setTimeout(r, 10));
    const file = path.join(tmp, 'flotilla.backup');
    const backup = await runCli(['backup', file], { env: { FLOTILLA_DATA_DIR: t.db.dataDir } });
    const writtenDuring = written;
    writing = false;
    await writer;
    expect(backup.code, backup.stderr).toBe(0);
    expect(writtenDuring).toBeGreaterThan(50);

    const restore = await runCli(['restore', file], { env: { FLOTILLA_DATA_DIR: restoredDir } });
    expect(restore.code, restore.stderr).toBe(0);
    expect((await runCli(['restore', file], { env: { FLOTILLA_DATA_DIR: restoredDir } })).stderr).toMatch(/--force/);

    restored = await createApp(loadConfig({ FLOTILLA_DATA_DIR: restoredDir, LOG_LEVEL: 'silent' }));
    const call = (url: string, key = t.rw) => restored!.server.inject({ method: 'GET', url, headers: { 'x-auth-token': key } });
    // keys: the same values work (the secret came along), and are the same application keys
    expect(await restored.services.keys.applicationKey(SYSTEM, 'read-write')).toBe(t.rw);
    expect((await call('/api/v1/content/entry?limit=1', t.ro)).statusCode).toBe(200);
    // objects: a prefix entry-0…entry-(k-1) of what the writer wrote (one consistent moment), each as the source has it
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const { data } = (await call(`/api/v1/content/entry?limit=1000&page=${page}`)).json();
      if (data.length === 0) break;
      for (const o of data) {
        ids.push(o.id);
        expect(o).toEqual((await t.call('GET', `/api/v1/content/entry/${o.id}`, { key: t.rw })).json());
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(50);
    expect(new Set(ids)).toEqual(new Set(ids.map((_, i) => `entry-${i}`)));
    // media: every object with its file, byte for byte
    for (const id of mediaIds) {
      const meta = (await call(`/api/v1/content/_media/${id}`)).json();
      expect(meta).toEqual((await t.call('GET', `/api/v1/content/_media/${id}`, { key: t.rw })).json());
      const mine = await restored.server.inject({ method: 'GET', url: `/image/0x0/${id}.png` });
      const theirs = await t.call('GET', `/image/0x0/${id}.png`);
      expect(mine.statusCode).toBe(200);
      expect(mine.rawPayload.equals(theirs.rawPayload)).toBe(true);
    }
  }, 180_000);

  it('refuses PostgreSQL, a missing database and an existing backup without --force', async () => {
    const pg = await runCli(['backup', path.join(tmp, 'x')], { env: { DATABASE_URL: 'postgres://127.0.0.1/x' } });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/pg_dump/);
    const none = await runCli(['backup', path.join(tmp, 'y')], { env: { FLOTILLA_DATA_DIR: path.join(tmp, 'empty') } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no database/);
    const again = await runCli(['backup', path.join(tmp, 'flotilla.backup')], { env: { FLOTILLA_DATA_DIR: t.db.dataDir } });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/--force/);
  }, 180_000);

  it('with the S3 media store, leaves media to the bucket: none backed up, none restored, and says so', async () => {
    const s3 = { FLOTILLA_MEDIA_STORE: 's3', FLOTILLA_S3_BUCKET: 'site-media', FLOTILLA_S3_PREFIX: 'prod' };
    const file = path.join(tmp, 's3.backup');
    const backup = await runCli(['backup', file], { env: { FLOTILLA_DATA_DIR: t.db.dataDir, ...s3 } });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/S3 bucket site-media .*not part of this backup/);
    expect(existsSync(path.join(`${file}.files`, 'media'))).toBe(false);
    // a backup made on disk, restored with the S3 store: the database comes back, the media files are pointed at
    const into = path.join(tmp, 's3-restored');
    const restore = await runCli(['restore', path.join(tmp, 'flotilla.backup')], { env: { FLOTILLA_DATA_DIR: into, ...s3 } });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toMatch(/the \d+ media files of the backup were not restored; .* under prod\/originals\//);
    expect(existsSync(path.join(into, 'flotilla.sqlite'))).toBe(true);
    expect(existsSync(path.join(into, 'media'))).toBe(false);
  }, 60_000);
});
