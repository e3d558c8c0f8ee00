/**
 * Product pictures as bytes: what a picture may be (JPEG, PNG or WebP, recognised by its first
 * bytes, never by a name or a declared type), how large, and its pixel size read from its header.
 * The till checks a picture with these when it is set, and the cloud again when a till uploads it.
 * Pure: works on Uint8Array (a Node Buffer is one), so no image library is needed anywhere.
 */

/** Byte caps: the full picture (the till scales it to at most FULL_EDGE pixels) and its thumbnail. */
export const MAX_PICTURE_BYTES = 1_500_000;
export const MAX_THUMB_BYTES = 140_000;

/** Longest edge, in pixels, the till's screen scales a picture and its thumbnail to. */
export const FULL_EDGE = 1024;
export const THUMB_EDGE = 240;

/** The largest edge a stored picture may declare: bounds what a buyer's browser is made to decode. */
export const MAX_PICTURE_EDGE = 4096;

export type PictureKind = { ext: 'jpg' | 'png' | 'webp'; mime: 'image/jpeg' | 'image/png' | 'image/webp' };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

export function sniffImage(bytes: Uint8Array): PictureKind | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { ext: 'jpg', mime: 'image/jpeg' };
  if (bytes.length > 8 && PNG_SIGNATURE.every((v, k) => bytes[k] === v)) return { ext: 'png', mime: 'image/png' };
  if (bytes.length > 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return { ext: 'webp', mime: 'image/webp' };
  return null;
}

export interface PictureSize {
  width: number;
  height: number;
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);

function jpegSize(b: Uint8Array): PictureSize | null {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    // Fill bytes, and markers that stand alone (no length follows).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    // Start of frame (any of the SOF kinds; C4, C8 and CC are other segments): the frame's size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = u16be(b, at + 2);
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

function pngSize(b: Uint8Array): PictureSize | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

function webpSize(b: Uint8Array): PictureSize | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const [b0, b1, b2, b3] = [b[21]!, b[22]!, b[23]!, b[24]!];
    return { width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
  }
  if (chunk === 'VP8X') return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
  return null;
}

/** The picture's width and height from its header, or null when the header is not a real one. */
export function pictureSize(bytes: Uint8Array): PictureSize | null {
  const kind = sniffImage(bytes);
  if (!kind) return null;
  const size = kind.ext === 'jpg' ? jpegSize(bytes) : kind.ext === 'png' ? pngSize(bytes) : webpSize(bytes);
  if (!size || size.width < 1 || size.height < 1) return null;
  return size;
}

export type PictureCheck =
  { ok: true; kind: PictureKind; size: PictureSize } | { ok: false; problem: 'tooLarge' | 'notPicture' | 'tooWide' };

/** Whether these bytes are a picture the shop may store and serve. */
export function checkPicture(bytes: Uint8Array, maxBytes: number, maxEdge = MAX_PICTURE_EDGE): PictureCheck {
  if (bytes.length > maxBytes) return { ok: false, problem: 'tooLarge' };
  const kind = sniffImage(bytes);
  const size = kind ? pictureSize(bytes) : null;
  if (!kind || !size) return { ok: false, problem: 'notPicture' };
  if (size.width > maxEdge || size.height > maxEdge) return { ok: false, problem: 'tooWide' };
  return { ok: true, kind, size };
}
