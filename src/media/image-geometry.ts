import { errors } from '../core/errors.js';

/**
 * The geometry of `/image/...` requests, kept free of I/O so the rules of §7.3 are unit-tested on their own:
 * a trim picks a region of the original, then the region is resized (never enlarged).
 */

/** Flotiq's trim object: any of the six numbers; see `resolveTrim` for how they combine. */
export interface TrimSpec {
  top?: number;
  right?: number;
  bottom?: number;
  left?: number;
  width?: number;
  height?: number;
}

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

const KEYS = ['top', 'right', 'bottom', 'left', 'width', 'height'] as const;
const MAX = 9_999_999;

/** Validates a trim from JSON (`?transform={"trim":{...}}` or a stored variant) with the `_media` CTD's bounds. */
export function parseTrim(raw: unknown): TrimSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw errors.badRequest('trim must be an object');
  const spec: TrimSpec = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!(KEYS as readonly string[]).includes(k)) throw errors.badRequest(`Unknown trim property: ${k}`);
    const min = k === 'width' || k === 'height' ? 1 : 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX) {
      throw errors.badRequest(`trim.${k} must be an integer from ${min} to ${MAX}`);
    }
    spec[k as (typeof KEYS)[number]] = v;
  }
  return spec;
}

/** `?transform=...`: a JSON object whose only transformation today is `trim`. */
export function parseTransformQuery(raw: string): TrimSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.badRequest('transform must be a JSON object');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badRequest('transform must be a JSON object');
  const { trim, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw errors.badRequest(`Unknown transformation: ${Object.keys(rest)[0]}`);
  return trim === undefined ? {} : parseTrim(trim);
}

/** `/transform/trim/{top},{right},{width},{height}`, the four numbers in the order Flotiq documents them. */
export function parseTrimPath(raw: string): TrimSpec {
  const parts = raw.split(',');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,7}$/.test(p))) {
    throw errors.badRequest('trim takes four integers: top,right,width,height');
  }
  const [top, right, width, height] = parts.map(Number);
  return parseTrim({ top, right, width, height });
}

/**
 * One axis of a trim from (start, end, size): start+size is a window from the start edge, end+size a window ending
 * `end` pixels before the far edge, and start/end alone cut that many pixels off. When all three are given, the
 * documented pair start+size wins. The window is clipped to the image.
 */
function axis(start: number | undefined, end: number | undefined, size: number | undefined, total: number): [number, number] {
  let from: number;
  let to: number;
  if (size !== undefined && (start !== undefined || end === undefined)) {
    from = start ?? 0;
    to = from + size;
  } else if (size !== undefined) {
    to = total - end!;
    from = to - size;
  } else {
    from = start ?? 0;
    to = total - (end ?? 0);
  }
  return [Math.max(0, from), Math.min(total, to)];
}

/** The region of a `w`×`h` image a trim keeps; 400 when nothing of the image is left. */
export function resolveTrim(spec: TrimSpec, w: number, h: number): Region {
  const [x0, x1] = axis(spec.left, spec.right, spec.width, w);
  const [y0, y1] = axis(spec.top, spec.bottom, spec.height, h);
  if (x1 <= x0 || y1 <= y0) throw errors.badRequest('The trim leaves nothing of the image');
  return { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Output size for `WxH` from a `w`×`h` source: 0x0 keeps it; one zero scales proportionally; both crop to fill.
 * Never enlarges: a box larger than the source shrinks (keeping its aspect ratio) until it fits.
 */
export function planSize(W: number, H: number, w: number, h: number): { width: number; height: number } {
  if (W === 0 && H === 0) return { width: w, height: h };
  if (H === 0) return W >= w ? { width: w, height: h } : { width: W, height: Math.max(1, Math.round((h * W) / w)) };
  if (W === 0) return H >= h ? { width: w, height: h } : { width: Math.max(1, Math.round((w * H) / h)), height: H };
  const s = Math.max(W / w, H / h);
  if (s <= 1) return { width: W, height: H };
  return { width: Math.max(1, Math.min(w, Math.round(W / s))), height: Math.max(1, Math.min(h, Math.round(H / s))) };
}
