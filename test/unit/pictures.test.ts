/** Reading what a picture is and how large, from its own bytes, as the till and the cloud both do. */
import { describe, expect, it } from 'vitest';
import { checkPicture, MAX_THUMB_BYTES, pictureSize, sniffImage } from '../../src/shared/pictures';
import { jpegHeader, png } from '../support/pictures';

const webp = (chunk: string, body: number[]) => {
  const data = Buffer.from(body);
  const b = Buffer.alloc(20 + data.length);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(12 + data.length, 4);
  b.write('WEBP', 8, 'latin1');
  b.write(chunk, 12, 'latin1');
  b.writeUInt32LE(data.length, 16);
  data.copy(b, 20);
  return b;
};

describe('picture bytes', () => {
  it('reads the size of a PNG, a JPEG and the three kinds of WebP', () => {
    expect(pictureSize(png(37, 21))).toEqual({ width: 37, height: 21 });
    expect(pictureSize(jpegHeader(1024, 768))).toEqual({ width: 1024, height: 768 });
    // Lossy: frame tag, start code, 14-bit sizes (little-endian).
    expect(pictureSize(webp('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 0, 0]))).toEqual({ width: 320, height: 240 });
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    const w = 99;
    const h = 50;
    const bits = (w - 1) | ((h - 1) << 14);
    expect(
      pictureSize(webp('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >> 24) & 0xff, 0, 0, 0, 0, 0])),
    ).toEqual({
      width: 99,
      height: 50,
    });
    // Extended: canvas width-1 and height-1, 24 bits each.
    expect(pictureSize(webp('VP8X', [0, 0, 0, 0, 0xff, 0x01, 0x00, 0x2b, 0x01, 0x00]))).toEqual({ width: 512, height: 300 });
  });

  it('refuses what only starts like a picture: a script behind a JPEG signature, HTML, an empty PNG header', () => {
    const polyglot = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('<html><script>alert(1)</script></html>')]);
    expect(sniffImage(polyglot)?.ext).toBe('jpg');
    expect(pictureSize(polyglot)).toBeNull();
    expect(checkPicture(polyglot, MAX_THUMB_BYTES)).toEqual({ ok: false, problem: 'notPicture' });
    expect(checkPicture(Buffer.from('<svg onload=alert(1)>'), MAX_THUMB_BYTES)).toEqual({ ok: false, problem: 'notPicture' });
    expect(checkPicture(png(0, 0), MAX_THUMB_BYTES)).toEqual({ ok: false, problem: 'notPicture' });
    expect(checkPicture(png(5000, 1), 1_500_000)).toEqual({ ok: false, problem: 'tooWide' });
    expect(checkPicture(jpegHeader(10, 10, MAX_THUMB_BYTES + 1), MAX_THUMB_BYTES)).toEqual({ ok: false, problem: 'tooLarge' });
    expect(checkPicture(png(240, 160), MAX_THUMB_BYTES)).toMatchObject({
      ok: true,
      kind: { mime: 'image/png' },
      size: { width: 240, height: 160 },
    });
  });
});
