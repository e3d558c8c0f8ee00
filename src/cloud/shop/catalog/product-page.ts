/**
 * What a product page shows of its product, in one statement: the listing with its category,
 * what is available online in this store, its current picture, and the page of reviews asked for.
 * A product page is the shop's busiest answer, and each round trip to the database costs more
 * than the reading it carries.
 */
import { sql } from 'drizzle-orm';
import { preparedRowsOf, type CloudDb } from '../../db/open';
import { pictureColumns, pictureJoin, pictureOf, type PictureColumns, type PictureInfo } from '../pictures/pictures';
import { reviewPageOf, reviewPageSql, type Review } from '../reviews/reviews';
import {
  DETAIL_COLUMNS,
  detailFrom,
  detailOf,
  listProducts,
  type DetailRow,
  type ListExtra,
  type ProductCard,
  type ProductDetail,
  type ProductQuery,
} from './queries';
import { availabilityColumns, availableFrom, storeSafetyBuffer, type AvailabilityRow, type StoreRef } from './stock';

export interface ProductPage {
  product: ProductDetail;
  /** Thousandths available online in this store. */
  available: number;
  picture: PictureInfo | undefined;
  reviews: { items: Review[]; more: boolean };
}

/** The listed product's page in this store, or null (unknown, not sold online, archived, another organisation's). */
export async function productPage(
  db: CloudDb,
  store: StoreRef & { safetyBuffer?: number },
  productId: string,
  reviewsPage: number,
  now: number,
): Promise<ProductPage | null> {
  const [[r], storeBuffer] = await Promise.all([
    preparedRowsOf<DetailRow & AvailabilityRow & PictureColumns & { reviews: Review[] | null }>(
      db,
      sql`SELECT ${DETAIL_COLUMNS}, ${availabilityColumns(store, sql`p.product_id`, now)}, ${pictureColumns},
          (SELECT json_agg(rv ORDER BY rv."createdAt" DESC, rv.id DESC)
            FROM (${reviewPageSql(store.orgId, sql`p.product_id`, reviewsPage)}) rv) AS reviews
        FROM ${detailFrom} ${pictureJoin}
        WHERE p.org_id = ${store.orgId} AND p.product_id = ${productId} AND p.listed`,
    ),
    bufferOf(db, store),
  ]);
  if (!r) return null;
  return {
    product: detailOf(r),
    available: availableFrom(r, storeBuffer),
    picture: pictureOf(r),
    reviews: reviewPageOf(r.reviews ?? []),
  };
}

/** The columns a shown card reads beside its own, of the listing `p`: availability here and its picture. */
export function shownExtra(store: StoreRef, now: number, stock = true): ListExtra {
  return {
    columns: stock ? sql`${availabilityColumns(store, sql`p.product_id`, now)}, ${pictureColumns}` : pictureColumns,
    joins: pictureJoin,
  };
}

export type ShownRow = { product_id: string } & Partial<AvailabilityRow> & PictureColumns;

/** What `shownExtra`'s columns say, by product: units available (when read) and pictures. */
export function shownOf(rows: readonly ShownRow[], storeBuffer: number | null) {
  const available = new Map<string, number>();
  const pictures = new Map<string, PictureInfo>();
  for (const r of rows) {
    if (storeBuffer !== null) available.set(r.product_id, availableFrom(r as AvailabilityRow, storeBuffer));
    const pic = pictureOf(r);
    if (pic) pictures.set(r.product_id, pic);
  }
  return { available, pictures };
}

/** The store's own buffer: as read with the store, else from its settings. */
export const bufferOf = (db: CloudDb, store: StoreRef & { safetyBuffer?: number }) => store.safetyBuffer ?? storeSafetyBuffer(db, store);

/**
 * A page of listed products as the lists show them, in one statement: each card with what is
 * available online in this store (unless `stock` is false) and its picture.
 */
export async function listShown(
  db: CloudDb,
  store: StoreRef & { safetyBuffer?: number },
  query: ProductQuery,
  now: number,
  opts: { stock?: boolean } = {},
): Promise<{ items: ProductCard[]; more: boolean; available: Map<string, number>; pictures: Map<string, PictureInfo> }> {
  const stock = opts.stock ?? true;
  const [list, storeBuffer] = await Promise.all([
    listProducts<ShownRow>(db, store.orgId, query, shownExtra(store, now, stock)),
    stock ? bufferOf(db, store) : null,
  ]);
  return { items: list.items, more: list.more, ...shownOf(list.rows, storeBuffer) };
}
