import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFileStore } from './disk-file-store.js';
import { mediaKeys } from './file-store.js';

// The file-store contract, on real files; an S3-compatible adapter should pass the same checks.
describe('DiskFileStore', () => {
  let root: string;
  let store: DiskFileStore;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'flotilla-store-'));
    store = new DiskFileStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('puts buffers and streams, reads them whole or by range, and stats them', async () => {
    const put = await store.put('originals/a', Buffer.from('hello world'));
    expect(put.size).toBe(11);
    await store.put('originals/b', Readable.from([Buffer.from('abc'), Buffer.from('def')]));
    expect((await buffer((await store.get('originals/b'))!)).toString()).toBe('abcdef');
    expect((await buffer((await store.get('originals/a', { start: 6, end: 10 }))!)).toString()).toBe('world');
    expect(await store.stat('originals/a')).toMatchObject({ size: 11 });
    expect(await store.stat('originals/missing')).toBeUndefined();
    expect(await store.get('originals/missing')).toBeUndefined();
    expect(readdirSync(path.join(root, '.partial'))).toEqual([]);
  });

  it('takes over a finished local file by moving it', async () => {
    const local = path.join(root, 'incoming');
    writeFileSync(local, 'moved bytes');
    expect(await store.put('originals/c', { path: local })).toMatchObject({ size: 11 });
    expect(existsSync(local)).toBe(false);
    expect((await buffer((await store.get('originals/c'))!)).toString()).toBe('moved bytes');
    await expect(store.put('originals/d', { path: local })).rejects.toThrow(/ENOENT/);
  });

  it('lists by prefix and deletes, removing folders it emptied; deleting a missing key is fine', async () => {
    for (const n of ['100x0.png', '50x50.png']) await store.put(mediaKeys.rendition('_media-1', n), Buffer.from(n));
    await store.put(mediaKeys.rendition('_media-10', '1x1.png'), Buffer.from('x'));
    expect((await store.list(mediaKeys.renditionPrefix('_media-1'))).sort()).toEqual([
      'renditions/_media-1/100x0.png',
      'renditions/_media-1/50x50.png',
    ]);
    expect(await store.list('renditions/_media-1')).toHaveLength(3);
    for (const k of await store.list(mediaKeys.renditionPrefix('_media-1'))) await store.delete(k);
    expect(existsSync(path.join(root, 'renditions', '_media-1'))).toBe(false);
    expect(existsSync(path.join(root, 'renditions', '_media-10'))).toBe(true);
    await store.delete('originals/never-there');
    expect(await store.list('nothing/')).toEqual([]);
  });

  it('keeps every key inside its root, whatever the id', async () => {
    await expect(store.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid file-store key/);
    await expect(store.stat('originals/..')).rejects.toThrow(/invalid file-store key/);
    for (const id of ['../../etc/passwd', 'a b.c', '..', 'x'.repeat(255)]) {
      const key = mediaKeys.original(id);
      await store.put(key, Buffer.from(id));
      expect((await buffer((await store.get(key))!)).toString()).toBe(id);
    }
    expect(readdirSync(path.join(root, 'originals'))).toHaveLength(4);
  });
});
