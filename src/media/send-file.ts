import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { ByteRange } from './file-store.js';
import type { ServedFile } from './image.service.js';

type Headers = FastifyRequest['headers'];

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const httpDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

/** RFC 9110 §13.1.2 (weak comparison) and §13.1.3: If-None-Match wins over If-Modified-Since. */
export function isNotModified(h: Headers, etag: string, mtimeMs: number): boolean {
  const inm = one(h['if-none-match']);
  if (inm !== undefined) {
    const weak = (t: string) => t.trim().replace(/^W\//, '');
    return inm.trim() === '*' || inm.split(',').some((t) => weak(t) === weak(etag));
  }
  const ims = Date.parse(one(h['if-modified-since']) ?? '');
  return !Number.isNaN(ims) && Math.floor(mtimeMs / 1000) * 1000 <= ims;
}

/**
 * The single byte range to send, 'unsatisfiable' for a 416, or undefined for the whole file. Several ranges, a
 * malformed header, or an If-Range that no longer matches all mean "send it all", which RFC 9110 allows.
 */
export function pickRange(h: Headers, size: number, etag: string, mtimeMs: number): ByteRange | 'unsatisfiable' | undefined {
  const raw = one(h.range);
  if (!raw) return undefined;
  const ifRange = one(h['if-range'])?.trim();
  if (ifRange !== undefined && ifRange !== etag && ifRange !== httpDate(mtimeMs)) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(raw.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Sends a media file with validators, caching headers, conditional answers (304) and ranges (206/416). */
export async function sendFile(req: FastifyRequest, reply: FastifyReply, f: ServedFile): Promise<FastifyReply> {
  reply
    .header('etag', f.etag)
    .header('last-modified', httpDate(f.mtimeMs))
    .header('cache-control', f.cacheControl)
    .header('accept-ranges', 'bytes')
    // media is user content served from the API's origin: never let a browser run it (an SVG with a script)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (f.cache) reply.header('x-flotilla-cache', f.cache);
  if (isNotModified(req.headers, f.etag, f.mtimeMs)) return reply.code(304).send();
  const range = pickRange(req.headers, f.size, f.etag, f.mtimeMs);
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${f.size}`).send({ code: 416, message: 'Range Not Satisfiable' });
  }
  reply.type(f.contentType);
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${f.size}`);
  reply.header('content-length', range ? range.end - range.start + 1 : f.size);
  // Fastify's HEAD handling keeps our content-length only when the payload is a stream
  if (req.method === 'HEAD') return reply.send(Readable.from([]));
  return reply.send(await f.open(range));
}
