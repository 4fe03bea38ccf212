import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertKey, type ByteRange, type FileStat, type FileStore, type PutBody } from './file-store.js';

/** Where the objects go and how to reach the server (the settings FLOTILLA_S3_*). */
export interface S3Settings {
  bucket: string;
  /** Unset: AWS itself; set for any S3-compatible server (MinIO, Ceph, R2, …). */
  endpoint: string | undefined;
  region: string;
  /** Both or neither; neither: the SDK's own chain (AWS_* variables, shared files, instance or task roles). */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key`: what most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Folder-like prefix inside the bucket ('' or segments ending in `/`), so one bucket can hold several things. */
  prefix: string;
}

/**
 * A client for these settings. Checksums only where S3 requires them: many S3-compatible servers (and s3rver, which
 * the tests run) do not read the trailing checksums the SDK sends by default since 3.729 (decision 0022).
 */
export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.forcePathStyle,
    credentials:
      s.accessKeyId !== undefined && s.secretAccessKey !== undefined
        ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }
        : undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // a large file is streamed from S3 for as long as its client reads it: allow more than the SDK's 50 at once.
    // No request may hang for ever (the event worker's media cleanup waits on it): a minute without a byte ends it.
    requestHandler: {
      connectionTimeout: 5000,
      requestTimeout: 60_000,
      httpAgent: { keepAlive: true, maxSockets: 256 },
      httpsAgent: { keepAlive: true, maxSockets: 256 },
    },
  });
}

const isMissing = (e: unknown) =>
  e instanceof S3ServiceException && (e.$metadata.httpStatusCode === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound');

/**
 * The file store on S3-compatible object storage, so every node serves the same files. Objects are the keys under
 * the configured prefix; S3 writes are atomic per object, so `put` needs no temporary object. Bytes stream in both
 * directions: uploads go up from a local file with a known length (S3 wants one), downloads come down as the
 * response body, and a range is a ranged GET.
 */
export class S3FileStore implements FileStore {
  private spoolReady: Promise<unknown> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    /** Where a stream of unknown length is written before it is uploaded. */
    private readonly spoolDir: string,
    /** Keys per listing request (S3 sends at most 1000); smaller only in tests, to reach a second page cheaply. */
    private readonly listPageSize = 1000,
  ) {
    if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`invalid S3 prefix (must end with /): ${prefix}`);
    if (prefix !== '') assertKey(prefix.slice(0, -1));
  }

  static fromSettings(s: S3Settings, spoolDir: string, listPageSize?: number): S3FileStore {
    return new S3FileStore(s3Client(s), s.bucket, s.prefix, spoolDir, listPageSize);
  }

  private object(key: string): string {
    assertKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: PutBody): Promise<FileStat> {
    const Key = this.object(key);
    if (Buffer.isBuffer(body)) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.length }));
    } else if (body instanceof Readable) {
      // S3 needs the length before the first byte: a stream is written to local disk first (never held in memory)
      await (this.spoolReady ??= mkdir(this.spoolDir, { recursive: true }));
      const tmp = path.join(this.spoolDir, randomUUID());
      try {
        await pipeline(body, createWriteStream(tmp, { flags: 'wx' }));
        await this.upload(Key, tmp);
      } finally {
        await rm(tmp, { force: true });
      }
    } else {
      await this.upload(Key, body.path);
      await rm(body.path, { force: true }); // taken over: the local copy goes, as a move would
    }
    // read back for the validators every node will see (S3's Last-Modified, not this machine's clock)
    const stored = await this.stat(key);
    if (!stored) throw new Error(`file-store object vanished right after it was written: ${key}`);
    return stored;
  }

  private async upload(Key: string, file: string): Promise<void> {
    const { size } = await stat(file);
    const Body = createReadStream(file);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentLength: size }));
    } finally {
      Body.destroy();
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const Key = this.object(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      // in Node the body is the HTTP response itself: streamed, never buffered here
      const body = out.Body as Readable;
      return range ? exactRange(body, range, out.ContentRange) : body;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async stat(key: string): Promise<FileStat | undefined> {
    const Key = this.object(key);
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { size: h.ContentLength ?? 0, mtimeMs: h.LastModified?.getTime() ?? 0 };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers a delete of a missing object with success, as the port wants
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.object(key) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  async list(prefix: string): Promise<string[]> {
    // a prefix is a key, or the start of one: the same alphabet, so it cannot reach above the store's own prefix
    if (prefix !== '') assertKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken,
          MaxKeys: this.listPageSize,
        }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.prefix.length);
        // objects someone else put under the prefix that are not keys of ours are not listed (nor deleted)
        if (key !== undefined && o.Key!.startsWith(this.prefix) && isKey(key)) keys.push(key);
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  }
}

/**
 * The bytes of `range` whatever the server sent: HTTP lets a server ignore a Range (a 200 with everything), and some
 * S3-compatible servers answer a range with a wider one (s3rver, for `bytes=0-0`). Bytes outside the range are
 * skipped as they stream by; a range that does not cover the one asked for is an error, never wrong bytes.
 */
function exactRange(body: Readable, range: ByteRange, contentRange: string | undefined): Readable {
  const m = contentRange === undefined ? undefined : /^bytes (\d+)-(\d+)\//.exec(contentRange);
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [0, Infinity];
  if (from === range.start && to === range.end) return body;
  if (contentRange !== undefined && !m) {
    body.destroy();
    throw new Error(`unexpected Content-Range from the S3 server: ${contentRange}`);
  }
  if (from > range.start || to < range.end) {
    body.destroy();
    throw new Error(`the S3 server sent bytes ${from}-${to} for the range ${range.start}-${range.end}`);
  }
  async function* slice() {
    let skip = range.start - from;
    let left = range.end - range.start + 1;
    for await (const chunk of body) {
      const c = (chunk as Buffer).subarray(Math.min(skip, (chunk as Buffer).length));
      skip -= (chunk as Buffer).length - c.length;
      if (c.length === 0) continue;
      if (c.length >= left) {
        yield c.subarray(0, left);
        return; // leaving the loop destroys the response: the rest is never downloaded
      }
      left -= c.length;
      yield c;
    }
  }
  return Readable.from(slice());
}

function isKey(key: string): boolean {
  try {
    assertKey(key);
    return true;
  } catch {
    return false;
  }
}
