import { chmodSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ADMIN } from '../support/test-app.js';

const mode = (p: string) => statSync(p).mode & 0o777;

/** A stolen file is a stolen database: the data directory is the server's alone, whatever the umask was. */
describe('the data directory and the SQLite files are private', () => {
  let db: TestDatabase | undefined;
  let app: App | undefined;
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a start tightens an open directory to 0700 and creates the database files 0600', async () => {
    db = await createTestDatabase('sqlite');
    chmodSync(db.dataDir, 0o755);
    const previous = process.umask(0o022);
    try {
      app = await createApp(
        loadConfig({
          FLOTILLA_DATA_DIR: db.dataDir,
          LOG_LEVEL: 'silent',
          FLOTILLA_ADMIN_EMAIL: ADMIN.email,
          FLOTILLA_ADMIN_PASSWORD: ADMIN.password,
        }),
      );
    } finally {
      process.umask(previous);
    }
    const file = path.join(db.dataDir, 'flotilla.sqlite');
    expect(mode(db.dataDir).toString(8)).toBe('700');
    expect(mode(path.join(db.dataDir, 'secret')).toString(8)).toBe('600');
    expect(mode(file).toString(8)).toBe('600');
    for (const side of [`${file}-wal`, `${file}-shm`]) {
      expect(existsSync(side), side).toBe(true);
      expect(mode(side).toString(8), side).toBe('600');
    }
  });
});
