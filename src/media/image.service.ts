import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { errors } from '../core/errors.js';
import type { Storage } from '../storage/port.js';
import { ByteCache, type CachedBytes } from './byte-cache.js';
import { mediaKeys, type ByteRange, type FileStat, type FileStore } from './file-store.js';
import { parseTrim, planSize, resolveTrim, type TrimSpec } from './image-geometry.js';
import { isAllowedMime, isTransformable, normalizeMime } from './media-types.js';
import { renderImage, type RenderPlan } from './render-image.js';

/** One `/image/{W}x{H}/...` request, parsed by the route. */
export interface ImageRequest {
  width: number;
  height: number;
  id: string;
  ext: string;
  variant?: string;
  trim?: TrimSpec;
}

/** A file ready to send: its validators (ETag, Last-Modified), headers, and a way to open it or one range of it. */
export interface ServedFile {
  size: number;
  mtimeMs: number;
  etag: string;
  contentType: string;
  cacheControl: string;
  /** For generated sizes: served from the file store (disk or S3), generated now and kept there, or generated but not kept. */
  cache?: 'HIT' | 'MISS' | 'BYPASS';
  open(range?: ByteRange): Promise<Readable | Buffer>;
}

export interface ImageLimits {
  maxDimension: number;
  maxRenditions: number;
  mimeTypes: readonly string[];
}

interface MediaFields {
  extension?: unknown;
  mimeType?: unknown;
  width?: unknown;
  height?: unknown;
  variants?: unknown;
}

interface RenderJob {
  id: string;
  originalKey: string;
  key: string;
  memo: string;
  expected: { width: number; height: number };
  plan: RenderPlan;
  contentType: string;
}

const ORIGINAL_CACHE = 'public, max-age=86400';
const GENERATED_CACHE = 'public, max-age=31536000, immutable';

