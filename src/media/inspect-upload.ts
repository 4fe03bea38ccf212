import { open } from 'node:fs/promises';
import { loadSharp } from './sharp.js';
import { extensionFor, isAllowedMime, isTextMime, normalizeMime } from './media-types.js';
import { looksBinary, sniff } from './sniff.js';

/** What the bytes of an upload turned out to be. */
export interface Inspected {
  mimeType: string;
  extension: string;
  fileName: string;
  type: 'image' | 'file';
  width: number;
  height: number;
}

export interface UploadLimits {
  maxBytes: number;
  mimeTypes: readonly string[];
}

const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** Symfony-style size text, as Flotiq prints it: the unit follows the limit (bytes, kB or MB, 1024-based). */
export function sizeText(size: number, limit: number): { size: string; limit: string } {
  const [factor, unit] = limit >= 1024 * 1024 ? [1024 * 1024, 'MB'] : limit >= 1024 ? [1024, 'kB'] : [1, 'bytes'];
  const fmt = (n: number) => String(Math.round((n / factor) * 100) / 100);
  return { size: `${fmt(size)} ${unit}`, limit: `${fmt(limit)} ${unit}` };
}

/** The file name a client sent, reduced to a safe display name (no path, no control characters). */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // control characters and quotes would break headers and the JSON of clients that build them by hand
  const name = base
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The real type of the bytes: sharp for images, signatures for the rest, else whatever the client declared. */
async function detect(
  path: string,
  declared: string,
): Promise<{ mime: string; width: number; height: number } | { mismatch: string }> {
  const sharp = await loadSharp();
  const meta = await sharp(path, { failOn: 'error' })
    .metadata()
    .catch(() => undefined);
  if (meta?.mediaType && meta.width && meta.height) {
    const mime = normalizeMime(meta.mediaType);
    const dims = meta.autoOrient ?? { width: meta.width, height: meta.height };
    if (!GENERIC.has(declared) && declared !== mime) return { mismatch: mime };
    return { mime, width: dims.width, height: dims.height };
  }
  const head = await readHead(path);
  const found = sniff(head);
  if (found) {
    if (GENERIC.has(declared)) return { mime: found.mimes[0], width: found.width ?? 0, height: found.height ?? 0 };
    if (!found.mimes.includes(declared)) return { mismatch: found.mimes[0] };
    return { mime: declared, width: found.width ?? 0, height: found.height ?? 0 };
  }
  // An image type that neither sharp nor the signatures recognise is not what it claims to be.
  if (declared.startsWith('image/') && declared !== 'image/svg+xml') return { mismatch: 'application/octet-stream' };
  if (isTextMime(declared) && looksBinary(head)) return { mismatch: 'application/octet-stream' };
  return { mime: GENERIC.has(declared) ? 'application/octet-stream' : declared, width: 0, height: 0 };
}

/**
 * Checks one received file against the limits and works out its `_media` fields. Returns Flotiq's `file` messages
 * when it is refused; every problem is reported at once, as Flotiq does.
 */
export async function inspectUpload(
  file: { path: string; size: number; sizeKnown: boolean; declaredMime: string; fileName: string | undefined },
  limits: UploadLimits,
): Promise<Inspected | { errors: string[] }> {
  const messages: string[] = [];
  const declared = normalizeMime(file.declaredMime);
  // Beyond the limit only the count was kept, not the bytes, so the type cannot be examined.
  const found = file.size <= limits.maxBytes ? await detect(file.path, declared) : undefined;
  if (found && 'mismatch' in found && isAllowedMime(found.mismatch, limits.mimeTypes) && declared !== '') {
    messages.push(`The file content ("${found.mismatch}") does not match its declared mime type ("${declared}").`);
  } else {
    const mime = !found ? declared : 'mismatch' in found ? found.mismatch : found.mime;
    if (!isAllowedMime(mime, limits.mimeTypes)) {
      const list = limits.mimeTypes.map((m) => `"${m}"`).join(', ');
      messages.push(`The mime type of the file is invalid ("${mime}"). Allowed mime types are ${list}.`);
    }
  }
  if (file.size > limits.maxBytes) {
    const t = sizeText(file.size, limits.maxBytes);
    const size = file.sizeKnown ? t.size : `more than ${t.size}`;
    messages.push(`The file is too large (${size}). Allowed maximum size is ${t.limit}.`);
  }
  if (messages.length > 0 || !found || 'mismatch' in found) return { errors: messages };
  const name = cleanFileName(file.fileName);
  const extension = extensionFor(found.mime, name);
  const fileName = name.toLowerCase().endsWith(`.${extension}`) ? name : `${name}.${extension}`;
  const type = found.mime.startsWith('image/') ? 'image' : 'file';
  return { mimeType: found.mime, extension, fileName, type, width: found.width, height: found.height };
}
