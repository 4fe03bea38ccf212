import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Size and modification time of a stored file (what ETag, Last-Modified and ranges are built from). */
export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** Inclusive byte range, as in an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Bytes to store: a buffer, a stream, or a finished local file that the store takes over (moves or uploads). */
export type PutBody = Readable | Buffer | { path: string };

/**
 * The file-store port: where media bytes live. Keys are `/`-separated paths of safe segments (see `mediaKeys`).
 * Two adapters implement the same five verbs (disk, and S3-compatible object storage), and no caller changes.
 * `put` is atomic: a reader sees the old file, no file, or the whole new file, never a partial one.
 */
export interface FileStore {
  put(key: string, body: PutBody): Promise<FileStat>;
  /** The bytes (or one range of them); undefined when the key does not exist. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  stat(key: string): Promise<FileStat | undefined>;
  /** Removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Lets go of connections, if the store holds any (called once, when the server closes). */
  close?(): Promise<void>;
}

/** One key segment: no separator, no `.`/`..`, nothing a path or a URL would read as more than a name. */
const SEGMENT = /^[A-Za-z0-9_~][A-Za-z0-9._~-]{0,254}$/;

/**
 * Keys come from `mediaKeys`, but every adapter still refuses anything else, so no key can leave the store's root
 * (a folder, or a prefix in a bucket) or name something that is not a media file.
 */
export function assertKey(key: string): string[] {
  const parts = key.split('/');
  if (!parts.every((p) => SEGMENT.test(p))) throw new Error(`invalid file-store key: ${key}`);
  return parts;
}

/**
 * Ids are the file names, but an id may hold characters that mean something in a path (`.`, spaces, quotes);
 * plain ids stay readable and anything else is encoded so a key can never climb out of its folder.
 */
function segment(id: string): string {
  if (/^[A-Za-z0-9_-]{1,200}$/.test(id)) return id;
  const encoded = Buffer.from(id).toString('base64url');
  // file names stop at 255 bytes; a long odd id is hashed instead (ids are final, so the hash never changes)
  return encoded.length <= 200 ? `~${encoded}` : `~h${createHash('sha256').update(id).digest('hex')}`;
}

/** Where the original of a media object and its generated sizes are kept. */
export const mediaKeys = {
  original: (id: string) => `originals/${segment(id)}`,
  renditionPrefix: (id: string) => `renditions/${segment(id)}/`,
  rendition: (id: string, name: string) => `renditions/${segment(id)}/${name}`,
};

/** The media id an original's key was made from; undefined for hashed (very long) ids, which cannot be read back. */
export function mediaIdOfOriginal(key: string): string | undefined {
  const name = key.startsWith('originals/') ? key.slice('originals/'.length) : undefined;
  if (!name || name.startsWith('~h')) return undefined;
  return name.startsWith('~') ? Buffer.from(name.slice(1), 'base64url').toString() : name;
}
