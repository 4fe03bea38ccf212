import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { fileStoreContract } from '../../test/support/file-store-contract.js';
import { startTestS3, type TestS3 } from '../../test/support/s3.js';
import { mediaKeys } from './file-store.js';
import { S3FileStore, s3Client, type S3Settings } from './s3-file-store.js';

// A real S3-compatible server (s3rver) on 127.0.0.1, started here: no mock of S3, and request signatures are checked.
let s3: TestS3;
let spool: string;
let raw: S3Client;
const settings = (prefix: string, over: Partial<S3Settings> = {}): S3Settings => ({
  bucket: s3.bucket,
  endpoint: s3.endpoint,
  region: 'us-east-1',
  accessKeyId: s3.accessKeyId,
  secretAccessKey: s3.secretAccessKey,
  forcePathStyle: true,
  prefix,
  ...over,
});
const fresh = (p = 'media') => `${p}-${randomBytes(6).toString('hex')}/`;
const objectsIn = async (Prefix = '') =>
  ((await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix }))).Contents ?? []).map((o) => o.Key!).sort();

beforeAll(async () => {
  s3 = await startTestS3();
  spool = mkdtempSync(path.join(tmpdir(), 'flotilla-spool-'));
  raw = s3Client(settings(''));
});
afterAll(async () => {
  raw?.destroy();
  await s3?.stop();
  rmSync(spool, { recursive: true, force: true });
});

describe('S3FileStore: the file-store contract, against s3rver', () => {
  fileStoreContract(async () => {
    // each test its own prefix in the one bucket: an empty store, and a check that prefixes really separate stores
    // pages of 40 keys, so the contract's listing of 120 keys takes three requests
    const store = S3FileStore.fromSettings(settings(fresh()), spool, 40);
    return { store, dispose: () => store.close() };
  });
});

describe('S3FileStore in a bucket', () => {
  it('keeps its objects under its prefix, apart from another store in the same bucket', async () => {
    const [pa, pb] = [fresh('a'), fresh('b')];
    const a = S3FileStore.fromSettings(settings(pa), spool);
    const b = S3FileStore.fromSettings(settings(pb), spool);
    await a.put(mediaKeys.original('_media-1'), Buffer.from('from a'));
    await a.put(mediaKeys.rendition('_media-1', '10x10.png'), Buffer.from('rendition'));
    expect(await objectsIn(pa)).toEqual([`${pa}originals/_media-1`, `${pa}renditions/_media-1/10x10.png`]);
    expect(await b.get(mediaKeys.original('_media-1'))).toBeUndefined();
    expect(await b.list('')).toEqual([]);
    // the spool folder is only a passage: nothing stays there
    expect(await objectsIn(pb)).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('ignores objects under its prefix that are not keys of its own (neither listed nor deleted by cleanup)', async () => {
    const p = fresh();
    const store = S3FileStore.fromSettings(settings(p), spool);
    for (const Key of [`${p}originals/.hidden`, `${p}originals/with space`, `${p}originals/a%2F..%2Fb`])
      await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: 'foreign' }));
    await store.put('originals/mine', Buffer.from('mine'));
    expect(await store.list('')).toEqual(['originals/mine']);
    expect(await store.list('originals/')).toEqual(['originals/mine']);
    await store.close();
  });

  it('refuses a prefix that is not a plain folder', () => {
    for (const prefix of ['media', '../', 'a/../', '/abs/', 'a//', '.hidden/'])
      expect(() => S3FileStore.fromSettings(settings(prefix), spool), prefix).toThrow(/invalid/);
    expect(() => S3FileStore.fromSettings(settings('tenant-1/media/'), spool)).not.toThrow();
  });

  it('refuses unknown credentials, and the error never carries the secret', async () => {
    const secret = `wrong-${randomBytes(16).toString('hex')}`;
    const store = S3FileStore.fromSettings(settings(fresh(), { accessKeyId: 'NOT-AN-ACCOUNT', secretAccessKey: secret }), spool);
    const err = await store.put('originals/x', Buffer.from('x')).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('InvalidAccessKeyId');
    expect(`${err!.name} ${err!.message} ${err!.stack} ${JSON.stringify(err)}`).not.toContain(secret);
    expect((await objectsIn()).filter((k) => k.endsWith('originals/x'))).toEqual([]);
    await store.close();
  });

  it('a rendition written by one store is read, byte for byte, by another on the same bucket (two nodes)', async () => {
    const p = fresh();
    const [one, two] = [S3FileStore.fromSettings(settings(p), spool), S3FileStore.fromSettings(settings(p), spool)];
    const bytes = randomBytes(700 * 1024);
    const put = await one.put(mediaKeys.rendition('_media-9', '100x0.png'), bytes);
    expect(await two.stat(mediaKeys.rendition('_media-9', '100x0.png'))).toEqual(put);
    expect((await buffer((await two.get(mediaKeys.rendition('_media-9', '100x0.png')))!)).equals(bytes)).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });
});

