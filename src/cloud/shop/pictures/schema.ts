/**
 * Product pictures the tills upload, kept in the database so every cloud process serves the same
 * bytes. One row per product of an organisation: the picture its product record names (`name`,
 * the record's `image`), replaced when a till uploads the next one and dropped when the record
 * stops naming it. Large values live out of line (TOAST), so reading a row's sizes for a list page
 * does not read its bytes.
 */
import { bigint, customType, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

export const shopPictures = pgTable(
  'shop_pictures',
  {
    orgId: uuid('org_id').notNull(),
    productId: text('product_id').notNull(),
    /** The till's file name (`<product id>-<random>.<ext>`): also the version in the picture's URL. */
    name: text('name').notNull(),
    fullData: bytea('full_data').notNull(),
    fullType: text('full_type').notNull(),
    fullWidth: integer('full_width').notNull(),
    fullHeight: integer('full_height').notNull(),
    /** A strong validator of the bytes (sha-256, base64url), for If-None-Match. */
    fullEtag: text('full_etag').notNull(),
    thumbData: bytea('thumb_data').notNull(),
    thumbType: text('thumb_type').notNull(),
    thumbWidth: integer('thumb_width').notNull(),
    thumbHeight: integer('thumb_height').notNull(),
    thumbEtag: text('thumb_etag').notNull(),
    /** The terminal that uploaded it. */
    deviceId: uuid('device_id').notNull(),
    uploadedAt: ms('uploaded_at').notNull(),
  },
  (t) => [primaryKey({ name: 'shop_pictures_pk', columns: [t.orgId, t.productId] })],
);
