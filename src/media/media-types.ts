/**
 * What Flotilla knows about the MIME types it may store: the canonical extension, the extensions a file name may
 * carry for it, and the spellings clients send for the same type. Unknown types (an operator may allow any) fall
 * back to the file name's own extension.
 */

/** MIME type → extensions a file name may use for it; the first is the one we add when the name has none. */
const EXTENSIONS: Record<string, readonly string[]> = {
  'image/gif': ['gif'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe'],
  'image/bmp': ['bmp'],
  'image/webp': ['webp'],
  'image/svg+xml': ['svg'],
  'image/x-icon': ['ico'],
  'image/avif': ['avif'],
  'image/heif': ['heif', 'heic'],
  'image/tiff': ['tif', 'tiff'],
  'text/plain': ['txt', 'text', 'md', 'log', 'csv'],
  'audio/midi': ['mid', 'midi'],
  'audio/mpeg': ['mp3', 'mpga'],
  'audio/webm': ['weba', 'webm'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/wav': ['wav'],
  'video/webm': ['webm'],
  'video/ogg': ['ogv', 'ogg'],
  'video/mp4': ['mp4', 'm4v'],
  'application/pdf': ['pdf'],
  'application/json': ['json'],
};

/** Spellings browsers and tools send for the same type; the key is what we store. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/svg': 'image/svg+xml',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'image/x-ms-bmp': 'image/bmp',
  'image/heic': 'image/heif',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-midi': 'audio/midi',
};

/** Lower-cased, parameters dropped, aliases folded: `Image/JPG; q=1` → `image/jpeg`. */
export function normalizeMime(raw: string): string {
  const base = raw.split(';')[0].trim().toLowerCase();
  return ALIASES[base] ?? base;
}

/** Is `mime` (any spelling) in the configured allow-list? Aliases count as the same type. */
export function isAllowedMime(mime: string, allowed: readonly string[]): boolean {
  const m = normalizeMime(mime);
  return allowed.some((a) => normalizeMime(a) === m);
}

const SAFE_EXTENSION = /^[a-z0-9]{1,10}$/;

/**
 * The extension to record for a file: the name's own when it is one of the type's extensions (so `photo.jpeg`
 * stays `jpeg`), else the type's canonical one; a type we know nothing about keeps a safe name extension or `bin`.
 */
export function extensionFor(mime: string, fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const own = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  const known = EXTENSIONS[normalizeMime(mime)];
  if (known) return known.includes(own) ? own : known[0];
  return SAFE_EXTENSION.test(own) ? own : 'bin';
}

/** Image formats sharp can decode and re-encode in the same format, so they can be resized and trimmed. */
const TRANSFORMABLE = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif', 'image/heif', 'image/tiff']);

export function isTransformable(mime: string): boolean {
  return TRANSFORMABLE.has(normalizeMime(mime));
}

/** Text types must not contain NUL bytes: that is how a binary posing as text is caught. */
export function isTextMime(mime: string): boolean {
  const m = normalizeMime(mime);
  return m.startsWith('text/') || m === 'application/json' || m === 'image/svg+xml';
}
