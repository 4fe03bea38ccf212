import jsQR from 'jsqr';
import sharp from 'sharp';

/** The text of the QR code in a PNG (a screenshot), or undefined when none can be read. */
export async function decodeQr(png: Buffer): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  // jsqr is a CommonJS bundle whose `exports.default` is the decoder (typed so under NodeNext)
  return jsQR.default(pixels, info.width, info.height)?.data;
}
