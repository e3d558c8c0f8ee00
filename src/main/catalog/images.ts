import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PICTURE_NAME } from '../../shared/sync/shapes';
import { checkPicture, MAX_PICTURE_BYTES, MAX_PICTURE_EDGE, MAX_THUMB_BYTES, sniffImage, type PictureKind } from '../../shared/pictures';
import type { Product } from '../../shared/api/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { getProduct } from './products';

/**
 * Product pictures live in the data folder (images/), never in the database: `<product id>-<random>.<ext>`
 * and its thumbnail beside it as `….thumb`. The renderer scales both with a canvas before upload, so
 * main needs no native image library; here the bytes are only checked to be a JPEG, PNG or WebP.
 */
const MAX_IMAGE = MAX_PICTURE_BYTES;
const MAX_THUMB = MAX_THUMB_BYTES;

type Kind = PictureKind;

export { sniffImage };

function decode(base64: string, max: number, field: string): { bytes: Buffer; kind: Kind } {
  const bytes = Buffer.from(base64, 'base64');
  // The cloud checks an uploaded picture the same way, so a picture set here is never refused there.
  const check = checkPicture(bytes, max);
  if (!check.ok && check.problem === 'tooLarge')
    throw new AppError('VALIDATION', `The ${field} is too large (at most ${Math.round(max / 1000)} kB)`, { field });
  if (!check.ok && check.problem === 'tooWide')
    throw new AppError('VALIDATION', `The ${field} is too large (at most ${MAX_PICTURE_EDGE} pixels a side)`, { field });
  if (!check.ok) throw new AppError('VALIDATION', `The ${field} is not a JPEG, PNG or WebP picture`, { field });
  return { bytes, kind: check.kind };
}

function folder(deps: Pick<Deps, 'imagesDir'>): string {
  if (!deps.imagesDir) throw new AppError('IO', 'This store has no data folder for pictures');
  return deps.imagesDir;
}

/**
 * The path of a picture this till could have named, or null. A name reaches the database from the
 * wire too (sync, a restored backup): only the exact shape setProductImage makes becomes a path,
 * and the path must still be a file directly inside the pictures folder.
 */
export function picturePath(dir: string, name: string | null | undefined): string | null {
  if (!name || !PICTURE_NAME.test(name)) return null;
  const base = resolve(dir);
  const full = resolve(base, name);
  return dirname(full) === base ? full : null;
}

function removeFiles(dir: string, name: string | null): void {
  const file = picturePath(dir, name);
  if (!file) return;
  rmSync(file, { force: true });
  rmSync(`${file}.thumb`, { force: true });
}

/** Queues a product's picture for the online shop (sync/pictures.ts sends it), in the transaction that set it. */
export function queuePictureUpload(sqlite: Deps['sqlite'], productId: string, name: string): void {
  sqlite
    .prepare(
      `INSERT INTO picture_uploads (product_id, name, attempts, next_at, last_error) VALUES (?, ?, 0, 0, NULL)
     ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, attempts = 0, next_at = 0, last_error = NULL`,
    )
    .run(productId, name);
}

export function setProductImage(deps: Deps, id: string, image: string, thumb: string): Product {
  const before = getProduct(deps, id);
  const full = decode(image, MAX_IMAGE, 'image');
  const small = decode(thumb, MAX_THUMB, 'thumbnail');
  const dir = folder(deps);
  mkdirSync(dir, { recursive: true });
  const name = `${id}-${randomBytes(6).toString('hex')}.${full.kind.ext}`;
  try {
    writeFileSync(join(dir, name), full.bytes);
    writeFileSync(join(dir, `${name}.thumb`), small.bytes);
  } catch (err) {
    removeFiles(dir, name);
    throw new AppError('IO', `Could not save the picture: ${err instanceof Error ? err.message : String(err)}`);
  }
  deps.sqlite.prepare('UPDATE products SET image = ?, updated_at = ? WHERE id = ?').run(name, deps.clock(), id);
  queuePictureUpload(deps.sqlite, id, name);
  removeFiles(dir, before.image);
  return getProduct(deps, id);
}

export function clearProductImage(deps: Deps, id: string): Product {
  const before = getProduct(deps, id);
  if (!before.image) return before;
  deps.sqlite.prepare('UPDATE products SET image = NULL, updated_at = ? WHERE id = ?').run(deps.clock(), id);
  if (deps.imagesDir) removeFiles(deps.imagesDir, before.image);
  return getProduct(deps, id);
}

function dataUrl(file: string): string | null {
  try {
    const bytes = readFileSync(file);
    const kind = sniffImage(bytes);
    return kind ? `data:${kind.mime};base64,${bytes.toString('base64')}` : null;
  } catch {
    return null;
  }
}

/** Thumbnails by image name (names come from list rows; the contract's pattern keeps them inside the folder). */
export function thumbnails(deps: Pick<Deps, 'imagesDir'>, names: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of names) {
    const file = deps.imagesDir ? picturePath(deps.imagesDir, name) : null;
    out[name] = file ? dataUrl(`${file}.thumb`) : null;
  }
  return out;
}

export function productImage(deps: Deps, id: string): { dataUrl: string | null } {
  const p = getProduct(deps, id);
  const file = deps.imagesDir ? picturePath(deps.imagesDir, p.image) : null;
  return { dataUrl: file ? dataUrl(file) : null };
}
