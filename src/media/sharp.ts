import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp, loaded on the first image Flotilla inspects or renders rather than at start: libvips and its bindings take
 * ~20 MB of resident memory that a server answering only JSON never needs.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
