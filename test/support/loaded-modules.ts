// Run as a process of its own (test/api/lazy-modules.test.ts): starts Flotilla with the default settings on a fresh
// SQLite directory and prints, as JSON lines, which optional heavy packages Node has loaded — at start, and after
// one image upload.
import { mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';

// every module URL resolved from here on, reported by the hook (on the loader's thread) as it resolves
const resolved = new Set<string>();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => resolved.add(url));
port1.unref();
register('./record-loads.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

const { createApp } = await import('../../src/app.js');
const { loadConfig } = await import('../../src/config/config.js');
const { SYSTEM } = await import('../../src/core/principal.js');

const PACKAGES = ['sharp', 'nodemailer', 'prom-client', '@aws-sdk/client-s3', 'undici'];
const loaded = async () => {
  await new Promise((r) => setTimeout(r, 200)); // the hook's last messages
  const urls = [...resolved];
  return Object.fromEntries(PACKAGES.map((p) => [p, urls.some((u) => u.includes(`/node_modules/${p}/`))]));
};

// a 1×1 PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-lazy-'));
const app = await createApp(loadConfig({ FLOTILLA_DATA_DIR: dir, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0' }));
try {
  await app.server.ready();
  process.stdout.write(`${JSON.stringify({ at: 'start', loaded: await loaded() })}\n`);
  await app.services.keys.ensureApplicationKeys(SYSTEM);
  const key = await app.services.keys.applicationKey(SYSTEM, 'read-write');
  const boundary = 'x-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dot.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    PNG,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.server.inject({
    method: 'POST',
    url: '/api/media',
    headers: { 'x-auth-token': key, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
  process.stdout.write(`${JSON.stringify({ at: 'upload', status: res.statusCode, loaded: await loaded() })}\n`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
