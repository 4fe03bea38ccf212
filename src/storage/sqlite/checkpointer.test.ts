import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { connectSqlite } from './sqlite.connect.js';

describe('checkpoints off the request thread', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flotilla-wal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('once the log has grown, a thread of its own copies it into the database file; writes go on meanwhile', async () => {
    const file = path.join(dir, 'flotilla.sqlite');
    const storage = await connectSqlite(file);
    const size = () => statSync(file).size;
    const before = size();
    // another connection that never checkpoints itself writes 8 MB into the log
    const other = new BetterSqlite3(file);
    other.pragma('wal_autocheckpoint = 0');
    other.exec('CREATE TABLE ballast (b BLOB)');
    const insert = other.prepare('INSERT INTO ballast (b) VALUES (?)');
    other.transaction(() => {
      for (let i = 0; i < 128; i++) insert.run(Buffer.alloc(64 * 1024, i));
    })();
    expect(size() - before).toBeLessThan(1024 * 1024);
    // the storage's own writes go on while the thread works
    for (let i = 0; i < 20; i++)
      await storage.transaction(async (tx) =>
        tx.recordEvent({ kind: 'type', action: 'update', contentType: `t${i}`, objectId: null, version: null }, 'system', i),
      );
    const deadline = Date.now() + 15_000;
    while (size() - before < 8 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(size() - before).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect((other.prepare('SELECT count(*) AS n FROM ballast').get() as { n: number }).n).toBe(128);
    // the thread runs below the request-serving thread's priority (niceness 10: field 19 of its /proc stat)
    const nice = readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    expect(nice.filter((n) => n === 10)).toHaveLength(1);
    other.close();
    await storage.close();
    // close waits for the thread: its connection is gone too, so the last close removed the log (a directory
    // removed right after close was found not empty, with the thread still closing)
    expect(existsSync(`${file}-wal`)).toBe(false);
    // closed cleanly: the file opens again with everything in it
    const again = new BetterSqlite3(file, { readonly: true });
    expect((again.prepare('SELECT count(*) AS n FROM ballast').get() as { n: number }).n).toBe(128);
    again.close();
  }, 30_000);
});
