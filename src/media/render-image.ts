import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { loadSharp } from './sharp.js';
import type { Region } from './image-geometry.js';

/** Given the real (EXIF-oriented) size of the original: the region to keep and the size to produce. */
export type RenderPlan = (
  width: number,
  height: number,
) => { region: Region | undefined; size: { width: number; height: number } };

/**
 * Trims, then resizes (Flotiq: "images are transformed before they are resized"), keeping the original's format.
 * `trustedSize` says whether the original really has the dimensions its `_media` object claims; callers name cache
 * entries after those, so a rendition planned from wrong numbers must not be cached.
 */
export async function renderImage(
  source: Readable,
  expected: { width: number; height: number },
  plan: RenderPlan,
): Promise<{ data: Buffer; width: number; height: number; trustedSize: boolean }> {
  // originals are bounded by the upload limit, and sharp decodes faster from memory than from a stream
  const [input, sharp] = await Promise.all([buffer(source), loadSharp()]);
  const meta = await sharp(input).metadata();
  const real = meta.autoOrient ?? { width: meta.width, height: meta.height };
  const { region, size } = plan(real.width, real.height);
  // keep every frame of an animated GIF or WebP
  let img = sharp(input, { animated: (meta.pages ?? 1) > 1 }).autoOrient();
  if (region) img = img.extract(region);
  const from = region ?? real;
  if (size.width !== from.width || size.height !== from.height) {
    img = img.resize(size.width, size.height, { fit: 'cover', position: 'centre' });
  }
  const { data, info } = await img.toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: info.height,
    trustedSize: real.width === expected.width && real.height === expected.height,
  };
}
