import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertKey, type ByteRange, type FileStat, type FileStore, type PutBody } from './file-store.js';

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** The default file store: one directory tree on a local (or network-mounted) disk. */
export class DiskFileStore implements FileStore {
  private readonly partial: string;
  private partialReady: Promise<unknown> | undefined;

  constructor(private readonly root: string) {
    this.partial = path.join(root, '.partial');
  }

  private file(key: string): string {
    return path.join(this.root, ...assertKey(key));
  }

  async put(key: string, body: PutBody): Promise<FileStat> {
    const target = this.file(key);
    if (!Buffer.isBuffer(body) && !(body instanceof Readable)) {
      // a finished local file: one rename is already atomic (a copy is needed only across filesystems)
      const moved = await this.moveInto(body.path, target).then(
        () => true,
        (e: unknown) => {
          if ((e as NodeJS.ErrnoException).code === 'EXDEV') return false;
          throw e;
        },
      );
      if (moved) return (await this.stat(key))!;
    }
    await (this.partialReady ??= mkdir(this.partial, { recursive: true }));
    // written aside, then renamed: a reader never sees half a file, and a failed write leaves nothing behind
    const tmp = path.join(this.partial, randomUUID());
    try {
      if (Buffer.isBuffer(body)) await writeFile(tmp, body, { flag: 'wx' });
      else if (body instanceof Readable) await pipeline(body, createWriteStream(tmp, { flags: 'wx' }));
      else await copyFile(body.path, tmp);
      await this.moveInto(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return (await this.stat(key))!;
  }

  /** Folders are made on demand: deletes remove empty ones, and a put may race such a delete. */
  private async moveInto(from: string, target: string): Promise<void> {
    try {
      await rename(from, target);
    } catch (e) {
      if (!isMissing(e)) throw e;
      await mkdir(path.dirname(target), { recursive: true });
      await rename(from, target);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = this.file(key);
    // open first so a missing file is an answer (undefined), not a stream error after the headers went out
    const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
    return new Promise((resolve, reject) => {
      stream.once('open', () => resolve(stream));
      stream.once('error', (e) => (isMissing(e) ? resolve(undefined) : reject(e)));
    });
  }

  async stat(key: string): Promise<FileStat | undefined> {
    try {
      const s = await stat(this.file(key));
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.file(key);
    await rm(file, { force: true });
    // drop the folders the key emptied, so deleted media leave no trace; a folder still in use stays
    for (let dir = path.dirname(file); dir.startsWith(this.root + path.sep); dir = path.dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const cut = prefix.lastIndexOf('/');
    const dir = cut < 0 ? '' : prefix.slice(0, cut);
    let names: string[];
    try {
      names = await readdir(dir === '' ? this.root : this.file(dir), { recursive: true });
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    const keys = names.map((n) => (dir === '' ? n : `${dir}/${n}`).split(path.sep).join('/'));
    const files = await Promise.all(
      keys
        .filter((k) => k.startsWith(prefix) && !k.startsWith('.partial'))
        .map(async (k) => ((await this.stat(k)) ? k : undefined)),
    );
    return files.filter((k): k is string => k !== undefined);
  }
}