describe('the S3 store settings', () => {
  const base = { FLOTILLA_MEDIA_STORE: 's3', FLOTILLA_S3_BUCKET: 'media-bucket' };

  it('are off by default, and read whole when FLOTILLA_MEDIA_STORE=s3', () => {
    expect(loadConfig({})).toMatchObject({ mediaStore: 'disk', s3: undefined });
    expect(loadConfig({ ...base }).s3).toEqual({
      bucket: 'media-bucket',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
      prefix: '',
    });
    const full = loadConfig({
      ...base,
      FLOTILLA_S3_ENDPOINT: 'http://127.0.0.1:9000',
      FLOTILLA_S3_REGION: 'eu-central-1',
      FLOTILLA_S3_ACCESS_KEY_ID: 'id',
      FLOTILLA_S3_SECRET_ACCESS_KEY: 'secret',
      FLOTILLA_S3_FORCE_PATH_STYLE: '1',
      FLOTILLA_S3_PREFIX: 'site/media',
    }).s3;
    expect(full).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-central-1',
      forcePathStyle: true,
      prefix: 'site/media/',
    });
    // the prefix the settings accept is one the store accepts
    expect(() => S3FileStore.fromSettings(full!, spool)).not.toThrow();
  });

  it('take the secret from a file, like the other secrets', () => {
    const file = path.join(spool, 's3-secret');
    writeFileSync(file, 'from-a-file\n');
    expect(
      loadConfig({ ...base, FLOTILLA_S3_ACCESS_KEY_ID: 'id', FLOTILLA_S3_SECRET_ACCESS_KEY_FILE: file }).s3?.secretAccessKey,
    ).toBe('from-a-file');
  });

  it('refuse what cannot work, naming the setting and never echoing the secret', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ FLOTILLA_MEDIA_STORE: 's3' }, /FLOTILLA_S3_BUCKET/],
      [{ FLOTILLA_MEDIA_STORE: 'ftp' }, /FLOTILLA_MEDIA_STORE/],
      [{ ...base, FLOTILLA_S3_BUCKET: 'Bad_Bucket' }, /FLOTILLA_S3_BUCKET/],
      [{ ...base, FLOTILLA_S3_ENDPOINT: 'ftp://x' }, /FLOTILLA_S3_ENDPOINT/],
      [{ ...base, FLOTILLA_S3_PREFIX: '../up' }, /FLOTILLA_S3_PREFIX/],
      [{ ...base, FLOTILLA_S3_PREFIX: 'a//b' }, /FLOTILLA_S3_PREFIX/],
      [{ ...base, FLOTILLA_S3_PREFIX: '/abs' }, /FLOTILLA_S3_PREFIX/],
      [{ ...base, FLOTILLA_S3_FORCE_PATH_STYLE: 'yes' }, /FLOTILLA_S3_FORCE_PATH_STYLE/],
      [{ ...base, FLOTILLA_S3_SECRET_ACCESS_KEY: 'only-the-secret-1234' }, /FLOTILLA_S3_ACCESS_KEY_ID/],
    ];
    for (const [env, message] of bad) {
      let error = '';
      try {
        loadConfig(env);
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error, JSON.stringify(env)).toMatch(message);
      expect(error).not.toContain('only-the-secret-1234');
    }
  });
});
