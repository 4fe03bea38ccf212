import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStoreContract } from '../../test/support/file-store-contract.js';
import { DiskFileStore } from './disk-file-store.js';
import { mediaKeys } from './file-store.js';

describe('DiskFileStore: the file-store contract', () => {
  fileStoreContract(async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'flotilla-store-'));
    return { store: new DiskFileStore(root), dispose: async () => rmSync(root, { recursive: true, force: true }) };
  });
});

describe('DiskFileStore on disk', () => {
  let root: string;
  let store: DiskFileStore;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'flotilla-store-'));
    store = new DiskFileStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes aside and renames: no partial file is left, even after a failed write', async () => {
    await store.put('originals/b', Readable.from([Buffer.from('abc'), Buffer.from('def')]));
    const failing = Readable.from(
      (function* () {
        yield Buffer.from('x');
        throw new Error('broken upload');
      })(),
    );
    await expect(store.put('originals/c', failing)).rejects.toThrow(/broken upload/);
    expect(readdirSync(path.join(root, '.partial'))).toEqual([]);
  });

  it('takes over a local file on the same filesystem by moving it (no copy)', async () => {
    const local = path.join(root, 'incoming');
    writeFileSync(local, 'moved bytes');
    await store.put('originals/c', { path: local });
    // a rename leaves the partial folder untouched (it is made only for writes that need it)
    expect(existsSync(path.join(root, '.partial'))).toBe(false);
  });

  it('removes the folders a delete emptied, and keeps the ones still in use', async () => {
    for (const n of ['100x0.png', '50x50.png']) await store.put(mediaKeys.rendition('_media-1', n), Buffer.from(n));
    await store.put(mediaKeys.rendition('_media-10', '1x1.png'), Buffer.from('x'));
    for (const k of await store.list(mediaKeys.renditionPrefix('_media-1'))) await store.delete(k);
    expect(existsSync(path.join(root, 'renditions', '_media-1'))).toBe(false);
    expect(existsSync(path.join(root, 'renditions', '_media-10'))).toBe(true);
  });

  it('keeps hostile ids as single files directly under originals/', async () => {
    for (const id of ['../../etc/passwd', 'a b.c', '..', 'x'.repeat(255)])
      await store.put(mediaKeys.original(id), Buffer.from(id));
    expect(readdirSync(path.join(root, 'originals'))).toHaveLength(4);
    expect(readdirSync(root).sort()).toEqual(['.partial', 'originals']);
  });
});
