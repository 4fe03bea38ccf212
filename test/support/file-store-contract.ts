import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mediaKeys, type FileStore } from '../../src/media/file-store.js';

/** A fresh, empty store for one test, and how to throw it away. */
export interface StoreUnderTest {
  store: FileStore;
  dispose(): Promise<void>;
}

const text = async (s: Readable | undefined) => (s ? (await buffer(s)).toString() : undefined);

/**
 * The file-store contract: what every adapter (disk, S3) must do, on real files or a real server. Call it inside a
 * `describe`; `make` gives a new empty store per test. Adapter-specific checks (folders on disk, a bucket's prefix)
 * live beside each adapter's call.
 */
export function fileStoreContract(make: () => Promise<StoreUnderTest>): void {
  let s: StoreUnderTest;
  let store: FileStore;
  let scratch: string;

  beforeEach(async () => {
    s = await make();
    store = s.store;
    scratch = mkdtempSync(path.join(tmpdir(), 'flotilla-contract-'));
  });
  afterEach(async () => {
    await s.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('puts buffers and streams, reads them whole or by range, and stats them', async () => {
    const put = await store.put('originals/a', Buffer.from('hello world'));
    expect(put.size).toBe(11);
    // what put answers is what every later stat answers (ETags are made from it, on every node)
    expect(await store.stat('originals/a')).toEqual(put);
    await store.put('originals/b', Readable.from([Buffer.from('abc'), Buffer.from('def')]));
    expect(await text(await store.get('originals/b'))).toBe('abcdef');
    expect(await text(await store.get('originals/a', { start: 6, end: 10 }))).toBe('world');
    expect(await text(await store.get('originals/a', { start: 0, end: 0 }))).toBe('h');
    expect(await store.stat('originals/missing')).toBeUndefined();
    expect(await store.get('originals/missing')).toBeUndefined();
    expect(await store.get('originals/missing', { start: 0, end: 1 })).toBeUndefined();
  });

  it('streams a file larger than any one chunk, both ways, and serves a range from its far end', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    const chunks = (function* () {
      for (let i = 0; i < big.length; i += 256 * 1024) yield big.subarray(i, i + 256 * 1024);
    })();
    expect(await store.put('originals/big', Readable.from(chunks))).toMatchObject({ size: big.length });
    const whole = await store.get('originals/big');
    expect(whole).toBeInstanceOf(Readable);
    expect((await buffer(whole!)).equals(big)).toBe(true);
    const tail = await buffer((await store.get('originals/big', { start: big.length - 4096 - 17, end: big.length - 1 }))!);
    expect(tail.equals(big.subarray(big.length - 4096 - 17))).toBe(true);
  });

  it('replaces a file whole, and a failed write leaves the old one (or none) behind', async () => {
    await store.put('originals/r', Buffer.from('first'));
    await store.put('originals/r', Buffer.from('second, longer'));
    expect(await text(await store.get('originals/r'))).toBe('second, longer');
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial bytes'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('originals/r', failing)).rejects.toThrow(/client went away/);
    expect(await text(await store.get('originals/r'))).toBe('second, longer');
    const failingNew = Readable.from(
      (function* () {
        yield Buffer.from('x');
        throw new Error('broken upload');
      })(),
    );
    await expect(store.put('originals/never', failingNew)).rejects.toThrow(/broken upload/);
    expect(await store.stat('originals/never')).toBeUndefined();
    expect(await store.list('originals/')).toEqual(['originals/r']);
  });

  it('takes over a finished local file (the local copy is gone after), and a missing one is an error', async () => {
    const local = path.join(scratch, 'incoming');
    writeFileSync(local, 'moved bytes');
    expect(await store.put('originals/c', { path: local })).toMatchObject({ size: 11 });
    expect(existsSync(local)).toBe(false);
    expect(await text(await store.get('originals/c'))).toBe('moved bytes');
    await expect(store.put('originals/d', { path: local })).rejects.toThrow(/ENOENT/);
    expect(await store.stat('originals/d')).toBeUndefined();
  });

  it('lists by prefix and deletes; deleting a missing key is fine', async () => {
    for (const n of ['100x0.png', '50x50.png']) await store.put(mediaKeys.rendition('_media-1', n), Buffer.from(n));
    await store.put(mediaKeys.rendition('_media-10', '1x1.png'), Buffer.from('x'));
    await store.put(mediaKeys.original('_media-1'), Buffer.from('o'));
    expect((await store.list(mediaKeys.renditionPrefix('_media-1'))).sort()).toEqual([
      'renditions/_media-1/100x0.png',
      'renditions/_media-1/50x50.png',
    ]);
    expect(await store.list('renditions/_media-1')).toHaveLength(3);
    expect((await store.list('')).sort()).toEqual([
      'originals/_media-1',
      'renditions/_media-1/100x0.png',
      'renditions/_media-1/50x50.png',
      'renditions/_media-10/1x1.png',
    ]);
    for (const k of await store.list(mediaKeys.renditionPrefix('_media-1'))) await store.delete(k);
    expect(await store.list(mediaKeys.renditionPrefix('_media-1'))).toEqual([]);
    expect(await store.get('renditions/_media-1/50x50.png')).toBeUndefined();
    expect(await store.list('renditions/')).toEqual(['renditions/_media-10/1x1.png']);
    await store.delete('originals/never-there');
    await store.delete('renditions/never/there.png');
    expect(await store.list('nothing/')).toEqual([]);
  });

  it('lists every key, however many (past one page of a listing)', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `_media-${String(i).padStart(4, '0')}`);
    await Promise.all(ids.map((id) => store.put(mediaKeys.original(id), Buffer.from(id))));
    expect((await store.list('originals/')).sort()).toEqual(ids.map((id) => mediaKeys.original(id)));
  });

  it('refuses any key that could leave its root, on every verb, and keeps every id inside', async () => {
    const bad = [
      '../escape',
      'originals/..',
      'originals/../x',
      '/abs',
      'originals//x',
      'originals/.hidden',
      'a\\b',
      'a%2Fb/..',
      '',
    ];
    for (const key of bad) {
      await expect(store.put(key, Buffer.from('x')), key).rejects.toThrow(/invalid file-store key/);
      await expect(store.get(key), key).rejects.toThrow(/invalid file-store key/);
      await expect(store.stat(key), key).rejects.toThrow(/invalid file-store key/);
      await expect(store.delete(key), key).rejects.toThrow(/invalid file-store key/);
    }
    await expect(store.list('../')).rejects.toThrow(/invalid file-store key/);
    await expect(store.list('originals/../')).rejects.toThrow(/invalid file-store key/);
    const ids = ['../../etc/passwd', 'a b.c', '..', 'x'.repeat(255), '__proto__', 'constructor', 'a%2F..%2Fb', 'é/ü'];
    for (const id of ids) {
      const key = mediaKeys.original(id);
      await store.put(key, Buffer.from(id));
      expect(await text(await store.get(key))).toBe(id);
    }
    // one file each, all directly under originals/ (none climbed out or into a sub-folder)
    const listed = await store.list('');
    expect(listed).toHaveLength(ids.length);
    expect(listed.every((k) => /^originals\/[^/]+$/.test(k))).toBe(true);
  });
}
