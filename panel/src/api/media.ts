import { request } from './http.js';
import type { ContentObject } from './types.js';

/** A `_media` object (§7.2). */
export interface MediaObject extends ContentObject {
  fileName: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
  url: string;
  extension: string;
  type: 'image' | 'file';
  alt?: string;
}

/** Uploads one file for the library through the Panel's session (`POST /panel/api/media`, multipart). */
export function uploadMedia(file: File): Promise<MediaObject> {
  const form = new FormData();
  form.append('type', file.type.startsWith('image/') ? 'image' : 'file');
  form.append('save', '1');
  form.append('file', file, file.name);
  return request<MediaObject>('POST', '/media', form);
}

/** A URL of the image at most `w`×`h` (0 = proportional), for thumbnails; non-images have none. */
export function thumbnailUrl(m: MediaObject, w: number, h: number): string | undefined {
  if (m.type !== 'image') return undefined;
  // SVGs are served as they are; the resizer only handles raster images
  if (m.extension === 'svg') return `/image/0x0/${encodeURIComponent(m.id)}.${m.extension}`;
  return `/image/${w}x${h}/${encodeURIComponent(m.id)}.${m.extension}`;
}