const etagOf = (s: FileStat) => `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;

/** Bytes of hot files kept in memory: 32 MB in all, files up to 512 kB (typical web sizes). */
const MEMORY_BYTES = 32 * 1024 * 1024;
const MEMORY_ENTRY_BYTES = 512 * 1024;

/**
 * Serves media files and their generated sizes (§7.3). Files are public by Flotiq's contract (its README images and
 * the gatsby plugin fetch them without a key), so this service has no Principal: it reads only the few `_media`
 * fields that locate and shape a file, and never returns object data. The object is looked up on every request,
 * so a deleted object's files are never served, from the store or from memory, on any node.
 */
export class ImageService {
  private readonly inFlight = new Map<string, Promise<ServedFile>>();
  private readonly memory = new ByteCache(MEMORY_BYTES, MEMORY_ENTRY_BYTES);

  constructor(
    private readonly storage: Storage,
    private readonly store: FileStore,
    private readonly limits: ImageLimits,
  ) {}

  async serve(req: ImageRequest): Promise<ServedFile> {
    const max = this.limits.maxDimension;
    if (req.width > max || req.height > max) throw errors.badRequest(`Width and height must be at most ${max}`);
    const row = await this.storage.getObject('_media', req.id, 'public');
    if (!row) throw errors.notFound();
    const media = JSON.parse(row.data) as MediaFields;
    if (typeof media.extension !== 'string' || media.extension.toLowerCase() !== req.ext.toLowerCase()) throw errors.notFound();

    const mime = typeof media.mimeType === 'string' ? normalizeMime(media.mimeType) : '';
    // the stored type is object data anyone with update rights can change: only a type we accept is ever sent
    const contentType = isAllowedMime(mime, this.limits.mimeTypes) ? mime : 'application/octet-stream';
    // an id can be reused after a deletion (with new bytes): the creation time tells the two apart in memory
    const memo = (name: string) => `${row.id}\0${row.createdMs}\0${name}`;
    const originalKey = mediaKeys.original(row.id);
    const original = async (cacheControl: string) => {
      const f = await this.file(originalKey, memo(''), contentType, cacheControl);
      if (!f) throw errors.notFound();
      return f;
    };

    const trim = req.variant !== undefined ? variantTrim(media.variants, req.variant) : req.trim;
    const transformed = trim !== undefined && Object.keys(trim).length > 0;
    if (req.width === 0 && req.height === 0 && !transformed) return original(ORIGINAL_CACHE);
    if (!isTransformable(mime)) {
      // vector and icon images scale in the browser; any other file has no sizes at all
      if (mime.startsWith('image/') && !transformed) return original(GENERATED_CACHE);
      throw errors.badRequest('Only images can be resized or transformed');
    }

    // The stored dimensions name the cache entry; render() checks them against the real image before caching.
    const w = Number(media.width);
    const h = Number(media.height);
    if (!(w > 0 && h > 0)) throw errors.badRequest('The image has no known dimensions');
    const region = transformed ? resolveTrim(trim, w, h) : undefined;
    const size = planSize(req.width, req.height, region?.width ?? w, region?.height ?? h);
    const whole = !region || (region.width === w && region.height === h);
    // sizes at or above the original's all share the original: they cannot fill the cache
    if (whole && size.width === w && size.height === h) return original(GENERATED_CACHE);

    const cut = whole ? '' : `_${region.left}-${region.top}-${region.width}-${region.height}`;
    const ext = /^[a-z0-9]{1,10}$/.test(req.ext.toLowerCase()) ? req.ext.toLowerCase() : 'bin'; // object data: keep it out of paths
    const name = `${size.width}x${size.height}${cut}.${ext}`;
    const key = mediaKeys.rendition(row.id, name);
    const cached = await this.file(key, memo(name), contentType, GENERATED_CACHE);
    if (cached) return { ...cached, cache: 'HIT' };

    // should the stored dimensions be wrong, the real ones decide the output (and the result is not cached)
    const plan = (rw: number, rh: number) => {
      const r = transformed ? resolveTrim(trim, rw, rh) : undefined;
      return { region: r, size: planSize(req.width, req.height, r?.width ?? rw, r?.height ?? rh) };
    };
    const job = { id: row.id, originalKey, key, memo: memo(name), expected: { width: w, height: h }, plan, contentType };
    let pending = this.inFlight.get(key);
    if (!pending) {
      // concurrent first requests for one size render it once
      pending = this.render(job).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** A stored file, from memory when hot; small files are read whole and remembered. Undefined when missing. */
  private async file(key: string, memo: string, contentType: string, cacheControl: string): Promise<ServedFile | undefined> {
    const hit = this.memory.get(memo);
    if (hit) return fromBytes(hit, contentType, cacheControl);
    const stat = await this.store.stat(key);
    if (!stat) return undefined;
    if (stat.size <= MEMORY_ENTRY_BYTES) {
      const stream = await this.store.get(key);
      if (!stream) return undefined;
      const entry = { data: await buffer(stream), mtimeMs: stat.mtimeMs, etag: etagOf(stat) };
      this.memory.set(memo, entry);
      return fromBytes(entry, contentType, cacheControl);
    }
    const open = async (range?: ByteRange) => {
      const stream = await this.store.get(key, range);
      if (!stream) throw errors.notFound();
      return stream;
    };
    return { size: stat.size, mtimeMs: stat.mtimeMs, etag: etagOf(stat), contentType, cacheControl, open };
  }

  private async render(job: RenderJob): Promise<ServedFile> {
    // stat first: a stream opened and then dropped would hold its connection (S3) or file handle until collected
    const originalStat = await this.store.stat(job.originalKey);
    const source = originalStat && (await this.store.get(job.originalKey));
    if (!source || !originalStat) throw errors.notFound();
    const out = await renderImage(source, job.expected, job.plan);
    const existing = (await this.store.list(mediaKeys.renditionPrefix(job.id))).length;
    // Keep it only when the stored dimensions were true (they named the entry) and the per-media cap is not reached.
    if (out.trustedSize && existing < this.limits.maxRenditions) {
      const stat = await this.store.put(job.key, out.data);
      // the object may have been deleted while we rendered: its files are gone, so this one must go too
      if (!(await this.storage.getObject('_media', job.id, 'public'))) {
        await this.store.delete(job.key);
        throw errors.notFound();
      }
      const entry = { data: out.data, mtimeMs: stat.mtimeMs, etag: etagOf(stat) };
      this.memory.set(job.memo, entry);
      return { ...fromBytes(entry, job.contentType, GENERATED_CACHE), cache: 'MISS' };
    }
    const entry = {
      data: out.data,
      mtimeMs: originalStat.mtimeMs,
      etag: `"${createHash('sha1').update(out.data).digest('base64url')}"`,
    };
    return { ...fromBytes(entry, job.contentType, GENERATED_CACHE), cache: 'BYPASS' };
  }
}

function fromBytes(b: CachedBytes, contentType: string, cacheControl: string): ServedFile {
  const open = async (range?: ByteRange) => (range ? b.data.subarray(range.start, range.end + 1) : b.data);
  return { size: b.data.length, mtimeMs: b.mtimeMs, etag: b.etag, contentType, cacheControl, open };
}

/** The trim of a named variant (names are unique ignoring case, as Flotiq documents); unknown names are 404. */
function variantTrim(variants: unknown, name: string): TrimSpec {
  const list = Array.isArray(variants) ? (variants as { name?: unknown; trim?: unknown }[]) : [];
  const hit = list.find((v) => typeof v?.name === 'string' && v.name.toLowerCase() === name.toLowerCase());
  if (!hit) throw errors.notFound();
  return hit.trim === undefined ? {} : parseTrim(hit.trim);
}
