import { describe, expect, it } from 'vitest';
import { cleanFileName, sizeText } from './inspect-upload.js';
import { extensionFor, isAllowedMime, normalizeMime } from './media-types.js';
import { looksBinary, sniff } from './sniff.js';

describe('upload helpers', () => {
  it('prints sizes the way Flotiq does, in the unit of the limit', () => {
    expect(sizeText(27_440_000, 10 * 1024 * 1024)).toEqual({ size: '26.17 MB', limit: '10 MB' });
    expect(sizeText(10_000, 4096)).toEqual({ size: '9.77 kB', limit: '4 kB' });
    expect(sizeText(900, 500)).toEqual({ size: '900 bytes', limit: '500 bytes' });
  });

  it('keeps a display name only', () => {
    expect(cleanFileName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\u0000b"c\n.png')).toBe('abc.png');
    expect(cleanFileName(undefined)).toBe('file');
    expect(cleanFileName('..')).toBe('file');
  });

  it('folds MIME spellings and picks extensions a URL can match', () => {
    expect(normalizeMime('Image/JPG; charset=x')).toBe('image/jpeg');
    expect(isAllowedMime('image/vnd.microsoft.icon', ['image/x-icon'])).toBe(true);
    expect(extensionFor('image/jpeg', 'photo.JPEG')).toBe('jpeg');
    expect(extensionFor('image/jpeg', 'photo.png')).toBe('jpg');
    expect(extensionFor('application/x-custom', 'data.Blob')).toBe('blob');
    expect(extensionFor('application/x-custom', 'data')).toBe('bin');
  });

  it('recognises formats sharp does not read from their first bytes', () => {
    expect(sniff(Buffer.from('%PDF-1.7\n'))?.mimes).toEqual(['application/pdf']);
    expect(sniff(Buffer.from([0x1f, 0x8b, 8, 0]))?.mimes).toEqual(['application/gzip']);
    expect(sniff(Buffer.from('OggS\0\0'))?.mimes).toContain('video/ogg');
    const bmp = Buffer.alloc(30);
    bmp.write('BM');
    bmp.writeInt32LE(640, 18);
    bmp.writeInt32LE(-480, 22);
    expect(sniff(bmp)).toEqual({ mimes: ['image/bmp'], width: 640, height: 480 });
    expect(sniff(Buffer.from('just text'))).toBeUndefined();
    expect(looksBinary(Buffer.from([65, 0, 66]))).toBe(true);
  });
});
