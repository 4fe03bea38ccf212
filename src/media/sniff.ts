/**
 * Recognises a file from its first bytes, for the formats sharp does not decode (images sharp reads are identified by
 * sharp itself). The answer is a family: a WebM or Ogg container may honestly be declared as audio or video.
 */
export interface Sniffed {
  /** Acceptable declarations; the first is what we report when the declaration is not among them. */
  mimes: readonly string[];
  width?: number;
  height?: number;
}

const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;
const bytes = (b: Buffer, at: number, xs: number[]) => b.length >= at + xs.length && xs.every((x, i) => b[at + i] === x);

/** Signatures checked in order; the first match wins. */
const SIGNATURES: { test: (b: Buffer) => boolean; mimes: string[] }[] = [
  { test: (b) => ascii(b, 0, '%PDF-'), mimes: ['application/pdf'] },
  { test: (b) => bytes(b, 0, [0x1f, 0x8b]), mimes: ['application/gzip'] },
  { test: (b) => bytes(b, 0, [0x50, 0x4b, 0x03, 0x04]), mimes: ['application/zip'] },
  { test: (b) => ascii(b, 0, 'Rar!'), mimes: ['application/vnd.rar'] },
  { test: (b) => bytes(b, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), mimes: ['application/x-7z-compressed'] },
  { test: (b) => bytes(b, 0, [0x7f, 0x45, 0x4c, 0x46]), mimes: ['application/x-elf'] },
  { test: (b) => ascii(b, 0, 'MZ'), mimes: ['application/x-msdownload'] },
  { test: (b) => ascii(b, 0, 'MThd'), mimes: ['audio/midi'] },
  { test: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE'), mimes: ['audio/wav'] },
  { test: (b) => ascii(b, 0, 'ID3') || (b.length > 1 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0), mimes: ['audio/mpeg'] },
  { test: (b) => ascii(b, 0, 'OggS'), mimes: ['audio/ogg', 'video/ogg'] },
  { test: (b) => bytes(b, 0, [0x1a, 0x45, 0xdf, 0xa3]), mimes: ['video/webm', 'audio/webm'] },
  { test: (b) => ascii(b, 4, 'ftyp'), mimes: ['video/mp4', 'audio/mp4'] },
];

/** BMP and ICO carry their size in a fixed header; reading it keeps `width`/`height` right for them too. */
function bitmapSize(b: Buffer): Sniffed | undefined {
  if (ascii(b, 0, 'BM') && b.length >= 26) {
    return { mimes: ['image/bmp'], width: b.readInt32LE(18), height: Math.abs(b.readInt32LE(22)) };
  }
  if (bytes(b, 0, [0, 0, 1, 0]) && b.length >= 8 && b.readUInt16LE(4) > 0) {
    // a stored 0 means 256 pixels in the ICO directory entry
    return { mimes: ['image/x-icon'], width: b[6] || 256, height: b[7] || 256 };
  }
  return undefined;
}

/** The family the bytes belong to, or undefined when nothing here recognises them. */
export function sniff(head: Buffer): Sniffed | undefined {
  const bitmap = bitmapSize(head);
  if (bitmap) return bitmap;
  const hit = SIGNATURES.find((s) => s.test(head));
  return hit ? { mimes: hit.mimes } : undefined;
}

/** A NUL byte never occurs in text (UTF-8 or ASCII): its presence marks binary content. */
export function looksBinary(head: Buffer): boolean {
  return head.includes(0);
}
