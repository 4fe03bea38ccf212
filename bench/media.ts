// The media scenarios' inputs: PNGs generated with sharp, a multipart body built once (autocannon replays it), and
// the one `_media` object the image scenario reads, uploaded through the real API.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

/**
 * A w×h RGB PNG like a simple illustration: a horizontal gradient in bands with a disc in the middle. At 1200×800 it
 * is ~44 KB and its 400-wide rendition ~23 KB (a photo-like PNG would be ~300 KB there, and the image scenario would
 * measure loopback bandwidth for both routes rather than the server).
 */
export async function makePng(width: number, height: number): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  const r = Math.min(width, height) * 0.31;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const disc = Math.hypot(x - width / 2, y - height / 2) < r;
      px[o] = disc ? 240 : Math.floor((255 * x) / width);
      px[o + 1] = disc ? 200 : Math.floor((8 * y) / height) % 2 ? 90 : 140;
      px[o + 2] = disc ? 40 : 160;
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Width and height from a PNG's IHDR chunk; undefined when the bytes are not a PNG. */
export function pngSize(b: Buffer): { width: number; height: number } | undefined {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (b.length < 24 || !b.subarray(0, 8).equals(sig) || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** A `multipart/form-data` body with one `file` part (and Flotiq's `type` field), and its content-type header. */
export function multipart(file: Buffer, fileName: string, mime: string): { body: Buffer; contentType: string } {
  const boundary = `----flotillabench${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\nimage\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${mime}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface SeededMedia {
  id: string;
  width: number;
  height: number;
  bytes: number;
}

/** Uploads one PNG through `POST /api/media` (read-write key) and returns the new object's id. */
export async function seedMedia(baseUrl: string, readWriteKey: string, png: Buffer): Promise<SeededMedia> {
  const size = pngSize(png);
  if (!size) throw new Error('seedMedia: not a PNG');
  const m = multipart(png, 'bench-1200x800.png', 'image/png');
  const res = await fetch(`${baseUrl}/api/media`, {
    method: 'POST',
    headers: { 'x-auth-token': readWriteKey, 'content-type': m.contentType },
    body: new Uint8Array(m.body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/media answered ${res.status}: ${text.slice(0, 500)}`);
  const o = JSON.parse(text) as { id?: unknown; width?: unknown; height?: unknown };
  if (typeof o.id !== 'string') throw new Error(`POST /api/media answered no id: ${text.slice(0, 500)}`);
  if (o.width !== size.width || o.height !== size.height)
    throw new Error(`POST /api/media stored ${String(o.width)}×${String(o.height)}, sent ${size.width}×${size.height}`);
  return { id: o.id, ...size, bytes: png.length };
}
