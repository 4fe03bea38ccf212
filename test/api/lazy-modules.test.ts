import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

// Resident memory is a target (issue 14: ≤ 250 MB at N = 100 000 on SQLite): packages only some installations use
// load when first needed — sharp with the first image, nodemailer with the first invitation mail, prom-client
// where metrics are on, the S3 client where media live in S3, the HTTP client with the first webhook call — not in
// every server at start.
it('a default server starts without sharp, nodemailer, prom-client, the S3 client and undici, and loads sharp for an image', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/loaded-modules.ts'], {
    cwd: root,
    env: { ...process.env, FLOTILLA_ADMIN_EMAIL: '', FLOTILLA_ADMIN_PASSWORD: '' },
    timeout: 60_000,
  });
  const [start, upload] = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { at: string; status?: number; loaded: Record<string, boolean> });
  expect(start).toEqual({
    at: 'start',
    loaded: { sharp: false, nodemailer: false, 'prom-client': false, '@aws-sdk/client-s3': false, undici: false },
  });
  expect(upload.status).toBe(200);
  expect(upload.loaded.sharp).toBe(true);
}, 90_000);
