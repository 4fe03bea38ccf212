import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { TestApp } from '../support/test-app.js';

/** Shared by the media test files: multipart bodies, generated test files, and looks at what is on disk. */

export interface FilePart {
  filename: string;
  type: string;
  data: Buffer;
}

/** A multipart/form-data body written by hand, so tests control every header a client might send. */
export function multipart(file: FilePart | undefined, fields: Record<string, string> = {}) {
  const boundary = `----flotilla${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  const part = (headers: string, data: Buffer) =>
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), data, Buffer.from('\r\n'));
  for (const [name, value] of Object.entries(fields)) part(`Content-Disposition: form-data; name="${name}"`, Buffer.from(value));
  if (file)
    part(`Content-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type}`, file.data);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function upload(
  t: TestApp,
  key: string | undefined,
  file: FilePart | undefined,
  fields: Record<string, string> = { type: 'image', save: '1' },
  query = '',
): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipart(file, fields);
  return t.app.server.inject({
    method: 'POST',
    url: `/api/media${query}`,
    payload,
    headers: { ...headers, ...(key ? { 'x-auth-token': key } : {}) },
  });
}

export const COLORS = { tl: [255, 0, 0], tr: [0, 255, 0], bl: [0, 0, 255], br: [255, 255, 255] } as const;

/** A `w`×`h` image whose quadrants are red, green (top), blue, white (bottom), so a crop shows where it came from. */
export async function quadrants(format: 'png' | 'jpeg' | 'webp' | 'gif', w: number, h: number): Promise<Buffer> {
  const block = (c: readonly number[]) =>
    sharp({ create: { width: w / 2, height: h / 2, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } })
      .png()
      .toBuffer();
  const [tl, tr, bl, br] = await Promise.all([block(COLORS.tl), block(COLORS.tr), block(COLORS.bl), block(COLORS.br)]);
  return sharp({ create: { width: w, height: h, channels: 3, background: 'black' } })
    .composite([
      { input: tl, left: 0, top: 0 },
      { input: tr, left: w / 2, top: 0 },
      { input: bl, left: 0, top: h / 2 },
      { input: br, left: w / 2, top: h / 2 },
    ])
    .toFormat(format)
    .toBuffer();
}

export const TEXT = Buffer.from('Hello, Flotilla.\nA plain text file.\n');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const GZIP = gzipSync(Buffer.from('compressed '.repeat(100)));

/** Decodes an answer and reports what it really is. */
export async function decoded(body: Buffer) {
  const { data, info } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
  const meta = await sharp(body).metadata();
  const pixel = (x: number, y: number) => [
    ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
  ];
  return {
    width: info.width,
    height: info.height,
    format: meta.format,
    center: pixel(Math.floor(info.width / 2), Math.floor(info.height / 2)),
    pixel,
  };
}

export const near = (a: number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 24);

/** Every file under a folder of the media store (relative paths), or [] when the folder does not exist. */
export function filesUnder(t: TestApp, sub: string): string[] {
  const dir = path.join(t.db.dataDir, 'media', sub);
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => statSync(path.join(dir, n)).isFile());
}

export const get = (t: TestApp, url: string, headers: Record<string, string> = {}) =>
  t.app.server.inject({ method: 'GET', url, headers });
