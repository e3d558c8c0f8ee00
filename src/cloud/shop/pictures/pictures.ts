/**
 * Storing the pictures tills upload and reading them back for the shop. An upload is hostile until
 * proven otherwise: it must name the picture its organisation's product record names now, and both
 * files must be, by their own bytes, JPEG, PNG or WebP pictures of bounded size.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { checkPicture, MAX_PICTURE_BYTES, MAX_THUMB_BYTES, type PictureCheck } from '../../../shared/pictures';
import { idShape, PICTURE_NAME } from '../../../shared/sync/shapes';
import { rowsOf, type CloudDb } from '../../db/open';
import { CloudHttpError, type CloudDeps } from '../../deps';
import type { AuthDevice } from '../../tenancy';
import { ensureShopProjections } from '../catalog/projection';

export const PICTURE_SIZES = ['thumb', 'full'] as const;
export type PictureSizeName = (typeof PICTURE_SIZES)[number];

/** The most an upload's body may be: both files in base64 and the JSON around them. */
export const MAX_UPLOAD_BODY = Math.ceil(((MAX_PICTURE_BYTES + MAX_THUMB_BYTES) * 4) / 3) + 4096;

/** Base64 and nothing else; its length is bounded by the body's, the bytes' size is checked decoded. */
const base64 = z
  .string()
  .max(MAX_UPLOAD_BODY)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** An upload's body: the picture's name (the product record's `image`) and both files. */
export const pictureUploadSchema = z.strictObject({
  name: z.string().regex(PICTURE_NAME, 'a picture name'),
  full: base64,
  thumb: base64,
});
export type PictureUpload = z.infer<typeof pictureUploadSchema>;

const etagOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url').slice(0, 32);

function refuse(check: PictureCheck & { ok: false }, which: 'picture' | 'thumbnail'): never {
  if (check.problem === 'tooLarge') throw new CloudHttpError(413, 'TOO_LARGE', `The ${which} is larger than the shop accepts`);
  if (check.problem === 'tooWide') throw new CloudHttpError(400, 'PICTURE_TOO_WIDE', `The ${which} has more pixels than the shop accepts`);
  throw new CloudHttpError(400, 'NOT_A_PICTURE', `The ${which} is not a JPEG, PNG or WebP picture`);
}

/**
 * Stores a product's picture for the device's organisation. Answers `stored: false` when the
 * cloud already holds exactly this picture (a retry), so a retried upload never writes twice.
 */
export async function storePicture(
  deps: Pick<CloudDeps, 'db' | 'clock'>,
  device: AuthDevice,
  productIdParam: string,
  upload: PictureUpload,
): Promise<{ stored: boolean }> {
  const id = idShape.safeParse(productIdParam);
  if (!id.success) throw new CloudHttpError(400, 'VALIDATION', 'Bad product id');
  const productId = id.data;
  // The till names a picture after its product: another product's picture is not this one's.
  if (!upload.name.startsWith(`${productId}-`)) throw new CloudHttpError(400, 'VALIDATION', 'The picture is named for another product');
  const full = Buffer.from(upload.full, 'base64');
  const thumb = Buffer.from(upload.thumb, 'base64');
  const fullCheck = checkPicture(full, MAX_PICTURE_BYTES);
  if (!fullCheck.ok) refuse(fullCheck, 'picture');
  const thumbCheck = checkPicture(thumb, MAX_THUMB_BYTES);
  if (!thumbCheck.ok) refuse(thumbCheck, 'thumbnail');
  // The name's extension is the full picture's kind on the till: bytes of another kind were not made there.
  if (!upload.name.endsWith(`.${fullCheck.kind.ext}`))
    throw new CloudHttpError(400, 'NOT_A_PICTURE', 'The picture is not of the kind its name says');

  await ensureShopProjections(deps, device.orgId);
  return deps.db.transaction(async (tx) => {
    // The product row is locked so a push that renames its picture waits for this upload, or this
    // upload sees the new name: a stored picture is always one the record named at that moment.
    const [product] = await rowsOf<{ image: string | null; has: string | null }>(
      tx,
      sql`SELECT p.image, pic.name AS has FROM shop_products p
          LEFT JOIN shop_pictures pic ON pic.org_id = p.org_id AND pic.product_id = p.product_id
          WHERE p.org_id = ${device.orgId} AND p.product_id = ${productId} AND p.name IS NOT NULL FOR UPDATE OF p`,
    );
    if (!product) throw new CloudHttpError(404, 'NOT_FOUND', 'No such product in this organisation (yet)');
    if (product.image !== upload.name) throw new CloudHttpError(409, 'NOT_CURRENT', 'The product names another picture now');
    if (product.has === upload.name) return { stored: false };
    await writePicture(
      tx,
      device,
      productId,
      upload.name,
      { bytes: full, check: fullCheck },
      { bytes: thumb, check: thumbCheck },
      deps.clock(),
    );
    return { stored: true };
  });
}

type Checked = { bytes: Buffer; check: PictureCheck & { ok: true } };

async function writePicture(tx: CloudDb, device: AuthDevice, productId: string, name: string, full: Checked, thumb: Checked, at: number) {
  await tx.execute(sql`
    INSERT INTO shop_pictures (org_id, product_id, name, full_data, full_type, full_width, full_height, full_etag,
      thumb_data, thumb_type, thumb_width, thumb_height, thumb_etag, device_id, uploaded_at)
    VALUES (${device.orgId}, ${productId}, ${name}, ${full.bytes}, ${full.check.kind.mime}, ${full.check.size.width},
      ${full.check.size.height}, ${etagOf(full.bytes)}, ${thumb.bytes}, ${thumb.check.kind.mime}, ${thumb.check.size.width},
      ${thumb.check.size.height}, ${etagOf(thumb.bytes)}, ${device.id}, ${at})
    ON CONFLICT (org_id, product_id) DO UPDATE SET name = excluded.name, full_data = excluded.full_data, full_type = excluded.full_type,
      full_width = excluded.full_width, full_height = excluded.full_height, full_etag = excluded.full_etag, thumb_data = excluded.thumb_data,
      thumb_type = excluded.thumb_type, thumb_width = excluded.thumb_width, thumb_height = excluded.thumb_height,
      thumb_etag = excluded.thumb_etag, device_id = excluded.device_id, uploaded_at = excluded.uploaded_at`);
}

/** What a page needs to show a product's picture: its version (the name) and both sizes in pixels. */
export interface PictureInfo {
  name: string;
  fullWidth: number;
  fullHeight: number;
  thumbWidth: number;
  thumbHeight: number;
}

/** A picture's columns as `pictureColumns` names them. */
export interface PictureColumns {
  pic_name: string | null;
  pic_full_width: string | number | null;
  pic_full_height: string | number | null;
  pic_thumb_width: string | number | null;
  pic_thumb_height: string | number | null;
}

/**
 * The current picture's columns of the listing `p` (shop_products), for a page that reads its
 * products' pictures in the same statement: all null while the picture has not arrived.
 */
export const pictureColumns = sql`pic.name AS pic_name, pic.full_width AS pic_full_width, pic.full_height AS pic_full_height,
  pic.thumb_width AS pic_thumb_width, pic.thumb_height AS pic_thumb_height`;

/** The join `pictureColumns` reads from. */
export const pictureJoin = sql`LEFT JOIN shop_pictures pic ON pic.org_id = p.org_id AND pic.product_id = p.product_id AND pic.name = p.image`;

export function pictureOf(r: PictureColumns): PictureInfo | undefined {
  if (r.pic_name === null) return undefined;
  return {
    name: r.pic_name,
    fullWidth: Number(r.pic_full_width),
    fullHeight: Number(r.pic_full_height),
    thumbWidth: Number(r.pic_thumb_width),
    thumbHeight: Number(r.pic_thumb_height),
  };
}

/**
 * The pictures of these listed products, in one query (a list page's 24 cards). A product whose
 * current picture has not arrived yet has none: the page shows a placeholder, never a broken image.
 */
export async function picturesOf(db: CloudDb, orgId: string, productIds: string[]): Promise<Map<string, PictureInfo>> {
  const out = new Map<string, PictureInfo>();
  if (productIds.length === 0) return out;
  const rows = await rowsOf<{
    product_id: string;
    name: string;
    full_width: number;
    full_height: number;
    thumb_width: number;
    thumb_height: number;
  }>(
    db,
    sql`SELECT pic.product_id, pic.name, pic.full_width, pic.full_height, pic.thumb_width, pic.thumb_height
        FROM shop_pictures pic JOIN shop_products p ON p.org_id = pic.org_id AND p.product_id = pic.product_id AND p.image = pic.name
        WHERE pic.org_id = ${orgId} AND pic.product_id = ANY(${sql.param([...new Set(productIds)])}::text[])`,
  );
  for (const r of rows)
    out.set(r.product_id, {
      name: r.name,
      fullWidth: Number(r.full_width),
      fullHeight: Number(r.full_height),
      thumbWidth: Number(r.thumb_width),
      thumbHeight: Number(r.thumb_height),
    });
  return out;
}

/**
 * One size of a listed product's current picture, or null (unknown, not sold online, another
 * organisation's, or not this version). `bytes` is null when the caller's validator still matches.
 */
export async function readPicture(
  db: CloudDb,
  orgId: string,
  q: { productId: string; name: string; size: PictureSizeName; ifNoneMatch: string | null },
): Promise<{ type: string; etag: string; bytes: Uint8Array | null } | null> {
  const full = q.size === 'full';
  const bytes = full ? sql`pic.full_data` : sql`pic.thumb_data`;
  const type = full ? sql`pic.full_type` : sql`pic.thumb_type`;
  const etag = full ? sql`pic.full_etag` : sql`pic.thumb_etag`;
  // The bytes are not read at all when the browser already has them.
  const [r] = await rowsOf<{ type: string; etag: string; bytes: Uint8Array | null }>(
    db,
    sql`SELECT ${type} AS type, ${etag} AS etag, CASE WHEN ${etag} = ${q.ifNoneMatch ?? ''} THEN NULL ELSE ${bytes} END AS bytes
        FROM shop_pictures pic JOIN shop_products p ON p.org_id = pic.org_id AND p.product_id = pic.product_id AND p.image = pic.name
        WHERE pic.org_id = ${orgId} AND pic.product_id = ${q.productId} AND pic.name = ${q.name} AND p.listed`,
  );
  return r ?? null;
}
